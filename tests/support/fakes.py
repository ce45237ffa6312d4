"""In-memory fakes of the use cases' ports (Cosmic Python's FakeRepository), so the
ingest decision table and the query use cases run in milliseconds, without AWS."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from article_feed.domain.errors import ArticleConflict, StaleEvent, StoreRefused
from article_feed.domain.records import sequencer_order
from article_feed.domain.urls import canonical_url
from article_feed.ingest import FetchedObject

if TYPE_CHECKING:
    from article_feed.domain.model import Article
    from article_feed.domain.records import IngestionRecord


@dataclass(frozen=True)
class FakeOrdering:
    sequencer: str | None
    record: IngestionRecord | None


@dataclass
class FakeStore:
    """The ingest port: records by key, articles by id (with their key and URL), URL claims.

    It also keeps what each write was told (`ingested_at`, `carried`), and can be made
    to refuse: the next `refused_records` records, or every article with `refuse_articles`.
    """

    records: dict[str, IngestionRecord] = field(default_factory=dict)
    articles: dict[str, tuple[str, Article, str]] = field(default_factory=dict)  # id -> (key, article, body)
    claims: dict[str, str] = field(default_factory=dict)  # canonical webUrl -> id
    ingested_at: dict[str, str] = field(default_factory=dict)  # id -> the moment save_article was given
    carried: dict[str, bool] = field(default_factory=dict)  # key -> the flag its last record came with
    refused_records: int = 0
    refuse_articles: Exception | None = None
    records_unreadable: bool = False  # get_ordering knows the sequencer but not the record

    def get_ordering(self, key: str) -> FakeOrdering | None:
        record = self.records.get(key)
        return FakeOrdering(record.sequencer, None if self.records_unreadable else record) if record else None

    def _record(self, record: IngestionRecord, carried: bool) -> None:
        if self.refused_records:
            self.refused_records -= 1
            raise StoreRefused("the record was refused")
        previous = self.records.get(record.key)
        if previous and previous.sequencer and record.sequencer:
            older = sequencer_order(previous.sequencer), sequencer_order(record.sequencer)
            if older[0] > older[1] or (older[0] == older[1] and not carried):
                raise StaleEvent
        self.records[record.key] = record
        self.carried[record.key] = carried

    def save_record(self, record: IngestionRecord, *, carried: bool = False) -> None:
        self._record(record, carried)

    def save_article(
        self, article: Article, body: str, record: IngestionRecord, ingested_at: str, *, carried: bool = False
    ) -> None:
        if self.refuse_articles:
            raise self.refuse_articles
        article_id = record.article_id or ""
        holder = self.articles.get(article_id)
        if holder and holder[0] != record.key:
            raise ArticleConflict("id", article_id, holder[0], article_id)
        claimed = self.claims.get(canonical_url(article.web_url))
        if claimed and claimed != article_id:
            raise ArticleConflict("webUrl", article.web_url, self.articles[claimed][0], claimed)
        self._record(record, carried)
        if holder:
            self.claims.pop(canonical_url(holder[1].web_url), None)
        self.articles[article_id] = (record.key, article, body)
        self.ingested_at[article_id] = ingested_at
        self.claims[canonical_url(article.web_url)] = article_id

    def delete_article(self, article_id: str, record: IngestionRecord, *, carried: bool = False) -> None:
        self._record(record, carried)
        holder = self.articles.get(article_id)
        if holder and holder[0] == record.key:
            del self.articles[article_id]
            self.claims.pop(canonical_url(holder[1].web_url), None)


@dataclass
class FakeObjects:
    """The object reader port: one bucket of keys, each with its versions (the last is current)."""

    versions: dict[str, list[tuple[str, bytes]]] = field(default_factory=dict)
    bucket: str = "articles"

    def put(self, key: str, data: bytes) -> str:
        version = f"v{sum(len(kept) for kept in self.versions.values()) + 1}"
        self.versions.setdefault(key, []).append((version, data))
        return version

    def delete(self, key: str, version: str | None = None) -> None:
        if version is None:
            self.versions.pop(key, None)
        else:
            self.versions[key] = [kept for kept in self.versions.get(key, []) if kept[0] != version]

    def read(self, bucket: str, key: str, version_id: str | None, max_bytes: int) -> FetchedObject | None:
        kept = (self.versions.get(key) or []) if bucket == self.bucket else []
        found = [item for item in kept if version_id in (None, item[0])]
        if not found:
            return None
        version, data = found[-1]
        return FetchedObject(data[: max_bytes + 1], f"etag-{version}", version)


def listing(items: list[dict[str, Any]]) -> list[str]:
    return [item["id"] for item in items]
