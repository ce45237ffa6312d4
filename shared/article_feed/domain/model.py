"""The article as curators write it: the SPEC's field table as pydantic models.

This module knows nothing about files, YAML or AWS. It turns an already-loaded
front-matter mapping into a validated `Article`, keeping keys the table does not
name (they are reported as warnings by the parser, not rejected).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from functools import cache
from typing import Annotated, Any, get_args
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StrictBool,
    StrictInt,
    StrictStr,
    WithJsonSchema,
)
from pydantic.alias_generators import to_camel

from article_feed.domain.text import MAX_SAFE_INTEGER, match_key, utf8_size
from article_feed.domain.utc import format_utc

MAX_TITLE_LENGTH = 1000
MAX_RELATED = 100
# Every topic is one index entry and one counter in the article's write
# transaction, and DynamoDB allows 100 actions per transaction (docs/storage.md).
MAX_TOPICS = 20
# Topics, category, type and locale become parts of DynamoDB keys (a sort key
# holds at most 1,024 bytes), counted in UTF-8 bytes of their matching form.
MAX_KEY_TEXT_BYTES = 256
# Set by the service, never by a file: the article's id, where it came from,
# when it was stored, and the text after the front matter.
SERVICE_FIELDS = ("id", "sourceKey", "ingestedAt", "body")


def is_zone_less(value: object) -> bool:
    """Tell whether a raw datetime value carries no zone, so it is read as UTC."""
    if isinstance(value, datetime):
        return value.tzinfo is None
    if isinstance(value, date):
        return True
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip()).tzinfo is None
        except ValueError:
            return False
    return False


def _to_utc_datetime(value: object) -> datetime:
    # YAML already turns most timestamps into datetime/date; strings that YAML
    # did not recognise (e.g. with a `T` and offset variants) are parsed here.
    # Numbers are refused: an epoch number in a news file is almost always a typo.
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError("must be an ISO 8601 date-time, e.g. 2020-03-29T15:30:00Z") from None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        try:
            return value.astimezone(UTC)
        except OverflowError:  # e.g. 0001-01-01T00:00:00+05:00 is before year 1 in UTC
            raise ValueError("is out of range once converted to UTC") from None
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0), tzinfo=UTC)
    raise ValueError("must be an ISO 8601 date-time, e.g. 2020-03-29T15:30:00Z")


def _check_url(value: str) -> str:
    """An http(s) URL with a host; other characters (spaces, non-ASCII) are served as written."""
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:  # e.g. an unclosed IPv6 bracket
        raise ValueError("must be an http(s) URL with a host name") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise ValueError("must be an http(s) URL")
    if not host:
        raise ValueError("must be an http(s) URL with a host name")
    return value


def _check_image_url(value: str) -> str:
    """Real provider logos are site-relative (`/assets/images/….jpg`): a path from the site's root is fine too."""
    if value.startswith("/") and not value.startswith("//"):
        return value
    try:
        return _check_url(value)
    except ValueError:
        raise ValueError("must be an http(s) URL or a site-relative path starting with /") from None


def _check_host_name(value: str) -> str:
    if not _HOST_NAME_PATTERN.match(value):
        raise ValueError("must be a host name such as example.com")
    return value


def _clean_string_list(values: list[str]) -> list[str]:
    seen: set[str] = set()
    cleaned: list[str] = []
    for value in values:
        if value and value not in seen:
            seen.add(value)
            cleaned.append(value)
    return cleaned


def _clean_key_list(values: list[str]) -> list[str]:
    """Like other lists, and an entry that is empty once matched (only zero-width characters) is dropped."""
    return [value for value in _clean_string_list(values) if match_key(value)]


def _check_key_text(value: str) -> str:
    size = utf8_size(match_key(value))
    if size > MAX_KEY_TEXT_BYTES:
        raise ValueError(f"must be at most {MAX_KEY_TEXT_BYTES} bytes of UTF-8 once normalised, found {size}")
    return value


def _refuse_service_field(value: object) -> object:
    raise ValueError("is set by the service, not by the file: remove this field")


def _cap_topics(values: list[str]) -> list[str]:
    if len(values) > MAX_TOPICS:
        raise ValueError(f"at most {MAX_TOPICS} topics are allowed, found {len(values)}")
    return values


# How the JSON Schema (article_feed.domain.schema) describes values the validators
# check in code: as YAML writes them (text), at least as loose as the code.
ISO_8601 = (
    r"^\s*\d{4}-?(\d{2}-?\d{2}|W\d{2}(-?\d)?|\d{3})"
    r"([T ]\d{2}(:?\d{2}(:?\d{2}([.,]\d+)?)?)?)?\s*(Z|z|[+-]\d{2}(:?\d{2}(:?\d{2}([.,]\d+)?)?)?)?\s*$"
)
HTTP_URL = r"^\s*[hH][tT][tT][pP][sS]?://[^/?#\s]"
_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
HOST_NAME = rf"^\s*(?=\S{{1,253}}\s*$)({_LABEL}\.)*{_LABEL}\.?\s*$"
_HOST_NAME_PATTERN = re.compile(HOST_NAME)  # the rule the code checks is the one the schema states
_URL_SCHEMA = {"type": "string", "pattern": HTTP_URL, "description": "an http(s) URL with a host"}

UtcDateTime = Annotated[
    datetime,
    BeforeValidator(_to_utc_datetime),
    PlainSerializer(format_utc, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": ISO_8601,
            "description": "ISO 8601 date-time, e.g. 2020-03-29T15:30:00Z; without a zone it is read as UTC",
            "examples": ["2020-03-29T15:30:00Z"],
        },
        mode="validation",
    ),
]
Url = Annotated[StrictStr, Field(min_length=1), AfterValidator(_check_url), WithJsonSchema(_URL_SCHEMA)]
ImageUrl = Annotated[
    StrictStr,
    Field(min_length=1),
    AfterValidator(_check_image_url),
    WithJsonSchema(
        {
            "type": "string",
            "anyOf": [{"pattern": HTTP_URL}, {"pattern": "^/([^/]|$)"}],
            "description": "an http(s) URL, or a path from the site's root such as /logo.png",
        }
    ),
]
HostName = Annotated[
    StrictStr,
    Field(min_length=1),
    AfterValidator(_check_host_name),
    WithJsonSchema({"type": "string", "pattern": HOST_NAME, "description": "a host name such as example.com"}),
]
Title = Annotated[StrictStr, Field(min_length=1, max_length=MAX_TITLE_LENGTH)]
StringList = Annotated[list[StrictStr], AfterValidator(_clean_string_list)]
Dimension = Annotated[StrictInt, Field(ge=0, le=MAX_SAFE_INTEGER)]
KeyText = Annotated[StrictStr, AfterValidator(_check_key_text)]
ServiceField = Annotated[Any, BeforeValidator(_refuse_service_field)]


class _FileModel(BaseModel):
    """Shared configuration: camelCase keys as in the files, unknown keys kept."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_alias=True,
        validate_by_name=False,
        serialize_by_alias=True,
        extra="allow",
        str_strip_whitespace=True,
        defer_build=True,
    )


class Image(_FileModel):
    url: ImageUrl
    width: Dimension | None = None
    height: Dimension | None = None
    title: StrictStr | None = None
    attribution: StrictStr | None = None
    is_cached: StrictBool | None = None


class Provider(_FileModel):
    name: StrictStr | None = None
    domain: HostName | None = None
    images: list[Image] | None = None


class _ArticleFields(_FileModel):
    """Fields an article and each of its related articles have in common."""

    title: Title
    web_url: Url
    published_date_time: UtcDateTime | None = None
    updated_date_time: UtcDateTime | None = None
    excerpt: StrictStr | None = None
    category: KeyText | None = None
    kind: KeyText | None = Field(default=None, alias="type")
    locale: KeyText | None = None
    topics: Annotated[list[KeyText], AfterValidator(_clean_key_list), AfterValidator(_cap_topics)] | None = None
    tags: StringList | None = None
    categories: StringList | None = None
    quality: Annotated[StrictInt, Field(ge=0, le=MAX_SAFE_INTEGER)] | None = None
    heat: Annotated[StrictInt, Field(ge=-1, le=MAX_SAFE_INTEGER)] | None = None
    published: StrictBool | None = None
    amp_web_url: Url | None = None
    cdn_amp_web_url: Url | None = None
    provider: Provider | None = None
    images: list[Image] | None = None


class RelatedArticle(_ArticleFields):
    """An entry of `related`: title and webUrl required, the rest optional."""


class Article(_ArticleFields):
    """One article file's front matter, validated."""

    published_date_time: UtcDateTime
    related: Annotated[list[RelatedArticle], Field(max_length=MAX_RELATED)] | None = None
    secured: StrictStr | None = None
    # Present only to refuse them (validators do not run on absent fields).
    id: ServiceField = Field(default=None, alias="id", exclude=True)
    source_key: ServiceField = Field(default=None, exclude=True)
    ingested_at: ServiceField = Field(default=None, exclude=True)
    body: ServiceField = Field(default=None, alias="body", exclude=True)

    def to_document(self) -> dict[str, Any]:
        """The article as JSON-ready camelCase data: what was set, as it was set."""
        return self.model_dump(mode="json", exclude_unset=True)


def unknown_keys(model: BaseModel, path: str = "") -> list[tuple[str, Any]]:
    """List the keys the field table does not name, with their paths, at any depth."""
    found: list[tuple[str, Any]] = []
    for key, value in (model.model_extra or {}).items():
        found.append((f"{path}.{key}" if path else key, value))
    was_set = model.model_fields_set
    for name, alias in _fields_holding_models(type(model)):  # declaration order: same warnings every time
        if name not in was_set:
            continue
        value = getattr(model, name)
        child_path = f"{path}.{alias}" if path else alias
        if isinstance(value, BaseModel):
            found.extend(unknown_keys(value, child_path))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, BaseModel):
                    found.extend(unknown_keys(item, f"{child_path}[{index}]"))
    return found


@cache
def _fields_holding_models(model_type: type[BaseModel]) -> tuple[tuple[str, str], ...]:
    """(name, alias) of the fields whose type can hold a model, such as `provider` or `related`."""
    return tuple(
        (name, info.alias or name) for name, info in model_type.model_fields.items() if _can_hold_model(info.annotation)
    )


def _can_hold_model(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_can_hold_model(argument) for argument in get_args(annotation))
