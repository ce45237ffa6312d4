"""`articlectl dev` (what `make dev` runs): the whole product on one laptop.

- moto's server, in this process, is the AWS endpoint (default port 4566);
- the bucket and the table are created from template.yaml, like in the tests;
- S3 sends its notifications to an SQS queue in the emulator, and a poller hands
  each message's records, unchanged, to the ingest function's handler, as Lambda
  would (a failed event is retried, then lands in a dead-letter queue);
- a poller reads the table's stream and hands its records, unchanged, to the
  stream function's handler (the search index, change events), as Lambda's
  event source would; the events bus sends every event to a queue, and each
  event is printed as one line (`event ArticlePublished <id> revision 1`);
- the API function's handler answers HTTP on port 3000, behind a translator that
  builds the API Gateway (REST, v1) proxy event `sam local start-api` would build.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from articlectl.lambdas import proxy_event
from articlectl.stream import StreamReader, share_stream_records_in_copies, streams_client
from articlectl.template import REPOSITORY_ROOT, create_bucket, create_table, function_environment

BUCKET = "articles"
TABLE = "articles"
EVENTS_QUEUE = "article-events"
EVENT_BUS = "article-feed-events"
# A rule on the bus sends every change event here; the local stack prints each one.
CHANGE_EVENTS_QUEUE = "article-change-events"
DEAD_LETTER_QUEUE = "article-events-failed"
SAMPLES = REPOSITORY_ROOT / "samples"
MAX_RECEIVES = 3


def use_emulator(endpoint_url: str, table: str = TABLE) -> None:
    """Point boto3 and the functions' configuration at the local emulator."""
    os.environ.update(
        AWS_ENDPOINT_URL=endpoint_url,
        AWS_ACCESS_KEY_ID="local",
        AWS_SECRET_ACCESS_KEY="local",  # noqa: S106 - the emulator accepts any credentials
        AWS_DEFAULT_REGION=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
        POWERTOOLS_TRACE_DISABLED="true",
        POWERTOOLS_METRICS_DISABLED="true",
    )
    os.environ.pop("AWS_PROFILE", None)
    for function in ("IngestFunction", "ApiFunction", "StreamFunction"):
        defaults = {
            "TABLE_NAME": table,
            "EVENT_BUS_NAME": EVENT_BUS,
            "MAX_ARTICLE_BYTES": "1048576",
            "ARTICLE_KEY_PREFIX": "",
            "CORS_ALLOWED_ORIGINS": "*",
            "POWERTOOLS_LOG_LEVEL": "INFO",
        }
        # The local functions use the local resources, whatever the shell says.
        os.environ.update(function_environment(function, **defaults))


def release_emulator_copies() -> None:
    """Let go of the table copies moto keeps for ever.

    moto records every model instance it creates, for its dashboard only, and a
    transaction deep-copies the whole table once per action (to roll back): the
    local stack's memory grew with the square of the uploads (22 GB, killed,
    after about 500 real files). Nothing else reads those lists.
    """
    from moto.dynamodb.models.dynamo_type import Item
    from moto.dynamodb.models.table import Table

    for model in (Table, Item):
        model.instances_tracked.clear()  # type: ignore[union-attr]


# One function call at a time against the emulator: moto's DynamoDB is not safe
# for a read while a transaction copies the table (it answers 500), and the API
# resolver keeps the current event in module state.
FUNCTION_CALLS = threading.Lock()


class QueuePoller(threading.Thread):
    """Receives an emulator queue's messages until stopped; `_deliver` handles each."""

    def __init__(self, sqs: Any, queue_url: str, name: str) -> None:
        super().__init__(name=name, daemon=True)
        self._sqs, self._queue_url = sqs, queue_url
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                messages = self._sqs.receive_message(
                    QueueUrl=self._queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1
                ).get("Messages", [])
            except Exception:  # the emulator is shutting down
                if self.stopping.is_set():
                    return
                raise
            for message in messages:
                self._deliver(message)

    def _deliver(self, message: dict[str, Any]) -> None:
        raise NotImplementedError


class EventDelivery(QueuePoller):
    """Hands S3 notifications from the emulator's queue to the ingest handler."""

    def __init__(self, sqs: Any, queue_url: str, handler: Any, context: Any) -> None:
        super().__init__(sqs, queue_url, "event-delivery")
        self._handler, self._context = handler, context
        self.delivered = 0

    def _deliver(self, message: dict[str, Any]) -> None:
        event = json.loads(message["Body"])
        if "Records" in event:
            try:
                with FUNCTION_CALLS:
                    self._handler(event, self._context)
            except Exception as error:  # as Lambda: the event stays queued and is retried
                print(f"ingest failed, will retry: {error}", file=sys.stderr)
                return
            finally:
                release_emulator_copies()
        self._sqs.delete_message(QueueUrl=self._queue_url, ReceiptHandle=message["ReceiptHandle"])
        self.delivered += 1


class StreamDelivery(threading.Thread):
    """Hands the table's stream records to the stream function's handler, a batch at a
    time, every quarter of a second: a new upload is searchable well within 2 seconds."""

    def __init__(self, reader: StreamReader, handler: Any, context: Any) -> None:
        super().__init__(name="stream-delivery", daemon=True)
        self._reader, self._handler, self._context = reader, handler, context
        self.stopping = threading.Event()
        self._pending: dict[str, Any] | None = None
        self._attempts = 0

    def run(self) -> None:
        while not self.stopping.wait(0.25):
            try:
                self._deliver_all()
            except Exception as error:  # the emulator is shutting down, or a handler bug
                if self.stopping.is_set():
                    return
                print(f"stream delivery failed, will retry: {error}", file=sys.stderr)

    def _deliver_all(self) -> None:
        while True:
            # A batch that failed is handed over again, as Lambda retries a shard from its failure.
            batch = self._pending or self._reader.batch()
            if not batch["Records"]:
                return
            self._pending = batch
            with FUNCTION_CALLS:
                answer = self._handler(batch, self._context)
            failed = {failure["itemIdentifier"] for failure in answer.get("batchItemFailures", [])}
            if failed and self._attempts < MAX_RECEIVES:
                records = batch["Records"]
                first = next(i for i, record in enumerate(records) if record["dynamodb"]["SequenceNumber"] in failed)
                self._pending = {"Records": records[first:]}
                self._attempts += 1
                return
            if failed:  # on AWS, the batch's description would go to StreamFailureQueue
                print(f"stream records failed {MAX_RECEIVES + 1} times, skipped: {sorted(failed)}", file=sys.stderr)
            self._pending, self._attempts = None, 0


class EventPrinter(QueuePoller):
    """Prints each change event the stream function publishes, one line each, as a
    consumer subscribed to the bus (a rule to a queue) receives it."""

    def __init__(self, sqs: Any, queue_url: str) -> None:
        super().__init__(sqs, queue_url, "event-printer")

    def _deliver(self, message: dict[str, Any]) -> None:
        print(event_line(json.loads(message["Body"])), flush=True)
        self._sqs.delete_message(QueueUrl=self._queue_url, ReceiptHandle=message["ReceiptHandle"])


def event_line(event: dict[str, Any]) -> str:
    """`event ArticlePublished 102_warehouse-robots revision 1` (a rejection names its key)."""
    detail = event.get("detail", {})
    if "revision" in detail:
        return f"event {event.get('detail-type')} {detail.get('id')} revision {detail['revision']}"
    return f"event {event.get('detail-type')} {detail.get('key')} ({len(detail.get('errors', []))} errors)"


def _wire_change_events(events: Any, sqs: Any) -> str:
    """The stack's bus, and a rule that sends every change event to a queue."""
    from articlectl.template import create_event_bus

    create_event_bus(events, EVENT_BUS)
    queue_url = sqs.create_queue(QueueName=CHANGE_EVENTS_QUEUE)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(
        Name="all-change-events", EventBusName=EVENT_BUS, EventPattern=json.dumps({"source": ["article-feed"]})
    )
    events.put_targets(Rule="all-change-events", EventBusName=EVENT_BUS, Targets=[{"Id": "queue", "Arn": queue_arn}])
    return str(queue_url)


def api_server(host: str, port: int, handler: Any, context: Any) -> ThreadingHTTPServer:
    """An HTTP server that answers through the API function's handler."""

    class ApiGatewayTranslator(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            # API Gateway tells the function how the client connected; here, plain HTTP.
            received = [*self.headers.items(), ("X-Forwarded-Proto", "http")]
            event = proxy_event(self.command, self.path, received, self.rfile.read(length))
            with FUNCTION_CALLS:
                answer = handler(event, context)
            body = answer.get("body") or ""
            data = base64.b64decode(body) if answer.get("isBase64Encoded") else body.encode()
            self.send_response(answer["statusCode"])
            headers = {name: [value] for name, value in (answer.get("headers") or {}).items()}
            headers.update(answer.get("multiValueHeaders") or {})
            for name, values in headers.items():
                for value in values:
                    self.send_header(name, str(value))
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def __getattr__(self, name: str) -> Any:
            # Every method goes to the handler (`do_GET`, `do_QUERY`…), which
            # answers 405 to anything but GET and OPTIONS, as the API declares.
            if name.startswith("do_"):
                return self._answer
            raise AttributeError(name)

        def log_message(self, format: str, *args: Any) -> None:
            sys.stderr.write(f"api: {format % args}\n")

    return ThreadingHTTPServer((host, port), ApiGatewayTranslator)


def _wire_notifications(s3: Any, sqs: Any) -> str:
    dead_letters = sqs.create_queue(QueueName=DEAD_LETTER_QUEUE)["QueueUrl"]
    dead_letters_arn = sqs.get_queue_attributes(QueueUrl=dead_letters, AttributeNames=["QueueArn"])
    redrive = {"deadLetterTargetArn": dead_letters_arn["Attributes"]["QueueArn"], "maxReceiveCount": MAX_RECEIVES}
    queue_url = sqs.create_queue(
        QueueName=EVENTS_QUEUE, Attributes={"VisibilityTimeout": "2", "RedrivePolicy": json.dumps(redrive)}
    )["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    s3.put_bucket_notification_configuration(
        Bucket=BUCKET,
        NotificationConfiguration={
            "QueueConfigurations": [{"QueueArn": queue_arn, "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]}]
        },
    )
    return str(queue_url)


def _load_samples(s3: Any, dynamodb: Any, timeout: float = 60.0) -> int:
    samples = sorted(path for path in SAMPLES.iterdir() if path.suffix in (".md", ".txt", ".markdown"))
    for path in samples:
        s3.put_object(Bucket=BUCKET, Key=f"samples/{path.name}", Body=path.read_bytes())
    deadline = time.monotonic() + timeout
    from article_feed.dynamo.reader import ArticleReader

    store = ArticleReader(dynamodb, TABLE)
    pending = [f"samples/{path.name}" for path in samples]
    while pending and time.monotonic() < deadline:
        pending = [key for key in pending if store.get_ingestion(key) is None]
        time.sleep(0.1)
    return len(samples) - len(pending)


def _banner(host: str, aws_port: int, api_port: int, loaded: int) -> str:
    endpoint, api = f"http://{host}:{aws_port}", f"http://{host}:{api_port}"
    return f"""
Article Feed is running locally (no AWS account, no Docker).
  AWS emulator  {endpoint}   bucket: {BUCKET}   table: {TABLE}
  HTTP API      {api}   Swagger UI: {api}/docs
  {loaded} sample article(s) loaded from samples/.

Try (the emulator accepts any credentials):
  export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=us-east-1
  curl '{api}/articles?limit=5'
  curl '{api}/articles?q=batteries'
  aws --endpoint-url {endpoint} s3 cp post.md s3://{BUCKET}/
  curl '{api}/ingestions?key=post.md'

Ctrl-C stops everything.
""".strip("\n")


def run(host: str, aws_port: int, api_port: int, *, load_samples: bool = True) -> int:
    """Start the emulator, wire ingest and the API, load samples, serve until Ctrl-C."""
    import boto3
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    endpoint = f"http://{host}:{aws_port}"
    use_emulator(endpoint)
    share_stream_records_in_copies()
    emulator = ThreadedMotoServer(ip_address=host, port=aws_port, verbose=False)
    emulator.start()
    stop = threading.Event()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signal_number, lambda *_: stop.set())
    delivery = None
    stream = None
    printer = None
    server = None
    try:
        s3, sqs, dynamodb = (boto3.client(name, endpoint_url=endpoint) for name in ("s3", "sqs", "dynamodb"))
        create_bucket(s3, BUCKET, versioned=False)
        create_table(dynamodb, TABLE)
        queue_url = _wire_notifications(s3, sqs)
        events_client = boto3.client("events", endpoint_url=endpoint)
        printer = EventPrinter(sqs, _wire_change_events(events_client, sqs))
        printer.start()
        from articlectl.lambdas import LocalContext, load_handler

        delivery = EventDelivery(sqs, queue_url, load_handler("IngestFunction"), LocalContext("IngestFunction"))
        delivery.start()
        reader = StreamReader(dynamodb, streams_client(endpoint_url=endpoint), TABLE)
        stream = StreamDelivery(reader, load_handler("StreamFunction"), LocalContext("StreamFunction"))
        stream.start()
        loaded = _load_samples(s3, dynamodb) if load_samples and SAMPLES.is_dir() else 0
        server = api_server(host, api_port, load_handler("ApiFunction"), LocalContext("ApiFunction"))
        threading.Thread(target=server.serve_forever, name="api", daemon=True).start()
        print(_banner(host, aws_port, api_port, loaded), flush=True)
        stop.wait()
    finally:
        print("\nstopping…", file=sys.stderr, flush=True)
        if server is not None:
            server.shutdown()
            server.server_close()
        for thread in (delivery, stream, printer):
            if thread is not None:
                thread.stopping.set()
                thread.join(timeout=5)
        emulator.stop()
    return 0
