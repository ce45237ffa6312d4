"""`q` through the HTTP API, compared with an oracle written from the SPEC's rules
("Search"), on a corpus ingested and indexed the way the product does it: the
ingest handler, then the table's stream handed to the stream function."""

from __future__ import annotations

import re
import unicodedata

import pytest
import snowballstemmer

from article_feed.domain.analysis import STOPWORDS
from tests.search_corpus import search_corpus
from tests.support.api import corpus_api, walk_pages

CORPUS = search_corpus()
_STEM = snowballstemmer.stemmer("english")
_CJK_WORD = re.compile(r"^[\u3040-\u30ff\u4e00-\u9fff]+$")


# The oracle: the SPEC's sentences, one by one, on each article's fields.
def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", text).casefold())
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def words(text: str) -> list[str]:
    return [_STEM.stemWord(word) for word in re.findall(r"[^\W_]+", fold(text)) if word not in STOPWORDS]


def fields_of(expected: dict) -> list[str]:
    provider = expected.get("provider") or {}
    return [expected["title"], expected["excerpt"], *expected.get("topics", []), *expected.get("tags", []),
            provider.get("name", "")]  # fmt: skip


def occurs(item: str, expected: dict) -> bool:
    """A word anywhere; a phrase's words consecutively in one field; CJK as a substring."""
    if _CJK_WORD.match(item):
        return any(item in fold(field) for field in fields_of(expected))
    wanted = words(item)
    for field in fields_of(expected):
        terms = words(field)
        if any(terms[start : start + len(wanted)] == wanted for start in range(len(terms) - len(wanted) + 1)):
            return True
    return False


def oracle(q: str, predicate=lambda file: True) -> list[str]:
    items = re.findall(r'(-?)(?:"([^"]*)"|(\S+))', q)
    chosen = [
        file
        for file in CORPUS
        if predicate(file)
        and all(occurs(quoted or word, file.expected) != bool(minus) for minus, quoted, word in items)
    ]
    chosen.sort(key=lambda file: (file.expected["publishedDateTime"], file.article_id), reverse=True)
    return [file.article_id for file in chosen]


@pytest.fixture(scope="module")
def call_api():
    with corpus_api({file.key: file.data for file in CORPUS}, searchable=True) as call:
        yield call


QUERIES = [
    "battery", "batteries", "robots", "robot", "resume", "Résumé", "zurich", "ZÜRICH", "cafe", "naive",
    '"supply chain"', '"chain supply"', "robots -warehouse", 'supply -"supply chain"', "量子", "自動運転", "東京",
    "offshore", "geothermal", "zeitung", "motley fool", "battery energy", "the battery", "quantum computing",
    '"error correction" quantum', "cities", "city", "hiring -résumé",
]  # fmt: skip


@pytest.mark.parametrize("limit", ["3", "20"])
@pytest.mark.parametrize("q", QUERIES)
def test_every_page_of_a_search_is_the_oracles_answer(call_api, q, limit) -> None:
    expected = oracle(q)
    assert walk_pages(call_api, {"q": q, "limit": limit}) == expected


def test_the_corpus_exercises_each_rule() -> None:
    # Each query matches some articles and not all of them: the comparison means something.
    # A phrase's words in another order, or in two tags, match nothing.
    for q in QUERIES:
        assert 0 < len(oracle(q)) < len(CORPUS) or q == '"chain supply"', q
    assert oracle('"chain supply"') == []
    assert oracle("battery") == oracle("batteries")
    assert oracle("resume") == oracle("Résumé")
    assert set(oracle('"supply chain"')) < set(oracle("supply chain"))


def lowered(values) -> set[str]:
    return {value.casefold() for value in values or []}


FILTERS = {
    "topic": ({"topic": "robotics,energy"}, lambda f: lowered(f.expected.get("topics")) & {"robotics", "energy"}),
    "provider": ({"provider": "techcrunch.com"}, lambda f: f.expected["provider"]["domain"] == "techcrunch.com"),
    "category": ({"category": "analysis"}, lambda f: f.expected["category"] == "analysis"),
    "type": ({"type": "article"}, lambda f: f.expected["type"] == "article"),
    "excludeProvider": ({"excludeProvider": "fool.com"}, lambda f: f.expected["provider"]["domain"] != "fool.com"),
    "locale": ({"locale": "en"}, lambda f: (f.expected.get("locale") or "").lower().replace("_", "-") in
               ("en", "en-gb", "en-us")),
    "from_to": (
        {"from": "2020-03-03", "to": "2020-03-08"},
        lambda f: "2020-03-03" <= f.expected["publishedDateTime"][:10] <= "2020-03-08",
    ),
    "minQuality": ({"minQuality": "40"}, lambda f: (f.expected.get("quality") or -1) >= 40),
    "published": ({"published": "true"}, lambda f: f.expected.get("published") is True),
}  # fmt: skip


@pytest.mark.parametrize("name", FILTERS)
@pytest.mark.parametrize("q", ["battery", "robots -warehouse", '"supply chain"', "量子", "city"])
def test_search_combines_with_every_list_filter(call_api, name, q) -> None:
    parameters, predicate = FILTERS[name]
    expected = oracle(q, predicate)
    assert walk_pages(call_api, {"q": q, "limit": "3", **parameters}) == expected


def test_feeds_search_too(call_api) -> None:
    answer = call_api("/feeds/json", {"q": "robots", "limit": "4"})
    assert answer.status == 200
    feed = answer.json()
    assert [item["id"].rpartition(":")[2] for item in feed["items"]] == oracle("robots")[:4]
    assert "search robots" in feed["title"]


@pytest.mark.parametrize(
    ("q", "reason"),
    [
        ("", "must not be empty"),
        ("   ", "must not be empty"),
        ("the of and", "no searchable word"),
        ("-robots", "no searchable word"),
        ("... !!", "no searchable word"),
        ('"supply chain', "unbalanced quote"),
        ("a b c d e f g h i", "at most 8"),
        ("x" * 201, "200"),
    ],
)
def test_a_bad_q_is_a_400_naming_q(call_api, q, reason) -> None:
    answer = call_api("/articles", {"q": q})
    assert answer.status == 400, answer.body
    assert answer.headers["content-type"].startswith("application/problem+json")
    detail = answer.json()["detail"]
    assert detail.startswith("q") or "'q'" in detail or "q:" in detail, detail
    assert reason in detail, detail


def test_limits_of_q_at_the_limit(call_api) -> None:
    # 8 words and 200 characters are allowed.
    assert call_api("/articles", {"q": "battery " * 7 + "energy"}).status == 200
    assert call_api("/articles", {"q": "battery".ljust(200)}).status == 200


def test_a_cursor_of_one_search_is_refused_by_another(call_api) -> None:
    first = call_api("/articles", {"q": "robots", "limit": "1"}).json()
    assert first["nextCursor"]
    same = call_api("/articles", {"q": "ROBOT", "limit": "1", "cursor": first["nextCursor"]})
    assert same.status == 200  # one query, two spellings
    other = call_api("/articles", {"q": "battery", "limit": "1", "cursor": first["nextCursor"]})
    assert other.status == 400
    assert "cursor" in other.json()["detail"]
    plain = call_api("/articles", {"limit": "1", "cursor": first["nextCursor"]})
    assert plain.status == 400
