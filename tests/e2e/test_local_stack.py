"""The local stack as a user runs it: `articlectl dev`, the AWS CLI, HTTP."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (urllib.error.URLError, ConnectionError):
        return 0, b""


def wait_for(condition, timeout: float = 60.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def aws_cli() -> list[str]:
    beside = Path(sys.executable).parent / "aws"
    return [str(beside)] if beside.exists() else [shutil.which("aws") or "aws"]


def test_upload_query_reject_delete_and_stop(tmp_path) -> None:
    aws_port, api_port = free_port(), free_port()
    environment = {name: value for name, value in os.environ.items() if name != "AWS_ENDPOINT_URL"}
    environment |= {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_DEFAULT_REGION": "us-east-1"}
    log = (tmp_path / "dev.log").open("w")
    stack = subprocess.Popen(
        [sys.executable, "-m", "articlectl", "dev", "--aws-port", str(aws_port), "--api-port", str(api_port)],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    api = f"http://127.0.0.1:{api_port}"
    s3 = [*aws_cli(), "--endpoint-url", f"http://127.0.0.1:{aws_port}", "s3"]
    try:
        wait_for(lambda: get(f"{api}/articles")[0] == 200, what="the API")
        first = json.loads(get(f"{api}/articles?limit=100")[1])
        assert len(first["items"]) >= 5, "samples are loaded before the API answers"

        post = tmp_path / "my-post.md"
        post.write_text(
            "---\ntitle: My own post\nwebUrl: https://me.example.com/post\n"
            "publishedDateTime: 2026-11-26T08:00:00+01:00\ntopics: [E2E]\n---\nHello *world*\n"
        )
        subprocess.run(
            [*s3, "cp", str(post), "s3://articles/my folder/my-post.md"],
            env=environment,
            check=True,
            capture_output=True,
            timeout=60,
        )
        wait_for(lambda: get(f"{api}/articles/my-post")[0] == 200, what="the uploaded article")
        article = json.loads(get(f"{api}/articles/my-post")[1])
        assert article["publishedDateTime"] == "2026-11-26T07:00:00Z"
        assert article["sourceKey"] == "my folder/my-post.md"
        assert [item["id"] for item in json.loads(get(f"{api}/articles?topic=e2e")[1])["items"]] == ["my-post"]

        broken = tmp_path / "broken.md"
        broken.write_text("---\ntitle: Broken\nwebUrl: not-a-url\npublishedDateTime: 2026-11-26T08:00:00Z\n---\n")
        subprocess.run(
            [*s3, "cp", str(broken), "s3://articles/broken.md"],
            env=environment,
            check=True,
            capture_output=True,
            timeout=60,
        )
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

        subprocess.run(
            [*s3, "rm", "s3://articles/my folder/my-post.md"],
            env=environment,
            check=True,
            capture_output=True,
            timeout=60,
        )
        wait_for(lambda: get(f"{api}/articles/my-post")[0] == 404, what="the delete")
    finally:
        stack.send_signal(signal.SIGINT)
        stack.wait(timeout=30)
        log.close()
    assert stack.returncode == 0, (tmp_path / "dev.log").read_text()[-2000:]
    assert not listening(aws_port)
    assert not listening(api_port)
