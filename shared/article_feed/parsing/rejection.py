"""How parsing says a file cannot become an article, and where in the file."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
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
