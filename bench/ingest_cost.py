"""Ingest cost per file: AWS requests and DynamoDB write units (from item sizes)
over a batch of files the size of the example. (Peak memory of a whole ingest
process is measured by the cold-start benchmark, apart from the emulator.)"""

from __future__ import annotations

import contextlib
import io
import math
import os
from collections import Counter
from typing import Any

import boto3

from bench import EXAMPLE, example_copy, handler_module


def item_bytes(item: dict[str, Any]) -> int:
    """DynamoDB's item size: attribute names plus values (numbers approximated by digits)."""
    size = 0
    for name, value in item.items():
        size += len(name.encode())
        ((kind, content),) = value.items()
        if kind == "S":
            size += len(content.encode())
        elif kind == "B":
            size += len(content)
        elif kind == "N":
            size += len(content) // 2 + 1
        elif kind in ("M", "L"):
            size += 3 + len(str(content).encode())
        else:
            size += 1
    return size


def measure(files: int = 100) -> dict[str, Any]:
    from moto import mock_aws

    from articlectl.template import create_bucket, create_table
    from bench.emulator import use_in_process_moto

    use_in_process_moto()
    with mock_aws():
        s3 = boto3.client("s3")
        dynamodb = boto3.client("dynamodb")
        create_bucket(s3, "articles", versioned=False)
        create_table(dynamodb, "articles")
        records = []
        for number in range(files):
            key = f"cost/{number:04d}.txt"
            data = example_copy(str(number)).encode()
            s3.put_object(Bucket="articles", Key=key, Body=data)
            records.append(
                {
                    "eventName": "ObjectCreated:Put",
                    "eventTime": "2026-11-26T00:00:00Z",
                    "s3": {"bucket": {"name": "articles"}, "object": {"key": key, "size": len(data)}},
                }
            )
        calls: Counter[str] = Counter()
        session = boto3.session.Session()
        session.events.register(
            "before-call", lambda model, **_: calls.update([model.service_model.service_name + ":" + model.name])
        )
        boto3.DEFAULT_SESSION = session
        ingest = handler_module("IngestFunction")
        ingest._dependencies.cache_clear()
        with contextlib.redirect_stdout(io.StringIO()):  # the function's log and metric lines
            for start in range(0, files, 10):  # S3 sends up to 10 records per event at most in bursts
                ingest.lambda_handler({"Records": records[start : start + 10]}, _Context())
        items = [
            item for page in dynamodb.get_paginator("scan").paginate(TableName="articles") for item in page["Items"]
        ]
        index = _index_cost(dynamodb, items)
    per_article: Counter[str] = Counter()
    write_units = 0.0
    for item in items:
        units = math.ceil(item_bytes(item) / 1024)
        kind = item["pk"]["S"].split("#")[0] + ("/" + item["sk"]["S"].split("#")[0] if "#" in item["sk"]["S"] else "")
        per_article[kind] += 1
        write_units += 2 * units  # transactional writes cost twice
        if "list_pk" in item:
            write_units += units  # and the ByList index is written too
    return {
        "files": files,
        "requests_per_file": {name: count / files for name, count in sorted(calls.items())},
        "write_units_per_article": write_units / files,
        "items_per_article": len(items) / files,
        "example_bytes": len(EXAMPLE.read_bytes()),
        "index_write_units_per_article": index["write_units"] / files,
        "index_items_per_article": index["items"] / files,
    }


def _index_cost(dynamodb: Any, stored: list[dict[str, Any]]) -> dict[str, float]:
    """The search index the stream function adds: its writes, by item size
    (postings and index states), plus one update per term statistic it touched."""
    from articlectl.stream import StreamReader, streams_client

    updates: Counter[str] = Counter()
    session = boto3.session.Session()
    session.events.register("before-call.dynamodb.UpdateItem", lambda **_: updates.update(["stats"]))
    boto3.DEFAULT_SESSION = session
    reader = StreamReader(dynamodb, streams_client(), "articles")
    boto3.client("events").create_event_bus(Name="bench-events")
    os.environ["EVENT_BUS_NAME"] = "bench-events"
    stream = handler_module("StreamFunction")
    stream._dependencies.cache_clear()
    with contextlib.redirect_stdout(io.StringIO()):
        while records := reader.batch()["Records"]:
            stream.lambda_handler({"Records": records}, _Context())
    known = {(item["pk"]["S"], item["sk"]["S"]) for item in stored}
    after = [item for page in dynamodb.get_paginator("scan").paginate(TableName="articles") for item in page["Items"]]
    added = [item for item in after if (item["pk"]["S"], item["sk"]["S"]) not in known and item["sk"]["S"] != "STATS"]
    units = sum(math.ceil(item_bytes(item) / 1024) for item in added)
    return {"write_units": units + updates["stats"], "items": len(added)}


class _Context:
    function_name = "IngestFunction"
    memory_limit_in_mb = 512
    aws_request_id = "bench"
    invoked_function_arn = "arn:aws:lambda:us-east-1:000000000000:function:IngestFunction"
