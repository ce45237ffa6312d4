"""`q`: its syntax, and whether an article matches it (SPEC "Search").

Words must all match, in any searched field; `"a phrase"` must appear as
consecutive terms in one field; `-word` and `-"a phrase"` exclude. A query word
that analyses to several terms (`e-mail`, a CJK word's bigrams) is a phrase.
The index (dynamo/search_reader.py) only narrows the candidates: `SearchQuery.matches`
decides, on the article's own text, so a page is exact whatever the index holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from article_feed.domain.analysis import analyse
from article_feed.domain.errors import BadParameter

MAX_QUERY_CHARS = 200
MAX_QUERY_TERMS = 8
# A word or a quoted phrase, each perhaps preceded by `-`; a quote left open is an error.
_ITEM = re.compile(r'(-?)(?:"([^"]*)"|([^\s"]+))')

Phrase = tuple[str, ...]


@dataclass(frozen=True)
class SearchQuery:
    """An analysed query: phrases that must match (a word is a phrase of one term)
    and phrases that must not."""

    required: tuple[Phrase, ...]
    excluded: tuple[Phrase, ...] = ()

    @property
    def terms(self) -> frozenset[str]:
        """Every term an article must contain (the index may walk any of them)."""
        return frozenset(term for phrase in self.required for term in phrase)

    def canonical(self) -> list[list[list[str]]]:
        """One form for queries that mean the same (`Robots ai` and `AI robot`): their cursors agree."""
        return [sorted(map(list, set(self.required))), sorted(map(list, set(self.excluded)))]

    def matches(self, summary: dict[str, Any]) -> bool:
        """Whether an article (its summary) satisfies the query, per the SPEC's rules."""
        fields = searched_fields(summary)
        return all(_occurs(phrase, fields) for phrase in self.required) and not any(
            _occurs(phrase, fields) for phrase in self.excluded
        )


def parse_query(text: str) -> SearchQuery:
    """`q` as a SearchQuery, or a 400 naming `q` that says what is wrong."""
    if not text.strip():
        raise BadParameter("q", "must not be empty")
    if len(text) > MAX_QUERY_CHARS:
        raise BadParameter("q", f"at most {MAX_QUERY_CHARS} characters, found {len(text)}")
    if text.count('"') % 2:
        raise BadParameter("q", 'has an unbalanced quote: close each "phrase"')
    items = _ITEM.findall(text)
    if len(items) > MAX_QUERY_TERMS:
        raise BadParameter("q", f"at most {MAX_QUERY_TERMS} words or phrases, found {len(items)}")
    required: list[Phrase] = []
    excluded: list[Phrase] = []
    for minus, quoted, word in items:
        phrase = tuple(analyse(quoted or word))
        if phrase:
            (excluded if minus else required).append(phrase)
    if not required:
        raise BadParameter("q", "has no searchable word: stopwords, punctuation and exclusions alone match nothing")
    return SearchQuery(tuple(required), tuple(excluded))


def searched_fields(document: dict[str, Any]) -> list[list[str]]:
    """The terms of each searched field: title, excerpt, each topic, each tag, the provider's name.
    A phrase never spans two fields (nor two tags)."""
    provider = document.get("provider")
    texts = [
        document.get("title"),
        document.get("excerpt"),
        *(document.get("topics") or []),
        *(document.get("tags") or []),
        provider.get("name") if isinstance(provider, dict) else None,
    ]
    return [analyse(text) for text in texts if isinstance(text, str)]


def document_terms(document: dict[str, Any]) -> frozenset[str]:
    """Every term an article can be found by."""
    return frozenset(term for field in searched_fields(document) for term in field)


def _occurs(phrase: Phrase, fields: list[list[str]]) -> bool:
    size = len(phrase)
    return any(
        tuple(field[start : start + size]) == phrase for field in fields for start in range(len(field) - size + 1)
    )
