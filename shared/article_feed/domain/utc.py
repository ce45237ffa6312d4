"""The one text form of a moment that the API serves and the keys sort by.

Its own module so that queries can use it without importing the file model
(pydantic field definitions cost ≈ 25 ms of an API cold start).
"""

from __future__ import annotations

from datetime import UTC, datetime


def format_utc(moment: datetime) -> str:
    """Serve every datetime the same way: UTC, ISO 8601, ending in `Z`."""
    text = moment.astimezone(UTC).replace(tzinfo=None).isoformat()
    return text + "Z"
