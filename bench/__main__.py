"""`make bench`: every figure with its baseline and ratio, in one run.

The run's output and its summary table are written into docs/performance.md
and the README between their `bench` markers (BENCH_WRITE=0 only prints):
the figures are generated once, never copied by hand.
"""

from __future__ import annotations

import os
import platform
import re
import sys
import time
from typing import Any

from bench import ROOT, bytecode, cold_start, ingest_cost, parse, query_cost, worst_files
from bench.emulator import emulator

OUTPUT: list[str] = []


def say(line: str) -> None:
    print(line, flush=True)
    OUTPUT.append(line)


def main() -> int:
    runs = int(os.environ.get("BENCH_RUNS", "15"))
    figures: dict[str, Any] = {"runs": runs}
    with emulator() as (endpoint, s3, _dynamodb):
        say(
            f"Cold start: fresh process, import + one request, time to the answer, vs boto3 + same clients + same "
            f"calls ({runs} alternating rounds, median of pairwise ratios; goal <= 1.25x)"
        )
        figures["cold"] = {row["function"]: row for row in cold_start.measure(endpoint, s3, runs)}
        for row in figures["cold"].values():
            say(
                f"  {row['function']:<15} handler {row['handler_ms']:5.0f} ms  floor {row['floor_ms']:5.0f} ms  "
                f"ratio {row['ratio']:.2f}x  (to exit {row['exit_ratio']:.2f}x)   "
                f"peak RSS {row['handler_mib']:.0f} MiB vs {row['floor_mib']:.0f} MiB"
            )
            say(
                f"  {'':<15} libraries alone {row['libraries_ms']:5.0f} ms = {row['libraries_ratio']:.2f}x the floor; "
                f"handler vs libraries alone {row['own_ratio']:.2f}x"
            )
        memory = figures["memory"] = cold_start.batch_memory(endpoint, s3)
        say(
            f"  IngestFunction peak RSS over {memory['files']} files of the example's size in one process "
            f"(10 records per event): {memory['first_event_mib']:.0f} MiB after the first event, "
            f"{memory['all_events_mib']:.0f} MiB after all"
        )
        secret = figures["secret"] = worst_files.cursor_secret_cost(endpoint)
        say(
            f"  Cursor secret: resolved by CloudFormation at deploy time, read from the environment: +0 calls. "
            f"Reading it at cold start instead would cost {secret['with_call_ms'] - secret['boto3_ms']:.0f} ms "
            f"(Secrets Manager client + GetSecretValue: {secret['with_call_ms']:.0f} ms vs boto3 alone "
            f"{secret['boto3_ms']:.0f} ms, {secret['with_call_ms'] / secret['boto3_ms']:.2f}x)"
        )
    worst = figures["worst"] = worst_files.measure()
    say(
        f"Worst files within the 1 MiB limit (fresh process, check as ingest does; baseline: the example article "
        f"{worst['baseline_ms']:.1f} ms, peak RSS {worst['baseline_mib']:.0f} MiB; the function has "
        f"{worst['function_mib']} MB):"
    )
    for row in worst["rows"]:
        say(
            f"  {row['file']:<58} {row['bytes'] / 1024:5.0f} KiB  {row['verdict']:<8} {row['ms']:7.1f} ms "
            f"({row['ms'] / worst['baseline_ms']:5.0f}x)  peak RSS {row['mib']:4.0f} MiB "
            f"({row['mib'] / worst['function_mib']:.0%} of the function's memory)"
        )
    say("Deployment package: import with no cache to write, as on Lambda's read-only file systems:")
    figures["bytecode"] = bytecode.measure(max(5, runs // 3))
    for row in figures["bytecode"]:
        say(
            f"  {row['function']:<15} source only {row['source_ms']:5.0f} ms   with shipped bytecode "
            f"{row['compiled_ms']:5.0f} ms   {row['ratio']:.2f}x faster"
        )
    result = figures["parse"] = parse.measure(int(os.environ.get("BENCH_FILES", "3000")))
    say(
        f"Parse and validate {result['files']} files ({result['invalid']} invalid), whole processes, "
        f"{result['workers']} CPUs (goal >= 2x the baseline's speed):"
    )
    say(
        f"  articlectl validate {result['ours_ms_per_file']:.2f} ms/file   baseline (python-frontmatter + pydantic) "
        f"{result['baseline_ms_per_file']:.2f} ms/file   floor (libyaml alone) {result['floor_ms_per_file']:.2f} "
        f"ms/file   same verdicts: {result['same_verdicts']}"
    )
    say(
        f"  speed vs baseline {result['speedup']:.2f}x wall, {result['cpu_speedup']:.2f}x per CPU second "
        f"({result['ours_cpu_ms_per_file']:.2f} vs {result['baseline_cpu_ms_per_file']:.2f} CPU ms/file); "
        f"vs the floor {result['floor_speedup']:.2f}x wall"
    )
    say(
        "Query cost (median handler time; own = outside DynamoDB; goal: own 10k/1k <= 1.5, items <= limit + 1; "
        "search: postings read <= max(10 x limit, 500); tutorial = q=battery robot without an index):"
    )
    rows = query_cost.measure()
    figures["query"] = {(row["size"], row["query"]): row for row in rows}
    for row in rows:
        say(
            f"  {row['size']:>6} articles  {row['query']:<6} total {row['total_ms']:7.1f} ms  own "
            f"{row['own_ms']:5.2f} ms  items read {row['items_read']}"
        )
    for name in sorted({name for _, name in figures["query"]}, key=[row["query"] for row in rows].index):
        small, large = (figures["query"][size, name] for size in (1000, 10000))
        say(
            f"  {name}: own-time ratio 10k/1k {large['own_ms'] / small['own_ms']:.2f}x, "
            f"emulator-inclusive {large['total_ms'] / small['total_ms']:.1f}x"
        )
    cost = figures["ingest"] = ingest_cost.measure()
    say(f"Ingest cost per file ({cost['files']} files of {cost['example_bytes']} bytes):")
    say(
        f"  requests {cost['requests_per_file']}   items {cost['items_per_article']:.1f}   "
        f"write units {cost['write_units_per_article']:.1f}"
    )
    say(
        f"  search index (the stream function's writes): {cost['index_items_per_article']:.0f} items, "
        f"{cost['index_write_units_per_article']:.1f} write units (postings, state, one update per term statistic)"
    )
    if os.environ.get("BENCH_WRITE", "1") != "0":
        stamp = f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
        _replace_between("docs/performance.md", "bench-run", f"Run of {stamp}:\n\n```\n" + "\n".join(OUTPUT) + "\n```")
        _replace_between("README.md", "bench-table", f"Latest run ({stamp}):\n\n" + summary_table(figures))
        print("Figures written to docs/performance.md and README.md (BENCH_WRITE=0 to only print).")
    return 0


def summary_table(f: dict[str, Any]) -> str:
    """The README's table: one row per figure, each a ratio to its baseline."""
    api, ingest = f["cold"]["ApiFunction"], f["cold"]["IngestFunction"]
    byte = {row["function"]: row for row in f["bytecode"]}
    parse_, worst, secret, cost = f["parse"], f["worst"], f["secret"], f["ingest"]
    q = f["query"]
    own = {name: q[10000, name]["own_ms"] / q[1000, name]["own_ms"] for _, name in q}
    items = max(row["items_read"] for (_, name), row in q.items() if name in ("list", "topic"))
    slowest = max(worst["rows"], key=lambda row: row["ms"])
    biggest = max(row["mib"] for row in worst["rows"])
    rows = [
        ("figure", "ours", "baseline", "ratio", "goal"),
        ("---",) * 5,
        (
            "API cold start (import + `GET /articles/unknown-id`, to the answer)",
            f"{api['handler_ms']:.0f} ms",
            f"boto3 + client + GetItem: {api['floor_ms']:.0f} ms",
            f"{api['ratio']:.2f}× (the libraries alone: {api['libraries_ratio']:.2f}×)",
            "≤ 1.25×",
        ),
        (
            "ingest cold start (import + one small file)",
            f"{ingest['handler_ms']:.0f} ms",
            f"boto3 + clients + same calls: {ingest['floor_ms']:.0f} ms",
            f"{ingest['ratio']:.2f}× (the libraries alone: {ingest['libraries_ratio']:.2f}×)",
            "≤ 1.25×",
        ),
        (
            "import on Lambda's read-only disk, with the bytecode `sam build` ships (API / ingest)",
            f"{byte['ApiFunction']['compiled_ms']:.0f} / {byte['IngestFunction']['compiled_ms']:.0f} ms",
            f"source only: {byte['ApiFunction']['source_ms']:.0f} / {byte['IngestFunction']['source_ms']:.0f} ms",
            f"{byte['ApiFunction']['ratio']:.1f}× / {byte['IngestFunction']['ratio']:.1f}× faster",
            "–",
        ),
        (
            f"`articlectl validate`, {parse_['files']:,} files, {parse_['workers']} CPUs",
            f"{parse_['ours_ms_per_file']:.2f} ms/file",
            f"python-frontmatter + pydantic: {parse_['baseline_ms_per_file']:.2f} ms/file",
            f"{parse_['speedup']:.2f}× the speed",
            "≥ 2×",
        ),
        (
            "`GET /articles?limit=20`, 10k vs 1k articles (own time, outside DynamoDB)",
            f"{q[10000, 'list']['own_ms']:.2f} vs {q[1000, 'list']['own_ms']:.2f} ms; "
            f"at most {items} items read at both sizes",
            "the same query at 1k",
            f"{own['list']:.2f}× (topic: {own['topic']:.2f}×)",
            "≤ 1.5×",
        ),
        (
            "`topic=ai,climate` (two lists merged) and `/feeds/atom?topic=ai&limit=50`, 10k vs 1k articles",
            f"{q[10000, 'topics']['own_ms']:.2f} / {q[10000, 'feed']['own_ms']:.2f} ms; "
            f"{q[10000, 'topics']['items_read']} / {q[10000, 'feed']['items_read']} items read",
            "the same requests at 1k",
            f"{own['topics']:.2f}× / {own['feed']:.2f}×",
            "≤ 1.5×",
        ),
        (
            "`q=batteries` / `q=battery robot` (search index), 10k vs 1k articles (own time)",
            f"{q[10000, 'search']['own_ms']:.2f} / {q[10000, 'search2']['own_ms']:.2f} ms; "
            f"{q[10000, 'search']['items_read']} / {q[10000, 'search2']['items_read']} items read",
            "the same requests at 1k",
            f"{own['search']:.2f}× / {own['search2']:.2f}×",
            "≤ 1.5×",
        ),
        (
            "`q=battery robot`, 10k articles, vs the tutorial way (the feed read with a contains check)",
            f"{q[10000, 'search2']['total_ms']:.0f} ms, {q[10000, 'search2']['items_read']} items read",
            f"{q[10000, 'tutorial']['total_ms']:.0f} ms, {q[10000, 'tutorial']['items_read']} items read",
            f"{q[10000, 'tutorial']['total_ms'] / q[10000, 'search2']['total_ms']:.1f}× faster, "
            f"{q[10000, 'tutorial']['items_read'] / q[10000, 'search2']['items_read']:.0f}× fewer reads",
            "–",
        ),
        (
            "ingest, per file",
            f"{sum(cost['requests_per_file'].values()):.0f} requests, {cost['items_per_article']:.0f} items, "
            f"{cost['write_units_per_article']:.1f} write units; {f['memory']['all_events_mib']:.0f} MiB peak over "
            f"{f['memory']['files']} files; the search index adds {cost['index_write_units_per_article']:.0f} "
            f"write units ({cost['index_items_per_article']:.0f} items)",
            "–",
            "–",
            "minimal for the guarantees",
        ),
        (
            "worst files within 1 MiB (docs/performance.md lists them)",
            f"at most {slowest['ms'] / 1000:.2f} s ({slowest['file'].strip()}) and {biggest:.0f} MiB",
            f"the example article: {worst['baseline_ms']:.0f} ms, {worst['baseline_mib']:.0f} MiB",
            f"{biggest / worst['function_mib']:.0%} of the ingest function's {worst['function_mib']} MB",
            "in seconds, within memory",
        ),
        (
            "reading the cursor secret at cold start",
            "0 calls (resolved at deploy)",
            f"Secrets Manager client + GetSecretValue: +{secret['with_call_ms'] - secret['boto3_ms']:.0f} ms",
            "–",
            "–",
        ),
    ]
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def _replace_between(path: str, marker: str, text: str) -> None:
    file = ROOT / path
    start, end = f"<!-- {marker}:start (written by make bench) -->", f"<!-- {marker}:end -->"
    content = file.read_text()
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    if not pattern.search(content):
        raise SystemExit(f"{path}: the markers {start} … {end} are missing")
    file.write_text(pattern.sub(lambda _: f"{start}\n{text}\n{end}", content))


if __name__ == "__main__":
    sys.exit(main())
