"""Every realistic valid file becomes an article stored faithfully."""

from __future__ import annotations

import pytest

from articlectl.lambdas import LocalContext
from tests.corpus import EXAMPLE, corpus
from tests.support.aws import ingestion, load_event, stored_article

CORPUS = corpus()


def test_corpus_is_big_and_varied() -> None:
    assert len(CORPUS) >= 30
    assert len({file.key for file in CORPUS}) == len(CORPUS)
    assert any(file.data.startswith(b"\xef\xbb\xbf") for file in CORPUS)
    assert any(b"\r\n" in file.data for file in CORPUS)


@pytest.mark.parametrize("file", CORPUS, ids=[file.key for file in CORPUS])
def test_valid_file_is_accepted_and_stored_faithfully(stack, upload, file) -> None:
    result = upload({file.key: file.data})

    assert result == {"outcomes": {"accepted": 1}}
    record = ingestion(stack, file.key)
    assert record["status"] == "accepted"
    assert record["errors"] == []
    assert sorted(warning["loc"] for warning in record["warnings"]) == sorted(file.warnings)
    article = stored_article(stack, file.article_id)
    assert article.source_key == file.key
    assert article.document == file.expected | {"secured": article.document["secured"]}
    assert article.body == file.body


def test_the_real_example_file_round_trips(stack, upload) -> None:
    data = EXAMPLE.read_bytes()
    upload({"articles/2020/000_1ad303c2d0458c2b.txt": data})

    article = stored_article(stack, "000_1ad303c2d0458c2b")
    assert article.document["title"] == "Microsoft will no longer invest in facial recognition technologies"
    assert article.document["publishedDateTime"] == "2020-03-29T15:30:00Z"
    assert article.document["provider"]["domain"] == "digitaltrends.com"
    assert len(article.document["related"]) == 4
    assert article.document["related"][1]["provider"]["name"] == "TechCrunch"
    assert article.document["secured"].startswith("F42KN70b")
    assert ingestion(stack, "articles/2020/000_1ad303c2d0458c2b.txt")["warnings"] == []


def test_reupload_of_same_key_updates_the_article(stack, upload) -> None:
    first, second = CORPUS[1], CORPUS[2]
    upload({first.key: first.data})
    upload({first.key: second.data.replace(b"news/2-story", b"news/2-story-v2")})

    article = stored_article(stack, first.article_id)
    assert article.document["title"] == second.expected["title"]
    assert article.document["webUrl"].endswith("2-story-v2")


def test_put_event_file_is_replayed(stack, ingest_handler, lambda_context) -> None:
    event = load_event("s3_put_article.json")
    s3_object = event["Records"][0]["s3"]["object"]
    response = stack.s3.put_object(Bucket=stack.bucket, Key=s3_object["key"], Body=EXAMPLE.read_bytes())
    s3_object["versionId"] = response["VersionId"]  # moto picks its own version ids

    assert ingest_handler.lambda_handler(event, lambda_context) == {"outcomes": {"accepted": 1}}
    assert stored_article(stack, "000_1ad303c2d0458c2b") is not None


def test_an_event_applies_the_version_it_names_and_the_record_names_the_event(
    stack, ingest_handler, lambda_context
) -> None:
    """A late event for an older version reads that version, not the current one, and
    the key's record carries the event's own identity (time, ETag, version)."""
    event = load_event("s3_put_article.json")
    record = event["Records"][0]
    s3_object = record["s3"]["object"]
    older = stack.s3.put_object(Bucket=stack.bucket, Key=s3_object["key"], Body=EXAMPLE.read_bytes())
    stack.s3.put_object(Bucket=stack.bucket, Key=s3_object["key"], Body=b"---\nnot: an article\n---\n")
    s3_object["versionId"] = older["VersionId"]

    assert ingest_handler.lambda_handler(event, lambda_context) == {"outcomes": {"accepted": 1}}
    applied = ingestion(stack, s3_object["key"])
    assert (applied["eventTime"], applied["etag"], applied["versionId"]) == (
        record["eventTime"],
        s3_object["eTag"],
        older["VersionId"],
    )


def test_delete_event_file_is_replayed(stack, upload, ingest_handler, lambda_context) -> None:
    key = "articles/2020/000_1ad303c2d0458c2b.txt"
    upload({key: EXAMPLE.read_bytes()}, sequencer="0055AED6DCD90281E5")
    stack.s3.delete_object(Bucket=stack.bucket, Key=key)

    assert ingest_handler.lambda_handler(load_event("s3_delete_article.json"), lambda_context) == {
        "outcomes": {"deleted": 1}
    }
    assert stored_article(stack, "000_1ad303c2d0458c2b") is None
    assert ingestion(stack, key)["status"] == "deleted"
    assert stack.live_items() == []


def test_unicode_key_event_is_decoded(stack, ingest_handler, lambda_context) -> None:
    event = load_event("s3_put_article_unicode_key.json")
    key = "articles/Über uns/2020 März/café-crème_01.md"
    response = stack.s3.put_object(Bucket=stack.bucket, Key=key, Body=CORPUS[0].data)
    event["Records"][0]["s3"]["object"]["versionId"] = response["VersionId"]

    ingest_handler.lambda_handler(event, lambda_context)

    record = ingestion(stack, key)
    assert record["status"] == "rejected"
    assert record["errors"][0]["loc"] == "key"


def test_keys_with_spaces_and_plus_signs_are_decoded(stack, upload) -> None:
    key = "articles/Über uns/März 2020/a-b_story.md"
    upload({key: CORPUS[0].data})  # sent as articles/%C3%9Cber+uns/M%C3%A4rz+2020/a-b_story.md

    assert ingestion(stack, key)["status"] == "accepted"
    assert stored_article(stack, "a-b_story").source_key == key


def test_non_article_keys_are_ignored(stack, upload) -> None:
    result = upload({"images/logo.png": b"\x89PNG", "notes/readme.pdf": b"%PDF"})

    assert result == {"outcomes": {"ignored": 2}}
    assert ingestion(stack, "images/logo.png") is None
    assert stack.items() == []


def without_nulls(errors: list[dict[str, object]]) -> list[dict[str, object]]:
    return [{name: value for name, value in error.items() if value is not None} for error in errors]


def test_the_configured_prefix_and_size_limit_are_what_ingest_applies(
    stack, upload, ingest_handler, monkeypatch
) -> None:
    article = EXAMPLE.read_bytes()
    monkeypatch.setenv("ARTICLE_KEY_PREFIX", "articles/")
    monkeypatch.setenv("MAX_ARTICLE_BYTES", str(len(article)))
    ingest_handler._dependencies.cache_clear()

    result = upload(
        {
            "articles/at-the-limit.txt": article,
            "articles/one-past.txt": article + b"\n",
            "drafts/outside-the-prefix.txt": article,
            "articlesX/a-sibling-folder.txt": article,
        }
    )

    assert result == {"outcomes": {"accepted": 1, "rejected": 1, "ignored": 2}}
    assert ingestion(stack, "articles/at-the-limit.txt")["status"] == "accepted"
    assert without_nulls(ingestion(stack, "articles/one-past.txt")["errors"]) == [
        {
            "loc": "(file)",
            "msg": f"file is larger than the limit of {len(article)} bytes",
            "value": str(len(article) + 1),
        }
    ]
    assert ingestion(stack, "drafts/outside-the-prefix.txt") is None
    assert ingestion(stack, "articlesX/a-sibling-folder.txt") is None


def test_without_the_size_in_the_event_the_limit_holds_on_what_is_read(stack, ingest_handler, monkeypatch) -> None:
    from tests.support.aws import s3_record

    article = EXAMPLE.read_bytes()
    monkeypatch.setenv("MAX_ARTICLE_BYTES", str(len(article)))
    ingest_handler._dependencies.cache_clear()
    for key, data in (("a/at-the-limit.txt", article), ("a/one-past.txt", article + b"\n")):
        stack.s3.put_object(Bucket=stack.bucket, Key=key, Body=data)
        ingest_handler.lambda_handler({"Records": [s3_record(key)]}, LocalContext("IngestFunction"))  # no `size`

    assert ingestion(stack, "a/at-the-limit.txt")["status"] == "accepted"
    assert without_nulls(ingestion(stack, "a/one-past.txt")["errors"]) == [
        {"loc": "(file)", "msg": f"file is larger than the limit of {len(article)} bytes"}
    ]
