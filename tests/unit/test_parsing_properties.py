"""Properties of parsing: hostile input only ever yields the domain's own rejection."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from article_feed.parsing import parse_article_file
from tests.strategies import article_files

YAMLISH = st.text(alphabet="ab1:-_ []{}&*!|>'\"#%@`,?\n\t\\.=~", max_size=300)
data_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20)),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=30,
)


def assert_rejection_or_article(data: bytes) -> None:
    parsed = parse_article_file(data)
    if parsed.errors:
        assert parsed.article is None
        for error in parsed.errors:
            assert isinstance(error.loc, str) and error.loc
            assert error.msg
    else:
        assert parsed.article is not None


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    assert_rejection_or_article(data)


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=500), st.booleans())
def test_arbitrary_bytes_inside_front_matter_never_raise(data: bytes, crlf: bool) -> None:
    newline = b"\r\n" if crlf else b"\n"
    assert_rejection_or_article(b"---" + newline + data + newline + b"---" + newline)


@settings(max_examples=400, deadline=None)
@given(YAMLISH)
def test_yaml_like_text_never_raises(text: str) -> None:
    assert_rejection_or_article(f"---\n{text}\n---\nbody\n".encode())


@settings(max_examples=300, deadline=None)
@given(data_values)
def test_arbitrary_yaml_documents_never_raise(value: object) -> None:
    assert_rejection_or_article(("---\n" + yaml.safe_dump(value, allow_unicode=True) + "---\n").encode())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(article_files())
def test_generated_valid_articles_parse_to_the_expected_document(case) -> None:
    data, expected, body = case
    parsed = parse_article_file(data)
    assert parsed.errors == []
    assert parsed.article.to_document() == expected
    assert parsed.body == body


@settings(max_examples=300, deadline=None)
@given(st.datetimes(timezones=st.one_of(st.none(), st.timezones())), st.sampled_from(["T", " "]))
def test_any_datetime_is_accepted_or_rejected_at_its_field(moment, separator) -> None:
    text = moment.isoformat(sep=separator)
    parsed = parse_article_file(f"---\ntitle: T\nwebUrl: https://e.com/a\npublishedDateTime: '{text}'\n---\n".encode())
    if parsed.errors:
        assert [error.loc for error in parsed.errors] == ["publishedDateTime"]
    else:
        assert parsed.article.to_document()["publishedDateTime"].endswith("Z")
