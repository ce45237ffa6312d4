"""DynamoDB items: built from the domain's values, and read back into them, in one place each."""

from __future__ import annotations

import base64
import json
import zlib
from dataclasses import dataclass
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from pydantic import ValidationError

from article_feed.domain.errors import TooLargeToStore
from article_feed.domain.limits import (
    MAX_STORED_DOCUMENT_BYTES,
    MAX_SUMMARY_BYTES,
    read_stored_content,
    stored_content,
)
from article_feed.domain.records import IngestionRecord, sequencer_order
from article_feed.domain.views import public, summary_view
from article_feed.dynamo.keys import (
    ARTICLE_SK,
    CLAIM_SK,
    RECORD_SK,
    article_pk,
    claim_pk,
    entry_list_sk,
    entry_sk,
    filter_attributes,
    lists_of,
    record_pk,
    sort_moment,
)

_SERIALIZER = TypeSerializer()
_DESERIALIZER = TypeDeserializer()


def to_item(values: dict[str, Any]) -> dict[str, Any]:
    """DynamoDB's typed form; None values are left out."""
    return {name: _SERIALIZER.serialize(value) for name, value in values.items() if value is not None}


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    return {name: _DESERIALIZER.deserialize(value) for name, value in item.items()}


@dataclass(frozen=True)
class StoredArticle:
    """An article as stored: its file fields plus what ingest knows about it."""

    id: str
    source_key: str
    document: dict[str, Any]
    body: str
    ingested_at: str


def stored_article(item: dict[str, Any]) -> StoredArticle:
    document, body = read_stored_content(bytes(item["doc"]))
    return StoredArticle(
        id=item["id"],
        source_key=item["source_key"],
        document=document,
        body=body,
        ingested_at=item["ingested_at"],
    )


def served_of_image(image: dict[str, Any] | None) -> dict[str, Any] | None:
    """What an article item serves (its public fields, body and source key), from a
    stream record's image as powertools reads it: binary values arrive base64-encoded
    in Lambda's event, as bytes from boto3. None for no image, or an image without
    the article (the emulator's key-only INSERT)."""
    if not image or "doc" not in image:
        return None
    raw = image["doc"]
    document, body = read_stored_content(base64.b64decode(raw) if isinstance(raw, str) else bytes(raw))
    return {**public(document), "body": body, "sourceKey": image.get("source_key")}


def summary_of_entry(attribute: dict[str, Any]) -> dict[str, Any]:
    """A list entry's summary: zlib-compressed JSON, or plain JSON text as written
    before summaries were compressed (such entries stay readable)."""
    if "B" in attribute:
        return dict(json.loads(zlib.decompress(attribute["B"])))
    return dict(json.loads(attribute["S"]))


def record_item(record: IngestionRecord) -> dict[str, Any]:
    return {
        "pk": record_pk(record.key),
        "sk": RECORD_SK,
        "status": record.status,
        "seq_order": sequencer_order(record.sequencer),
        "sequencer": record.sequencer,
        "record": record.model_dump_json(),
    }


def readable_record(item: dict[str, Any]) -> IngestionRecord | None:
    """The record an item holds, or None when an older version wrote one that cannot be read."""
    try:
        return IngestionRecord.model_validate_json(item["record"])
    except (ValidationError, KeyError, TypeError, ValueError):
        return None


@dataclass(frozen=True)
class ArticleItems:
    """Every item that stores and serves one article, built in one place."""

    article: dict[str, Any]
    claim: dict[str, Any]
    entries: list[dict[str, Any]]
    lists: dict[str, str]
    provider_name: str | None

    @classmethod
    def build(
        cls, article_id: str, key: str, document: dict[str, Any], body: str, ingested_at: str, revision: int
    ) -> ArticleItems:
        lists = lists_of(document)
        # The whole file is stored compressed: an article of up to 1 MiB must fit
        # DynamoDB's 400 KB item limit, and fewer bytes are fewer write units.
        article = {
            "pk": article_pk(article_id),
            "sk": ARTICLE_SK,
            "id": article_id,
            "source_key": key,
            "web_url": document["webUrl"],
            "claim_pk": claim_pk(document["webUrl"]),
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
        filters = filter_attributes(document)
        entries = [
            {
                "pk": article_pk(article_id),
                "sk": entry_sk(list_name),
                "list_pk": list_name,
                "list_sk": entry_list_sk(moment, article_id),
                # Compressed: every list entry repeats it, in the table and in the
                # ByList index, so its size is most of an article's write units.
                "summary": compressed_summary,
                **filters,
            }
            for list_name in lists
        ]
        claim = {
            "pk": claim_pk(document["webUrl"]),
            "sk": CLAIM_SK,
            "article_id": article_id,
            "source_key": key,
            "url": document["webUrl"],
        }
        return cls(article, claim, entries, lists, (document.get("provider") or {}).get("name"))
