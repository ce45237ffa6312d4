"""RSS 2.0, Atom 1.0 and JSON Feed 1.1 documents of one list of article summaries.

Built with the standard library's ElementTree (which escapes text and
attributes) and json; imported by the feed routes only, so the other routes'
cold start does not load it. One entry per article, the same in every format
(SPEC, "Feeds"): link = webUrl, id = `urn:article-feed:<id>` (stable across
updates: the id comes from the object key), published = publishedDateTime,
updated = updatedDateTime or else publishedDateTime, summary = excerpt,
categories = topics, author = the provider's name.
"""

from __future__ import annotations

import json
from datetime import datetime
from email.utils import format_datetime
from typing import Any
from xml.etree import ElementTree

ATOM = "http://www.w3.org/2005/Atom"
DUBLIN_CORE = "http://purl.org/dc/elements/1.1/"
JSON_FEED = "https://jsonfeed.org/version/1.1"
# Atom needs an `updated` even for a feed with no entry: a fixed moment keeps its ETag stable.
EMPTY_FEED_UPDATED = "1970-01-01T00:00:00Z"

ElementTree.register_namespace("atom", ATOM)
ElementTree.register_namespace("dc", DUBLIN_CORE)


def entry_id(item: dict[str, Any]) -> str:
    """The entry's id in every format: the article id never changes across updates."""
    return f"urn:article-feed:{item['id']}"


def _updated(item: dict[str, Any]) -> str:
    return str(item.get("updatedDateTime") or item["publishedDateTime"])


def _author(item: dict[str, Any]) -> str | None:
    return (item.get("provider") or {}).get("name") or None


def _first_image(item: dict[str, Any]) -> str | None:
    images = item.get("images") or []
    return images[0].get("url") if images and isinstance(images[0], dict) else None


def _rfc822(moment: str) -> str:
    return format_datetime(datetime.fromisoformat(moment))  # reads `Z` since Python 3.11


def _text(parent: ElementTree.Element, tag: str, text: str | None, **attributes: str) -> ElementTree.Element:
    element = ElementTree.SubElement(parent, tag, attributes)
    element.text = text
    return element


def rss(items: list[dict[str, Any]], title: str, self_url: str) -> str:
    root = ElementTree.Element("rss", {"version": "2.0"})
    channel = ElementTree.SubElement(root, "channel")
    _text(channel, "title", title)
    _text(channel, "link", self_url)
    _text(channel, "description", title)
    ElementTree.SubElement(channel, f"{{{ATOM}}}link", {"href": self_url, "rel": "self", "type": "application/rss+xml"})
    if items:
        _text(channel, "lastBuildDate", _rfc822(_updated(items[0])))
    for item in items:
        entry = ElementTree.SubElement(channel, "item")
        _text(entry, "title", item["title"])
        _text(entry, "link", item["webUrl"])
        _text(entry, "guid", entry_id(item), isPermaLink="false")
        _text(entry, "pubDate", _rfc822(item["publishedDateTime"]))
        _text(entry, f"{{{ATOM}}}updated", _updated(item))  # RSS has no element of its own for it
        if item.get("excerpt"):
            _text(entry, "description", item["excerpt"])
        for topic in item.get("topics") or []:
            _text(entry, "category", topic)
        if _author(item):
            _text(entry, f"{{{DUBLIN_CORE}}}creator", _author(item))
    return _xml(root)


def atom(items: list[dict[str, Any]], title: str, self_url: str) -> str:
    # Atom's namespace as the default one, declared on the root: plain tags below it.
    root = ElementTree.Element("feed", {"xmlns": ATOM})
    _text(root, "title", title)
    _text(root, "id", self_url)
    _text(root, "updated", _updated(items[0]) if items else EMPTY_FEED_UPDATED)
    ElementTree.SubElement(root, "link", {"rel": "self", "href": self_url})
    author = ElementTree.SubElement(root, "author")  # for entries without a provider name
    _text(author, "name", "Article Feed")
    for item in items:
        entry = ElementTree.SubElement(root, "entry")
        _text(entry, "title", item["title"])
        ElementTree.SubElement(entry, "link", {"rel": "alternate", "href": item["webUrl"]})
        _text(entry, "id", entry_id(item))
        _text(entry, "published", item["publishedDateTime"])
        _text(entry, "updated", _updated(item))
        if item.get("excerpt"):
            _text(entry, "summary", item["excerpt"])
        for topic in item.get("topics") or []:
            ElementTree.SubElement(entry, "category", {"term": topic})
        if _author(item):
            _text(ElementTree.SubElement(entry, "author"), "name", _author(item))
    return _xml(root)


def json_feed(items: list[dict[str, Any]], title: str, self_url: str) -> str:
    entries = []
    for item in items:
        entry: dict[str, Any] = {
            "id": entry_id(item),
            "url": item["webUrl"],
            "title": item["title"],
            # JSON Feed needs content_text or content_html: a summary's text is its excerpt, or its title.
            "content_text": item.get("excerpt") or item["title"],
            "date_published": item["publishedDateTime"],
            "date_modified": _updated(item),
        }
        if item.get("excerpt"):
            entry["summary"] = item["excerpt"]
        if item.get("topics"):
            entry["tags"] = list(item["topics"])
        if _author(item):
            entry["authors"] = [{"name": _author(item)}]
        if _first_image(item):
            entry["image"] = _first_image(item)
        entries.append(entry)
    document = {"version": JSON_FEED, "title": title, "feed_url": self_url, "items": entries}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def _xml(root: ElementTree.Element) -> str:
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(root, encoding="unicode")


RENDERERS = {"rss": rss, "atom": atom, "json": json_feed}


def render_feed(kind: str, items: list[dict[str, Any]], title: str, self_url: str) -> str:
    """The feed document of `kind` (rss, atom, json)."""
    return RENDERERS[kind](items, title, self_url)
