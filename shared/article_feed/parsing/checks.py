"""Every check one article file must pass, in one place for ingest and `articlectl validate`.

A file that `validate` accepts is stored (unless its id or URL belongs to
another key): so the checks of the id, the size limit, the parser's and the
model's rules and the limits of what DynamoDB can store all run here, and every
problem of a file is reported in one pass.
"""

from __future__ import annotations

import json

from article_feed.domain.diagnostics import Diagnostic
from article_feed.domain.identity import article_id_from_key, id_problem
from article_feed.domain.limits import MAX_STORED_DOCUMENT_BYTES, MAX_SUMMARY_BYTES, stored_size_if_too_large
from article_feed.domain.views import summary_view
from article_feed.parsing.article_file import ParsedFile, parse_article_file
from article_feed.parsing.rejection import FILE_LOC, FRONT_MATTER_LOC

# The summary is stored with the object key (at most 1,024 bytes) and a time,
# which `validate` does not know: it checks the rest against what remains.
MAX_FRONT_MATTER_SUMMARY_BYTES = MAX_SUMMARY_BYTES - 1100


def check_article(key: str, data: bytes, *, max_bytes: int) -> ParsedFile:
    """The article a file holds, or every problem with it; warnings either way."""
    problem = id_problem(article_id_from_key(key))
    id_errors = [Diagnostic(loc="key", msg=problem, value=article_id_from_key(key))] if problem else []
    try:
        parsed = parse_article_file(data, max_bytes=max_bytes)
        if parsed.article is not None:
            parsed = _storable(parsed)
    except Exception as error:  # pure code on the same bytes fails the same way every time
        parsed = ParsedFile(
            errors=[Diagnostic(loc=FILE_LOC, msg=f"the file could not be read ({type(error).__name__})")]
        )
    if id_errors:
        parsed.errors[:0] = id_errors
        parsed.error_total += 1
        parsed.article = None
    return parsed


def _storable(parsed: ParsedFile) -> ParsedFile:
    assert parsed.article is not None
    document = parsed.article.to_document()
    errors = []
    compressed = stored_size_if_too_large(document, parsed.body)
    if compressed is not None:
        errors.append(
            Diagnostic(
                loc="body",
                msg=f"the article is larger than {MAX_STORED_DOCUMENT_BYTES} bytes even compressed ({compressed})",
            )
        )
    summary = len(json.dumps(summary_view(document), ensure_ascii=False).encode())
    if summary > MAX_FRONT_MATTER_SUMMARY_BYTES:
        errors.append(
            Diagnostic(
                loc=FRONT_MATTER_LOC,
                msg=f"the article without related, body and secured is larger than "
                f"{MAX_FRONT_MATTER_SUMMARY_BYTES} bytes as JSON ({summary}); "
                "shorten the excerpt or the unknown fields",
            )
        )
    if errors:
        return ParsedFile(errors=errors, warnings=parsed.warnings, warning_total=parsed.warning_total)
    return parsed
