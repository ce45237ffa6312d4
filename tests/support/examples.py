"""How many examples a property test tries: all of them in `make test`, a tenth
under `make mutation`, which runs the tests again for each of thousands of
mutants (it sets EXAMPLE_SHARE=0.1)."""

from __future__ import annotations

import os

SHARE = float(os.environ.get("EXAMPLE_SHARE", "1"))


def examples(count: int) -> int:
    """`count` examples, scaled by the share (at least 10)."""
    return max(10, round(count * SHARE))
