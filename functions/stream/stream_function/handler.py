"""Lambda entry point for the table's stream: article changes into the search index
and onto the event bus, rejected uploads onto the event bus.

powertools' batch utility reads the records and reports the ones that failed
(`ReportBatchItemFailures`), so Lambda retries from the first of them. After one
record fails, the rest of its batch is reported failed too, unapplied: changes
of one article must be applied in stream order. Records of other items (list
entries, claims, counters, accepted records, the index's own items) are
skipped; on AWS the event source's filter keeps them away (template.yaml).
"""

from __future__ import annotations

import os
from functools import cache
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from pydantic import BaseModel, Field

from article_feed.aws_clients import aws_client
from article_feed.changes import ArticleChange, Rejection, apply_change, apply_rejection
from article_feed.dynamo.items import readable_record, served_of_image
from article_feed.dynamo.keys import ARTICLE_SK, RECORD_SK
from article_feed.dynamo.search_index import SearchIndexWriter, StreamPositions
from article_feed.eventbridge import EventBusPublisher

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
    from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
    from aws_lambda_powertools.utilities.typing import LambdaContext

logger = Logger()
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


class StreamEnvironment(BaseModel):
    """The function's configuration, checked once per container."""

    table_name: str = Field(alias="TABLE_NAME", min_length=1)
    event_bus_name: str = Field(alias="EVENT_BUS_NAME", min_length=1)


class EarlierRecordFailed(Exception):
    """A record of the same batch before this one failed: this one waits for its retry."""


@cache
def _dependencies() -> tuple[SearchIndexWriter, StreamPositions, EventBusPublisher]:
    environment = StreamEnvironment.model_validate(dict(os.environ))
    dynamodb = aws_client("dynamodb")
    return (
        SearchIndexWriter(dynamodb, environment.table_name),
        StreamPositions(dynamodb, environment.table_name),
        EventBusPublisher(aws_client("events"), environment.event_bus_name),
    )


def article_change(record: DynamoDBRecord) -> ArticleChange | None:
    """The article change a record reports, or None for a record of another item."""
    stream = record.dynamodb
    if stream is None:
        return None
    keys = stream.keys
    pk, sk = str(keys.get("pk", "")), keys.get("sk")
    if not pk.startswith("ARTICLE#") or sk != ARTICLE_SK:
        return None
    new = served_of_image(stream.new_image)
    if new is None and record.event_name and record.event_name.name != "REMOVE":
        return None  # an image without the article (the emulator's key-only INSERT): the full one follows
    return ArticleChange(
        article_id=pk.removeprefix("ARTICLE#"),
        sequence=int(stream.sequence_number or 0),
        old=served_of_image(stream.old_image),
        new=new,
    )


def rejection(record: DynamoDBRecord) -> Rejection | None:
    """The rejection a record reports: an ingestion record newly written as `rejected`."""
    stream = record.dynamodb
    if stream is None or stream.keys.get("sk") != RECORD_SK or not str(stream.keys.get("pk")).startswith("INGEST#"):
        return None
    new_image = stream.new_image
    if new_image.get("status") != "rejected" or new_image == stream.old_image:  # moto's no-op MODIFY
        return None
    stored = readable_record(new_image)
    if stored is None:
        return None
    return Rejection(
        key=stored.key,
        sequence=int(stream.sequence_number or 0),
        article_id=stored.article_id,
        errors=[error.model_dump(mode="json") for error in stored.errors],
    )


def handle(record: DynamoDBRecord) -> None:
    """One record: an article's change, a rejection, or nothing."""
    index, positions, events = _dependencies()
    change = article_change(record)
    if change is not None:
        if not apply_change(index, events, change):
            logger.info("change already applied", extra={"article_id": change.article_id})
        return
    rejected = rejection(record)
    if rejected is not None and not apply_rejection(positions, events, rejected):
        logger.info("rejection already published", extra={"key": rejected.key})


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    failed = False

    def in_order(record: DynamoDBRecord) -> None:
        nonlocal failed
        if failed:
            raise EarlierRecordFailed(record.dynamodb.sequence_number if record.dynamodb else None)
        try:
            handle(record)
        except Exception:
            failed = True
            logger.exception("stream record failed", extra={"event_id": record.event_id})
            raise

    return process_partial_response(event=event, record_handler=in_order, processor=processor, context=context)
