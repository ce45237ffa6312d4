"""The ingest function traces its AWS calls only when the deployment asks for it
(`TraceAwsCalls` sets POWERTOOLS_TRACE_DISABLED): the choice made at import,
called here directly so that its mutants are seen in-process too."""

from __future__ import annotations

import pytest


def _handler(event: object, context: object) -> str:
    return "handled"


@pytest.mark.parametrize(
    ("setting", "traced"),
    [("true", False), ("1", False), ("false", True), ("0", True), (None, True)],
)
def test_the_handler_is_wrapped_by_tracer_only_when_tracing_is_on(monkeypatch, setting, traced) -> None:
    if setting is None:
        monkeypatch.delenv("POWERTOOLS_TRACE_DISABLED", raising=False)
    else:
        monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", setting)

    # Imported here, not at collection: the module reads its configuration when imported.
    from ingest_function.handler import _traced

    wrapped = _traced(_handler)

    if traced:
        assert wrapped is not _handler
        assert getattr(wrapped, "__wrapped__", None) is _handler  # Tracer's capture_lambda_handler
    else:
        assert wrapped is _handler
