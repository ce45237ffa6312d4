"""The change-stream use case: each change of an article, as the table's stream
reports it, brought into the search index (SPEC "Change stream").

Changes of one article arrive in order, but a record may come again (a retried
batch) or, after a failure, after a newer one was applied: the index remembers
the stream position it reflects and ignores anything at or before it. The
index is rebuilt from the article's new image, never patched from the old one,
so applying a change twice leaves what applying it once left.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class ArticleChange:
    """One stream record of an article: its position and the article's document
    before and after (None: absent)."""

    article_id: str
    sequence: int
    old: dict[str, Any] | None
    new: dict[str, Any] | None


@dataclass(frozen=True)
class IndexState:
    """What the search index holds for one article, and the stream position it reflects."""

    sequence: int
    revision: int
    postings: frozenset[tuple[str, str]]
    digest: str


class SearchIndexPort(Protocol):
    """What the change stream needs from the search index."""

    def state(self, article_id: str) -> IndexState | None: ...

    def replace(
        self,
        article_id: str,
        document: dict[str, Any] | None,
        previous: IndexState | None,
        sequence: int,
        revision: int,
    ) -> None: ...


def apply_change(index: SearchIndexPort, change: ArticleChange) -> bool:
    """Bring the index to the article's new document; False when the change was applied already."""
    state = index.state(change.article_id)
    if state is not None and state.sequence >= change.sequence:
        return False
    revision = (state.revision if state else 0) + (change.old != change.new)
    index.replace(change.article_id, change.new, state, change.sequence, revision)
    return True
