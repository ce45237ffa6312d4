"""`articlectl reindex`: run every object of a bucket through ingest again.

After a schema change, or to rebuild a table, each article object becomes an
`ObjectCreated` event handled by the same service code as the Lambda function.
Events carry no sequencer, so they apply over whatever was stored before.
"""

from __future__ import annotations

import sys
from collections import Counter
from typing import Any, TextIO

from article_feed.aws_clients import aws_client
from article_feed.domain.identity import is_article_key
from article_feed.domain.records import ObjectEvent
from article_feed.dynamo.writer import ArticleWriter
from article_feed.ingest import IngestSettings, ingest_object_event
from article_feed.s3 import S3ObjectReader


def progress_bar(done: int, total: int, stream: TextIO, width: int = 30) -> None:
    """Redraw a one-line progress bar."""
    filled = width * done // total if total else width
    stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    stream.flush()


def run(session: Any, bucket: str, table: str, prefix: str, max_bytes: int, endpoint_url: str | None) -> int:
    """Re-ingest every article object under `prefix`; print a summary; 1 if any failed."""
    s3 = aws_client("s3", session, endpoint_url=endpoint_url)
    store = ArticleWriter(aws_client("dynamodb", session, endpoint_url=endpoint_url), table)
    reader = S3ObjectReader(s3)
    settings = IngestSettings(max_bytes=max_bytes, key_prefix=prefix)
    objects = [
        item
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        for item in page.get("Contents", [])
        if is_article_key(item["Key"], prefix)
    ]
    outcomes: Counter[str] = Counter()
    for done, item in enumerate(objects, start=1):
        event = ObjectEvent(
            bucket=bucket,
            key=item["Key"],
            created=True,
            size=item["Size"],
            etag=item.get("ETag", "").strip('"') or None,
        )
        try:
            outcomes[ingest_object_event(event, reader, store, settings).outcome] += 1
        except Exception as error:  # report and go on: one failure must not stop a reindex
            outcomes["failed"] += 1
            sys.stderr.write(f"\n{item['Key']}: {type(error).__name__}: {error}\n")
        progress_bar(done, len(objects), sys.stderr)
    sys.stderr.write("\n")
    summary = ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items())) or "nothing to do"
    print(f"reindexed {len(objects)} object(s) of s3://{bucket}/{prefix}: {summary}")
    return 1 if outcomes["failed"] else 0
