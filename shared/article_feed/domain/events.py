"""Change events: what consumers hear when an article appears, changes or goes,
or an upload is rejected (SPEC "Change events").

An article event carries a `revision` that grows with each change of that
article, also across a delete and a comeback: with `id`, it names the change, so
a consumer drops a repeated delivery. Events are built from the served views of
the article (domain.views), so `secured` never leaves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SOURCE = "article-feed"
PUBLISHED, UPDATED, DELETED, REJECTED = "ArticlePublished", "ArticleUpdated", "ArticleDeleted", "ArticleRejected"
HIDDEN_VALUE = "(value)"


@dataclass(frozen=True)
class ChangeEvent:
    """One event: its type (EventBridge's `detail-type`) and its detail."""

    detail_type: str
    detail: dict[str, Any]


def article_event(
    article_id: str, old: dict[str, Any] | None, new: dict[str, Any] | None, revision: int
) -> ChangeEvent | None:
    """The event of a change between two served versions (None: absent), or None
    when nothing served changed."""
    if old == new:
        return None
    current = new if new is not None else old
    assert current is not None
    provider: dict[str, Any] = current["provider"] if isinstance(current.get("provider"), dict) else {}
    detail: dict[str, Any] = {
        "id": article_id,
        "sourceKey": current.get("sourceKey"),
        "title": current.get("title"),
        "webUrl": current.get("webUrl"),
        "publishedDateTime": current.get("publishedDateTime"),
        "topics": current.get("topics") or [],
        "provider": {"domain": provider.get("domain"), "name": provider.get("name")},
        "revision": revision,
    }
    if old is None:
        return ChangeEvent(PUBLISHED, detail)
    if new is None:
        return ChangeEvent(DELETED, detail)
    return ChangeEvent(UPDATED, {**detail, "changedFields": changed_fields(old, new)})


def changed_fields(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The sorted top-level names whose served value differs (added and removed ones too)."""
    return sorted(name for name in old.keys() | new.keys() if old.get(name) != new.get(name))


def rejection_event(key: str, article_id: str | None, errors: list[dict[str, Any]]) -> ChangeEvent:
    """`ArticleRejected`: each error's place and reason, never the file's values."""
    shown = []
    for error in errors:
        message = str(error.get("msg", ""))
        value = error.get("value")
        if value and len(str(value)) >= 3 and str(value) in message:  # a message that quotes the value
            message = message.replace(str(value), HIDDEN_VALUE)
        shown.append({"loc": error.get("loc"), "msg": message})
    return ChangeEvent(REJECTED, {"key": key, "articleId": article_id, "errors": shown})
