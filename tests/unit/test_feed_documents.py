"""The feed documents element by element, as a strict XML reader sees them: feed
readers are lenient (feedparser reads `ITEM` or a lost `isPermaLink` as if
nothing were wrong), so the tests of the feed routes cannot see such mistakes."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree

from api_function.feeds import render_feed

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
SELF = "https://api.example.com/feeds/atom?topic=ai"
FULL = {
    "id": "battery",
    "title": "Batteries & grids",
    "webUrl": "https://e.com/battery",
    "publishedDateTime": "2024-03-05T10:00:00Z",
    "updatedDateTime": "2024-03-06T08:30:00Z",
    "excerpt": "Storage <grows>.",
    "topics": ["Energy", "AI"],
    "provider": {"name": "Example News", "domain": "e.com"},
    "images": [{"url": "https://e.com/a.png"}, {"url": "https://e.com/b.png"}],
}
BARE = {"id": "note", "title": "A note", "webUrl": "https://e.com/note", "publishedDateTime": "2024-03-01T00:00:00Z"}


def tree(element: ElementTree.Element) -> tuple[Any, ...]:
    """(tag, attributes, text, children) all the way down."""
    text = (element.text or "").strip() or None
    return (element.tag, dict(element.attrib), text, [tree(child) for child in element])


def parsed(kind: str, items: list[dict[str, Any]]) -> tuple[Any, ...]:
    document = render_feed(kind, items, "Articles on AI", SELF)
    assert document.startswith('<?xml version="1.0" encoding="utf-8"?>\n<')
    return tree(ElementTree.fromstring(document.encode()))


def test_an_atom_feed_is_exactly_atom_1_0() -> None:
    assert parsed("atom", [FULL, BARE]) == (f"{ATOM}feed", {}, None, [
        (f"{ATOM}title", {}, "Articles on AI", []),
        (f"{ATOM}id", {}, SELF, []),
        (f"{ATOM}updated", {}, "2024-03-06T08:30:00Z", []),
        (f"{ATOM}link", {"rel": "self", "href": SELF}, None, []),
        (f"{ATOM}author", {}, None, [(f"{ATOM}name", {}, "Article Feed", [])]),
        (f"{ATOM}entry", {}, None, [
            (f"{ATOM}title", {}, "Batteries & grids", []),
            (f"{ATOM}link", {"rel": "alternate", "href": "https://e.com/battery"}, None, []),
            (f"{ATOM}id", {}, "urn:article-feed:battery", []),
            (f"{ATOM}published", {}, "2024-03-05T10:00:00Z", []),
            (f"{ATOM}updated", {}, "2024-03-06T08:30:00Z", []),
            (f"{ATOM}summary", {}, "Storage <grows>.", []),
            (f"{ATOM}category", {"term": "Energy"}, None, []),
            (f"{ATOM}category", {"term": "AI"}, None, []),
            (f"{ATOM}author", {}, None, [(f"{ATOM}name", {}, "Example News", [])]),
        ]),
        (f"{ATOM}entry", {}, None, [
            (f"{ATOM}title", {}, "A note", []),
            (f"{ATOM}link", {"rel": "alternate", "href": "https://e.com/note"}, None, []),
            (f"{ATOM}id", {}, "urn:article-feed:note", []),
            (f"{ATOM}published", {}, "2024-03-01T00:00:00Z", []),
            (f"{ATOM}updated", {}, "2024-03-01T00:00:00Z", []),
        ]),
    ])  # fmt: skip


def test_an_empty_atom_feed_still_has_its_fixed_updated() -> None:
    assert parsed("atom", [])[3][2] == (f"{ATOM}updated", {}, "1970-01-01T00:00:00Z", [])


def test_an_rss_feed_is_exactly_rss_2_0() -> None:
    self_link: tuple[Any, ...] = (f"{ATOM}link", {"href": SELF, "rel": "self", "type": "application/rss+xml"}, None, [])
    assert parsed("rss", [FULL, BARE]) == ("rss", {"version": "2.0"}, None, [("channel", {}, None, [
        ("title", {}, "Articles on AI", []),
        ("link", {}, SELF, []),
        ("description", {}, "Articles on AI", []),
        self_link,
        ("lastBuildDate", {}, "Wed, 06 Mar 2024 08:30:00 +0000", []),
        ("item", {}, None, [
            ("title", {}, "Batteries & grids", []),
            ("link", {}, "https://e.com/battery", []),
            ("guid", {"isPermaLink": "false"}, "urn:article-feed:battery", []),
            ("pubDate", {}, "Tue, 05 Mar 2024 10:00:00 +0000", []),
            (f"{ATOM}updated", {}, "2024-03-06T08:30:00Z", []),
            ("description", {}, "Storage <grows>.", []),
            ("category", {}, "Energy", []),
            ("category", {}, "AI", []),
            (f"{DC}creator", {}, "Example News", []),
        ]),
        ("item", {}, None, [
            ("title", {}, "A note", []),
            ("link", {}, "https://e.com/note", []),
            ("guid", {"isPermaLink": "false"}, "urn:article-feed:note", []),
            ("pubDate", {}, "Fri, 01 Mar 2024 00:00:00 +0000", []),
            (f"{ATOM}updated", {}, "2024-03-01T00:00:00Z", []),
        ]),
    ])])  # fmt: skip
    assert [child[0] for child in parsed("rss", [])[3][0][3]] == ["title", "link", "description", f"{ATOM}link"]


def test_a_json_feed_is_exactly_json_feed_1_1() -> None:
    assert json.loads(render_feed("json", [FULL, BARE], "Articles on AI", SELF)) == {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Articles on AI",
        "feed_url": SELF,
        "items": [
            {
                "id": "urn:article-feed:battery",
                "url": "https://e.com/battery",
                "title": "Batteries & grids",
                "content_text": "Storage <grows>.",
                "date_published": "2024-03-05T10:00:00Z",
                "date_modified": "2024-03-06T08:30:00Z",
                "summary": "Storage <grows>.",
                "tags": ["Energy", "AI"],
                "authors": [{"name": "Example News"}],
                "image": "https://e.com/a.png",
            },
            {
                "id": "urn:article-feed:note",
                "url": "https://e.com/note",
                "title": "A note",
                "content_text": "A note",
                "date_published": "2024-03-01T00:00:00Z",
                "date_modified": "2024-03-01T00:00:00Z",
            },
        ],
    }
