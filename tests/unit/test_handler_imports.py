"""Lambda puts only a function's CodeUri folder and the layer on sys.path."""

from __future__ import annotations

import subprocess
import sys

import pytest

from articlectl.template import function_location


@pytest.mark.parametrize("function", ["IngestFunction", "ApiFunction", "StreamFunction"])
def test_handler_imports_nothing_from_the_repository_root(function, tmp_path) -> None:
    loaded = _modules_after_import(function, tmp_path)
    assert not [name for name in loaded if name.split(".")[0] in ("articlectl", "tests", "bench")]


@pytest.mark.parametrize("function", ["IngestFunction", "ApiFunction"])
def test_cold_start_imports_no_xray_sdk_unless_aws_calls_are_traced(function, tmp_path) -> None:
    # The template's default (TraceAwsCalls=false) disables powertools tracing.
    assert "aws_xray_sdk" not in _modules_after_import(function, tmp_path, POWERTOOLS_TRACE_DISABLED="true")


def test_ingest_traces_aws_calls_when_the_deployment_asks(tmp_path) -> None:
    loaded = _modules_after_import(
        "IngestFunction", tmp_path, POWERTOOLS_TRACE_DISABLED="false", AWS_LAMBDA_FUNCTION_NAME="IngestFunction"
    )
    assert "aws_xray_sdk" in loaded


def test_api_imports_neither_the_file_model_nor_yaml(tmp_path) -> None:
    # Queries need neither; the file model's field definitions alone cost ≈ 25 ms of a cold start.
    loaded = _modules_after_import("ApiFunction", tmp_path, POWERTOOLS_TRACE_DISABLED="true")
    assert not {"article_feed.domain.model", "article_feed.parsing", "yaml"} & loaded
    assert "api_function.feeds" not in loaded  # feeds are built by the feed routes only
    # The stemmer and the index reader load on the first request that searches.
    assert not {"snowballstemmer", "article_feed.dynamo.search_reader", "article_feed.dynamo.search_index"} & loaded


def _modules_after_import(function: str, tmp_path, **environment: str) -> set[str]:
    code_dir, handler, layers = function_location(function)
    module, _, name = handler.rpartition(".")
    script = (
        f"import sys; sys.path[:0] = {[str(code_dir), *map(str, layers)]!r}; "
        f"from {module} import {name}; print(' '.join(sys.modules))"
    )
    # -P: no current or script directory on sys.path; run from elsewhere, PYTHONPATH cleared.
    result = subprocess.run(
        [sys.executable, "-P", "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={
            "PATH": "/usr/bin:/bin",
            "TABLE_NAME": "t",
            "AWS_DEFAULT_REGION": "us-east-1",
            "POWERTOOLS_METRICS_NAMESPACE": "x",
            **environment,
        },
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return set(result.stdout.split())
