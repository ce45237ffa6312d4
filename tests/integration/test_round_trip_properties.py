"""Generated valid articles round-trip: file → stored article → API JSON, nothing lost or changed."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, assume, given, settings

from article_feed.domain.urls import canonical_url
from tests.strategies import article_files
from tests.support.api import api_caller, handlers_on_stack
from tests.support.aws import upload_files
from tests.support.examples import examples

_numbers = itertools.count()


@pytest.fixture(scope="module")
def pipeline():
    with handlers_on_stack() as (stack, ingest, api):
        yield stack, ingest, api_caller(api), set()


@settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(case=article_files())
def test_valid_article_round_trips_to_the_api(pipeline, case) -> None:
    stack, ingest, call_api, used_urls = pipeline
    data, expected, body = case
    story = canonical_url(expected["webUrl"])  # one story, one URL: variants of a used one are conflicts
    assume(story not in used_urls)
    used_urls.add(story)
    article_id = f"generated_{next(_numbers)}"
    key = f"generated/{article_id}.md"

    assert upload_files(stack, ingest, {key: data}) == {"outcomes": {"accepted": 1}}

    answer = call_api(f"/articles/{article_id}")
    assert answer.status == 200
    served = answer.json()
    for generated in ("id", "body", "sourceKey", "ingestedAt"):
        served.pop(generated)
    assert served == {name: value for name, value in expected.items() if name != "secured"}
    record = call_api("/ingestions", {"key": key}).json()
    assert record["status"] == "accepted"
    assert answer.json()["body"] == body
