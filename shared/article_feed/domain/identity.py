"""Which object keys are article files, and the article id each one names."""

from __future__ import annotations

import re
from posixpath import basename

ARTICLE_EXTENSIONS = (".md", ".markdown", ".txt")
MAX_ID_LENGTH = 255  # real slugs run past 150 characters
_ID_PATTERN = re.compile(rf"[A-Za-z0-9_.\-]{{1,{MAX_ID_LENGTH}}}")


def is_article_key(key: str, prefix: str = "") -> bool:
    """True for keys the ingest function must handle; other keys get no record."""
    return key.startswith(prefix) and key.lower().endswith(ARTICLE_EXTENSIONS)


def article_id_from_key(key: str) -> str:
    """The file name without its extension: `a/b/000_x.txt` -> `000_x`."""
    name = basename(key)
    lowered = name.lower()
    for extension in ARTICLE_EXTENSIONS:
        if lowered.endswith(extension):
            return name[: -len(extension)]
    return name


def id_problem(article_id: str) -> str | None:
    """Why an id cannot be used, or None when it is fine."""
    if _ID_PATTERN.fullmatch(article_id) and article_id not in (".", ".."):  # no URL path reaches those two
        return None
    return f"the file name (the article id) must be 1-{MAX_ID_LENGTH} characters of A-Z a-z 0-9 _ . - (not . or ..)"
