"""The one retry policy of every AWS client the product makes (handlers and tools).

botocore's `standard` mode: throttling and 5xx answers and lost connections are
retried with backoff, up to 4 attempts in all; what still fails reaches the
caller, which knows whether to retry the whole event (ingest) or answer 503 (API).
"""

from __future__ import annotations

from typing import Any

MAX_ATTEMPTS = 4


def aws_client(service: str, session: Any = None, **options: Any) -> Any:
    """A boto3 client of `session` (the default one when None) with the retry policy."""
    import boto3
    from botocore.config import Config

    config = Config(retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS})
    return (session or boto3).client(service, config=config, **options)
