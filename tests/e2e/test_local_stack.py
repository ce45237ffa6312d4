"""The local stack as a user runs it: `articlectl dev`, the AWS CLI, HTTP."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.e2e.local_stack import ROOT, aws_cli, get, listening, running_stack, wait_for

pytestmark = pytest.mark.e2e


def test_upload_query_reject_delete_and_stop(tmp_path) -> None:
    with running_stack(tmp_path) as stack:
        aws_port, api_port, environment, api = stack.aws_port, stack.api_port, stack.environment, stack.api

        def aws_s3(*arguments: str) -> None:
            command = [*aws_cli(), "--endpoint-url", stack.endpoint, "s3", *arguments]
            subprocess.run(command, env=environment, check=True, capture_output=True, timeout=60)

        first = json.loads(get(f"{api}/articles?limit=100")[1])
        assert len(first["items"]) >= 5, "samples are loaded before the API answers"

        post = tmp_path / "my-post.md"
        post.write_text(
            "---\ntitle: My own post\nwebUrl: https://me.example.com/post\n"
            "publishedDateTime: 2026-11-26T08:00:00+01:00\ntopics: [E2E]\n---\nHello *world*\n"
        )
        aws_s3("cp", str(post), "s3://articles/my folder/my-post.md")
        wait_for(lambda: get(f"{api}/articles/my-post")[0] == 200, what="the uploaded article")
        article = json.loads(get(f"{api}/articles/my-post")[1])
        assert article["publishedDateTime"] == "2026-11-26T07:00:00Z"
        assert article["sourceKey"] == "my folder/my-post.md"
        assert [item["id"] for item in json.loads(get(f"{api}/articles?topic=e2e")[1])["items"]] == ["my-post"]
        # The stream reaches the search index within 2 seconds of the upload being served.
        wait_for(
            lambda: "my-post" in get(f"{api}/articles?q=posts")[1].decode(), timeout=2.0, what="the post in search"
        )

        broken = tmp_path / "broken.md"
        broken.write_text("---\ntitle: Broken\nwebUrl: not-a-url\npublishedDateTime: 2026-11-26T08:00:00Z\n---\n")
        aws_s3("cp", str(broken), "s3://articles/broken.md")
        wait_for(lambda: get(f"{api}/ingestions?key=broken.md")[0] == 200, what="the rejection record")
        record = json.loads(get(f"{api}/ingestions?key=broken.md")[1])
        assert record["status"] == "rejected"
        assert record["errors"][0]["loc"] == "webUrl"

        invoked = subprocess.run(
            [
                sys.executable,
                "-m",
                "articlectl",
                "invoke",
                "ApiFunction",
                "--event",
                "events/apigw_list_topics.json",
                "--endpoint-url",
                f"http://127.0.0.1:{aws_port}",
            ],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        answer = json.loads(invoked.stdout)
        assert answer["statusCode"] == 200
        assert "E2E" in answer["body"] or answer["isBase64Encoded"]
        for name in ("insert", "modify"):
            event = f"events/ddb_stream_{name}_article.json"
            streamed = subprocess.run(
                [sys.executable, "-m", "articlectl", "invoke", "StreamFunction", "--event", event,
                 "--endpoint-url", f"http://127.0.0.1:{aws_port}"],
                cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60, check=True,
            )  # fmt: skip
            answer_text = streamed.stdout[streamed.stdout.rindex("{\n") :]  # after the function's log lines
            assert json.loads(answer_text) == {"batchItemFailures": []}

        aws_s3("rm", "s3://articles/my folder/my-post.md")
        wait_for(lambda: get(f"{api}/articles/my-post")[0] == 404, what="the delete")
    assert stack.process.returncode == 0, stack.log.read_text()[-2000:]
    assert not listening(aws_port)
    assert not listening(api_port)
