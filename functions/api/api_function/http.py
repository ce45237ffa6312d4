"""HTTP behaviour shared by every route: problem bodies, ETag/304, caching, gzip.

Kept out of the routes so each route only reads parameters, calls a query use
case and hands back data.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import Response, content_types

if TYPE_CHECKING:
    from collections.abc import Callable

    from aws_lambda_powertools.event_handler import APIGatewayRestResolver

PROBLEM_JSON = "application/problem+json"
SCHEMA_JSON = "application/schema+json"
# Below this, gzip costs more than it saves (headers, CPU, base64 overhead).
GZIP_MIN_BYTES = 1024
CACHE_CONTROL = {
    "/ingestions": "no-cache",
    "/openapi.json": "public, max-age=300",
    "/docs": "public, max-age=300",
    "/schemas/": "public, max-age=3600",
}
DEFAULT_CACHE_CONTROL = "public, max-age=60"


def json_response(data: Any) -> Response:
    """A 200 JSON answer; the body is serialized here, so absent fields stay absent."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Response(status_code=200, content_type=content_types.APPLICATION_JSON, body=body)


def problem(status: int, title: str, detail: str, instance: str | None = None) -> Response:
    """An RFC 9457 problem details answer."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    return Response(status_code=status, content_type=PROBLEM_JSON, body=json.dumps(body))


def conditional_and_compressed(app: APIGatewayRestResolver, next_middleware: Callable[..., Response]) -> Response:
    """Add ETag and Cache-Control to every 200, answer 304 to a matching If-None-Match,
    and gzip large bodies when the client accepts it."""
    response = next_middleware(app)
    if response.status_code != 200 or not isinstance(response.body, str):  # every route answers text
        return response
    body = response.body.encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    path = app.current_event.path
    cache_control = next(
        (value for prefix, value in CACHE_CONTROL.items() if path.startswith(prefix)), DEFAULT_CACHE_CONTROL
    )
    headers = {"ETag": etag, "Cache-Control": cache_control, "Vary": "Accept-Encoding"}
    requested = app.current_event.headers.get("if-none-match")  # powertools' headers ignore case
    if requested and etag in {tag.strip().removeprefix("W/") for tag in requested.split(",")} | (
        {etag} if requested.strip() == "*" else set()
    ):
        return Response(status_code=304, headers=headers, body=None)
    response.headers.update(headers)
    response.compress = len(body) >= GZIP_MIN_BYTES
    return response
