"""What the API may show of a stored article: never `secured`, at any depth, and
lists without the detail-only fields; and moments in UTC."""

from __future__ import annotations

import pytest

from article_feed.domain.views import public, summary_view

DOCUMENT = {
    "title": "T",
    "secured": {"token": "s3cr3t"},
    "provider": {"name": "P", "secured": "x", "images": [{"url": "/l.png", "secured": 1}]},
    "related": [{"title": "R", "webUrl": "https://e.com/r", "secured": True}],
    "body": "text",
    "tags": ["a", "b"],
}


def test_public_drops_secured_at_every_depth_and_keeps_everything_else() -> None:
    assert public(DOCUMENT) == {
        "title": "T",
        "provider": {"name": "P", "images": [{"url": "/l.png"}]},
        "related": [{"title": "R", "webUrl": "https://e.com/r"}],
        "body": "text",
        "tags": ["a", "b"],
    }
    assert public([{"secured": 1, "a": [{"secured": 2, "b": 3}]}]) == [{"a": [{"b": 3}]}]


def test_a_summary_has_neither_the_detail_fields_nor_secured() -> None:
    assert summary_view(DOCUMENT) == {
        "title": "T",
        "provider": {"name": "P", "images": [{"url": "/l.png"}]},
        "tags": ["a", "b"],
    }


@pytest.mark.usefixtures("host_in_tokyo")
def test_moments_are_served_in_utc_whatever_the_host_zone() -> None:
    from datetime import UTC, datetime, timedelta, timezone

    from article_feed.domain.utc import format_utc

    assert format_utc(datetime(2020, 1, 1, 12, tzinfo=UTC)) == "2020-01-01T12:00:00Z"
    assert format_utc(datetime(2020, 1, 1, 9, 30, tzinfo=timezone(timedelta(hours=-5)))) == "2020-01-01T14:30:00Z"
