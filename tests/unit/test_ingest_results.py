"""What each ingest outcome returns and records, exactly, on fakes of the ports.

test_ingest_decisions checks which outcome an event gets; these check the rest of
the contract the handler logs and the API serves: the result's key, article id and
counts, the record's identity (sequencer, ETag, version, event time, moments), what
the store is told (the body, the moment, whether the sequencer is carried), and the
record written when the store refuses.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from article_feed.domain.diagnostics import Diagnostic
from article_feed.domain.errors import StaleEvent, StoreRefused, TooLargeToStore
from article_feed.domain.records import ObjectEvent
from article_feed.ingest import IngestResult, IngestSettings, ingest_object_event
from article_feed.parsing.rejection import FILE_LOC
from tests.support.fakes import FakeObjects, FakeStore

SETTINGS = IngestSettings(max_bytes=4096)
MOMENT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
GOOD = b"---\ntitle: T\nwebUrl: https://news.example.com/1\npublishedDateTime: 2021-01-02T03:04:05Z\n---\nThe body.\n"
# One warning: a field no related entry has.
WARNED = GOOD.replace(b"---\nThe", b"related:\n  - {title: R, webUrl: 'https://r.example.com/1', extra: x}\n---\nThe")
# 150 errors, of which a record keeps 100 (diagnostics.MAX_KEPT). (A file that fails
# validation has no warnings: they come from the validated article.)
BAD = WARNED.replace(
    b"related:", b"images: [" + b", ".join(b"{url: 'ftp://x/%d'}" % i for i in range(150)) + b"]\nrelated:"
)


@pytest.fixture
def objects() -> FakeObjects:
    return FakeObjects()


@pytest.fixture
def store() -> FakeStore:
    return FakeStore()


def event(key: str = "a/x.md", *, created: bool = True, sequencer: str | None = "0001", **fields) -> ObjectEvent:
    return ObjectEvent("articles", key, created, sequencer, event_time="2024-05-06T07:08:09.123Z", **fields)


def ingest(objects: FakeObjects, store: FakeStore, applied: ObjectEvent, settings=SETTINGS) -> IngestResult:
    return ingest_object_event(applied, objects, store, settings)


def is_now(moment: str) -> bool:
    """A moment written as ingest writes them (UTC, milliseconds, `Z`), and just now."""
    parsed = datetime.fromisoformat(moment)
    return bool(MOMENT.fullmatch(moment)) and timedelta(0) <= datetime.now(UTC) - parsed < timedelta(seconds=5)


def test_an_accepted_file_returns_its_key_id_and_warnings_and_records_its_identity(objects, store) -> None:
    version = objects.put("a/x.md", WARNED)
    result = ingest(objects, store, event(version_id=version))
    assert result == IngestResult("accepted", "a/x.md", "x", 0, 1)
    record = store.records["a/x.md"]
    assert (record.status, record.article_id, record.sequencer) == ("accepted", "x", "0001")
    assert (record.etag, record.version_id, record.event_time) == (
        f"etag-{version}",
        version,
        "2024-05-06T07:08:09.123Z",
    )
    assert [warning.loc for warning in record.warnings] == ["related[0].extra"]
    assert record.warning_count == 1 and record.errors == []
    assert is_now(record.processed_at) and is_now(store.ingested_at["x"])
    assert store.articles["x"][2] == "The body.\n"
    assert store.carried == {"a/x.md": False}


def test_the_etag_in_the_event_wins_over_the_one_read(objects, store) -> None:
    # (The event's version needs no such test: it names the version that is read.)
    version = objects.put("a/x.md", GOOD)
    ingest(objects, store, event(etag="from-the-event", version_id=version))
    assert store.records["a/x.md"].etag == "from-the-event"


def test_an_event_without_a_version_records_the_version_read(objects, store) -> None:
    version = objects.put("a/x.md", GOOD)
    ingest(objects, store, event())
    assert (store.records["a/x.md"].etag, store.records["a/x.md"].version_id) == (f"etag-{version}", version)


def test_warnings_past_those_a_record_keeps_are_still_counted(objects, store) -> None:
    extras = ", ".join(f"extra{i}: x" for i in range(150))
    objects.put(
        "a/x.md",
        GOOD.replace(
            b"---\nThe", f"related:\n  - {{title: R, webUrl: 'https://r.example.com/1', {extras}}}\n---\nThe".encode()
        ),
    )
    assert ingest(objects, store, event()) == IngestResult("accepted", "a/x.md", "x", 0, 150)
    assert (len(store.records["a/x.md"].warnings), store.records["a/x.md"].warning_count) == (100, 150)


def test_the_version_named_by_the_event_is_the_one_read(objects, store) -> None:
    first = objects.put("a/x.md", GOOD.replace(b"title: T", b"title: First"))
    objects.put("a/x.md", GOOD.replace(b"title: T", b"title: Second"))
    ingest(objects, store, event(version_id=first))
    assert store.articles["x"][1].title == "First"


def test_a_rejected_file_returns_and_records_every_count_and_its_identity(objects, store) -> None:
    version = objects.put("a/x.md", BAD)
    result = ingest(objects, store, event(version_id=version))
    assert result == IngestResult("rejected", "a/x.md", "x", 150, 0)
    record = store.records["a/x.md"]
    assert (record.status, record.article_id, record.error_count) == ("rejected", "x", 150)
    assert len(record.errors) == 100 and record.errors[0].loc == "images[0].url"
    assert (record.etag, record.version_id, record.event_time) == (
        f"etag-{version}",
        version,
        "2024-05-06T07:08:09.123Z",
    )
    assert is_now(record.processed_at)
    assert store.articles == {}


def test_a_valid_file_refused_for_its_key_keeps_its_warnings(objects, store) -> None:
    key = f"a/{'x' * 256}.md"  # an id one character too long
    version = objects.put(key, WARNED)
    assert ingest(objects, store, event(key, version_id=version)) == IngestResult("rejected", key, "x" * 256, 1, 1)
    record = store.records[key]
    assert [error.loc for error in record.errors] == ["key"]
    assert [warning.loc for warning in record.warnings] == ["related[0].extra"] and record.warning_count == 1
    assert (record.etag, record.version_id) == (f"etag-{version}", version)


@pytest.mark.parametrize(("size", "outcome"), [(4096, "accepted"), (4097, "rejected")])
def test_the_size_in_the_event_is_refused_only_past_the_limit(objects, store, size, outcome) -> None:
    version = objects.put("a/x.md", GOOD)
    assert ingest(objects, store, event(version_id=version, size=size)).outcome == outcome


def test_an_object_gone_names_its_key_and_id(objects, store) -> None:
    assert ingest(objects, store, event(version_id="v9")) == IngestResult("gone", "a/x.md", "x")


def test_an_object_in_another_bucket_is_not_read_from_this_one(objects, store) -> None:
    objects.put("a/x.md", GOOD)
    other = ObjectEvent("elsewhere", "a/x.md", True, "0001")
    assert ingest(objects, store, other) == IngestResult("gone", "a/x.md", "x")


def test_an_ignored_key_names_itself(objects, store) -> None:
    assert ingest(objects, store, event("notes/readme.pdf")) == IngestResult("ignored", "notes/readme.pdf")


def test_a_stale_event_names_the_article_its_record_holds(objects, store) -> None:
    ingest(objects, store, event(sequencer="0002", version_id=objects.put("a/x.md", GOOD)))
    assert ingest(objects, store, event(sequencer="0001")) == IngestResult("stale", "a/x.md", "x")


def test_a_stale_event_whose_record_cannot_be_read_names_no_article(objects, store) -> None:
    ingest(objects, store, event(sequencer="0002", version_id=objects.put("a/x.md", GOOD)))
    store.records_unreadable = True
    assert ingest(objects, store, event(sequencer="0001")) == IngestResult("stale", "a/x.md", None)


def test_an_event_overtaken_during_its_write_is_stale(objects, store, monkeypatch) -> None:
    objects.put("a/x.md", GOOD)

    def overtaken(*_: object, **__: object) -> None:
        raise StaleEvent

    monkeypatch.setattr(store, "save_article", overtaken)
    assert ingest(objects, store, event()) == IngestResult("stale", "a/x.md")


def test_only_an_event_without_a_sequencer_carries_the_last_one(objects, store) -> None:
    objects.put("a/x.md", GOOD)
    ingest(objects, store, event(sequencer="0005"))
    assert store.carried["a/x.md"] is False
    ingest(objects, store, event(sequencer="0006"))
    assert store.carried["a/x.md"] is False
    ingest(objects, store, event(sequencer=None))  # a reindex: applied with the kept sequencer
    assert store.carried["a/x.md"] is True and store.records["a/x.md"].sequencer == "0006"


def test_a_reindex_of_an_invalid_file_records_the_rejection(objects, store) -> None:
    objects.put("a/x.md", GOOD)
    ingest(objects, store, event(sequencer="0005"))
    objects.put("a/x.md", BAD)
    assert ingest(objects, store, event(sequencer=None)).outcome == "rejected"
    assert store.records["a/x.md"].status == "rejected" and store.carried["a/x.md"] is True


def test_a_reindex_of_a_deleted_file_deletes_its_article(objects, store) -> None:
    objects.put("a/x.md", GOOD)
    ingest(objects, store, event(sequencer="0005"))
    objects.delete("a/x.md")
    removal = event(created=False, sequencer=None, version_id="marker-1")  # the delete marker's version
    assert ingest(objects, store, removal) == IngestResult("deleted", "a/x.md", "x")
    record = store.records["a/x.md"]
    assert (record.status, record.sequencer, record.event_time) == ("deleted", "0005", "2024-05-06T07:08:09.123Z")
    assert record.version_id == "marker-1"
    assert store.carried["a/x.md"] is True and store.articles == {}


def test_a_record_the_store_refuses_is_replaced_by_the_shortest_rejection(objects, store) -> None:
    objects.put("a/x.md", BAD)
    store.refused_records = 1
    assert ingest(objects, store, event(sequencer=None)) == IngestResult("rejected", "a/x.md", "x", 150, 0)
    record = store.records["a/x.md"]
    assert record.status == "rejected" and record.article_id == "x"
    assert record.errors == [Diagnostic(loc=FILE_LOC, msg="the file was rejected")] and record.warnings == []
    assert store.carried["a/x.md"] is False


def test_a_refused_record_of_a_reindex_still_carries_the_sequencer(objects, store) -> None:
    objects.put("a/x.md", GOOD)
    ingest(objects, store, event(sequencer="0005"))
    objects.put("a/x.md", BAD)
    store.refused_records = 1
    assert ingest(objects, store, event(sequencer=None)).outcome == "rejected"
    assert store.records["a/x.md"].errors[0].msg == "the file was rejected" and store.carried["a/x.md"] is True


@pytest.mark.parametrize(
    ("refusal", "loc", "reason"),
    [
        (
            (TooLargeToStore, "body", "the body is 500000 bytes compressed"),
            "body",
            "the body is 500000 bytes compressed",
        ),
        ((StoreRefused, "item too big"), FILE_LOC, "item too big"),
    ],
)
def test_an_article_the_store_cannot_hold_is_a_rejection_that_says_so(objects, store, refusal, loc, reason) -> None:
    version = objects.put("a/x.md", WARNED)
    kind, *arguments = refusal  # made here, not at collection, so that mutation testing sees it made
    store.refuse_articles = kind(*arguments)
    assert ingest(objects, store, event(version_id=version)) == IngestResult("rejected", "a/x.md", "x", 1, 1)
    record = store.records["a/x.md"]
    assert record.errors == [Diagnostic(loc=loc, msg=f"the article cannot be stored: {reason}")]
    assert [warning.loc for warning in record.warnings] == ["related[0].extra"]
    assert (record.etag, record.version_id) == (f"etag-{version}", version)


def test_a_conflict_is_a_rejection_naming_the_holder_with_the_file_warnings(objects, store) -> None:
    ingest(objects, store, event("a/x.md", version_id=objects.put("a/x.md", GOOD)))
    version = objects.put("b/y.md", WARNED)
    assert ingest(objects, store, event("b/y.md", version_id=version)) == IngestResult("rejected", "b/y.md", "y", 1, 1)
    record = store.records["b/y.md"]
    assert record.errors == [
        Diagnostic(
            loc="webUrl",
            msg="webUrl 'https://news.example.com/1' already belongs to article 'x' from key 'a/x.md'",
            value="a/x.md",
        )
    ]
    assert [warning.loc for warning in record.warnings] == ["related[0].extra"]
    assert (record.etag, record.version_id) == (f"etag-{version}", version)


def test_removing_an_old_version_names_the_article_unchanged(objects, store) -> None:
    first = objects.put("a/x.md", GOOD)
    ingest(objects, store, event(sequencer="01", version_id=first))
    second = objects.put("a/x.md", GOOD.replace(b"title: T", b"title: Second"))
    ingest(objects, store, event(sequencer="02", version_id=second))
    objects.delete("a/x.md", first)
    assert ingest(objects, store, event(created=False, sequencer="03", version_id=first)) == IngestResult(
        "unchanged", "a/x.md", "x"
    )


def test_removing_the_current_version_applies_the_one_s3_holds_now(objects, store) -> None:
    first = objects.put("a/x.md", GOOD.replace(b"title: T", b"title: First"))
    ingest(objects, store, event(sequencer="01", version_id=first))
    second = objects.put("a/x.md", GOOD.replace(b"title: T", b"title: Second"))
    ingest(objects, store, event(sequencer="02", version_id=second))
    objects.delete("a/x.md", second)
    result = ingest(objects, store, event(created=False, sequencer="03", version_id=second))
    assert result == IngestResult("accepted", "a/x.md", "x", 0, 0)
    record = store.records["a/x.md"]
    assert (record.sequencer, record.version_id, record.etag) == ("03", first, f"etag-{first}")
    assert record.event_time == "2024-05-06T07:08:09.123Z"
    assert store.articles["x"][1].title == "First" and store.carried["a/x.md"] is False


def test_a_removal_where_s3_still_holds_a_never_ingested_file_applies_it(objects, store) -> None:
    version = objects.put("a/x.md", GOOD)
    assert ingest(objects, store, event(created=False, version_id="v0")) == IngestResult("accepted", "a/x.md", "x")
    assert store.records["a/x.md"].version_id == version
