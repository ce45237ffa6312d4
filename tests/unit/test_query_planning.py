"""Query planning, without AWS: which partition serves a list, what is filtered, which
positions a cursor may hold, and the list use case on a fake reader."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

import pytest

from article_feed.domain.errors import BadParameter, InvalidCursor
from article_feed.domain.lists import ListRequest
from article_feed.dynamo.keys import FEED_LIST, plan_list
from article_feed.query import ArticleQuery, list_articles

if TYPE_CHECKING:
    from article_feed.domain.search import SearchQuery

SECRET = b"s" * 32


@pytest.mark.parametrize(
    ("request_", "partition", "expression"),
    [
        (ListRequest(), FEED_LIST, None),
        (ListRequest(topic=("AI",)), "TOPIC#ai", None),
        (ListRequest(provider=("Fool.com",), category=("News",)), "PROVIDER#fool.com", "category_key IN (:category0)"),
        (ListRequest(type=("Video",), topic=("Cafe\u0301",)), "TOPIC#café", "type_key IN (:type0)"),
        (ListRequest(category=("news",), min_quality=100), "CATEGORY#news", "quality >= :min_quality"),
        (ListRequest(published=False), FEED_LIST, "published = :published"),
        (
            ListRequest(provider=("a.com",), topic=("ai",), category=("c",), type=("t",)),
            "TOPIC#ai",
            "provider_key IN (:provider0) AND category_key IN (:category0) AND type_key IN (:type0)",
        ),
    ],
)
def test_the_most_selective_key_filter_is_the_partition_the_others_filter(request_, partition, expression) -> None:
    plan = plan_list(request_)
    assert (plan.list_names, plan.expression) == ((partition,), expression)


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
        assert start is None or isinstance(start, dict), start  # the port's contract: a position or None
        self.requests.append(request)
        if start and start.get("id") not in self.ids:
            raise InvalidCursor("cursor does not belong to this query")
        first = self.ids.index(start["id"]) + 1 if start else 0
        page = self.ids[first : first + limit]
        more = first + limit < len(self.ids)
        return [{"id": item} for item in page], ({"id": page[-1]} if more else None)

    def search_page(
        self, request: ListRequest, query: SearchQuery, limit: int, start: dict[str, str] | None
    ) -> tuple[list[Any], Any]:
        """The articles whose title (here, their id) matches, paged like a list."""
        matching = FakeReader([item for item in self.ids if query.matches({"title": item})])
        self.requests.append(request)
        return matching.list_page(request, limit, start)


def test_pages_chain_through_signed_cursors_and_the_last_has_none() -> None:
    reader = FakeReader(["e", "d", "c", "b", "a"])
    seen, cursor = [], None
    while True:
        page = list_articles(reader, ArticleQuery(topic=("AI",), limit=2, cursor=cursor), SECRET)
        seen += [item["id"] for item in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == ["e", "d", "c", "b", "a"]


def test_a_cursor_works_for_another_spelling_of_the_same_filter_only() -> None:
    reader = FakeReader(["c", "b", "a"])
    cursor = list_articles(reader, ArticleQuery(topic=("AI",), limit=1), SECRET).next_cursor
    assert list_articles(reader, ArticleQuery(topic=("ai",), limit=1, cursor=cursor), SECRET).items == [{"id": "b"}]
    with pytest.raises(BadParameter, match=r"^cursor: cursor belongs to a different query"):
        list_articles(reader, ArticleQuery(topic=("robots",), limit=1, cursor=cursor), SECRET)
    with pytest.raises(BadParameter, match=r"^cursor:"):
        list_articles(reader, ArticleQuery(topic=("AI",), limit=1, cursor=cursor), b"x" * 32)


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


@pytest.mark.parametrize(
    ("request_", "partitions", "expression"),
    [
        (ListRequest(topic=("AI", "Climate")), ("TOPIC#ai", "TOPIC#climate"), None),
        # The filter with the fewest values is read; the other becomes a filter.
        (
            ListRequest(topic=("a", "b", "c"), provider=("x.com",)),
            ("PROVIDER#x.com",),
            "(contains(topic_keys, :topic0) OR contains(topic_keys, :topic1) OR contains(topic_keys, :topic2))",
        ),
        (ListRequest(type=("Video", "Article")), ("TYPE#video", "TYPE#article"), None),
        (
            ListRequest(exclude_provider=("a.com", "B.com")),
            (FEED_LIST,),
            "NOT (provider_key IN (:excluded0, :excluded1))",
        ),
        (ListRequest(locale="en"), ("LANG#en",), None),
        (ListRequest(locale="en-gb"), ("LOCALE#en-gb",), None),
        (ListRequest(topic=("AI",), locale="en"), ("TOPIC#ai",), "language_key = :locale"),
        (ListRequest(topic=("AI",), locale="en-gb"), ("TOPIC#ai",), "locale_key = :locale"),
    ],
)
def test_several_values_are_several_partitions_or_an_any_of_filter(request_, partitions, expression) -> None:
    plan = plan_list(request_)
    assert (plan.list_names, plan.expression) == (partitions, expression)


@pytest.mark.parametrize(
    ("position", "held"),
    [
        ({"after": "2020-01-01T00:00:00.000000Z#a"}, True),
        ({"after": "1999-12-31T23:59:59.999999Z#a"}, False),
        ({"after": "2020-01-01T00:00:00.000000Z#"}, False),
        ({"after": "no-moment"}, False),
        (_position(list_name="TOPIC#ai"), False),
        ({"after": "2020-01-01T00:00:00.000000Z#a", "extra": "x"}, False),
    ],
)
def test_a_merged_list_cursor_holds_only_where_the_last_page_ended(position, held) -> None:
    plan = plan_list(ListRequest(topic=("ai", "climate"), lower="2000-01-01T00:00:00Z"))
    assert plan.holds(position) is held


@pytest.mark.parametrize(
    ("name", "text", "detail"),
    [
        ("topic", "a,b,c,d,e,f", "topic: at most 5 comma-separated values, found 6"),
        ("locale", "english!", "locale: 'english!' is not a language or locale such as en or en-GB"),
    ],
)
def test_too_many_values_or_a_bad_locale_is_a_bad_parameter(name, text, detail) -> None:
    from article_feed.domain.lists import locale_of, values_of

    with pytest.raises(BadParameter) as raised:
        locale_of(text) if name == "locale" else values_of(name, text)
    assert str(raised.value) == detail


def test_values_at_the_limit_and_spellings_of_one_value() -> None:
    from article_feed.domain.lists import locale_of, values_of

    assert values_of("topic", "a,b,c,d,e") == ("a", "b", "c", "d", "e")
    assert values_of("topic", " AI , ai,Caf\u00e9,Cafe\u0301,, ") == ("AI", "Caf\u00e9")
    assert values_of("topic", None) == ()
    assert (locale_of("en_GB"), locale_of(" EN "), locale_of(None), locale_of(" ")) == ("en-gb", "en", None, None)


def test_fields_trim_items_keep_the_id_and_refuse_unknown_names() -> None:
    class Reader(FakeReader):
        def list_page(self, request, limit, start):
            return [{"id": "a", "title": "T", "webUrl": "u", "custom": 1}], None

    page = list_articles(Reader([]), ArticleQuery(fields=("title",)), SECRET)
    assert page.items == [{"id": "a", "title": "T"}]
    assert list_articles(Reader([]), ArticleQuery(), SECRET).items[0]["custom"] == 1
    with pytest.raises(BadParameter, match=r"^fields: custom is not a summary field"):
        list_articles(Reader([]), ArticleQuery(fields=("title", "custom")), SECRET)


def test_summary_fields_are_the_documented_summary() -> None:
    from api_function.models import ArticleSummary
    from article_feed.domain.views import SUMMARY_FIELDS

    assert set(SUMMARY_FIELDS) == set(ArticleSummary.model_fields)


def test_cursors_need_no_escaping_and_survive_a_deploy() -> None:
    from article_feed.domain.cursor import encode_cursor, fingerprint

    # The fingerprint is part of every cursor in clients' hands: changing how it
    # is computed would refuse them all after a deploy.
    assert fingerprint({"topic": ["ai"], "limit": None}) == fingerprint({"limit": None, "topic": ["ai"]})
    assert fingerprint({"topic": ["ai"], "limit": None}) == "4075e92a2ed41ea5"
    for size in range(1, 40):  # every padding length: no `=` to escape in a query string
        cursor = encode_cursor({"after": "x" * size}, "q", SECRET)
        assert "=" not in cursor and "+" not in cursor and "/" not in cursor


@pytest.mark.parametrize(
    ("cursor", "message"),
    [
        ("garbage", "cursor: cursor is not valid: use the nextCursor of the previous page unchanged"),
        ("", "cursor: cursor is not valid: use the nextCursor of the previous page unchanged"),
    ],
)
def test_a_cursor_that_is_not_ours_says_so(cursor, message) -> None:
    with pytest.raises(BadParameter) as raised:
        list_articles(FakeReader(["a"]), ArticleQuery(cursor=cursor), SECRET)
    assert str(raised.value) == message


@pytest.mark.parametrize("content", [{"p": ["a"], "q": "Q"}, {"p": {"k": 1}, "q": "Q"}, {"q": "Q"}, ["p"]])
def test_a_signed_cursor_of_the_wrong_shape_is_not_valid(content) -> None:
    import base64
    import hashlib
    import hmac
    import json

    from article_feed.domain.cursor import decode_cursor

    payload = base64.urlsafe_b64encode(json.dumps(content).encode()).rstrip(b"=").decode()
    signature = base64.urlsafe_b64encode(hmac.new(SECRET, payload.encode(), hashlib.sha256).digest()[:18]).decode()
    with pytest.raises(InvalidCursor) as raised:
        decode_cursor(f"{payload}.{signature.rstrip('=')}", "Q", SECRET)
    assert str(raised.value) == "cursor is not valid"


def test_a_search_pages_through_the_matches_only_with_cursors_of_its_own() -> None:
    reader = FakeReader(["robots-c", "cats", "robots-b", "robots-a"])
    first = list_articles(reader, ArticleQuery(q="Robots", topic=("AI",), limit=2), SECRET)
    assert first.items == [{"id": "robots-c"}, {"id": "robots-b"}] and first.next_cursor
    assert reader.requests[-1] == ListRequest(topic=("AI",))
    # Another spelling of the same words resumes it; other words, or no words, refuse it.
    rest = list_articles(reader, ArticleQuery(q="robots", topic=("ai",), limit=2, cursor=first.next_cursor), SECRET)
    assert rest.items == [{"id": "robots-a"}] and rest.next_cursor is None
    for other in (ArticleQuery(q="cats", topic=("AI",), limit=2), ArticleQuery(topic=("AI",), limit=2)):
        with pytest.raises(BadParameter, match=r"^cursor: cursor belongs to a different query"):
            list_articles(reader, replace(other, cursor=first.next_cursor), SECRET)


def test_a_search_cursor_is_the_same_after_a_deploy() -> None:
    page = list_articles(FakeReader(["robots-b", "robots-a"]), ArticleQuery(q="robots", limit=1), SECRET)
    assert page.next_cursor == SEARCH_CURSOR


# The cursor of the first page of `q=robots&limit=1` above, as clients hold it.
SEARCH_CURSOR = "eyJwIjp7ImlkIjoicm9ib3RzLWIifSwicSI6IjBlODNmMzdkOGM5OTJjNjIifQ.cPTj82hclEDdkMOViF4p8vWa"


def test_cursors_round_trip_whatever_their_length() -> None:
    from article_feed.domain.cursor import decode_cursor, encode_cursor

    for size in range(60):  # every length of base64 text, ending in every character
        position = {"id": "x" * size, "n": str(size)}
        assert decode_cursor(encode_cursor(position, "owner", SECRET), "owner", SECRET) == position


def test_unknown_fields_are_named_in_the_message() -> None:
    from article_feed.domain.views import SUMMARY_FIELDS

    with pytest.raises(BadParameter) as raised:
        list_articles(FakeReader([]), ArticleQuery(fields=("custom", "other", "title")), SECRET)
    assert str(raised.value) == f"fields: custom, other is not a summary field; use {', '.join(SUMMARY_FIELDS)}"


@pytest.mark.parametrize(
    ("query", "bounds"),
    [
        (ArticleQuery(from_="2020-01-01", to="2020-01-02"), ("2020-01-01T00:00:00Z", "2020-01-02T23:59:59.999999Z")),
        (ArticleQuery(from_="2020-01-01T10:00:00"), ("2020-01-01T10:00:00Z", None)),  # no zone: UTC
        (ArticleQuery(to=" 2020-01-01T10:00:00+05:00 "), (None, "2020-01-01T05:00:00Z")),
        (
            ArticleQuery(from_="2020-01-01T10:00:00Z", to="2020-01-01T10:00:00Z"),  # one moment: allowed
            ("2020-01-01T10:00:00Z", "2020-01-01T10:00:00Z"),
        ),
    ],
)
@pytest.mark.usefixtures("host_in_tokyo")
def test_time_bounds_are_utc_whatever_the_host_zone(query, bounds) -> None:
    reader = FakeReader([])
    list_articles(reader, query, SECRET)
    assert (reader.requests[0].lower, reader.requests[0].upper) == bounds


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (ArticleQuery(from_="2020-02-30"), "from: '2020-02-30' is not an ISO 8601 date or date-time"),
        (
            ArticleQuery(to="0001-01-01T00:00:00+05:00"),
            "to: '0001-01-01T00:00:00+05:00' is out of range once converted to UTC",
        ),
        (ArticleQuery(from_="2020-01-01T10:00:01Z", to="2020-01-01T10:00:00Z"), "from: must not be later than to"),
    ],
)
def test_a_bad_time_range_says_what_is_wrong(query, message) -> None:
    with pytest.raises(BadParameter) as raised:
        list_articles(FakeReader([]), query, SECRET)
    assert str(raised.value) == message
