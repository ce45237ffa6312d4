"""check_article, the one pass ingest and `articlectl validate` share: the id's
problem joined to the file's, what a bug in the parser becomes, and the two limits
of what one DynamoDB item holds, with their exact messages."""

from __future__ import annotations

import base64
import json
import random
import re

import pytest

from article_feed.domain.diagnostics import Diagnostic
from article_feed.domain.identity import id_problem
from article_feed.domain.limits import MAX_STORED_DOCUMENT_BYTES
from article_feed.domain.views import summary_view
from article_feed.parsing import checks
from article_feed.parsing.checks import MAX_FRONT_MATTER_SUMMARY_BYTES, check_article

LIMIT = 1 << 21
HEAD = "---\ntitle: T\nwebUrl: https://news.example.com/1\npublishedDateTime: 2021-01-02T03:04:05Z\n"
WARNING = "related:\n  - {title: R, webUrl: 'https://r.example.com/1', extra: x}\n"


def file(extra: str = "", body: str = "The body.\n") -> bytes:
    return f"{HEAD}{extra}---\n{body}".encode()


def test_a_valid_file_has_its_article_body_and_warnings() -> None:
    checked = check_article("in/x.md", file(WARNING), max_bytes=LIMIT)
    assert checked.article is not None and checked.article.title == "T"
    assert checked.body == "The body.\n" and checked.errors == []
    assert [warning.loc for warning in checked.warnings] == ["related[0].extra"] and checked.warning_total == 1


def test_a_bad_id_refuses_a_valid_file_and_keeps_its_warnings() -> None:
    checked = check_article("in/bad id.md", file(WARNING), max_bytes=LIMIT)
    problem = id_problem("bad id")
    assert problem is not None
    assert checked.errors == [Diagnostic(loc="key", msg=problem, value="bad id")]
    assert (checked.article, checked.error_total, checked.warning_total) == (None, 1, 1)


def test_a_bad_id_comes_first_among_a_bad_file_s_errors_and_is_counted() -> None:
    checked = check_article("in/bad id.md", file("images: [{url: 'ftp://a'}, {url: 'ftp://b'}]\n"), max_bytes=LIMIT)
    assert [error.loc for error in checked.errors] == ["key", "images[0].url", "images[1].url"]
    assert checked.error_total == 3


def test_a_bug_in_the_parser_is_a_rejection_naming_the_exception(monkeypatch) -> None:
    def broken(*_: object, **__: object) -> None:
        raise ValueError("a bug")

    monkeypatch.setattr(checks, "parse_article_file", broken)
    checked = check_article("in/x.md", file(), max_bytes=LIMIT)
    assert checked.errors == [Diagnostic(loc="(file)", msg="the file could not be read (ValueError)")]
    assert checked.article is None


def test_a_body_too_large_even_compressed_is_refused_at_body_with_its_size() -> None:
    noise = base64.b64encode(random.Random(0).randbytes(500_000)).decode()  # compresses to about 75 %
    checked = check_article("in/x.md", file(WARNING, noise), max_bytes=LIMIT)
    assert checked.article is None and len(checked.errors) == 1
    error = checked.errors[0]
    found = re.fullmatch(
        rf"the article is larger than {MAX_STORED_DOCUMENT_BYTES} bytes even compressed \((\d+)\)", error.msg
    )
    assert error.loc == "body" and found and MAX_STORED_DOCUMENT_BYTES < int(found[1]) < len(noise)
    assert [warning.loc for warning in checked.warnings] == ["related[0].extra"]


def _summary(data: bytes) -> int:
    checked = check_article("in/x.md", data, max_bytes=LIMIT)
    assert checked.article is not None, checked.errors
    return len(json.dumps(summary_view(checked.article.to_document()), ensure_ascii=False).encode())


@pytest.mark.parametrize("past", [0, 1])
def test_a_summary_at_its_limit_passes_and_one_byte_more_is_refused(past: int) -> None:
    length = MAX_FRONT_MATTER_SUMMARY_BYTES - _summary(file("excerpt: x\n")) + 1
    data = file(f"excerpt: {'x' * (length + past)}\n{WARNING}")
    checked = check_article("in/x.md", data, max_bytes=LIMIT)
    if not past:
        assert checked.errors == [] and _summary(data) == MAX_FRONT_MATTER_SUMMARY_BYTES
        return
    size = MAX_FRONT_MATTER_SUMMARY_BYTES + 1
    assert checked.errors == [
        Diagnostic(
            loc="(front matter)",
            msg=f"the article without related, body and secured is larger than {MAX_FRONT_MATTER_SUMMARY_BYTES} "
            f"bytes as JSON ({size}); shorten the excerpt or the unknown fields",
        )
    ]
    assert checked.article is None and [warning.loc for warning in checked.warnings] == ["related[0].extra"]


def test_the_size_limit_given_is_the_one_applied() -> None:
    data = file()
    assert check_article("in/x.md", data, max_bytes=len(data)).errors == []
    refused = check_article("in/x.md", data, max_bytes=len(data) - 1)
    assert [(error.loc, error.msg) for error in refused.errors] == [
        ("(file)", f"file is larger than the limit of {len(data) - 1} bytes")
    ]


def test_the_front_matter_counts_toward_the_stored_size_and_warnings_stay_counted() -> None:
    rng = random.Random(1)
    noise = base64.b64encode(rng.randbytes(300_000)).decode()  # about 300 KB once compressed: fits alone
    extras = ", ".join(f"x{i}: {i}" for i in range(150))  # 150 warnings
    related = "".join(
        f"  - {{title: '{base64.b64encode(rng.randbytes(700)).decode()[:1000]}', webUrl: 'https://r.example.com/{i}'"
        + (f", {extras}" if i == 0 else "")
        + "}\n"
        for i in range(100)
    )
    alone = check_article("in/x.md", file(body=noise), max_bytes=LIMIT)
    assert alone.errors == []
    checked = check_article("in/x.md", file("related:\n" + related, noise), max_bytes=LIMIT)
    assert [error.loc for error in checked.errors] == ["body"]
    assert (len(checked.warnings), checked.warning_total) == (100, 150)
