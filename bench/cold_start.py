"""Cold start: a fresh process that imports a handler and answers one request,
versus the floor: a fresh process that imports boto3, creates the same clients
and makes the same AWS calls. Runs alternate; the figure is the median of the
pairwise ratios."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from articlectl.template import function_location

ROOT = Path(__file__).resolve().parent.parent

HANDLER = """
import json, sys
sys.path[:0] = {paths!r}
from {module} import {function} as handler
class Context:
    function_name = {name!r}; memory_limit_in_mb = 512; aws_request_id = "bench"
    invoked_function_arn = "arn:aws:lambda:us-east-1:000000000000:function:" + {name!r}
answer = handler(json.loads(open(sys.argv[1]).read()), Context())
assert {check}, answer
print(next(l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM")))
"""

API_FLOOR = """
import boto3
client = boto3.client("dynamodb")
client.get_item(TableName="articles", Key={"pk": {"S": "ARTICLE#unknown-id"}, "sk": {"S": "A"}})
print(next(l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM")))
"""

INGEST_FLOOR = """
import json, sys
import boto3
s3 = boto3.client("s3"); dynamodb = boto3.client("dynamodb")
key = json.loads(open(sys.argv[1]).read())["Records"][0]["s3"]["object"]["key"]
for pk in ("INGEST#" + key, "ARTICLE#x", "URL#x"):
    dynamodb.get_item(TableName="articles", Key={"pk": {"S": pk}, "sk": {"S": "A"}}, ConsistentRead=True)
s3.get_object(Bucket="articles", Key=key, Range="bytes=0-1048576")["Body"].read()
dynamodb.transact_write_items(TransactItems=[{"Put": {"TableName": "articles", "Item": {
    "pk": {"S": "FLOOR#" + key}, "sk": {"S": "A"}}}}])
print(next(l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM")))
"""

SMALL_ARTICLE = (
    b"---\ntitle: Cold start\nwebUrl: https://bench.example.com/{n}\npublishedDateTime: 2026-11-26T08:00:00Z\n"
    b"topics: [AI]\nprovider: {name: Bench, domain: bench.example.com}\n---\nBody\n"
)


def _run(script: str, argument: str, environment: dict[str, str], memory: list[int]) -> float:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", script, argument],
        env=environment,
        check=True,
        cwd=tempfile.gettempdir(),
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    memory.append(int(result.stdout.strip().splitlines()[-1]))
    return elapsed


def _environment(endpoint: str, function: str) -> dict[str, str]:
    environment = {name: value for name, value in os.environ.items() if not name.startswith(("POWERTOOLS", "AWS_"))}
    environment.update(
        AWS_ENDPOINT_URL=endpoint,
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_DEFAULT_REGION="us-east-1",
        TABLE_NAME="articles",
        POWERTOOLS_SERVICE_NAME="article-feed",
        POWERTOOLS_METRICS_NAMESPACE="ArticleFeed",
        AWS_LAMBDA_FUNCTION_NAME=function,
    )
    environment.pop("PYTHONPATH", None)
    return environment


def measure(endpoint: str, s3: object, runs: int) -> list[dict[str, object]]:
    """Median handler and floor times and the median pairwise ratio, per function."""
    results = []
    folder = Path(tempfile.mkdtemp())
    for function, check, floor in (
        ("ApiFunction", "answer['statusCode'] == 404", API_FLOOR),
        ("IngestFunction", "answer['outcomes'] == {'accepted': 1}", INGEST_FLOOR),
    ):
        code_dir, handler, layers = function_location(function)
        module, _, name = handler.rpartition(".")
        script = HANDLER.format(
            paths=[str(code_dir), *map(str, layers)], module=module, function=name, name=function, check=check
        )
        environment = _environment(endpoint, function)
        handler_times, floor_times = [], []
        handler_memory: list[int] = []
        floor_memory: list[int] = []
        for run in range(runs + 1):  # the first pair warms the OS file cache and is dropped
            event_path = folder / f"{function}-{run}.json"
            event_path.write_text(json.dumps(_event(function, run, s3)))
            pair = (
                _run(script, str(event_path), environment, handler_memory),
                _run(floor, str(event_path), environment, floor_memory),
            )
            if run:
                handler_times.append(pair[0])
                floor_times.append(pair[1])
        ratios = [h / f for h, f in zip(handler_times, floor_times, strict=True)]
        results.append(
            {
                "function": function,
                "handler_ms": statistics.median(handler_times) * 1000,
                "floor_ms": statistics.median(floor_times) * 1000,
                "ratio": statistics.median(ratios),
                "runs": runs,
                "handler_mib": statistics.median(handler_memory) / 1024,
                "floor_mib": statistics.median(floor_memory) / 1024,
            }
        )
    return results


def _event(function: str, run: int, s3: object) -> dict[str, object]:
    events = ROOT / "events"
    if function == "ApiFunction":
        event = json.loads((events / "apigw_get_article.json").read_text())
        event["path"] = "/articles/unknown-id"
        event["pathParameters"] = {"proxy": "articles/unknown-id"}
        return event
    key = f"bench/cold_{run}.md"
    data = SMALL_ARTICLE.replace(b"{n}", str(run).encode())
    s3.put_object(Bucket="articles", Key=key, Body=data)  # type: ignore[attr-defined]
    event = json.loads((events / "s3_put_article.json").read_text())
    record = event["Records"][0]
    record["s3"]["object"] = {"key": key, "size": len(data), "eTag": "bench"}
    return event
