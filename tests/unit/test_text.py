"""The text rules every part shares, exactly: the matching form of keys, the bytes
DynamoDB counts, and `shown`, the bounded text a value becomes in a diagnostic."""

from __future__ import annotations

import pytest

from article_feed.domain.text import HIDDEN, MAX_SHOWN_CHARS, match_key, shown, utf8_size


@pytest.mark.parametrize(
    ("written", "key"),
    [
        (" Cafe\u0301 ", "café"),  # combining accent composed, spaces stripped
        ("AI\u200b", "ai"),  # a zero-width space
        ("\u00adsoft\u2060", "soft"),  # a soft hyphen and a word joiner
        ("ﬁle", "file"),  # a compatibility ligature
        ("Straße", "strasse"),  # casefolded, not just lowered
    ],
)
def test_two_spellings_of_one_key_match(written: str, key: str) -> None:
    assert match_key(written) == key


def test_sizes_are_utf8_bytes_even_of_lone_surrogates() -> None:
    assert (utf8_size("a"), utf8_size("é"), utf8_size("日"), utf8_size("\ud800")) == (1, 2, 3, 3)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, None),
        ("plain text", "plain text"),
        (True, "true"),
        (3, "3"),
        (1.5, "1.5"),
        (b"abc", "(3 bytes of binary data)"),
        (bytearray(2), "(2 bytes of binary data)"),
        (object(), "(object)"),
        ({1}, "[1]"),
        ((1, 2), "[1, 2]"),
        (frozenset(), "[]"),
        ({"a": 1, "b": [1, "x", None, True, 1.5]}, '{"a": 1, "b": [1, "x", null, true, 1.5]}'),
        ({(1, 2): 3, 1: 2}, '{"(1, 2)": 3, 1: 2}'),
        (["é"], '["é"]'),
        ({"secured": "the secret", "a": 1}, f'{{"secured": {HIDDEN}, "a": 1}}'),
        ({"a": {"secured": ["x"]}}, f'{{"a": {{"secured": {HIDDEN}}}}}'),
    ],
)
def test_a_value_is_shown_as_text_or_in_json_notation(value: object, text: str | None) -> None:
    assert shown(value) == text


def test_integers_are_printed_up_to_599_bits_and_described_past_that() -> None:
    assert shown(2**598) == str(2**598)
    assert shown(2**599) == "(an integer of 600 bits)"


def test_nesting_is_shown_eight_levels_deep() -> None:
    assert shown([[[[[[[[[1]]]]]]]]]) == "[[[[[[[[(list)]]]]]]]]"
    nested: dict = {"i": 1}
    for key in "hgfedcba":
        nested = {key: nested}
    assert shown(nested) == '{"a": {"b": {"c": {"d": {"e": {"f": {"g": {"h": (dict)}}}}}}}}'


def test_text_at_the_limit_is_whole_and_one_character_more_is_cut_with_an_ellipsis() -> None:
    assert shown("x" * MAX_SHOWN_CHARS) == "x" * MAX_SHOWN_CHARS
    assert shown("x" * (MAX_SHOWN_CHARS + 1)) == "x" * (MAX_SHOWN_CHARS - 1) + "…"
    assert shown("abc", limit=3) == "abc" and shown("abcd", limit=3) == "ab…"


def test_containers_are_cut_at_the_limit_too() -> None:
    assert shown(list(range(1000)), limit=20) == "[0, 1, 2, 3, 4, 5, …"
    assert shown(["é" * 300], limit=10) == '["ééééééé…'
    assert shown({"k": "v" * 50}, limit=8) == '{"k": "…'
    assert shown({f"k{i}": i for i in range(100)}, limit=12) == '{"k0": 0, "…'
    # One character of budget left before an item: it is used, and the text is cut.
    assert shown([1, 2], limit=4) == "[1,…"
    assert shown({"a": 1, "b": 2}, limit=7) == '{"a": …'


class _Counted(list):
    """A list that counts how many of its items were looked at."""

    def __iter__(self):
        self.looked = 0
        for item in super().__iter__():
            self.looked += 1
            yield item


def test_a_huge_value_is_not_walked_past_the_limit() -> None:
    huge = _Counted(range(100_000))
    assert shown(huge, limit=20) == "[0, 1, 2, 3, 4, 5, …"
    assert huge.looked <= 12
