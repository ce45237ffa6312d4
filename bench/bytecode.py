"""What shipping bytecode saves on Lambda: the layer's dependencies and the
handler's modules, installed as `sam build` would (no .pyc), imported by fresh
processes that cannot write a cache (like Lambda's read-only /opt and /var/task),
versus the same files compiled as shared/Makefile does (unchecked-hash .pyc)."""

from __future__ import annotations

import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from articlectl.template import function_location
from bench import ROOT


def _package(target: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-compile",
            "--target",
            str(target / "layer"),
            "-r",
            str(ROOT / "shared" / "requirements.txt"),
        ],
        check=True,
        capture_output=True,
    )
    shutil.copytree(
        ROOT / "shared" / "article_feed",
        target / "layer" / "article_feed",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    for function in ("ApiFunction", "IngestFunction"):
        code_dir, _, _ = function_location(function)
        shutil.copytree(code_dir, target / function, ignore=shutil.ignore_patterns("__pycache__"))


def _import_seconds(target: Path, function: str) -> float:
    _, handler, _ = function_location(function)
    module = handler.rpartition(".")[0]
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "TABLE_NAME": "articles",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    # -B: write no cache, as on Lambda's read-only file systems.
    code = f"import sys; sys.path[:0] = [{str(target / function)!r}, {str(target / 'layer')!r}]; import {module}"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-I", "-B", "-c", code], env=environment, check=True, cwd=tempfile.gettempdir())
    return time.perf_counter() - started


def measure(runs: int) -> list[dict[str, object]]:
    """Median import time of each handler from source only and with bytecode."""
    with tempfile.TemporaryDirectory() as folder:
        source_only, compiled = Path(folder, "source"), Path(folder, "compiled")
        _package(source_only)
        shutil.copytree(source_only, compiled)
        compileall.compile_dir(
            compiled, quiet=1, workers=0, invalidation_mode=compileall.py_compile.PycInvalidationMode.UNCHECKED_HASH
        )
        results = []
        for function in ("ApiFunction", "IngestFunction"):
            pairs = [(_import_seconds(source_only, function), _import_seconds(compiled, function)) for _ in range(runs)]
            results.append(
                {
                    "function": function,
                    "source_ms": statistics.median(source for source, _ in pairs) * 1000,
                    "compiled_ms": statistics.median(bytecode for _, bytecode in pairs) * 1000,
                    "ratio": statistics.median(source / bytecode for source, bytecode in pairs),
                }
            )
        return results
