"""Parse-and-validate throughput of `articlectl validate` over generated files, as
whole processes, versus python-frontmatter plus a plain pydantic model of the same
fields (the baseline), and versus libyaml's parse alone (the floor). The wall
time is what a user waits (validate uses a worker per CPU); the CPU time, all
workers included, is what the work costs."""

from __future__ import annotations

import compileall
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import ROOT, example_copy

BASELINE = """
import sys, json, pathlib
from typing import Optional
from datetime import datetime
import frontmatter
from pydantic import BaseModel, Field, HttpUrl, ValidationError
class Provider(BaseModel):
    name: Optional[str] = None
    domain: Optional[str] = None
class Related(BaseModel):
    title: str
    webUrl: HttpUrl
class Article(BaseModel):
    title: str = Field(min_length=1, max_length=1000)
    webUrl: HttpUrl
    publishedDateTime: datetime
    quality: Optional[int] = Field(None, ge=0, le=100)
    heat: Optional[int] = Field(None, ge=-1)
    topics: Optional[list[str]] = None
    provider: Optional[Provider] = None
    related: Optional[list[Related]] = Field(None, max_length=100)
verdicts = {}
for path in sorted(pathlib.Path(sys.argv[1]).iterdir()):
    try:
        Article.model_validate(frontmatter.load(str(path)).metadata)
        verdicts[path.name] = True
    except (ValidationError, ValueError):
        verdicts[path.name] = False
print(json.dumps(verdicts))
"""

FLOOR = """
import sys, pathlib, yaml
for path in sorted(pathlib.Path(sys.argv[1]).iterdir()):
    text = path.read_text(encoding="utf-8")
    yaml.load(text.split("\\n---\\n", 1)[0][4:], Loader=yaml.CSafeLoader)
"""


def generate(folder: Path, count: int) -> None:
    """Files the size of the example; about 1 in 20 invalid (quality out of range or a bad URL)."""
    randomness = random.Random(3000)
    for number in range(count):
        text = example_copy(f"story-{number}")
        text = text.replace("quality: 69", f"quality: {randomness.randint(0, 100)}")
        text = text.replace("Microsoft will no longer", f"Story {number}: Microsoft will no longer")
        if number % 20 == 7:
            text = text.replace("quality: ", "quality: 1", 1).replace("quality: 1", "quality: 10", 1)
            text = text.replace("heat: -1", "heat: -5")
        (folder / f"{number:05d}_generated.txt").write_text(text, encoding="utf-8")


def _timed(arguments: list[str]) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (all the process's workers included) and stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(arguments, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, result.stdout


def measure(count: int = 3000, rounds: int = 5) -> dict[str, float | int | bool]:
    """Per-file wall time of each process (medians), and our speed against the
    baseline as the median of the rounds' ratios (the three run back to back in
    each round, so a ratio compares runs made under the same machine load)."""
    folder = Path(tempfile.mkdtemp())
    generate(folder, count)
    # The baseline's libraries come with their bytecode (pip compiles them); ours
    # would be compiled again by every run where PYTHONDONTWRITEBYTECODE is set
    # (as on the development machines), which no user's second run pays.
    for package in (ROOT / "articlectl", ROOT / "shared" / "article_feed"):
        compileall.compile_dir(package, quiet=1)
    runs: dict[str, list[tuple[float, float]]] = {"ours": [], "baseline": [], "floor": []}
    for _ in range(rounds):
        wall, cpu, ours_out = _timed([sys.executable, "-m", "articlectl", "validate", "--json", "--quiet", str(folder)])
        runs["ours"].append((wall, cpu))
        wall, cpu, baseline_out = _timed([sys.executable, "-c", BASELINE, str(folder)])
        runs["baseline"].append((wall, cpu))
        wall, cpu, _ = _timed([sys.executable, "-c", FLOOR, str(folder)])
        runs["floor"].append((wall, cpu))
    ours = {Path(item["path"]).name: item["valid"] for item in json.loads(ours_out)["files"]}
    baseline = json.loads(baseline_out)

    def per_file(name: str, moment: int) -> float:
        return statistics.median(run[moment] for run in runs[name]) / count * 1000

    def speed(name: str, moment: int) -> float:
        return statistics.median(b[moment] / o[moment] for b, o in zip(runs[name], runs["ours"], strict=True))

    return {
        "files": count,
        "invalid": sum(not valid for valid in ours.values()),
        "workers": len(os.sched_getaffinity(0)),
        "ours_ms_per_file": per_file("ours", 0),
        "baseline_ms_per_file": per_file("baseline", 0),
        "floor_ms_per_file": per_file("floor", 0),
        "ours_cpu_ms_per_file": per_file("ours", 1),
        "baseline_cpu_ms_per_file": per_file("baseline", 1),
        "speedup": speed("baseline", 0),
        "cpu_speedup": speed("baseline", 1),
        "floor_speedup": speed("floor", 0),
        "same_verdicts": ours == baseline,
    }
