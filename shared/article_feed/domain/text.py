"""Text rules shared by every part: matching keys and bounded display values.

Two spellings of one thing must be one key (`Café` with a combining accent and
without; `AI` followed by a zero-width space), and any value shown back to a
user must be short text, whatever a hostile file put in it.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

# Characters that change no visible text but would split one key in two.
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"))
MAX_SHOWN_CHARS = 200
# JSON numbers are IEEE doubles in most clients: larger integers lose digits.
MAX_SAFE_INTEGER = 2**53 - 1
SECRET_FIELD = "secured"  # noqa: S105 - the name of the field, not a secret
HIDDEN = "(hidden)"


def match_key(text: str) -> str:
    """The form under which text is matched and keyed: NFKC, casefolded, no zero-width characters."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold()).translate(_ZERO_WIDTH).strip()


def utf8_size(text: str) -> int:
    """Bytes DynamoDB counts for a string."""
    return len(text.encode("utf-8", "surrogatepass"))


def shown(value: Any, limit: int = MAX_SHOWN_CHARS) -> str | None:
    """A value as short text (at most `limit` characters), never copying more than that.

    Text is shown as it is; other values in JSON notation, with any `secured`
    field hidden. Huge integers are described, not printed (printing one is
    quadratic, and Python refuses past 4,300 digits).
    """
    if value is None:
        return None
    parts: list[str] = []
    budget = [limit + 1]
    if isinstance(value, str):
        _emit(parts, budget, value)
    else:
        _render(value, parts, budget, depth=0)
    text = "".join(parts)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _emit(parts: list[str], budget: list[int], text: str) -> None:
    if budget[0] > 0:
        piece = text[: budget[0]]
        parts.append(piece)
        budget[0] -= len(piece)


def _render(value: Any, parts: list[str], budget: list[int], depth: int) -> None:
    if budget[0] <= 0:
        return
    if isinstance(value, bool) or value is None:
        _emit(parts, budget, json.dumps(value))
    elif isinstance(value, int):
        _emit(parts, budget, str(value) if value.bit_length() < 600 else f"(an integer of {value.bit_length()} bits)")
    elif isinstance(value, float):
        _emit(parts, budget, repr(value))
    elif isinstance(value, str):
        _emit(parts, budget, json.dumps(value[: budget[0]], ensure_ascii=False))
    elif isinstance(value, dict) and depth < 8:
        _emit(parts, budget, "{")
        for index, (key, item) in enumerate(value.items()):
            if budget[0] <= 0:
                return
            _emit(parts, budget, ", " if index else "")
            _render(str(key) if not isinstance(key, (str, int)) else key, parts, budget, depth + 1)
            _emit(parts, budget, ": ")
            if key == SECRET_FIELD:
                _emit(parts, budget, HIDDEN)
            else:
                _render(item, parts, budget, depth + 1)
        _emit(parts, budget, "}")
    elif isinstance(value, (list, tuple, set, frozenset)) and depth < 8:
        _emit(parts, budget, "[")
        for index, item in enumerate(value):
            if budget[0] <= 0:
                return
            _emit(parts, budget, ", " if index else "")
            _render(item, parts, budget, depth + 1)
        _emit(parts, budget, "]")
    elif isinstance(value, (bytes, bytearray)):
        _emit(parts, budget, f"({len(value)} bytes of binary data)")
    else:
        _emit(parts, budget, f"({type(value).__name__})")
