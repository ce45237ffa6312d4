"""What a list request asks for, in the domain's terms (no keys, no partitions)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ListRequest:
    """The filters of one list: text filters as given (matched case- and form-insensitively),
    and the time range as UTC strings ending in `Z`."""

    topic: str | None = None
    provider: str | None = None
    category: str | None = None
    type: str | None = None
    min_quality: int | None = None
    published: bool | None = None
    lower: str | None = None
    upper: str | None = None
