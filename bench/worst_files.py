"""Worst files within the size limit: peak memory and time to check each, in a fresh
process as the ingest function would, against a typical article in the same kind of
process; and what the cursor secret costs an API cold start.

The figures answer issue 10's class 3: a small file must not take huge memory or
time, whatever it holds (aliases to big strings, many unknown keys, deep nesting).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from articlectl.template import resource
from bench import EXAMPLE, ROOT

LIMIT = 1024 * 1024
HEAD = "---\ntitle: T\nwebUrl: https://bench.example.com/w\npublishedDateTime: 2026-01-01T00:00:00Z\n"


def _fill(body: str) -> bytes:
    return (HEAD + body + "---\n").encode()[:LIMIT]


def worst_files() -> dict[str, bytes]:
    """Hostile files, each within the 1 MiB limit."""
    big = "x" * 500_000
    flat_items = "".join(f"  - item number {i}\n" for i in range(45_000))
    return {
        "aliases to one 500 KB string (1,000 aliases)": _fill(
            f"big: &b {big}\n" + "".join(f"a{i}: *b\n" for i in range(1000))
        ),
        "40,000 unknown keys": _fill("".join(f"key{i}: {i}\n" for i in range(40_000))),
        "one list of 45,000 items (stored too large: rejected)": _fill("extra:\n" + flat_items),
        "nesting 5,000 brackets deep": _fill("title2: " + "[" * 5000 + "]" * 5000 + "\n"),
        "a 5,000-digit integer, 200 times": _fill("".join(f"n{i}: {'9' * 5000}\n" for i in range(200))),
        "3,000 related-entry warnings": _fill(
            "related:\n  - title: R\n    webUrl: https://r.example.com/1\n"
            + "".join(f"    extra{i}: {'y' * 40}\n" for i in range(3000))
        ),
    }


_PROBE = """
import sys, time
sys.path[:0] = [sys.argv[2]]
from article_feed.parsing.checks import check_article
data = open(sys.argv[1], "rb").read()
started = time.perf_counter()
checked = check_article("in/worst.md", data, max_bytes=1024 * 1024)
elapsed = time.perf_counter() - started
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(f"{elapsed * 1000:.1f} {peak / 1024:.1f} {'valid' if checked.is_valid else 'rejected'}")
"""


def _probe(path: Path) -> tuple[float, float, str]:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, str(path), str(ROOT / "shared")],
        capture_output=True,
        text=True,
        check=True,
        cwd=tempfile.gettempdir(),
    ).stdout.split()
    return float(out[0]), float(out[1]), out[2]


def measure(runs: int = 3) -> dict[str, Any]:
    """Median check time and peak RSS of each worst file, and of the example article."""
    folder = Path(tempfile.mkdtemp())
    baseline_path = folder / "example.md"
    baseline_path.write_bytes(EXAMPLE.read_bytes())
    baseline = [_probe(baseline_path) for _ in range(runs)]
    base_ms = statistics.median(row[0] for row in baseline)
    base_mib = statistics.median(row[1] for row in baseline)
    rows = []
    for label, data in worst_files().items():
        path = folder / "worst.md"
        path.write_bytes(data)
        probes = [_probe(path) for _ in range(runs)]
        rows.append(
            {
                "file": label,
                "bytes": len(data),
                "ms": statistics.median(row[0] for row in probes),
                "mib": statistics.median(row[1] for row in probes),
                "verdict": probes[0][2],
            }
        )
    memory_size = int(resource("IngestFunction")["Properties"]["MemorySize"])
    return {"baseline_ms": base_ms, "baseline_mib": base_mib, "rows": rows, "function_mib": memory_size}


_SECRET_CALL = """
import sys, time
started = time.perf_counter()
import boto3
client = boto3.client("secretsmanager")
{call}
print(f"{{(time.perf_counter() - started) * 1000:.1f}}")
"""


def cursor_secret_cost(endpoint: str, runs: int = 7) -> dict[str, float]:
    """What reading the secret at cold start would cost (a Secrets Manager client and
    one call, against the emulator), against importing boto3 alone: the template
    resolves the secret at deploy time instead, so a cold start pays nothing."""
    environment = dict(os.environ) | {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    import boto3

    boto3.client("secretsmanager", endpoint_url=endpoint, region_name="us-east-1").create_secret(
        Name="cursor-bench", SecretString="s" * 64
    )
    call = 'client.get_secret_value(SecretId="cursor-bench")'

    def timed(code: str) -> float:
        output = subprocess.run(
            [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True
        )
        return float(output.stdout.strip())

    with_call, without = [], []
    for _ in range(runs):
        with_call.append(timed(_SECRET_CALL.format(call=call)))
        without.append(timed(_SECRET_CALL.format(call="").replace('client = boto3.client("secretsmanager")', "")))
    return {"with_call_ms": statistics.median(with_call), "boto3_ms": statistics.median(without)}
