"""Cold start: a fresh process that imports a handler and answers one request,
versus the floor: a fresh process that imports boto3, creates the same clients
and makes the same AWS calls. Runs alternate; the figure is the median of the
pairwise ratios.

A third process, "libraries", answers the same request with nothing of ours but
the libraries the handler must use (powertools' resolver with validation, or
Logger, Metrics and the S3 event class, pydantic and libyaml): the least any
handler built on them can reach, which tells the project's own share apart."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from articlectl.template import function_environment, function_location, resource
from bench import ROOT, example_copy

# Lines the measured scripts share: the Lambda context, and the peak memory (KiB)
# printed right after the answer, which tells the parent when the answer came.
PEAK_KIB = 'int(next(l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM")))'
ANSWERED = f'print("answered", {PEAK_KIB}, flush=True)\n'
CONTEXT = """
class Context:
    function_name = {name!r}; memory_limit_in_mb = {memory}; aws_request_id = "bench"
    invoked_function_arn = "arn:aws:lambda:us-east-1:000000000000:function:" + {name!r}
"""

HANDLER = """
import json, sys
sys.path[:0] = {paths!r}
from {module} import {function} as handler
{context}
answer = handler(json.loads(open(sys.argv[1]).read()), Context())
assert {check}, answer
"""

API_FLOOR = """
import boto3
client = boto3.client("dynamodb")
client.get_item(TableName="articles", Key={"pk": {"S": "ARTICLE#unknown-id"}, "sk": {"S": "A"}})
"""

# The same calls as the ingest handler: ingestion record, object, article, one transaction.
INGEST_FLOOR = """
import json, sys
import boto3
s3 = boto3.client("s3"); dynamodb = boto3.client("dynamodb")
key = json.loads(open(sys.argv[1]).read())["Records"][0]["s3"]["object"]["key"]
dynamodb.get_item(TableName="articles", Key={"pk": {"S": "INGEST#" + key}, "sk": {"S": "R"}}, ConsistentRead=True)
s3.get_object(Bucket="articles", Key=key, Range="bytes=0-1048576")["Body"].read()
dynamodb.get_item(TableName="articles", Key={"pk": {"S": "ARTICLE#x"}, "sk": {"S": "A"}}, ConsistentRead=True)
dynamodb.transact_write_items(TransactItems=[{"Put": {"TableName": "articles", "Item": {
    "pk": {"S": "FLOOR#" + key}, "sk": {"S": "A"}}}}])
"""

API_LIBRARIES = """
import json, sys
import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
logger = Logger()
app = APIGatewayRestResolver(enable_validation=True)
client = boto3.client("dynamodb")
@app.get("/articles/<article_id>")
def get_article(article_id: str):
    item = client.get_item(TableName="articles", Key={"pk": {"S": "ARTICLE#" + article_id}, "sk": {"S": "A"}})
    return Response(status_code=404 if "Item" not in item else 200, content_type="application/json", body="{}")
@logger.inject_lambda_context
def handler(event, context):
    return app.resolve(event, context)
{context}
assert handler(json.loads(open(sys.argv[1]).read()), Context())["statusCode"] == 404
"""

INGEST_LIBRARIES = """
import json, sys
from datetime import datetime
import boto3, yaml
from pydantic import BaseModel
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.utilities.data_classes import S3Event, event_source
logger, metrics = Logger(), Metrics()
s3 = boto3.client("s3"); dynamodb = boto3.client("dynamodb")
class Front(BaseModel):
    title: str
    webUrl: str
    publishedDateTime: datetime
@metrics.log_metrics
@logger.inject_lambda_context
@event_source(data_class=S3Event)
def handler(event, context):
    key = next(event.records).s3.get_object.key
    dynamodb.get_item(TableName="articles", Key={"pk": {"S": "INGEST#" + key}, "sk": {"S": "R"}}, ConsistentRead=True)
    text = s3.get_object(Bucket="articles", Key=key, Range="bytes=0-1048576")["Body"].read().decode()
    Front.model_validate(yaml.load(text.split("---")[1], Loader=yaml.CSafeLoader))
    dynamodb.get_item(TableName="articles", Key={"pk": {"S": "ARTICLE#x"}, "sk": {"S": "A"}}, ConsistentRead=True)
    dynamodb.transact_write_items(TransactItems=[{"Put": {"TableName": "articles", "Item": {
        "pk": {"S": "LIBRARIES#" + key}, "sk": {"S": "A"}}}}])
{context}
handler(json.loads(open(sys.argv[1]).read()), Context())
"""

SMALL_ARTICLE = (
    b"---\ntitle: Cold start\nwebUrl: https://bench.example.com/{n}\npublishedDateTime: 2026-11-26T08:00:00Z\n"
    b"topics: [AI]\nprovider: {name: Bench, domain: bench.example.com}\n---\nBody\n"
)


def _run(script: str, argument: str, environment: dict[str, str], memory: list[int]) -> tuple[float, float]:
    """Seconds until the process has answered (it prints its peak memory right
    after), and until it has exited. A Lambda container is frozen, not shut down,
    after a request, so the answer is what a cold start costs; the exit is shown
    for comparison only."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", script, argument],
        env=environment,
        cwd=tempfile.gettempdir(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    answer_line = ""
    for line in process.stdout:  # the handler's own log lines come first
        if line.startswith("answered "):
            answer_line = line
            break
    answered = time.perf_counter() - started
    _, errors = process.communicate()
    exited = time.perf_counter() - started
    if process.returncode or not answer_line.strip():
        raise RuntimeError(f"cold-start run failed ({process.returncode}): {errors[-2000:]}")
    memory.append(int(answer_line.split()[1]))
    return answered, exited


def _environment(endpoint: str, function: str) -> dict[str, str]:
    """The function's environment from the template, pointed at the emulator; the
    same for the handler, the floor and the libraries processes."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("POWERTOOLS", "AWS_", "PYDANTIC")) and name != "PYTHONPATH"
    }
    environment.update(
        function_environment(
            function,
            TABLE_NAME="articles",
            POWERTOOLS_TRACE_DISABLED="true",  # the template's default (TraceAwsCalls=false)
            POWERTOOLS_LOG_LEVEL="INFO",
        )
    )
    environment.update(
        AWS_ENDPOINT_URL=endpoint,
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_LAMBDA_FUNCTION_NAME=function,
    )
    if function == "ApiFunction":  # as on AWS: the template's secret, resolved at deploy time
        environment["CURSOR_SECRET"] = "c" * 64
    return environment


def measure(endpoint: str, s3: object, runs: int) -> list[dict[str, object]]:
    """Median times to the answer and median pairwise ratios, per function."""
    results = []
    folder = Path(tempfile.mkdtemp())
    for function, check, floor, libraries in (
        ("ApiFunction", "answer['statusCode'] == 404", API_FLOOR, API_LIBRARIES),
        ("IngestFunction", "answer['outcomes'] == {'accepted': 1}", INGEST_FLOOR, INGEST_LIBRARIES),
    ):
        code_dir, handler, layers = function_location(function)
        module, _, name = handler.rpartition(".")
        context = _context(function)
        handler_script = HANDLER.format(
            paths=[str(code_dir), *map(str, layers)], module=module, function=name, context=context, check=check
        )
        scripts = {
            "handler": handler_script + ANSWERED,
            "floor": floor + ANSWERED,
            "libraries": libraries.replace("{context}", context) + ANSWERED,
        }
        environment = _environment(endpoint, function)
        times: dict[str, list[tuple[float, float]]] = {"handler": [], "floor": [], "libraries": []}
        memory: dict[str, list[int]] = {"handler": [], "floor": [], "libraries": []}
        for run in range(runs + 1):  # the first round warms the OS file cache and is dropped
            event_path = folder / f"{function}-{run}.json"
            event_path.write_text(json.dumps(_event(function, run, s3)))
            for kind, code in scripts.items():
                timing = _run(code, str(event_path), environment, memory[kind])
                if run:
                    times[kind].append(timing)

        results.append(
            {
                "function": function,
                "handler_ms": statistics.median(answered for answered, _ in times["handler"]) * 1000,
                "floor_ms": statistics.median(answered for answered, _ in times["floor"]) * 1000,
                "libraries_ms": statistics.median(answered for answered, _ in times["libraries"]) * 1000,
                "ratio": _median_ratio(times["handler"], times["floor"]),
                "libraries_ratio": _median_ratio(times["libraries"], times["floor"]),
                "own_ratio": _median_ratio(times["handler"], times["libraries"]),
                "exit_ratio": _median_ratio(times["handler"], times["floor"], moment=1),
                "handler_mib": statistics.median(memory["handler"][1:]) / 1024,
                "floor_mib": statistics.median(memory["floor"][1:]) / 1024,
            }
        )
    return results


BATCH = """
import json, sys
sys.path[:0] = {paths!r}
from ingest_function.handler import lambda_handler
{context}
peaks = []
for event in json.loads(open(sys.argv[1]).read()):
    assert lambda_handler(event, Context())["outcomes"] == {{"accepted": len(event["Records"])}}
    peaks.append({peak})
print("answered", peaks[0], peaks[-1], flush=True)
"""


def _context(function: str) -> str:
    """The Lambda context class, with the function's memory size from the template."""
    memory = resource(function)["Properties"].get("MemorySize", 128)
    return CONTEXT.format(name=function, memory=memory)


def batch_memory(endpoint: str, s3: Any, files: int = 100) -> dict[str, float]:
    """Peak RSS of one ingest process (a warm container) after its first event
    and after all of them: `files` files of the example's size, 10 records per event."""
    records = []
    for number in range(files):
        key = f"bench/batch_{number:04d}.txt"
        data = example_copy(f"b{number}").encode()
        s3.put_object(Bucket="articles", Key=key, Body=data)
        record = json.loads((ROOT / "events" / "s3_put_article.json").read_text())["Records"][0]
        record["s3"]["object"] = {"key": key, "size": len(data), "eTag": "bench"}
        record["s3"]["object"].pop("sequencer", None)
        records.append(record)
    events = [{"Records": records[start : start + 10]} for start in range(0, files, 10)]
    event_path = Path(tempfile.mkdtemp()) / "batch.json"
    event_path.write_text(json.dumps(events))
    code_dir, _, layers = function_location("IngestFunction")
    script = BATCH.format(paths=[str(code_dir), *map(str, layers)], context=_context("IngestFunction"), peak=PEAK_KIB)
    process = subprocess.run(
        [sys.executable, "-c", script, str(event_path)],
        env=_environment(endpoint, "IngestFunction"),
        cwd=tempfile.gettempdir(),
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(line for line in process.stdout.splitlines() if line.startswith("answered "))
    first, last = (int(value) / 1024 for value in line.split()[1:])
    return {"files": files, "first_event_mib": first, "all_events_mib": last}


def _median_ratio(over: list[tuple[float, float]], under: list[tuple[float, float]], moment: int = 0) -> float:
    """Median of the pairwise ratios (runs alternate, so each pair shares the machine's mood)."""
    return statistics.median(a[moment] / b[moment] for a, b in zip(over, under, strict=True))


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
