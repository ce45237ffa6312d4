"""Bytes of one article file in, a validated article or precise errors out.

The same function serves the ingest Lambda and `articlectl validate` (through
`checks.check_article`), so a file that passes locally passes in the cloud.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from article_feed.domain.diagnostics import Bounded, Diagnostic, format_loc, is_secret_loc
from article_feed.domain.model import Article, is_zone_less, unknown_keys
from article_feed.parsing.front_matter import decode, split_front_matter
from article_feed.parsing.rejection import DEFAULT_MAX_BYTES, FILE_LOC, FileRejected
from article_feed.parsing.safe_yaml import LineFinder, compose, construct

if TYPE_CHECKING:
    from yaml.nodes import Node

_DATETIME_FIELDS = ("publishedDateTime", "updatedDateTime")


@dataclass
class ParsedFile:
    """What one file yields: an article and its body, or the errors; warnings either way.

    At most `MAX_KEPT` errors and warnings are kept; `*_total` counts them all.
    """

    article: Article | None = None
    body: str = ""
    errors: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    error_total: int = 0
    warning_total: int = 0

    def __post_init__(self) -> None:
        self.error_total = max(self.error_total, len(self.errors))
        self.warning_total = max(self.warning_total, len(self.warnings))

    @property
    def is_valid(self) -> bool:
        return self.article is not None and not self.errors


def parse_article_file(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ParsedFile:
    """Parse and validate one article file, exactly as the ingest function does."""
    try:
        text = decode(data, max_bytes)
        front_matter, body = split_front_matter(text)
        root = compose(front_matter)
        raw = construct(root, max_bytes)
    except FileRejected as rejected:
        return ParsedFile(errors=[rejected.diagnostic])
    return _validate(raw, root, body)


def _validate(raw: dict[str, Any], root: Node | None, body: str) -> ParsedFile:
    lines = LineFinder(root)
    try:
        article = Article.model_validate(raw)
    except ValidationError as error:
        errors = Bounded()
        for item in error.errors():
            errors.add(_from_pydantic(item, lines) if not errors.full else _COUNTED)
        return ParsedFile(errors=errors.kept, error_total=errors.total)
    warnings = Bounded()
    for loc, value in unknown_keys(article):
        if warnings.full:  # counted, not built: a file may hold tens of thousands
            warnings.total += 1
            continue
        secret = is_secret_loc(loc)
        warnings.add(
            Diagnostic(
                loc=loc,
                msg="unknown field: stored, never served" if secret else "unknown field: kept and served as it is",
                value=value,
                **_position(lines, loc),
            )
        )
    warnings.extend(_zone_less_warnings(raw, lines))
    return ParsedFile(article=article, body=body, warnings=warnings.kept, warning_total=warnings.total)


# Stands for an error past the kept ones: only counted.
_COUNTED = Diagnostic(loc=FILE_LOC, msg="")


def _position(lines: LineFinder, loc: str) -> dict[str, Any]:
    line, column = lines.position_of(loc)
    return {"line": line, "column": column}


def _from_pydantic(item: Any, lines: LineFinder) -> Diagnostic:
    loc = format_loc(tuple(item["loc"]))
    msg = str(item["msg"]).removeprefix("Value error, ")
    if item["type"] == "missing":
        msg = "required field is missing"
    value = None if item["type"] == "missing" else item.get("input")
    return Diagnostic(loc=loc, msg=msg, value=value, **_position(lines, loc))


def _zone_less_warnings(raw: dict[str, Any], lines: LineFinder) -> list[Diagnostic]:
    holders: list[tuple[str, Any]] = [("", raw)]
    related = raw.get("related")
    if isinstance(related, list):
        holders.extend((f"related[{index}].", entry) for index, entry in enumerate(related))
    warnings = []
    for prefix, holder in holders:  # mappings: the article validated
        for name in _DATETIME_FIELDS:
            if is_zone_less(holder.get(name)):
                loc = prefix + name
                warnings.append(
                    Diagnostic(
                        loc=loc,
                        msg="date-time has no time zone; it is taken as UTC",
                        value=holder[name],
                        **_position(lines, loc),
                    )
                )
    return warnings
