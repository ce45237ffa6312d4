"""What ingest knows about each object key: the event that touched it and the outcome.

An `ObjectEvent` is one S3 notification record, decoded. An `IngestionRecord` is
what users read at `GET /ingestions?key=…` to learn why a file was rejected, and
what ingest reads to put events for the same key in S3's order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel

from article_feed.domain.diagnostics import Bounded, Diagnostic

Status = Literal["accepted", "rejected", "deleted"]
_SEQUENCER_WIDTH = 64


def sequencer_order(sequencer: str | None) -> str:
    """A sortable form of S3's sequencer: right-padded with zeros to a fixed width.

    AWS's rule for two sequencers of one key: pad the shorter on the right with
    zeros, then compare as text. Padding every value to one width makes plain
    string comparison (in Python and in a DynamoDB condition) follow that rule.
    """
    if not sequencer:
        return ""
    return sequencer.upper().ljust(_SEQUENCER_WIDTH, "0")


def is_later(sequencer: str | None, than: str | None) -> bool:
    """True when an event with `sequencer` must be applied over state from `than`.

    An event without a sequencer (moto's notifications) cannot be ordered and is
    applied as it comes; real S3 always sends one on puts and deletes.
    """
    if not sequencer or not than:
        return True
    return sequencer_order(sequencer) > sequencer_order(than)


@dataclass(frozen=True)
class ObjectEvent:
    """One S3 notification record, with the key already URL-decoded."""

    bucket: str
    key: str
    created: bool
    sequencer: str | None = None
    size: int | None = None
    etag: str | None = None
    version_id: str | None = None
    event_time: str | None = None


class IngestionRecord(BaseModel):
    """The outcome of the latest applied event for one object key."""

    model_config = ConfigDict(
        alias_generator=to_camel, validate_by_name=True, serialize_by_alias=True, defer_build=True
    )

    key: str
    status: Status
    article_id: str | None = None
    errors: list[Diagnostic] = Field(default_factory=list)
    warnings: list[Diagnostic] = Field(default_factory=list)
    # How many there were: a record keeps at most 100 of each (diagnostics.MAX_KEPT).
    error_count: int = 0
    warning_count: int = 0
    sequencer: str | None = None
    etag: str | None = None
    version_id: str | None = None
    event_time: str | None = None
    processed_at: str

    @model_validator(mode="after")
    def _bounded(self) -> IngestionRecord:
        """However many problems a file has, its record stays small enough to store and read."""
        for name in ("errors", "warnings"):
            bounded = Bounded()
            bounded.extend(getattr(self, name))
            setattr(self, name, bounded.kept)
            count = f"{name[:-1]}_count"
            setattr(self, count, max(getattr(self, count), bounded.total))
        return self
