"""Lambda entry point for API Gateway (REST, payload v1): the composition root.

Builds the resolver with validation and OpenAPI and maps every error to an RFC
9457 problem in one place; the routes get the store and the cursor secret
as powertools dependencies (api_function.dependencies), created lazily, once
per container.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from botocore.exceptions import BotoCoreError, ClientError

from api_function.docs import openapi_document, swagger_page
from api_function.http import conditional_and_compressed, json_response, problem
from api_function.routes import router
from article_feed.domain.errors import StoreBusy
from article_feed.query import BadParameter

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

__all__ = ["app", "lambda_handler"]

logger = Logger()
# No powertools Tracer here: API Gateway and Lambda's active tracing already record
# every request in X-Ray, and Tracer's cost is measured in docs/performance.md.


def _cors() -> CORSConfig:
    # Origins are part of the deployment (a template parameter), not of a request.
    origins = [origin.strip() for origin in os.environ.get("CORS_ALLOWED_ORIGINS", "*").split(",") if origin.strip()]
    return CORSConfig(
        allow_origin=origins[0] if origins else "*", extra_origins=origins[1:], max_age=600, expose_headers=["ETag"]
    )


app = APIGatewayRestResolver(enable_validation=True, cors=_cors())
app.use(middlewares=[conditional_and_compressed])
app.include_router(router)


@app.get("/openapi.json", include_in_schema=False)
def openapi_json():  # type: ignore[no-untyped-def]  # routes carry no return annotation (see api_function.routes)
    return json_response(openapi_document(app))


@app.get("/docs", include_in_schema=False)
def swagger_ui():  # type: ignore[no-untyped-def]
    return Response(status_code=200, content_type="text/html; charset=utf-8", body=swagger_page(app))


@app.exception_handler(RequestValidationError)
def bad_request(error: RequestValidationError) -> Response:
    details = []
    for item in error.errors():
        location = [str(part) for part in item.get("loc", ()) if part not in ("query", "path")]
        name = ".".join(location) or "request"
        details.append(f"{name}: {item.get('msg', 'is not valid')}")
    return problem(400, "Bad Request", "; ".join(details), app.current_event.path)


@app.exception_handler(BadParameter)
def bad_parameter(error: BadParameter) -> Response:
    return problem(400, "Bad Request", str(error), app.current_event.path)


@app.not_found
def unknown_route(error: NotFoundError) -> Response:
    event = app.current_event
    if event.http_method not in ("GET", "HEAD", "OPTIONS"):
        answer = problem(405, "Method Not Allowed", f"{event.http_method} is not allowed: the API is read-only")
        answer.headers["Allow"] = "GET, OPTIONS"
        return answer
    return problem(404, "Not Found", f"no route for {event.path}", event.path)


# What DynamoDB refuses as invalid is the request's doing (a cursor or filter it
# cannot take), not an outage: retrying it would fail the same way.
_REFUSED = ("ValidationException", "SerializationException")


@app.exception_handler(BotoCoreError)
@app.exception_handler(ClientError)
@app.exception_handler(StoreBusy)
def store_unavailable(error: Exception) -> Response:
    if isinstance(error, ClientError) and error.response.get("Error", {}).get("Code") in _REFUSED:
        asked = sorted((app.current_event.query_string_parameters or {}).keys())
        logger.warning("article store refused the request", extra={"parameters": asked})
        named = ", ".join(asked) or "the request"
        return problem(
            400, "Bad Request", f"{named}: the article store refused these parameters", app.current_event.path
        )
    # Throttling, a 5xx or a lost connection after botocore's retries: the
    # client may retry, unlike a bug (500).
    logger.warning("article store unavailable", extra={"error": type(error).__name__})
    answer = problem(503, "Service Unavailable", "the article store did not answer; retry in a moment")
    answer.headers["Retry-After"] = "1"
    return answer


@app.exception_handler(Exception)
def server_error(error: Exception) -> Response:
    logger.exception("request failed")
    return problem(500, "Internal Server Error", "the request could not be served; it was logged")


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
