"""One story, one URL, through the ingest handler under moto: a newcomer whose
webUrl is a variant of a stored one is rejected naming the holder; served URLs
stay as written; deletes free the canonical URL; claims stored under the old
exact-string rule move to the canonical one on `articlectl reindex`."""

from __future__ import annotations

import hashlib

import pytest

from articlectl.__main__ import main
from tests.corpus import render
from tests.support.aws import ingestion, stored_article
from tests.unit.test_canonical_urls import ANOTHER_STORY, SAME_STORY, STORY


def story(url: str, title: str = "A story") -> bytes:
    return render({"title": title, "webUrl": url, "publishedDateTime": "2021-01-02T03:04:05Z"}, "body\n")


@pytest.mark.parametrize("variant", SAME_STORY)
def test_a_variant_of_a_stored_url_is_rejected_naming_the_holder(stack, upload, variant) -> None:
    upload({"a/first.md": story(STORY)})
    before = stack.article_items()

    upload({"b/second.md": story(SAME_STORY[variant])})

    record = ingestion(stack, "b/second.md")
    assert record["status"] == "rejected"
    assert [error["loc"] for error in record["errors"]] == ["webUrl"]
    assert "a/first.md" in record["errors"][0]["msg"] and "'first'" in record["errors"][0]["msg"]
    assert stack.article_items() == before


def test_urls_naming_other_pages_are_other_stories_and_served_as_written(stack, upload) -> None:
    files = {f"b/other{index}.md": story(url) for index, url in enumerate(ANOTHER_STORY.values())}
    upload({"a/first.md": story(STORY), **files})

    assert all(ingestion(stack, key)["status"] == "accepted" for key in files)
    for index, url in enumerate(ANOTHER_STORY.values()):
        assert stored_article(stack, f"other{index}").document["webUrl"] == url


def test_an_article_may_move_between_variants_of_its_own_url(stack, upload) -> None:
    upload({"a/first.md": story(STORY)})
    upload({"a/first.md": story(SAME_STORY["all at once"], title="Updated")})

    assert ingestion(stack, "a/first.md")["status"] == "accepted"
    assert stored_article(stack, "first").document["webUrl"] == SAME_STORY["all at once"]
    claims = [item for item in stack.items() if item["pk"]["S"].startswith("URL#")]
    assert len(claims) == 1


def test_deleting_an_article_frees_its_canonical_url(stack, upload, ingest_handler, lambda_context) -> None:
    from tests.support.aws import s3_record

    upload({"a/first.md": story(STORY)})
    stack.s3.delete_object(Bucket=stack.bucket, Key="a/first.md")
    ingest_handler.lambda_handler({"Records": [s3_record("a/first.md", created=False)]}, lambda_context)

    upload({"b/second.md": story(SAME_STORY["a leading www."])})

    assert ingestion(stack, "b/second.md")["status"] == "accepted"
    assert not [item for item in stack.items() if item["pk"]["S"].startswith("URL#")][1:]


def _as_stored_before_canonical_urls(stack, article_id: str, url: str) -> None:
    """Rewrite an article's claim as the old rule stored it: keyed by the exact URL,
    and no `claim_pk` on the article item."""
    (claim,) = [item for item in stack.items() if item["pk"]["S"].startswith("URL#")]
    stack.dynamodb.delete_item(TableName=stack.table, Key={"pk": claim["pk"], "sk": claim["sk"]})
    claim["pk"] = {"S": "URL#" + hashlib.sha256(url.encode()).hexdigest()}
    stack.dynamodb.put_item(TableName=stack.table, Item=claim)
    stack.dynamodb.update_item(
        TableName=stack.table,
        Key={"pk": {"S": f"ARTICLE#{article_id}"}, "sk": {"S": "A"}},
        UpdateExpression="REMOVE claim_pk",
    )


def test_claims_stored_under_the_exact_url_move_to_the_canonical_one_on_reindex(stack, upload, capsys) -> None:
    written = SAME_STORY["all at once"]
    upload({"a/first.md": story(written)})
    _as_stored_before_canonical_urls(stack, "first", written)

    # Until the reindex, the old claim does not see variants (the migration step, README).
    assert main(["reindex", "--bucket", stack.bucket, "--table", stack.table]) == 0
    assert "1 accepted" in capsys.readouterr().out
    claims = [item for item in stack.items() if item["pk"]["S"].startswith("URL#")]
    assert [item["pk"]["S"] for item in claims] == [
        "URL#" + hashlib.sha256(b"news.example.com/2020/story?id=7&page=2").hexdigest()
    ]

    upload({"b/second.md": story(STORY)})
    assert ingestion(stack, "b/second.md")["status"] == "rejected"


def test_an_article_stored_before_canonical_urls_releases_its_old_claim_when_deleted(
    stack, upload, ingest_handler, lambda_context
) -> None:
    from tests.support.aws import s3_record

    upload({"a/first.md": story(STORY)})
    _as_stored_before_canonical_urls(stack, "first", STORY)
    stack.s3.delete_object(Bucket=stack.bucket, Key="a/first.md")
    ingest_handler.lambda_handler({"Records": [s3_record("a/first.md", created=False)]}, lambda_context)

    assert [item for item in stack.items() if item["pk"]["S"].startswith("URL#")] == []
