"""What caches and clients rely on, exactly: Cache-Control per route, ETags (strong,
weak, lists, `*`), the gzip threshold, and a 503 when the store cannot be reached."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import pytest
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from botocore.exceptions import EndpointConnectionError

from api_function.http import GZIP_MIN_BYTES, conditional_and_compressed
from articlectl.lambdas import LocalContext, proxy_event
from tests.corpus import EXAMPLE
from tests.support.api import answer_of
from tests.support.aws import on_aws_calls

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

KEY = "articles/2020/000_1ad303c2d0458c2b.txt"
ARTICLE = "/articles/000_1ad303c2d0458c2b"

# The caching decisions (docs/decisions.md, "Cache-Control"), route by route.
EXPECTED_CACHE_CONTROL = {
    "/articles": "public, max-age=60",
    ARTICLE: "public, max-age=60",
    "/topics": "public, max-age=60",
    "/providers": "public, max-age=60",
    "/feeds/atom": "public, max-age=60",
    "/ingestions": "no-cache",
    "/openapi.json": "public, max-age=300",
    "/docs": "public, max-age=300",
    "/schemas/article.json": "public, max-age=3600",
}


def test_each_route_has_its_own_cache_control(upload, call_api) -> None:
    upload({KEY: EXAMPLE.read_bytes()})
    served = {}
    for path in EXPECTED_CACHE_CONTROL:
        answer = call_api(path, {"key": KEY} if path == "/ingestions" else None)
        assert answer.status == 200, (path, answer.body)
        served[path] = answer.headers["cache-control"]
    assert served == EXPECTED_CACHE_CONTROL


@pytest.mark.parametrize(
    ("if_none_match", "status"),
    [
        ("{etag}", 304),
        ("W/{etag}", 304),  # a weak comparison: a proxy may have weakened the tag
        ('"other", {etag}', 304),
        ('"other",W/{etag}', 304),
        ("*", 304),
        (" * ", 304),
        ('"other"', 200),
        ('W/"other"', 200),
        ("{etag_unquoted}", 200),
        ('"other", *', 200),  # `*` counts only alone
    ],
)
def test_if_none_match_answers_304_only_for_this_representation(upload, call_api, if_none_match, status) -> None:
    upload({KEY: EXAMPLE.read_bytes()})
    first = call_api(ARTICLE)
    etag = first.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"') and len(etag) == 34

    again = call_api(ARTICLE, headers={"If-None-Match": if_none_match.format(etag=etag, etag_unquoted=etag[1:-1])})

    assert again.status == status
    assert again.headers["etag"] == etag
    assert again.headers["cache-control"] == "public, max-age=60"
    assert again.body == (b"" if status == 304 else first.body)


def test_the_etag_follows_the_body(upload, call_api) -> None:
    upload({KEY: EXAMPLE.read_bytes()})
    articles, topics = call_api("/articles"), call_api("/topics")
    assert articles.headers["etag"] != topics.headers["etag"]
    assert call_api("/articles").headers["etag"] == articles.headers["etag"]


def test_errors_carry_no_etag(call_api) -> None:
    answer = call_api("/articles/nothing-here")
    assert answer.status == 404
    assert "etag" not in answer.headers


def _sized_app(size: int) -> APIGatewayRestResolver:
    app = APIGatewayRestResolver()
    app.use(middlewares=[conditional_and_compressed])

    @app.get("/sized")
    def sized() -> Response:
        return Response(status_code=200, content_type="text/plain", body="x" * size)

    return app


@pytest.mark.parametrize(("size", "gzipped"), [(GZIP_MIN_BYTES - 1, False), (GZIP_MIN_BYTES, True)])
def test_bodies_from_the_threshold_on_are_gzipped(size, gzipped) -> None:
    event = proxy_event("GET", "/sized", [("Accept-Encoding", "gzip, br")], b"")
    context = cast("LambdaContext", LocalContext("ApiFunction"))  # what Lambda passes, locally
    answer = answer_of(_sized_app(size).resolve(event, context))
    assert answer.status == 200
    assert (answer.headers.get("content-encoding") == "gzip") is gzipped
    assert answer.body == b"x" * size
    assert answer.headers["vary"] == "Accept-Encoding"


def test_a_lost_connection_to_the_store_is_a_503_with_retry_after(stack, api_handler, call_api, monkeypatch) -> None:
    def unreachable(**kwargs) -> None:
        raise EndpointConnectionError(endpoint_url="https://dynamodb.eu-west-1.amazonaws.com")

    on_aws_calls(monkeypatch, "before-call.dynamodb", unreachable)

    for path in ("/articles", ARTICLE, "/topics"):
        answer = call_api(path)
        assert answer.status == 503, path
        assert answer.headers["retry-after"] == "1"
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["status"] == 503
