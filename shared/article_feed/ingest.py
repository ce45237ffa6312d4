"""The ingest use case: one S3 event record in, one ingestion outcome out.

Permanent problems (an invalid file, a conflict) become a `rejected` record and
return normally. Anything else (throttling, a 5xx, a lost connection, a
concurrent write) propagates, so the Lambda invocation fails and is retried:
a transient failure is never recorded as a rejection.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal, Protocol

from article_feed.diagnostics import Diagnostic
from article_feed.identity import article_id_from_key, id_problem, is_article_key
from article_feed.parsing import DEFAULT_MAX_BYTES, FILE_LOC, parse_article_file
from article_feed.records import IngestionRecord, ObjectEvent, is_later
from article_feed.storage import ArticleConflict, StaleEvent, TooLargeToStore

if TYPE_CHECKING:
    from article_feed.storage import ArticleStore

Outcome = Literal["accepted", "rejected", "deleted", "stale", "gone", "ignored"]


@dataclass(frozen=True)
class FetchedObject:
    """The first bytes of an object (at most the size limit plus one) and its identity."""

    data: bytes
    etag: str | None
    version_id: str | None


class ObjectReader(Protocol):
    """Reads an object; returns None when it no longer exists."""

    def read(self, bucket: str, key: str, version_id: str | None, max_bytes: int) -> FetchedObject | None: ...


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


def ingest_object_event(
    event: ObjectEvent, reader: ObjectReader, store: ArticleStore, settings: IngestSettings
) -> IngestResult:
    """Apply one S3 event record to the store, in S3's order for its key."""
    if not is_article_key(event.key, settings.key_prefix):
        return IngestResult("ignored", event.key)
    previous = store.get_ingestion(event.key)
    if previous and not is_later(event.sequencer, previous.sequencer):
        return IngestResult("stale", event.key, previous.article_id)
    try:
        if event.created:
            return _ingest_created(event, reader, store, settings)
        return _ingest_removed(event, store)
    except StaleEvent:
        return IngestResult("stale", event.key)


def _record(event: ObjectEvent, status: str, article_id: str, **fields: object) -> IngestionRecord:
    return IngestionRecord.model_validate(
        {
            "key": event.key,
            "status": status,
            "article_id": article_id,
            "sequencer": event.sequencer,
            "etag": event.etag,
            "version_id": event.version_id,
            "event_time": event.event_time,
            "processed_at": _now(),
            **fields,
        }
    )


def _reject(
    store: ArticleStore,
    event: ObjectEvent,
    article_id: str,
    errors: list[Diagnostic],
    warnings: list[Diagnostic] | None = None,
    **fields: object,
) -> IngestResult:
    store.save_record(_record(event, "rejected", article_id, errors=errors, warnings=warnings or [], **fields))
    return IngestResult("rejected", event.key, article_id, len(errors), len(warnings or []))


def _ingest_created(
    event: ObjectEvent, reader: ObjectReader, store: ArticleStore, settings: IngestSettings
) -> IngestResult:
    article_id = article_id_from_key(event.key)
    problem = id_problem(article_id)
    if problem:
        return _reject(store, event, article_id, [Diagnostic(loc="key", msg=problem, value=article_id)])
    too_large = Diagnostic(
        loc=FILE_LOC, msg=f"file is larger than the limit of {settings.max_bytes} bytes", value=event.size
    )
    if event.size is not None and event.size > settings.max_bytes:
        return _reject(store, event, article_id, [too_large])
    fetched = reader.read(event.bucket, event.key, event.version_id, settings.max_bytes)
    if fetched is None:
        # Deleted before this event was processed: its delete event will follow.
        return IngestResult("gone", event.key, article_id)
    identity = {"etag": event.etag or fetched.etag, "version_id": event.version_id or fetched.version_id}
    parsed = parse_article_file(fetched.data, max_bytes=settings.max_bytes)
    if not parsed.is_valid or parsed.article is None:
        return _reject(store, event, article_id, parsed.errors, parsed.warnings, **identity)
    ingested_at = _now()
    record = _record(event, "accepted", article_id, warnings=parsed.warnings, **identity)
    try:
        store.save_article(parsed.article, parsed.body, record, ingested_at)
    except ArticleConflict as conflict:
        error = Diagnostic(loc=conflict.field, msg=str(conflict), value=conflict.holder_key)
        return _reject(store, event, article_id, [error], parsed.warnings, **identity)
    except TooLargeToStore as too_big:
        error = Diagnostic(loc=too_big.loc, msg=str(too_big))
        return _reject(store, event, article_id, [error], parsed.warnings, **identity)
    return IngestResult("accepted", event.key, article_id, 0, len(parsed.warnings))


def _ingest_removed(event: ObjectEvent, store: ArticleStore) -> IngestResult:
    article_id = article_id_from_key(event.key)
    store.delete_article(article_id, _record(event, "deleted", article_id))
    return IngestResult("deleted", event.key, article_id)
