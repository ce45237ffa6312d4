"""Change events as a consumer receives them: a rule on the stack's bus sends every
event to an SQS queue, and the test reads the queue (SPEC "Change events")."""

from __future__ import annotations

import io
import json

import boto3
import pytest

from articlectl.lambdas import LocalContext
from tests.corpus import render
from tests.support.api import handlers_on_stack
from tests.support.aws import deliver_stream, on_aws_calls, s3_record, stream_handler, upload_files

KEY = "news/sodium.md"
FIELDS = {
    "title": "Sodium batteries leave the lab",
    "webUrl": "https://example.com/sodium",
    "publishedDateTime": "2026-03-01T09:00:00Z",
    "topics": ["Energy", "Batteries"],
    "provider": {"name": "Example News", "domain": "example.com", "secured": "provider-secret"},
    "secured": "top-secret-token",
}


def article(**changes) -> bytes:
    return render({**FIELDS, **changes}, "Body.\n")


class Consumer:
    """A queue subscribed to every event of the bus, as the README shows."""

    def __init__(self, stack) -> None:
        self.sqs = boto3.client("sqs", region_name="us-east-1")
        self.url = self.sqs.create_queue(QueueName="consumer")["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=self.url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        pattern = {"source": ["article-feed"]}
        stack.events.put_rule(Name="all", EventBusName=stack.event_bus, EventPattern=json.dumps(pattern))
        stack.events.put_targets(Rule="all", EventBusName=stack.event_bus, Targets=[{"Id": "q", "Arn": arn}])

    def received(self) -> list[dict]:
        events = []
        while messages := self.sqs.receive_message(QueueUrl=self.url, MaxNumberOfMessages=10).get("Messages", []):
            for message in messages:
                events.append(json.loads(message["Body"]))
                self.sqs.delete_message(QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"])
        return events


def summary(events: list[dict]) -> list[tuple]:
    return [(e["detail-type"], e["detail"].get("id") or e["detail"].get("key"), e["detail"].get("revision"))
            for e in events]  # fmt: skip


@pytest.fixture
def stack_and_ingest():
    with handlers_on_stack() as (stack, ingest, _api):
        yield stack, ingest, Consumer(stack)


def test_each_change_is_one_event_with_the_details_the_spec_lists(stack_and_ingest) -> None:
    stack, ingest, consumer = stack_and_ingest
    upload_files(stack, ingest, {KEY: article()})
    deliver_stream(stack)
    (published,) = consumer.received()
    assert published["source"] == "article-feed"
    assert published["detail-type"] == "ArticlePublished"
    assert published["detail"] == {
        "id": "sodium",
        "sourceKey": KEY,
        "title": "Sodium batteries leave the lab",
        "webUrl": "https://example.com/sodium",
        "publishedDateTime": "2026-03-01T09:00:00Z",
        "topics": ["Energy", "Batteries"],
        "provider": {"domain": "example.com", "name": "Example News"},
        "revision": 1,
    }

    upload_files(stack, ingest, {KEY: article()})  # the same file again: nothing served changed
    deliver_stream(stack)
    assert consumer.received() == []

    upload_files(stack, ingest, {KEY: article(title="Sodium batteries reach the shops", tags=["retail"])})
    deliver_stream(stack)
    (updated,) = consumer.received()
    assert updated["detail-type"] == "ArticleUpdated"
    assert updated["detail"]["revision"] == 2
    assert updated["detail"]["changedFields"] == ["tags", "title"]
    assert updated["detail"]["title"] == "Sodium batteries reach the shops"

    upload_files(stack, ingest, {KEY: b"---\ntitle: [unclosed\nwebUrl: https://example.com/x\n---\n"})
    deliver_stream(stack)
    (rejected,) = consumer.received()
    assert rejected["detail-type"] == "ArticleRejected"
    assert rejected["detail"]["key"] == KEY
    assert rejected["detail"]["articleId"] == "sodium"
    assert rejected["detail"]["errors"] and all(set(error) == {"loc", "msg"} for error in rejected["detail"]["errors"])

    stack.s3.delete_object(Bucket=stack.bucket, Key=KEY)
    ingest.lambda_handler({"Records": [s3_record(KEY, created=False)]}, LocalContext("IngestFunction"))
    deliver_stream(stack)
    (deleted,) = consumer.received()
    assert (deleted["detail-type"], deleted["detail"]["revision"]) == ("ArticleDeleted", 3)

    upload_files(stack, ingest, {KEY: article()})  # the id comes back: its revision keeps growing
    deliver_stream(stack)
    assert summary(consumer.received()) == [("ArticlePublished", "sodium", 4)]


def test_secured_never_leaves_in_an_event(stack_and_ingest) -> None:
    stack, ingest, consumer = stack_and_ingest
    upload_files(stack, ingest, {KEY: article()})
    upload_files(stack, ingest, {KEY: article(secured="another-secret", title="New title")})
    upload_files(stack, ingest, {KEY: render({**FIELDS, "quality": "top-secret-token"}, "")})  # rejected
    stack.s3.delete_object(Bucket=stack.bucket, Key=KEY)
    ingest.lambda_handler({"Records": [s3_record(KEY, created=False)]}, LocalContext("IngestFunction"))
    deliver_stream(stack)
    events = consumer.received()
    assert [kind for kind, _, _ in summary(events)] == [
        "ArticlePublished", "ArticleUpdated", "ArticleRejected", "ArticleDeleted",
    ]  # fmt: skip
    text = json.dumps(events)
    assert "secret" not in text
    assert events[1]["detail"]["changedFields"] == ["title"]  # a new `secured` is no served change


def test_a_replayed_batch_publishes_no_event_with_a_new_revision(stack_and_ingest) -> None:
    stack, ingest, consumer = stack_and_ingest
    upload_files(stack, ingest, {KEY: article()})
    batches = deliver_stream(stack)
    upload_files(stack, ingest, {KEY: article(title="Changed")})
    batches += deliver_stream(stack)
    first = summary(consumer.received())
    assert first == [("ArticlePublished", "sodium", 1), ("ArticleUpdated", "sodium", 2)]
    handler = stream_handler()
    for batch in batches + batches:
        handler.lambda_handler(batch, LocalContext("StreamFunction"))
    assert consumer.received() == []


def test_a_rejection_is_published_once_per_upload_however_often_its_record_comes(stack_and_ingest) -> None:
    stack, ingest, consumer = stack_and_ingest
    upload_files(stack, ingest, {KEY: b"---\ntitle: [broken\n---\n"})
    batches = deliver_stream(stack)
    upload_files(stack, ingest, {KEY: b"---\ntitle: 7\n---\n"})  # rejected again, for another reason
    batches += deliver_stream(stack)
    assert [kind for kind, _, _ in summary(consumer.received())] == ["ArticleRejected", "ArticleRejected"]
    handler = stream_handler()
    for batch in batches:
        handler.lambda_handler(batch, LocalContext("StreamFunction"))
    assert consumer.received() == []


def test_a_replay_is_logged_with_what_was_already_done(stack_and_ingest, monkeypatch) -> None:
    stack, ingest, _consumer = stack_and_ingest
    upload_files(stack, ingest, {KEY: article()})
    upload_files(stack, ingest, {"news/broken.md": b"---\ntitle: [broken\n---\n"})
    batches = deliver_stream(stack)
    handler = stream_handler()
    written = io.StringIO()
    monkeypatch.setattr(handler.logger.registered_handler, "stream", written)
    level = handler.logger.log_level
    handler.logger.setLevel("INFO")  # whatever POWERTOOLS_LOG_LEVEL says
    try:
        for batch in batches:
            handler.lambda_handler(batch, LocalContext("StreamFunction"))
    finally:
        handler.logger.setLevel(level)
    logged = [json.loads(line) for line in written.getvalue().splitlines()]
    replays = {(entry["message"], entry.get("article_id") or entry.get("key")) for entry in logged}
    assert ("change already applied", "sodium") in replays
    assert ("rejection already published", "news/broken.md") in replays


def test_events_eventbridge_refuses_are_retried_and_never_dropped(stack_and_ingest, monkeypatch) -> None:
    stack, ingest, consumer = stack_and_ingest
    refusals = {"left": 1}

    class Answered:
        status_code = 200

    def refuse_once(**_):
        """EventBridge's answer when it takes none of the entries (botocore then skips the call)."""
        if refusals["left"]:
            refusals["left"] -= 1
            failed = [{"ErrorCode": "ThrottlingException", "ErrorMessage": "Rate exceeded"}]
            return Answered(), {"FailedEntryCount": 1, "Entries": failed}
        return None

    on_aws_calls(monkeypatch, "before-call.events.PutEvents", refuse_once)
    upload_files(stack, ingest, {KEY: article()})
    assert stack.stream is not None
    batch = stack.stream.batch()
    handler = stream_handler()
    answer = handler.lambda_handler(batch, LocalContext("StreamFunction"))
    assert answer["batchItemFailures"], "a refused event fails its record"
    # Lambda retries from the first failed record; the event goes out then, with the same revision.
    failed = {failure["itemIdentifier"] for failure in answer["batchItemFailures"]}
    retry = {"Records": [r for r in batch["Records"] if r["dynamodb"]["SequenceNumber"] in failed]}
    assert handler.lambda_handler(retry, LocalContext("StreamFunction")) == {"batchItemFailures": []}
    received = summary(consumer.received())
    assert received[-1] == ("ArticlePublished", "sodium", 1)
    assert {revision for _, _, revision in received} == {1}
