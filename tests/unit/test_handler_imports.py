"""Lambda puts only a function's CodeUri folder and the layer on sys.path."""

from __future__ import annotations

import subprocess
import sys

import pytest

from articlectl.template import function_location


@pytest.mark.parametrize("function", ["IngestFunction", "ApiFunction"])
def test_handler_imports_nothing_from_the_repository_root(function, tmp_path) -> None:
    code_dir, handler, layers = function_location(function)
    module, _, name = handler.rpartition(".")
    script = (
        f"import sys; sys.path[:0] = {[str(code_dir), *map(str, layers)]!r}; "
        f"from {module} import {name}; "
        "assert not [m for m in sys.modules if m.split('.')[0] in ('articlectl', 'tests', 'bench')]"
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
        },
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
