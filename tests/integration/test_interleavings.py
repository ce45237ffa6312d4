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
from tests.support.aws import BUCKET, ingestion, on_aws_calls, stored_article

KEY = "a/story.md"


def version(topic: str) -> bytes:
    fields = {"title": f"About {topic}", "webUrl": "https://e.com/story", "publishedDateTime": "2021-01-01T00:00:00Z"}
    return render(fields | {"topics": [topic]}, "")


def reindex_event() -> ObjectEvent:
    return ObjectEvent(BUCKET, KEY, True, None, None, None, None)


def _run(stack, event: ObjectEvent, session: boto3.session.Session | None) -> str:
    """One ingest run with its own clients (the default session: with the test's hooks)."""
    reader = S3ObjectReader(aws_client("s3", session))
    writer = ArticleWriter(aws_client("dynamodb", session), stack.table)
    return ingest_object_event(event, reader, writer, IngestSettings()).outcome


def ingest_with(session: boto3.session.Session | None, stack) -> str:
    return _run(stack, reindex_event(), session)


def _while_transacting(monkeypatch, competing) -> None:
    """Run `competing` once, just before the next TransactWriteItems of the default session."""
    calls = {"n": 0}

    def once(**_: object) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            competing()

    on_aws_calls(monkeypatch, "before-call.dynamodb.TransactWriteItems", once)


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

    def competing_write() -> None:
        # The file changes again and another run applies it first.
        stack.s3.put_object(Bucket=stack.bucket, Key=KEY, Body=version("Z"))
        assert ingest_with(boto3.session.Session(), stack) == "accepted"

    _while_transacting(monkeypatch, competing_write)
    with pytest.raises(ConcurrentWrite, match="ConditionalCheckFailed"):  # the invocation fails, and Lambda retries it
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

    def upload(topic: str) -> str:
        return str(stack.s3.put_object(Bucket=stack.bucket, Key=KEY, Body=version(topic))["VersionId"])

    first = upload("W")
    assert _run(stack, ObjectEvent(BUCKET, KEY, True, "0A", version_id=first), boto3.session.Session()) == "accepted"
    older = upload("X")  # its run reads this version, then stalls
    newest = upload("Y")

    def older_run_lands_first() -> None:
        assert (
            _run(stack, ObjectEvent(BUCKET, KEY, True, None, version_id=older), boto3.session.Session()) == "accepted"
        )

    _while_transacting(monkeypatch, older_run_lands_first)
    newest_event = ObjectEvent(BUCKET, KEY, True, "0C", version_id=newest)
    for _attempt in range(3):  # Lambda retries a failed invocation
        try:
            _run(stack, newest_event, boto3.DEFAULT_SESSION)
            break
        except ConcurrentWrite:
            continue
    assert stored_article(stack, "story").document["topics"] == ["Y"], "the newest upload was lost"
    assert topic_state(stack) == ({"TOPIC#y"}, {"w": 0, "x": 0, "y": 1})


def test_an_event_overtaken_by_a_later_one_of_its_key_is_stale_and_changes_nothing(stack, monkeypatch) -> None:
    """Both events read no ordering state; the later one lands first. Without the
    record's ordering condition the older upload would overwrite the newer."""
    older = str(stack.s3.put_object(Bucket=stack.bucket, Key=KEY, Body=version("X"))["VersionId"])
    newer = str(stack.s3.put_object(Bucket=stack.bucket, Key=KEY, Body=version("Y"))["VersionId"])

    def later_event_lands() -> None:
        assert (
            _run(stack, ObjectEvent(BUCKET, KEY, True, "0B", version_id=newer), boto3.session.Session()) == "accepted"
        )

    _while_transacting(monkeypatch, later_event_lands)
    assert _run(stack, ObjectEvent(BUCKET, KEY, True, "0A", version_id=older), boto3.DEFAULT_SESSION) == "stale"
    assert stored_article(stack, "story").document["topics"] == ["Y"]
    assert topic_state(stack) == ({"TOPIC#y"}, {"y": 1})
    assert ingestion(stack, KEY)["sequencer"] == "0B"


def _reject_version() -> bytes:
    return render({"title": "No URL", "publishedDateTime": "2021-01-01T00:00:00Z"}, "")


@pytest.mark.parametrize("kind", ["upload", "rejected upload", "delete"])
def test_one_event_delivered_twice_at_once_is_applied_once(stack, monkeypatch, kind) -> None:
    """S3 may deliver an event twice, and two invocations may run it together: the
    second to write finds its own sequencer applied and drops the event as stale."""
    first = str(stack.s3.put_object(Bucket=stack.bucket, Key=KEY, Body=version("W"))["VersionId"])
    assert _run(stack, ObjectEvent(BUCKET, KEY, True, "0A", version_id=first), boto3.session.Session()) == "accepted"
    if kind == "delete":
        stack.s3.delete_object(Bucket=stack.bucket, Key=KEY)
        event, applied = ObjectEvent(BUCKET, KEY, False, "0B"), "deleted"
    else:
        body = version("X") if kind == "upload" else _reject_version()
        latest = str(stack.s3.put_object(Bucket=stack.bucket, Key=KEY, Body=body)["VersionId"])
        event, applied = (
            ObjectEvent(BUCKET, KEY, True, "0B", version_id=latest),
            "accepted" if kind == "upload" else "rejected",
        )

    def the_other_delivery_lands() -> None:
        assert _run(stack, event, boto3.session.Session()) == applied

    _while_transacting(monkeypatch, the_other_delivery_lands)
    assert _run(stack, event, boto3.DEFAULT_SESSION) == "stale"
    assert ingestion(stack, KEY)["status"] == applied
    assert ingestion(stack, KEY)["sequencer"] == "0B"
    expected_topics = {"upload": ({"TOPIC#x"}, {"w": 0, "x": 1}), "rejected upload": ({"TOPIC#w"}, {"w": 1})}
    assert topic_state(stack) == expected_topics.get(kind, (set(), {"w": 0}))


def test_a_delete_overtaken_by_another_write_retries_and_removes_every_entry(stack, monkeypatch) -> None:
    """The delete read the article with topic X; a run that read version Z of the
    file before it was removed lands first. The article's revision condition makes
    the delete retry, so that it removes Z's entries too."""
    created = str(stack.s3.put_object(Bucket=stack.bucket, Key=KEY, Body=version("X"))["VersionId"])
    assert _run(stack, ObjectEvent(BUCKET, KEY, True, "0A", version_id=created), boto3.session.Session()) == "accepted"
    changed = str(stack.s3.put_object(Bucket=stack.bucket, Key=KEY, Body=version("Z"))["VersionId"])
    stack.s3.delete_object(Bucket=stack.bucket, Key=KEY)

    def the_change_lands() -> None:
        change = ObjectEvent(BUCKET, KEY, True, None, version_id=changed)
        assert _run(stack, change, boto3.session.Session()) == "accepted"

    _while_transacting(monkeypatch, the_change_lands)
    delete = ObjectEvent(BUCKET, KEY, False, "0B")
    with pytest.raises(ConcurrentWrite):
        _run(stack, delete, boto3.DEFAULT_SESSION)
    assert _run(stack, delete, boto3.DEFAULT_SESSION) == "deleted"
    assert stored_article(stack, "story") is None
    assert topic_state(stack) == (set(), {"x": 0, "z": 0})
