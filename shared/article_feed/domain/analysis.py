"""Text analysis for search: one analyser for articles and queries (SPEC "Search").

Text is NFKC-normalised, casefolded and stripped of combining marks (`Résumé`
and `resume` are one word); words are runs of letters and digits; English
words lose their endings through the Snowball English (Porter2) stemmer
(`batteries` → `batteri`, like `battery`); stopwords are dropped. Chinese,
Japanese and Korean have no spaces, so their runs become overlapping character
bigrams, as Lucene's CJK analyzer does (`量子誤り` → `量子 子誤 誤り`): a query
word then matches wherever it occurs as a substring.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from article_feed.domain.text import match_key

# The SPEC's list, plus the rest of Lucene's English stop set.
STOPWORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "if", "in", "into", "is", "it", "no", "not",
    "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was", "will",
    "with",
))  # fmt: skip
_WORD = re.compile(r"[^\W_]+")
# Han (with extensions and compatibility forms), Hiragana, Katakana and Hangul.
_CJK = re.compile(
    "([\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f]+)"
)
# Kana voicing marks are part of the letter (が is not か): the only marks kept.
_KEPT_MARKS = frozenset("\u3099\u309a")


def fold(text: str) -> str:
    """The matching form (text.match_key: NFKC, casefolded, no zero-width characters)
    without combining marks."""
    decomposed = unicodedata.normalize("NFD", match_key(text))
    bare = "".join(c for c in decomposed if c in _KEPT_MARKS or not unicodedata.combining(c))
    return unicodedata.normalize("NFKC", bare)


def analyse(text: str) -> list[str]:
    """The terms of a text, in order: stems of words that are not stopwords, and CJK bigrams."""
    terms: list[str] = []
    for word in _WORD.findall(fold(text)):
        for index, part in enumerate(_CJK.split(word)):
            if not part:
                continue
            if index % 2:  # a CJK run
                terms.extend([part] if len(part) == 1 else [part[i : i + 2] for i in range(len(part) - 1)])
            elif part not in STOPWORDS:
                terms.append(_stem(part))
    return terms


@lru_cache(maxsize=8192)
def _stem(word: str) -> str:
    stem: str = _stemmer().stemWord(word)
    return stem


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    """Loaded on first use: the API's routes that do not search never pay for it."""
    import snowballstemmer

    return snowballstemmer.stemmer("english")
