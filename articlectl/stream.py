"""The table's stream, read from the emulator and shaped as Lambda delivers it.

The local stack and the tests hand these batches, unchanged, to the stream
function's handler: Lambda's event source does the same on AWS (binary values
base64-encoded, the creation time in epoch seconds, the stream's ARN on each record).
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any


def share_stream_records_in_copies() -> None:
    """Make moto's transactions stop copying the stream's records.

    moto deep-copies a table before each transaction action (to roll back), stream
    records included, so every ingest got slower as the stream grew (48 uploads:
    12 s without a stream, 29 s with it). A record never changes once written:
    copies may share it, and a rolled-back table still gets its own list of them.
    """
    from moto.dynamodb.models.table import StreamRecord

    StreamRecord.__deepcopy__ = lambda self, memo: self  # type: ignore[attr-defined]


def streams_client(**options: Any) -> Any:
    """A DynamoDB Streams client the emulator understands: botocore would otherwise
    send ARN-bearing calls to the account-based endpoint
    (`<account>.streams-ddb.<region>.amazonaws.com`), which moto does not serve."""
    import boto3
    from botocore.config import Config

    return boto3.client("dynamodbstreams", config=Config(account_id_endpoint_mode="disabled"), **options)


class StreamReader:
    """Reads every shard of a table's stream from its start, and remembers where it is."""

    def __init__(self, dynamodb: Any, streams: Any, table: str) -> None:
        self._streams = streams
        self._arn = dynamodb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
        self._iterators: dict[str, str | None] = {}

    def batch(self, limit: int = 100) -> dict[str, Any]:
        """The next records (at most `limit` per shard) as a Lambda event; empty when none are new."""
        shards = self._streams.describe_stream(StreamArn=self._arn)["StreamDescription"]["Shards"]
        records: list[dict[str, Any]] = []
        for shard in shards:
            shard_id = shard["ShardId"]
            if shard_id not in self._iterators:
                self._iterators[shard_id] = self._streams.get_shard_iterator(
                    StreamArn=self._arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
                )["ShardIterator"]
            iterator = self._iterators[shard_id]
            if iterator is None:
                continue
            response = self._streams.get_records(ShardIterator=iterator, Limit=limit)
            self._iterators[shard_id] = response.get("NextShardIterator")
            records.extend(self._as_lambda(record) for record in response["Records"])
        return {"Records": records}

    def _as_lambda(self, record: dict[str, Any]) -> dict[str, Any]:
        shaped = _json_ready(record)
        shaped["eventSourceARN"] = self._arn
        return shaped


def _json_ready(value: Any) -> Any:
    """boto3's parsed record back in the wire form Lambda's event carries."""
    if isinstance(value, dict):
        return {name: _json_ready(item) for name, item in value.items()}
    if isinstance(value, list):
        return [_json_ready(item) for item in value]
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, datetime):
        return int(value.timestamp())
    return value
