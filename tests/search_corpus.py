"""A corpus for search: the list corpus's articles (providers, topics, locales,
qualities, dates) with searchable text chosen so that every rule of the SPEC's
"Search" section has articles on both sides: plurals and singulars, accents,
Japanese, phrases and their words apart, words only in a topic, a tag or a
provider's name, and stopwords."""

from __future__ import annotations

from typing import Any

import yaml

from tests.corpus import CorpusFile, article_file, render

TITLES = [
    "Grid-scale batteries reach record capacity",
    "A new battery chemistry for electric cars",
    "Warehouse robots learn to pick fragile parcels",
    "The robot that sorts recycling in Zürich",
    "Résumé screening by AI draws criticism",
    "Why your resume needs fewer buzzwords",
    "量子誤り訂正の新しい手法が発表された",
    "東京で自動運転タクシーの試験運行が始まる",
    "Supply chain delays ease for chip makers",
    "Chain reactions: the supply of lithium",
    "Café culture meets naïve robotics startups",
    "Cities plan offshore wind farms",
    "Zurich's city hall buys a quantum computer",
]
EXCERPTS = [
    "Engineers say the batteries store energy for four hours.",
    "The supply chain for cobalt remains fragile.",
    "Robots and humans share the floor.",
    "量子コンピュータの研究が進む。",
    "A city council approved the plan.",
    "Error correction is the next milestone for quantum computing.",
    "Experts were cautious.",
]
TOPICS = [["Energy", "Batteries"], ["Robotics"], ["AI", "Hiring"], ["Quantum"], ["Geothermal"], []]
TAGS: list[list[str] | None] = [["offshore", "wind power"], None, ["electric vehicles"], None, ["supply", "chain"]]


def search_file(index: int) -> CorpusFile:
    """The index-th article of the list corpus with this corpus's searchable text."""
    base = article_file(index)
    text = base.data.decode("utf-8-sig").replace("\r\n", "\n")
    _, front, body = text.split("---\n", 2)
    fields: dict[str, Any] = yaml.safe_load(front)
    fields["title"] = TITLES[index % len(TITLES)]
    fields["excerpt"] = EXCERPTS[index % len(EXCERPTS)]
    topics = TOPICS[index % len(TOPICS)]
    fields.pop("topics", None)
    if topics:
        fields["topics"] = topics
    tags = TAGS[index % len(TAGS)]
    fields.pop("tags", None)
    if tags:
        fields["tags"] = tags
    expected = dict(base.expected)
    expected.update(title=fields["title"], excerpt=fields["excerpt"])
    expected.pop("topics", None)
    expected.pop("tags", None)
    expected.update({name: fields[name] for name in ("topics", "tags") if name in fields})
    return CorpusFile(key=base.key, data=render(fields, body), expected=expected, body=body, warnings=base.warnings)


def search_corpus(size: int = 48) -> list[CorpusFile]:
    return [search_file(index) for index in range(size)]
