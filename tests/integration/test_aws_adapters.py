"""The thin AWS adapters on their own, under moto: what each makes of the answers AWS gives.

Answers moto never gives (a GetObject error without its code, a PutEvents entry
refused) are injected by a botocore `before-call` hook, which answers in place
of the service, as the other fault tests do.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse, HTTPHeaders
from botocore.exceptions import ClientError

from article_feed.aws_clients import MAX_ATTEMPTS, aws_client
from article_feed.domain.events import ChangeEvent
from article_feed.eventbridge import EventBusPublisher, EventsNotPublished
from article_feed.s3 import S3ObjectReader
from tests.support.aws import on_aws_calls

if TYPE_CHECKING:
    from collections.abc import Iterator

KEY = "adapters/story.md"


def _answer_instead(monkeypatch: pytest.MonkeyPatch, operation: str, status: int, parsed: dict[str, Any]) -> None:
    """Every `operation` of clients created from now on gets this answer, without a request."""

    def answer(**_: object) -> tuple[AWSResponse, dict[str, Any]]:
        return AWSResponse("https://aws.example", status, HTTPHeaders(), None), parsed

    on_aws_calls(monkeypatch, f"before-call.{operation}", answer)


# --- S3ObjectReader ------------------------------------------------------------------------------


def test_an_empty_object_reads_as_no_bytes_of_the_version_asked(stack) -> None:
    version = stack.s3.put_object(Bucket=stack.bucket, Key=KEY, Body=b"")["VersionId"]
    fetched = S3ObjectReader(stack.s3).read(stack.bucket, KEY, version, 100)
    assert fetched is not None
    assert (fetched.data, fetched.etag, fetched.version_id) == (b"", None, version)


def test_a_version_deleted_since_its_event_is_gone(stack) -> None:
    version = stack.s3.put_object(Bucket=stack.bucket, Key=KEY, Body=b"x")["VersionId"]
    stack.s3.put_object(Bucket=stack.bucket, Key=KEY, Body=b"y")
    stack.s3.delete_object(Bucket=stack.bucket, Key=KEY, VersionId=version)
    assert S3ObjectReader(stack.s3).read(stack.bucket, KEY, version, 100) is None


def test_a_delete_marker_asked_by_its_version_is_gone(stack) -> None:
    stack.s3.put_object(Bucket=stack.bucket, Key=KEY, Body=b"x")
    marker = stack.s3.delete_object(Bucket=stack.bucket, Key=KEY)["VersionId"]
    assert S3ObjectReader(stack.s3).read(stack.bucket, KEY, marker, 100) is None


def test_the_object_read_names_its_etag_without_quotes_and_its_version(stack) -> None:
    put = stack.s3.put_object(Bucket=stack.bucket, Key=KEY, Body=b"0123456789")
    fetched = S3ObjectReader(stack.s3).read(stack.bucket, KEY, None, 4)
    assert fetched is not None
    assert fetched.data == b"01234"  # the limit and one byte more: enough to tell it is too large
    assert fetched.etag == put["ETag"].strip('"')
    assert fetched.version_id == put["VersionId"]


@pytest.mark.parametrize("code", ["NoSuchVersion", "NoSuchKey", "404", "MethodNotAllowed"])
def test_each_answer_meaning_gone_reads_as_none(stack, monkeypatch, code: str) -> None:
    _answer_instead(monkeypatch, "s3.GetObject", 404, {"Error": {"Code": code, "Message": code}})
    assert S3ObjectReader(aws_client("s3")).read(stack.bucket, KEY, "v1", 100) is None


def test_an_unsatisfiable_range_reads_as_an_empty_object(stack, monkeypatch) -> None:
    _answer_instead(monkeypatch, "s3.GetObject", 416, {"Error": {"Code": "InvalidRange", "Message": "empty"}})
    fetched = S3ObjectReader(aws_client("s3")).read(stack.bucket, KEY, "v1", 100)
    assert fetched is not None
    assert (fetched.data, fetched.version_id) == (b"", "v1")


@pytest.mark.parametrize("error", [{"Error": {"Code": "AccessDenied", "Message": "no"}}, {}])
def test_any_other_error_reaches_the_caller_as_it_came(stack, monkeypatch, error: dict[str, Any]) -> None:
    _answer_instead(monkeypatch, "s3.GetObject", 403, error)
    with pytest.raises(ClientError) as raised:
        S3ObjectReader(aws_client("s3")).read(stack.bucket, KEY, None, 100)
    assert raised.value.response.get("Error", {}).get("Code") == error.get("Error", {}).get("Code")


# --- EventBusPublisher ---------------------------------------------------------------------------


def test_an_event_goes_out_as_compact_unescaped_json(stack, monkeypatch) -> None:
    sent: list[dict[str, Any]] = []

    def record(params: dict[str, Any], **_: object) -> None:
        sent.append(params)

    on_aws_calls(monkeypatch, "before-parameter-build.events.PutEvents", record)
    event = ChangeEvent(detail_type="ArticleUpdated", detail={"title": "Café – 東京", "n": [1, 2]})
    EventBusPublisher(aws_client("events"), stack.event_bus).publish(event)
    (entry,) = sent[0]["Entries"]
    # Compact and unescaped: an entry is billed and limited (256 KB) by its size.
    assert entry["Detail"] == '{"title":"Café – 東京","n":[1,2]}'
    assert entry["EventBusName"] == stack.event_bus


def test_an_entry_eventbridge_refuses_fails_with_its_code_and_message(stack, monkeypatch) -> None:
    refused = {"FailedEntryCount": 1, "Entries": [{"ErrorCode": "ThrottlingException", "ErrorMessage": "slow down"}]}
    _answer_instead(monkeypatch, "events.PutEvents", 200, refused)
    event = ChangeEvent(detail_type="ArticleUpdated", detail={"n": 1})
    with pytest.raises(EventsNotPublished, match=r"^ThrottlingException: slow down$"):
        EventBusPublisher(aws_client("events"), stack.event_bus).publish(event)


class _EmptyBody:
    """The raw body of an answer without content, as botocore reads it."""

    def stream(self, **_: object) -> Iterator[bytes]:
        yield b""


# --- aws_client ----------------------------------------------------------------------------------


def test_every_client_retries_a_server_error_up_to_the_policy_then_reports_it(stack, monkeypatch) -> None:
    attempts: list[object] = []

    def unavailable(request: Any, **_: object) -> Any:
        attempts.append(request)
        return AWSResponse(request.url, 503, HTTPHeaders(), _EmptyBody())

    monkeypatch.setattr(time, "sleep", lambda _seconds: None)  # botocore's backoff, not waited
    on_aws_calls(monkeypatch, "before-send.dynamodb.DescribeTable", unavailable)
    with pytest.raises(ClientError):
        aws_client("dynamodb").describe_table(TableName=stack.table)
    assert len(attempts) == MAX_ATTEMPTS == 4


def test_a_client_takes_the_options_it_is_given(stack) -> None:
    client = aws_client("s3", boto3.session.Session(), region_name="eu-west-3")
    assert client.meta.region_name == "eu-west-3"
    assert client.meta.config.retries == {"mode": "standard", "total_max_attempts": 4}
