"""Loading many new articles into an empty table (first loads, restores, benchmarks, tests).

Batched, unconditional writes: it skips the conflict checks and the ordering
that `ArticleWriter.save_article` enforces, sets the counters to their totals,
and writes the search index the change stream would write (search_index.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from article_feed.domain.views import public
from article_feed.dynamo.items import ArticleItems, record_item, to_item
from article_feed.dynamo.keys import COUNTED_KINDS, TERM_SK, counter_pk, term_pk
from article_feed.dynamo.search_index import Postings

if TYPE_CHECKING:
    from article_feed.domain.model import Article
    from article_feed.domain.records import IngestionRecord


def load_into_empty_table(
    client: Any,
    table: str,
    articles: list[tuple[Article, str, IngestionRecord]],
    ingested_at: str,
    *,
    search_index: bool = True,
) -> None:
    """Write many new articles; only for a table that holds none of their keys, ids or URLs.
    `search_index=False` leaves the index out (for measuring lists alone)."""
    from boto3.dynamodb.table import BatchWriter

    counters: dict[tuple[str, str], dict[str, Any]] = {}
    terms: dict[str, dict[str, Any]] = {}
    with BatchWriter(table, client, overwrite_by_pkeys=["pk", "sk"]) as batch:
        for article, body, record in articles:
            article_id = record.article_id or ""
            items = ArticleItems.build(article_id, record.key, article.to_document(), body, ingested_at, 1)
            for item in (record_item(record), items.article, items.claim, *items.entries):
                batch.put_item(Item=to_item(item))
            if search_index:
                postings = Postings.of(article_id, public(article.to_document()))
                for item in postings.items(article_id, sequence=0, revision=1):
                    batch.put_item(Item=to_item(item))
                for term, month in postings.terms.items():
                    statistics = terms.setdefault(term, {"n": 0, "months": set()})
                    statistics["n"] += 1
                    statistics["months"].add(month)
            for list_name, display in items.lists.items():
                kind, _, value = list_name.partition("#")
                if kind in COUNTED_KINDS:
                    counter = counters.setdefault((counter_pk(kind), value), {"n": 0})
                    counter.update(n=counter["n"] + 1, display=display)
                    if kind == "PROVIDER" and items.provider_name:
                        counter["provider_name"] = items.provider_name
        for (partition, value), counter in counters.items():
            batch.put_item(Item=to_item({"pk": partition, "sk": value, **counter}))
        for term, statistics in terms.items():
            batch.put_item(Item=to_item({"pk": term_pk(term), "sk": TERM_SK, **statistics}))
