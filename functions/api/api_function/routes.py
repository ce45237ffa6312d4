"""The API's routes: read the parameters, call a query use case, return data.

Routes return a `Response` whose JSON body is already serialized (so fields that
are absent in a file stay absent) and carry no return annotation: powertools
would otherwise try to validate the `Response` itself. Their documented answer
models are declared in `responses=`, from api_models.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from aws_lambda_powertools.event_handler import Depends, Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from api_function.dependencies import article_store, cursor_secret
from api_function.http import SCHEMA_JSON, json_response, problem
from api_function.models import ArticleDetail, ArticleList, IngestionRecord, Problem, ProviderList, TopicList, detail_of
from article_feed import query as queries
from article_feed.domain.lists import MAX_VALUES, language_of, locale_of, values_of
from article_feed.domain.search import MAX_QUERY_CHARS, MAX_QUERY_TERMS
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


def _documented(
    description: str, *errors: int, model: type | None = None, media_type: str = "application/json"
) -> dict[int, Any]:
    """The `responses=` of a route: its 200 answer, and a problem (RFC 9457) for each error status."""
    content = {"model": model} if model else {}
    responses: dict[int, Any] = {200: {"description": description, "content": {media_type: content}}}
    for status in errors:
        responses[status] = {
            "description": "problem details (RFC 9457)",
            "content": {"application/problem+json": {"model": Problem}},
        }
    return responses


# The list filters, declared once for `/articles` and the feeds.
TopicFilter = Annotated[
    str | None, Query(max_length=LIST_TEXT, description=f"topics, case-insensitive; {ANY_OF}", examples=["AI,Robotics"])
]
ProviderFilter = Annotated[
    str | None,
    Query(max_length=LIST_TEXT, description=f"provider domains, case-insensitive; {ANY_OF}", examples=["fool.com"]),
]
CategoryFilter = Annotated[str | None, Query(max_length=LIST_TEXT, description=ANY_OF, examples=["Business"])]
TypeFilter = Annotated[str | None, Query(max_length=LIST_TEXT, description=ANY_OF, examples=["article,video"])]
ExcludeProviderFilter = Annotated[
    str | None,
    Query(
        alias="excludeProvider",
        max_length=LIST_TEXT,
        description=f"provider domains to leave out (articles without a provider stay); {ANY_OF}",
        examples=["example.com"],
    ),
]
LocaleFilter = Annotated[
    str | None,
    Query(
        max_length=35,
        description="a language (en: every English locale) or a locale (en-GB: only it)",
        examples=["en", "en-GB"],
    ),
]
FromFilter = Annotated[str | None, Query(alias="from", pattern=ISO_MOMENT, description=FROM_HELP)]
ToFilter = Annotated[str | None, Query(pattern=ISO_MOMENT, description=TO_HELP)]
MinQualityFilter = Annotated[int | None, Query(alias="minQuality", ge=0, le=MAX_SAFE_INTEGER)]
PublishedFilter = Annotated[bool | None, Query()]
SearchFilter = Annotated[
    str | None,
    Query(
        max_length=MAX_QUERY_CHARS,
        description=(
            f"keywords, all of which must match (title, excerpt, topics, tags, provider name); "
            f'"a phrase"; -word or -"a phrase" excludes; at most {MAX_QUERY_TERMS} of them'
        ),
        examples=["battery", '"error correction" -stocks', "量子"],
    ),
]


def article_query(
    topic: str | None,
    provider: str | None,
    category: str | None,
    type: str | None,
    exclude_provider: str | None,
    locale: str | None,
    from_: str | None,
    to: str | None,
    min_quality: int | None,
    published: bool | None,
    q: str | None,
    **page: Any,
) -> queries.ArticleQuery:
    """The list query of the raw parameters (comma lists split, locale read)."""
    return queries.ArticleQuery(
        topic=values_of("topic", topic),
        provider=values_of("provider", provider),
        category=values_of("category", category),
        type=values_of("type", type),
        exclude_provider=values_of("excludeProvider", exclude_provider),
        locale=locale_of(locale),
        min_quality=min_quality,
        published=published,
        from_=from_,
        to=to,
        q=q,
        **page,
    )


@router.get(
    "/articles",
    summary="List articles, newest first",
    responses=_documented("one page of article summaries", 400, model=ArticleList),
)
def list_articles(
    q: SearchFilter = None,
    topic: TopicFilter = None,
    provider: ProviderFilter = None,
    category: CategoryFilter = None,
    type: TypeFilter = None,
    exclude_provider: ExcludeProviderFilter = None,
    locale: LocaleFilter = None,
    fields: Annotated[
        str | None,
        Query(
            max_length=400,
            description="summary fields to keep in each item, comma-separated; id is always kept",
            examples=["title,webUrl,publishedDateTime"],
        ),
    ] = None,
    from_: FromFilter = None,
    to: ToFilter = None,
    min_quality: MinQualityFilter = None,
    published: PublishedFilter = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=2048, description="nextCursor of the previous page")] = None,
    *,
    store: Store,
    secret: Secret,
):
    query = article_query(
        topic, provider, category, type, exclude_provider, locale, from_, to, min_quality, published, q,
        limit=limit,
        cursor=cursor,
        fields=tuple(name.strip() for name in (fields or "").split(",") if name.strip()),
    )  # fmt: skip
    page = queries.list_articles(store, query, secret)
    return json_response({"items": page.items, "nextCursor": page.next_cursor})


FEED_TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}


def _feed_route(kind: str, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return router.get(
        f"/feeds/{kind}",
        summary=f"The newest articles as {name}, with any filter of /articles",
        responses=_documented(f"the feed as {name}", 400, media_type=FEED_TYPES[kind].split(";")[0]),
    )


@_feed_route("rss", "RSS 2.0")
@_feed_route("atom", "Atom 1.0")
@_feed_route("json", "JSON Feed 1.1")
def feed(
    q: SearchFilter = None,
    topic: TopicFilter = None,
    provider: ProviderFilter = None,
    category: CategoryFilter = None,
    type: TypeFilter = None,
    exclude_provider: ExcludeProviderFilter = None,
    locale: LocaleFilter = None,
    from_: FromFilter = None,
    to: ToFilter = None,
    min_quality: MinQualityFilter = None,
    published: PublishedFilter = None,
    limit: Annotated[int, Query(ge=1, le=100, description="the newest this many articles")] = 50,
    *,
    store: Store,
    secret: Secret,
):
    # Imported here: only the feed routes pay for building XML.
    from api_function.feeds import render_feed

    query = article_query(
        topic, provider, category, type, exclude_provider, locale, from_, to, min_quality, published, q, limit=limit
    )
    items = queries.list_articles(store, query, secret).items
    event = router.current_event
    kind = event.path.rstrip("/").rsplit("/", 1)[-1]
    body = render_feed(kind, items, _feed_title(query), _requested_url(event))
    return Response(status_code=200, content_type=FEED_TYPES[kind], body=body)


def _feed_title(query: queries.ArticleQuery) -> str:
    """What the feed holds, in words: `Article Feed: topic AI or Robotics, provider fool.com`."""
    parts = [
        f"{label} {' or '.join(values)}"
        for label, values in (
            ("topic", query.topic),
            ("provider", query.provider),
            ("category", query.category),
            ("type", query.type),
            (
                "language" if query.locale and query.locale == language_of(query.locale) else "locale",
                (query.locale,) if query.locale else (),
            ),
        )
        if values
    ]
    if query.exclude_provider:
        parts.append(f"not from {' or '.join(query.exclude_provider)}")
    if query.q:
        parts.insert(0, f"search {query.q.strip()}")
    return "Article Feed" + (": " + ", ".join(parts) if parts else ": newest articles")


def _requested_url(event: Any) -> str:
    """The URL the client asked for (the feed's self link), as API Gateway received it."""
    headers = {name.lower(): value for name, value in (event.headers or {}).items()}
    scheme = headers.get("x-forwarded-proto", "https")
    host = headers.get("host", "localhost")
    path = event.request_context.path or event.path
    pairs = [
        (name, value) for name, values in (event.multi_value_query_string_parameters or {}).items() for value in values
    ]
    return f"{scheme}://{host}{path}" + (f"?{urlencode(pairs)}" if pairs else "")


@router.get(
    "/articles/<article_id>",
    summary="One article with related articles and body",
    responses=_documented("the full article", 400, 404, model=ArticleDetail),
)
def get_article(article_id: Annotated[str, Path(max_length=300, examples=["000_1ad303c2d0458c2b"])], store: Store):
    stored = queries.get_article(store, article_id)
    if stored is None:
        return problem(404, "Not Found", f"no article has the id {article_id!r}")
    return json_response(detail_of(stored))


@router.get("/topics", summary="Topics by number of articles", responses=_documented("every topic", model=TopicList))
def list_topics(store: Store):
    return json_response({"items": queries.topic_counts(store)})


@router.get(
    "/providers", summary="Providers by number of articles", responses=_documented("every provider", model=ProviderList)
)
def list_providers(store: Store):
    return json_response({"items": queries.provider_counts(store)})


@router.get(
    "/ingestions",
    summary="Why a file was accepted or rejected",
    responses=_documented("the ingestion record of the key", 400, 404, model=IngestionRecord),
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
    responses=_documented("the schema `articlectl schema` prints", media_type=SCHEMA_JSON),
)
def article_json_schema():
    # Imported here: only this route pays for the file model's definitions.
    from article_feed.domain.schema import article_schema

    answer = json_response(article_schema())
    answer.headers["Content-Type"] = SCHEMA_JSON
    return answer
