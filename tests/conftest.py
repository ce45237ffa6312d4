"""Fixtures only (helpers live in tests/support): the test environment, moto with the
resources of template.yaml, the two handlers and ways to call them."""

from __future__ import annotations

import importlib
import time
from typing import TYPE_CHECKING, Any

import pytest

from articlectl.lambdas import LocalContext
from tests.support.api import HttpAnswer, api_caller, serving_this_stack
from tests.support.aws import Stack, apply_test_environment, emulated_stack, upload_files

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator


@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch) -> None:
    apply_test_environment(monkeypatch)


@pytest.fixture
def host_in_tokyo() -> Iterator[None]:
    """The process's local zone set to Asia/Tokyo (UTC+9) for one test: moments that
    come out in UTC then do not owe it to the host."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TZ", "Asia/Tokyo")
        time.tzset()
        yield
    time.tzset()


@pytest.fixture
def lambda_context() -> LocalContext:
    return LocalContext("IngestFunction")


@pytest.fixture
def stack() -> Iterator[Stack]:
    with emulated_stack() as emulated:
        yield emulated


@pytest.fixture
def ingest_handler() -> Iterator[Any]:
    """The ingest function's module, fresh clients for this test's moto."""
    module = importlib.import_module("ingest_function.handler")
    module._dependencies.cache_clear()
    yield module
    module._dependencies.cache_clear()


@pytest.fixture
def upload(stack: Stack, ingest_handler: Any) -> Callable[..., dict[str, Any]]:
    """Put files in the bucket and deliver their events to the ingest handler."""

    def _upload(files: dict[str, bytes], **record_options: Any) -> dict[str, Any]:
        return upload_files(stack, ingest_handler, files, **record_options)

    return _upload


@pytest.fixture
def api_handler(stack: Stack) -> Iterator[Any]:
    """The API function's module, serving this test's moto (see serving_this_stack)."""
    module = importlib.import_module("api_function.handler")
    with serving_this_stack(module):
        yield module


@pytest.fixture
def call_api(api_handler: Any) -> Callable[..., HttpAnswer]:
    """GET a path through the API handler with a REST (v1) proxy event from events/."""
    return api_caller(api_handler)
