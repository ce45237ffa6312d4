"""Errors and warnings about one article file, in the shape users see them.

Every problem names where it is (`loc`: a field path such as `related[2].webUrl`,
and a file `line` when known), what is wrong (`msg`) and the offending value,
shortened so that a hostile file cannot blow up a record or a log line.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

MAX_VALUE_LENGTH = 120


def shorten(value: Any) -> Any:
    """Keep small scalars as they are; cut long or nested values to a short text."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    text = value if isinstance(value, str) else repr(value)
    if len(text) > MAX_VALUE_LENGTH:
        return text[: MAX_VALUE_LENGTH - 1] + "…"
    return text


class Diagnostic(BaseModel):
    """One error or warning about a file."""

    loc: str
    msg: str
    value: Any = None
    line: int | None = None
    column: int | None = None

    def as_text(self, path: str) -> str:
        """`path:line:column: loc: msg`, the form editors and compilers use."""
        where = path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.loc}: {self.msg}"


def format_loc(parts: tuple[int | str, ...]) -> str:
    """Turn pydantic's loc tuple into `related[2].webUrl`."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(file)"
