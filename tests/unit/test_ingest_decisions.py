"""The ingest decision table on in-memory fakes of its ports: every outcome in milliseconds.

ignored, stale, gone, rejected (bad file, too large, conflict), accepted, deleted,
unchanged (a versioned bucket's old version removed), and an event without a
sequencer keeping the last one. The same rules run against moto in tests/integration.
"""

from __future__ import annotations

import pytest

from article_feed.domain.records import ObjectEvent
from article_feed.ingest import IngestSettings, ingest_object_event
from tests.support.fakes import FakeObjects, FakeStore

SETTINGS = IngestSettings(max_bytes=4096, key_prefix="")
ARTICLE = b"---\ntitle: T\nwebUrl: https://news.example.com/{n}\npublishedDateTime: 2021-01-02T03:04:05Z\n---\nbody\n"


def article(n: int = 1, title: str = "T") -> bytes:
    return ARTICLE.replace(b"{n}", str(n).encode()).replace(b"title: T", f"title: {title}".encode())


@pytest.fixture
def world() -> tuple[FakeObjects, FakeStore]:
    return FakeObjects(), FakeStore()


def created(key: str, sequencer: str | None, version: str | None = None, size: int | None = None) -> ObjectEvent:
    return ObjectEvent("articles", key, True, sequencer, size, None, version)


def removed(key: str, sequencer: str | None, version: str | None = None) -> ObjectEvent:
    return ObjectEvent("articles", key, False, sequencer, None, None, version)


def apply(world, event: ObjectEvent, settings: IngestSettings = SETTINGS) -> str:
    objects, store = world
    return ingest_object_event(event, objects, store, settings).outcome


def test_a_key_that_is_not_an_article_file_is_ignored_and_gets_no_record(world) -> None:
    assert apply(world, created("notes/readme.pdf", "01")) == "ignored"
    assert apply(world, created("drafts/a.md", "01"), IngestSettings(key_prefix="articles/")) == "ignored"
    assert world[1].records == {}


@pytest.mark.parametrize(
    ("key", "prefix", "expected"),
    [
        ("a.md", None, True),
        ("dir/a.txt", None, True),
        ("a.pdf", None, False),
        ("in/a.md", "in/", True),
        ("a.md", "in/", False),
    ],
)
def test_article_keys_are_text_files_under_the_prefix(key, prefix, expected) -> None:
    from article_feed.domain.identity import is_article_key

    assert (is_article_key(key) if prefix is None else is_article_key(key, prefix)) is expected


def test_accepted_then_the_same_or_an_older_event_is_stale(world) -> None:
    objects, store = world
    version = objects.put("a/x.md", article())
    assert apply(world, created("a/x.md", "0002", version)) == "accepted"
    assert apply(world, created("a/x.md", "0002", version)) == "stale"
    assert apply(world, created("a/x.md", "0001", version)) == "stale"
    assert store.records["a/x.md"].status == "accepted"


def test_an_object_gone_before_its_event_is_gone(world) -> None:
    assert apply(world, created("a/x.md", "01", "v9")) == "gone"
    assert world[1].records == {}


@pytest.mark.parametrize(
    ("size", "data", "loc"),
    [(5000, b"", "(file)"), (None, b"not front matter", "(front matter)"), (None, b"---\ntitle: T\n---\n", "webUrl")],
)
def test_a_bad_file_is_rejected_with_its_reason(world, size, data, loc) -> None:
    objects, store = world
    version = objects.put("a/x.md", data)
    assert apply(world, created("a/x.md", "01", version, size)) == "rejected"
    assert loc in [error.loc for error in store.records["a/x.md"].errors]


def test_an_id_or_url_held_by_another_key_is_a_conflict_naming_the_holder(world) -> None:
    objects, store = world
    apply(world, created("a/x.md", "01", objects.put("a/x.md", article(1))))
    apply(world, created("b/x.md", "01", objects.put("b/x.md", article(2))))
    apply(world, created("b/y.md", "01", objects.put("b/y.md", article(1))))
    assert [(error.loc, error.value) for error in store.records["b/x.md"].errors] == [("id", "a/x.md")]
    assert [(error.loc, error.value) for error in store.records["b/y.md"].errors] == [("webUrl", "a/x.md")]
    assert store.articles["x"][0] == "a/x.md"


def test_an_invalid_reupload_keeps_the_last_valid_version(world) -> None:
    objects, store = world
    apply(world, created("a/x.md", "01", objects.put("a/x.md", article(title="First"))))
    assert apply(world, created("a/x.md", "02", objects.put("a/x.md", b"broken"))) == "rejected"
    assert store.articles["x"][1].title == "First"


def test_a_delete_when_nothing_remains_deletes_and_frees_the_url(world) -> None:
    objects, store = world
    apply(world, created("a/x.md", "01", objects.put("a/x.md", article(1))))
    objects.delete("a/x.md")
    assert apply(world, removed("a/x.md", "02")) == "deleted"
    assert store.articles == {} and store.claims == {}
    assert apply(world, created("a/x.md", "01", "v1")) == "stale"  # a late create cannot undo it


def test_removing_an_old_version_changes_nothing_and_the_current_one_brings_back_the_previous(world) -> None:
    objects, store = world
    first = objects.put("a/x.md", article(title="First"))
    second = objects.put("a/x.md", article(title="Second"))
    apply(world, created("a/x.md", "01", first))
    apply(world, created("a/x.md", "02", second))
    objects.delete("a/x.md", first)
    assert apply(world, removed("a/x.md", "03", first)) == "unchanged"
    objects.delete("a/x.md", second)
    objects.put("a/x.md", article(title="First"))  # what S3 holds now
    assert apply(world, removed("a/x.md", "04", second)) == "accepted"
    assert store.articles["x"][1].title == "First"


def test_an_event_without_a_sequencer_keeps_the_last_one(world) -> None:
    objects, store = world
    apply(world, created("a/x.md", "0005", objects.put("a/x.md", article(title="New"))))
    assert apply(world, created("a/x.md", None)) == "accepted"  # a reindex
    assert store.records["a/x.md"].sequencer == "0005"
    assert apply(world, created("a/x.md", "0003", objects.put("a/x.md", article(title="Old")))) == "stale"
