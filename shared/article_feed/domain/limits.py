"""What one DynamoDB item can hold of an article, known to the checks and to storage.

Its own module so that the API (which reads stored articles) need not import
the parsing and validation code that the checks bring.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

# A DynamoDB item holds at most 400 KB: the stored file (compressed) must fit
# with the item's other attributes, and every list entry repeats the summary.
MAX_STORED_DOCUMENT_BYTES = 350 * 1024
MAX_SUMMARY_BYTES = 16 * 1024


def stored_content(document: dict[str, Any], body: str) -> bytes:
    """The article as stored: its JSON, zlib-compressed (fewer bytes, fewer write units)."""
    return zlib.compress(_serialised(document, body), 6)


def read_stored_content(content: bytes) -> tuple[dict[str, Any], str]:
    """The document and body `stored_content` made."""
    stored = json.loads(zlib.decompress(content))
    return stored["article"], stored["body"]


def stored_size_if_too_large(document: dict[str, Any], body: str) -> int | None:
    """The stored size of an article that cannot be stored, else None.

    Compresses only when the JSON could exceed the limit even compressed (zlib's
    worst case is a few bytes per 4 KiB more than its input): most files skip it.
    """
    serialised = _serialised(document, body)
    if _deflate_bound(len(serialised)) <= MAX_STORED_DOCUMENT_BYTES:
        return None
    size = len(zlib.compress(serialised, 6))
    return size if size > MAX_STORED_DOCUMENT_BYTES else None


def _serialised(document: dict[str, Any], body: str) -> bytes:
    # UTF-8 as written: escaping non-ASCII would store up to three times the bytes.
    return json.dumps({"article": document, "body": body}, ensure_ascii=False).encode()


def _deflate_bound(size: int) -> int:
    """zlib's deflateBound() plus its 6-byte header and trailer: no input compresses to more."""
    return size + (size >> 12) + (size >> 14) + (size >> 25) + 13 + 6
