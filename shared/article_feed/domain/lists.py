"""What a list asks for, in the domain's terms (no keys, no partitions)."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any

from article_feed.domain.errors import BadParameter
from article_feed.domain.text import match_key

# A list filter names at most this many values ("any of them"): each is one more
# partition to read (or one more term of a filter), so a page's reads stay bounded.
MAX_VALUES = 5
# BCP 47 as news files write it: a language, then subtags (`en`, `en-GB`, `zh-Hant-TW`).
_LOCALE = re.compile(r"[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*")

Values = tuple[str, ...]


def values_of(name: str, text: str | None) -> Values:
    """A comma-separated parameter as distinct values (`AI,ai` is one), at most MAX_VALUES."""
    if text is None:
        return ()
    values: dict[str, str] = {}
    for part in text.split(","):
        value = part.strip()
        if value and match_key(value) not in values:
            values[match_key(value)] = value
    if len(values) > MAX_VALUES:
        raise BadParameter(name, f"at most {MAX_VALUES} comma-separated values, found {len(values)}")
    return tuple(values.values())


def locale_key(text: str) -> str:
    """A locale's matching form, for files and filters alike: `en_GB` → `en-gb`."""
    return match_key(text.replace("_", "-"))


def locale_of(text: str | None) -> str | None:
    """A locale filter in its matching form (locale_key), or a 400 naming `locale`."""
    if text is None or not text.strip():
        return None
    if not _LOCALE.fullmatch(text.strip()):
        raise BadParameter("locale", f"{text!r} is not a language or locale such as en or en-GB")
    return locale_key(text)


def language_of(locale: str) -> str:
    """The language of a locale's matching form: `en-gb` → `en` (whole subtags: `enm` stays `enm`)."""
    return locale.partition("-")[0]


@dataclass(frozen=True)
class ListFilters:
    """The filters every list shares. A filter with several values means any of
    them; different filters combine with AND. Text matches case- and
    form-insensitively; `locale` is a language (`en`: every English locale) or
    a whole locale (`en-gb`), already in matching form (locale_of)."""

    topic: Values = ()
    provider: Values = ()
    category: Values = ()
    type: Values = ()
    exclude_provider: Values = ()
    locale: str | None = None
    min_quality: int | None = None
    published: bool | None = None

    def filters(self) -> dict[str, Any]:
        """Just the filters (as keyword arguments), from this or from a request that extends them."""
        return {field.name: getattr(self, field.name) for field in fields(ListFilters)}


@dataclass(frozen=True)
class ListRequest(ListFilters):
    """The filters and the time range, as UTC strings ending in `Z`."""

    lower: str | None = None
    upper: str | None = None
