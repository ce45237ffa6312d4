"""AWS for the tests: moto with the bucket and table of template.yaml, events shaped
as S3 sends them, faults injected through botocore's event hooks."""

from __future__ import annotations

import copy
import importlib
import json
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote_plus

import boto3
import botocore.session
from moto import mock_aws

from article_feed.dynamo.reader import ArticleReader
from articlectl.lambdas import LocalContext
from articlectl.stream import StreamReader, share_stream_records_in_copies, streams_client
from articlectl.template import create_bucket, create_event_bus, create_table, load_template

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
EVENTS = REPOSITORY / "events"
BUCKET = "articles"
TABLE = "articles-test"
EVENT_BUS = "article-events-test"


TEST_ENVIRONMENT = {
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "TABLE_NAME": TABLE,
    "EVENT_BUS_NAME": EVENT_BUS,
    "POWERTOOLS_TRACE_DISABLED": "1",
    "POWERTOOLS_METRICS_NAMESPACE": "ArticleFeedTest",
    "POWERTOOLS_SERVICE_NAME": "article-feed",
    "CORS_ALLOWED_ORIGINS": "https://news.example.com,https://app.example.com",
}


def apply_test_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials and the functions' variables; never a real endpoint."""
    for name, value in TEST_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)


def load_event(name: str) -> dict[str, Any]:
    """An event file from events/, as `sam local invoke -e` would pass it."""
    return json.loads((EVENTS / name).read_text(encoding="utf-8"))


@dataclass
class Stack:
    """The emulated resources of template.yaml and clients to inspect them."""

    s3: Any
    dynamodb: Any
    bucket: str = BUCKET
    table: str = TABLE
    stream: StreamReader | None = None
    events: Any = None
    event_bus: str = EVENT_BUS

    def items(self) -> list[dict[str, Any]]:
        """Every item of the table (a test may scan; the product never does)."""
        items: list[dict[str, Any]] = []
        pages = self.dynamodb.get_paginator("scan").paginate(TableName=self.table)
        for page in pages:
            items.extend(page["Items"])
        return sorted(items, key=lambda item: (item["pk"]["S"], item["sk"]["S"]))

    def article_items(self) -> list[dict[str, Any]]:
        """Everything but ingestion records: articles, list entries, claims, counters."""
        return [item for item in self.items() if not item["pk"]["S"].startswith("INGEST#")]

    def live_items(self) -> list[dict[str, Any]]:
        """Article items without counters that fell to zero (kept, never served)."""
        return [item for item in self.article_items() if item.get("n", {}).get("N") != "0"]


def _load_once_per_process() -> None:
    """Load botocore's service models and the template once per test process.

    moto gives every test a new default boto3 session, and each new session
    reads and parses the models again (a fifth of a second per test). The
    loader's data never changes, so every session here shares one. `make
    mutation` forks a test process per mutant after importing the tests: the
    template and the models are loaded here, before it forks.
    """
    shared = botocore.session.create_loader()
    botocore.session.create_loader = lambda *_: shared
    load_template()
    for service in ("s3", "dynamodb", "dynamodbstreams", "events"):
        boto3.client(service, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")


_load_once_per_process()


@contextmanager
def emulated_stack() -> Iterator[Stack]:
    """moto with the bucket and table of template.yaml."""
    share_stream_records_in_copies()
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        dynamodb = boto3.client("dynamodb", region_name="us-east-1")
        create_bucket(s3, BUCKET)
        create_table(dynamodb, TABLE)
        events = boto3.client("events", region_name="us-east-1")
        create_event_bus(events, EVENT_BUS)
        stack = Stack(s3, dynamodb, events=events)
        stack.stream = StreamReader(dynamodb, streams_client(region_name="us-east-1"), TABLE)
        yield stack


_sequence = iter(range(1, 10**9))


def s3_record(
    key: str,
    *,
    created: bool = True,
    size: int | None = None,
    etag: str | None = None,
    version_id: str | None = None,
    sequencer: str | None = None,
    bucket: str = BUCKET,
) -> dict[str, Any]:
    """One notification record shaped as S3 sends it, the key URL-encoded."""
    record = copy.deepcopy(load_event("s3_put_article.json")["Records"][0])
    record["eventName"] = "ObjectCreated:Put" if created else "ObjectRemoved:Delete"
    record["s3"]["bucket"]["name"] = bucket
    record["s3"]["bucket"]["arn"] = f"arn:aws:s3:::{bucket}"
    s3_object: dict[str, Any] = {"key": quote_plus(key, safe="/")}
    if created:
        s3_object["size"] = size
        s3_object["eTag"] = etag
    if version_id:
        s3_object["versionId"] = version_id
    s3_object["sequencer"] = sequencer or f"{next(_sequence):018X}"
    record["s3"]["object"] = s3_object
    return record


def aws_error(code: str, status: int, operation: str, message: str | None = None) -> Exception:
    """The error botocore raises for an AWS error answer, once its retries are spent."""
    from botocore.exceptions import ClientError

    error = {"Code": code, "Message": message or code}
    response: Any = {"Error": error, "ResponseMetadata": {"HTTPStatusCode": status}}
    return ClientError(response, operation)


def on_aws_calls(monkeypatch: pytest.MonkeyPatch, event: str, hook: Callable[..., object]) -> None:
    """Run `hook` on a botocore event (e.g. `before-call.dynamodb.GetItem`) of clients created from now on.

    A `before-call` or `before-send` hook that returns an answer is answered instead of AWS."""
    session = boto3.session.Session()
    session.events.register(event, hook)  # type: ignore[arg-type]  # the stubs say hooks return None
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", session)


def upload_files(stack: Stack, handler: Any, files: dict[str, bytes], **record_options: Any) -> dict[str, Any]:
    """Put files in the bucket and deliver their events, in one event, to the ingest handler."""
    records = []
    for key, data in files.items():
        response = stack.s3.put_object(Bucket=stack.bucket, Key=key, Body=data)
        etag = response["ETag"].strip('"')
        records.append(
            s3_record(key, size=len(data), etag=etag, version_id=response.get("VersionId"), **record_options)
        )
    return handler.lambda_handler({"Records": records}, LocalContext("IngestFunction"))


def stream_handler() -> Any:
    """The stream function's handler module, made to use this test's table."""
    module = importlib.import_module("stream_function.handler")
    module._dependencies.cache_clear()
    return module


def deliver_stream(stack: Stack) -> list[dict[str, Any]]:
    """Hand the table's new stream records to the stream function, in batches as Lambda
    would, until none is left (the index's own writes come back and are skipped).
    Returns the batches delivered, so a test can deliver one again."""
    assert stack.stream is not None
    handler = stream_handler()
    delivered = []
    while records := stack.stream.batch()["Records"]:
        answer = handler.lambda_handler({"Records": records}, LocalContext("StreamFunction"))
        assert answer == {"batchItemFailures": []}, answer
        delivered.append({"Records": records})
    return delivered


def ingestion(stack: Stack, key: str) -> Any:
    """The ingestion record of a key, as the API serves it."""
    record = ArticleReader(stack.dynamodb, stack.table).get_ingestion(key)
    return record.model_dump(mode="json") if record else None


def stored_article(stack: Stack, article_id: str) -> Any:
    """The stored article (document, body, source key), or None."""
    return ArticleReader(stack.dynamodb, stack.table).get_article(article_id)
