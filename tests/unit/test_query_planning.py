"""Query planning, without AWS: which partition serves a list, what is filtered, which
positions a cursor may hold, and the list use case on a fake reader."""

from __future__ import annotations

from typing import Any

import pytest

from article_feed.domain.errors import BadParameter, InvalidCursor
from article_feed.domain.lists import ListRequest
from article_feed.dynamo.keys import FEED_LIST, plan_list
from article_feed.query import ArticleQuery, list_articles

SECRET = b"s" * 32


@pytest.mark.parametrize(
    ("request_", "partition", "expression"),
    [
        (ListRequest(), FEED_LIST, None),
        (ListRequest(topic="AI"), "TOPIC#ai", None),
        (ListRequest(provider="Fool.com", category="News"), "PROVIDER#fool.com", "category_key = :category"),
        (ListRequest(type="Video", topic="Cafe\u0301"), "TOPIC#café", "type_key = :type"),
        (ListRequest(category="news", min_quality=100), "CATEGORY#news", "quality >= :min_quality"),
        (ListRequest(published=False), FEED_LIST, "published = :published"),
        (
            ListRequest(provider="a.com", topic="ai", category="c", type="t"),
            "TOPIC#ai",
            "provider_key = :provider AND category_key = :category AND type_key = :type",
        ),
    ],
)
def test_the_most_selective_key_filter_is_the_partition_the_others_filter(request_, partition, expression) -> None:
    plan = plan_list(request_)
    assert (plan.list_name, plan.expression) == (partition, expression)


def test_the_time_range_is_the_sort_key_range_inclusive() -> None:
    plan = plan_list(ListRequest(lower="2020-01-01T00:00:00Z", upper="2020-01-01T00:00:00Z"))
    assert plan.lower == "2020-01-01T00:00:00.000000Z"
    assert plan.upper == "2020-01-01T00:00:00.000000Z#~"
    assert plan.lower <= "2020-01-01T00:00:00.000000Z#zz-last-id" <= plan.upper  # from == to keeps that instant


def _position(list_name: str = FEED_LIST, moment: str = "2020-01-01T00:00:00.000000Z", article: str = "a") -> dict:
    return {
        "pk": f"ARTICLE#{article}",
        "sk": f"IDX#{list_name}",
        "list_pk": list_name,
        "list_sk": f"{moment}#{article}",
    }


@pytest.mark.parametrize(
    ("position", "held"),
    [
        (_position(), True),
        (_position(list_name="TOPIC#ai"), False),
        (_position() | {"pk": "ARTICLE#b"}, False),
        (_position() | {"extra": "x"}, False),
        ({name: value for name, value in _position().items() if name != "sk"}, False),
        (_position(moment="1999-12-31T23:59:59.999999Z"), False),
    ],
)
def test_a_cursor_position_must_be_an_entry_of_this_list_and_range(position, held) -> None:
    assert plan_list(ListRequest(lower="2000-01-01T00:00:00Z")).holds(position) is held


class FakeReader:
    """The query port: a newest-first list of summaries, cut into pages by id."""

    def __init__(self, ids: list[str]) -> None:
        self.ids = ids
        self.requests: list[ListRequest] = []

    def get_article(self, article_id: str) -> None:
        return None

    def get_ingestion(self, key: str) -> None:
        return None

    def counters(self, kind: str) -> list[dict[str, Any]]:
        return []

    def list_page(self, request: ListRequest, limit: int, start: dict[str, str] | None) -> tuple[list[Any], Any]:
        self.requests.append(request)
        if start and start.get("id") not in self.ids:
            raise InvalidCursor("cursor does not belong to this query")
        first = self.ids.index(start["id"]) + 1 if start else 0
        page = self.ids[first : first + limit]
        more = first + limit < len(self.ids)
        return [{"id": item} for item in page], ({"id": page[-1]} if more else None)


def test_pages_chain_through_signed_cursors_and_the_last_has_none() -> None:
    reader = FakeReader(["e", "d", "c", "b", "a"])
    seen, cursor = [], None
    while True:
        page = list_articles(reader, ArticleQuery(topic="AI", limit=2, cursor=cursor), SECRET)
        seen += [item["id"] for item in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == ["e", "d", "c", "b", "a"]


def test_a_cursor_works_for_another_spelling_of_the_same_filter_only() -> None:
    reader = FakeReader(["c", "b", "a"])
    cursor = list_articles(reader, ArticleQuery(topic="AI", limit=1), SECRET).next_cursor
    assert list_articles(reader, ArticleQuery(topic="ai", limit=1, cursor=cursor), SECRET).items == [{"id": "b"}]
    with pytest.raises(BadParameter, match=r"^cursor: cursor belongs to a different query"):
        list_articles(reader, ArticleQuery(topic="robots", limit=1, cursor=cursor), SECRET)
    with pytest.raises(BadParameter, match=r"^cursor:"):
        list_articles(reader, ArticleQuery(topic="AI", limit=1, cursor=cursor), b"x" * 32)


def test_a_position_the_reader_refuses_is_a_bad_cursor() -> None:
    from article_feed.domain.cursor import encode_cursor

    reader = FakeReader(["b", "a"])
    genuine = list_articles(reader, ArticleQuery(limit=1), SECRET).next_cursor
    assert genuine is not None
    owner = genuine.split(".")[0]
    import base64
    import json

    query = json.loads(base64.urlsafe_b64decode(owner + "=" * (-len(owner) % 4)))["q"]
    forged = encode_cursor({"id": "zz"}, query, SECRET)
    with pytest.raises(BadParameter, match=r"^cursor: cursor does not belong to this query"):
        list_articles(reader, ArticleQuery(limit=1, cursor=forged), SECRET)


@pytest.mark.parametrize(
    ("query", "name"),
    [
        (ArticleQuery(from_="2020-02-30"), "from"),
        (ArticleQuery(to="yesterday"), "to"),
        (ArticleQuery(from_="2020-01-02", to="2020-01-01"), "from"),
    ],
)
def test_bad_time_ranges_name_their_parameter(query, name) -> None:
    with pytest.raises(BadParameter) as raised:
        list_articles(FakeReader([]), query, SECRET)
    assert raised.value.name == name


def test_from_equal_to_to_is_allowed_and_a_date_covers_its_day() -> None:
    reader = FakeReader([])
    list_articles(reader, ArticleQuery(from_="2020-01-01", to="2020-01-01"), SECRET)
    assert (reader.requests[0].lower, reader.requests[0].upper) == (
        "2020-01-01T00:00:00Z",
        "2020-01-01T23:59:59.999999Z",
    )
