"""The field table's rules, each with the exact message a curator reads: URLs,
image paths, host names, key text, topics, date-times and service fields."""

from __future__ import annotations

import pytest

from article_feed.parsing.checks import check_article

HEAD = "---\ntitle: T\nwebUrl: https://e.com/a\npublishedDateTime: 2020-01-01T00:00:00Z\n"
HOST = "must be a host name such as example.com"
IMAGE = "must be an http(s) URL or a site-relative path starting with /"
MOMENT = "must be an ISO 8601 date-time, e.g. 2020-03-29T15:30:00Z"


def errors(front_matter: str) -> list[tuple[str, str]]:
    checked = check_article("in/a.md", f"{HEAD}{front_matter}\n---\n".encode(), max_bytes=1 << 20)
    return [(error.loc, error.msg) for error in checked.errors]


@pytest.mark.parametrize(
    ("front_matter", "expected"),
    [
        ('images: [{url: "ftp://x"}]', [("images[0].url", IMAGE)]),
        ('images: [{url: "//cdn.example.com/a.png"}]', [("images[0].url", IMAGE)]),  # another host, no scheme
        ('ampWebUrl: "ftp://x"', [("ampWebUrl", "must be an http(s) URL")]),
        ('ampWebUrl: "https://"', [("ampWebUrl", "must be an http(s) URL with a host name")]),
        ('ampWebUrl: "http://[::1"', [("ampWebUrl", "must be an http(s) URL with a host name")]),
        ('provider: {domain: "-a.com"}', [("provider.domain", HOST)]),
        ('provider: {domain: "a-.com"}', [("provider.domain", HOST)]),
        ('provider: {domain: "a..com"}', [("provider.domain", HOST)]),
        ('provider: {domain: ".example.com"}', [("provider.domain", HOST)]),
        ('provider: {domain: "a_b.com"}', [("provider.domain", HOST)]),
        ('provider: {domain: "例え.jp"}', [("provider.domain", HOST)]),
        (
            "topics: [" + ",".join(f"t{i}" for i in range(21)) + "]",
            [("topics", "at most 20 topics are allowed, found 21")],
        ),
        ("category: " + "x" * 257, [("category", "must be at most 256 bytes of UTF-8 once normalised, found 257")]),
        ("updatedDateTime: yesterday", [("updatedDateTime", MOMENT)]),
        ("updatedDateTime: 12345", [("updatedDateTime", MOMENT)]),  # an epoch number is almost always a typo
        (
            'updatedDateTime: "0001-01-01T00:00:00+05:00"',
            [("updatedDateTime", "is out of range once converted to UTC")],
        ),
        ("id: mine", [("id", "is set by the service, not by the file: remove this field")]),
    ],
)
def test_a_value_breaking_a_rule_is_refused_with_its_message(front_matter: str, expected) -> None:
    assert errors(front_matter) == expected


@pytest.mark.parametrize(
    "front_matter",
    [
        'images: [{url: "/assets/logo.png"}]',  # site-relative, as real provider logos are
        'images: [{url: "https://cdn.example.com/a.png"}]',
        'provider: {domain: "example.com."}',  # a fully qualified name
        'provider: {domain: "a-b.example.com"}',
        'provider: {domain: "xn--bcher-kva.example"}',
        'provider: {domain: "X"}',  # one label
        "topics: [" + ",".join(f"t{i}" for i in range(20)) + "]",
    ],
)
def test_a_value_within_the_rules_is_accepted(front_matter: str) -> None:
    assert errors(front_matter) == []


def test_a_date_time_without_a_zone_is_taken_as_utc_with_a_warning_where_it_is() -> None:
    data = (
        "---\ntitle: T\nwebUrl: https://e.com/a\npublishedDateTime: 2020-01-01T10:00:00\n"
        'related:\n  - {title: R, webUrl: "https://e.com/r", updatedDateTime: "2020-01-02 03:04:05"}\n---\n'
    )
    checked = check_article("in/a.md", data.encode(), max_bytes=1 << 20)
    message = "date-time has no time zone; it is taken as UTC"
    assert [(w.loc, w.msg, w.value, w.line, w.column) for w in checked.warnings] == [
        ("publishedDateTime", message, "2020-01-01T10:00:00", 4, 1),
        ("related[0].updatedDateTime", message, "2020-01-02 03:04:05", 6, 43),
    ]
    assert checked.article is not None
    document = checked.article.to_document()
    assert (document["publishedDateTime"], document["related"][0]["updatedDateTime"]) == (
        "2020-01-01T10:00:00Z",
        "2020-01-02T03:04:05Z",
    )


@pytest.mark.parametrize(
    ("written", "served"),
    [
        ("2020-01-01T10:00:00", "2020-01-01T10:00:00Z"),  # no zone: UTC, not the host's zone
        ("2020-01-02", "2020-01-02T00:00:00Z"),
        ('"2020-01-01T10:00:00+05:00"', "2020-01-01T05:00:00Z"),
        ('"2020-01-01 10:00:00-03:00"', "2020-01-01T13:00:00Z"),
    ],
)
@pytest.mark.usefixtures("host_in_tokyo")
def test_date_times_are_utc_whatever_the_host_zone(written: str, served: str) -> None:
    from datetime import timedelta

    data = f"---\ntitle: T\nwebUrl: https://e.com/a\npublishedDateTime: {written}\n---\n"
    article = check_article("in/a.md", data.encode(), max_bytes=1 << 20).article
    assert article is not None
    assert article.published_date_time.utcoffset() == timedelta(0)
    assert article.to_document()["publishedDateTime"] == served


@pytest.mark.usefixtures("host_in_tokyo")
def test_date_times_as_other_yaml_loaders_give_them_are_read_too() -> None:
    """PyYAML's default loader (the benchmark's baseline) gives datetime and date objects."""
    from datetime import UTC, date, datetime, timedelta, timezone

    from article_feed.domain.model import Article, is_zone_less

    base = {"title": "T", "webUrl": "https://e.com/a"}
    for written, served in [
        (date(2020, 1, 2), "2020-01-02T00:00:00Z"),
        (datetime(2020, 1, 2, 3, 4, 5), "2020-01-02T03:04:05Z"),
        (datetime(2020, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2))), "2020-01-02T01:04:05Z"),
    ]:
        article = Article.model_validate(base | {"publishedDateTime": written})
        assert article.published_date_time.tzinfo is UTC
        assert article.to_document()["publishedDateTime"] == served
    assert [
        is_zone_less(value) for value in (date(2020, 1, 2), datetime(2020, 1, 2), datetime(2020, 1, 2, tzinfo=UTC))
    ] == [
        True,
        True,
        False,
    ]
    assert [is_zone_less(value) for value in ("2020-01-02T03:04:05", "2020-01-02T03:04:05Z", "soon", 12345)] == [
        True,
        False,
        False,
        False,
    ]
