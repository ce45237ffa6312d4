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

from article_feed.storage import ArticleStore


class ApiEnvironment(BaseModel):
    """The function's configuration."""

    table_name: str = Field(alias="TABLE_NAME", min_length=1)
    # Made per deployment by the template (a Secrets Manager secret resolved at
    # deploy time: no call at cold start). Without it, each container makes its
    # own: cursors then last as long as the container (the local stack, tests).
    cursor_secret: str | None = Field(alias="CURSOR_SECRET", default=None, min_length=32)


@dataclass(frozen=True)
class Dependencies:
    store: ArticleStore
    cursor_secret: bytes


@cache
def dependencies() -> Dependencies:
    """The store (DynamoDB client with botocore's standard retries) and the secret."""
    import boto3
    from botocore.config import Config

    environment = ApiEnvironment.model_validate(dict(os.environ))
    client = boto3.client("dynamodb", config=Config(retries={"mode": "standard", "max_attempts": 3}))
    secret = environment.cursor_secret.encode() if environment.cursor_secret else secrets.token_bytes(32)
    return Dependencies(ArticleStore(client, environment.table_name), secret)
