"""How parsing says a file cannot become an article, and where in the file."""

from __future__ import annotations

from article_feed.domain.diagnostics import Diagnostic

DEFAULT_MAX_BYTES = 1024 * 1024
FRONT_MATTER_LOC = "(front matter)"
FILE_LOC = "(file)"
# Front matter starts on the file's second line; libyaml counts lines from 0.
LINE_OFFSET = 2


class FileRejected(Exception):
    """The file cannot become an article; carries the diagnostic that says why."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.msg)
        self.diagnostic = diagnostic


def too_large(max_bytes: int, size: int | None = None) -> Diagnostic:
    """The one rejection for a file over the size limit (its size, where known before reading)."""
    return Diagnostic(
        loc=FILE_LOC,
        msg=f"file is larger than the limit of {max_bytes} bytes",
        value=None if size is None else str(size),
    )
