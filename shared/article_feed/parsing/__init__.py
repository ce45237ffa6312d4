"""Parsing: the bytes of an article file in, a validated article or precise errors out.

`front_matter` splits the file, `safe_yaml` loads the YAML safely, `article_file`
validates it against the model, and `checks` adds every other rule (id, size,
what one stored item holds) so that ingest and `articlectl validate` agree.
"""

from __future__ import annotations

from article_feed.parsing.article_file import ParsedFile, parse_article_file
from article_feed.parsing.rejection import DEFAULT_MAX_BYTES, FILE_LOC, FRONT_MATTER_LOC, FileRejected

__all__ = ["DEFAULT_MAX_BYTES", "FILE_LOC", "FRONT_MATTER_LOC", "FileRejected", "ParsedFile", "parse_article_file"]
