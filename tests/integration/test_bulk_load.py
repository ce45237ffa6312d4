"""The bulk loader (first loads, restores, benchmarks) writes what ingest and the
change stream write for the same files, item for item, so that what is measured
on a bulk-loaded table is what the product serves."""

from __future__ import annotations

import json
import zlib
from typing import Any

from article_feed.domain.records import IngestionRecord
from article_feed.dynamo.bulk import load_into_empty_table
from article_feed.parsing import parse_article_file
from articlectl.template import create_table
from tests.corpus import CorpusFile, corpus, render
from tests.support.api import handlers_on_stack
from tests.support.aws import deliver_stream, upload_files

LOADED_AT = "2026-11-26T00:00:00.000Z"


def comparable(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The items with each article's ingest time replaced by the load's, summaries
    decompressed (their bytes carry that time)."""
    result = []
    for item in items:
        item = dict(item)
        if "ingested_at" in item:
            item["ingested_at"] = {"S": LOADED_AT}
        if "summary" in item:
            summary = json.loads(zlib.decompress(item["summary"]["B"]))
            item["summary"] = summary | {"ingestedAt": LOADED_AT}
        if "doc" in item:
            item["doc"] = json.loads(zlib.decompress(item["doc"]["B"]))
        result.append(item)
    return result


def test_a_bulk_load_writes_what_ingest_and_the_stream_write() -> None:
    # A topic holding the separator of list names ("TOPIC#c#"), and an article without a provider.
    sharp = {"title": "C# 14", "webUrl": "https://e.com/c-sharp", "publishedDateTime": "2024-01-01T00:00:00Z"}
    files = [*corpus(12), CorpusFile("lang/c-sharp.md", render(sharp | {"topics": ["C#"]}, "Body.\n"), {}, "")]
    with handlers_on_stack() as (stack, ingest, _api):
        upload_files(stack, ingest, {file.key: file.data for file in files})
        deliver_stream(stack)
        ingested = stack.article_items()

        stack.dynamodb.delete_table(TableName=stack.table)
        create_table(stack.dynamodb, stack.table, stream=False)
        articles = []
        for file in files:
            parsed = parse_article_file(file.data)
            assert parsed.article is not None
            record = IngestionRecord(key=file.key, status="accepted", article_id=file.article_id, processed_at="now")
            articles.append((parsed.article, parsed.body, record))
        load_into_empty_table(stack.dynamodb, stack.table, articles, LOADED_AT)
        loaded = stack.article_items()

    # The index state's stream position: the stream's numbers for ingest, 0 for a
    # load (before any change the stream brings later, so that change wins).
    states = [item for item in loaded if item["sk"]["S"] == "SEARCH"]
    assert len(states) == len(files) and {item["seq"]["S"] for item in states} == {"0"}
    for item in ingested:
        if item["sk"]["S"] == "SEARCH":
            item["seq"] = {"S": "0"}
    assert {item["pk"]["S"].split("#")[0] for item in loaded} >= {"ARTICLE", "URL", "COUNT", "TERM"}
    assert comparable(loaded) == comparable(ingested)
