"""Shared fixtures: AWS under moto with resources from template.yaml, events, handlers."""

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
import pytest
from moto import mock_aws

from article_feed.storage import ArticleStore
from articlectl.template import create_bucket, create_table

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

REPOSITORY = Path(__file__).resolve().parent.parent
EVENTS = REPOSITORY / "events"
BUCKET = "articles"
TABLE = "articles-test"


TEST_ENVIRONMENT = {
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "TABLE_NAME": TABLE,
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


@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch) -> None:
    apply_test_environment(monkeypatch)


@dataclass
class LambdaContext:
    """The attributes powertools reads from Lambda's context object."""

    function_name: str = "IngestFunction"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:IngestFunction"
    aws_request_id: str = "52fdfc07-2182-154f-163f-5f0f9a621d72"


@pytest.fixture
def lambda_context() -> LambdaContext:
    return LambdaContext()


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


@contextmanager
def emulated_stack() -> Iterator[Stack]:
    """moto with the bucket and table of template.yaml."""
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        dynamodb = boto3.client("dynamodb", region_name="us-east-1")
        create_bucket(s3, BUCKET)
        create_table(dynamodb, TABLE)
        yield Stack(s3, dynamodb)


@pytest.fixture
def stack() -> Iterator[Stack]:
    with emulated_stack() as emulated:
        yield emulated


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


@pytest.fixture
def ingest_handler() -> Iterator[Any]:
    """The ingest function's module, fresh clients for this test's moto."""
    module = importlib.import_module("ingest_handler")
    module._dependencies.cache_clear()
    yield module
    module._dependencies.cache_clear()


def aws_error(code: str, status: int, operation: str) -> Exception:
    """The error botocore raises for an AWS error answer, once its retries are spent."""
    from botocore.exceptions import ClientError

    return ClientError(
        {"Error": {"Code": code, "Message": code}, "ResponseMetadata": {"HTTPStatusCode": status}}, operation
    )


def on_aws_calls(monkeypatch: pytest.MonkeyPatch, event: str, hook: Callable[..., None]) -> None:
    """Run `hook` on a botocore event (e.g. `before-call.dynamodb.GetItem`) of clients created from now on."""
    session = boto3.session.Session()
    session.events.register(event, hook)
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
    return handler.lambda_handler({"Records": records}, LambdaContext())


@pytest.fixture
def upload(stack: Stack, ingest_handler: Any) -> Callable[..., dict[str, Any]]:
    """Put files in the bucket and deliver their events to the ingest handler."""

    def _upload(files: dict[str, bytes], **record_options: Any) -> dict[str, Any]:
        return upload_files(stack, ingest_handler, files, **record_options)

    return _upload


def ingestion(stack: Stack, key: str) -> dict[str, Any] | None:
    """The ingestion record of a key, as the API serves it."""
    record = ArticleStore(stack.dynamodb, stack.table).get_ingestion(key)
    return record.model_dump(mode="json") if record else None


def stored_article(stack: Stack, article_id: str) -> Any:
    """The stored article (document, body, source key), or None."""
    return ArticleStore(stack.dynamodb, stack.table).get_article(article_id)


@dataclass
class HttpAnswer:
    """An API Gateway proxy answer, decoded as a client would see it."""

    status: int
    headers: dict[str, str]
    body: bytes
    raw: dict[str, Any]

    def json(self) -> Any:
        return json.loads(self.body)


@contextmanager
def handlers_on_stack() -> Iterator[tuple[Stack, Any, Any]]:
    """(stack, ingest module, api module) on one emulated stack, for module-scoped fixtures."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        apply_test_environment(monkeypatch)
        with emulated_stack() as stack:
            ingest = importlib.import_module("ingest_handler")
            api = importlib.import_module("api_handler")
            ingest._dependencies.cache_clear()
            api.dependencies.cache_clear()
            yield stack, ingest, api
            ingest._dependencies.cache_clear()
            api.dependencies.cache_clear()


@contextmanager
def corpus_api(files: dict[str, bytes]) -> Iterator[Callable[..., HttpAnswer]]:
    """A whole emulated stack holding `files`, ingested once, for read-only API tests."""
    with handlers_on_stack() as (stack, ingest, api):
        upload_files(stack, ingest, files)
        yield api_caller(api)


@pytest.fixture
def api_handler(stack: Stack) -> Iterator[Any]:
    """The API function's module, fresh clients for this test's moto."""
    module = importlib.import_module("api_handler")
    module.dependencies.cache_clear()
    yield module
    module.dependencies.cache_clear()


@pytest.fixture
def call_api(api_handler: Any) -> Callable[..., HttpAnswer]:
    """GET a path through the API handler with a REST (v1) proxy event from events/."""
    return api_caller(api_handler)


def api_caller(api_handler: Any) -> Callable[..., HttpAnswer]:
    """A function that GETs a path through the API handler, as API Gateway would call it."""

    def _call(path: str, query: dict[str, str] | None = None, headers: dict[str, str] | None = None) -> HttpAnswer:
        event = load_event("apigw_list_articles.json")
        event["path"] = path
        event["pathParameters"] = {"proxy": path.lstrip("/")}
        event["requestContext"]["path"] = "/v1" + path
        event["queryStringParameters"] = query or None
        event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()} if query else None
        merged = {"Accept": "application/json"} | (headers or {})
        event["headers"] = merged
        event["multiValueHeaders"] = {name: [value] for name, value in merged.items()}
        return answer_of(api_handler.lambda_handler(event, LambdaContext(function_name="ApiFunction")))

    return _call


def answer_of(raw: dict[str, Any]) -> HttpAnswer:
    """Decode base64 and gzip as an HTTP client would."""
    import base64
    import gzip

    headers = {name.lower(): value for name, value in (raw.get("headers") or {}).items()}
    for name, values in (raw.get("multiValueHeaders") or {}).items():
        headers.setdefault(name.lower(), ",".join(values))
    body = raw.get("body") or ""
    data = base64.b64decode(body) if raw.get("isBase64Encoded") else body.encode()
    if headers.get("content-encoding") == "gzip":
        data = gzip.decompress(data)
    return HttpAnswer(raw["statusCode"], headers, data, raw)
