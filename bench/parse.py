"""Parse-and-validate throughput of `articlectl validate` over generated files, as
whole processes, versus python-frontmatter plus a plain pydantic model of the same
fields (the baseline), and versus libyaml's parse alone (the floor)."""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "samples" / "000_1ad303c2d0458c2b.txt"

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
    example = EXAMPLE.read_text(encoding="utf-8")
    randomness = random.Random(3000)
    for number in range(count):
        text = example.replace("quality: 69", f"quality: {randomness.randint(0, 100)}")
        text = text.replace(
            'microsoft-facial-recognition-anyvision-divestment/"\nampWebUrl', f'story-{number}/"\nampWebUrl'
        )
        text = text.replace("Microsoft will no longer", f"Story {number}: Microsoft will no longer")
        if number % 20 == 7:
            text = text.replace("quality: ", "quality: 1", 1).replace("quality: 1", "quality: 10", 1)
            text = text.replace("heat: -1", "heat: -5")
        (folder / f"{number:05d}_generated.txt").write_text(text, encoding="utf-8")


def _timed(arguments: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(arguments, capture_output=True, text=True, cwd=ROOT)
    return time.perf_counter() - started, result.stdout


def measure(count: int = 3000, rounds: int = 3) -> dict[str, float | int | bool]:
    folder = Path(tempfile.mkdtemp())
    generate(folder, count)
    times: dict[str, list[float]] = {"ours": [], "baseline": [], "floor": []}
    for _ in range(rounds):  # alternate, then take medians: this machine's speed drifts
        elapsed, ours_out = _timed([sys.executable, "-m", "articlectl", "validate", "--json", "--quiet", str(folder)])
        times["ours"].append(elapsed)
        elapsed, baseline_out = _timed([sys.executable, "-c", BASELINE, str(folder)])
        times["baseline"].append(elapsed)
        times["floor"].append(_timed([sys.executable, "-c", FLOOR, str(folder)])[0])
    ours_time, baseline_time, floor_time = (statistics.median(times[name]) for name in ("ours", "baseline", "floor"))
    ours = {Path(item["path"]).name: item["valid"] for item in json.loads(ours_out)["files"]}
    baseline = json.loads(baseline_out)
    return {
        "files": count,
        "invalid": sum(not valid for valid in ours.values()),
        "ours_ms_per_file": ours_time / count * 1000,
        "baseline_ms_per_file": baseline_time / count * 1000,
        "floor_ms_per_file": floor_time / count * 1000,
        "speedup": baseline_time / ours_time,
        "same_verdicts": ours == baseline,
    }
