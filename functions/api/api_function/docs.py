"""The OpenAPI document and Swagger UI, generated from the routes' declarations.

powertools documents a 422 for every validated route, but this API answers a
failed validation with a 400 problem (RFC 9457), declared on each route; the
generated document is corrected once, so what it says is what the API does.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler import APIGatewayRestResolver

TITLE = "Article Feed API"
VERSION = "1.0.0"
DESCRIPTION = "Read-only queries over the articles ingested from the bucket."


@cache
def openapi_document(app: APIGatewayRestResolver) -> dict[str, Any]:
    """The OpenAPI 3 document of every route, with relative server URL for any stage."""
    from aws_lambda_powertools.event_handler.openapi.models import Server

    schema = app.get_openapi_schema(title=TITLE, version=VERSION, description=DESCRIPTION, servers=[Server(url=".")])
    document: dict[str, Any] = schema.model_dump(mode="json", by_alias=True, exclude_none=True)
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            operation.get("responses", {}).pop("422", None)
    schemas = document.get("components", {}).get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError", "ResponseValidationError"):
        schemas.pop(unused, None)
    return document


@cache
def swagger_page(app: APIGatewayRestResolver) -> str:
    """Swagger UI with its assets inlined (from powertools), so it works offline."""
    import aws_lambda_powertools.event_handler as event_handler
    from aws_lambda_powertools.event_handler.openapi.swagger_ui.html import generate_swagger_html

    assets = Path(event_handler.__file__).parent / "openapi" / "swagger_ui"
    spec = json.dumps(openapi_document(app), ensure_ascii=False).replace("</", "<\\/")
    return generate_swagger_html(
        spec,
        (assets / "swagger-ui-bundle.min.js").read_text(encoding="utf-8"),
        (assets / "swagger-ui.min.css").read_text(encoding="utf-8"),
        "",
        None,
    )
