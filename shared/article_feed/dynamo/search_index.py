"""The search index, as the change stream writes it (dynamo/search_reader.py reads it).

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
from article_feed.domain.search import document_terms
from article_feed.dynamo.items import to_item
from article_feed.dynamo.keys import (
    EVENT_SK,
    SEARCH_STATE_SK,
    TERM_SK,
    article_pk,
    entry_list_sk,
    filter_attributes,
    month_of,
    posting_pk,
    record_pk,
    sort_moment,
    term_hash,
    term_pk,
)
from article_feed.dynamo.reader import get_item

if TYPE_CHECKING:
    from types_boto3_dynamodb import DynamoDBClient

# Postings carry the hash set only for articles with at most this many terms, which
# keeps every posting within one write unit; longer articles (long CJK excerpts)
# are checked on their text alone.
MAX_HASHED_TERMS = 128


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
