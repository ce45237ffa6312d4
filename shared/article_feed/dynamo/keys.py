"""The one place that knows the key design: every key, and which partition serves a list.

One table holds articles, their list entries (served through the `ByList`
index), URL claims, topic and provider counters and ingestion records
(docs/storage.md). Nothing else builds a key.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

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
# The list kinds, most selective first: the first one a query names becomes its partition.
_KEYED = ("topic", "provider", "category", "type")


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
    return "URL#" + hashlib.sha256(canonical_url(web_url).encode()).hexdigest()


def held_claim_pk(article_item: dict[str, Any]) -> str:
    """The claim a stored article holds. Articles stored before canonical URLs
    (no `claim_pk` attribute) hold the claim of their URL exactly as written."""
    return article_item.get("claim_pk") or "URL#" + hashlib.sha256(article_item["web_url"].encode()).hexdigest()


def record_pk(key: str) -> str:
    return f"INGEST#{key}"


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
    return lists


def filter_attributes(document: dict[str, Any]) -> dict[str, Any]:
    """What a list entry carries so that filters other than its partition can be applied."""
    provider = document.get("provider") or {}
    return {
        "quality": document.get("quality"),
        "published": document.get("published"),
        "topic_keys": [match_key(topic) for topic in document.get("topics") or []],
        "provider_key": match_key(provider.get("domain") or "") or None,
        "category_key": match_key(document.get("category") or "") or None,
        "type_key": match_key(document.get("type") or "") or None,
    }


@dataclass(frozen=True)
class ListPlan:
    """How one list request is read: a partition, a key range, and filter expressions."""

    list_name: str
    lower: str
    upper: str
    expression: str | None
    values: dict[str, Any]

    def holds(self, position: dict[str, str]) -> bool:
        """A page position is exactly a list entry's key, inside this list and range:
        anything else would make DynamoDB refuse the read (or start it elsewhere)."""
        if set(position) != {"pk", "sk", "list_pk", "list_sk"}:
            return False
        moment, _, article_id = position["list_sk"].rpartition("#")
        return (
            position["list_pk"] == self.list_name
            and self.lower <= position["list_sk"] <= self.upper
            and bool(moment)
            and position["pk"] == article_pk(article_id)
            and position["sk"] == entry_sk(self.list_name)
        )


def plan_list(request: ListRequest) -> ListPlan:
    """The most selective key filter (topic, then provider, category, type) becomes the
    partition; the others, `minQuality` and `published` become filter expressions."""
    chosen = next((name for name in _KEYED if getattr(request, name) is not None), None)
    list_name = list_key(chosen.upper(), getattr(request, chosen)) if chosen else FEED_LIST
    clauses: list[str] = []
    values: dict[str, Any] = {}
    for name in _KEYED:
        value = getattr(request, name)
        if value is None or name == chosen:
            continue
        clauses.append("contains(topic_keys, :topic)" if name == "topic" else f"{name}_key = :{name}")
        values[f":{name}"] = match_key(value)
    if request.min_quality is not None:
        clauses.append("quality >= :min_quality")
        values[":min_quality"] = request.min_quality
    if request.published is not None:
        clauses.append("published = :published")
        values[":published"] = request.published
    lower = sort_moment(request.lower) if request.lower else "0"
    upper = (sort_moment(request.upper) if request.upper else "9999") + "#~"
    return ListPlan(list_name, lower, upper, " AND ".join(clauses) or None, values)
