"""`articlectl validate`: check article files before upload, as ingest would.

It runs the ingest function's own parsing and validation (and its id rule), so
a file that passes here is accepted after upload unless it conflicts with an
article already stored. Large folders are checked by one worker process per
CPU (parsing is CPU-bound, so threads would not help); the report keeps the
files' order either way.
"""

from __future__ import annotations

import json
import os
import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from article_feed.domain.diagnostics import Diagnostic
from article_feed.domain.identity import is_article_key
from article_feed.parsing import DEFAULT_MAX_BYTES, FILE_LOC, ParsedFile
from article_feed.parsing.checks import check_article
from article_feed.parsing.rejection import too_large

if TYPE_CHECKING:
    from collections.abc import Iterator
    from concurrent.futures import ProcessPoolExecutor

# Below this many files, starting workers costs more than it saves.
PARALLEL_FROM = 200


def article_files(paths: list[str]) -> list[Path]:
    """The article files named, or found under the folders named, in order."""
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and is_article_key(p.name)))
        else:
            found.append(path)
    return found


def check_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> ParsedFile:
    """Errors and warnings for one file, exactly as the ingest function finds them."""
    try:
        size = path.stat().st_size
        if size > max_bytes:  # never read past the limit, as ingest (which knows the size from the event)
            return ParsedFile(errors=[too_large(max_bytes, size)])
        data = path.read_bytes()
    except OSError as error:
        return ParsedFile(errors=[Diagnostic(loc=FILE_LOC, msg=f"cannot read the file: {error.strerror}")])
    parsed = check_article(path.name, data, max_bytes=max_bytes)
    parsed.article = None  # not needed by the report, and cheaper to send back from a worker
    return parsed


def default_jobs() -> int:
    """The CPUs this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def checked_files(files: list[Path], max_bytes: int, jobs: int) -> Iterator[tuple[Path, ParsedFile]]:
    """Each file with its errors and warnings, in order; in `jobs` processes when it pays."""
    workers = _worker_pool(jobs) if jobs > 1 and len(files) >= PARALLEL_FROM else None
    if workers is None:
        for path in files:
            yield path, check_file(path, max_bytes)
        return
    with workers:
        chunk = max(1, len(files) // (jobs * 8))
        results = workers.map(partial(check_file, max_bytes=max_bytes), files, chunksize=chunk)
        yield from zip(files, results, strict=True)


def _worker_pool(jobs: int) -> ProcessPoolExecutor | None:
    """`jobs` worker processes, or None where they cannot start (no semaphores in some sandboxes)."""
    from concurrent.futures import ProcessPoolExecutor  # ≈ 20 ms of imports, only when it pays

    try:
        return ProcessPoolExecutor(max_workers=jobs)
    except (OSError, NotImplementedError):
        return None


FORMATS = ("text", "github", "json")


def github_annotation(kind: str, path: str, diagnostic: Diagnostic | None, message: str | None = None) -> str:
    """One GitHub Actions workflow command (`::error file=…,line=…,col=…,title=…::…`).

    Escaped as the runner expects: `%`, CR and LF in the message; also `:` and
    `,` in the properties (https://github.com/actions/toolkit, command.ts).
    """
    properties = {"file": path}
    if diagnostic is not None:
        if diagnostic.line is not None:
            properties["line"] = str(diagnostic.line)
            if diagnostic.column is not None:
                properties["col"] = str(diagnostic.column)
        properties["title"] = diagnostic.loc
        message = diagnostic.msg + (f" (value: {diagnostic.value})" if diagnostic.value is not None else "")
    listed = ",".join(f"{name}={_escape(value, properties=True)}" for name, value in properties.items())
    return f"::{kind} {listed}::{_escape(message or '')}"


def _escape(text: str, *, properties: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if properties else text


def _print_text(path: Path, checked: ParsedFile, quiet: bool) -> None:
    for error in checked.errors:
        print(error.as_text(str(path)))
    if checked.error_total > len(checked.errors):
        print(f"{path}: … and {checked.error_total - len(checked.errors)} more error(s)")
    if not quiet:
        for warning in checked.warnings:
            print(f"{warning.as_text(str(path))} (warning)")
        if checked.warning_total > len(checked.warnings):
            print(f"{path}: … and {checked.warning_total - len(checked.warnings)} more warning(s)")


def _print_github(path: Path, checked: ParsedFile, quiet: bool) -> None:
    for error in checked.errors:
        print(github_annotation("error", str(path), error))
    if checked.error_total > len(checked.errors):
        more = checked.error_total - len(checked.errors)
        print(github_annotation("error", str(path), None, f"… and {more} more error(s)"))
    if not quiet:
        for warning in checked.warnings:
            print(github_annotation("warning", str(path), warning))
        if checked.warning_total > len(checked.warnings):
            more = checked.warning_total - len(checked.warnings)
            print(github_annotation("warning", str(path), None, f"… and {more} more warning(s)"))


def run(paths: list[str], *, output: str, max_bytes: int, quiet: bool, jobs: int = 1) -> int:
    """Check every file; print a report in `output` (text, github, json); 1 if any file is invalid, else 0."""
    files = article_files(paths)
    report: list[dict[str, Any]] = []
    invalid = 0
    for path, checked in checked_files(files, max_bytes, jobs):
        errors, warnings = checked.errors, checked.warnings
        invalid += bool(errors)
        report.append(
            {
                "path": str(path),
                "valid": not errors,
                "errors": [error.model_dump(exclude_none=True) for error in errors],
                "warnings": [warning.model_dump(exclude_none=True) for warning in warnings],
                "errorCount": checked.error_total,
                "warningCount": checked.warning_total,
            }
        )
        if output == "text":
            _print_text(path, checked, quiet)
        elif output == "github":
            _print_github(path, checked, quiet)
    if output == "json":
        print(json.dumps({"files": report, "checked": len(files), "invalid": invalid}, ensure_ascii=False, indent=2))
    else:
        print(f"{len(files)} file(s) checked, {invalid} invalid", file=sys.stderr)
    return 1 if invalid or not files else 0
