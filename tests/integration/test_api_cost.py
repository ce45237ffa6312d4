"""Every list is a Query that reads about `limit` items, whatever the table's size."""

from __future__ import annotations

import boto3
import pytest

from article_feed.domain.records import IngestionRecord
from article_feed.dynamo.bulk import load_into_empty_table
from article_feed.parsing import parse_article_file
from articlectl.template import create_table
from tests.corpus import article_file
from tests.support.api import api_caller, serving_this_stack
from tests.support.aws import emulated_stack


def fill(stack, count: int, *, search_index: bool = False) -> None:
    """`count` articles with their search index, loaded at once into a table without a
    stream (nothing reads it here, and moto would keep a copy of every write)."""
    stack.dynamodb.delete_table(TableName=stack.table)
    create_table(stack.dynamodb, stack.table, stream=False)
    articles = []
    for index in range(count):
        file = article_file(index)
        parsed = parse_article_file(file.data)
        record = IngestionRecord(key=file.key, status="accepted", article_id=file.article_id, processed_at="now")
        assert parsed.article is not None
        articles.append((parsed.article, parsed.body, record))
    load_into_empty_table(stack.dynamodb, stack.table, articles, "2026-11-26T00:00:00.000Z", search_index=search_index)


def record_calls(monkeypatch) -> CallRecorder:
    """Record the DynamoDB calls of every client created from now on (the API's, on its first request)."""
    recorder = CallRecorder()
    session = boto3.session.Session()
    session.events.register("after-call.dynamodb", recorder)
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", session)
    return recorder


class CallRecorder:
    """Records every DynamoDB call the API makes and the items each one read."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def __call__(self, http_response, parsed, model, **kwargs) -> None:
        read = parsed.get("ScannedCount", 1 if "Item" in parsed else 0)
        if "Responses" in parsed:  # BatchGetItem: every item returned was read
            read = sum(len(items) for items in parsed["Responses"].values())
        self.calls.append((model.name, read))

    @property
    def items_read(self) -> int:
        return sum(read for _, read in self.calls)


@pytest.mark.parametrize("count", [10, 1000])
def test_lists_query_and_read_about_limit_items(count, monkeypatch) -> None:
    from api_function import handler as api_handler

    with emulated_stack() as stack:
        fill(stack, count)
        recorder = record_calls(monkeypatch)
        with serving_this_stack(api_handler):
            call = api_caller(api_handler)
            for query, budget in [
                ({"limit": "20"}, 21),
                ({"limit": "20", "topic": "AI"}, 21),
                ({"limit": "20", "provider": "fool.com", "from": "2020-03-02"}, 21),
                ({"limit": "20", "minQuality": "50"}, 100),
                ({"limit": "20", "locale": "en"}, 21),
                # Several values: one Query per value, each within its own page budget.
                ({"limit": "20", "topic": "AI,Climate"}, 2 * 21),
                ({"limit": "20", "excludeProvider": "fool.com,lemonde.fr"}, 100),
            ]:
                recorder.calls.clear()
                answer = call("/articles", query)
                assert answer.status == 200
                if count == 1000:
                    assert len(answer.json()["items"]) == 20  # pages come back full when enough match
                assert {name for name, _ in recorder.calls} == {"Query"}, recorder.calls
                assert recorder.items_read <= budget, (query, recorder.calls)
            recorder.calls.clear()
            call("/topics")
            call("/providers")
            assert {name for name, _ in recorder.calls} == {"Query"}


@pytest.mark.parametrize("limit", [3, 20])
def test_a_rare_match_over_several_lists_walks_short_pages_to_exactly_the_matches(monkeypatch, limit) -> None:
    from api_function import handler as api_handler

    count = 1200
    files = [article_file(index) for index in range(count)]
    expected = sorted(
        (
            (file.expected["publishedDateTime"], file.article_id)
            for file in files
            if {"ai", "climate"} & {topic.casefold() for topic in file.expected.get("topics") or []}
            and (file.expected.get("quality") or -1) >= 99
        ),
        reverse=True,
    )
    with emulated_stack() as stack:
        fill(stack, count)
        recorder = record_calls(monkeypatch)
        with serving_this_stack(api_handler):
            call = api_caller(api_handler)
            ids, cursor, pages = [], None, 0
            while True:
                recorder.calls.clear()
                query = {"limit": str(limit), "topic": "Climate,AI", "minQuality": "99"}
                answer = call("/articles", query | ({"cursor": cursor} if cursor else {}))
                assert answer.status == 200, answer.body
                assert {name for name, _ in recorder.calls} == {"Query"}
                assert recorder.items_read <= 2 * (max(10 * limit, 500) + 1)  # two lists, each within its budget
                ids += [item["id"] for item in answer.json()["items"]]
                cursor, pages = answer.json()["nextCursor"], pages + 1
                if cursor is None:
                    break
    assert ids == [article_id for _, article_id in expected]
    assert len(ids) < pages * limit  # some pages came back short: the budget was spent


def test_a_list_whose_budget_ran_out_holds_back_older_entries_of_the_others(monkeypatch) -> None:
    # `busy`: 600 newer entries, one match (its 550th); `rare`: 5 older matches.
    # The first page must not serve `rare`'s entries: `busy` may (and does) hold a
    # newer match past its read budget, which would then never be served.
    from datetime import UTC, datetime, timedelta

    from api_function import handler as api_handler
    from tests.corpus import render

    start = datetime(2020, 1, 1, tzinfo=UTC)

    def entry(index: int, topic: str, quality: int) -> tuple:
        data = render(
            {
                "title": f"T{index}",
                "webUrl": f"https://e.com/{index}",
                "publishedDateTime": (start + timedelta(minutes=index)).isoformat(),
                "topics": [topic],
                "quality": quality,
            },
            "",
        )
        parsed = parse_article_file(data)
        record = IngestionRecord(
            key=f"a/{index:04d}.md", status="accepted", article_id=f"{index:04d}", processed_at="n"
        )
        return parsed.article, parsed.body, record

    rare = [entry(index, "rare", 100) for index in range(5)]
    busy = [entry(5 + index, "busy", 100 if index == 50 else 0) for index in range(600)]  # 550th newest matches
    with emulated_stack() as stack:
        load_into_empty_table(stack.dynamodb, stack.table, rare + busy, "2026-11-26T00:00:00.000Z")
        with serving_this_stack(api_handler):
            call = api_caller(api_handler)
            ids, cursor = [], None
            for _ in range(10):
                query = {"limit": "20", "topic": "busy,rare", "minQuality": "100"}
                page = call("/articles", query | ({"cursor": cursor} if cursor else {})).json()
                ids += [item["id"] for item in page["items"]]
                cursor = page["nextCursor"]
                if cursor is None:
                    break
    assert ids == ["0055", "0004", "0003", "0002", "0001", "0000"]


def test_a_search_page_reads_within_its_budget_at_1000_articles(monkeypatch) -> None:
    """Query on postings, GetItem-like reads of term statistics and summaries; never a Scan.
    A page reads at most max(10 x limit, 500) postings, plus its terms and its summaries."""
    from api_function import handler as api_handler

    with emulated_stack() as stack:
        fill(stack, 1000, search_index=True)
        recorder = record_calls(monkeypatch)
        with serving_this_stack(api_handler):
            call = api_caller(api_handler)
            for query, full in [
                ({"q": "microsoft"}, True),  # one article in six
                ({"q": "solar grid"}, True),  # two terms, the other one checked on the posting
                ({"q": "robots -microsoft", "topic": "robotics"}, True),
                ({"q": '"facial recognition" microsoft', "provider": "fool.com"}, True),
                ({"q": "story 999"}, False),  # a rare term: one match
                ({"q": "nowhere"}, False),  # an unknown term: its statistics alone
            ]:
                for limit in (3, 20):
                    recorder.calls.clear()
                    answer = call("/articles", {**query, "limit": str(limit)})
                    assert answer.status == 200, answer.body
                    items = answer.json()["items"]
                    assert len(items) == limit or not full, (query, limit)
                    assert {name for name, _ in recorder.calls} <= {"Query", "BatchGetItem"}, recorder.calls
                    postings = sum(read for name, read in recorder.calls if name == "Query")
                    assert postings <= max(10 * limit, 500), (query, recorder.calls)
                    # Filters narrow the postings before any summary is read.
                    summaries = sum(read for name, read in recorder.calls[1:] if name == "BatchGetItem")
                    assert summaries <= limit + 1, (query, recorder.calls)
