"""The one place that knows the key design: every key, and which partition serves a list.

One table holds articles, their list entries (served through the `ByList`
index), URL claims, topic and provider counters and ingestion records
(docs/storage.md). Nothing else builds a key.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from article_feed.domain.lists import language_of, locale_key
from article_feed.domain.text import match_key
from article_feed.domain.urls import canonical_url

if TYPE_CHECKING:
    from article_feed.domain.lists import ListRequest

LIST_INDEX = "ByList"
FEED_LIST = "FEED"
ARTICLE_SK = "A"
RECORD_SK = "R"
CLAIM_SK = "U"
COUNTED_KINDS = ("TOPIC", "PROVIDER")
SEARCH_STATE_SK = "SEARCH"
EVENT_SK = "EVENT"  # under an ingestion record's partition: the stream position its events reflect
TERM_SK = "STATS"
# The list kinds, most selective first: of those a query names, the one with the
# fewest values (the first on a tie) becomes its partitions.
_KEYED = ("topic", "provider", "category", "type", "locale")


def list_key(kind: str, value: str) -> str:
    """The `ByList` partition of one list: `TOPIC#ai`, `PROVIDER#fool.com`…"""
    return f"{kind}#{match_key(value)}"


def sort_moment(published: str) -> str:
    """A fixed-width UTC timestamp, so text order is time order."""
    # published is `...Z`, with or without fractional seconds.
    base = published.removesuffix("Z")
    if "." not in base:
        base += ".000000"
    whole, fraction = base.split(".")
    return f"{whole}.{fraction.ljust(6, '0')}Z"


def article_pk(article_id: str) -> str:
    return f"ARTICLE#{article_id}"


def entry_sk(list_name: str) -> str:
    """The sort key of an article's entry in one list (under the article's own partition)."""
    return f"IDX#{list_name}"


def entry_list_sk(moment: str, article_id: str) -> str:
    """Where an entry sorts in its list: newest first when read backwards, ties by id."""
    return f"{moment}#{article_id}"


def claim_pk(web_url: str) -> str:
    """The claim of a URL's canonical form (domain.urls): one story, one article."""
    return _url_claim(canonical_url(web_url))


def _url_claim(text: str) -> str:
    return "URL#" + hashlib.sha256(text.encode()).hexdigest()


def held_claim_pk(article_item: dict[str, Any]) -> str:
    """The claim a stored article holds. Articles stored before canonical URLs
    (no `claim_pk` attribute) hold the claim of their URL exactly as written."""
    return article_item.get("claim_pk") or _url_claim(article_item["web_url"])


def record_pk(key: str) -> str:
    return f"INGEST#{key}"


def term_pk(term: str) -> str:
    """A search term's statistics: how many articles hold it, in which months."""
    return f"TERM#{term}"


def posting_pk(term: str, month: str) -> str:
    """The postings of a term for one month (`TERM#batteri#2024-03`): a term's writes
    move to a new partition each month, and `from`/`to` skip whole months."""
    return f"TERM#{term}#{month}"


def month_of(moment: str) -> str:
    """The month of a sort moment (sort_moment): `2024-03`."""
    return moment[:7]


def term_hash(term: str) -> int:
    """A 16-bit hash: small in a number set; a collision only lets a candidate through to the exact check."""
    return int.from_bytes(hashlib.blake2b(term.encode(), digest_size=2).digest(), "big")


def counter_pk(kind: str) -> str:
    """The partition of one kind's counters: `COUNT#TOPIC`, `COUNT#PROVIDER`."""
    return f"COUNT#{kind}"


def lists_of(document: dict[str, Any]) -> dict[str, str]:
    """Every list the article appears in, mapped to the display value that names it."""
    lists = {FEED_LIST: ""}
    for topic in document.get("topics") or []:
        lists[list_key("TOPIC", topic)] = topic
    provider = document.get("provider") or {}
    if provider.get("domain"):
        lists[list_key("PROVIDER", provider["domain"])] = provider["domain"]
    if document.get("category"):
        lists[list_key("CATEGORY", document["category"])] = document["category"]
    if document.get("type"):
        lists[list_key("TYPE", document["type"])] = document["type"]
    locale = _locale_key(document)
    if locale:  # `locale=en` reads the language's list, `locale=en-GB` the locale's
        lists[f"LANG#{language_of(locale)}"] = document["locale"]
        if locale != language_of(locale):
            lists[f"LOCALE#{locale}"] = document["locale"]
    return lists


def _locale_key(document: dict[str, Any]) -> str | None:
    return locale_key(document.get("locale") or "") or None


def filter_attributes(document: dict[str, Any]) -> dict[str, Any]:
    """What a list entry carries so that filters other than its partition can be applied."""
    provider = document.get("provider") or {}
    locale = _locale_key(document)
    return {
        "quality": document.get("quality"),
        "published": document.get("published"),
        "topic_keys": [match_key(topic) for topic in document.get("topics") or []],
        "provider_key": match_key(provider.get("domain") or "") or None,
        "category_key": match_key(document.get("category") or "") or None,
        "type_key": match_key(document.get("type") or "") or None,
        "locale_key": locale,
        "language_key": language_of(locale) if locale else None,
    }


@dataclass(frozen=True)
class ListPlan:
    """How one list request is read: one partition per value of the chosen filter,
    a key range, and filter expressions for the rest. Several partitions are read
    side by side and merged newest first (dynamo/reader.py)."""

    list_names: tuple[str, ...]
    lower: str
    upper: str
    expression: str | None
    values: dict[str, Any]

    def holds(self, position: dict[str, str]) -> bool:
        """A page position is exactly a list entry's key, inside this list and range
        (or, when partitions are merged, the sort key the last page ended at):
        anything else would make DynamoDB refuse the read (or start it elsewhere)."""
        if len(self.list_names) > 1:
            return set(position) == {"after"} and self._in_range(position["after"])
        if set(position) != {"pk", "sk", "list_pk", "list_sk"}:
            return False
        article_id = position["list_sk"].rpartition("#")[2]
        return (
            position["list_pk"] == self.list_names[0]
            and self._in_range(position["list_sk"])
            and position["pk"] == article_pk(article_id)
            and position["sk"] == entry_sk(self.list_names[0])
        )

    def _in_range(self, list_sk: str) -> bool:
        return _in_range(list_sk, self.lower, self.upper)


def _in_range(sort_key: str, lower: str, upper: str) -> bool:
    moment, _, article_id = sort_key.rpartition("#")
    return lower <= sort_key <= upper and bool(moment) and bool(article_id)


@dataclass(frozen=True)
class SearchPlan:
    """How a search page is read: the postings of one of the query's terms (the
    rarest, chosen from the term statistics when read), month by month, newest
    first, within the time range; the list filters as a filter expression."""

    terms: frozenset[str]
    lower: str
    upper: str
    expression: str | None
    values: dict[str, Any]

    def holds(self, position: dict[str, str]) -> bool:
        """A search position is a sort key inside the range: the last posting a page read
        (or, at a month's end, `<month>-00`, just below that month's postings)."""
        return set(position) == {"after"} and self.lower <= position["after"] <= self.upper


def plan_search(request: ListRequest, terms: frozenset[str]) -> SearchPlan:
    """Every list filter becomes a filter expression on the postings (they carry the list entry's attributes)."""
    expression, values = _filter_expression(request, _named_filters(request))
    lower, upper = _sort_range(request)
    return SearchPlan(terms, lower, upper, expression, values)


def plan_list(request: ListRequest) -> ListPlan:
    """The chosen key filter's values become the partitions; the other filters,
    the exclusions, `minQuality` and `published` become filter expressions."""
    named = _named_filters(request)
    chosen = min(named, key=lambda name: (len(named[name]), _KEYED.index(name))) if named else None
    list_names = tuple(_list_name(chosen, value) for value in named[chosen]) if chosen else (FEED_LIST,)
    expression, values = _filter_expression(request, {name: named[name] for name in named if name != chosen})
    lower, upper = _sort_range(request)
    return ListPlan(list_names, lower, upper, expression, values)


def _named_filters(request: ListRequest) -> dict[str, tuple[str, ...]]:
    return {name: _values(request, name) for name in _KEYED if _values(request, name)}


def _sort_range(request: ListRequest) -> tuple[str, str]:
    """The `list_sk` range of a time range: inclusive bounds, every id at a moment."""
    lower = sort_moment(request.lower) if request.lower else "0"
    upper = (sort_moment(request.upper) if request.upper else "9999") + "#~"
    return lower, upper


def _filter_expression(request: ListRequest, named: dict[str, tuple[str, ...]]) -> tuple[str | None, dict[str, Any]]:
    """Filters applied to entries (of a list, or of a search term's postings) as they are read."""
    clauses: list[str] = []
    values: dict[str, Any] = {}
    for name, wanted in named.items():
        if name == "locale":
            attribute = "language_key" if wanted[0] == language_of(wanted[0]) else "locale_key"
            clauses.append(f"{attribute} = :locale")
            values[":locale"] = wanted[0]
            continue
        names = [f":{name}{index}" for index in range(len(wanted))]
        values.update(zip(names, (match_key(value) for value in wanted), strict=True))
        if name == "topic":
            clauses.append("(" + " OR ".join(f"contains(topic_keys, {n})" for n in names) + ")")
        else:
            clauses.append(f"{name}_key IN ({', '.join(names)})")
    if request.exclude_provider:
        names = [f":excluded{index}" for index in range(len(request.exclude_provider))]
        values.update(zip(names, (match_key(value) for value in request.exclude_provider), strict=True))
        clauses.append(f"NOT (provider_key IN ({', '.join(names)}))")  # no provider: kept
    if request.min_quality is not None:
        clauses.append("quality >= :min_quality")
        values[":min_quality"] = request.min_quality
    if request.published is not None:
        clauses.append("published = :published")
        values[":published"] = request.published
    return " AND ".join(clauses) or None, values


def _values(request: ListRequest, name: str) -> tuple[str, ...]:
    value = getattr(request, name)
    return (value,) if isinstance(value, str) else tuple(value or ())


def _list_name(kind: str, value: str) -> str:
    if kind == "locale":
        return f"LANG#{value}" if value == language_of(value) else f"LOCALE#{value}"
    return list_key(kind.upper(), value)
