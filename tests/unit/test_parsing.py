"""Parsing and validation without AWS: the splitter, the YAML guards, the model."""

from __future__ import annotations

from typing import Any

from article_feed.domain.records import is_later, sequencer_order
from article_feed.parsing import ParsedFile, parse_article_file
from tests.corpus import EXAMPLE

MINIMAL = b"---\ntitle: T\nwebUrl: https://e.com/a\npublishedDateTime: 2020-01-01T10:00:00+02:00\n---\n"


def test_example_file_is_valid() -> None:
    parsed = parse_article_file(EXAMPLE.read_bytes())
    assert parsed.is_valid, parsed.errors
    assert parsed.warnings == []


def test_bom_and_crlf_are_accepted_and_body_gets_lf() -> None:
    data = b"\xef\xbb\xbf" + (MINIMAL + b"line one\r\nline two\r\n").replace(b"\n", b"\r\n").replace(b"\r\r", b"\r")
    parsed = parse_article_file(data)
    assert parsed.is_valid, parsed.errors
    assert parsed.body == "line one\nline two\n"


def test_datetime_is_normalised_to_utc() -> None:
    document = _document(parse_article_file(MINIMAL))
    assert document["publishedDateTime"] == "2020-01-01T08:00:00Z"


def test_nulls_stay_null_and_absent_stays_absent() -> None:
    parsed = parse_article_file(MINIMAL.replace(b"---\n", b"---\nexcerpt: null\n", 1))
    document = _document(parsed)
    assert document["excerpt"] is None
    assert "category" not in document


def test_field_errors_point_at_the_file_line_and_column() -> None:
    data = (
        b"---\ntitle: T\nwebUrl: https://e.com/a\npublishedDateTime: 2020-01-01T00:00:00Z\n"
        b"related:\n  - title: R\n    webUrl: nope\n---\n"
    )
    error = parse_article_file(data).errors[0]
    assert (error.loc, error.line, error.column) == ("related[0].webUrl", 7, 5)
    assert error.as_text("a.md") == "a.md:7:5: related[0].webUrl: must be an http(s) URL"


def test_an_entry_without_a_key_points_at_the_entry() -> None:
    data = b"---\ntitle: T\nwebUrl: https://e.com/a\npublishedDateTime: 2020-01-01\ntopics:\n  -   [x]\n---\n"
    error = parse_article_file(data).errors[0]
    assert (error.loc, error.line, error.column) == ("topics[0]", 6, 7)


def test_yaml_syntax_error_line_counts_from_the_file_start() -> None:
    error = parse_article_file(b"---\ntitle: T\nbad: [\n---\n").errors[0]
    assert error.line == 4
    assert error.column is not None


def test_topics_are_trimmed_and_deduplicated() -> None:
    data = MINIMAL.replace(b"---\n", b"---\ntopics: [' AI ', AI, '', Robots]\n", 1)
    assert _document(parse_article_file(data))["topics"] == ["AI", "Robots"]


def test_sequencer_rule_pads_the_shorter_with_zeros() -> None:
    assert sequencer_order("0A") < sequencer_order("0A1") < sequencer_order("0B")
    assert sequencer_order("0a1") == sequencer_order("0A1") == "0A1" + "0" * 61  # upper case, zero-padded
    assert sequencer_order(None) == sequencer_order("") == ""
    assert is_later("00B", "00AFF")
    assert not is_later("00A1", "00A1")
    assert is_later("00A1", None)
    assert is_later(None, "00A1")


def _document(parsed: ParsedFile) -> dict[str, Any]:
    assert parsed.article is not None, parsed.errors
    return parsed.article.to_document()
