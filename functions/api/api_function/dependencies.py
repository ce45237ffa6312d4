"""What every route needs from outside: the article store and the cursor secret.

Routes declare them with powertools' `Depends`, so tests replace them through
`app.dependency_overrides` instead of resetting caches. The real ones are built
on the first request, once per container (not at import: a cold start pays only
for what it uses), from the function's environment, checked once.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from functools import cache

from pydantic import BaseModel, Field

from article_feed.aws_clients import aws_client
from article_feed.dynamo.reader import ArticleReader
from article_feed.query import ArticleReaderPort


class ApiEnvironment(BaseModel):
    """The function's configuration."""

    table_name: str = Field(alias="TABLE_NAME", min_length=1)
    # Made per deployment by the template (a Secrets Manager secret resolved at
    # deploy time: no call at cold start). Without it, each container makes its
    # own: cursors then last as long as the container (the local stack, tests).
    cursor_secret: str | None = Field(alias="CURSOR_SECRET", default=None, min_length=32)


@dataclass(frozen=True)
class Container:
    """What one Lambda container keeps between requests."""

    store: ArticleReader
    cursor_secret: bytes


@cache
def container() -> Container:
    """The store (DynamoDB client with botocore's standard retries) and the secret."""
    environment = ApiEnvironment.model_validate(dict(os.environ))
    secret = environment.cursor_secret.encode() if environment.cursor_secret else secrets.token_bytes(32)
    return Container(ArticleReader(aws_client("dynamodb"), environment.table_name), secret)


def article_store() -> ArticleReaderPort:
    """The routes' door to stored articles (a dependency tests override)."""
    return container().store


def cursor_secret() -> bytes:
    """The key that signs and checks cursors (a dependency tests override)."""
    return container().cursor_secret
