"""What the API reads: GetItem and Query only, never a write, never a Scan.

The API function imports this module and not the writer, so its cold start
loads no write path (the layering is checked by import-linter).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from article_feed.domain.errors import InvalidCursor
from article_feed.dynamo.items import (
    StoredArticle,
    from_item,
    readable_record,
    stored_article,
    summary_of_entry,
    to_item,
)
from article_feed.dynamo.keys import (
    ARTICLE_SK,
    LIST_INDEX,
    RECORD_SK,
    ListPlan,
    article_pk,
    counter_pk,
    plan_list,
    plan_search,
    record_pk,
)

if TYPE_CHECKING:
    from types_boto3_dynamodb import DynamoDBClient

    from article_feed.domain.lists import ListRequest
    from article_feed.domain.records import IngestionRecord
    from article_feed.domain.search import SearchQuery

# Entries a filtered list may read for one page before it answers short.
MIN_READ_BUDGET = 500


def get_item(client: DynamoDBClient, table: str, pk: str, sk: str, *, consistent: bool) -> dict[str, Any] | None:
    """One item as plain values, or None."""
    response = client.get_item(TableName=table, Key=to_item({"pk": pk, "sk": sk}), ConsistentRead=consistent)
    item = response.get("Item")
    return from_item(item) if item else None


class ArticleReader:
    """Articles, list pages, counters and ingestion records, for the query use cases."""

    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def get_article(self, article_id: str) -> StoredArticle | None:
        """The full article, or None."""
        item = get_item(self._client, self._table, article_pk(article_id), ARTICLE_SK, consistent=False)
        return stored_article(item) if item else None

    def get_ingestion(self, key: str) -> IngestionRecord | None:
        """The last applied outcome for an object key, read consistently."""
        item = get_item(self._client, self._table, record_pk(key), RECORD_SK, consistent=True)
        return readable_record(item) if item else None

    def list_page(
        self, request: ListRequest, limit: int, start: dict[str, str] | None
    ) -> tuple[list[dict[str, Any]], dict[str, str] | None]:
        """Up to `limit` summaries, newest first, and where the next page starts.

        Reads `limit + 1` entries when nothing filters (the extra one tells
        whether a next page exists). With filters, it keeps reading until the
        page is full, within a budget of reads; past it, the page comes back
        short with a cursor that resumes where the reading stopped.
        """
        plan = plan_list(request)
        if start is not None and not plan.holds(start):
            raise InvalidCursor("cursor does not belong to this query")
        if len(plan.list_names) > 1:
            return self._merged_page(plan, limit, start["after"] if start else None)
        found, position = self._read(plan, plan.list_names[0], plan.upper, limit, start)
        page = found[:limit]
        if len(found) > limit:
            position = {name: page[-1][name]["S"] for name in ("pk", "sk", "list_pk", "list_sk")}
        return [summary_of_entry(item["summary"]) for item in page], position

    def _read(
        self, plan: ListPlan, list_name: str, upper: str, limit: int, start: dict[str, str] | None
    ) -> tuple[list[dict[str, Any]], dict[str, str] | None]:
        """Up to `limit + 1` matching entries of one list from `start`, newest first,
        within a read budget; and where reading stopped (None: the list is done)."""
        values = {":list": list_name, ":lower": plan.lower, ":upper": upper, **plan.values}
        query: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": LIST_INDEX,
            "ScanIndexForward": False,
            "KeyConditionExpression": "list_pk = :list AND list_sk BETWEEN :lower AND :upper",
            "ExpressionAttributeValues": to_item(values),
            "ProjectionExpression": "pk, sk, list_pk, list_sk, summary",
        }
        if plan.expression:
            query["FilterExpression"] = plan.expression
        found: list[dict[str, Any]] = []
        position = start
        budget = max(10 * limit, MIN_READ_BUDGET)
        while len(found) <= limit and budget > 0:
            wanted = limit + 1 - len(found)
            query["Limit"] = min(budget, wanted if not plan.expression else max(wanted * 4, 50))
            if position:
                query["ExclusiveStartKey"] = to_item(position)
            response = self._client.query(**query)
            budget -= response["ScannedCount"]
            found.extend(response["Items"])
            last = response.get("LastEvaluatedKey")
            position = {name: value["S"] for name, value in last.items()} if last else None
            if position is None:
                break
        return found, position

    def _merged_page(
        self, plan: ListPlan, limit: int, after: str | None
    ) -> tuple[list[dict[str, Any]], dict[str, str] | None]:
        """One page over several lists (`topic=AI,Climate`): each list read from
        the last page's end, merged newest first, an article in two lists once.

        A list whose budget ran out may still hold entries newer than another
        list's, so the page keeps only what is newer than every such list's
        stopping point, and may come back short with a cursor, like any list.
        """
        merged: dict[str, dict[str, Any]] = {}
        floor = ""
        for list_name in plan.list_names:
            found, stopped = self._read(plan, list_name, after or plan.upper, limit + (after is not None), None)
            for item in found:
                merged.setdefault(item["list_sk"]["S"], item)
            if stopped is not None:
                floor = max(floor, stopped["list_sk"])
        merged.pop(after or "", None)  # the last page's end is read again (BETWEEN is inclusive)
        ordered = [merged[key] for key in sorted(merged, reverse=True) if key >= floor]
        page = ordered[:limit]
        if len(ordered) > limit or (floor and len(page) == limit):
            end = page[-1]["list_sk"]["S"]
        elif floor:
            end = floor
        else:
            return [summary_of_entry(item["summary"]) for item in page], None
        return [summary_of_entry(item["summary"]) for item in page], {"after": end}

    def search_page(
        self, request: ListRequest, query: SearchQuery, limit: int, start: dict[str, str] | None
    ) -> tuple[list[dict[str, Any]], dict[str, str] | None]:
        """Up to `limit` articles matching `query` and the list filters (dynamo/search_reader.py)."""
        from article_feed.dynamo.search_reader import search_page

        plan = plan_search(request, query.terms)
        if start is not None and not plan.holds(start):
            raise InvalidCursor("cursor does not belong to this query")
        return search_page(self._client, self._table, plan, query, limit, start["after"] if start else None)

    def counters(self, kind: str) -> list[dict[str, Any]]:
        """All non-zero counters of a kind ("TOPIC" or "PROVIDER"), in one partition."""
        query: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk",
            "FilterExpression": "n > :zero",
            "ExpressionAttributeValues": to_item({":pk": counter_pk(kind), ":zero": 0}),
        }
        counters = []
        while True:
            response = self._client.query(**query)
            for item in response["Items"]:
                values = from_item(item)
                values["n"] = int(values["n"])
                counters.append(values)
            if "LastEvaluatedKey" not in response:
                return counters
            query["ExclusiveStartKey"] = response["LastEvaluatedKey"]
