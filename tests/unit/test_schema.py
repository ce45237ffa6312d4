"""The front matter's JSON Schema against the files `validate` judges: every
accepted file passes it, and the common mistakes fail it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from jsonschema import Draft202012Validator, FormatChecker

from article_feed.domain.schema import article_schema
from article_feed.parsing import parse_article_file
from article_feed.parsing.front_matter import decode, split_front_matter
from article_feed.parsing.safe_yaml import compose, construct
from articlectl.__main__ import main
from tests.corpus import EXAMPLE, corpus, render
from tests.strategies import article_files
from tests.support.examples import examples

VALIDATOR = Draft202012Validator(article_schema(), format_checker=FormatChecker())
BASE: dict[str, Any] = {
    "title": "T",
    "webUrl": "https://news.example.com/a",
    "publishedDateTime": "2020-03-01T10:00:00Z",
}


def front_matter(data: bytes) -> Any:
    """The front matter as YAML tools read it (timestamps stay text, as in YAML 1.2)."""
    text, _ = split_front_matter(decode(data, 1 << 20))
    return construct(compose(text))


def problems(data: dict[str, Any]) -> list[str]:
    return [error.message for error in VALIDATOR.iter_errors(data)]


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(article_schema())
    assert article_schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


SAMPLES = sorted((Path(__file__).resolve().parents[2] / "samples").iterdir())


def test_every_accepted_corpus_file_and_sample_passes() -> None:
    assert len(SAMPLES) >= 6
    files = [EXAMPLE.read_bytes(), *(item.data for item in corpus(36)), *(path.read_bytes() for path in SAMPLES)]
    for data in files:
        assert parse_article_file(data).errors == []
        assert problems(front_matter(data)) == []


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(article_files())
def test_every_generated_file_validate_accepts_passes(case) -> None:
    data, _, _ = case
    assert parse_article_file(data).errors == []
    assert problems(front_matter(data)) == []


@pytest.mark.parametrize(
    "value",
    ["2020-03-01", "2020-03-01T10:00:00", "2020-03-01 10:00", "2020-03-01T10:00:00.123456+05:30", "20200301T1000Z"],
)
def test_date_times_validate_accepts_pass_even_without_a_zone(value) -> None:
    assert parse_article_file(render(BASE | {"publishedDateTime": value}, "")).errors == []
    assert problems(BASE | {"publishedDateTime": value}) == []


def test_unknown_keys_nulls_and_site_relative_logos_pass() -> None:
    data = BASE | {
        "customScore": {"any": ["thing"]},
        "excerpt": None,
        "provider": {"name": "P", "domain": "news.example.com", "images": [{"url": "/logo.png"}]},
    }
    assert problems(data) == []


MISTAKES: dict[str, tuple[dict[str, Any], str]] = {
    "no title": ({"title": None}, "title"),
    "missing webUrl": ({"webUrl": ...}, "webUrl"),
    "missing publishedDateTime": ({"publishedDateTime": ...}, "publishedDateTime"),
    "title as a number": ({"title": 12}, "title"),
    "empty title": ({"title": ""}, "title"),
    "title of 1001 characters": ({"title": "x" * 1001}, "title"),
    "date in prose": ({"publishedDateTime": "March 1, 2020"}, "publishedDateTime"),
    "URL without scheme": ({"webUrl": "news.example.com/a"}, "webUrl"),
    "ftp URL": ({"webUrl": "ftp://news.example.com/a"}, "webUrl"),
    "negative quality": ({"quality": -1}, "quality"),
    "quality as text": ({"quality": "high"}, "quality"),
    "heat below -1": ({"heat": -2}, "heat"),
    "quality past 2^53 - 1": ({"quality": 2**53}, "quality"),
    "published as text": ({"published": "yes"}, "published"),
    "topics as text": ({"topics": "AI"}, "topics"),
    "relative image URL": ({"images": [{"url": "logo.png"}]}, "images"),
    "provider domain with a scheme": ({"provider": {"domain": "https://example.com"}}, "provider"),
    "an id in the file": ({"id": "x"}, "id"),
    "a body in the file": ({"body": "x"}, "body"),
    "related without webUrl": ({"related": [{"title": "R"}]}, "related"),
    "101 related articles": ({"related": [{"title": "R", "webUrl": "https://e.com/r"}] * 101}, "related"),
}


@pytest.mark.parametrize("case", MISTAKES)
def test_common_mistakes_fail_both_the_schema_and_validate(case) -> None:
    change, field = MISTAKES[case]
    data = {name: value for name, value in (BASE | change).items() if value is not ...}
    errors = list(VALIDATOR.iter_errors(data))
    assert errors, case
    assert any(field in [*error.absolute_path, *_required_names(error)] for error in errors), case
    assert parse_article_file(render(data, "")).errors, case


def _required_names(error: Any) -> list[str]:
    return list(error.instance.keys() ^ set(error.schema.get("required", []))) if error.validator == "required" else []


def test_the_limits_hold_at_the_limit() -> None:
    assert problems(BASE | {"title": "x" * 1000, "quality": 2**53 - 1, "heat": -1}) == []
    assert problems(BASE | {"related": [{"title": "R", "webUrl": "https://e.com/r"}] * 100}) == []


def test_articlectl_schema_prints_the_schema(capsys) -> None:
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == article_schema()


def test_fields_carry_no_titles_made_from_python_names() -> None:
    # Built afresh, not the cached copy: `make mutation` changes the code after a first build.
    schema = article_schema.__wrapped__()
    assert schema == article_schema()
    for definition in [schema, *schema["$defs"].values()]:
        titled = [name for name, value in definition["properties"].items() if "title" in value]
        assert titled == [], definition.get("title")
