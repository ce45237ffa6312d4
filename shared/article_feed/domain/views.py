"""What the service shows of an article: never `secured`, at any depth.

One place decides it for articles, lists (and, later, feeds and events):
`secured` is an opaque payload curators store with an article, which no answer
may carry — not at the top level, in `provider`, in images or in related entries.
"""

from __future__ import annotations

from typing import Any

from article_feed.domain.text import SECRET_FIELD

# Fields of a full article that a list entry (a summary) leaves out.
DETAIL_ONLY = ("related", "body")
# The named fields of a summary, in the order the API documents them (`fields=` picks among them).
SUMMARY_FIELDS = (
    "id", "title", "webUrl", "publishedDateTime", "updatedDateTime", "excerpt", "category", "type", "locale",
    "topics", "tags", "categories", "quality", "heat", "published", "ampWebUrl", "cdnAmpWebUrl", "provider",
    "images", "sourceKey", "ingestedAt",
)  # fmt: skip


def public(value: Any) -> Any:
    """The value without any `secured` field, at any depth."""
    if isinstance(value, dict):
        return {name: public(item) for name, item in value.items() if name != SECRET_FIELD}
    if isinstance(value, list):
        return [public(item) for item in value]
    return value


def summary_view(document: dict[str, Any]) -> dict[str, Any]:
    """The article's fields as lists serve them: no `related`, `body` or `secured`."""
    summary: dict[str, Any] = public({name: value for name, value in document.items() if name not in DETAIL_ONLY})
    return summary
