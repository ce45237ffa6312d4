"""The API's real dependencies, as one container builds them from its environment
(the integration tests replace them through powertools' dependency overrides)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from api_function.dependencies import container


def test_a_configured_secret_signs_cursors_in_every_container(monkeypatch) -> None:
    monkeypatch.setenv("CURSOR_SECRET", "s" * 32)
    assert container.__wrapped__().cursor_secret == b"s" * 32
    assert container.__wrapped__().cursor_secret == container.__wrapped__().cursor_secret


def test_without_a_secret_each_container_makes_its_own(monkeypatch) -> None:
    monkeypatch.delenv("CURSOR_SECRET", raising=False)
    first, second = container.__wrapped__(), container.__wrapped__()
    assert len(first.cursor_secret) == 32
    assert first.cursor_secret != second.cursor_secret


def test_a_short_secret_or_no_table_stops_the_container(monkeypatch) -> None:
    monkeypatch.setenv("CURSOR_SECRET", "s" * 31)
    with pytest.raises(ValidationError, match="CURSOR_SECRET"):
        container.__wrapped__()
    monkeypatch.setenv("CURSOR_SECRET", "s" * 32)
    monkeypatch.delenv("TABLE_NAME")
    with pytest.raises(ValidationError, match="TABLE_NAME"):
        container.__wrapped__()
