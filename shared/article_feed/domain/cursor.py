"""Opaque, tamper-evident page cursors.

A cursor carries DynamoDB's position and a fingerprint of the query it belongs
to, signed with HMAC. A changed, truncated or foreign cursor is refused before
any read, so a client can never steer a read outside its own query.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from article_feed.domain.errors import InvalidCursor


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def fingerprint(query: dict[str, Any]) -> str:
    """A short stable digest of the query's filters (not its page size)."""
    canonical = json.dumps(query, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def encode_cursor(position: dict[str, str], query_fingerprint: str, secret: bytes) -> str:
    """Sign a position within one query."""
    payload = _b64(json.dumps({"p": position, "q": query_fingerprint}, separators=(",", ":")).encode())
    signature = _b64(hmac.new(secret, payload.encode(), hashlib.sha256).digest()[:18])
    return f"{payload}.{signature}"


def decode_cursor(cursor: str, query_fingerprint: str, secret: bytes) -> dict[str, str]:
    """The position a cursor holds, if it is genuine and belongs to this query."""
    payload, _, signature = cursor.partition(".")
    expected = _b64(hmac.new(secret, payload.encode(), hashlib.sha256).digest()[:18])
    if not signature or not hmac.compare_digest(signature, expected):
        raise InvalidCursor("cursor is not valid: use the nextCursor of the previous page unchanged")
    try:
        content = json.loads(_unb64(payload))
        position, owner = content["p"], content["q"]
    except (ValueError, KeyError, TypeError):
        raise InvalidCursor("cursor is not valid") from None
    if owner != query_fingerprint:
        raise InvalidCursor("cursor belongs to a different query: keep the same filters across pages")
    if not isinstance(position, dict) or not all(isinstance(v, str) for v in position.values()):
        raise InvalidCursor("cursor is not valid")
    return position
