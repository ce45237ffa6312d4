"""A feed entry's id outlives changes to its article (a reader shows an update,
not a new story), on a stack of its own."""

from __future__ import annotations

from tests.corpus import render
from tests.integration.test_feeds import FORMATS, entries


def test_an_entry_keeps_its_id_when_the_article_changes(stack, upload, call_api) -> None:
    fields = {"title": "First <title> & more", "webUrl": "https://e.com/a", "publishedDateTime": "2021-01-01T00:00:00Z"}
    upload({"a/story.md": render(fields, "")})
    before = {kind: entries(call_api, kind, {}) for kind in FORMATS}
    upload({"a/story.md": render(fields | {"title": "Changed", "updatedDateTime": "2021-01-02T00:00:00Z"}, "")})
    after = {kind: entries(call_api, kind, {}) for kind in FORMATS}

    assert {entry["id"] for kind in FORMATS for entry in before[kind] + after[kind]} == {"urn:article-feed:story"}
    assert [entry["title"] for entry in before["rss"]] == ["First <title> & more"]
    assert all(entry["updated"] == "2021-01-02T00:00:00Z" for kind in FORMATS for entry in after[kind])
