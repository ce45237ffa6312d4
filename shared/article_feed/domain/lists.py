"""What a list asks for, in the domain's terms (no keys, no partitions)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class ListFilters:
    """The filters every list shares: text filters as given (matched case- and
    form-insensitively), the lowest quality, the published flag."""

    topic: str | None = None
    provider: str | None = None
    category: str | None = None
    type: str | None = None
    min_quality: int | None = None
    published: bool | None = None

    def filters(self) -> dict[str, Any]:
        """Just the filters (as keyword arguments), from this or from a request that extends them."""
        return {field.name: getattr(self, field.name) for field in fields(ListFilters)}


@dataclass(frozen=True)
class ListRequest(ListFilters):
    """The filters and the time range, as UTC strings ending in `Z`."""

    lower: str | None = None
    upper: str | None = None
