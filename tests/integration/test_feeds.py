"""RSS, Atom and JSON Feed documents of any list query, read back by a feed reader
(feedparser) as subscribers' apps read them (SPEC, "Feeds")."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import feedparser
import pytest

from tests.corpus import corpus
from tests.integration.test_api_queries import FILTERS, expected_ids
from tests.support.api import corpus_api

CORPUS = corpus()
BY_ID = {file.article_id: file for file in CORPUS}
FORMATS = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}


@pytest.fixture(scope="module")
def corpus_feeds():
    with corpus_api({file.key: file.data for file in CORPUS}) as call:
        yield call


def entries(call_api, kind: str, query: dict[str, str]) -> list[dict]:
    """The feed's entries as a reader sees them: id, link, title, published, summary, tags, author."""
    answer = call_api(f"/feeds/{kind}", query)
    assert answer.status == 200, answer.body
    assert answer.headers["content-type"] == FORMATS[kind]
    if kind == "json":
        document = json.loads(answer.body)
        _assert_json_feed_1_1(document)
        return [
            {
                "id": item["id"],
                "link": item["url"],
                "title": item["title"],
                "published": item["date_published"],
                "updated": item["date_modified"],
                "summary": item.get("summary"),
                "tags": item.get("tags", []),
                "author": (item.get("authors") or [{}])[0].get("name"),
            }
            for item in document["items"]
        ]
    parsed = feedparser.parse(answer.body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == {"rss": "rss20", "atom": "atom10"}[kind]  # as the reader recognises it
    return [
        {
            "id": entry.id,
            "link": entry.link,
            "title": entry.title,
            "published": _utc(entry.published_parsed),
            "updated": _utc(entry.get("updated_parsed") or entry.published_parsed),
            "summary": entry.get("summary"),
            "tags": [tag.term for tag in entry.get("tags", [])],
            "author": entry.get("author"),
        }
        for entry in parsed.entries
    ]


def _utc(moment) -> str:
    year, month, day, hour, minute, second = moment[:6]
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _assert_json_feed_1_1(document: dict) -> None:
    """The rules of https://www.jsonfeed.org/version/1.1/ a reader relies on."""
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(document["title"], str) and document["title"]
    for item in document["items"]:
        assert isinstance(item["id"], str) and item["id"]
        assert item.get("content_text") or item.get("content_html")
        for name in ("date_published", "date_modified"):
            datetime.fromisoformat(item[name].replace("Z", "+00:00"))  # RFC 3339
        assert all(isinstance(tag, str) for tag in item.get("tags", []))
        assert all(isinstance(author.get("name"), str) for author in item.get("authors", []))


@pytest.mark.parametrize("kind", FORMATS)
def test_every_entry_carries_the_article_as_the_contract_maps_it(corpus_feeds, kind) -> None:
    found = entries(corpus_feeds, kind, {"limit": "100"})
    assert [entry["id"] for entry in found] == [f"urn:article-feed:{i}" for i in expected_ids()]
    for entry in found:
        expected = BY_ID[entry["id"].removeprefix("urn:article-feed:")].expected
        assert entry["title"] == expected["title"]  # `<`, `&`, quotes and emoji survive
        assert entry["link"] == expected["webUrl"]
        assert entry["published"] == expected["publishedDateTime"]
        assert entry["updated"] == (expected.get("updatedDateTime") or expected["publishedDateTime"])
        assert entry["summary"] == expected["excerpt"]
        assert entry["tags"] == expected.get("topics", [])
        assert entry["author"] == expected["provider"]["name"]


@pytest.mark.parametrize("name", ["topics_any", "exclude_providers", "language", "provider_quality_published"])
def test_filters_and_limit_choose_the_entries_like_the_list(corpus_feeds, name) -> None:
    query, predicate = FILTERS[name]
    wanted = [f"urn:article-feed:{i}" for i in expected_ids(predicate)]
    for kind in FORMATS:
        assert [entry["id"] for entry in entries(corpus_feeds, kind, query)] == wanted[:50]
        assert [entry["id"] for entry in entries(corpus_feeds, kind, query | {"limit": "2"})] == wanted[:2]


def test_the_feeds_say_what_they_hold_and_link_to_themselves(corpus_feeds) -> None:
    query = {"topic": "AI,Climate", "locale": "en", "limit": "3"}
    rss = feedparser.parse(corpus_feeds("/feeds/rss", query).body)
    atom = feedparser.parse(corpus_feeds("/feeds/atom", query).body)
    document = json.loads(corpus_feeds("/feeds/json", query).body)
    requested = "https://api.example.com/feeds/{}?topic=AI%2CClimate&locale=en&limit=3"
    assert rss.feed.title == atom.feed.title == document["title"] == "Article Feed: topic AI or Climate, language en"
    assert [link.href for link in atom.feed.links if link.rel == "self"] == [requested.format("atom")]
    assert document["feed_url"] == requested.format("json")
    assert atom.feed.updated == atom.entries[0].updated  # the newest entry's


def test_a_matching_etag_is_a_304_and_large_feeds_are_gzipped(corpus_feeds) -> None:
    first = corpus_feeds("/feeds/atom", {"limit": "100"}, headers={"Accept-Encoding": "gzip"})
    assert first.headers["content-encoding"] == "gzip"
    assert first.headers["cache-control"] == "public, max-age=60"
    again = corpus_feeds("/feeds/atom", {"limit": "100"}, headers={"If-None-Match": first.headers["etag"]})
    assert again.status == 304 and again.body == b""


@pytest.mark.parametrize(
    ("query", "name"), [({"limit": "0"}, "limit"), ({"limit": "101"}, "limit"), ({"topic": "a,b,c,d,e,f"}, "topic")]
)
def test_bad_parameters_are_the_same_400s(corpus_feeds, query, name) -> None:
    for kind in FORMATS:
        answer = corpus_feeds(f"/feeds/{kind}", query)
        assert answer.status == 400
        assert answer.json()["detail"].startswith(f"{name}:")


def test_an_empty_feed_is_still_a_valid_document(corpus_feeds) -> None:
    for kind in FORMATS:
        assert entries(corpus_feeds, kind, {"topic": "no-such-topic"}) == []


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ({}, "Article Feed: newest articles"),
        ({"provider": "fool.com", "category": "Business"}, "Article Feed: provider fool.com, category Business"),
        ({"type": "article,video"}, "Article Feed: type article or video"),
        ({"locale": "en-GB"}, "Article Feed: locale en-gb"),
        ({"excludeProvider": "a.com,b.com"}, "Article Feed: not from a.com or b.com"),
        ({"topic": "AI", "q": " robots "}, "Article Feed: search robots, topic AI"),
    ],
)
def test_the_feed_title_names_every_filter(corpus_feeds, query, title) -> None:
    assert json.loads(corpus_feeds("/feeds/json", query | {"limit": "1"}).body)["title"] == title
