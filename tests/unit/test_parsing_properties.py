"""Properties of parsing: hostile input only ever yields the domain's own rejection."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from article_feed.domain.model import Image
from article_feed.parsing import ParsedFile, parse_article_file
from tests.strategies import article_files
from tests.support.examples import examples

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


@settings(max_examples=examples(400), deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    assert_rejection_or_article(data)


@settings(max_examples=examples(400), deadline=None)
@given(st.binary(max_size=500), st.booleans())
def test_arbitrary_bytes_inside_front_matter_never_raise(data: bytes, crlf: bool) -> None:
    newline = b"\r\n" if crlf else b"\n"
    assert_rejection_or_article(b"---" + newline + data + newline + b"---" + newline)


@settings(max_examples=examples(400), deadline=None)
@given(YAMLISH)
def test_yaml_like_text_never_raises(text: str) -> None:
    assert_rejection_or_article(f"---\n{text}\n---\nbody\n".encode())


@settings(max_examples=examples(300), deadline=None)
@given(data_values)
def test_arbitrary_yaml_documents_never_raise(value: object) -> None:
    assert_rejection_or_article(("---\n" + yaml.safe_dump(value, allow_unicode=True) + "---\n").encode())


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(article_files())
def test_generated_valid_articles_parse_to_the_expected_document(case) -> None:
    data, expected, body = case
    parsed = parse_article_file(data)
    assert parsed.errors == []
    assert _document(parsed) == expected
    assert parsed.body == body


@settings(max_examples=examples(300), deadline=None)
@given(st.datetimes(timezones=st.one_of(st.none(), st.timezones())), st.sampled_from(["T", " "]))
def test_any_datetime_is_accepted_or_rejected_at_its_field(moment, separator) -> None:
    text = moment.isoformat(sep=separator)
    parsed = parse_article_file(f"---\ntitle: T\nwebUrl: https://e.com/a\npublishedDateTime: '{text}'\n---\n".encode())
    if parsed.errors:
        assert [error.loc for error in parsed.errors] == ["publishedDateTime"]
    else:
        assert _document(parsed)["publishedDateTime"].endswith("Z")


class _ReferenceLoader(yaml.CSafeLoader):
    """libyaml's safe loader with PyYAML's own tag resolution and constructor,
    timestamps as text: what the parser's node builder and resolver must reproduce."""


_ReferenceLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.CSafeLoader.yaml_implicit_resolvers.items()
}
ANCHORED = st.sampled_from(
    [
        "a: &x [1, 2]\nb: *x\n",
        "base: &b {k: 1, j: two}\nc:\n  <<: *b\n  k: 3\n",
        "n: 0o17\no: 017\nh: 0x1F\nu: 1_000\ns: 1:30\nf: 1.5e3\ni: .inf\nm: -0\np: +12\n",
        "y: yes\nN: No\nz: ~\ne:\nt: 2020-01-02T03:04:05Z\nq: '12'\nb: !!binary aGk=\n",
        "1: one\n2.5: x\nnull: y\n",
        "s: !!set {a, b}\no: !!omap [a: 1, b: 2]\np: !!pairs [a: 1, a: 2]\n",
        "b: !!bool maybe\n",
        "b: !!bool TRUE\nc: !!bool off\nn: !!null x\ni: !!int 0x1f\nf: !!float 1\nt: !!str 12\n",
    ]
)


@settings(max_examples=examples(300), deadline=None)
@given(st.one_of(data_values.map(lambda value: yaml.safe_dump({"v": value}, allow_unicode=True)), YAMLISH, ANCHORED))
def test_front_matter_data_is_what_pyyaml_builds(text: str) -> None:
    # The parser builds common nodes itself and resolves tags itself, for speed
    # (docs/performance.md); whatever it accepts must equal PyYAML's own result.
    from article_feed.parsing import FileRejected
    from article_feed.parsing.safe_yaml import compose, construct

    try:
        expected = yaml.load(text, Loader=_ReferenceLoader)
    except (yaml.YAMLError, ValueError, TypeError, LookupError, ArithmeticError):
        expected = _REJECTED
    try:
        found = construct(compose(text))
    except FileRejected as rejected:
        # It refuses more than PyYAML, for these reasons only; never less.
        assert expected is _REJECTED or any(reason in rejected.diagnostic.msg for reason in STRICTER), rejected
        return
    assert expected is not _REJECTED
    assert repr(found) == repr(expected if expected is not None else {})


_REJECTED = object()
STRICTER = (
    "duplicate key",
    "must be a YAML mapping",
    "field names must be text",
    "nested more than",
    "aliases expand",
    # JSON answers cannot carry these faithfully (SPEC: integers are JSON-safe).
    "finite number",
    "JSON-safe",
    "cannot be served as JSON",
)


def _is_image_url(value: str) -> bool:
    """The contract's rule for an image `url`: an http(s) URL, or a path from the site's root."""
    return (value.startswith("/") and not value.startswith("//")) or _is_http_url(value)


def _is_http_url(value: str) -> bool:
    """The contract's rule for URL fields, written plainly: the scheme and a host
    (spaces and other characters are served as written)."""
    try:
        parts = urlsplit(value)
        return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:
        return False


URLISH = st.text(alphabet="hHtTpPsS:/.-@[]?#%:0123456789abcXYZé_~ \t", max_size=40)


@settings(max_examples=examples(2000), deadline=None)
@given(st.one_of(URLISH, st.builds("{}://{}".format, st.sampled_from(["http", "HTTPS", "ftp", "h"]), URLISH)))
def test_url_fields_accept_exactly_http_urls_with_a_host(value: str) -> None:
    # The model decides most URLs with a fast regular expression (docs/performance.md).
    try:
        Image.model_validate({"url": value})
        accepted = True
    except ValidationError:
        accepted = False
    assert accepted == (bool(value.strip()) and _is_image_url(value.strip()))


def _document(parsed: ParsedFile) -> dict[str, Any]:
    assert parsed.article is not None, parsed.errors
    return parsed.article.to_document()
