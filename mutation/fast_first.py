"""pytest plugin of `make mutation`: a mutant's tests run cheapest module first, each module's together.

mutmut hands each mutant the tests that reach its function as a set, in no
order, and pytest runs them as given: tests of twenty modules interleaved set
up each module's fixtures (a search corpus, a loaded table) again at every
switch — the clean run of 308 tests took over 15 minutes instead of two. Here
each module's tests run together, in the order they are written, and the
modules cheapest first (by mutmut's durations, `mutmut-stats.json`): mutmut
stops at the first failure (`-x`), so a killed mutant is found early. The
order changes the time, never a verdict.

mutmut learns which tests reach a function by what runs during each test, set
up included: what a module-scoped fixture does (ingest a corpus once, then
query it) is credited to the module's first test alone, so a mutant of ingest
would meet only that test, not the ones that check what it stored. A mutant
given any test of such a module gets the whole module.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

_durations: dict[str, float] | None = None
_SHARED_FIXTURE = re.compile(r"@pytest\.fixture\(scope=\"(module|package|session)\"")


def pytest_load_initial_conftests(early_config: Any, parser: Any, args: list[str]) -> None:
    """Widen the tests given (node ids) of modules with a shared fixture to the whole module."""
    widened: list[str] = []
    for arg in args:
        path, separator, _ = arg.partition("::")
        if separator and _shares_fixtures(path):
            if path in widened:
                continue
            arg = path
        widened.append(arg)
    args[:] = widened


def _shares_fixtures(path: str) -> bool:
    file = Path(path)
    return file.suffix == ".py" and file.exists() and bool(_SHARED_FIXTURE.search(file.read_text()))


def pytest_collection_modifyitems(items: list[Any]) -> None:
    global _durations  # read once, in the process mutmut forks each mutant from
    stats = Path("mutmut-stats.json")
    if _durations is None and stats.exists():
        _durations = json.loads(stats.read_text())["duration_by_test"]
    durations = _durations or {}
    cost: dict[str, float] = {}
    for item in items:
        cost[item.location[0]] = cost.get(item.location[0], 0.0) + durations.get(item.nodeid, 0.0)
    items.sort(key=lambda item: (cost[item.location[0]], item.location[0], item.location[1]))
