"""What ingest writes: an article and everything that serves it, in one transaction.

The article, its list entries, its URL claim, its counters and the key's
ingestion record change together or not at all, so readers never see half an
article and counters change exactly when entries do (docs/storage.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from botocore.exceptions import ParamValidationError

from article_feed.domain.errors import ArticleConflict, ConcurrentWrite, StaleEvent, StoreRefused
from article_feed.domain.records import IngestionRecord, sequencer_order
from article_feed.dynamo.items import ArticleItems, readable_record, record_item, to_item
from article_feed.dynamo.keys import (
    ARTICLE_SK,
    CLAIM_SK,
    COUNTED_KINDS,
    RECORD_SK,
    article_pk,
    claim_pk,
    counter_pk,
    entry_sk,
    held_claim_pk,
    record_pk,
)
from article_feed.dynamo.reader import get_item

if TYPE_CHECKING:
    from types_boto3_dynamodb import DynamoDBClient
    from types_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

    from article_feed.domain.model import Article


@dataclass(frozen=True)
class Ordering:
    """What ingest needs to put a key's events in S3's order: the last applied
    sequencer, and the last record when it can still be read."""

    sequencer: str | None
    record: IngestionRecord | None


class ArticleWriter:
    """The ingest use case's store: ordering state, articles and records."""

    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def get_ordering(self, key: str) -> Ordering | None:
        """The key's last applied sequencer and record; a record that cannot be read
        (written by an older version) never blocks the key's later events."""
        item = get_item(self._client, self._table, record_pk(key), RECORD_SK, consistent=True)
        if item is None:
            return None
        return Ordering(item.get("sequencer") or item.get("seq_order") or None, readable_record(item))

    def save_record(self, record: IngestionRecord, *, carried: bool = False) -> None:
        """Write an outcome that leaves articles alone (a rejection, a no-op delete)."""
        self._transact([self._record_put(record, carried=carried)])

    def save_article(
        self, article: Article, body: str, record: IngestionRecord, ingested_at: str, *, carried: bool = False
    ) -> None:
        """Store a valid article and its lists, claims and counters in one transaction.

        Raises ArticleConflict when another key owns the id or the webUrl,
        StaleEvent when a newer event for the key was applied meanwhile, and
        ConcurrentWrite when the article changed under us (the event is retried).
        """
        article_id = record.article_id or ""
        current = get_item(self._client, self._table, article_pk(article_id), ARTICLE_SK, consistent=True)
        if current and current["source_key"] != record.key:
            raise ArticleConflict("id", article_id, current["source_key"], article_id)

        revision = int(current["rev"]) + 1 if current else 1
        try:
            items = ArticleItems.build(article_id, record.key, article.to_document(), body, ingested_at, revision)
        except (TypeError, ValueError, OverflowError) as error:  # pure: the same article fails every time
            raise StoreRefused(f"{type(error).__name__}: {error}") from error
        old_lists: dict[str, str] = current["lists"] if current else {}
        actions = [self._record_put(record, carried=carried)]  # first: _transact reads its failure as stale
        if current:
            actions.append(_put(self._table, items.article, "rev = :rev", {":rev": current["rev"]}))
        else:
            actions.append(_put(self._table, items.article, "attribute_not_exists(pk)"))
        claim_action = len(actions)
        actions.append(
            _put(self._table, items.claim, "attribute_not_exists(pk) OR article_id = :id", {":id": article_id})
        )
        if current and held_claim_pk(current) != items.claim["pk"]:  # another story's URL now
            actions.append(_delete(self._table, held_claim_pk(current), CLAIM_SK))
        actions.extend(_put(self._table, entry) for entry in items.entries)
        for list_name in old_lists.keys() - items.lists.keys():
            actions.append(_delete(self._table, article_pk(article_id), entry_sk(list_name)))
        actions.extend(self._counter_changes(old_lists, items.lists, items.provider_name))
        try:
            self._transact(actions)
        except ConcurrentWrite as failed:
            # The URL claim's condition is checked by the write itself, not by a
            # read before it (one request less per file); the holder is read
            # only when the condition failed, to name it.
            if claim_action in failed.failed_conditions:
                claim = get_item(self._client, self._table, claim_pk(article.web_url), CLAIM_SK, consistent=True)
                if claim and claim["article_id"] != article_id:
                    raise ArticleConflict(
                        "webUrl", article.web_url, claim["source_key"], claim["article_id"]
                    ) from failed
            raise

    def delete_article(self, article_id: str, record: IngestionRecord, *, carried: bool = False) -> None:
        """Remove the key's article, its lists and claims, and record the delete."""
        current = get_item(self._client, self._table, article_pk(article_id), ARTICLE_SK, consistent=True)
        actions = [self._record_put(record, carried=carried)]
        if current and current["source_key"] == record.key:
            actions.append(
                _delete(self._table, article_pk(article_id), ARTICLE_SK, "rev = :rev", {":rev": current["rev"]})
            )
            actions.append(_delete(self._table, held_claim_pk(current), CLAIM_SK))
            for list_name in current["lists"]:
                actions.append(_delete(self._table, article_pk(article_id), entry_sk(list_name)))
            actions.extend(self._counter_changes(current["lists"], {}, None))
        self._transact(actions)

    def _counter_changes(
        self, old: dict[str, str], new: dict[str, str], provider_name: str | None
    ) -> list[dict[str, Any]]:
        """One counter update per topic/provider the article joins, stays in, or leaves.

        Only the articles in a list name it: the display value (and provider
        name) come from the article being written, never from one leaving.
        """
        changes = []
        for list_name in old.keys() | new.keys():
            kind, _, value = list_name.partition("#")
            if kind not in COUNTED_KINDS:
                continue
            values: dict[str, Any] = {":delta": (list_name in new) - (list_name in old)}
            expression = "ADD n :delta"
            if list_name in new:
                expression += " SET display = :display"
                values[":display"] = new[list_name]
                if kind == "PROVIDER" and provider_name:
                    expression += ", provider_name = :name"
                    values[":name"] = provider_name
            changes.append(
                {
                    "Update": {
                        "TableName": self._table,
                        "Key": to_item({"pk": counter_pk(kind), "sk": value}),
                        "UpdateExpression": expression,
                        "ExpressionAttributeValues": to_item(values),
                    }
                }
            )
        return changes

    def _record_put(self, record: IngestionRecord, *, carried: bool = False) -> dict[str, Any]:
        """The record's write, ordered by its sequencer. A `carried` sequencer is the
        last applied one, kept by an event that had none (`articlectl reindex`)."""
        item = record_item(record)
        if record.sequencer:
            return _put(
                self._table,
                item,
                f"attribute_not_exists(seq_order) OR seq_order {'<=' if carried else '<'} :seq",
                {":seq": sequencer_order(record.sequencer)},
            )
        return _put(self._table, item)

    def _transact(self, actions: list[dict[str, Any]]) -> None:
        try:
            # The actions are built by _put/_delete and the counter updates, which follow that shape.
            self._client.transact_write_items(TransactItems=cast("list[TransactWriteItemTypeDef]", actions))
        except self._client.exceptions.TransactionCanceledException as error:
            reasons = error.response.get("CancellationReasons") or []
            # The ingestion record is always the first action.
            failed = frozenset(
                position for position, reason in enumerate(reasons) if reason.get("Code") == "ConditionalCheckFailed"
            )
            if 0 in failed:
                raise StaleEvent from error
            if any(reason.get("Code") == "ValidationError" for reason in reasons):
                raise StoreRefused(str(error)) from error
            raise ConcurrentWrite(str(error), failed) from error
        except ParamValidationError as error:  # refused before sending: the same request, the same refusal
            raise StoreRefused(str(error)) from error
        except self._client.exceptions.ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ValidationException":
                raise
            # An item or a key too large, for instance: the same write fails every time.
            raise StoreRefused(error.response["Error"].get("Message", "")) from error


def _put(
    table: str, item: dict[str, Any], condition: str | None = None, values: dict[str, Any] | None = None
) -> dict[str, Any]:
    put: dict[str, Any] = {"TableName": table, "Item": to_item(item)}
    if condition:
        put["ConditionExpression"] = condition
    if values:
        put["ExpressionAttributeValues"] = to_item(values)
    return {"Put": put}


def _delete(
    table: str, pk: str, sk: str, condition: str | None = None, values: dict[str, Any] | None = None
) -> dict[str, Any]:
    delete: dict[str, Any] = {"TableName": table, "Key": to_item({"pk": pk, "sk": sk})}
    if condition:
        delete["ConditionExpression"] = condition
    if values:
        delete["ExpressionAttributeValues"] = to_item(values)
    return {"Delete": delete}
