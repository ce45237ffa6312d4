"""Search pages (`q`): the postings the change stream wrote (dynamo/search_index.py),
read newest first within a read budget, each candidate checked on its summary.

Imported by the API on its first request with `q`: other routes never load it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from article_feed.domain.errors import StoreBusy
from article_feed.dynamo.items import from_item, summary_of_entry, to_item
from article_feed.dynamo.keys import (
    FEED_LIST,
    TERM_SK,
    article_pk,
    entry_sk,
    month_of,
    posting_pk,
    term_hash,
    term_pk,
)
from article_feed.dynamo.reader import MIN_READ_BUDGET

if TYPE_CHECKING:
    from types_boto3_dynamodb import DynamoDBClient

    from article_feed.domain.search import SearchQuery
    from article_feed.dynamo.keys import SearchPlan

# A page's filter checks at most this many other terms' hashes (long CJK queries have
# many bigrams): it only narrows the candidates, and keeps the expression small.
MAX_FILTERED_TERMS = 20


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
