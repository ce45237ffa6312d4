"""The query use cases behind the HTTP API: lists, one article, counts, records.

Every list is a Query on the `ByList` index partition chosen from the filters
(the most selective one becomes the key, the others are filter expressions);
the page is cut at `limit`, and the cursor resumes right after its last item.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any

from article_feed.cursor import InvalidCursor, decode_cursor, encode_cursor, fingerprint
from article_feed.identity import id_problem
from article_feed.storage import FEED_LIST, ListFilters, list_key, sort_moment
from article_feed.text import match_key
from article_feed.utc import format_utc

if TYPE_CHECKING:
    from article_feed.records import IngestionRecord
    from article_feed.storage import ArticleStore, StoredArticle


class BadParameter(ValueError):
    """A query parameter the client must fix; names the parameter."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.name = name


@dataclass(frozen=True)
class ArticleQuery:
    """The filters of `GET /articles`, already type-checked by the HTTP layer."""

    topic: str | None = None
    provider: str | None = None
    category: str | None = None
    type: str | None = None
    from_: str | None = None
    to: str | None = None
    min_quality: int | None = None
    published: bool | None = None
    limit: int = 20
    cursor: str | None = None


@dataclass(frozen=True)
class ArticlePage:
    """One page of summaries and the cursor of the next page (None on the last)."""

    items: list[dict[str, Any]]
    next_cursor: str | None


def parse_moment(name: str, value: str, *, end_of_day: bool) -> datetime:
    """An ISO date or datetime; a date alone covers its whole day."""
    text = value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day, time.max if end_of_day else time.min, tzinfo=UTC)
        moment = datetime.fromisoformat(text)
        return moment.replace(tzinfo=moment.tzinfo or UTC).astimezone(UTC)
    except ValueError:
        raise BadParameter(name, f"{value!r} is not an ISO 8601 date or date-time") from None
    except OverflowError:
        raise BadParameter(name, f"{value!r} is out of range once converted to UTC") from None


def list_articles(store: ArticleStore, query: ArticleQuery, secret: bytes) -> ArticlePage:
    """One page of `GET /articles`: newest first, ties by id descending."""
    lower = upper = None
    if query.from_:
        lower = sort_moment(format_utc(parse_moment("from", query.from_, end_of_day=False)))
    if query.to:
        upper = sort_moment(format_utc(parse_moment("to", query.to, end_of_day=True)))
    if lower and upper and lower > upper:
        raise BadParameter("from", "must not be later than to")
    keyed = [("TOPIC", query.topic), ("PROVIDER", query.provider), ("CATEGORY", query.category), ("TYPE", query.type)]
    chosen = next(((kind, value) for kind, value in keyed if value is not None), None)
    list_name = list_key(*chosen) if chosen else FEED_LIST
    filters = ListFilters(
        topic=_filter_value(query.topic, chosen, "TOPIC"),
        provider=_filter_value(query.provider, chosen, "PROVIDER"),
        category=_filter_value(query.category, chosen, "CATEGORY"),
        type=_filter_value(query.type, chosen, "TYPE"),
        min_quality=query.min_quality,
        published=query.published,
    )
    owner = fingerprint({"list": list_name, "lower": lower, "upper": upper, **asdict(filters)})
    start = None
    if query.cursor is not None:
        try:
            start = decode_cursor(query.cursor, owner, secret)
        except ValueError as error:
            raise BadParameter("cursor", str(error)) from None
    try:
        summaries, position = store.query_list(list_name, lower, upper, filters, query.limit, start)
    except InvalidCursor as error:  # signed by us, but its position is not one this query issues
        raise BadParameter("cursor", str(error)) from None
    return ArticlePage(summaries, encode_cursor(position, owner, secret) if position else None)


def _filter_value(value: str | None, chosen: tuple[str, str | None] | None, kind: str) -> str | None:
    if value is None or (chosen and chosen[0] == kind):
        return None
    return match_key(value)


def get_article(store: ArticleStore, article_id: str) -> StoredArticle | None:
    """The article, or None for an unknown (or impossible) id."""
    if id_problem(article_id):
        return None
    return store.get_article(article_id)


def topic_counts(store: ArticleStore) -> list[dict[str, Any]]:
    """Every topic with its number of articles, most articles first."""
    counters = store.counters("TOPIC")
    return [{"topic": c["display"], "count": c["n"]} for c in _by_count(counters)]


def provider_counts(store: ArticleStore) -> list[dict[str, Any]]:
    """Every provider domain with its name and number of articles, most first."""
    counters = store.counters("PROVIDER")
    return [{"domain": c["display"], "name": c.get("provider_name"), "count": c["n"]} for c in _by_count(counters)]


def _by_count(counters: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(counters, key=lambda counter: (-counter["n"], counter["display"].casefold()))


def get_ingestion(store: ArticleStore, key: str) -> IngestionRecord | None:
    """The ingestion record of an object key."""
    return store.get_ingestion(key)
