"""One story, one URL: the canonical form `webUrl` uniqueness compares (SPEC,
"Curator tools and richer queries")."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from article_feed.domain.urls import canonical_url

STORY = "https://news.example.com/2020/story?id=7&page=2"

SAME_STORY = {
    "http instead of https": "http://news.example.com/2020/story?id=7&page=2",
    "the host's case": "https://NEWS.Example.COM/2020/story?id=7&page=2",
    "a leading www.": "https://www.news.example.com/2020/story?id=7&page=2",
    "the default port": "https://news.example.com:443/2020/story?id=7&page=2",
    "http's default port": "http://news.example.com:80/2020/story?id=7&page=2",
    "a fragment": "https://news.example.com/2020/story?id=7&page=2#comments",
    "a trailing slash": "https://news.example.com/2020/story/?id=7&page=2",
    "utm parameters": "https://news.example.com/2020/story?utm_source=x&id=7&UTM_Medium=y&page=2",
    "click ids": "https://news.example.com/2020/story?id=7&fbclid=a&gclid=b&page=2&mc_cid=c&mc_eid=d",
    "the parameters' order": "https://news.example.com/2020/story?page=2&id=7",
    "the host's trailing dot": "https://news.example.com./2020/story?id=7&page=2",
    "a click id whose value holds =": "https://news.example.com/2020/story?id=7&fbclid=a=b&page=2",
    "a utm parameter whose value holds =": "https://news.example.com/2020/story?id=7&utm_term=a=b&page=2",
    "all at once": "HTTP://WWW.News.Example.com:80/2020/story/?page=2&utm_campaign=z&id=7#top",
}

ANOTHER_STORY = {
    "the path's case": "https://news.example.com/2020/Story?id=7&page=2",
    "percent-encoding": "https://news.example.com/2020/st%6Fry?id=7&page=2",
    "a parameter's value": "https://news.example.com/2020/story?id=8&page=2",
    "a parameter more": "https://news.example.com/2020/story?id=7&page=2&lang=de",
    "another port": "https://news.example.com:8443/2020/story?id=7&page=2",
    "http on https's port": "http://news.example.com:443/2020/story?id=7&page=2",
    "another subdomain": "https://m.news.example.com/2020/story?id=7&page=2",
    "another path": "https://news.example.com/2021/story?id=7&page=2",
    "a path ending in X": "https://news.example.com/2020/storyX?id=7&page=2",
}


def test_repeated_parameters_keep_their_order_whatever_their_values_hold() -> None:
    assert canonical_url("https://e.com/s?b=1&a=z=1&a=b") == "e.com/s?a=z=1&a=b&b=1"
    assert canonical_url("https://e.com/s?b=1&a=b&a=z=1") == "e.com/s?a=b&a=z=1&b=1"


@pytest.mark.parametrize("variant", SAME_STORY)
def test_variants_of_one_story_share_the_canonical_url(variant) -> None:
    assert canonical_url(SAME_STORY[variant]) == canonical_url(STORY)


@pytest.mark.parametrize("variant", ANOTHER_STORY)
def test_differences_that_name_another_page_stay_different(variant) -> None:
    assert canonical_url(ANOTHER_STORY[variant]) != canonical_url(STORY)


def test_repeated_parameters_keep_their_order() -> None:
    assert canonical_url("https://e.com/a?tag=b&tag=a") != canonical_url("https://e.com/a?tag=a&tag=b")
    assert canonical_url("https://e.com/a?z=1&tag=b&tag=a") == canonical_url("https://e.com/a?tag=b&tag=a&z=1")


def test_the_canonical_form_reads_like_the_url() -> None:
    assert canonical_url("HTTPS://www.Example.com:443/a/?b=2&utm_x=1&a=1#f") == "example.com/a?a=1&b=2"
    assert canonical_url("https://[2001:db8::1]:8080/a") == "[2001:db8::1]:8080/a"
    assert canonical_url("https://user@www.example.com/") == "user@example.com"


def test_urls_the_model_would_refuse_do_not_break_it() -> None:
    assert canonical_url("http://[") == "http://["
    assert canonical_url("https://www.E.com:99999/a/") == "e.com:99999/a"
    assert canonical_url("https://e.com:x/") == "e.com:x"


@given(st.text(max_size=80))
def test_any_text_has_a_canonical_form(text) -> None:
    assert isinstance(canonical_url("https://e.com/" + text), str)
    assert isinstance(canonical_url(text), str)
    assert isinstance(canonical_url("http://[" + text), str)
    assert isinstance(canonical_url("https://e.com:" + text), str)
