"""Change events onto the stack's EventBridge bus.

One PutEvents per event: an event is published before its change is recorded as
applied, so a change's event is never lost and never waits for a batch. Entries
EventBridge reports as failed (throttling, an internal error) fail the stream
record, which Lambda then retries, bisects and finally sends to the on-failure
destination: no event is dropped silently.
"""

from __future__ import annotations

import json
from typing import Any

from article_feed.domain.events import SOURCE, ChangeEvent


class EventsNotPublished(Exception):
    """EventBridge refused an entry; retrying the record publishes it again."""


class EventBusPublisher:
    def __init__(self, client: Any, bus_name: str) -> None:
        self._client = client
        self._bus = bus_name

    def publish(self, event: ChangeEvent) -> None:
        entry = {
            "Source": SOURCE,
            "DetailType": event.detail_type,
            "Detail": json.dumps(event.detail, ensure_ascii=False, separators=(",", ":")),
            "EventBusName": self._bus,
        }
        response = self._client.put_events(Entries=[entry])
        if response.get("FailedEntryCount"):
            failure = response["Entries"][0]
            raise EventsNotPublished(f"{failure.get('ErrorCode')}: {failure.get('ErrorMessage')}")
