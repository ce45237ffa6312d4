"""At-least-once, out-of-order delivery and transient faults converge to the right state."""

from __future__ import annotations

import boto3
import pytest

from tests.corpus import corpus, render
from tests.support.aws import aws_error, ingestion, on_aws_calls, s3_record, stored_article

V1, V2 = corpus(2)
KEY = "articles/story.md"


def put(stack, data: bytes) -> dict:
    response = stack.s3.put_object(Bucket=stack.bucket, Key=KEY, Body=data)
    return {"size": len(data), "etag": response["ETag"].strip('"'), "version_id": response["VersionId"]}


def deliver(handler, context, *records) -> dict:
    return handler.lambda_handler({"Records": list(records)}, context)


def test_same_event_twice_is_applied_once(stack, ingest_handler, lambda_context) -> None:
    record = s3_record(KEY, sequencer="00A1", **put(stack, V1.data))

    assert deliver(ingest_handler, lambda_context, record) == {"outcomes": {"accepted": 1}}
    state = stack.items()
    assert deliver(ingest_handler, lambda_context, record) == {"outcomes": {"stale": 1}}
    assert stack.items() == state


def test_older_version_arriving_late_never_overwrites_newer(stack, ingest_handler, lambda_context) -> None:
    old = s3_record(KEY, sequencer="00A1", **put(stack, V1.data))
    new = s3_record(KEY, sequencer="00A2", **put(stack, V2.data))

    deliver(ingest_handler, lambda_context, new)
    deliver(ingest_handler, lambda_context, old)

    assert stored_article(stack, "story").document["title"] == V2.expected["title"]
    assert ingestion(stack, KEY)["sequencer"] == "00A2"


def test_sequencers_of_different_lengths_compare_by_aws_rule(stack, ingest_handler, lambda_context) -> None:
    # AWS's rule: right-pad the shorter with zeros, then compare ("00B" -> "00B00" > "00AFF").
    shorter = s3_record(KEY, sequencer="00B", **put(stack, V2.data))
    longer = s3_record(KEY, sequencer="00AFF", **put(stack, V1.data))

    deliver(ingest_handler, lambda_context, shorter)
    deliver(ingest_handler, lambda_context, longer)

    assert ingestion(stack, KEY)["sequencer"] == "00B"


def test_delete_then_late_create_stays_deleted(stack, ingest_handler, lambda_context) -> None:
    create = s3_record(KEY, sequencer="00A1", **put(stack, V1.data))
    stack.s3.delete_object(Bucket=stack.bucket, Key=KEY)
    delete = s3_record(KEY, created=False, sequencer="00A2")

    deliver(ingest_handler, lambda_context, delete)
    deliver(ingest_handler, lambda_context, create)

    assert stored_article(stack, "story") is None
    assert ingestion(stack, KEY)["status"] == "deleted"
    assert stack.live_items() == []


def test_create_for_an_object_already_gone_is_not_an_error(stack, ingest_handler, lambda_context) -> None:
    record = s3_record(KEY, sequencer="00A1", size=100)  # never uploaded

    assert deliver(ingest_handler, lambda_context, record) == {"outcomes": {"gone": 1}}
    assert stack.items() == []


def test_bad_file_does_not_block_good_files_of_the_same_event(stack, upload) -> None:
    files = {f"batch/{file.article_id}.md": file.data for file in corpus(4)}
    files["batch/broken.md"] = b"---\ntitle: [\n---\n"

    result = upload(files)

    assert result == {"outcomes": {"accepted": 4, "rejected": 1}}
    assert all(stored_article(stack, file.article_id) for file in corpus(4))


@pytest.fixture
def throttled_writes(monkeypatch):
    """Every TransactWriteItems raises ThrottlingException, as botocore does once its retries are spent."""
    calls = []

    def throttle(**kwargs):
        calls.append(kwargs["model"].name)
        raise aws_error("ThrottlingException", 400, "TransactWriteItems")

    on_aws_calls(monkeypatch, "before-call.dynamodb.TransactWriteItems", throttle)
    return calls


def test_throttled_write_fails_the_invocation_and_leaves_nothing(
    stack, ingest_handler, lambda_context, throttled_writes
) -> None:
    record = s3_record(KEY, sequencer="00A1", **put(stack, V1.data))

    with pytest.raises(ingest_handler.IngestFailed):
        deliver(ingest_handler, lambda_context, record)

    assert throttled_writes, "the fault was injected"
    assert stack.items() == []  # no partial article, no rejection recorded


def test_transient_failure_of_one_record_still_applies_the_others_then_retry_converges(
    stack, ingest_handler, lambda_context, monkeypatch
) -> None:
    good = corpus(3)
    records = []
    for file in good:
        response = stack.s3.put_object(Bucket=stack.bucket, Key=file.key, Body=file.data)
        records.append(s3_record(file.key, size=len(file.data), version_id=response["VersionId"]))
    failing_key = good[1].key

    def fail_one_read(params, **kwargs):
        if params.get("Key") == failing_key:
            raise aws_error("SlowDown", 503, "GetObject")

    on_aws_calls(monkeypatch, "provide-client-params.s3.GetObject", fail_one_read)

    with pytest.raises(ingest_handler.IngestFailed):
        deliver(ingest_handler, lambda_context, *records)
    assert stored_article(stack, good[0].article_id) is not None
    assert stored_article(stack, good[2].article_id) is not None
    assert ingestion(stack, failing_key) is None  # a transient failure is never a rejection

    monkeypatch.setattr(boto3, "DEFAULT_SESSION", boto3.session.Session())
    ingest_handler._dependencies.cache_clear()
    assert deliver(ingest_handler, lambda_context, *records) == {"outcomes": {"stale": 2, "accepted": 1}}
    assert stored_article(stack, good[1].article_id) is not None


def test_update_that_changes_topics_moves_index_entries(stack, ingest_handler, lambda_context) -> None:
    first = render(
        {
            "title": "T",
            "webUrl": "https://e.com/1",
            "publishedDateTime": "2020-01-01T00:00:00Z",
            "topics": ["AI", "Robots"],
            "provider": {"name": "E", "domain": "e.com"},
        },
        "",
    )
    second = render(
        {"title": "T", "webUrl": "https://e.com/2", "publishedDateTime": "2020-01-01T00:00:00Z", "topics": ["Climate"]},
        "",
    )
    deliver(ingest_handler, lambda_context, s3_record(KEY, sequencer="00A1", **put(stack, first)))
    deliver(ingest_handler, lambda_context, s3_record(KEY, sequencer="00A2", **put(stack, second)))

    lists = sorted(item["list_pk"]["S"] for item in stack.items() if "list_pk" in item)
    assert lists == ["FEED", "TOPIC#climate"]
    counts = {item["sk"]["S"]: item["n"]["N"] for item in stack.items() if item["pk"]["S"].startswith("COUNT#")}
    assert counts == {"ai": "0", "robots": "0", "climate": "1", "e.com": "0"}
    claims = [item for item in stack.items() if item["pk"]["S"].startswith("URL#")]
    assert [claim["url"]["S"] for claim in claims] == ["https://e.com/2"]


def test_a_record_holding_only_the_sortable_sequencer_still_orders_its_key(stack, ingest_handler, lambda_context):
    """Records written before the sequencer was kept as S3 sent it hold only its
    sortable form. An event without a sequencer (a reindex) carries it on, so a
    late event stays stale after it."""
    from article_feed.domain.records import sequencer_order

    item = {"pk": {"S": f"INGEST#{KEY}"}, "sk": {"S": "R"}, "seq_order": {"S": sequencer_order("00A2")}}
    stack.dynamodb.put_item(TableName=stack.table, Item=item | {"status": {"S": "accepted"}})

    reindex = s3_record(KEY, **put(stack, V1.data))
    del reindex["s3"]["object"]["sequencer"]
    assert deliver(ingest_handler, lambda_context, reindex) == {"outcomes": {"accepted": 1}}
    late = s3_record(KEY, sequencer="00A1", **put(stack, V2.data))
    assert deliver(ingest_handler, lambda_context, late) == {"outcomes": {"stale": 1}}
    assert stored_article(stack, "story").document["title"] == V1.expected["title"]
    later = s3_record(KEY, sequencer="00A3", **put(stack, V2.data))
    assert deliver(ingest_handler, lambda_context, later) == {"outcomes": {"accepted": 1}}


def test_every_read_ingest_decides_on_is_strongly_consistent(
    stack, upload, ingest_handler, lambda_context, monkeypatch
):
    """An eventually consistent read could miss the write just before it (the last
    event of the key, the holder of a URL) and apply an event out of order."""
    reads: list[tuple[str, object]] = []

    def record(params, model, **_: object) -> None:
        if model.name in ("GetItem", "Query", "BatchGetItem", "Scan"):
            reads.append((model.name, params.get("ConsistentRead")))

    on_aws_calls(monkeypatch, "before-parameter-build.dynamodb", record)
    ingest_handler._dependencies.cache_clear()
    upload({KEY: V1.data})
    upload({KEY: V2.data})
    same_url = {"title": "Copy", "webUrl": V2.expected["webUrl"], "publishedDateTime": "2021-01-01T00:00:00Z"}
    upload({"articles/copy.md": render(same_url, "")})
    stack.s3.delete_object(Bucket=stack.bucket, Key=KEY)
    deliver(ingest_handler, lambda_context, s3_record(KEY, created=False))

    assert ingestion(stack, "articles/copy.md")["errors"][0]["loc"] == "webUrl"
    assert {name for name, _ in reads} == {"GetItem"}
    assert [consistent for _, consistent in reads] == [True] * len(reads), reads


@pytest.mark.parametrize("change", ["rejected", "deleted"])
def test_an_event_without_a_sequencer_keeps_the_last_one_so_late_events_stay_stale(
    stack, ingest_handler, lambda_context, change
) -> None:
    """A reindex (or an event S3 sent without a sequencer) carries the key's last
    sequencer: its own write must be allowed to repeat it, and a late event stays
    stale after it."""
    deliver(ingest_handler, lambda_context, s3_record(KEY, sequencer="00A2", **put(stack, V1.data)))
    if change == "deleted":
        stack.s3.delete_object(Bucket=stack.bucket, Key=KEY)
        event = s3_record(KEY, created=False)
    else:
        event = s3_record(KEY, **put(stack, b"no front matter\n"))
    del event["s3"]["object"]["sequencer"]

    assert deliver(ingest_handler, lambda_context, event) == {"outcomes": {change: 1}}
    assert ingestion(stack, KEY)["status"] == change
    assert ingestion(stack, KEY)["sequencer"] == "00A2"
    late = s3_record(KEY, sequencer="00A1", **put(stack, V2.data))
    assert deliver(ingest_handler, lambda_context, late) == {"outcomes": {"stale": 1}}
