"""The file's layout: UTF-8 text, a `---` line, the YAML front matter, a `---` line, the body."""

from __future__ import annotations

import re

from article_feed.domain.diagnostics import Diagnostic
from article_feed.parsing.rejection import FILE_LOC, FRONT_MATTER_LOC, FileRejected, too_large

_BOM = b"\xef\xbb\xbf"
_CLOSING_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)


def decode(data: bytes, max_bytes: int) -> str:
    if len(data) > max_bytes:
        raise FileRejected(too_large(max_bytes))  # the data may be cut at the limit: no size to show
    skipped = len(_BOM) if data.startswith(_BOM) else 0
    data = data[skipped:]
    if not data.strip():
        raise FileRejected(Diagnostic(loc=FILE_LOC, msg="file is empty"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line_start = data.rfind(b"\n", 0, error.start) + 1
        raise FileRejected(
            Diagnostic(
                loc=FILE_LOC,
                msg=f"file is not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start + skipped})",
                line=data.count(b"\n", 0, error.start) + 1,
                # In characters, as editors count: what decodes before the bad byte on its line.
                column=len(data[line_start : error.start].decode("utf-8", "replace")) + 1,
            )
        ) from None
    return text.replace("\r\n", "\n")


def split_front_matter(text: str) -> tuple[str, str]:
    first_line, _, rest = text.partition("\n")
    if first_line.rstrip(" \t") != "---":
        raise FileRejected(
            Diagnostic(
                loc=FRONT_MATTER_LOC,
                msg="file must start with a line '---' that opens the YAML front matter",
                value=first_line,
                line=1,
            )
        )
    closing = closing_fence(rest)
    if closing is None:
        raise FileRejected(
            Diagnostic(
                loc=FRONT_MATTER_LOC,
                msg="front matter opened on line 1 is never closed by a line '---'",
                line=1,
            )
        )
    start, end = closing
    body = rest[end:]
    return rest[:start], body[1:] if body.startswith("\n") else body


def closing_fence(text: str) -> tuple[int, int] | None:
    """Start and end of the first line that is `---` (trailing blanks allowed)."""
    found = _CLOSING_FENCE.search(text)
    return found.span() if found else None
