"""Run a function of template.yaml the way Lambda does, without Docker: one Lambda
context and one REST (v1) proxy-event builder for the local stack, `articlectl
invoke`, the tests and the benchmarks.

Loading a function of template.yaml the way Lambda does, without Docker.

Lambda puts the function's CodeUri folder and its layers on `sys.path` and
imports the handler module; so does this, so a function that would import
something from the repository root fails here too.
"""

from __future__ import annotations

import base64
import importlib
import sys
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from articlectl.template import function_location

if TYPE_CHECKING:
    from collections.abc import Callable


@dataclass
class LocalContext:
    """The attributes of Lambda's context object that powertools reads."""

    function_name: str
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = ""
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def __post_init__(self) -> None:
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:000000000000:function:{self.function_name}"


def load_handler(logical_id: str) -> Callable[[dict[str, Any], Any], Any]:
    """The handler function of a template function, imported from its own folders."""
    code_dir, handler, layer_dirs = function_location(logical_id)
    for folder in [code_dir, *layer_dirs]:
        if str(folder) not in sys.path:
            sys.path.insert(0, str(folder))
    module_name, _, function_name = handler.rpartition(".")
    module = importlib.import_module(module_name)
    return getattr(module, function_name)


def invoke(logical_id: str, event: dict[str, Any]) -> Any:
    """Run a template function on one event, in this process."""
    return load_handler(logical_id)(event, LocalContext(function_name=logical_id))


def proxy_event(method: str, raw_path: str, headers: list[tuple[str, str]], body: bytes) -> dict[str, Any]:
    """The REST API (payload v1) proxy event API Gateway builds for one request."""
    url = urlsplit(raw_path)
    pairs = parse_qsl(url.query, keep_blank_values=True)
    multi_query: dict[str, list[str]] = {}
    for name, value in pairs:
        multi_query.setdefault(name, []).append(value)
    multi_headers: dict[str, list[str]] = {}
    for name, value in headers:
        multi_headers.setdefault(name, []).append(value)
    now = time.time()
    return {
        "resource": "/{proxy+}",
        "path": url.path,
        "httpMethod": method,
        "headers": {name: values[-1] for name, values in multi_headers.items()},
        "multiValueHeaders": multi_headers,
        "queryStringParameters": {name: values[-1] for name, values in multi_query.items()} or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": {"proxy": url.path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/{proxy+}",
            "httpMethod": method,
            "path": url.path,
            "stage": "local",
            "protocol": "HTTP/1.1",
            "requestId": f"local-{now:.6f}",
            "requestTimeEpoch": int(now * 1000),
            "identity": {"sourceIp": "127.0.0.1"},
            "accountId": "000000000000",
            "apiId": "local",
        },
        "body": base64.b64encode(body).decode() if body else None,
        "isBase64Encoded": bool(body),
    }
