"""Every list is a Query that reads about `limit` items, whatever the table's size."""

from __future__ import annotations

import boto3
import pytest

from article_feed.domain.records import IngestionRecord
from article_feed.dynamo.bulk import load_into_empty_table
from article_feed.parsing import parse_article_file
from tests.corpus import article_file
from tests.support.api import api_caller, serving_this_stack
from tests.support.aws import emulated_stack


def fill(stack, count: int) -> None:
    articles = []
    for index in range(count):
        file = article_file(index)
        parsed = parse_article_file(file.data)
        record = IngestionRecord(key=file.key, status="accepted", article_id=file.article_id, processed_at="now")
        assert parsed.article is not None
        articles.append((parsed.article, parsed.body, record))
    load_into_empty_table(stack.dynamodb, stack.table, articles, "2026-11-26T00:00:00.000Z")


class CallRecorder:
    """Records every DynamoDB call the API makes and the items each one read."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def __call__(self, http_response, parsed, model, **kwargs) -> None:
        read = parsed.get("ScannedCount", 1 if "Item" in parsed else 0)
        self.calls.append((model.name, read))

    @property
    def items_read(self) -> int:
        return sum(read for _, read in self.calls)


@pytest.mark.parametrize("count", [10, 1000])
def test_lists_query_and_read_about_limit_items(count, monkeypatch) -> None:
    from api_function import handler as api_handler

    with emulated_stack() as stack:
        fill(stack, count)
        recorder = CallRecorder()
        session = boto3.session.Session()
        session.events.register("after-call.dynamodb", recorder)
        monkeypatch.setattr(boto3, "DEFAULT_SESSION", session)
        with serving_this_stack(api_handler):
            call = api_caller(api_handler)
            for query, budget in [
                ({"limit": "20"}, 21),
                ({"limit": "20", "topic": "AI"}, 21),
                ({"limit": "20", "provider": "fool.com", "from": "2020-03-02"}, 21),
                ({"limit": "20", "minQuality": "50"}, 100),
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
