"""Faults and disorder converge: the table ends exactly as a clean, in-order run leaves it."""

from __future__ import annotations

import importlib
import json
import random
import zlib
from typing import Any

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError

from articlectl.lambdas import LocalContext
from tests.corpus import render
from tests.support.aws import aws_error, emulated_stack, on_aws_calls, s3_record

CONTEXT = LocalContext("IngestFunction")


def normalized(stack) -> list[dict[str, Any]]:
    """Every item, without what legitimately differs between two runs (times, version ids, revisions)."""
    items = []
    for item in stack.items():
        plain = {name: value for name, value in item.items() if name not in ("ingested_at", "rev")}
        if "record" in plain:
            record = json.loads(plain["record"]["S"])
            for volatile in ("processedAt", "versionId"):
                record.pop(volatile, None)
            plain["record"] = record
        if "summary" in plain:
            summary = json.loads(zlib.decompress(plain["summary"]["B"]))
            summary.pop("ingestedAt", None)
            plain["summary"] = summary
        if "doc" in plain:
            plain["doc"] = json.loads(zlib.decompress(plain["doc"]["B"]))
        items.append(plain)
    return items


def article(number: int, version: int, topics: list[str]) -> bytes:
    return render(
        {
            "title": f"Story {number} v{version}",
            "webUrl": f"https://news.example.com/{number}/{version % 2}",
            "publishedDateTime": f"2020-01-{1 + number % 28:02d}T{version % 24:02d}:00:00Z",
            "topics": topics,
            "provider": {"name": f"Provider {number % 3}", "domain": f"p{number % 3}.example.com"},
        },
        f"body {number} {version}\n",
    )


@pytest.fixture
def ingest():
    module = importlib.import_module("ingest_function.handler")
    module._dependencies.cache_clear()
    yield module
    module._dependencies.cache_clear()


def put(stack, key: str, data: bytes, sequencer: str) -> dict[str, Any]:
    response = stack.s3.put_object(Bucket=stack.bucket, Key=key, Body=data)
    return s3_record(
        key, size=len(data), etag=response["ETag"].strip('"'), version_id=response["VersionId"], sequencer=sequencer
    )


FAULTS = {
    "throttling": lambda operation: aws_error("ThrottlingException", 400, operation),
    "server_error": lambda operation: aws_error("InternalServerError", 500, operation),
    "connection": lambda operation: EndpointConnectionError(endpoint_url="https://dynamodb.us-east-1.amazonaws.com"),
}
# Every AWS call of one ingest, in order: the ingestion record, the object, the
# article (id owner, revision), then the one transaction that writes (and checks
# the URL claim).
STEPS = [
    ("dynamodb", "GetItem", 1),
    ("s3", "GetObject", 1),
    ("dynamodb", "GetItem", 2),
    ("dynamodb", "TransactWriteItems", 1),
]


def inject(monkeypatch, service: str, operation: str, nth: int, fault) -> list[str]:
    """Make the nth call of an operation fail, as it would once botocore's retries are spent."""
    seen: list[str] = []

    def maybe_fail(**kwargs) -> None:
        seen.append(operation)
        if len(seen) == nth:
            raise fault(operation)

    on_aws_calls(monkeypatch, f"before-call.{service}.{operation}", maybe_fail)
    return seen


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize(("service", "operation", "nth"), STEPS, ids=[f"{s[1]}#{s[2]}" for s in STEPS])
@pytest.mark.parametrize("update", [False, True], ids=["create", "update"])
def test_fault_at_any_step_fails_then_replay_converges(
    ingest, monkeypatch, service, operation, nth, fault, update
) -> None:
    states = []
    for faulty in (False, True):
        with emulated_stack() as stack:
            monkeypatch.setattr(boto3, "DEFAULT_SESSION", boto3.session.Session())
            ingest._dependencies.cache_clear()
            if update:
                first = put(stack, "a/story.md", article(1, 1, ["AI", "Robots"]), "0001")
                ingest.lambda_handler({"Records": [first]}, CONTEXT)
            event = {"Records": [put(stack, "a/story.md", article(1, 2, ["Climate"]), "0002")]}
            if faulty:
                calls = inject(monkeypatch, service, operation, nth, FAULTS[fault])
                ingest._dependencies.cache_clear()
                before = normalized(stack)
                with pytest.raises(ingest.IngestFailed):
                    ingest.lambda_handler(event, CONTEXT)
                assert len(calls) >= nth, "the fault was reached"
                assert normalized(stack) == before, "a failed invocation changes nothing"
                monkeypatch.setattr(boto3, "DEFAULT_SESSION", boto3.session.Session())
                ingest._dependencies.cache_clear()
            assert ingest.lambda_handler(event, CONTEXT) == {"outcomes": {"accepted": 1}}
            states.append(normalized(stack))
    assert states[0] == states[1]


def test_burst_of_500_uploads_with_duplicates_and_reordering_converges(ingest) -> None:
    randomness = random.Random(20261126)
    keys = [f"burst/{number:03d}.md" for number in range(20)]
    plan: list[tuple[str, bytes | None]] = []  # (key, data or None for a delete)
    for upload in range(500):
        key = randomness.choice(keys)
        number = int(key[6:9])
        if randomness.random() < 0.12:
            plan.append((key, None))
        else:
            topics = randomness.sample(["AI", "Climate", "Robots", "Energy", "Space"], randomness.randint(0, 3))
            plan.append((key, article(number, upload, topics)))

    def run(order) -> list[dict[str, Any]]:
        with emulated_stack() as stack:
            ingest._dependencies.cache_clear()
            records = []
            for step, (key, data) in enumerate(plan):
                sequencer = f"{step + 1:012X}"
                if data is None:
                    stack.s3.delete_object(Bucket=stack.bucket, Key=key)
                    records.append(s3_record(key, created=False, sequencer=sequencer))
                else:
                    records.append(put(stack, key, data, sequencer))
            for batch in order(records):
                ingest.lambda_handler({"Records": batch}, CONTEXT)
            return normalized(stack)

    def in_order(records):
        return [[record] for record in records]

    def shuffled_with_duplicates(records):
        delivered = records + randomness.sample(records, 60)
        randomness.shuffle(delivered)
        return [delivered[start : start + 5] for start in range(0, len(delivered), 5)]

    expected = run(in_order)
    assert any("list_pk" in item for item in expected), "the burst left articles to compare"
    assert run(shuffled_with_duplicates) == expected
    deletes = sum(data is None for _, data in plan)
    print(
        f"\nburst: {len(plan)} uploads and deletes ({deletes} deletes) on {len(keys)} keys; "
        f"{len(plan) + 60} events delivered shuffled in batches of 5 (60 duplicates); "
        f"{len(expected)} items compared, all equal"
    )
