"""`make bench`: every figure with its baseline and ratio, in one run."""

from __future__ import annotations

import os
import sys

from bench import bytecode, cold_start, ingest_cost, parse, query_cost, worst_files
from bench.emulator import emulator


def main() -> int:
    runs = int(os.environ.get("BENCH_RUNS", "15"))
    with emulator() as (endpoint, s3, _dynamodb):
        print(
            f"Cold start: fresh process, import + one request, time to the answer, vs boto3 + same clients + same "
            f"calls ({runs} alternating rounds, median of pairwise ratios; goal <= 1.25x)"
        )
        for row in cold_start.measure(endpoint, s3, runs):
            print(
                f"  {row['function']:<15} handler {row['handler_ms']:5.0f} ms  floor {row['floor_ms']:5.0f} ms  "
                f"ratio {row['ratio']:.2f}x  (to exit {row['exit_ratio']:.2f}x)   "
                f"peak RSS {row['handler_mib']:.0f} MiB vs {row['floor_mib']:.0f} MiB"
            )
            print(
                f"  {'':<15} libraries alone {row['libraries_ms']:5.0f} ms = {row['libraries_ratio']:.2f}x the floor; "
                f"handler vs libraries alone {row['own_ratio']:.2f}x"
            )
        memory = cold_start.batch_memory(endpoint, s3)
        print(
            f"  IngestFunction peak RSS over {memory['files']} files of the example's size in one process "
            f"(10 records per event): {memory['first_event_mib']:.0f} MiB after the first event, "
            f"{memory['all_events_mib']:.0f} MiB after all"
        )
        secret = worst_files.cursor_secret_cost(endpoint)
        print(
            f"  Cursor secret: resolved by CloudFormation at deploy time, read from the environment: +0 calls. "
            f"Reading it at cold start instead would cost {secret['with_call_ms'] - secret['boto3_ms']:.0f} ms "
            f"(Secrets Manager client + GetSecretValue: {secret['with_call_ms']:.0f} ms vs boto3 alone "
            f"{secret['boto3_ms']:.0f} ms, {secret['with_call_ms'] / secret['boto3_ms']:.2f}x)"
        )
    worst = worst_files.measure()
    print(
        f"Worst files within the 1 MiB limit (fresh process, check as ingest does; baseline: the example article "
        f"{worst['baseline_ms']:.1f} ms, peak RSS {worst['baseline_mib']:.0f} MiB; the function has "
        f"{worst['function_mib']} MB):"
    )
    for row in worst["rows"]:
        print(
            f"  {row['file']:<58} {row['bytes'] / 1024:5.0f} KiB  {row['verdict']:<8} {row['ms']:7.1f} ms "
            f"({row['ms'] / worst['baseline_ms']:5.0f}x)  peak RSS {row['mib']:4.0f} MiB "
            f"({row['mib'] / worst['function_mib']:.0%} of the function's memory)"
        )
    print("Deployment package: import with no cache to write, as on Lambda's read-only file systems:")
    for row in bytecode.measure(max(5, runs // 3)):
        print(
            f"  {row['function']:<15} source only {row['source_ms']:5.0f} ms   with shipped bytecode "
            f"{row['compiled_ms']:5.0f} ms   {row['ratio']:.2f}x faster"
        )
    result = parse.measure(int(os.environ.get("BENCH_FILES", "3000")))
    print(
        f"Parse and validate {result['files']} files ({result['invalid']} invalid), whole processes, "
        f"{result['workers']} CPUs (goal >= 2x the baseline's speed):"
    )
    print(
        f"  articlectl validate {result['ours_ms_per_file']:.2f} ms/file   baseline (python-frontmatter + pydantic) "
        f"{result['baseline_ms_per_file']:.2f} ms/file   floor (libyaml alone) {result['floor_ms_per_file']:.2f} "
        f"ms/file   same verdicts: {result['same_verdicts']}"
    )
    print(
        f"  speed vs baseline {result['speedup']:.2f}x wall, {result['cpu_speedup']:.2f}x per CPU second "
        f"({result['ours_cpu_ms_per_file']:.2f} vs {result['baseline_cpu_ms_per_file']:.2f} CPU ms/file); "
        f"vs the floor {result['floor_speedup']:.2f}x wall"
    )
    print("Query cost (median handler time; own = outside DynamoDB; goal: own 10k/1k <= 1.5, items <= limit + 1):")
    rows = query_cost.measure()
    for row in rows:
        print(
            f"  {row['size']:>6} articles  {row['query']:<5} total {row['total_ms']:7.1f} ms  own "
            f"{row['own_ms']:5.2f} ms  items read {row['items_read']}"
        )
    for name in ("list", "topic"):
        small, large = (next(r for r in rows if r["size"] == size and r["query"] == name) for size in (1000, 10000))
        print(
            f"  {name}: own-time ratio 10k/1k {large['own_ms'] / small['own_ms']:.2f}x, "
            f"emulator-inclusive {large['total_ms'] / small['total_ms']:.1f}x"
        )
    cost = ingest_cost.measure()
    print(f"Ingest cost per file ({cost['files']} files of {cost['example_bytes']} bytes):")
    print(
        f"  requests {cost['requests_per_file']}   items {cost['items_per_article']:.1f}   "
        f"write units {cost['write_units_per_article']:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
