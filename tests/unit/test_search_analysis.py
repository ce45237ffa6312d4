"""The analyser and q's syntax, and the change use case on an in-memory index."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from article_feed.changes import ArticleChange, IndexState, apply_change
from article_feed.domain.analysis import analyse, fold
from article_feed.domain.errors import BadParameter
from article_feed.domain.search import MAX_QUERY_CHARS, MAX_QUERY_TERMS, parse_query


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("Batteries and a battery", ["batteri", "batteri"]),
        ("Robots, robot's ROBOT", ["robot", "robot", "s", "robot"]),
        ("Résumé", ["resum"]),
        ("Re\u0301sume\u0301", ["resum"]),  # combining accents
        ("ＡＩ ﬁnance", ["ai", "financ"]),  # NFKC: full-width letters, ligatures
        ("the of and to with", []),
        ("量子誤り訂正", ["量子", "子誤", "誤り", "り訂", "訂正"]),
        ("量", ["量"]),
        ("GPT-4は速い", ["gpt", "4", "は速", "速い"]),
        ("量子abc量子 runs", ["量子", "abc", "量子", "run"]),  # a word may switch scripts and back
        ("ガス が", ["ガス", "が"]),  # kana voicing marks are part of the letter
        ("zero\u200bwidth", ["zerowidth"]),
        ("snake_case", ["snake", "case"]),
    ],
)
def test_analysis(text, terms) -> None:
    assert analyse(text) == terms


def test_queries_parse_into_required_and_excluded_phrases() -> None:
    query = parse_query('Robots -"supply chain" e-mail -the 量子誤り')
    assert query.required == (("robot",), ("e", "mail"), ("量子", "子誤", "誤り"))
    assert query.excluded == (("suppli", "chain"),)
    assert query.terms == {"robot", "e", "mail", "量子", "子誤", "誤り"}
    # Spelling, order and repetition do not change the query (nor its cursors).
    assert parse_query("ROBOT e-mail robots").canonical() == parse_query("e-mail robot").canonical()


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("", "q: must not be empty"),
        ("x" * (MAX_QUERY_CHARS + 1), f"q: at most {MAX_QUERY_CHARS} characters, found {MAX_QUERY_CHARS + 1}"),
        ('"open', "q: has an unbalanced quote"),
        (" ".join(["w"] * (MAX_QUERY_TERMS + 1)), f"q: at most {MAX_QUERY_TERMS} words or phrases, found 9"),
        ("the -battery", "q: has no searchable word"),
        ('""', "q: has no searchable word"),
    ],
)
def test_bad_queries_name_q(q, message) -> None:
    with pytest.raises(BadParameter) as raised:
        parse_query(q)
    assert str(raised.value).startswith(message)


def test_limits_of_q_at_the_limit() -> None:
    assert parse_query("x" * MAX_QUERY_CHARS).required == (("x" * MAX_QUERY_CHARS,),)
    assert len(parse_query(" ".join(f"w{i}" for i in range(MAX_QUERY_TERMS))).required) == MAX_QUERY_TERMS


def test_matching_is_per_field_for_phrases_and_anywhere_for_words() -> None:
    article = {"title": "Supply problems", "excerpt": "A chain of events", "tags": ["supply", "chain"],
               "provider": {"name": "Chain Supply Weekly"}, "topics": ["Batteries"]}  # fmt: skip
    assert parse_query("supply chain").matches(article)
    assert not parse_query('"supply chain"').matches(article)
    assert parse_query('"chain supply"').matches(article)  # in the provider's name
    assert parse_query("battery").matches(article)  # in a topic only
    assert not parse_query("battery -weekly").matches(article)
    assert not parse_query("量子").matches(article)


@given(st.text(max_size=300))
def test_no_text_makes_the_analyser_or_the_parser_raise(text: str) -> None:
    analyse(text)
    try:
        parse_query(text)
    except BadParameter as error:
        assert error.name == "q"


words = st.text(st.characters(categories=["L", "Nd"]), min_size=1, max_size=12)


@given(st.lists(words, min_size=1, max_size=8))
def test_a_query_made_of_an_articles_words_finds_it(title_words: list[str]) -> None:
    """Query and document analysis agree: each word, and the whole title as a phrase."""
    title = " ".join(title_words)
    document = {"title": title}
    for word in title_words:
        if analyse(word):
            assert parse_query(word).matches(document), word
    if analyse(title) and len(title) <= MAX_QUERY_CHARS - 2:
        assert parse_query(f'"{title}"').matches(document)
        assert fold(title) == fold(fold(title))


class MemoryIndex:
    """The search index port, in memory: what each article's index holds."""

    def __init__(self) -> None:
        self.states: dict[str, IndexState] = {}
        self.documents: dict[str, dict[str, Any] | None] = {}

    def state(self, article_id: str) -> IndexState | None:
        return self.states.get(article_id)

    def replace(self, article_id, document, previous, sequence, revision) -> None:
        assert previous == self.states.get(article_id)  # what the index held, so its postings can go
        self.documents[article_id] = document
        self.states[article_id] = IndexState(sequence, revision, frozenset(), "")


def change(sequence: int, old: dict | None, new: dict | None) -> ArticleChange:
    return ArticleChange("a", sequence, old, new)


class MemoryEvents:
    """The event publisher port, in memory."""

    def __init__(self) -> None:
        self.published: list[tuple[str, dict[str, Any]]] = []

    def publish(self, event) -> None:
        self.published.append((event.detail_type, event.detail))


def test_changes_apply_once_and_in_order_with_one_event_each() -> None:
    index, events = MemoryIndex(), MemoryEvents()
    v1 = {"title": "one", "webUrl": "https://e.com/1", "sourceKey": "a.md", "provider": {"domain": "e.com"}}
    v2 = {**v1, "title": "two", "tags": ["x"]}
    assert apply_change(index, events, change(10, None, v1))
    assert apply_change(index, events, change(20, v1, v2))
    assert not apply_change(index, events, change(20, v1, v2))  # repeated
    assert not apply_change(index, events, change(10, None, v1))  # late
    assert index.documents["a"] == v2
    assert apply_change(index, events, change(30, v2, v2))  # a write that changed nothing served
    assert apply_change(index, events, change(40, v2, None))
    assert apply_change(index, events, change(50, None, v1))  # the id comes back: the revision keeps growing
    assert [(kind, detail["revision"]) for kind, detail in events.published] == [
        ("ArticlePublished", 1), ("ArticleUpdated", 2), ("ArticleDeleted", 3), ("ArticlePublished", 4),
    ]  # fmt: skip
    assert events.published[1][1]["changedFields"] == ["tags", "title"]
    assert events.published[0][1] == {
        "id": "a", "sourceKey": "a.md", "title": "one", "webUrl": "https://e.com/1", "publishedDateTime": None,
        "topics": [], "provider": {"domain": "e.com", "name": None}, "revision": 1,
    }  # fmt: skip
    assert events.published[2][1]["title"] == "two"  # a delete describes what went
    assert events.published[0][1]["provider"] == {"domain": "e.com", "name": None}
    assert index.states["a"].revision == 4


def test_rejection_events_hide_values_quoted_in_messages() -> None:
    from article_feed.domain.events import rejection_event

    event = rejection_event(
        "k.md", "k", [{"loc": "published", "msg": "'maybe' is not a YAML boolean", "value": "maybe", "line": 3}]
    )
    assert event.detail == {
        "key": "k.md", "articleId": "k", "errors": [{"loc": "published", "msg": "'(value)' is not a YAML boolean"}],
    }  # fmt: skip


def test_every_searched_field_finds_an_article_and_nothing_else_does() -> None:
    article = {
        "title": "alpha", "excerpt": "bravo", "topics": ["charlie"], "tags": ["delta"],
        "provider": {"name": "echo", "domain": "foxtrot.com"}, "body": "golf", "category": "hotel",
        "related": [{"title": "india"}],
    }  # fmt: skip
    for word in ("alpha", "bravo", "charlie", "delta", "echo"):
        assert parse_query(word).matches(article), word
    for word in ("foxtrot", "golf", "hotel", "india"):
        assert not parse_query(word).matches(article), word
    assert parse_query("alpha -bravo").canonical() == [[["alpha"]], [["bravo"]]]


def test_article_events_carry_exactly_the_listed_details() -> None:
    from article_feed.domain.events import article_event

    old = {"title": "T", "webUrl": "https://e.com/a", "publishedDateTime": "2026-01-01T00:00:00Z",
           "topics": ["AI"], "provider": {"domain": "e.com", "name": "E", "images": []}, "sourceKey": "k.md",
           "body": "b", "excerpt": "x"}  # fmt: skip
    base = {"id": "a", "sourceKey": "k.md", "title": "T", "webUrl": "https://e.com/a",
            "publishedDateTime": "2026-01-01T00:00:00Z", "topics": ["AI"],
            "provider": {"domain": "e.com", "name": "E"}}  # fmt: skip
    published = article_event("a", None, old, 1)
    assert published is not None
    assert (published.detail_type, published.detail) == ("ArticlePublished", {**base, "revision": 1})
    new = {**old, "body": "c", "excerpt": None}
    updated = article_event("a", old, new, 2)
    assert updated is not None
    assert (updated.detail_type, updated.detail) == (
        "ArticleUpdated", {**base, "revision": 2, "changedFields": ["body", "excerpt"]},
    )  # fmt: skip
    deleted = article_event("a", new, None, 3)
    assert deleted is not None
    assert (deleted.detail_type, deleted.detail) == ("ArticleDeleted", {**base, "revision": 3})
    assert article_event("a", old, dict(old), 4) is None
    bare = article_event("b", None, {"title": "T", "provider": "not a mapping"}, 1)
    assert bare is not None and bare.detail["provider"] == {"domain": None, "name": None}


def test_rejection_events_keep_messages_unless_they_quote_a_value() -> None:
    from article_feed.domain.events import rejection_event

    event = rejection_event("k.md", None, [
        {"loc": "a", "msg": "value 'ab' is wrong", "value": "ab"},  # too short to hide
        {"loc": "e", "msg": "value 'abc' is wrong", "value": "abc"},  # three characters: hidden
        {"loc": "b", "msg": "must be shorter", "value": "abcdef"},  # not quoted
        {"loc": "c", "msg": "is 'abcdef' really", "value": "abcdef"},
        {"loc": "d"},
    ])  # fmt: skip
    assert event.detail_type == "ArticleRejected"
    assert event.detail == {"key": "k.md", "articleId": None, "errors": [
        {"loc": "a", "msg": "value 'ab' is wrong"}, {"loc": "e", "msg": "value '(value)' is wrong"},
        {"loc": "b", "msg": "must be shorter"},
        {"loc": "c", "msg": "is '(value)' really"}, {"loc": "d", "msg": ""},
    ]}  # fmt: skip
