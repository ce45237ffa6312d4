"""The search index follows the table through its stream: updates and deletes leave
nothing stale, and a replayed, repeated or late batch changes nothing."""

from __future__ import annotations

import pytest

from article_feed.domain.lists import ListRequest
from article_feed.domain.search import parse_query
from article_feed.dynamo.reader import ArticleReader
from articlectl.lambdas import LocalContext
from tests.corpus import render
from tests.support.api import handlers_on_stack
from tests.support.aws import deliver_stream, load_event, stream_handler, upload_files

KEY = "news/battery.md"
CONTEXT = LocalContext("StreamFunction")


def article(title: str, *, topics=("Energy",), published: str = "2024-03-05T10:00:00Z", **extra) -> bytes:
    fields = {
        "title": title,
        "webUrl": "https://example.com/battery",
        "publishedDateTime": published,
        "excerpt": "A short excerpt.",
        "topics": list(topics),
        "provider": {"name": "Example News", "domain": "example.com"},
        "secured": "opaque",
        **extra,
    }
    return render(fields, "Body.\n")


def found(stack, q: str, **filters) -> list[str]:
    items, _ = ArticleReader(stack.dynamodb, stack.table).search_page(ListRequest(**filters), parse_query(q), 20, None)
    return [item["id"] for item in items]


def index_items(stack) -> list[dict]:
    """Postings, term statistics with articles, and index states."""
    return [
        item
        for item in stack.items()
        if (item["pk"]["S"].startswith("TERM#") and item.get("n", {}).get("N") != "0") or item["sk"]["S"] == "SEARCH"
    ]


def postings(stack) -> set[tuple[str, str]]:
    return {(item["pk"]["S"], item["sk"]["S"]) for item in stack.items() if item["sk"]["S"] != "STATS"
            and item["pk"]["S"].startswith("TERM#")}  # fmt: skip


@pytest.fixture
def stack_and_ingest():
    with handlers_on_stack() as (stack, ingest, _api):
        yield stack, ingest


def test_an_update_replaces_every_posting_and_a_delete_removes_them(stack_and_ingest) -> None:
    stack, ingest = stack_and_ingest
    upload_files(stack, ingest, {KEY: article("Grid batteries get cheaper")})
    deliver_stream(stack)
    assert found(stack, "battery") == ["battery"]
    assert found(stack, "cheaper") == ["battery"]
    before = postings(stack)
    assert ("TERM#batteri#2024-03", "2024-03-05T10:00:00.000000Z#battery") in before

    # New words, a new month, a new topic: nothing of the old text is found.
    upload_files(stack, ingest, {KEY: article("Solar panels everywhere", published="2024-05-01T00:00:00Z")})
    deliver_stream(stack)
    assert found(stack, "battery") == []
    assert found(stack, "cheaper") == []
    assert found(stack, "solar panel") == ["battery"]
    assert all(pk.endswith("#2024-05") for pk, _ in postings(stack))

    stack.s3.delete_object(Bucket=stack.bucket, Key=KEY)
    from tests.support.aws import s3_record

    ingest.lambda_handler({"Records": [s3_record(KEY, created=False)]}, LocalContext("IngestFunction"))
    deliver_stream(stack)
    assert found(stack, "solar") == []
    assert postings(stack) == set()
    # The term statistics stay, with no articles: a search for them reads nothing more.
    assert {item["n"]["N"] for item in stack.items() if item["sk"]["S"] == "STATS"} == {"0"}


def test_replaying_or_repeating_batches_changes_nothing(stack_and_ingest) -> None:
    stack, ingest = stack_and_ingest
    upload_files(stack, ingest, {KEY: article("Grid batteries get cheaper")})
    first = deliver_stream(stack)
    upload_files(stack, ingest, {KEY: article("Solar panels everywhere")})
    second = deliver_stream(stack)
    settled = index_items(stack)
    handler = stream_handler()

    for batch in [*second, *first, *first, *second]:  # repeated, and older after newer
        assert handler.lambda_handler(batch, CONTEXT) == {"batchItemFailures": []}
    assert index_items(stack) == settled
    assert found(stack, "solar") == ["battery"]
    assert found(stack, "battery") == []


def test_filters_on_postings_follow_the_article(stack_and_ingest) -> None:
    stack, ingest = stack_and_ingest
    upload_files(stack, ingest, {KEY: article("Grid batteries", topics=("Energy",))})
    deliver_stream(stack)
    assert found(stack, "battery", topic=("energy",)) == ["battery"]
    upload_files(stack, ingest, {KEY: article("Grid batteries", topics=("Climate",))})
    deliver_stream(stack)
    assert found(stack, "battery", topic=("energy",)) == []
    assert found(stack, "battery", topic=("climate",)) == ["battery"]


def test_a_rejected_upload_leaves_the_served_article_findable(stack_and_ingest) -> None:
    stack, ingest = stack_and_ingest
    upload_files(stack, ingest, {KEY: article("Grid batteries")})
    upload_files(stack, ingest, {KEY: b"---\ntitle: [unclosed\n---\n"})
    deliver_stream(stack)
    assert found(stack, "battery") == ["battery"]


def test_the_index_never_holds_secured(stack_and_ingest) -> None:
    stack, ingest = stack_and_ingest
    upload_files(stack, ingest, {KEY: article("Grid batteries", extra={"secured": "hidden-token"})})
    deliver_stream(stack)
    assert "opaque" not in str(index_items(stack))
    assert found(stack, "opaque") == []


def test_emulator_quirks_are_harmless(stack_and_ingest) -> None:
    """moto's stream: a key-only INSERT for an item an UpdateItem creates, and a MODIFY
    for a write that changes nothing (SPEC "Local, tests, deploy")."""
    stack, ingest = stack_and_ingest
    upload_files(stack, ingest, {KEY: article("Grid batteries")})
    deliver_stream(stack)
    settled = index_items(stack)
    handler = stream_handler()
    keys = {"pk": {"S": "ARTICLE#battery"}, "sk": {"S": "A"}}
    key_only = {"eventName": "INSERT", "eventSource": "aws:dynamodb", "eventID": "1",
                "dynamodb": {"Keys": keys, "NewImage": keys, "SequenceNumber": "9" * 30}}  # fmt: skip
    assert handler.lambda_handler({"Records": [key_only]}, CONTEXT) == {"batchItemFailures": []}
    assert index_items(stack) == settled
    item = stack.dynamodb.get_item(TableName=stack.table, Key=keys)["Item"]
    stack.dynamodb.put_item(TableName=stack.table, Item=item)  # changes nothing: moto still writes a MODIFY
    deliver_stream(stack)
    assert [i for i in index_items(stack) if i["sk"]["S"] != "SEARCH"] == [
        i for i in settled if i["sk"]["S"] != "SEARCH"
    ]
    assert found(stack, "battery") == ["battery"]


def test_a_failing_record_fails_the_rest_of_its_batch_for_a_retry(stack_and_ingest, monkeypatch) -> None:
    stack, ingest = stack_and_ingest
    upload_files(
        stack,
        ingest,
        {KEY: article("Grid batteries"), "news/other.md": article("Wind", webUrl="https://example.com/wind")},
    )
    assert stack.stream is not None
    batch = stack.stream.batch()
    handler = stream_handler()
    from botocore.exceptions import ClientError

    calls = {"n": 0}
    original = handler._dependencies()[0].replace

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow down"}}, "PutItem")
        return original(*args, **kwargs)

    monkeypatch.setattr(handler._dependencies()[0], "replace", flaky)
    answer = handler.lambda_handler(batch, CONTEXT)
    article_records = [r for r in batch["Records"] if r["dynamodb"]["Keys"]["sk"]["S"] == "A"]
    failed = [failure["itemIdentifier"] for failure in answer["batchItemFailures"]]
    first_failed = next(r for r in batch["Records"] if r["dynamodb"]["SequenceNumber"] == failed[0])
    assert first_failed is article_records[0]
    # Every record from the first failure on is reported, so Lambda retries from there, in order.
    position = batch["Records"].index(first_failed)
    assert failed == [r["dynamodb"]["SequenceNumber"] for r in batch["Records"][position:]]
    assert handler.lambda_handler(batch, CONTEXT) == {"batchItemFailures": []}  # the retry
    assert found(stack, "battery") == ["battery"]
    assert found(stack, "wind") == ["other"]


def test_the_sample_stream_events_index_update_and_remove_an_article(stack_and_ingest) -> None:
    """events/ddb_stream_*.json, as `sam local invoke StreamFunction -e …` passes them."""
    stack, _ingest = stack_and_ingest
    handler = stream_handler()
    for name, microsoft, updated in [("insert", True, False), ("modify", True, True), ("remove", False, False)]:
        event = load_event(f"ddb_stream_{name}_article.json")
        assert handler.lambda_handler(event, CONTEXT) == {"batchItemFailures": []}
        terms = {pk.split("#")[1] for pk, _ in postings(stack)}
        assert ("microsoft" in terms) is microsoft, name
        assert ("updat" in terms) is updated, name


def test_articles_stored_before_search_are_indexed_when_reingested(stack_and_ingest) -> None:
    """The upgrade path (README): `articlectl reindex` re-ingests every object; each
    rewrite reaches the stream function, which indexes articles it has never seen."""
    stack, ingest = stack_and_ingest
    upload_files(stack, ingest, {KEY: article("Grid batteries")})
    assert stack.stream is not None
    stack.stream.batch()  # stored before the stream function existed: its records are gone
    assert found(stack, "battery") == []
    upload_files(stack, ingest, {KEY: article("Grid batteries")})  # what reindex does, key by key
    deliver_stream(stack)
    assert found(stack, "battery") == ["battery"]


def test_the_event_source_filter_lets_through_articles_and_rejections_only(stack_and_ingest) -> None:
    """template.yaml's FilterCriteria, evaluated by moto's implementation of the
    pattern syntax (the same as EventBridge's) on the records a real ingest writes."""
    from moto.events.models import EventPattern

    from articlectl.template import resource

    stack, ingest = stack_and_ingest
    filters = resource("StreamFunction")["Properties"]["Events"]["ArticleChanged"]["Properties"]["FilterCriteria"]
    patterns = [EventPattern.load(entry["Pattern"]) for entry in filters["Filters"]]
    upload_files(stack, ingest, {KEY: article("Grid batteries"), "news/bad.md": b"---\ntitle: [\n---\n"})
    assert stack.stream is not None
    records = stack.stream.batch()["Records"]
    stream_handler().lambda_handler({"Records": records}, CONTEXT)
    indexed = stack.stream.batch()["Records"]  # the index's own writes
    assert any(r["dynamodb"]["Keys"]["pk"]["S"].startswith("TERM#") for r in indexed)
    records += indexed
    passed = {
        (r["dynamodb"]["Keys"]["pk"]["S"], r["dynamodb"]["Keys"]["sk"]["S"])
        for r in records
        if any(pattern.matches_event(r) for pattern in patterns)
    }
    assert passed == {("ARTICLE#battery", "A"), ("INGEST#news/bad.md", "R")}
