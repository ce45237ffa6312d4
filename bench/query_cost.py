"""Query cost with 1,000 and 10,000 articles stored: median handler time of a list
and a topic query, the time spent outside DynamoDB, and the items read per request.
Also two topics merged (`topic=ai,climate`), an Atom feed of 50 (`/feeds/atom`), and
searches (`q`), with the same search done the tutorial way as their baseline: the
feed read newest first, each entry's text checked, until the page is full.
The emulator's own query time grows with the table (moto scans in Python); DynamoDB's
does not, so the handler's own time is reported apart."""

from __future__ import annotations

import json
import statistics
import time
from typing import Any

import boto3

from bench import ROOT, handler_module


def _articles(count: int) -> list[tuple[Any, str, Any]]:
    from article_feed.domain.records import IngestionRecord
    from article_feed.parsing import parse_article_file

    loaded = []
    for number in range(count):
        title = f"Story {number}: {WORDS[number % 10]} {WORDS[number // 10 % 10]}"
        text = (
            f"---\ntitle: '{title}'\nwebUrl: https://news.example.com/{number}\n"
            f"publishedDateTime: 2020-{1 + number % 12:02d}-{1 + number % 28:02d}T{number % 24:02d}:00:00Z\n"
            f"topics: [{['AI', 'Climate', 'Robots', 'Energy'][number % 4]}]\nquality: {number % 101}\n"
            f"provider: {{name: P{number % 7}, domain: p{number % 7}.example.com}}\n"
            f"excerpt: {'An excerpt of a realistic length for a news summary. ' * 4}\n---\nBody\n"
        ).encode()
        parsed = parse_article_file(text)
        record = IngestionRecord(key=f"q/{number}.md", status="accepted", article_id=str(number), processed_at="now")
        loaded.append((parsed.article, parsed.body, record))
    return loaded


# Title words: each in about one article in five; two of them together in one in fifty.
WORDS = ("battery", "robots", "climate", "market", "quantum", "election", "football", "vaccine", "rocket", "chip")


class DynamoTimer:
    """Time spent in, and items read by, DynamoDB calls."""

    def __init__(self) -> None:
        self.started = 0.0
        self.seconds = 0.0
        self.items = 0

    def before(self, **_: Any) -> None:
        self.started = time.perf_counter()

    def after(self, parsed: dict[str, Any], **_: Any) -> None:
        self.seconds += time.perf_counter() - self.started
        self.items += parsed.get("ScannedCount", 1 if "Item" in parsed else 0)
        self.items += sum(len(items) for items in parsed.get("Responses", {}).values())  # BatchGetItem


# (name, path, parameters): a list, a topic, two topics merged, an Atom feed of 50.
QUERIES = (
    ("list", "/articles", {"limit": "20"}),
    ("topic", "/articles", {"limit": "20", "topic": "ai"}),
    ("topics", "/articles", {"limit": "20", "topic": "ai,climate"}),
    ("feed", "/feeds/atom", {"limit": "50", "topic": "ai"}),
    ("search", "/articles", {"limit": "20", "q": "batteries"}),
    ("search2", "/articles", {"limit": "20", "q": "battery robot"}),
)
# The tutorial way of `q=battery robot`: what it reads and how long it takes.
TUTORIAL = ("battery", "robot")


def measure(sizes: tuple[int, ...] = (1000, 10000), repeats: int = 30) -> list[dict[str, Any]]:
    from moto import mock_aws

    from articlectl.template import create_table
    from bench.emulator import use_in_process_moto

    use_in_process_moto()
    api = handler_module("ApiFunction")  # also puts the layer (article_feed) on sys.path
    from api_function.dependencies import container
    from article_feed.dynamo.bulk import load_into_empty_table

    event = json.loads((ROOT / "events" / "apigw_list_articles.json").read_text())
    rows = []
    for size in sizes:
        with mock_aws():
            client = boto3.client("dynamodb")
            create_table(client, "articles", stream=False)  # the index is loaded with the articles
            load_into_empty_table(client, "articles", _articles(size), "2026-11-26T00:00:00Z")
            timer = DynamoTimer()
            session = boto3.session.Session()
            session.events.register("before-call.dynamodb", timer.before)
            session.events.register("after-call.dynamodb", timer.after)
            boto3.DEFAULT_SESSION = session
            container.cache_clear()  # a new container: its client carries the timer
            # moto reads a whole index per query (seconds at 10k articles): fewer rounds there.
            rounds = repeats if size <= 1000 else max(5, repeats // 3)
            for name, path, query in QUERIES:
                event["path"] = event["requestContext"]["path"] = path
                event["queryStringParameters"] = query
                event["multiValueQueryStringParameters"] = {key: [value] for key, value in query.items()}
                totals, own, items = [], [], []
                for _ in range(rounds):
                    timer.seconds, timer.items = 0.0, 0
                    started = time.perf_counter()
                    answer = api.lambda_handler(event, _Context())
                    totals.append(time.perf_counter() - started)
                    own.append(totals[-1] - timer.seconds)
                    items.append(timer.items)
                assert answer["statusCode"] == 200, answer
                rows.append(
                    {
                        "size": size,
                        "query": name,
                        "total_ms": statistics.median(totals) * 1000,
                        "own_ms": statistics.median(own) * 1000,
                        "items_read": max(items),
                    }
                )
            rows.append(_tutorial_search(client, size, min(rounds, 3)))
            container.cache_clear()
    return rows


def _tutorial_search(client: Any, size: int, repeats: int) -> dict[str, Any]:
    """`q=battery robot` without an index: the feed, newest first, read a page of 100 at a
    time, every entry's title and excerpt checked for both words, until 20 match."""
    from article_feed.dynamo.items import summary_of_entry

    totals, reads = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        found, read, start = 0, 0, None
        while found < 20:
            query: dict[str, Any] = {
                "TableName": "articles", "IndexName": "ByList", "ScanIndexForward": False, "Limit": 100,
                "KeyConditionExpression": "list_pk = :feed", "ExpressionAttributeValues": {":feed": {"S": "FEED"}},
            }  # fmt: skip
            if start:
                query["ExclusiveStartKey"] = start
            response = client.query(**query)
            read += response["ScannedCount"]
            for item in response["Items"]:
                summary = summary_of_entry(item["summary"])
                text = f"{summary.get('title', '')} {summary.get('excerpt', '')}".lower()
                found += all(word in text for word in TUTORIAL)
            start = response.get("LastEvaluatedKey")
            if not start:
                break
        totals.append(time.perf_counter() - started)
        reads.append(read)
    total = statistics.median(totals) * 1000
    return {"size": size, "query": "tutorial", "total_ms": total, "own_ms": total, "items_read": max(reads)}


class _Context:
    function_name = "ApiFunction"
    memory_limit_in_mb = 512
    aws_request_id = "bench"
    invoked_function_arn = "arn:aws:lambda:us-east-1:000000000000:function:ApiFunction"
