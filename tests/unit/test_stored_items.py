"""The storage adapter's own guards: what one DynamoDB item can hold, at the limit
and one past it. The checks refuse such files first (test_limits_at_the_edge.py);
these guards stop whatever reaches storage anyway, naming the part to shorten."""

from __future__ import annotations

import base64
import json
import random
from typing import Any

import pytest

from article_feed.domain.errors import TooLargeToStore
from article_feed.domain.limits import MAX_STORED_DOCUMENT_BYTES, MAX_SUMMARY_BYTES, stored_content
from article_feed.domain.views import summary_view
from article_feed.dynamo.items import ArticleItems, served_of_image, summary_of_entry

DOCUMENT: dict[str, Any] = {
    "title": "T",
    "webUrl": "https://news.example.com/a",
    "publishedDateTime": "2020-03-01T10:00:00Z",
    "topics": ["Energy"],
}
AT = "2026-01-01T00:00:00.000Z"


def build(document: dict[str, Any], body: str = "") -> ArticleItems:
    return ArticleItems.build("a", "in/a.md", document, body, AT, 1)


def summary_bytes(document: dict[str, Any]) -> int:
    summary = {"id": "a", **summary_view(document), "sourceKey": "in/a.md", "ingestedAt": AT}
    return len(json.dumps(summary, ensure_ascii=False).encode())


def with_summary_of(size: int) -> dict[str, Any]:
    """DOCUMENT with an excerpt making its summary `size` bytes: "é" (two bytes in
    UTF-8, six escaped) as far as they go, "x" for the rest."""
    room = size - summary_bytes(DOCUMENT | {"excerpt": ""})
    document = DOCUMENT | {"excerpt": "é" * (room // 2) + "x" * (room % 2)}
    assert summary_bytes(document) == size
    return document


def test_a_summary_at_the_limit_is_stored_as_utf8_and_one_byte_more_is_refused() -> None:
    at = build(with_summary_of(MAX_SUMMARY_BYTES))
    assert summary_of_entry({"B": at.entries[0]["summary"]})["excerpt"].startswith("ééé")

    with pytest.raises(TooLargeToStore) as refused:
        build(with_summary_of(MAX_SUMMARY_BYTES + 1))
    assert refused.value.loc == "(front matter)"
    assert str(refused.value) == (
        f"the article without related, body and secured is larger than {MAX_SUMMARY_BYTES} bytes as JSON; "
        "shorten the excerpt or the unknown fields"
    )


def body_stored_in(size: int) -> str:
    """A body (text that hardly compresses) that makes the stored article `size` bytes."""
    noise = base64.b85encode(random.Random(7).randbytes(size)).decode()
    low, high = 0, len(noise)
    while low < high:  # the shortest prefix stored in at least `size` bytes
        middle = (low + high) // 2
        if len(stored_content(DOCUMENT, noise[:middle])) < size:
            low = middle + 1
        else:
            high = middle
    for length in range(low, low + 64):  # compressed sizes step unevenly: find one that lands on it
        if len(stored_content(DOCUMENT, noise[:length])) == size:
            return noise[:length]
    raise AssertionError(f"no body stores in exactly {size} bytes")


def test_an_article_stored_in_exactly_the_limit_is_kept_and_one_byte_more_is_refused_at_the_body() -> None:
    assert len(build(DOCUMENT, body_stored_in(MAX_STORED_DOCUMENT_BYTES)).article["doc"]) == MAX_STORED_DOCUMENT_BYTES

    with pytest.raises(TooLargeToStore) as refused:
        build(DOCUMENT, body_stored_in(MAX_STORED_DOCUMENT_BYTES + 1))
    assert refused.value.loc == "body"
    assert str(refused.value) == f"the article is larger than {MAX_STORED_DOCUMENT_BYTES} bytes even compressed"


@pytest.mark.parametrize("form", ["base64 text (Lambda's event)", "bytes (boto3)"])
def test_a_stream_image_serves_the_article_as_the_api_does(form) -> None:
    content = stored_content(DOCUMENT | {"secured": "opaque"}, "Body.\n")
    raw = base64.b64encode(content).decode() if form.startswith("base64") else content
    assert served_of_image({"pk": "ARTICLE#a", "doc": raw, "source_key": "in/a.md"}) == {
        **DOCUMENT,
        "body": "Body.\n",
        "sourceKey": "in/a.md",
    }


def test_list_sort_keys_follow_time_whatever_the_fraction_is_written() -> None:
    from article_feed.dynamo.keys import sort_moment

    half = sort_moment("2024-01-01T00:00:00.5Z")
    assert half == sort_moment("2024-01-01T00:00:00.500000Z") == "2024-01-01T00:00:00.500000Z"
    assert sort_moment("2024-01-01T00:00:00.000010Z") < half < sort_moment("2024-01-01T00:00:01Z")
