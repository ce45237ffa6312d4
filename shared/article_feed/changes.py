"""The change-stream use case: each change of an article, as the table's stream
reports it, brought into the search index and published as an event; each
rejected upload published too (SPEC "Change stream", "Change events").

Changes of one article arrive in order, but a record may come again (a retried
batch) or, after a failure, after a newer one was applied: the index remembers
the stream position it reflects and ignores anything at or before it. The
index is rebuilt from the article's new image, never patched from the old one,
so applying a change twice leaves what applying it once left. The event is
published before the position is recorded: a failure in between publishes it
again, with the same revision, and never loses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from article_feed.domain.events import ChangeEvent, article_event, rejection_event


@dataclass(frozen=True)
class ArticleChange:
    """One stream record of an article: its position and the article's document
    before and after (None: absent)."""

    article_id: str
    sequence: int
    old: dict[str, Any] | None
    new: dict[str, Any] | None


@dataclass(frozen=True)
class Rejection:
    """A stream record of an ingestion record that says `rejected`."""

    key: str
    sequence: int
    article_id: str | None
    errors: list[dict[str, Any]]


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


class EventPublisherPort(Protocol):
    """Where change events go (the stack's event bus)."""

    def publish(self, event: ChangeEvent) -> None: ...


class PositionsPort(Protocol):
    """The stream position applied last for an item that has no index state (an ingestion record)."""

    def applied(self, key: str) -> int | None: ...

    def remember(self, key: str, sequence: int) -> None: ...


def apply_change(index: SearchIndexPort, events: EventPublisherPort, change: ArticleChange) -> bool:
    """Publish the change's event and bring the index to the article's new document;
    False when the change was applied already."""
    state = index.state(change.article_id)
    if state is not None and state.sequence >= change.sequence:
        return False
    revision = (state.revision if state else 0) + (change.old != change.new)
    event = article_event(change.article_id, change.old, change.new, revision)
    if event is not None:
        events.publish(event)
    index.replace(change.article_id, change.new, state, change.sequence, revision)
    return True


def apply_rejection(positions: PositionsPort, events: EventPublisherPort, rejection: Rejection) -> bool:
    """Publish an upload's rejection once per stream record; False when it was already."""
    applied = positions.applied(rejection.key)
    if applied is not None and applied >= rejection.sequence:
        return False
    events.publish(rejection_event(rejection.key, rejection.article_id, rejection.errors))
    positions.remember(rejection.key, rejection.sequence)
    return True
