"""What adapters and use cases tell each other, in the domain's words (no AWS types)."""

from __future__ import annotations


class ArticleConflict(Exception):
    """Another object key already owns this article id or webUrl."""

    def __init__(self, field: str, value: str, holder_key: str, holder_id: str) -> None:
        super().__init__(f"{field} {value!r} already belongs to article {holder_id!r} from key {holder_key!r}")
        self.field = field
        self.holder_key = holder_key


class TooLargeToStore(Exception):
    """The article is valid but exceeds what one stored item can hold."""

    def __init__(self, loc: str, message: str) -> None:
        super().__init__(message)
        self.loc = loc


class StoreRefused(Exception):
    """The store refused the write as invalid: the same article would be refused every time."""


class StaleEvent(Exception):
    """A newer event for the same key was applied first; this one must be dropped."""


class ConcurrentWrite(Exception):
    """The article or a claim changed while this event was applied; retry the event."""

    def __init__(self, message: str, failed_conditions: frozenset[int] = frozenset()) -> None:
        super().__init__(message)
        # Positions of the transaction's actions whose condition did not hold.
        self.failed_conditions = failed_conditions


class InvalidCursor(ValueError):
    """The cursor was not issued for this query by this service."""


class BadParameter(ValueError):
    """A query parameter the client must fix; names the parameter."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.name = name


class StoreBusy(Exception):
    """The store left part of a read undone (throttled): the request may be retried."""
