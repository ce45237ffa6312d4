"""A realistic corpus of article files, generated so each test can compute its oracle.

Variety on purpose: several providers, topics, time zones, nulls, CRLF, BOM,
non-ASCII titles, Markdown bodies and unknown keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import yaml

EXAMPLE = Path(__file__).resolve().parent / "fixtures" / "000_1ad303c2d0458c2b.txt"

PROVIDERS = [
    ("Digital Trends", "digitaltrends.com"),
    ("TechCrunch", "techcrunch.com"),
    ("The Motley Fool", "fool.com"),
    ("Le Monde", "lemonde.fr"),
    ("Süddeutsche Zeitung", "sueddeutsche.de"),
]
TOPIC_SETS = [["AI", "Computer Vision"], ["AI"], ["Robotics", "ai"], ["Climate"], [], ["Climate", "Energy", "Policy"]]
TITLES = [
    "Microsoft will no longer invest in facial recognition technologies",
    "Les robots arrivent dans les entrepôts européens",
    "Künstliche Intelligenz: Was die neue Verordnung bedeutet",
    "東京で自動運転タクシーの試験運行が始まる",
    "Solar capacity doubled — and what that means for the grid",
    "“Quoted” title with emoji 🚀 and symbols: & < > ' \"",
]
# Languages and locales as real files write them; `enm` (Middle English) is not `en`.
LOCALES = ["en-GB", "en", "fr-FR", "en_US", "de", "EN-gb", "enm"]
OFFSETS = [UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5)), timezone(timedelta(hours=5, minutes=30))]


@dataclass
class CorpusFile:
    """One generated file: its key, its bytes, and what must be stored."""

    key: str
    data: bytes
    expected: dict[str, Any]
    body: str
    warnings: list[str] = field(default_factory=list)

    @property
    def article_id(self) -> str:
        return self.key.rsplit("/", 1)[-1].rsplit(".", 1)[0]


def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def render(fields: dict[str, Any], body: str, *, crlf: bool = False, bom: bool = False) -> bytes:
    text = "---\n" + yaml.safe_dump(fields, allow_unicode=True, sort_keys=False) + "---\n" + body
    if crlf:
        text = text.replace("\n", "\r\n")
    data = text.encode("utf-8")
    return b"\xef\xbb\xbf" + data if bom else data


def article_file(index: int, *, day_offset: int | None = None) -> CorpusFile:
    """The index-th article of the corpus; deterministic."""
    name, domain = PROVIDERS[index % len(PROVIDERS)]
    zone = OFFSETS[index % len(OFFSETS)]
    published = datetime(2020, 3, 1, 8, 0, tzinfo=UTC) + timedelta(
        hours=(day_offset if day_offset is not None else index) * 7
    )
    # Two articles share a timestamp so ties by id are exercised.
    if index % 10 == 3:
        published = datetime(2020, 3, 1, 8, 0, tzinfo=UTC) + timedelta(hours=(index - 1) * 7)
    topics = TOPIC_SETS[index % len(TOPIC_SETS)]
    fields: dict[str, Any] = {
        "title": f"  {TITLES[index % len(TITLES)]} #{index}  ",
        "webUrl": f"https://www.{domain}/news/{index}-story",
        "publishedDateTime": published.astimezone(zone).isoformat(),
        "excerpt": f"Excerpt of story {index}, with a comma, and “quotes”.",
        "category": "news" if index % 3 else "analysis",
        "type": "video" if index % 5 == 4 else "article",
        "locale": LOCALES[index % len(LOCALES)],
        "quality": (index * 7) % 101,
        "heat": (index % 5) - 1,
        "published": index % 2 == 0,
        "provider": {
            "name": name,
            "domain": domain,
            "images": [{"url": f"https://img.{domain}/logo.png", "width": 50, "height": 50}],
        },
        "topics": topics,
    }
    expected = dict(fields)
    expected["title"] = fields["title"].strip()
    expected["publishedDateTime"] = utc_text(published)
    warnings: list[str] = []
    if index % 4 == 1:
        fields["updatedDateTime"] = None
        fields["locale"] = None
        expected.update(updatedDateTime=None, locale=None)
    if index % 6 == 2:
        fields["tags"] = [" markets ", "markets", "", "europe"]
        expected["tags"] = ["markets", "europe"]
    if index % 7 == 4:
        fields["sponsoredBy"] = {"name": "ACME", "until": "2021-01-01"}
        expected["sponsoredBy"] = fields["sponsoredBy"]
        warnings.append("sponsoredBy")
    if index % 8 == 5:
        del fields["quality"], expected["quality"]
        del fields["published"], expected["published"]
        fields["related"] = [
            {
                "title": f"Related to {index}",
                "webUrl": f"https://related.example.org/{index}",
                "publishedDateTime": "2020-03-30T19:07:00Z",
                "provider": {"name": "Example", "domain": "example.org"},
            }
        ]
        expected["related"] = fields["related"]
    if index % 9 == 7:
        fields["publishedDateTime"] = published.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S")
        expected["publishedDateTime"] = published.replace(tzinfo=None).strftime("%Y-%m-%dT%H:%M:%SZ")
        warnings.append("publishedDateTime")
    if not topics:
        del fields["topics"], expected["topics"]
    fields["secured"] = f"opaque-{index}=="
    body = f"# Story {index}\n\nSome *Markdown* body with ünïcödé.\n\n- point one\n- point two\n" if index % 5 else ""
    folder = "" if index % 11 == 0 else f"articles/2020/{index % 3}/"
    extension = [".md", ".txt", ".markdown", ".MD"][index % 4]
    return CorpusFile(
        key=f"{folder}story_{index:03d}{extension}",
        data=render(fields, body, crlf=index % 4 == 2, bom=index % 6 == 1),
        expected=expected,
        body=body,
        warnings=warnings,
    )


def corpus(size: int = 36) -> list[CorpusFile]:
    """The standard corpus: `size` valid, varied articles with distinct ids and URLs."""
    return [article_file(index) for index in range(size)]
