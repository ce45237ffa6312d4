"""Invalid and hostile files are rejected precisely, and nothing else changes."""

from __future__ import annotations

import boto3
import pytest

from tests.corpus import corpus, render
from tests.support.aws import ingestion, on_aws_calls, stored_article

BASE = corpus(2)[0]
GOOD: dict[str, object] = {
    "title": "A good title",
    "webUrl": "https://news.example.com/a",
    "publishedDateTime": "2021-01-02T03:04:05Z",
}


def front(extra: str) -> bytes:
    return ("---\n" + extra + "\n---\nbody\n").encode()


def fields(**changes: object) -> bytes:
    data = dict(GOOD)
    for name, value in changes.items():
        if value is ...:
            data.pop(name)
        else:
            data[name] = value
    return render(data, "body\n")


LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8)
)

CASES = {
    "no_front_matter": (b"Just some text\nwithout front matter\n", "(front matter)"),
    "unterminated_front_matter": (b"---\ntitle: never closed\nwebUrl: https://a.b/c\n", "(front matter)"),
    "empty_file": (b"", "(file)"),
    "blank_file": (b"  \n\n \r\n", "(file)"),
    "invalid_utf8": (b"---\ntitle: caf\xe9\nwebUrl: https://a.b/c\n---\n", "(file)"),
    "yaml_syntax_error": (front("title: [unclosed\nwebUrl: https://a.b/c"), "(front matter)"),
    "list_not_mapping": (front("- title\n- webUrl"), "(front matter)"),
    "scalar_not_mapping": (front("just a sentence"), "(front matter)"),
    "python_tag": (front("title: !!python/object/apply:os.system ['echo pwned']"), "(front matter)"),
    "unreadable_tagged_bool": (front("title: T\nflag: !!bool maybe"), "(front matter)"),
    "unreadable_tagged_int": (front("title: T\ncount: !!int 12x"), "(front matter)"),
    "alias_bomb": (front(LAUGHS), "(front matter)"),
    "recursive_alias": (front("title: &t [*t]"), "(front matter)"),
    "deep_nesting": (front("title: " + "[" * 5000 + "]" * 5000), "(front matter)"),
    "deep_block_nesting": (
        front("title:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 60)) + "  " * 60 + "v"),
        "(front matter)",
    ),
    "duplicate_keys": (
        front("title: One\ntitle: Two\nwebUrl: https://a.b/c\npublishedDateTime: 2020-01-01T00:00:00Z"),
        "title",
    ),
    "title_missing": (fields(title=...), "title"),
    "title_empty": (fields(title="   "), "title"),
    "title_too_long": (fields(title="x" * 1001), "title"),
    "title_not_text": (fields(title=1984), "title"),
    "web_url_missing": (fields(webUrl=...), "webUrl"),
    "web_url_empty": (fields(webUrl="  "), "webUrl"),
    "published_empty": (fields(publishedDateTime=""), "publishedDateTime"),
    "published_null": (fields(publishedDateTime=None), "publishedDateTime"),
    "published_missing": (fields(publishedDateTime=...), "publishedDateTime"),
    "web_url_not_http": (fields(webUrl="ftp://files.example.com/a"), "webUrl"),
    "web_url_relative": (fields(webUrl="/news/a"), "webUrl"),
    "amp_url_javascript": (fields(ampWebUrl="javascript:alert(1)"), "ampWebUrl"),
    "date_not_a_date": (fields(publishedDateTime="yesterday"), "publishedDateTime"),
    "date_impossible": (fields(publishedDateTime="2020-02-30T10:00:00Z"), "publishedDateTime"),
    "date_as_number": (fields(publishedDateTime=1585495800), "publishedDateTime"),
    "date_before_year_one_in_utc": (fields(publishedDateTime="0001-01-01T00:00:00+05:00"), "publishedDateTime"),
    "quality_past_json_safe": (fields(quality=2**53), "quality"),
    "quality_negative": (fields(quality=-1), "quality"),
    "quality_wrong_type": (fields(quality="high"), "quality"),
    "quality_float": (fields(quality=69.5), "quality"),
    "heat_too_low": (fields(heat=-2), "heat"),
    "published_not_boolean": (fields(published="maybe"), "published"),
    "topics_not_list": (fields(topics="AI"), "topics"),
    "too_many_topics": (fields(topics=[f"t{i}" for i in range(21)]), "topics"),
    "image_without_url": (fields(images=[{"width": 10}]), "images[0].url"),
    "image_negative_width": (fields(images=[{"url": "https://i.example.com/a.png", "width": -1}]), "images[0].width"),
    "provider_bad_domain": (fields(provider={"name": "X", "domain": "not a host!"}), "provider.domain"),
    "related_without_web_url": (fields(related=[{"title": "R"}]), "related[0].webUrl"),
    "related_bad_url_third": (
        fields(
            related=[{"title": "R", "webUrl": f"https://r.example.com/{i}"} for i in range(2)]
            + [{"title": "R", "webUrl": "mailto:x@example.com"}]
        ),
        "related[2].webUrl",
    ),
    "too_many_related": (
        fields(related=[{"title": "R", "webUrl": f"https://r.example.com/{i}"} for i in range(101)]),
        "related",
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_invalid_file_is_rejected_and_nothing_changes(stack, upload, case) -> None:
    data, loc = CASES[case]
    upload({BASE.key: BASE.data})
    before = stack.article_items()

    result = upload({f"incoming/{case}.md": data})

    assert result == {"outcomes": {"rejected": 1}}
    record = ingestion(stack, f"incoming/{case}.md")
    assert record["status"] == "rejected"
    assert record["articleId"] == case
    assert loc in [error["loc"] for error in record["errors"]], record["errors"]
    assert all(error["msg"] for error in record["errors"])
    assert stack.article_items() == before


def test_case_count() -> None:
    assert len(CASES) >= 30


def test_yaml_syntax_error_has_file_line(stack, upload) -> None:
    upload({"x/syntax.md": b"---\ntitle: ok\nwebUrl: [broken\n---\n"})
    error = ingestion(stack, "x/syntax.md")["errors"][0]
    assert isinstance(error["line"], int)
    assert error["line"] >= 3


def test_field_error_carries_offending_value_shortened(stack, upload) -> None:
    upload({"x/long.md": fields(webUrl="ftp://" + "a" * 5000)})
    error = ingestion(stack, "x/long.md")["errors"][0]
    assert error["loc"] == "webUrl"
    assert error["value"].startswith("ftp://aaa")
    assert len(error["value"]) <= 200


def test_oversized_file_is_rejected_without_reading(stack, upload, monkeypatch) -> None:
    monkeypatch.setenv("MAX_ARTICLE_BYTES", "2048")
    big = fields(excerpt="x" * 4000)

    upload({"x/big.md": big})

    record = ingestion(stack, "x/big.md")
    assert record["status"] == "rejected"
    assert record["errors"][0]["loc"] == "(file)"
    assert "2048" in record["errors"][0]["msg"]


def test_oversized_file_with_no_size_in_event_is_read_only_up_to_the_limit(
    stack, ingest_handler, lambda_context, monkeypatch
) -> None:
    from tests.support.aws import s3_record

    monkeypatch.setenv("MAX_ARTICLE_BYTES", "2048")
    stack.s3.put_object(Bucket=stack.bucket, Key="x/big.md", Body=fields(excerpt="x" * 40000))

    ingest_handler.lambda_handler({"Records": [s3_record("x/big.md")]}, lambda_context)

    assert ingestion(stack, "x/big.md")["errors"][0]["loc"] == "(file)"


def test_invalid_id_is_rejected(stack, upload) -> None:
    upload({"x/bad id!.md": BASE.data})
    record = ingestion(stack, "x/bad id!.md")
    assert record["status"] == "rejected"
    assert record["errors"][0]["loc"] == "key"
    assert stack.article_items() == []


def test_same_id_under_another_key_is_a_conflict_naming_the_holder(stack, upload) -> None:
    upload({"a/story.md": fields()})
    before = stack.article_items()

    upload({"b/story.md": fields(webUrl="https://news.example.com/other")})

    error = ingestion(stack, "b/story.md")["errors"][0]
    assert (error["loc"], error["msg"], error["value"]) == (
        "id",
        "id 'story' already belongs to article 'story' from key 'a/story.md'",
        "a/story.md",
    )
    assert stack.article_items() == before


def test_same_web_url_under_another_id_is_a_conflict_naming_the_holder(stack, upload) -> None:
    upload({"a/first.md": fields()})
    before = stack.article_items()

    upload({"a/second.md": fields(title="Copy")})

    error = ingestion(stack, "a/second.md")["errors"][0]
    assert (error["loc"], error["msg"], error["value"]) == (
        "webUrl",
        "webUrl 'https://news.example.com/a' already belongs to article 'first' from key 'a/first.md'",
        "a/first.md",
    )
    assert stack.article_items() == before


def test_update_to_a_web_url_held_by_another_article_is_a_conflict_and_keeps_the_update_out(stack, upload) -> None:
    upload({"a/first.md": fields()})
    upload({"a/second.md": fields(webUrl="https://news.example.com/second")})
    before = stack.article_items()

    upload({"a/second.md": fields(title="Moved")})  # now claims first's webUrl

    record = ingestion(stack, "a/second.md")
    assert record["status"] == "rejected"
    assert record["errors"][0]["loc"] == "webUrl"
    assert "a/first.md" in record["errors"][0]["msg"]
    assert stack.article_items() == before


@pytest.mark.parametrize(
    ("key", "refused", "field"),
    [
        ("b/story.md", fields(webUrl="https://news.example.com/other"), "id"),
        ("b/copy.md", fields(title="Copy"), "webUrl"),
    ],
    ids=["same id", "same webUrl"],
)
def test_deleting_a_file_refused_as_a_conflict_leaves_the_holder_intact(
    stack, upload, ingest_handler, lambda_context, key, refused, field
) -> None:
    from tests.support.aws import s3_record

    upload({"a/story.md": fields()})
    before = stack.article_items()
    upload({key: refused})
    assert ingestion(stack, key)["errors"][0]["loc"] == field

    stack.s3.delete_object(Bucket=stack.bucket, Key=key)
    ingest_handler.lambda_handler({"Records": [s3_record(key, created=False)]}, lambda_context)

    assert stack.article_items() == before
    assert stored_article(stack, "story").source_key == "a/story.md"
    assert ingestion(stack, "a/story.md")["status"] == "accepted"


def test_url_claim_freed_while_the_write_failed_is_retried_not_rejected(
    stack, upload, ingest_handler, monkeypatch
) -> None:
    # The claim's condition fails, then its holder lets go before the claim is
    # read to name it: a race, not a conflict — the invocation fails and is retried.
    upload({"a/first.md": fields()})
    claim = next(item for item in stack.items() if item["pk"]["S"].startswith("URL#"))

    def holder_lets_go(**kwargs) -> None:
        stack.dynamodb.delete_item(TableName=stack.table, Key={"pk": claim["pk"], "sk": claim["sk"]})

    on_aws_calls(monkeypatch, "after-call.dynamodb.TransactWriteItems", holder_lets_go)
    ingest_handler._dependencies.cache_clear()
    with pytest.raises(ingest_handler.IngestFailed, match=r"a/second\.md: ConcurrentWrite"):
        upload({"a/second.md": fields(title="Copy")})
    assert ingestion(stack, "a/second.md") is None

    monkeypatch.setattr(boto3, "DEFAULT_SESSION", boto3.session.Session())  # the holder stays gone
    ingest_handler._dependencies.cache_clear()
    upload({"a/second.md": fields(title="Copy")})
    assert ingestion(stack, "a/second.md")["status"] == "accepted"


def test_deleting_an_article_frees_its_id_and_url(stack, upload, ingest_handler, lambda_context) -> None:
    from tests.support.aws import s3_record

    upload({"a/story.md": fields()})
    stack.s3.delete_object(Bucket=stack.bucket, Key="a/story.md")
    ingest_handler.lambda_handler({"Records": [s3_record("a/story.md", created=False)]}, lambda_context)

    upload({"b/story.md": fields()})

    assert ingestion(stack, "b/story.md")["status"] == "accepted"
    assert stored_article(stack, "story").source_key == "b/story.md"


def test_invalid_reupload_keeps_last_valid_version(stack, upload) -> None:
    upload({"a/story.md": fields()})
    before = stack.article_items()

    upload({"a/story.md": fields(quality=-5)})

    record = ingestion(stack, "a/story.md")
    assert record["status"] == "rejected"
    assert record["errors"][0]["loc"] == "quality"
    assert stack.article_items() == before
    assert stored_article(stack, "story").document["title"] == "A good title"


def test_unknown_keys_and_zone_less_dates_are_warnings(stack, upload) -> None:
    upload({"a/story.md": fields(publishedDateTime="2021-01-02 03:04:05", mood="happy")})
    record = ingestion(stack, "a/story.md")
    assert record["status"] == "accepted"
    assert {warning["loc"] for warning in record["warnings"]} == {"publishedDateTime", "mood"}
    article = stored_article(stack, "story")
    assert article.document["mood"] == "happy"
    assert article.document["publishedDateTime"] == "2021-01-02T03:04:05Z"
