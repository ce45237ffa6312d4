"""An emulator (moto's server) on a free port, with the template's table and bucket."""

from __future__ import annotations

import os
import socket
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import boto3

from articlectl.template import create_bucket, create_table

if TYPE_CHECKING:
    from collections.abc import Iterator

TABLE = "articles"
BUCKET = "articles"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def emulator() -> Iterator[tuple[str, Any, Any]]:
    """(endpoint, s3 client, dynamodb client) of a fresh emulator."""
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    port = free_port()
    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    try:
        s3 = boto3.client("s3", endpoint_url=endpoint)
        dynamodb = boto3.client("dynamodb", endpoint_url=endpoint)
        create_bucket(s3, BUCKET, versioned=False)
        create_table(dynamodb, TABLE)
        yield endpoint, s3, dynamodb
    finally:
        server.stop()


def use_in_process_moto() -> None:
    """Environment for handlers run in this process under moto's `mock_aws`."""
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_DEFAULT_REGION="us-east-1",
        TABLE_NAME=TABLE,
        POWERTOOLS_TRACE_DISABLED="true",
        POWERTOOLS_LOG_LEVEL="ERROR",
        POWERTOOLS_METRICS_NAMESPACE="Bench",
    )
    os.environ.pop("AWS_ENDPOINT_URL", None)
