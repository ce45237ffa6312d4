"""What the HTTP API answers, declared once so the OpenAPI document matches the code.

These are output models, kept apart from the stored items and the file model:
a summary is the article without `related`, `body` and `secured`; unknown keys
of the file come back as they are (hence `extra="allow"`).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from article_feed.domain.records import IngestionRecord
from article_feed.domain.views import public

__all__ = ["ArticleDetail", "ArticleList", "ArticleSummary", "IngestionRecord", "Problem", "ProviderList", "TopicList"]


class _Answer(BaseModel):
    # Validators are built on first use: /openapi.json needs these models, other routes do not.
    model_config = ConfigDict(defer_build=True)


class _Open(_Answer):
    model_config = ConfigDict(extra="allow")


class ImageOut(_Open):
    url: str
    width: int | None = None
    height: int | None = None
    title: str | None = None
    attribution: str | None = None
    isCached: bool | None = None  # noqa: N815 - the files' camelCase


class ProviderOut(_Open):
    name: str | None = None
    domain: str | None = None
    images: list[ImageOut] | None = None


class ArticleSummary(_Open):
    """An article in a list: every field but `related`, `body` and `secured`."""

    id: str
    title: str
    webUrl: str  # noqa: N815
    publishedDateTime: str = Field(description="UTC, ISO 8601, ending in Z")  # noqa: N815
    updatedDateTime: str | None = None  # noqa: N815
    excerpt: str | None = None
    category: str | None = None
    type: str | None = None
    locale: str | None = None
    topics: list[str] | None = None
    tags: list[str] | None = None
    categories: list[str] | None = None
    quality: int | None = None
    heat: int | None = None
    published: bool | None = None
    ampWebUrl: str | None = None  # noqa: N815
    cdnAmpWebUrl: str | None = None  # noqa: N815
    provider: ProviderOut | None = None
    images: list[ImageOut] | None = None
    sourceKey: str = Field(description="the object key the article came from")  # noqa: N815
    ingestedAt: str  # noqa: N815


class RelatedOut(_Open):
    title: str
    webUrl: str  # noqa: N815


class ArticleDetail(ArticleSummary):
    """The full article: the summary plus `related` and the Markdown `body`."""

    related: list[RelatedOut] | None = None
    body: str


class TrimmedSummary(_Open):
    """A summary trimmed by `fields=`: the id and the fields asked for."""

    id: str


class ArticleList(_Answer):
    items: list[ArticleSummary | TrimmedSummary] = Field(description="summaries; with `fields`, trimmed ones")
    nextCursor: str | None = Field(description="pass as `cursor` for the next page; null on the last")  # noqa: N815


class TopicCount(_Answer):
    topic: str
    count: int


class TopicList(_Answer):
    items: list[TopicCount]


class ProviderCount(_Answer):
    domain: str
    name: str | None = None
    count: int


class ProviderList(_Answer):
    items: list[ProviderCount]


class Problem(_Answer):
    """An RFC 9457 problem details body."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None


def detail_of(stored: Any) -> dict[str, Any]:
    """The API's view of a stored article: never `secured`, at any depth (article_feed.domain.views)."""
    return {
        "id": stored.id,
        **public(stored.document),
        "body": stored.body,
        "sourceKey": stored.source_key,
        "ingestedAt": stored.ingested_at,
    }
