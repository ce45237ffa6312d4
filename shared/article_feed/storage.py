"""The one module that knows the DynamoDB key design (see docs/storage.md).

One table holds articles, their index entries (one per list an article appears
in, served through the `ByList` index), URL claims, topic and provider counters
and ingestion records. An article and everything that serves it change in one
transaction, so readers never see half an article.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ParamValidationError

from article_feed.cursor import InvalidCursor
from article_feed.limits import MAX_STORED_DOCUMENT_BYTES, MAX_SUMMARY_BYTES, stored_content
from article_feed.records import IngestionRecord, sequencer_order
from article_feed.text import match_key
from article_feed.views import summary_view

if TYPE_CHECKING:
    from article_feed.model import Article

LIST_INDEX = "ByList"
FEED_LIST = "FEED"
_ARTICLE_SK = "A"
_RECORD_SK = "R"
_CLAIM_SK = "U"
_TOPIC_COUNTS = "COUNT#TOPIC"
_PROVIDER_COUNTS = "COUNT#PROVIDER"
# Entries a filtered list may read for one page before it answers short.
MIN_READ_BUDGET = 500
_SERIALIZER = TypeSerializer()
_DESERIALIZER = TypeDeserializer()


class ArticleConflict(Exception):
    """Another object key already owns this article id or webUrl."""

    def __init__(self, field: str, value: str, holder_key: str, holder_id: str) -> None:
        super().__init__(f"{field} {value!r} already belongs to article {holder_id!r} from key {holder_key!r}")
        self.field = field
        self.holder_key = holder_key


class TooLargeToStore(Exception):
    """The article is valid but exceeds what one DynamoDB item can hold."""

    def __init__(self, loc: str, message: str) -> None:
        super().__init__(message)
        self.loc = loc


class StoreRefused(Exception):
    """DynamoDB refused the write as invalid: the same article would be refused every time."""


class StaleEvent(Exception):
    """A newer event for the same key was applied first; this one must be dropped."""


class ConcurrentWrite(Exception):
    """The article or a claim changed while this event was applied; retry the event."""

    def __init__(self, message: str, failed_conditions: frozenset[int] = frozenset()) -> None:
        super().__init__(message)
        # Positions of the transaction's actions whose condition did not hold.
        self.failed_conditions = failed_conditions


@dataclass(frozen=True)
class ListFilters:
    """Filters applied to list entries after the key condition (values casefolded)."""

    topic: str | None = None
    provider: str | None = None
    category: str | None = None
    type: str | None = None
    min_quality: int | None = None
    published: bool | None = None

    def expression(self) -> tuple[str | None, dict[str, Any]]:
        """A DynamoDB filter expression and its values, or None when nothing filters."""
        clauses: list[str] = []
        values: dict[str, Any] = {}
        if self.topic is not None:
            clauses.append("contains(topic_keys, :topic)")
            values[":topic"] = self.topic
        for name in ("provider", "category", "type"):
            value = getattr(self, name)
            if value is not None:
                clauses.append(f"{name}_key = :{name}")
                values[f":{name}"] = value
        if self.min_quality is not None:
            clauses.append("quality >= :min_quality")
            values[":min_quality"] = self.min_quality
        if self.published is not None:
            clauses.append("published = :published")
            values[":published"] = self.published
        return (" AND ".join(clauses) or None), values


@dataclass(frozen=True)
class Ordering:
    """What ingest needs to put a key's events in S3's order: the last applied
    sequencer, and the last record when it can still be read."""

    sequencer: str | None
    record: IngestionRecord | None


@dataclass(frozen=True)
class StoredArticle:
    """An article as stored: its file fields plus what ingest knows about it."""

    id: str
    source_key: str
    document: dict[str, Any]
    body: str
    ingested_at: str


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


def _article_pk(article_id: str) -> str:
    return f"ARTICLE#{article_id}"


def _claim_pk(web_url: str) -> str:
    return "URL#" + hashlib.sha256(web_url.encode()).hexdigest()


def _record_pk(key: str) -> str:
    return f"INGEST#{key}"


def _to_item(values: dict[str, Any]) -> dict[str, Any]:
    return {name: _SERIALIZER.serialize(value) for name, value in values.items() if value is not None}


def _from_item(item: dict[str, Any]) -> dict[str, Any]:
    return {name: _DESERIALIZER.deserialize(value) for name, value in item.items()}


def _is_position_in(position: dict[str, str], list_name: str, lower: str, upper: str) -> bool:
    """A page position is exactly a list entry's key, inside the query's list and range:
    anything else would make DynamoDB refuse the read (or start it elsewhere)."""
    if set(position) != {"pk", "sk", "list_pk", "list_sk"}:
        return False
    moment, _, article_id = position["list_sk"].rpartition("#")
    return (
        position["list_pk"] == list_name
        and lower <= position["list_sk"] <= upper
        and bool(moment)
        and position["pk"] == _article_pk(article_id)
        and position["sk"] == f"IDX#{list_name}"
    )


def _readable_record(item: dict[str, Any]) -> IngestionRecord | None:
    from pydantic import ValidationError

    try:
        return IngestionRecord.model_validate_json(item["record"])
    except (ValidationError, KeyError, TypeError, ValueError):
        return None


def _summary(attribute: dict[str, Any]) -> dict[str, Any]:
    """A list entry's summary: zlib-compressed JSON, or plain JSON text as written
    before summaries were compressed (such entries stay readable)."""
    if "B" in attribute:
        return dict(json.loads(zlib.decompress(attribute["B"])))
    return dict(json.loads(attribute["S"]))


def _lists_of(document: dict[str, Any]) -> dict[str, str]:
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


@dataclass(frozen=True)
class _ArticleItems:
    """Every item that stores and serves one article, built in one place."""

    article: dict[str, Any]
    claim: dict[str, Any]
    entries: list[dict[str, Any]]
    lists: dict[str, str]
    provider_name: str | None

    @classmethod
    def build(
        cls, article_id: str, key: str, document: dict[str, Any], body: str, ingested_at: str, revision: int
    ) -> _ArticleItems:
        lists = _lists_of(document)
        # The whole file is stored compressed: an article of up to 1 MiB must fit
        # DynamoDB's 400 KB item limit, and fewer bytes are fewer write units.
        article = {
            "pk": _article_pk(article_id),
            "sk": _ARTICLE_SK,
            "id": article_id,
            "source_key": key,
            "web_url": document["webUrl"],
            "lists": lists,
            "rev": revision,
            "ingested_at": ingested_at,
            "doc": stored_content(document, body),
        }
        if len(article["doc"]) > MAX_STORED_DOCUMENT_BYTES:
            raise TooLargeToStore(
                "body", f"the article is larger than {MAX_STORED_DOCUMENT_BYTES} bytes even compressed"
            )
        summary = json.dumps(
            {"id": article_id, **summary_view(document), "sourceKey": key, "ingestedAt": ingested_at},
            ensure_ascii=False,
        ).encode()
        if len(summary) > MAX_SUMMARY_BYTES:
            raise TooLargeToStore(
                "(front matter)",
                f"the article without related, body and secured is larger than {MAX_SUMMARY_BYTES} bytes "
                "as JSON; shorten the excerpt or the unknown fields",
            )
        compressed_summary = zlib.compress(summary, 6)
        moment = sort_moment(document["publishedDateTime"])
        provider = document.get("provider") or {}
        filters = {
            "quality": document.get("quality"),
            "published": document.get("published"),
            "topic_keys": [match_key(topic) for topic in document.get("topics") or []],
            "provider_key": match_key(provider.get("domain") or "") or None,
            "category_key": match_key(document.get("category") or "") or None,
            "type_key": match_key(document.get("type") or "") or None,
        }
        entries = [
            {
                "pk": _article_pk(article_id),
                "sk": f"IDX#{list_name}",
                "list_pk": list_name,
                "list_sk": f"{moment}#{article_id}",
                # Compressed: every list entry repeats it, in the table and in the
                # ByList index, so its size is most of an article's write units.
                "summary": compressed_summary,
                **filters,
            }
            for list_name in lists
        ]
        claim = {
            "pk": _claim_pk(document["webUrl"]),
            "sk": _CLAIM_SK,
            "article_id": article_id,
            "source_key": key,
            "url": document["webUrl"],
        }
        return cls(article, claim, entries, lists, provider.get("name"))


class ArticleStore:
    """Reads and writes articles, their lists, claims, counters and ingestion records."""

    def __init__(self, client: Any, table_name: str) -> None:
        self._client = client
        self._table = table_name

    # --- ingestion records -------------------------------------------------

    def get_ingestion(self, key: str) -> IngestionRecord | None:
        """The last applied outcome for an object key, read consistently."""
        item = self._get(_record_pk(key), _RECORD_SK, consistent=True)
        return _readable_record(item) if item else None

    def get_ordering(self, key: str) -> Ordering | None:
        """The key's last applied sequencer and record; a record that cannot be read
        (written by an older version) never blocks the key's later events."""
        item = self._get(_record_pk(key), _RECORD_SK, consistent=True)
        if item is None:
            return None
        sequencer = item.get("sequencer") or item.get("seq_order") or None
        return Ordering(sequencer, _readable_record(item))

    def save_record(self, record: IngestionRecord, *, carried: bool = False) -> None:
        """Write an outcome that leaves articles alone (a rejection, a no-op delete)."""
        self._transact([self._record_put(record, carried=carried)])

    # --- articles ------------------------------------------------------------

    def get_article(self, article_id: str) -> StoredArticle | None:
        """The full article, or None."""
        item = self._get(_article_pk(article_id), _ARTICLE_SK, consistent=False)
        return self._stored(item) if item else None

    def save_article(
        self, article: Article, body: str, record: IngestionRecord, ingested_at: str, *, carried: bool = False
    ) -> None:
        """Store a valid article and its lists, claims and counters in one transaction.

        Raises ArticleConflict when another key owns the id or the webUrl,
        StaleEvent when a newer event for the key was applied meanwhile, and
        ConcurrentWrite when the article changed under us (the event is retried).
        """
        article_id = record.article_id or ""
        current = self._get(_article_pk(article_id), _ARTICLE_SK, consistent=True)
        if current and current["source_key"] != record.key:
            raise ArticleConflict("id", article_id, current["source_key"], article_id)

        revision = int(current["rev"]) + 1 if current else 1
        try:
            items = _ArticleItems.build(article_id, record.key, article.to_document(), body, ingested_at, revision)
        except (TypeError, ValueError, OverflowError) as error:  # pure: the same article fails every time
            raise StoreRefused(f"{type(error).__name__}: {error}") from error
        old_lists: dict[str, str] = current["lists"] if current else {}
        actions = [self._record_put(record, carried=carried)]  # first: _transact reads its failure as stale
        if current:
            actions.append(self._put(items.article, condition="rev = :rev", values={":rev": current["rev"]}))
        else:
            actions.append(self._put(items.article, condition="attribute_not_exists(pk)"))
        claim_action = len(actions)
        actions.append(
            self._put(items.claim, condition="attribute_not_exists(pk) OR article_id = :id", values={":id": article_id})
        )
        if current and current["web_url"] != article.web_url:
            actions.append(self._delete(_claim_pk(current["web_url"]), _CLAIM_SK))
        actions.extend(self._put(entry) for entry in items.entries)
        for list_name in old_lists.keys() - items.lists.keys():
            actions.append(self._delete(_article_pk(article_id), f"IDX#{list_name}"))
        actions.extend(self._counter_changes(old_lists, items.lists, items.provider_name))
        try:
            self._transact(actions)
        except ConcurrentWrite as failed:
            # The URL claim's condition is checked by the write itself, not by a
            # read before it (one request less per file); the holder is read
            # only when the condition failed, to name it.
            if claim_action in failed.failed_conditions:
                claim = self._get(_claim_pk(article.web_url), _CLAIM_SK, consistent=True)
                if claim and claim["article_id"] != article_id:
                    raise ArticleConflict(
                        "webUrl", article.web_url, claim["source_key"], claim["article_id"]
                    ) from failed
            raise

    def load_into_empty_table(self, articles: list[tuple[Article, str, IngestionRecord]], ingested_at: str) -> None:
        """Write many new articles with batched, unconditional writes.

        Only for a table that holds none of these keys, ids or URLs yet (first
        loads, restores, benchmarks): it skips the conflict checks and ordering
        that `save_article` enforces, and sets the counters to their totals.
        """
        from boto3.dynamodb.table import BatchWriter

        counters: dict[tuple[str, str], dict[str, Any]] = {}
        with BatchWriter(self._table, self._client, overwrite_by_pkeys=["pk", "sk"]) as batch:
            for article, body, record in articles:
                items = _ArticleItems.build(
                    record.article_id or "", record.key, article.to_document(), body, ingested_at, 1
                )
                for item in (self._record_item(record), items.article, items.claim, *items.entries):
                    batch.put_item(Item=_to_item(item))
                for list_name, display in items.lists.items():
                    kind, _, value = list_name.partition("#")
                    if kind in ("TOPIC", "PROVIDER"):
                        counter = counters.setdefault((f"COUNT#{kind}", value), {"n": 0})
                        counter.update(n=counter["n"] + 1, display=display)
                        if kind == "PROVIDER" and items.provider_name:
                            counter["provider_name"] = items.provider_name
            for (counter_pk, value), counter in counters.items():
                batch.put_item(Item=_to_item({"pk": counter_pk, "sk": value, **counter}))

    def delete_article(self, article_id: str, record: IngestionRecord, *, carried: bool = False) -> None:
        """Remove the key's article, its lists and claims, and record the delete."""
        current = self._get(_article_pk(article_id), _ARTICLE_SK, consistent=True)
        actions = [self._record_put(record, carried=carried)]
        if current and current["source_key"] == record.key:
            actions.append(
                self._delete(
                    _article_pk(article_id), _ARTICLE_SK, condition="rev = :rev", values={":rev": current["rev"]}
                )
            )
            actions.append(self._delete(_claim_pk(current["web_url"]), _CLAIM_SK))
            for list_name in current["lists"]:
                actions.append(self._delete(_article_pk(article_id), f"IDX#{list_name}"))
            actions.extend(self._counter_changes(current["lists"], {}, None))
        self._transact(actions)

    # --- queries -------------------------------------------------------------

    def query_list(
        self,
        list_name: str,
        lower: str | None,
        upper: str | None,
        filters: ListFilters,
        limit: int,
        start: dict[str, str] | None,
    ) -> tuple[list[dict[str, Any]], dict[str, str] | None]:
        """Up to `limit` summaries of one list, newest first, and where the next page starts.

        Reads `limit + 1` entries when nothing filters (the extra one tells
        whether a next page exists). With filters, it keeps reading until the
        page is full, within a budget of reads; past it, the page comes back
        short with a cursor that resumes where the reading stopped.
        """
        expression, filter_values = filters.expression()
        condition = "list_pk = :list AND list_sk BETWEEN :lower AND :upper"
        values = {":list": list_name, ":lower": lower or "0", ":upper": (upper or "9999") + "#~", **filter_values}
        if start is not None and not _is_position_in(start, list_name, values[":lower"], values[":upper"]):
            raise InvalidCursor("cursor does not belong to this query")
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": LIST_INDEX,
            "ScanIndexForward": False,
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": _to_item(values),
            "ProjectionExpression": "pk, sk, list_pk, list_sk, summary",
        }
        if expression:
            request["FilterExpression"] = expression
        found: list[dict[str, Any]] = []
        position = start
        budget = max(10 * limit, MIN_READ_BUDGET)
        while len(found) <= limit and budget > 0:
            wanted = limit + 1 - len(found)
            request["Limit"] = min(budget, wanted if not expression else max(wanted * 4, 50))
            if position:
                request["ExclusiveStartKey"] = _to_item(position)
            response = self._client.query(**request)
            budget -= response["ScannedCount"]
            found.extend(response["Items"])
            last = response.get("LastEvaluatedKey")
            position = {name: value["S"] for name, value in last.items()} if last else None
            if position is None:
                break
        page = found[:limit]
        if len(found) > limit:
            position = {name: page[-1][name]["S"] for name in ("pk", "sk", "list_pk", "list_sk")}
        return [_summary(item["summary"]) for item in page], position

    def counters(self, kind: str) -> list[dict[str, Any]]:
        """All non-zero counters of a kind ("TOPIC" or "PROVIDER"), in one partition."""
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk",
            "FilterExpression": "n > :zero",
            "ExpressionAttributeValues": _to_item({":pk": f"COUNT#{kind}", ":zero": 0}),
        }
        counters = []
        while True:
            response = self._client.query(**request)
            for item in response["Items"]:
                values = _from_item(item)
                values["n"] = int(values["n"])
                counters.append(values)
            if "LastEvaluatedKey" not in response:
                return counters
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    # --- item builders ---------------------------------------------------------

    def _stored(self, item: dict[str, Any]) -> StoredArticle:
        content = json.loads(zlib.decompress(bytes(item["doc"])))
        return StoredArticle(
            id=item["id"],
            source_key=item["source_key"],
            document=content["article"],
            body=content["body"],
            ingested_at=item["ingested_at"],
        )

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
            if kind not in ("TOPIC", "PROVIDER"):
                continue
            counter_pk = _TOPIC_COUNTS if kind == "TOPIC" else _PROVIDER_COUNTS
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
                        "Key": _to_item({"pk": counter_pk, "sk": value}),
                        "UpdateExpression": expression,
                        "ExpressionAttributeValues": _to_item(values),
                    }
                }
            )
        return changes

    def _record_item(self, record: IngestionRecord) -> dict[str, Any]:
        return {
            "pk": _record_pk(record.key),
            "sk": _RECORD_SK,
            "status": record.status,
            "seq_order": sequencer_order(record.sequencer),
            "sequencer": record.sequencer,
            "record": record.model_dump_json(),
        }

    def _record_put(self, record: IngestionRecord, *, carried: bool = False) -> dict[str, Any]:
        """The record's write, ordered by its sequencer. A `carried` sequencer is the
        last applied one, kept by an event that had none (`articlectl reindex`)."""
        item = self._record_item(record)
        if record.sequencer:
            return self._put(
                item,
                condition=f"attribute_not_exists(seq_order) OR seq_order {'<=' if carried else '<'} :seq",
                values={":seq": sequencer_order(record.sequencer)},
            )
        return self._put(item)

    def _put(
        self, item: dict[str, Any], condition: str | None = None, values: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        put: dict[str, Any] = {"TableName": self._table, "Item": _to_item(item)}
        if condition:
            put["ConditionExpression"] = condition
        if values:
            put["ExpressionAttributeValues"] = _to_item(values)
        return {"Put": put}

    def _delete(
        self, pk: str, sk: str, condition: str | None = None, values: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        delete: dict[str, Any] = {"TableName": self._table, "Key": _to_item({"pk": pk, "sk": sk})}
        if condition:
            delete["ConditionExpression"] = condition
        if values:
            delete["ExpressionAttributeValues"] = _to_item(values)
        return {"Delete": delete}

    # --- DynamoDB calls ----------------------------------------------------------

    def _get(self, pk: str, sk: str, *, consistent: bool) -> dict[str, Any] | None:
        response = self._client.get_item(
            TableName=self._table, Key=_to_item({"pk": pk, "sk": sk}), ConsistentRead=consistent
        )
        item = response.get("Item")
        return _from_item(item) if item else None

    def _transact(self, actions: list[dict[str, Any]]) -> None:
        try:
            self._client.transact_write_items(TransactItems=actions)
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
