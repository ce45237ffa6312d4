"""A competing write lands between ingest's reads and its transaction (a botocore
hook runs it just before TransactWriteItems): the transaction's conditions must
notice, so that no list entry is orphaned, no counter goes wrong and no update
is lost. Events without a sequencer (`articlectl reindex`) pass the ingestion
record's ordering condition, so the article's revision condition is their only
guard."""

from __future__ import annotations

import boto3
import pytest

from article_feed.aws_clients import aws_client
from article_feed.domain.errors import ConcurrentWrite
from article_feed.domain.records import ObjectEvent
from article_feed.dynamo.writer import ArticleWriter
from article_feed.ingest import IngestSettings, ingest_object_event
from article_feed.s3 import S3ObjectReader
from tests.corpus import render
from tests.support.aws import BUCKET, on_aws_calls, stored_article

KEY = "a/story.md"


def version(topic: str) -> bytes:
    fields = {"title": f"About {topic}", "webUrl": "https://e.com/story", "publishedDateTime": "2021-01-01T00:00:00Z"}
    return render(fields | {"topics": [topic]}, "")


def reindex_event() -> ObjectEvent:
    return ObjectEvent(BUCKET, KEY, True, None, None, None, None)


def ingest_with(session: boto3.session.Session | None, stack) -> str:
    """One ingest run with its own clients (None: the default session, with the test's hooks)."""
    reader = S3ObjectReader(aws_client("s3", session))
    writer = ArticleWriter(aws_client("dynamodb", session), stack.table)
    return ingest_object_event(reindex_event(), reader, writer, IngestSettings()).outcome


def topic_state(stack) -> tuple[set[str], dict[str, int]]:
    """The topic lists holding the article, and the topic counters."""
    items = stack.items()
    entries = {item["list_pk"]["S"] for item in items if item["sk"]["S"].startswith("IDX#TOPIC#")}
    counters = {item["sk"]["S"]: int(item["n"]["N"]) for item in items if item["pk"]["S"] == "COUNT#TOPIC"}
    return entries, counters


def test_a_reindex_overtaken_by_another_write_retries_and_leaves_no_orphan(stack, monkeypatch) -> None:
    stack.s3.put_object(Bucket=stack.bucket, Key=KEY, Body=version("X"))
    assert ingest_with(boto3.session.Session(), stack) == "accepted"
    stack.s3.put_object(Bucket=stack.bucket, Key=KEY, Body=version("Y"))

    def competing_write(**_: object) -> None:
        # The file changes again and another run applies it first.
        stack.s3.put_object(Bucket=stack.bucket, Key=KEY, Body=version("Z"))
        assert ingest_with(boto3.session.Session(), stack) == "accepted"

    calls = {"n": 0}

    def once(**kwargs: object) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            competing_write(**kwargs)

    on_aws_calls(monkeypatch, "before-call.dynamodb.TransactWriteItems", once)
    with pytest.raises(ConcurrentWrite):  # the invocation fails, and Lambda retries it
        ingest_with(boto3.DEFAULT_SESSION, stack)
    assert topic_state(stack) == ({"TOPIC#z"}, {"x": 0, "z": 1})

    assert ingest_with(boto3.DEFAULT_SESSION, stack) == "accepted"  # the retry applies what S3 holds now
    assert stored_article(stack, "story").document["topics"] == ["Z"]
    assert topic_state(stack) == ({"TOPIC#z"}, {"x": 0, "z": 1})


def test_misreading_which_condition_cancelled_the_transaction_would_lose_an_update(stack, monkeypatch) -> None:
    """An upload's event (with a sequencer) is overtaken by a run that read an older
    version: the transaction fails on the article's revision, not on the record's
    order. Read as "stale", the event would be dropped and S3's newest version
    never served; read right, Lambda's retry applies it."""

    def run(event: ObjectEvent, session: boto3.session.Session | None) -> str:
        reader = S3ObjectReader(aws_client("s3", session))
        writer = ArticleWriter(aws_client("dynamodb", session), stack.table)
        return ingest_object_event(event, reader, writer, IngestSettings()).outcome

    def upload(topic: str) -> str:
        return str(stack.s3.put_object(Bucket=stack.bucket, Key=KEY, Body=version(topic))["VersionId"])

    first = upload("W")
    assert run(ObjectEvent(BUCKET, KEY, True, "0A", version_id=first), boto3.session.Session()) == "accepted"
    older = upload("X")  # its run reads this version, then stalls
    newest = upload("Y")
    calls = {"n": 0}

    def older_run_lands_first(**_: object) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            assert run(ObjectEvent(BUCKET, KEY, True, None, version_id=older), boto3.session.Session()) == "accepted"

    on_aws_calls(monkeypatch, "before-call.dynamodb.TransactWriteItems", older_run_lands_first)
    newest_event = ObjectEvent(BUCKET, KEY, True, "0C", version_id=newest)
    for _attempt in range(3):  # Lambda retries a failed invocation
        try:
            run(newest_event, boto3.DEFAULT_SESSION)
            break
        except ConcurrentWrite:
            continue
    assert stored_article(stack, "story").document["topics"] == ["Y"], "the newest upload was lost"
    assert topic_state(stack) == ({"TOPIC#y"}, {"w": 0, "x": 0, "y": 1})
