"""The query use cases behind the HTTP API: lists, one article, counts, records.

They speak the domain's language (a `ListRequest`, an article id); the reader
port decides how to read it (which partition, which keys: dynamo/keys.py).
A page is cut at `limit`, and its signed cursor resumes right after it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any, Protocol

from article_feed.domain.cursor import decode_cursor, encode_cursor, fingerprint
from article_feed.domain.errors import BadParameter, InvalidCursor
from article_feed.domain.identity import id_problem
from article_feed.domain.lists import ListFilters, ListRequest, Values
from article_feed.domain.text import match_key
from article_feed.domain.utc import format_utc
from article_feed.domain.views import SUMMARY_FIELDS

if TYPE_CHECKING:
    from article_feed.domain.records import IngestionRecord
    from article_feed.domain.search import SearchQuery

__all__ = ["ArticleQuery", "ArticleReaderPort", "BadParameter", "list_articles"]


class StoredArticleView(Protocol):
    """What the API reads of a stored article."""

    @property
    def id(self) -> str: ...

    @property
    def source_key(self) -> str: ...

    @property
    def document(self) -> dict[str, Any]: ...

    @property
    def body(self) -> str: ...

    @property
    def ingested_at(self) -> str: ...


class ArticleReaderPort(Protocol):
    """What the query use cases need from storage."""

    def get_article(self, article_id: str) -> StoredArticleView | None: ...

    def get_ingestion(self, key: str) -> IngestionRecord | None: ...

    def list_page(
        self, request: ListRequest, limit: int, start: dict[str, str] | None
    ) -> tuple[list[dict[str, Any]], dict[str, str] | None]: ...

    def search_page(
        self, request: ListRequest, query: SearchQuery, limit: int, start: dict[str, str] | None
    ) -> tuple[list[dict[str, Any]], dict[str, str] | None]: ...

    def counters(self, kind: str) -> list[dict[str, Any]]: ...


@dataclass(frozen=True)
class ArticleQuery(ListFilters):
    """The parameters of `GET /articles`, already type-checked by the HTTP layer."""

    from_: str | None = None
    to: str | None = None
    limit: int = 20
    cursor: str | None = None
    # Keywords (SPEC "Search"); None: a plain list.
    q: str | None = None
    # Summary fields to keep in each item (`id` always); empty: all of them.
    fields: Values = ()


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


def list_request(query: ArticleQuery) -> ListRequest:
    """The list the query asks for; a bad time range is a 400 naming `from`."""
    lower = format_utc(parse_moment("from", query.from_, end_of_day=False)) if query.from_ else None
    upper = format_utc(parse_moment("to", query.to, end_of_day=True)) if query.to else None
    if lower and upper and lower > upper:
        raise BadParameter("from", "must not be later than to")
    return ListRequest(**query.filters(), lower=lower, upper=upper)


def list_articles(store: ArticleReaderPort, query: ArticleQuery, secret: bytes) -> ArticlePage:
    """One page of `GET /articles`: newest first, ties by id descending; with `q`,
    the articles that match it (read from the search index)."""
    request = list_request(query)
    kept = _kept_fields(query.fields)
    search = _search_query(query.q)
    # Two spellings of one filter (`AI`, `ai`; `AI,Climate` and `climate,ai`) are one query:
    # their cursors are interchangeable. Trimmed fields do not change which articles a page holds.
    owned = {name: _matching(value) for name, value in asdict(request).items()}
    if search is not None:
        owned["q"] = search.canonical()
    owner = fingerprint(owned)
    start = None
    if query.cursor is not None:
        try:
            start = decode_cursor(query.cursor, owner, secret)
        except ValueError as error:
            raise BadParameter("cursor", str(error)) from None
    try:
        if search is not None:
            summaries, position = store.search_page(request, search, query.limit, start)
        else:
            summaries, position = store.list_page(request, query.limit, start)
    except InvalidCursor as error:  # signed by us, but its position is not one this query issues
        raise BadParameter("cursor", str(error)) from None
    if kept:
        summaries = [{name: value for name, value in item.items() if name in kept} for item in summaries]
    return ArticlePage(summaries, encode_cursor(position, owner, secret) if position else None)


def _search_query(text: str | None) -> SearchQuery | None:
    """`q` analysed, or a 400 naming it. The analyser loads only for requests that search."""
    if text is None:
        return None
    from article_feed.domain.search import parse_query

    return parse_query(text)


def _matching(value: Any) -> Any:
    if isinstance(value, str):
        return match_key(value)
    if isinstance(value, tuple):
        return sorted(match_key(item) for item in value)
    return value


def _kept_fields(names: Values) -> frozenset[str]:
    """The summary fields a client asked for, with `id`; empty when it asked for all."""
    unknown = [name for name in names if name not in SUMMARY_FIELDS]
    if unknown:
        raise BadParameter("fields", f"{', '.join(unknown)} is not a summary field; use {', '.join(SUMMARY_FIELDS)}")
    return frozenset(names) | {"id"} if names else frozenset()


def get_article(store: ArticleReaderPort, article_id: str) -> StoredArticleView | None:
    """The article, or None for an unknown (or impossible) id."""
    if id_problem(article_id):
        return None
    return store.get_article(article_id)


def topic_counts(store: ArticleReaderPort) -> list[dict[str, Any]]:
    """Every topic with its number of articles, most articles first."""
    counters = store.counters("TOPIC")
    return [{"topic": c["display"], "count": c["n"]} for c in _by_count(counters)]


def provider_counts(store: ArticleReaderPort) -> list[dict[str, Any]]:
    """Every provider domain with its name and number of articles, most first."""
    counters = store.counters("PROVIDER")
    return [{"domain": c["display"], "name": c.get("provider_name"), "count": c["n"]} for c in _by_count(counters)]


def _by_count(counters: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(counters, key=lambda counter: (-counter["n"], counter["display"].casefold()))


def get_ingestion(store: ArticleReaderPort, key: str) -> IngestionRecord | None:
    """The ingestion record of an object key."""
    return store.get_ingestion(key)
