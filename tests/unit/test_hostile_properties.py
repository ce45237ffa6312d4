"""Generated hostile files: whatever they hold, checking one never raises, its record
stays readable and small, and nothing under `secured` is ever shown or served."""

from __future__ import annotations

import base64
import json
import random
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from article_feed.domain.limits import MAX_STORED_DOCUMENT_BYTES, stored_content, stored_size_if_too_large
from article_feed.domain.records import IngestionRecord
from article_feed.domain.views import public, summary_view
from article_feed.parsing.checks import check_article
from tests.support.examples import examples

SECRET = "Zq9-secret-payload"
BASE = {"title": "T", "webUrl": "https://news.example.com/a", "publishedDateTime": "2021-01-02T03:04:05Z"}
ITEM_LIMIT = 400 * 1024

huge_integers = st.one_of(
    st.integers(min_value=2**53 - 2, max_value=2**53 + 2),
    st.builds(lambda digits: int("9" * digits), st.integers(min_value=15, max_value=4000)),
)
unicode_variants = st.sampled_from(
    ["Café", "Cafe\u0301", "AI\u200b", "ＡＩ", "\ufdfa" * 9, "ß" * 130, "\u200b", "x" * 300]
)
leaves = st.one_of(st.none(), st.booleans(), huge_integers, st.floats(), unicode_variants, st.text(max_size=30))
values = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(["a", "secured", "url", "title"]), inner, max_size=4),
    ),
    max_leaves=20,
)


def _with_secret_at(path: list[str], document: dict[str, Any]) -> dict[str, Any]:
    holder = document
    for name in path:
        holder = holder.setdefault(name, {}) if isinstance(holder.get(name, {}), dict) else {}
    holder["secured"] = SECRET
    return document


@st.composite
def hostile_files(draw: st.DrawFn) -> bytes:
    document: dict[str, Any] = dict(BASE)
    for name in draw(
        st.lists(st.sampled_from(["quality", "heat", "topics", "category", "locale", "provider", "x"]), max_size=4)
    ):
        document[name] = draw(values)
    document.update({f"k{i}": i for i in range(draw(st.integers(min_value=0, max_value=400)))})
    _with_secret_at(draw(st.lists(st.sampled_from(["provider", "extra", "deeper"]), max_size=3)), document)
    text = "---\n" + yaml.safe_dump(document, allow_unicode=True) + "---\nbody\n"
    if draw(st.booleans()):  # aliases that point at one big string
        size = draw(st.integers(min_value=1_000, max_value=300_000))
        text = text.replace(
            "---\n",
            f"---\nbig: &big {'y' * size}\n" + "".join(f"a{i}: *big\n" for i in range(draw(st.integers(0, 8)))),
            1,
        )
    return text.encode()


@settings(
    max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(hostile_files())
def test_a_hostile_file_never_raises_and_its_record_is_small_readable_and_secret_free(data: bytes) -> None:
    checked = check_article("in/hostile.md", data, max_bytes=1024 * 1024)

    record = IngestionRecord(
        key="in/hostile.md",
        status="accepted" if checked.is_valid else "rejected",
        errors=checked.errors,
        warnings=checked.warnings,
        error_count=checked.error_total,
        warning_count=checked.warning_total,
        processed_at="2026-01-01T00:00:00Z",
    )
    stored = record.model_dump_json()
    assert len(stored.encode()) < ITEM_LIMIT // 2
    assert IngestionRecord.model_validate_json(stored) == record
    assert SECRET not in stored
    if checked.article is not None:
        document = checked.article.to_document()
        assert SECRET not in json.dumps(public(document)) + json.dumps(summary_view(document))


@settings(max_examples=examples(40), deadline=None)
@given(st.integers(MAX_STORED_DOCUMENT_BYTES - 2000, MAX_STORED_DOCUMENT_BYTES * 13 // 10), st.booleans())
def test_the_stored_size_check_compresses_only_where_it_cannot_matter(length, repetitive) -> None:
    # Random base85 text compresses to about 80 %: lengths from below the limit to
    # past where its compressed size crosses it; repetitive text never crosses.
    body = "a" * length if repetitive else base64.b85encode(random.Random(length).randbytes(length))[:length].decode()
    expected = len(stored_content({}, body))
    assert stored_size_if_too_large({}, body) == (expected if expected > MAX_STORED_DOCUMENT_BYTES else None)


def test_an_article_just_over_the_stored_limit_is_refused_and_just_under_is_not() -> None:
    rng = random.Random(7)
    text = base64.b85encode(rng.randbytes(600_000)).decode()
    low, high = 0, len(text)  # the longest prefix whose compressed size fits
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (
            (middle, high) if len(stored_content({}, text[:middle])) <= MAX_STORED_DOCUMENT_BYTES else (low, middle - 1)
        )
    assert stored_size_if_too_large({}, text[:low]) is None
    assert stored_size_if_too_large({}, text[: low + 40]) is not None
