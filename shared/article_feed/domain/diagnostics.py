"""Errors and warnings about one article file, in the shape users see them.

Every problem names where it is (`loc`: a field path such as `related[2].webUrl`,
and a file `line` when known), what is wrong (`msg`) and the offending value.
Whatever a file holds, a diagnostic stays small: the value is text of at most
200 characters, `loc` and `msg` are cut too, and a `secured` value is never
echoed — so a hostile file can blow up neither a record nor a log line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, field_validator, model_validator

from article_feed.domain.text import MAX_SHOWN_CHARS, SECRET_FIELD, shown

MAX_LOC_CHARS = 200
MAX_MSG_CHARS = 500
# An ingestion record keeps at most this many errors and as many warnings
# (the rest are counted), and their JSON at most this many bytes, so that it
# always fits a DynamoDB item (400 KB) with room to spare.
MAX_KEPT = 100
MAX_KEPT_BYTES = 128 * 1024


class Diagnostic(BaseModel):
    """One error or warning about a file."""

    loc: str
    msg: str
    value: str | None = None
    line: int | None = None
    column: int | None = None

    @field_validator("value", mode="before")
    @classmethod
    def _bounded_value(cls, value: Any) -> str | None:
        return shown(value)

    @field_validator("loc", mode="before")
    @classmethod
    def _bounded_loc(cls, value: Any) -> str:
        return shown(value, MAX_LOC_CHARS) or ""

    @field_validator("msg", mode="before")
    @classmethod
    def _bounded_msg(cls, value: Any) -> str:
        return shown(value, MAX_MSG_CHARS) or ""

    @model_validator(mode="after")
    def _never_echo_secrets(self) -> Diagnostic:
        if is_secret_loc(self.loc):
            self.value = None
        return self

    def as_text(self, path: str) -> str:
        """`path:line:column: loc: msg`, the form editors and compilers use."""
        where = path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.loc}: {self.msg}"


def is_secret_loc(loc: str) -> bool:
    """True when a field path ends at (or passes through) a `secured` field."""
    return any(part.split("[", 1)[0] == SECRET_FIELD for part in loc.split("."))


@dataclass
class Bounded:
    """A list of diagnostics cut to what a record keeps, and how many there were."""

    kept: list[Diagnostic] = field(default_factory=list)
    total: int = 0
    _bytes: int = 0

    def add(self, diagnostic: Diagnostic) -> None:
        self.total += 1
        if len(self.kept) >= MAX_KEPT:
            return
        size = len(json.dumps(diagnostic.model_dump(), ensure_ascii=False).encode())
        if self._bytes + size <= MAX_KEPT_BYTES:
            self.kept.append(diagnostic)
            self._bytes += size

    def extend(self, diagnostics: list[Diagnostic]) -> None:
        for diagnostic in diagnostics:
            self.add(diagnostic)

    @property
    def full(self) -> bool:
        """No further diagnostic would be kept; callers may only count the rest."""
        return len(self.kept) >= MAX_KEPT


def format_loc(parts: tuple[int | str, ...]) -> str:
    """Turn pydantic's loc tuple into `related[2].webUrl`."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(file)"


__all__ = ["MAX_SHOWN_CHARS", "Bounded", "Diagnostic", "format_loc", "is_secret_loc"]
