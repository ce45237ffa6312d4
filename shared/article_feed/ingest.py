"""The ingest use case: one S3 event record in, one ingestion outcome out.

Permanent problems (an invalid file, a conflict, a write DynamoDB refuses as
invalid) become a `rejected` record and return normally: the same bytes would
fail the same way on every retry. Anything else (throttling, a 5xx, a lost
connection, a concurrent write) propagates, so the Lambda invocation fails and
is retried: a transient failure is never recorded as a rejection.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal, Protocol

from article_feed.domain.diagnostics import Diagnostic
from article_feed.domain.errors import ArticleConflict, StaleEvent, StoreRefused, TooLargeToStore
from article_feed.domain.identity import article_id_from_key, is_article_key
from article_feed.domain.records import IngestionRecord, ObjectEvent, is_later
from article_feed.parsing.checks import check_article
from article_feed.parsing.rejection import DEFAULT_MAX_BYTES, FILE_LOC, too_large

if TYPE_CHECKING:
    from article_feed.domain.model import Article

Outcome = Literal["accepted", "rejected", "deleted", "stale", "gone", "ignored", "unchanged"]


@dataclass(frozen=True)
class FetchedObject:
    """The first bytes of an object (at most the size limit plus one) and its identity."""

    data: bytes
    etag: str | None
    version_id: str | None


class ObjectReader(Protocol):
    """Reads an object (its current version when `version_id` is None); None when it does not exist."""

    def read(self, bucket: str, key: str, version_id: str | None, max_bytes: int) -> FetchedObject | None: ...


class Ordering(Protocol):
    """A key's last applied sequencer, and its last record when it can be read."""

    @property
    def sequencer(self) -> str | None: ...

    @property
    def record(self) -> IngestionRecord | None: ...


class ArticleStore(Protocol):
    """What ingest needs from storage: ordering state, atomic article writes, records.

    `save_article` raises ArticleConflict, StaleEvent, StoreRefused or
    TooLargeToStore (permanent), or anything else for a transient failure.
    """

    def get_ordering(self, key: str) -> Ordering | None: ...

    def save_record(self, record: IngestionRecord, *, carried: bool = False) -> None: ...

    def save_article(
        self, article: Article, body: str, record: IngestionRecord, ingested_at: str, *, carried: bool = False
    ) -> None: ...

    def delete_article(self, article_id: str, record: IngestionRecord, *, carried: bool = False) -> None: ...


@dataclass(frozen=True)
class IngestSettings:
    """What ingest needs from configuration."""

    max_bytes: int = DEFAULT_MAX_BYTES
    key_prefix: str = ""


@dataclass(frozen=True)
class IngestResult:
    """What happened to one record, for logs and metrics."""

    outcome: Outcome
    key: str
    article_id: str | None = None
    errors: int = 0
    warnings: int = 0


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class _Applying:
    """One event being applied: the event, its article id and the sequencer its record keeps."""

    event: ObjectEvent
    article_id: str
    sequencer: str | None
    carried: bool  # the event had no sequencer and keeps the last applied one

    def record(self, status: str, **fields: object) -> IngestionRecord:
        return IngestionRecord.model_validate(
            {
                "key": self.event.key,
                "status": status,
                "article_id": self.article_id,
                "sequencer": self.sequencer,
                "etag": self.event.etag,
                "version_id": self.event.version_id,
                "event_time": self.event.event_time,
                "processed_at": _now(),
                **fields,
            }
        )


def ingest_object_event(
    event: ObjectEvent, reader: ObjectReader, store: ArticleStore, settings: IngestSettings
) -> IngestResult:
    """Apply one S3 event record to the store, in S3's order for its key."""
    if not is_article_key(event.key, settings.key_prefix):
        return IngestResult("ignored", event.key)
    ordering = store.get_ordering(event.key)
    if ordering and not is_later(event.sequencer, ordering.sequencer):
        return IngestResult("stale", event.key, ordering.record.article_id if ordering.record else None)
    kept = ordering.sequencer if ordering else None
    applying = _Applying(
        event, article_id_from_key(event.key), event.sequencer or kept, not event.sequencer and bool(kept)
    )
    try:
        if event.created:
            return _ingest_created(applying, reader, store, settings)
        return _ingest_removed(applying, reader, store, settings, ordering)
    except StaleEvent:
        return IngestResult("stale", event.key)


def _reject(store: ArticleStore, applying: _Applying, errors: list[Diagnostic], **fields: object) -> IngestResult:
    """Record why the file is refused (`fields`: warnings, counts, object identity)."""
    record = applying.record("rejected", errors=errors, **fields)
    try:
        store.save_record(record, carried=applying.carried)
    except StoreRefused:  # never expected (records are bounded); a record that says why still beats a retry loop
        shortest = applying.record("rejected", errors=[Diagnostic(loc=FILE_LOC, msg="the file was rejected")])
        store.save_record(shortest, carried=applying.carried)
    return IngestResult("rejected", record.key, applying.article_id, record.error_count, record.warning_count)


def _ingest_created(
    applying: _Applying, reader: ObjectReader, store: ArticleStore, settings: IngestSettings
) -> IngestResult:
    event = applying.event
    if event.size is not None and event.size > settings.max_bytes:
        return _reject(store, applying, [too_large(settings.max_bytes, event.size)])
    fetched = reader.read(event.bucket, event.key, event.version_id, settings.max_bytes)
    if fetched is None:
        # Deleted before this event was processed: its delete event will follow.
        return IngestResult("gone", event.key, applying.article_id)
    return _store_fetched(applying, fetched, store, settings)


def _store_fetched(
    applying: _Applying, fetched: FetchedObject, store: ArticleStore, settings: IngestSettings
) -> IngestResult:
    event = applying.event
    identity = {"etag": event.etag or fetched.etag, "version_id": event.version_id or fetched.version_id}
    parsed = check_article(event.key, fetched.data, max_bytes=settings.max_bytes)
    warnings = {"warnings": parsed.warnings, "warning_count": parsed.warning_total}
    if parsed.article is None:  # a file has an article only when it has no errors
        return _reject(store, applying, parsed.errors, error_count=parsed.error_total, **warnings, **identity)
    ingested_at = _now()
    record = applying.record("accepted", **warnings, **identity)
    try:
        store.save_article(parsed.article, parsed.body, record, ingested_at, carried=applying.carried)
    except ArticleConflict as conflict:
        error = Diagnostic(loc=conflict.field, msg=str(conflict), value=conflict.holder_key)
        return _reject(store, applying, [error], **warnings, **identity)
    except (TooLargeToStore, StoreRefused) as refused:
        error = Diagnostic(loc=getattr(refused, "loc", FILE_LOC), msg=f"the article cannot be stored: {refused}")
        return _reject(store, applying, [error], **warnings, **identity)
    return IngestResult("accepted", event.key, applying.article_id, 0, record.warning_count)


def _ingest_removed(
    applying: _Applying,
    reader: ObjectReader,
    store: ArticleStore,
    settings: IngestSettings,
    ordering: Ordering | None,
) -> IngestResult:
    """The article follows what S3 holds now: in a versioned bucket, deleting an old
    version leaves the current one, and removing a delete marker brings one back."""
    event = applying.event
    current = reader.read(event.bucket, event.key, None, settings.max_bytes)
    if current is None:
        store.delete_article(applying.article_id, applying.record("deleted"), carried=applying.carried)
        return IngestResult("deleted", event.key, applying.article_id)
    last = ordering.record if ordering else None
    if last and last.status == "accepted" and current.version_id and last.version_id == current.version_id:
        return IngestResult("unchanged", event.key, applying.article_id)
    # What S3 holds now is applied as if this event had created it (its time, its sequencer),
    # with the identity of the object read.
    current_version = replace(event, etag=None, version_id=None)
    return _store_fetched(replace(applying, event=current_version), current, store, settings)
