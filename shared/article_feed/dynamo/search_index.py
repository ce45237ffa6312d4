"""The search index: postings written from the change stream, read by `q` pages.

A posting is one term of one article (`TERM#<term>#<month>` / `<moment>#<id>`),
carrying the list entry's filter attributes and a compact set of the article's
term hashes, so DynamoDB drops candidates that miss another term or a filter
before they are returned. Each term's statistics item (`TERM#<term>` / `STATS`)
counts its articles and lists its months, so a page walks the rarest term and
only months that exist. An article's index state (`ARTICLE#<id>` / `SEARCH`)
records the stream position applied last and the postings written, so a
replayed or late record changes nothing (docs/storage.md, "Search").
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from article_feed.changes import IndexState
from article_feed.domain.errors import StoreBusy
from article_feed.domain.search import document_terms
from article_feed.dynamo.items import from_item, summary_of_entry, to_item
from article_feed.dynamo.keys import (
    EVENT_SK,
    FEED_LIST,
    SEARCH_STATE_SK,
    TERM_SK,
    article_pk,
    entry_list_sk,
    entry_sk,
    filter_attributes,
    month_of,
    posting_pk,
    record_pk,
    sort_moment,
    term_pk,
)
from article_feed.dynamo.reader import MIN_READ_BUDGET, get_item

if TYPE_CHECKING:
    from types_boto3_dynamodb import DynamoDBClient

    from article_feed.domain.search import SearchQuery
    from article_feed.dynamo.keys import SearchPlan

# Postings carry the hash set only for articles with at most this many terms, which
# keeps every posting within one write unit; longer articles (long CJK excerpts)
# are checked on their text alone.
MAX_HASHED_TERMS = 128
# A page's filter checks at most this many other terms' hashes (long CJK queries have
# many bigrams): it only narrows the candidates, and keeps the expression small.
MAX_FILTERED_TERMS = 20


def term_hash(term: str) -> int:
    """A 16-bit hash: small in a number set; a collision only lets a candidate through to the exact check."""
    return int.from_bytes(hashlib.blake2b(term.encode(), digest_size=2).digest(), "big")


@dataclass(frozen=True)
class Postings:
    """The postings an article should have: their keys and their shared attributes."""

    keys: frozenset[tuple[str, str]]
    terms: dict[str, str]  # term → month
    attributes: dict[str, Any]
    digest: str

    @classmethod
    def of(cls, article_id: str, document: dict[str, Any] | None) -> Postings:
        if document is None:
            return cls(frozenset(), {}, {}, "")
        terms = document_terms(document)
        moment = sort_moment(document["publishedDateTime"])
        month = month_of(moment)
        attributes: dict[str, Any] = {"id": article_id, **filter_attributes(document)}
        if len(terms) <= MAX_HASHED_TERMS:
            attributes["h"] = {term_hash(term) for term in terms}
        sort_key = entry_list_sk(moment, article_id)
        keys = frozenset((posting_pk(term, month), sort_key) for term in terms)
        content = json.dumps([sorted(keys), attributes], default=sorted, sort_keys=True)
        return cls(keys, dict.fromkeys(terms, month), attributes, hashlib.sha256(content.encode()).hexdigest())

    def items(self, article_id: str, sequence: int, revision: int) -> list[dict[str, Any]]:
        """The postings, then the article's index state that names them."""
        postings = [{"pk": pk, "sk": sk, **self.attributes} for pk, sk in sorted(self.keys)]
        return [*postings, self.state_item(article_id, sequence, revision)]

    def state_item(self, article_id: str, sequence: int, revision: int) -> dict[str, Any]:
        return {
            "pk": article_pk(article_id),
            "sk": SEARCH_STATE_SK,
            "seq": str(sequence),
            "revision": revision,
            "postings": json.dumps(sorted(self.keys)),
            "digest": self.digest,
        }


class SearchIndexWriter:
    """Keeps the postings and term statistics of articles, for the change stream."""

    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def state(self, article_id: str) -> IndexState | None:
        item = get_item(self._client, self._table, article_pk(article_id), SEARCH_STATE_SK, consistent=True)
        if item is None:
            return None
        return IndexState(
            sequence=int(item["seq"]),
            revision=int(item.get("revision", 0)),
            postings=frozenset(tuple(key) for key in json.loads(item.get("postings", "[]"))),
            digest=item.get("digest", ""),
        )

    def replace(
        self,
        article_id: str,
        document: dict[str, Any] | None,
        previous: IndexState | None,
        sequence: int,
        revision: int,
    ) -> None:
        """Make the index hold `document` (None: nothing) for the article, then record
        the stream position. Every write is idempotent but the statistics' counts,
        which only choose the term a page walks."""
        from boto3.dynamodb.table import BatchWriter

        wanted = Postings.of(article_id, document)
        old_keys = previous.postings if previous else frozenset()
        if wanted.digest != (previous.digest if previous else ""):
            with BatchWriter(self._table, self._client, overwrite_by_pkeys=["pk", "sk"]) as batch:
                for pk, sk in old_keys - wanted.keys:
                    batch.delete_item(Key=to_item({"pk": pk, "sk": sk}))
                for pk, sk in wanted.keys:
                    batch.put_item(Item=to_item({"pk": pk, "sk": sk, **wanted.attributes}))
            self._count_terms(_terms_of(old_keys), wanted.terms)
        state = wanted.state_item(article_id, sequence, revision)
        self._client.put_item(TableName=self._table, Item=to_item(state))

    def _count_terms(self, old: dict[str, str], new: dict[str, str]) -> None:
        for term in old.keys() | new.keys():
            change = (term in new) - (term in old)
            if change == 0 and old[term] == new[term]:
                continue
            expression = "ADD n :change" + (", months :month" if term in new else "")
            values: dict[str, Any] = {":change": change}
            if term in new:
                values[":month"] = {new[term]}
            self._client.update_item(
                TableName=self._table,
                Key=to_item({"pk": term_pk(term), "sk": TERM_SK}),
                UpdateExpression=expression,
                ExpressionAttributeValues=to_item(values),
            )


def _terms_of(keys: frozenset[tuple[str, str]]) -> dict[str, str]:
    """term → month, from posting keys (`TERM#<term>#<month>`)."""
    found = {}
    for pk, _ in keys:
        _, term, month = pk.split("#")
        found[term] = month
    return found


def term_statistics(client: DynamoDBClient, table: str, terms: frozenset[str]) -> dict[str, tuple[int, list[str]]]:
    """Each known term's article count and months (newest first); unknown terms are absent."""
    found: dict[str, tuple[int, list[str]]] = {}
    for item in _batch_get(client, table, [(term_pk(term), TERM_SK) for term in sorted(terms)], "pk, n, months"):
        found[item["pk"].removeprefix("TERM#")] = (int(item.get("n", 0)), sorted(item.get("months", ()), reverse=True))
    return found


def _batch_get(
    client: DynamoDBClient, table: str, keys: list[tuple[str, str]], projection: str
) -> list[dict[str, Any]]:
    """The items of these keys that exist, in no particular order. A part left
    unread (throttling) makes the request fail as retryable (the API's 503)."""
    items: list[dict[str, Any]] = []
    for start in range(0, len(keys), 100):  # BatchGetItem's limit
        chunk = [to_item({"pk": pk, "sk": sk}) for pk, sk in keys[start : start + 100]]
        response = client.batch_get_item(RequestItems={table: {"Keys": chunk, "ProjectionExpression": projection}})
        if response.get("UnprocessedKeys"):
            raise StoreBusy("the article store left part of a read undone")
        items.extend(from_item(item) for item in response["Responses"].get(table, []))
    return items


def search_page(
    client: DynamoDBClient, table: str, plan: SearchPlan, query: SearchQuery, limit: int, after: str | None
) -> tuple[list[dict[str, Any]], dict[str, str] | None]:
    """Up to `limit` matching summaries, newest first (ties by id, descending), and
    where the next page starts.

    Walks the postings of the query's rarest term, month by month, from `after`;
    DynamoDB drops postings that miss another term's hash or a list filter; the
    rest are checked on the article's current summary (SearchQuery.matches). At
    most `max(10 × limit, 500)` postings are read: past that, the page comes back
    short, with a cursor where the reading stopped.
    """
    statistics = term_statistics(client, table, plan.terms)
    if any(statistics.get(term, (0, []))[0] <= 0 for term in plan.terms):
        return [], None  # a term no article holds: nothing matches
    walked = min(plan.terms, key=lambda term: (statistics[term][0], term))
    upper = min(plan.upper, after) if after else plan.upper
    months = [m for m in statistics[walked][1] if month_of(plan.lower) <= m <= month_of(upper)]
    expression, values = _posting_filter(plan, walked)
    budget = max(10 * limit, MIN_READ_BUDGET)
    found: list[tuple[str, dict[str, Any]]] = []
    for month in months:
        request: dict[str, Any] = {
            "TableName": table,
            "ScanIndexForward": False,
            "KeyConditionExpression": "pk = :pk AND sk BETWEEN :lower AND :upper",
            "ExpressionAttributeValues": to_item(
                {":pk": posting_pk(walked, month), ":lower": plan.lower, ":upper": upper, **values}
            ),
            "ProjectionExpression": "sk, id",
        }
        if expression:
            request["FilterExpression"] = expression
        while True:
            wanted = limit + 1 - len(found)
            request["Limit"] = min(budget, wanted if not expression else max(wanted * 4, 50))
            response = client.query(**request)
            budget -= response["ScannedCount"]
            candidates = [from_item(item) for item in response["Items"] if item["sk"]["S"] != after]
            while candidates and len(found) <= limit:  # summaries read only as far as the page needs
                wanted = limit + 1 - len(found)
                found.extend(_matching(client, table, candidates[:wanted], query))
                candidates = candidates[wanted:]
            if len(found) > limit:
                page = found[:limit]
                return [summary for _, summary in page], {"after": page[-1][0]}
            last = response.get("LastEvaluatedKey")
            if budget <= 0 and (last or month != months[-1]):
                # Where reading stopped; at a month's end, just below that month's entries.
                stopped = last["sk"]["S"] if last else f"{month}-00"
                return [summary for _, summary in found], {"after": stopped}
            if not last:
                break
            request["ExclusiveStartKey"] = last
    return [summary for _, summary in found], None


def _posting_filter(plan: SearchPlan, walked: str) -> tuple[str | None, dict[str, Any]]:
    """The list filters, and the other terms' hashes (postings of long articles carry none)."""
    others = sorted(plan.terms - {walked})[:MAX_FILTERED_TERMS]
    clauses = [plan.expression] if plan.expression else []
    values = dict(plan.values)
    if others:
        names = [f":h{index}" for index in range(len(others))]
        values.update(zip(names, (term_hash(term) for term in others), strict=True))
        clauses.append(f"(attribute_not_exists(h) OR ({' AND '.join(f'contains(h, {n})' for n in names)}))")
    return " AND ".join(clauses) or None, values


def _matching(
    client: DynamoDBClient, table: str, candidates: list[dict[str, Any]], query: SearchQuery
) -> list[tuple[str, dict[str, Any]]]:
    """The candidates whose current summary matches, in order, with their posting's sort key.
    An article deleted since its postings were read is left out."""
    keys = [(article_pk(candidate["id"]), entry_sk(FEED_LIST)) for candidate in candidates]
    summaries = {item["pk"]: _summary(item["summary"]) for item in _batch_get(client, table, keys, "pk, summary")}
    matching = []
    for candidate in candidates:
        summary = summaries.get(article_pk(candidate["id"]))
        if summary is not None and query.matches(summary):
            matching.append((candidate["sk"], summary))
    return matching


def _summary(value: Any) -> dict[str, Any]:
    """A summary attribute as from_item gives it (compressed bytes, or JSON text written before compression)."""
    return summary_of_entry({"B": bytes(value)} if not isinstance(value, str) else {"S": value})


class StreamPositions:
    """The stream position applied last for an ingestion record's events (`INGEST#<key>` / `EVENT`)."""

    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def applied(self, key: str) -> int | None:
        item = get_item(self._client, self._table, record_pk(key), EVENT_SK, consistent=True)
        return int(item["seq"]) if item else None

    def remember(self, key: str, sequence: int) -> None:
        item = {"pk": record_pk(key), "sk": EVENT_SK, "seq": str(sequence)}
        self._client.put_item(TableName=self._table, Item=to_item(item))
