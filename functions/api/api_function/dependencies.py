"""What every route needs from outside: the article store and the cursor secret.

Built on the first request, once per container (not at import: a cold start
pays only for what it uses), from the function's environment, checked once.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from functools import cache

from pydantic import BaseModel, Field

from article_feed.aws_clients import aws_client
from article_feed.dynamo.reader import ArticleReader


class ApiEnvironment(BaseModel):
    """The function's configuration."""

    table_name: str = Field(alias="TABLE_NAME", min_length=1)
    # Made per deployment by the template (a Secrets Manager secret resolved at
    # deploy time: no call at cold start). Without it, each container makes its
    # own: cursors then last as long as the container (the local stack, tests).
    cursor_secret: str | None = Field(alias="CURSOR_SECRET", default=None, min_length=32)


@dataclass(frozen=True)
class Dependencies:
    store: ArticleReader
    cursor_secret: bytes


@cache
def dependencies() -> Dependencies:
    """The store (DynamoDB client with botocore's standard retries) and the secret."""
    environment = ApiEnvironment.model_validate(dict(os.environ))
    secret = environment.cursor_secret.encode() if environment.cursor_secret else secrets.token_bytes(32)
    return Dependencies(ArticleReader(aws_client("dynamodb"), environment.table_name), secret)
