"""HTTP behaviour of the API: single articles, errors, OpenAPI, event files."""

from __future__ import annotations

import json
import zlib

import pytest

from tests.corpus import EXAMPLE
from tests.support.api import answer_of
from tests.support.aws import EVENTS, aws_error, load_event, on_aws_calls


def test_get_article_serves_everything_but_secured(stack, upload, call_api) -> None:
    upload({"articles/2020/000_1ad303c2d0458c2b.txt": EXAMPLE.read_bytes()})
    answer = call_api("/articles/000_1ad303c2d0458c2b")
    article = answer.json()
    assert answer.status == 200
    assert "secured" not in article
    assert len(article["related"]) == 4
    assert article["body"] == "\n"
    assert article["sourceKey"] == "articles/2020/000_1ad303c2d0458c2b.txt"
    assert article["provider"]["domain"] == "digitaltrends.com"
    # The file's fields, and what the service adds: the id, the body, where it came from, when.
    assert sorted(article) == [
        "ampWebUrl", "body", "category", "cdnAmpWebUrl", "excerpt", "heat", "id", "ingestedAt", "provider",
        "published", "publishedDateTime", "quality", "related", "sourceKey", "title", "topics", "type", "webUrl",
    ]  # fmt: skip
    assert article["id"] == "000_1ad303c2d0458c2b"
    listed = call_api("/articles").json()["items"][0]
    assert article["ingestedAt"] == listed["ingestedAt"] == stack_ingested_at(stack, "000_1ad303c2d0458c2b")


def stack_ingested_at(stack, article_id: str) -> str:
    """When ingest stored the article, as its item holds it."""
    from article_feed.dynamo.keys import ARTICLE_SK, article_pk

    key = {"pk": {"S": article_pk(article_id)}, "sk": {"S": ARTICLE_SK}}
    return str(stack.dynamodb.get_item(TableName=stack.table, Key=key)["Item"]["ingested_at"]["S"])


def test_list_entries_store_compressed_summaries_and_older_plain_ones_still_serve(stack, upload, call_api) -> None:
    upload({"articles/2020/000_1ad303c2d0458c2b.txt": EXAMPLE.read_bytes()})
    served = call_api("/articles").json()["items"]
    entries = [item for item in stack.items() if item["sk"]["S"].startswith("IDX#")]
    assert entries and all("B" in entry["summary"] for entry in entries)
    for entry in entries:  # as written before summaries were compressed
        plain = zlib.decompress(entry["summary"]["B"]).decode()
        stack.dynamodb.put_item(TableName=stack.table, Item=entry | {"summary": {"S": plain}})
    assert call_api("/articles", {"limit": "5"}).json()["items"] == served


BAD = {
    "limit_zero": ("/articles", {"limit": "0"}, "limit"),
    "limit_101": ("/articles", {"limit": "101"}, "limit"),
    "limit_text": ("/articles", {"limit": "abc"}, "limit"),
    "impossible_date": ("/articles", {"to": "2020-02-30"}, "to"),
    "bad_from": ("/articles", {"from": "last week"}, "from"),
    "published_maybe": ("/articles", {"published": "maybe"}, "published"),
    "min_quality_negative": ("/articles", {"minQuality": "-1"}, "minQuality"),
    "min_quality_past_json_safe": ("/articles", {"minQuality": str(2**53)}, "minQuality"),
    "tampered_cursor": ("/articles", {"cursor": "eyJwIjp7fX0.AAAA"}, "cursor"),
    "garbage_cursor": ("/articles", {"cursor": "%%%"}, "cursor"),
    "missing_key": ("/ingestions", {}, "key"),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_parameters_are_400_problems_naming_the_parameter(stack, call_api, case) -> None:
    path, query, name = BAD[case]
    answer = call_api(path, query)
    assert answer.status == 400
    assert answer.headers["content-type"] == "application/problem+json"
    body = answer.json()
    assert body["status"] == 400
    assert body["title"] and body["type"]
    assert name in body["detail"]
    assert "Traceback" not in answer.body.decode()


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/articles/unknown-id", None),
        ("/nowhere", None),
        ("/ingestions", {"key": "never/uploaded.md"}),
        ("/articles/bad id!", None),
    ],
)
def test_unknown_things_are_404_problems(stack, call_api, path, query) -> None:
    answer = call_api(path, query)
    assert answer.status == 404
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["status"] == 404


def test_openapi_document_validates_and_lists_every_route(stack, call_api) -> None:
    from openapi_spec_validator import validate

    document = call_api("/openapi.json").json()
    validate(document)
    assert {"/articles", "/articles/{article_id}", "/topics", "/providers", "/ingestions"} <= set(document["paths"])
    parameters = {p["name"] for p in document["paths"]["/articles"]["get"]["parameters"]}
    assert {
        "topic",
        "provider",
        "category",
        "type",
        "from",
        "to",
        "minQuality",
        "published",
        "limit",
        "cursor",
        "q",
    } <= parameters
    for feed in ("/feeds/rss", "/feeds/atom", "/feeds/json"):
        search = next(p for p in document["paths"][feed]["get"]["parameters"] if p["name"] == "q")
        assert search["schema"]["anyOf"][0]["maxLength"] == 200, search


def test_routes_document_their_answer_and_each_problem(monkeypatch) -> None:
    """`_documented` and `_feed_route` run at import, which mutation testing cannot see: called on a fresh router."""
    from aws_lambda_powertools.event_handler import APIGatewayRestResolver
    from aws_lambda_powertools.event_handler.api_gateway import Router

    from api_function import routes
    from api_function.docs import openapi_document
    from api_function.models import ArticleDetail

    monkeypatch.setattr(routes, "router", Router())

    def feed() -> None: ...

    def one() -> None: ...

    routes._feed_route("atom", "Atom 1.0")(feed)
    routes.router.get("/one", responses=routes._documented("one thing", 400, 404, model=ArticleDetail))(one)
    app = APIGatewayRestResolver(enable_validation=True)
    app.include_router(routes.router)
    paths = openapi_document(app)["paths"]
    problem = {
        "description": "problem details (RFC 9457)",
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    atom = paths["/feeds/atom"]["get"]
    assert atom["summary"] == "The newest articles as Atom 1.0, with any filter of /articles"
    assert atom["responses"] == {
        "200": {"description": "the feed as Atom 1.0", "content": {"application/atom+xml": {}}},
        "400": problem,
    }
    assert paths["/one"]["get"]["responses"] == {
        "200": {
            "description": "one thing",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ArticleDetail"}}},
        },
        "400": problem,
        "404": problem,
    }


@pytest.mark.parametrize(
    ("headers", "stage_path", "target", "self_link"),
    [
        ({}, None, "/feeds/json", "https://localhost/feeds/json"),
        ({"Host": "news.example", "X-Forwarded-Proto": "http"}, None, "/feeds/json", "http://news.example/feeds/json"),
        (
            {"Host": "abc.execute-api.eu-west-1.amazonaws.com", "X-Forwarded-Proto": "https"},
            "/Prod/feeds/json",
            "/feeds/json?topic=AI%2CClimate&limit=2",
            "https://abc.execute-api.eu-west-1.amazonaws.com/Prod/feeds/json?topic=AI%2CClimate&limit=2",
        ),
    ],
)
def test_the_self_link_is_the_url_the_client_asked_for(
    stack, api_handler, lambda_context, headers, stage_path, target, self_link
) -> None:
    """Without Host or X-Forwarded-Proto, and with the stage API Gateway puts in requestContext.path."""
    from articlectl.lambdas import proxy_event

    event = proxy_event("GET", target, list(headers.items()), b"")
    if stage_path:
        event["requestContext"]["path"] = stage_path
    document = answer_of(api_handler.lambda_handler(event, lambda_context)).json()
    assert document["feed_url"] == self_link


def test_a_json_feed_entry_shows_the_first_image_and_the_excerpt(stack, upload, call_api) -> None:
    """SPEC, "Feeds": JSON Feed `image` = the article's first image; content_text is the summary's text."""
    from tests.corpus import render

    base = {"title": "Café", "publishedDateTime": "2021-01-01T00:00:00Z", "excerpt": "Short, and to the point"}
    images = [{"url": "https://e.com/first.jpg"}, {"url": "https://e.com/second.jpg"}]
    upload(
        {
            "a/pictured.md": render(base | {"webUrl": "https://e.com/1", "images": images}, ""),
            "a/plain.md": render(base | {"webUrl": "https://e.com/2", "publishedDateTime": "2020-01-01"}, ""),
        }
    )
    answer = call_api("/feeds/json")
    document = answer.json()
    pictured, plain = document["items"]
    assert pictured["image"] == "https://e.com/first.jpg"
    assert "image" not in plain
    assert pictured["content_text"] == pictured["summary"] == "Short, and to the point"
    assert answer.body.decode() == json.dumps(document, ensure_ascii=False, separators=(",", ":"))  # compact


def test_docs_is_swagger_ui(stack, call_api) -> None:
    answer = call_api("/docs", headers={"Accept": "text/html"})
    assert answer.status == 200
    assert answer.headers["content-type"].startswith("text/html")
    assert b"swagger" in answer.body.lower()


@pytest.mark.parametrize("name", sorted(path.name for path in EVENTS.glob("apigw_*.json")))
def test_every_api_event_file_is_answered(stack, upload, api_handler, lambda_context, name) -> None:
    upload({"articles/2020/000_1ad303c2d0458c2b.txt": EXAMPLE.read_bytes()})
    answer = answer_of(api_handler.lambda_handler(load_event(name), lambda_context))
    assert answer.status == 200, answer.body
    assert answer.headers["etag"] and answer.headers["cache-control"], "ETag and Cache-Control on every 200"


def test_counts_follow_updates_and_deletes(stack, upload, ingest_handler, call_api) -> None:
    from articlectl.lambdas import LocalContext
    from tests.corpus import render
    from tests.support.aws import s3_record

    def article(url: str, topics: list[str], domain: str) -> bytes:
        fields = {
            "title": "T",
            "webUrl": url,
            "publishedDateTime": "2021-01-01T00:00:00Z",
            "topics": topics,
            "provider": {"name": domain.upper(), "domain": domain},
        }
        return render(fields, "")

    upload(
        {
            "a/one.md": article("https://e.com/1", ["AI", "Robots"], "e.com"),
            "a/two.md": article("https://e.com/2", ["ai"], "e.com"),
        }
    )
    upload({"a/one.md": article("https://e.com/1", ["Climate"], "f.org")})
    assert call_api("/topics").json()["items"] == [{"topic": "ai", "count": 1}, {"topic": "Climate", "count": 1}]
    assert [(p["domain"], p["count"]) for p in call_api("/providers").json()["items"]] == [("e.com", 1), ("f.org", 1)]

    stack.s3.delete_object(Bucket=stack.bucket, Key="a/two.md")
    ingest_handler.lambda_handler({"Records": [s3_record("a/two.md", created=False)]}, LocalContext("IngestFunction"))
    assert call_api("/topics").json()["items"] == [{"topic": "Climate", "count": 1}]
    assert call_api("/providers").json()["items"] == [{"domain": "f.org", "name": "F.ORG", "count": 1}]
    assert [item["id"] for item in call_api("/articles", {"topic": "ai"}).json()["items"]] == []


HOSTILE = {
    "oversized_topic": ({"topic": "x" * 5000}, 400),
    "oversized_cursor": ({"cursor": "A" * 5000}, 400),
    "injection_topic": ({"topic": "'; DROP TABLE articles; --"}, 200),
    "script_provider": ({"provider": "<script>alert(1)</script>"}, 200),
    "unicode_topic": ({"topic": "東京 🚀 Ünïcödé"}, 200),
    "control_chars_topic": ({"topic": "a\x00b\x07\x1b[31m"}, 200),
    "expression_category": ({"category": "x OR 1=1 #:list"}, 200),
    "placeholder_type": ({"type": ":list"}, 200),
    "from_before_year_one_in_utc": ({"from": "0001-01-01T00:00:00+05:00"}, 400),
    "to_after_year_9999_in_utc": ({"to": "9999-12-31T23:59:59-05:00"}, 400),
    "from_after_to": ({"from": "2021-01-02", "to": "2021-01-01"}, 400),
    "negative_limit": ({"limit": "-1"}, 400),
    "float_limit": ({"limit": "1e3"}, 400),
    "nan_quality": ({"minQuality": "NaN"}, 400),
    "control_chars_cursor": ({"cursor": "\x00\x01\x02"}, 400),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_parameters_get_a_400_or_an_empty_answer(stack, upload, call_api, case) -> None:
    upload({"articles/2020/000_1ad303c2d0458c2b.txt": EXAMPLE.read_bytes()})
    query, status = HOSTILE[case]
    answer = call_api("/articles", query)
    assert answer.status == status, answer.body
    if status == 200:
        assert answer.json() == {"items": [], "nextCursor": None}
    else:
        assert answer.json()["status"] == 400


@pytest.mark.parametrize("article_id", ["東京", "a\x00b", "..", "../../etc/passwd", "x" * 500, "%00", "a b", "\u202e"])
def test_odd_ids_are_404_or_400_never_500(stack, call_api, article_id) -> None:
    answer = call_api(f"/articles/{article_id}")
    assert answer.status in (400, 404)
    assert answer.headers["content-type"] == "application/problem+json"


def test_ingestion_key_with_unicode_and_control_characters(stack, call_api) -> None:
    for key in ["über/ü.md", "a\x00.md", "x" * 1024]:
        assert call_api("/ingestions", {"key": key}).status == 404
    assert call_api("/ingestions", {"key": "x" * 1025}).status == 400


def test_store_outage_is_a_503_problem_with_retry_after(stack, api_handler, call_api, monkeypatch) -> None:
    def throttle(**kwargs) -> None:
        raise aws_error("ThrottlingException", 400, "GetItem")

    on_aws_calls(monkeypatch, "before-call.dynamodb.GetItem", throttle)

    answer = call_api("/articles/some-id")

    assert answer.status == 503
    assert answer.headers["retry-after"] == "1"
    assert answer.json()["status"] == 503


def test_the_front_matter_schema_is_served_as_articlectl_prints_it(call_api, capsys) -> None:
    from articlectl.__main__ import main

    answer = call_api("/schemas/article.json")
    assert main(["schema"]) == 0

    assert answer.status == 200
    assert answer.headers["content-type"] == "application/schema+json"
    assert answer.headers["cache-control"] == "public, max-age=3600"
    assert answer.json() == json.loads(capsys.readouterr().out)
    assert call_api("/schemas/article.json", headers={"If-None-Match": answer.headers["etag"]}).status == 304


def test_a_listed_origin_may_read_answers_and_their_etag(call_api) -> None:
    # The test deployment lists two origins (CORS_ALLOWED_ORIGINS, tests/support/aws.py).
    for origin in ("https://news.example.com", "https://app.example.com"):
        answer = call_api("/articles", headers={"Origin": origin})
        assert answer.headers["access-control-allow-origin"] == origin
        assert answer.headers["access-control-expose-headers"] == "ETag"
    assert "access-control-allow-origin" not in call_api("/articles", headers={"Origin": "https://x.example"}).headers


@pytest.mark.parametrize(
    ("configured", "allowed", "refused"),
    [
        (None, ["https://any.example"], []),
        ("", ["https://any.example"], []),
        (" https://a.example , ,https://b.example", ["https://a.example", "https://b.example"], ["https://c.example"]),
    ],
)
def test_the_allowed_origins_are_the_deployments_list_or_any(
    api_handler, monkeypatch, configured: str | None, allowed: list[str], refused: list[str]
) -> None:
    """Read when the function starts (at import, which mutation testing cannot see: called here)."""
    if configured is None:
        monkeypatch.delenv("CORS_ALLOWED_ORIGINS")
    else:
        monkeypatch.setenv("CORS_ALLOWED_ORIGINS", configured)
    cors = api_handler._cors()
    for origin in allowed:
        headers = cors.to_dict(origin)
        assert headers["Access-Control-Allow-Origin"] == origin
        assert (headers["Access-Control-Expose-Headers"], headers["Access-Control-Max-Age"]) == ("ETag", "600")
    for origin in refused:
        assert cors.to_dict(origin) == {}


def test_a_bad_request_names_the_path_it_was_made_for(call_api) -> None:
    assert call_api("/articles", {"limit": "0"}).json() == {
        "type": "about:blank",
        "title": "Bad Request",
        "status": 400,
        "detail": "limit: Input should be greater than or equal to 1",
        "instance": "/articles",
    }


def test_answers_are_compact_json_with_text_as_written(upload, call_api) -> None:
    from tests.corpus import render

    title = "Café – 東京"
    fields = {"title": title, "webUrl": "https://e.com/t", "publishedDateTime": "2021-01-01T00:00:00Z"}
    upload({"u/tokyo.md": render(fields, "")})
    answer = call_api("/articles/tokyo", headers={"Accept-Encoding": "identity"})
    assert answer.headers["content-type"] == "application/json"
    assert f'"title":"{title}"'.encode() in answer.body  # not \u-escaped, no space after `:` or `,`
    assert b", " not in answer.body.replace(title.encode(), b"")


def _stories(*topics: str) -> dict[str, bytes]:
    from tests.corpus import render

    return {
        f"s/{index}.md": render(
            {"title": f"On {topic}", "webUrl": f"https://e.com/{index}", "publishedDateTime": "2024-01-01T00:00:00Z"}
            | {"topics": [topic]},
            "",
        )
        for index, topic in enumerate(topics)
    }


def test_topics_are_counted_across_pages_of_counters(stack, upload, call_api, monkeypatch) -> None:
    """DynamoDB answers a query in pages of 1 MB: every page of the counters is read."""
    upload(_stories("Energy", "AI", "Policy"))

    def one_per_page(params, **_: object) -> None:
        if params.get("KeyConditionExpression") == "pk = :pk":
            params["Limit"] = 1

    on_aws_calls(monkeypatch, "before-parameter-build.dynamodb.Query", one_per_page)
    topics = call_api("/topics").json()["items"]
    assert sorted((item["topic"], item["count"]) for item in topics) == [("AI", 1), ("Energy", 1), ("Policy", 1)]


def test_the_api_reads_articles_eventually_consistent(stack, upload, call_api, monkeypatch) -> None:
    """Half the read units of a strongly consistent read; an article a second old can wait."""
    upload(_stories("Energy"))
    reads: list[object] = []
    on_aws_calls(
        monkeypatch,
        "before-parameter-build.dynamodb.GetItem",
        lambda params, **_: reads.append(params.get("ConsistentRead")),
    )
    assert call_api("/articles/0").status == 200
    assert reads == [False]
