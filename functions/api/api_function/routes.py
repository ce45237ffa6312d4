"""The API's routes: read the parameters, call a query use case, return data.

Routes return a `Response` whose JSON body is already serialized (so fields that
are absent in a file stay absent) and carry no return annotation: powertools
would otherwise try to validate the `Response` itself. Their documented answer
models are declared in `responses=`, from api_models.
"""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Depends
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from api_function.dependencies import article_store, cursor_secret
from api_function.http import SCHEMA_JSON, json_response, problem
from api_function.models import ArticleDetail, ArticleList, IngestionRecord, Problem, ProviderList, TopicList, detail_of
from article_feed import query as queries
from article_feed.domain.lists import MAX_VALUES, locale_of, values_of
from article_feed.domain.text import MAX_SAFE_INTEGER

router = Router()
# Documents the shape; calendar validity (no 2020-02-30) is checked by the query use case.
ISO_MOMENT = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$"
FROM_HELP = "ISO 8601 date or date-time, inclusive; a date starts at 00:00:00Z"
TO_HELP = "ISO 8601 date or date-time, inclusive; a date covers its whole day"
ANY_OF = f"a comma-separated list means any of them (at most {MAX_VALUES})"
# Room for MAX_VALUES values of 200 characters and their commas.
LIST_TEXT = 1100


Store = Annotated[queries.ArticleReaderPort, Depends(article_store)]
Secret = Annotated[bytes, Depends(cursor_secret)]


def _documented(model: type, description: str, *errors: int) -> dict[int, Any]:
    responses: dict[int, Any] = {200: {"description": description, "content": {"application/json": {"model": model}}}}
    for status in errors:
        responses[status] = {
            "description": "problem details (RFC 9457)",
            "content": {"application/problem+json": {"model": Problem}},
        }
    return responses


@router.get(
    "/articles",
    summary="List articles, newest first",
    responses=_documented(ArticleList, "one page of article summaries", 400),
)
def list_articles(
    topic: Annotated[
        str | None,
        Query(max_length=LIST_TEXT, description=f"topics, case-insensitive; {ANY_OF}", examples=["AI,Robotics"]),
    ] = None,
    provider: Annotated[
        str | None,
        Query(max_length=LIST_TEXT, description=f"provider domains, case-insensitive; {ANY_OF}", examples=["fool.com"]),
    ] = None,
    category: Annotated[str | None, Query(max_length=LIST_TEXT, description=ANY_OF, examples=["Business"])] = None,
    type: Annotated[str | None, Query(max_length=LIST_TEXT, description=ANY_OF, examples=["article,video"])] = None,
    exclude_provider: Annotated[
        str | None,
        Query(
            alias="excludeProvider",
            max_length=LIST_TEXT,
            description=f"provider domains to leave out (articles without a provider stay); {ANY_OF}",
            examples=["example.com"],
        ),
    ] = None,
    locale: Annotated[
        str | None,
        Query(
            max_length=35,
            description="a language (en: every English locale) or a locale (en-GB: only it)",
            examples=["en", "en-GB"],
        ),
    ] = None,
    fields: Annotated[
        str | None,
        Query(
            max_length=400,
            description="summary fields to keep in each item, comma-separated; id is always kept",
            examples=["title,webUrl,publishedDateTime"],
        ),
    ] = None,
    from_: Annotated[str | None, Query(alias="from", pattern=ISO_MOMENT, description=FROM_HELP)] = None,
    to: Annotated[str | None, Query(pattern=ISO_MOMENT, description=TO_HELP)] = None,
    min_quality: Annotated[int | None, Query(alias="minQuality", ge=0, le=MAX_SAFE_INTEGER)] = None,
    published: Annotated[bool | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=2048, description="nextCursor of the previous page")] = None,
    *,
    store: Store,
    secret: Secret,
):
    page = queries.list_articles(
        store,
        queries.ArticleQuery(
            topic=values_of("topic", topic),
            provider=values_of("provider", provider),
            category=values_of("category", category),
            type=values_of("type", type),
            exclude_provider=values_of("excludeProvider", exclude_provider),
            locale=locale_of(locale),
            fields=tuple(name.strip() for name in (fields or "").split(",") if name.strip()),
            min_quality=min_quality,
            published=published,
            from_=from_,
            to=to,
            limit=limit,
            cursor=cursor,
        ),
        secret,
    )
    return json_response({"items": page.items, "nextCursor": page.next_cursor})


@router.get(
    "/articles/<article_id>",
    summary="One article with related articles and body",
    responses=_documented(ArticleDetail, "the full article", 400, 404),
)
def get_article(article_id: Annotated[str, Path(max_length=300, examples=["000_1ad303c2d0458c2b"])], store: Store):
    stored = queries.get_article(store, article_id)
    if stored is None:
        return problem(404, "Not Found", f"no article has the id {article_id!r}")
    return json_response(detail_of(stored))


@router.get("/topics", summary="Topics by number of articles", responses=_documented(TopicList, "every topic"))
def list_topics(store: Store):
    return json_response({"items": queries.topic_counts(store)})


@router.get(
    "/providers", summary="Providers by number of articles", responses=_documented(ProviderList, "every provider")
)
def list_providers(store: Store):
    return json_response({"items": queries.provider_counts(store)})


@router.get(
    "/ingestions",
    summary="Why a file was accepted or rejected",
    responses=_documented(IngestionRecord, "the ingestion record of the key", 400, 404),
)
def get_ingestion(
    key: Annotated[
        str,
        Query(min_length=1, max_length=1024, description="object key", examples=["samples/000_1ad303c2d0458c2b.txt"]),
    ],
    store: Store,
):
    record = queries.get_ingestion(store, key)
    if record is None:
        return problem(404, "Not Found", f"no ingestion record for the key {key!r}")
    return json_response(record.model_dump(mode="json"))


@router.get(
    "/schemas/article.json",
    summary="The JSON Schema (draft 2020-12) of an article file's front matter",
    responses={200: {"description": "the schema `articlectl schema` prints", "content": {SCHEMA_JSON: {}}}},
)
def article_json_schema():
    # Imported here: only this route pays for the file model's definitions.
    from article_feed.domain.schema import article_schema

    answer = json_response(article_schema())
    answer.headers["Content-Type"] = SCHEMA_JSON
    return answer
