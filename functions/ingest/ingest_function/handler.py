"""Lambda entry point for the bucket's notifications: one ingest per record.

The handler only translates: S3 records in, `ingest_object_event` per record,
logs and metrics out. Every record is handled on its own; if any failed for a
transient reason, the invocation fails after the others are done, so Lambda
retries it (records already applied are then skipped by their sequencer).
"""

from __future__ import annotations

import os
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import unquote_plus

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.shared.functions import resolve_truthy_env_var_choice
from aws_lambda_powertools.utilities.data_classes import S3Event, event_source
from pydantic import BaseModel, Field

from article_feed.aws_clients import aws_client
from article_feed.domain.records import ObjectEvent
from article_feed.dynamo.writer import ArticleWriter
from article_feed.ingest import IngestSettings, ingest_object_event
from article_feed.s3 import S3ObjectReader

if TYPE_CHECKING:
    from collections.abc import Callable

    from aws_lambda_powertools.utilities.data_classes.s3_event import S3EventRecord
    from aws_lambda_powertools.utilities.typing import LambdaContext

logger = Logger()
metrics = Metrics()
Handler = TypeVar("Handler", bound="Callable[..., Any]")


def _traced(handler: Handler) -> Handler:
    """powertools Tracer, only when the deployment asks for it (`TraceAwsCalls`).

    Creating a Tracer imports the X-Ray SDK even when tracing is disabled (its
    cold-start cost: docs/performance.md); Lambda's active tracing records each
    invocation without it.
    """
    if resolve_truthy_env_var_choice(env=os.environ.get("POWERTOOLS_TRACE_DISABLED", "false")):
        return handler
    from aws_lambda_powertools import Tracer

    return Tracer().capture_lambda_handler(handler)  # type: ignore[return-value]


class IngestEnvironment(BaseModel):
    """The function's configuration, checked once per container."""

    table_name: str = Field(alias="TABLE_NAME", min_length=1)
    max_article_bytes: int = Field(alias="MAX_ARTICLE_BYTES", default=1024 * 1024, gt=0)
    article_key_prefix: str = Field(alias="ARTICLE_KEY_PREFIX", default="")


class IngestFailed(Exception):
    """Some records hit a transient error; Lambda retries the whole event."""


@cache
def _dependencies() -> tuple[S3ObjectReader, ArticleWriter, IngestSettings]:
    environment = IngestEnvironment.model_validate(dict(os.environ))
    reader = S3ObjectReader(aws_client("s3"))
    store = ArticleWriter(aws_client("dynamodb"), environment.table_name)
    settings = IngestSettings(environment.max_article_bytes, environment.article_key_prefix)
    return reader, store, settings


def _object_event(record: S3EventRecord) -> ObjectEvent:
    s3_object = record.s3.get_object
    return ObjectEvent(
        bucket=record.s3.bucket.name,
        key=unquote_plus(s3_object.key),
        created=record.event_name.startswith("ObjectCreated:"),
        sequencer=s3_object.get("sequencer"),
        size=s3_object.get("size"),
        etag=s3_object.get("eTag"),
        version_id=s3_object.get("versionId"),
        event_time=record.get("eventTime"),
    )


@metrics.log_metrics
@_traced
@logger.inject_lambda_context
@event_source(data_class=S3Event)
def lambda_handler(event: S3Event, context: LambdaContext) -> dict[str, Any]:
    reader, store, settings = _dependencies()
    failures: list[str] = []
    outcomes: dict[str, int] = {}
    for record in event.records:
        object_event = _object_event(record)
        try:
            result = ingest_object_event(object_event, reader, store, settings)
        except Exception as error:  # transient: finish the other records, then fail
            logger.exception("ingest failed", extra={"key": object_event.key})
            failures.append(f"{object_event.key}: {type(error).__name__}")
            continue
        outcomes[result.outcome] = outcomes.get(result.outcome, 0) + 1
        if result.outcome in ("accepted", "rejected", "deleted"):
            metrics.add_metric(name=result.outcome, unit=MetricUnit.Count, value=1)
        logger.info(
            "ingested",
            extra={
                "key": result.key,
                "status": result.outcome,
                "article_id": result.article_id,
                "errors": result.errors,
                "warnings": result.warnings,
            },
        )
    if failures:
        raise IngestFailed(f"{len(failures)} record(s) failed and will be retried: {failures}")
    return {"outcomes": outcomes}
