"""The HTTP API for the tests: the API handler called as API Gateway calls it, and its
answers decoded as an HTTP client decodes them."""

from __future__ import annotations

import base64
import gzip
import importlib
import json
import os
import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import pytest

from articlectl.lambdas import LocalContext, proxy_event
from tests.support.aws import apply_test_environment, deliver_stream, emulated_stack, upload_files

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from tests.support.aws import Stack


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
            ingest = importlib.import_module("ingest_function.handler")
            api = importlib.import_module("api_function.handler")
            ingest._dependencies.cache_clear()
            with serving_this_stack(api):
                yield stack, ingest, api
            ingest._dependencies.cache_clear()


@contextmanager
def serving_this_stack(api: Any) -> Iterator[None]:
    """The API's routes read this test's emulated table, through powertools' overrides.

    The store is made on the first request, so botocore hooks a test installs
    before it (fault injection, call recording) apply; the cursor secret is this
    test's own, like a new container's. Replace either in
    `api.app.dependency_overrides` to change them mid-test.
    """
    from api_function.dependencies import article_store, cursor_secret
    from article_feed.aws_clients import aws_client
    from article_feed.dynamo.reader import ArticleReader

    secret = secrets.token_bytes(32)
    store = cache(lambda: ArticleReader(aws_client("dynamodb"), os.environ["TABLE_NAME"]))
    api.app.dependency_overrides.update({article_store: store, cursor_secret: lambda: secret})
    try:
        yield
    finally:
        api.app.dependency_overrides.clear()


@contextmanager
def corpus_api(files: dict[str, bytes], *, searchable: bool = False) -> Iterator[Callable[..., HttpAnswer]]:
    """A whole emulated stack holding `files`, ingested once, for read-only API tests;
    `searchable`: the stream delivered to the stream function too (the search index)."""
    with handlers_on_stack() as (stack, ingest, api):
        upload_files(stack, ingest, files)
        if searchable:
            deliver_stream(stack)
        yield api_caller(api)


def api_caller(api_handler: Any) -> Callable[..., HttpAnswer]:
    """A function that GETs a path through the API handler, with the REST (v1) proxy
    event the local stack builds for a real request (articlectl.lambdas.proxy_event)."""

    def _call(path: str, query: dict[str, str] | None = None, headers: dict[str, str] | None = None) -> HttpAnswer:
        target = path + ("?" + urlencode(query) if query else "")
        # What API Gateway adds to every request it passes on.
        gateway = [("Host", "api.example.com"), ("X-Forwarded-Proto", "https")]
        sent = [("Accept", "application/json"), *gateway, *(headers or {}).items()]
        event = proxy_event("GET", target, sent, b"")
        return answer_of(api_handler.lambda_handler(event, LocalContext("ApiFunction")))

    return _call


def answer_of(raw: dict[str, Any]) -> HttpAnswer:
    """Decode base64 and gzip as an HTTP client would."""
    headers = {name.lower(): value for name, value in (raw.get("headers") or {}).items()}
    for name, values in (raw.get("multiValueHeaders") or {}).items():
        headers.setdefault(name.lower(), ",".join(values))
    body = raw.get("body") or ""
    data = base64.b64decode(body) if raw.get("isBase64Encoded") else body.encode()
    if headers.get("content-encoding") == "gzip":
        data = gzip.decompress(data)
    return HttpAnswer(raw["statusCode"], headers, data, raw)


def walk_pages(call_api: Callable[..., HttpAnswer], query: dict[str, str], *, full: bool = False) -> list[str]:
    """The ids of every page of `/articles` for a query, following `nextCursor`.
    `full`: every page but the last holds `limit` items (no read budget runs out)."""
    ids: list[str] = []
    cursor = None
    limit = int(query.get("limit", "20"))
    for _ in range(100):
        answer = call_api("/articles", query | ({"cursor": cursor} if cursor else {}))
        assert answer.status == 200, answer.body
        page = answer.json()
        assert len(page["items"]) <= limit
        ids.extend(item["id"] for item in page["items"])
        cursor = page["nextCursor"]
        if cursor is None:
            return ids
        assert not full or len(page["items"]) == limit, f"a short page before the last: {len(page['items'])}"
    raise AssertionError("pagination never ended")
