"""`make mutation`: plant small bugs (mutants) in the core and count those the tests catch.

mutmut 3 mutates one copy of the code and runs, for each mutant, only the tests
that reach the mutated function. It expects the code under `src/` and the tests
importing it by its package name; our layout (the layer in shared/, the handler
packages in functions/) is staged as such in `.mutation/TIER/` (git-ignored). The
results are kept in mutation/results.json (committed), so that a run, even in a
fresh clone, only redoes what changed: the whole core takes hours on two cores.

Each module is judged by the tests of its tier (TIERS): the domain, parsing and
the use cases by the unit tests, which run them on fakes of their ports in
milliseconds; the adapters and the handlers by the unit and integration tests,
under moto, at seconds per mutant. The property tests try a tenth of their
examples (EXAMPLE_SHARE, tests/support/examples.py): they run once per mutant.

    python -m mutation            mutants of the core modules changed since main
    python -m mutation --all      the whole core: what has no result yet, then earlier survivors
                                  (docs/reliability.md has the time of a run from scratch)
    python -m mutation --all --tier integration   the same for one tier
    python -m mutation --jobs 1 …                 one mutant at a time (default: 2, the cores here)
    python -m mutation MODULE…    these modules (e.g. article_feed.domain.identity)
    python -m mutation --survivors [--tier T]     only the earlier survivors (after adding tests)
    python -m mutation --report   the results (mutation/results.json), without running

The report counts, per module, killed / survived / equivalent (listed with
their reason in docs/reliability.md, "Mutation testing") / other (no test
reaches it, timeouts); the score is killed / (killed + survived), the goal 85 %.
"""

from __future__ import annotations

import argparse
import filecmp
import fnmatch
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator

ROOT = Path(__file__).resolve().parent.parent
STAGES = ROOT / ".mutation"
# The core: the domain package (the layer) and the handler packages.
PACKAGES = {
    "article_feed": "shared/article_feed",
    "api_function": "functions/api/api_function",
    "ingest_function": "functions/ingest/ingest_function",
    "stream_function": "functions/stream/stream_function",
}
ALSO_COPY = ["articlectl", "events", "samples", "template.yaml", ".pre-commit-hooks.yaml"]
# Tests that run code in another process (mutants are invisible there) or start the local stack.
LEFT_OUT = ["tests/e2e", "tests/unit/test_handler_imports.py", "tests/unit/test_deployment_package.py"]
# Tests that run a command in another folder, where mutated code cannot find mutmut's settings;
# and the scale tests (a 500-upload burst, 1,000-article budgets, generated round trips through
# the API), a minute or more of each surviving mutant's time for what smaller tests also check.
DESELECTED = [
    "tests/integration/test_cli.py::test_the_pre_commit_hook_checks_a_content_repository",
    "tests/integration/test_convergence.py::test_burst_of_500_uploads_with_duplicates_and_reordering_converges",
    "tests/integration/test_api_cost.py::test_lists_query_and_read_about_limit_items[1000]",
    "tests/integration/test_api_cost.py::test_a_rare_match_over_several_lists_walks_short_pages_to_exactly_the_matches",
    "tests/integration/test_api_cost.py::test_a_search_page_reads_within_its_budget_at_1000_articles",
    "tests/integration/test_round_trip_properties.py",
]
GOAL = 0.85


@dataclass(frozen=True)
class Tier:
    """Modules (as paths under src/, globs allowed) and the tests that may kill their mutants."""

    tests: tuple[str, ...]
    sources: tuple[str, ...]

    def holds(self, module: str) -> bool:
        path = "src/" + module.replace(".", "/")
        return any(
            fnmatch.fnmatch(candidate, pattern)
            for pattern in self.sources
            for candidate in (path + ".py", path + "/__init__.py")
        )


TIERS = {
    "unit": Tier(
        ("tests/unit",),
        (
            "src/article_feed/domain/*",
            "src/article_feed/parsing/*",
            "src/article_feed/ingest.py",
            "src/article_feed/query.py",
            "src/article_feed/changes.py",
        ),
    ),
    "integration": Tier(
        ("tests/unit", "tests/integration"),
        (
            "src/article_feed/__init__.py",
            "src/article_feed/aws_clients.py",
            "src/article_feed/dynamo/*",
            "src/article_feed/s3.py",
            "src/article_feed/eventbridge.py",
            "src/api_function/*",
            "src/ingest_function/*",
            "src/stream_function/*",
        ),
    ),
}
EQUIVALENTS = ROOT / "docs" / "reliability.md"
# Every result so far, committed: a fresh clone resumes from it (the integration tier takes
# hours, more than one sitting). mutmut keeps a result while its function's source is unchanged.
LEDGER = ROOT / "mutation" / "results.json"


def main() -> int:
    parser = argparse.ArgumentParser(prog="make mutation", description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="dotted module names (default: those changed since main)")
    parser.add_argument("--all", action="store_true", help="the whole core")
    parser.add_argument("--report", action="store_true", help="only print the last results")
    parser.add_argument("--survivors", action="store_true", help="only try the earlier survivors again")
    parser.add_argument("--tier", choices=TIERS, help="only this tier's modules")
    parser.add_argument("--jobs", type=int, default=2, help="mutants run at once (default: 2)")
    parser.add_argument("--base", default="main", help="the branch changes are counted from (default: main)")
    options = parser.parse_args()

    if not options.report:
        whole = options.all or options.survivors
        modules = _core_modules() if whole else options.modules or _changed_modules(options.base)
        if not modules:
            print(f"No core module changed since {options.base}: nothing to mutate (--all for the whole core).")
            return 0
        started = time.monotonic()
        print(f"Mutating {len(modules)} module(s): {', '.join(modules)}", flush=True)
        code = 0
        for name, tier in TIERS.items():
            chosen = [module for module in modules if tier.holds(module) and options.tier in (None, name)]
            if not chosen or code:
                continue
            stage = _stage(name, tier)
            print(f"{name} tier ({', '.join(tier.tests)}): {len(chosen)} module(s)", flush=True)
            if options.survivors:
                survivors = _survivors(stage)  # none: nothing to run (an empty list means all)
                code = _mutmut(stage, survivors, options.jobs) if survivors else 0
            elif options.all:
                # The whole tier resumes: mutmut keeps every result and only tries the mutants
                # it has none for (new, or of a file that changed); then the survivors of
                # earlier runs are tried again, since the tests may have changed since.
                earlier_survivors = _survivors(stage)
                code = _mutmut(stage, [], options.jobs)
                if code == 0 and earlier_survivors:
                    print(f"Trying the {len(earlier_survivors)} earlier survivors again", flush=True)
                    code = _mutmut(stage, earlier_survivors, options.jobs)
            else:
                code = _mutmut(stage, [f"{module}.*" for module in chosen], options.jobs)
        print(f"mutmut finished in {time.monotonic() - started:.0f} s (exit {code})")
        _record()
        return code or _report(modules)
    _record()  # results of a run that was stopped
    return _report(options.modules or None)


def _mutmut(stage: Path, names: list[str], jobs: int) -> int:
    """`mutmut run` in the staged copy: every mutant without a result, or these (patterns allowed)."""
    # Tests that start `python -m articlectl` find the mutated packages too. The folders
    # must exist before Python starts: it remembers a missing sys.path entry as empty.
    path = os.pathsep.join(str(stage / "mutants" / folder) for folder in ("src", "."))
    (stage / "mutants" / "src").mkdir(parents=True, exist_ok=True)
    return subprocess.run(
        [sys.executable, "-m", "mutmut", "run", "--max-children", str(jobs), *names],
        cwd=stage,
        env=os.environ | {"PYTHONPATH": path, "POWERTOOLS_LOG_LEVEL": "CRITICAL", "EXAMPLE_SHARE": "0.1"},
        check=False,
    ).returncode


def _results(stage: Path | None = None) -> dict[str, dict[str, int | None]]:
    """mutmut's exit code for each mutant, by module: of one tier's stage, or (None) of the ledger."""
    if stage is None:
        return {
            _module_at(Path(path)): entry["results"] for files in _ledger().values() for path, entry in files.items()
        }
    return {_module_at(relative): data["exit_code_by_key"] for relative, data in _stage_metas(stage)}


def _stage_metas(stage: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    """mutmut's data of each source file of the stage's own tier (path under src/, data)."""
    for meta in sorted((stage / "mutants" / "src").rglob("*.py.meta")):
        relative = meta.relative_to(stage / "mutants" / "src").with_suffix("")
        if _tier_of(_module_at(relative)) == stage.name:
            yield relative, json.loads(meta.read_text())


def _ledger() -> dict[str, dict[str, dict]]:
    """{tier: {path under src/: {"source": sha256, "functions": {name: hash}, "results": {mutant: code}}}}."""
    return json.loads(LEDGER.read_text()) if LEDGER.exists() else {}


def _record() -> None:
    """Copy the stages' results into the ledger (null: not run yet), with the functions' hashes."""
    ledger = _ledger()
    for name in TIERS:
        source_root = STAGES / name / "src"
        for relative, data in _stage_metas(STAGES / name):
            if (source_root / relative).exists():
                ledger.setdefault(name, {})[relative.as_posix()] = {
                    "source": _sha256(source_root / relative),
                    "functions": dict(sorted(data["hash_by_function_name"].items())),
                    "results": dict(sorted(data["exit_code_by_key"].items())),
                }
    LEDGER.write_text(json.dumps(ledger, indent=1, sort_keys=True, ensure_ascii=False) + "\n")


def _seed(stage: Path, tier_name: str) -> None:
    """Give mutmut the ledger's results where the stage has none (a fresh clone): it keeps
    those of functions whose source is unchanged and makes the others' mutants anew."""
    for path, entry in _ledger().get(tier_name, {}).items():
        meta = stage / "mutants" / "src" / f"{path}.meta"
        if meta.exists():
            continue
        meta.parent.mkdir(parents=True, exist_ok=True)
        meta.write_text(
            json.dumps(
                {
                    "exit_code_by_key": entry["results"],
                    "hash_by_function_name": entry["functions"],
                    "type_check_error_by_key": {},
                    "durations_by_key": {},
                    "estimated_durations_by_key": {},
                }
            )
        )


def _changed_since_measured() -> list[str]:
    """Modules whose source differs from the one their results in the ledger were measured on."""
    changed = []
    for files in _ledger().values():
        for path, entry in files.items():
            package, _, rest = path.partition("/")
            source = ROOT / PACKAGES[package] / rest
            if not source.exists() or _sha256(source) != entry["source"]:
                changed.append(_module_at(Path(path)))
    return sorted(changed)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _module_at(relative: Path) -> str:
    """The module a source file under src/ holds: `article_feed/domain/__init__.py` → `article_feed.domain`."""
    return ".".join(relative.with_suffix("").parts).removesuffix(".__init__")


def _tier_of(module: str) -> str | None:
    return next((name for name, tier in TIERS.items() if tier.holds(module)), None)


def _survivors(stage: Path) -> list[str]:
    equivalents = _equivalents()
    return [
        name
        for codes in _results(stage).values()
        for name, code in codes.items()
        if code == 0 and name not in equivalents
    ]


def _core_modules() -> list[str]:
    modules = []
    for package, folder in PACKAGES.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT / folder).with_suffix("")
            parts = [package, *relative.parts]
            if parts[-1] == "__init__":
                parts.pop()
            modules.append(".".join(parts))
    return modules


def _module_of(path: str) -> str | None:
    for package, folder in PACKAGES.items():
        if path.startswith(folder + "/") and path.endswith(".py"):
            parts = [package, *Path(path[len(folder) + 1 :]).with_suffix("").parts]
            return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
    return None


def _changed_modules(base: str) -> list[str]:
    """Core modules that differ from the base branch, committed or not."""
    changed = subprocess.run(
        ["git", "diff", "--name-only", base, "--", *PACKAGES.values()],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    untracked = subprocess.run(
        ["git", "ls-files", "--others", "--exclude-standard", "--", *PACKAGES.values()],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return sorted({module for path in changed + untracked if (module := _module_of(path)) and (ROOT / path).exists()})


def _stage(tier_name: str, tier: Tier) -> Path:
    """The layout mutmut expects, for one tier: the packages under src/, tests and their data beside them.

    A source file that changed since the last run is copied again and its
    mutants dropped, so mutmut makes them anew (keeping the results of its
    unchanged functions); the ledger's results seed a stage that has none.
    """
    stage = STAGES / tier_name
    for package, folder in PACKAGES.items():
        for path in (ROOT / folder).rglob("*.py"):
            relative = Path("src") / package / path.relative_to(ROOT / folder)
            staged = stage / relative
            other_tier = not tier.holds(_module_at(relative.relative_to("src")))
            if other_tier and (stage / "mutants" / f"{relative}.meta").exists():
                staged.unlink(missing_ok=True)  # mutated before this tier existed: made a plain copy again
            if staged.exists() and filecmp.cmp(path, staged, shallow=False):
                continue
            staged.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, staged)
            # mutmut makes its mutants anew, keeping the results of the functions that did not change.
            (stage / "mutants" / relative).unlink(missing_ok=True)
    tests = stage / "tests"
    if tests.exists():
        shutil.rmtree(tests)
    shutil.copytree(ROOT / "tests", tests, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "mutation" / "fast_first.py", stage / "fast_first.py")
    for name in ALSO_COPY:
        source, target = ROOT / name, stage / name
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target)
    selection = ", ".join(f'"{path}"' for path in tier.tests)
    ignored = ", ".join(
        [
            '"-p", "fast_first"',
            *(f'"--ignore={path}"' for path in LEFT_OUT),
            *(f'"--deselect={t}"' for t in DESELECTED),
        ]
    )
    settings = f"""[tool.pytest.ini_options]
pythonpath = [".", "src"]
addopts = "-p no:cacheprovider --hypothesis-seed=0"
filterwarnings = ["ignore:No application metrics to publish:UserWarning", "ignore::DeprecationWarning"]
markers = ["e2e: starts the local stack as a subprocess"]

[tool.mutmut]
source_paths = ["src"]
only_mutate = [{", ".join(f'"{pattern}"' for pattern in tier.sources)}]
also_copy = [{", ".join(f'"{name}"' for name in [*ALSO_COPY, "fast_first.py"])}]
pytest_add_cli_args_test_selection = [{selection}]
pytest_add_cli_args = [{ignored}]
"""
    (stage / "pyproject.toml").write_text(settings)
    # mutmut re-learns which functions a test reaches only for tests it has not seen, and
    # drops every result when pytest's options change. When the tests or the options
    # changed, the stats are dropped instead: all of it is learnt again (minutes), and
    # the results stay: fast_first changes no verdict; after leaving out more tests
    # (DESELECTED), remove the stage and the tier's entries in the ledger.
    tests_hash = _hash_of(tests) + hashlib.sha256(settings.encode()).hexdigest()
    seen = stage / "tests.sha256"
    if not seen.exists() or seen.read_text() != tests_hash:
        (stage / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)
        seen.write_text(tests_hash)
    _seed(stage, tier_name)
    return stage


def _hash_of(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*.py")):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _equivalents() -> dict[str, str]:
    """Mutants judged equivalent, with the reason: rows `| module | `mutant name` | why |` of docs/reliability.md."""
    found = {}
    for line in EQUIVALENTS.read_text().splitlines():
        match = re.match(r"\|\s*`?[\w.]+`?\s*\|\s*`([\w.]+__mutmut_\d+)`\s*\|\s*(.+?)\s*\|$", line)
        if match:
            found[match[1]] = match[2]
    return found


def _report(modules: list[str] | None) -> int:
    equivalents = _equivalents()
    by_module: dict[str, Counter[str]] = {}
    survivors: list[str] = []
    for module, codes in _results().items():
        if modules and module not in modules:
            continue
        counts = by_module.setdefault(module, Counter())
        for name, code in codes.items():
            if code in (1, 3, 37):
                counts["killed"] += 1
            elif code == 0 and name in equivalents:
                counts["equivalent"] += 1
            elif code == 0:
                counts["survived"] += 1
                survivors.append(f"{name}  ({_tier_of(module)})")
            elif code is None:
                counts["not run"] += 1
            else:
                counts["other"] += 1
    if not by_module:
        print("No results yet: run `make mutation` first.")
        return 1
    print(f"{'module':<44} {'killed':>7} {'survived':>9} {'equivalent':>11} {'other':>6} {'score':>7}")
    below = []
    for module, counts in sorted(by_module.items()):
        if not sum(counts.values()):
            continue  # nothing to mutate (only declarations)
        tested = counts["killed"] + counts["survived"]
        if tested and counts["killed"] / tested < GOAL:
            below.append(module)
        score = f"{counts['killed'] / tested:.0%}" if tested else "not run"
        print(
            f"{module:<44} {counts['killed']:>7} {counts['survived']:>9} {counts['equivalent']:>11} "
            f"{counts['other'] + counts['not run']:>6} {score:>7}"
        )
    total = sum(by_module.values(), Counter())
    print(
        f"{'all':<44} {total['killed']:>7} {total['survived']:>9} {total['equivalent']:>11} "
        f"{total['other'] + total['not run']:>6} {total['killed'] / max(1, total['killed'] + total['survived']):>7.0%}"
    )
    if survivors:
        print(f"\nSurvivors ({len(survivors)}; `cd .mutation/TIER && ../../.venv/bin/mutmut show NAME` shows one):")
        for name in survivors:
            print(f"  {name}")
    changed = [module for module in _changed_since_measured() if module in by_module]
    if changed:
        print(f"\nChanged since these results (a run brings them up to date): {', '.join(changed)}")
    if below:
        print(f"\nBelow the {GOAL:.0%} goal: {', '.join(below)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
