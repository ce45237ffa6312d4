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
    return zlib.compress(json.dumps({"article": document, "body": body}, ensure_ascii=False).encode(), 6)
