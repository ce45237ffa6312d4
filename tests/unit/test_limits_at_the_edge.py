"""Every limit of an article file, exactly at the limit (accepted) and one past it
(refused at its field), as `articlectl validate` and ingest judge it."""

from __future__ import annotations

from typing import Any

import pytest

from article_feed.domain.identity import MAX_ID_LENGTH
from article_feed.domain.model import MAX_KEY_TEXT_BYTES, MAX_RELATED, MAX_TITLE_LENGTH, MAX_TOPICS
from article_feed.domain.text import MAX_SAFE_INTEGER, shown
from article_feed.parsing.checks import check_article
from tests.corpus import render

BASE: dict[str, Any] = {
    "title": "T",
    "webUrl": "https://news.example.com/a",
    "publishedDateTime": "2020-03-01T10:00:00Z",
}
RELATED = {"title": "R", "webUrl": "https://e.com/r"}


def _host(label: int, total: int | None = None) -> str:
    """A host name with a first label of `label` characters, padded with 63-character labels to `total`."""
    host = "a" * label + ".com"
    while total and len(host) < total:
        host = ("b" * min(63, total - len(host) - 1) + ".") + host
    assert total is None or len(host) == total
    return host


# field: (value at the limit, value one past it, the location of the error)
LIMITS: dict[str, tuple[dict[str, Any], dict[str, Any], str]] = {
    "title length": ({"title": "x" * MAX_TITLE_LENGTH}, {"title": "x" * (MAX_TITLE_LENGTH + 1)}, "title"),
    "related entries": ({"related": [RELATED] * MAX_RELATED}, {"related": [RELATED] * (MAX_RELATED + 1)}, "related"),
    "topics": (
        {"topics": [f"t{i}" for i in range(MAX_TOPICS)]},
        {"topics": [f"t{i}" for i in range(MAX_TOPICS + 1)]},
        "topics",
    ),
    "topic bytes": ({"topics": ["x" * MAX_KEY_TEXT_BYTES]}, {"topics": ["x" * (MAX_KEY_TEXT_BYTES + 1)]}, "topics[0]"),
    "category bytes": (
        {"category": "x" * MAX_KEY_TEXT_BYTES},
        {"category": "x" * (MAX_KEY_TEXT_BYTES + 1)},
        "category",
    ),
    "quality": ({"quality": MAX_SAFE_INTEGER}, {"quality": MAX_SAFE_INTEGER + 1}, "quality"),
    "quality floor": ({"quality": 0}, {"quality": -1}, "quality"),
    "heat floor": ({"heat": -1}, {"heat": -2}, "heat"),
    "host label": (
        {"provider": {"domain": _host(63)}},
        {"provider": {"domain": _host(64)}},
        "provider.domain",
    ),
    "host name length": (
        {"provider": {"domain": _host(3, 253)}},
        {"provider": {"domain": _host(3, 254)}},
        "provider.domain",
    ),
}


@pytest.mark.parametrize("case", LIMITS)
def test_a_field_at_its_limit_is_accepted_and_one_past_is_refused_there(case) -> None:
    at, past, loc = LIMITS[case]
    accepted = check_article("in/a.md", render(BASE | at, ""), max_bytes=1 << 20)
    assert accepted.errors == [], case
    assert accepted.article is not None

    refused = check_article("in/a.md", render(BASE | past, ""), max_bytes=1 << 20)
    assert [error.loc for error in refused.errors] == [loc], refused.errors
    assert refused.article is None


def test_an_id_at_its_length_limit_is_accepted_and_one_longer_is_refused() -> None:
    data = render(BASE, "")
    assert check_article(f"in/{'y' * MAX_ID_LENGTH}.md", data, max_bytes=1 << 20).errors == []
    refused = check_article(f"in/{'y' * (MAX_ID_LENGTH + 1)}.md", data, max_bytes=1 << 20)
    assert [error.model_dump(exclude_none=True) for error in refused.errors] == [
        {
            "loc": "key",
            "msg": f"the file name (the article id) must be 1-{MAX_ID_LENGTH} characters of A-Z a-z 0-9 _ . - "
            "(not . or ..)",
            "value": shown("y" * (MAX_ID_LENGTH + 1)),
        }
    ]
    assert refused.article is None


@pytest.mark.parametrize("article_id", [".", ".."])
def test_the_ids_no_url_path_can_reach_are_refused(article_id: str) -> None:
    from article_feed.domain.identity import id_problem

    assert id_problem(article_id) is not None
    assert id_problem(article_id * 2 + "x") is None  # dots are fine elsewhere


def test_the_stored_form_reads_back_and_keeps_utf8_as_written() -> None:
    import zlib

    from article_feed.domain.limits import read_stored_content, stored_content

    document = {"title": "Café 日本", "topics": ["AI"]}
    stored = stored_content(document, "本文" * 1000)
    assert read_stored_content(stored) == (document, "本文" * 1000)
    assert ("本文" * 1000).encode() in zlib.decompress(stored)  # 3 bytes a character, not a 6-byte escape
