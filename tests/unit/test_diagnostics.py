"""How many diagnostics a record keeps (MAX_KEPT, MAX_KEPT_BYTES: each at the limit
and one past), which locations are secret, and the names of locations."""

from __future__ import annotations

import json

from article_feed.domain.diagnostics import (
    MAX_KEPT,
    MAX_KEPT_BYTES,
    MAX_MSG_CHARS,
    Bounded,
    Diagnostic,
    format_loc,
    is_secret_loc,
)


def _size(diagnostic: Diagnostic) -> int:
    return len(json.dumps(diagnostic.model_dump(), ensure_ascii=False).encode())


def test_a_record_keeps_max_kept_diagnostics_and_counts_the_rest() -> None:
    at, past = Bounded(), Bounded()
    at.extend([Diagnostic(loc=f"x{i}", msg="m") for i in range(MAX_KEPT)])
    past.extend([Diagnostic(loc=f"x{i}", msg="m") for i in range(MAX_KEPT + 1)])
    assert (len(at.kept), at.total, at.full) == (MAX_KEPT, MAX_KEPT, True)
    assert (len(past.kept), past.total) == (MAX_KEPT, MAX_KEPT + 1)
    assert [d.loc for d in past.kept] == [f"x{i}" for i in range(MAX_KEPT)]
    assert not Bounded(kept=[Diagnostic(loc="x", msg="m")] * (MAX_KEPT - 1)).full


def test_a_record_keeps_diagnostics_up_to_exactly_max_kept_bytes() -> None:
    # Diagnostics of exactly 2 KiB each: 64 fill MAX_KEPT_BYTES (128 KiB) to the byte.
    room = 2048 - _size(Diagnostic(loc="x", msg=""))
    wide = -(-(room - MAX_MSG_CHARS) // 3)  # "😀" is 4 bytes of UTF-8: msg stays within its characters
    diagnostic = Diagnostic(loc="x", msg="😀" * wide + "x" * (room - 4 * wide))
    assert _size(diagnostic) == 2048 and MAX_KEPT_BYTES % 2048 == 0
    fits = MAX_KEPT_BYTES // 2048
    bounded = Bounded()
    bounded.extend([diagnostic] * (fits + 1))
    assert (len(bounded.kept), bounded.total) == (fits, fits + 1)
    small = Diagnostic(loc="x", msg="")
    bounded.add(small)  # no room left, even for a small one
    assert (len(bounded.kept), bounded.total) == (fits, fits + 2)


def test_secured_is_secret_wherever_the_path_passes_it() -> None:
    for loc in ("secured", "secured[0]", "secured[0][1]", "related[2].secured", "provider.secured.token"):
        assert is_secret_loc(loc), loc
        assert Diagnostic(loc=loc, msg="m", value="s3cr3t").value is None
    for loc in ("securedX", "insecured", "related[0].title", "x[secured]"):
        assert not is_secret_loc(loc), loc


def test_a_location_reads_like_the_field_path() -> None:
    assert format_loc(("related", 2, "webUrl")) == "related[2].webUrl"
    assert format_loc((0, "a")) == "[0].a"
    assert format_loc(()) == "(file)"
