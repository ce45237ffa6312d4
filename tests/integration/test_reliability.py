"""Reliability, round two: each class of the outside review, through the public doors.

Each test names its class (docs/reliability.md lists them): files that failed
forever, keys that could never be fixed, small files with huge cost, Unicode
that split one thing in two, fields the service owns, secrets served,
versioned buckets, reindex forgetting order, the API's cursors and records.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading

import pytest
from botocore.awsrequest import AWSResponse, HTTPHeaders
from botocore.exceptions import ConnectionClosedError, ParamValidationError

from api_function.dependencies import cursor_secret
from article_feed.domain.cursor import encode_cursor
from article_feed.domain.diagnostics import MAX_KEPT
from articlectl.__main__ import main
from articlectl.lambdas import LocalContext
from tests.corpus import render
from tests.support.aws import aws_error, ingestion, on_aws_calls, s3_record, stored_article

GOOD = {"title": "A good title", "webUrl": "https://news.example.com/a", "publishedDateTime": "2021-01-02T03:04:05Z"}
HEAD = "---\ntitle: T\nwebUrl: https://news.example.com/h\npublishedDateTime: 2021-01-02T03:04:05Z\n"
DYNAMODB_ITEM_LIMIT = 400 * 1024


def article(**changes: object) -> bytes:
    return render({**GOOD, **changes}, "body\n")


def front(extra: str) -> bytes:
    return (HEAD + extra + "\n---\nbody\n").encode()


def record_item_size(stack, key: str) -> int:
    item = stack.dynamodb.get_item(TableName=stack.table, Key={"pk": {"S": f"INGEST#{key}"}, "sk": {"S": "R"}})["Item"]
    return sum(len(name) + len(json.dumps(value)) for name, value in item.items())


# --- 1. files that failed forever are rejections, and validate agrees ------------------

FOREVER = {
    "binary_not_utf8": (front("blob: !!binary /w=="), "blob"),
    "integer_too_long_to_print": (front("n: " + "9" * 5000), "n"),
    "hex_integer_too_long": (front("n: 0x" + "f" * 5000), "n"),
    "integer_one_past_json_safe": (front(f"n: {2**53}"), "n"),
    "not_a_number": (front("ratio: .nan"), "ratio"),
    "set": (front("s: !!set {a, b}"), "s"),
    "pairs": (front("p: !!omap [a: 1, b: 2]"), "p[0]"),
    "number_as_nested_key": (front("provider: {1: x}"), "provider"),
    # U+FDFA is one character of three bytes that NFKC turns into eighteen (33 bytes).
    "topic_too_long_once_normalised": (article(topics=["\ufdfa" * 8]), "topics[0]"),
    "category_too_long_once_normalised": (article(category="\ufdfa" * 8), "category"),
}


@pytest.mark.parametrize("case", FOREVER, ids=list(FOREVER))
def test_a_file_that_failed_forever_is_a_rejection_and_validate_agrees(stack, upload, tmp_path, capsys, case) -> None:
    data, loc = FOREVER[case]
    assert upload({f"in/{case}.md": data}) == {"outcomes": {"rejected": 1}}
    record = ingestion(stack, f"in/{case}.md")
    assert loc in [error["loc"] for error in record["errors"]], record["errors"]

    (tmp_path / f"{case}.md").write_bytes(data)
    capsys.readouterr()  # the handler's log lines
    assert main(["validate", "--json", str(tmp_path / f"{case}.md")]) == 1
    assert json.loads(capsys.readouterr().out)["files"][0]["errors"][0]["loc"] == loc


def test_json_safe_integer_at_the_limit_is_kept(stack, upload) -> None:
    upload({"in/limit.md": front(f"n: {2**53 - 1}\nm: -{2**53 - 1}\nquality: {2**53 - 1}")})
    assert ingestion(stack, "in/limit.md")["status"] == "accepted"
    assert stored_article(stack, "limit").document["n"] == 2**53 - 1


def test_topic_at_the_byte_limit_is_kept_and_one_past_is_not(stack, upload) -> None:
    upload({"in/at.md": article(topics=["é" * 128])})  # 256 bytes
    upload({"in/past.md": article(webUrl="https://news.example.com/b", topics=["é" * 128 + "a"])})
    assert ingestion(stack, "in/at.md")["status"] == "accepted"
    assert ingestion(stack, "in/past.md")["errors"][0]["loc"] == "topics[0]"


def test_thousands_of_warnings_keep_the_record_small_and_counted(stack, upload) -> None:
    related = {"title": "R", "webUrl": "https://r.example.com/1", **{f"extra{i}": "x" * 50 for i in range(3000)}}
    upload({"in/noisy.md": article(related=[related])})
    record = ingestion(stack, "in/noisy.md")
    assert record["status"] == "accepted"
    assert len(record["warnings"]) == MAX_KEPT
    assert record["warningCount"] == 3000
    assert record_item_size(stack, "in/noisy.md") < DYNAMODB_ITEM_LIMIT // 2


def test_thousands_of_errors_are_counted(stack, upload) -> None:
    upload({"in/wrong.md": article(images=[{"url": f"ftp://x/{i}"} for i in range(500)])})
    record = ingestion(stack, "in/wrong.md")
    assert len(record["errors"]) == MAX_KEPT
    assert record["errorCount"] == 500


def test_a_deterministic_failure_in_our_own_code_is_a_rejection(stack, upload, monkeypatch) -> None:
    from article_feed.parsing import safe_yaml

    def broken(*_: object) -> object:
        raise RuntimeError("a bug that the same bytes trigger every time")

    monkeypatch.setattr(safe_yaml._NodeBuilder, "build", broken)
    assert upload({"in/bug.md": article()}) == {"outcomes": {"rejected": 1}}
    assert ingestion(stack, "in/bug.md")["errors"][0] == {
        "loc": "(file)",
        "msg": "the file could not be read (RuntimeError)",
        "value": None,
        "line": None,
        "column": None,
    }


def test_an_article_its_items_cannot_be_built_from_is_a_rejection_naming_the_error(stack, upload, monkeypatch):
    """Building the items is pure: what fails once fails every time, so it is recorded, not retried."""
    from article_feed.dynamo.items import ArticleItems

    def unbuildable(*_: object) -> ArticleItems:
        raise OverflowError("date value out of range")

    monkeypatch.setattr(ArticleItems, "build", unbuildable)
    assert upload({"in/odd.md": article()}) == {"outcomes": {"rejected": 1}}
    error = ingestion(stack, "in/odd.md")["errors"][0]
    assert error["msg"] == "the article cannot be stored: OverflowError: date value out of range"
    assert stack.article_items() == []


def _transaction_cancelled(*codes: str) -> tuple[AWSResponse, dict]:
    """DynamoDB's answer to a transaction it cancelled, one reason per action."""
    reasons = [{"Code": code, "Message": f"{code} here"} if code != "None" else {"Code": code} for code in codes]
    error = {"Code": "TransactionCanceledException", "Message": f"Transaction cancelled [{', '.join(codes)}]"}
    return AWSResponse("https://dynamodb", 400, HTTPHeaders(), None), {"Error": error, "CancellationReasons": reasons}


# Each way DynamoDB refuses a write as invalid, and what the rejection then says.
REFUSED = {
    "validation_exception": (
        lambda: aws_error("ValidationException", 400, "TransactWriteItems", "Item size has exceeded the maximum"),
        "Item size has exceeded the maximum",
    ),
    "parameter_refused_before_sending": (
        lambda: ParamValidationError(report="Invalid length for parameter Key"),
        "Parameter validation failed:\nInvalid length for parameter Key",
    ),
    "invalid_action_in_a_transaction": (
        lambda: _transaction_cancelled("None", "ValidationError"),
        "An error occurred (TransactionCanceledException) when calling the TransactWriteItems operation: "
        "Transaction cancelled [None, ValidationError]",
    ),
}
TRANSIENT = {
    "throttling": lambda: aws_error("ThrottlingException", 400, "TransactWriteItems"),
    "server_error": lambda: aws_error("InternalServerError", 500, "TransactWriteItems"),
    "connection_lost": lambda: ConnectionClosedError(endpoint_url="https://dynamodb.us-east-1.amazonaws.com"),
}


def _fail_first_article_write(monkeypatch, make_error) -> None:
    """The first transaction that writes an article (not a record alone) fails: the
    error is raised, or an answer (response, parsed) is given instead of DynamoDB's."""
    calls: list[int] = []

    def hook(params, **_: object) -> object:
        if len(json.loads(params["body"])["TransactItems"]) > 1 and not calls:
            calls.append(1)
            failure = make_error()
            if isinstance(failure, Exception):
                raise failure
            return failure
        return None

    on_aws_calls(monkeypatch, "before-call.dynamodb.TransactWriteItems", hook)


@pytest.mark.parametrize("case", REFUSED)
def test_classifier_a_write_dynamodb_refuses_as_invalid_is_a_rejection(stack, ingest_handler, monkeypatch, case):
    make_error, reason = REFUSED[case]
    _fail_first_article_write(monkeypatch, make_error)
    ingest_handler._dependencies.cache_clear()
    stack.s3.put_object(Bucket=stack.bucket, Key="in/refused.md", Body=article())
    result = ingest_handler.lambda_handler({"Records": [s3_record("in/refused.md")]}, LocalContext("IngestFunction"))
    assert result == {"outcomes": {"rejected": 1}}
    assert ingestion(stack, "in/refused.md")["errors"][0]["msg"] == f"the article cannot be stored: {reason}"
    assert stack.article_items() == []


@pytest.mark.parametrize("case", TRANSIENT)
def test_classifier_a_transient_failure_fails_the_invocation(stack, ingest_handler, monkeypatch, case):
    _fail_first_article_write(monkeypatch, TRANSIENT[case])
    ingest_handler._dependencies.cache_clear()
    stack.s3.put_object(Bucket=stack.bucket, Key="in/retried.md", Body=article())
    with pytest.raises(ingest_handler.IngestFailed):
        ingest_handler.lambda_handler({"Records": [s3_record("in/retried.md")]}, LocalContext("IngestFunction"))
    assert ingestion(stack, "in/retried.md") is None


# --- 2. a key that could never be fixed ----------------------------------------------------


def test_huge_values_are_shown_short_whatever_their_type(stack, upload) -> None:
    upload({"in/huge.md": article(quality="x" * 200_000, heat=[list(range(50))] * 50, published={"a": "b" * 9999})})
    record = ingestion(stack, "in/huge.md")
    assert {error["loc"] for error in record["errors"]} == {"quality", "heat", "published"}
    assert all(isinstance(error["value"], str) and len(error["value"]) <= 200 for error in record["errors"])


def test_an_unreadable_record_never_blocks_its_key(stack, upload, ingest_handler) -> None:
    stack.dynamodb.put_item(
        TableName=stack.table,
        Item={"pk": {"S": "INGEST#in/stuck.md"}, "sk": {"S": "R"}, "record": {"S": '{"key": "in/stuck.md", "val'}},
    )
    upload({"in/stuck.md": article()})
    assert ingestion(stack, "in/stuck.md")["status"] == "accepted"
    stack.s3.delete_object(Bucket=stack.bucket, Key="in/stuck.md")
    ingest_handler.lambda_handler(
        {"Records": [s3_record("in/stuck.md", created=False)]}, LocalContext("IngestFunction")
    )
    assert ingestion(stack, "in/stuck.md")["status"] == "deleted"


# --- 3. small file, huge memory or time ------------------------------------------------------


def test_aliases_are_limited_by_the_text_they_expand_to(stack, upload) -> None:
    big = "x" * 500_000
    data = front(f"a: &big {big}\n" + "".join(f"b{i}: *big\n" for i in range(3)))
    upload({"in/aliases.md": data})
    error = ingestion(stack, "in/aliases.md")["errors"][0]
    assert error["loc"] == "(front matter)"
    assert "characters of text" in error["msg"]


def test_alias_expansion_exactly_at_the_limit_passes_and_one_past_fails() -> None:
    from article_feed.parsing import FileRejected
    from article_feed.parsing.safe_yaml import compose, construct

    text = "a: &x " + "y" * 100 + "\nb: *x\n"  # keys 'a' and 'b' and twice 100 characters: 202
    assert construct(compose(text), 202) == {"a": "y" * 100, "b": "y" * 100}
    with pytest.raises(FileRejected, match="characters of text"):
        construct(compose(text), 201)


def test_many_unknown_keys_are_counted_not_each_scanned(stack, upload) -> None:
    keys = "".join(f"k{i}: {i}\n" for i in range(40_000))
    upload({"in/keys.md": front(keys)})
    record = ingestion(stack, "in/keys.md")
    # Too much to serve in a list entry, and said so; the warnings were counted on the way.
    assert record["status"] == "rejected"
    assert record["warningCount"] == 40_000
    assert len(record["warnings"]) == MAX_KEPT


# --- 4. Unicode that split one thing in two ---------------------------------------------------


def test_one_topic_however_it_is_written(stack, upload, call_api) -> None:
    upload(
        {
            "u/composed.md": article(topics=["Café", "AI"]),
            "u/decomposed.md": article(webUrl="https://news.example.com/2", topics=["Cafe\u0301", "AI\u200b"]),
        }
    )
    topics = call_api("/topics").json()["items"]
    assert sorted(item["count"] for item in topics) == [2, 2]
    found = call_api("/articles", {"topic": "CAFE\u0301"}).json()["items"]
    assert {item["id"] for item in found} == {"composed", "decomposed"}
    assert {tuple(item["topics"]) for item in found} == {("Café", "AI"), ("Cafe\u0301", "AI\u200b")}  # as written


def test_a_topic_of_only_zero_width_characters_is_dropped(stack, upload) -> None:
    upload({"u/empty.md": article(topics=["\u200b", "AI"])})
    assert stored_article(stack, "empty").document["topics"] == ["AI"]


# --- 5. fields the service owns -------------------------------------------------------------


@pytest.mark.parametrize("name", ["id", "sourceKey", "ingestedAt", "body"])
def test_a_field_the_service_owns_is_rejected(stack, upload, call_api, name) -> None:
    upload({"own/real.md": article(**{name: "999_someone_else"})})
    record = ingestion(stack, "own/real.md")
    assert record["status"] == "rejected"
    assert [error["loc"] for error in record["errors"]] == [name]
    assert call_api("/articles/real").status == 404


# --- 6. secrets ------------------------------------------------------------------------------


SECRET = "s3cr3t-payload"


def test_secured_at_any_depth_is_stored_and_never_served(stack, upload, call_api) -> None:
    nested = {
        "secured": SECRET,
        "provider": {
            "name": "P",
            "domain": "p.example.com",
            "secured": SECRET,
            "images": [{"url": "/l.png", "secured": SECRET}],
        },
        "images": [{"url": "https://i.example.com/a.png", "secured": SECRET}],
        "related": [{"title": "R", "webUrl": "https://r.example.com/1", "secured": SECRET}],
        "extra": {"deeper": [{"secured": SECRET}]},
        "topics": ["AI"],
    }
    upload({"sec/deep.md": article(**nested)})
    assert SECRET in json.dumps(stored_article(stack, "deep").document)  # stored
    for path, query in [("/articles/deep", None), ("/articles", None), ("/articles", {"topic": "ai"})]:
        assert SECRET not in call_api(path, query).body.decode()
    assert SECRET not in json.dumps(ingestion(stack, "sec/deep.md"))  # warnings name the field, never its value


def test_a_mistyped_secured_value_is_never_echoed(stack, upload, call_api) -> None:
    upload({"sec/typo.md": article(secured={"token": SECRET}, related=[{"title": "R", "webUrl": "x", "secured": 7}])})
    record = ingestion(stack, "sec/typo.md")
    assert {error["loc"] for error in record["errors"]} >= {"secured"}
    assert SECRET not in json.dumps(record)
    assert SECRET not in call_api("/ingestions", {"key": "sec/typo.md"}).body.decode()


def test_a_secured_inside_an_erroneous_value_is_hidden(stack, upload) -> None:
    upload({"sec/inside.md": article(provider=[{"secured": SECRET}])})
    error = ingestion(stack, "sec/inside.md")["errors"][0]
    assert error["loc"] == "provider"
    assert SECRET not in error["value"]


# --- 7. versioned bucket: the article follows what S3 holds now ----------------------------------


def _put(stack, key: str, data: bytes) -> dict:
    response = stack.s3.put_object(Bucket=stack.bucket, Key=key, Body=data)
    return s3_record(key, size=len(data), version_id=response["VersionId"])


def _remove(stack, ingest_handler, key: str, version_id: str | None = None) -> dict:
    response = stack.s3.delete_object(Bucket=stack.bucket, Key=key, **({"VersionId": version_id} if version_id else {}))
    removed = response.get("VersionId") or version_id
    return ingest_handler.lambda_handler(
        {"Records": [s3_record(key, created=False, version_id=removed)]}, LocalContext("IngestFunction")
    )


def test_deleting_an_old_version_leaves_the_article_as_it_is(stack, ingest_handler, call_api) -> None:
    first = _put(stack, "v/story.md", article(title="First"))
    second = _put(stack, "v/story.md", article(title="Second"))
    ingest_handler.lambda_handler({"Records": [first, second]}, LocalContext("IngestFunction"))
    before = call_api("/articles/story").json()

    result = _remove(stack, ingest_handler, "v/story.md", first["s3"]["object"]["versionId"])

    assert result == {"outcomes": {"unchanged": 1}}
    assert call_api("/articles/story").json() == before


def test_a_delete_marker_removes_the_article_and_removing_it_brings_it_back(stack, ingest_handler, call_api) -> None:
    ingest_handler.lambda_handler(
        {"Records": [_put(stack, "v/story.md", article(title="Kept"))]}, LocalContext("IngestFunction")
    )
    marker = stack.s3.delete_object(Bucket=stack.bucket, Key="v/story.md")["VersionId"]
    ingest_handler.lambda_handler(
        {"Records": [s3_record("v/story.md", created=False, version_id=marker)]}, LocalContext("IngestFunction")
    )
    assert call_api("/articles/story").status == 404

    assert _remove(stack, ingest_handler, "v/story.md", marker) == {"outcomes": {"accepted": 1}}
    assert call_api("/articles/story").json()["title"] == "Kept"


def test_deleting_the_current_version_serves_the_one_before(stack, ingest_handler, call_api) -> None:
    first = _put(stack, "v/story.md", article(title="First"))
    second = _put(stack, "v/story.md", article(title="Second"))
    ingest_handler.lambda_handler({"Records": [first, second]}, LocalContext("IngestFunction"))
    _remove(stack, ingest_handler, "v/story.md", second["s3"]["object"]["versionId"])
    assert call_api("/articles/story").json()["title"] == "First"
    # The removal's event names no version now current: the record names the one read.
    current = stack.s3.head_object(Bucket=stack.bucket, Key="v/story.md")
    record = ingestion(stack, "v/story.md")
    assert (record["etag"], record["versionId"]) == (current["ETag"].strip('"'), first["s3"]["object"]["versionId"])


# --- 8. reindex keeps the order it knows ----------------------------------------------------------


def test_reindex_keeps_the_last_sequencer_so_a_late_old_event_is_stale(stack, ingest_handler, capsys) -> None:
    import boto3

    from articlectl import reindex

    old = _put(stack, "r/story.md", article(title="Old"))
    new = _put(stack, "r/story.md", article(title="New"))
    old["s3"]["object"]["sequencer"], new["s3"]["object"]["sequencer"] = "0010", "0020"
    ingest_handler.lambda_handler({"Records": [new]}, LocalContext("IngestFunction"))

    assert reindex.run(boto3.session.Session(), stack.bucket, stack.table, "", 1024 * 1024, None) == 0
    assert ingestion(stack, "r/story.md")["sequencer"] == "0020"

    assert ingest_handler.lambda_handler({"Records": [old]}, LocalContext("IngestFunction")) == {
        "outcomes": {"stale": 1}
    }
    assert stored_article(stack, "story").document["title"] == "New"


# --- 9. the API: cursors, refused requests, signed records ----------------------------------------


def _forged(cursor: str, secret: bytes, change) -> str:
    payload = cursor.split(".")[0]
    content = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return encode_cursor(change(dict(content["p"])), content["q"], secret)


POSITIONS = {
    "another_list": lambda p: p | {"list_pk": "TOPIC#ai"},
    "another_article_than_its_entry": lambda p: p | {"pk": "ARTICLE#someone-else"},
    "another_index_entry": lambda p: p | {"sk": "IDX#TOPIC#ai"},
    "an_extra_key": lambda p: p | {"n": "1"},
    "a_missing_key": lambda p: {name: value for name, value in p.items() if name != "sk"},
    "outside_the_date_range": lambda p: p | {"list_sk": "0001-01-01T00:00:00.000000Z#a"},
}


@pytest.mark.parametrize("case", POSITIONS)
def test_a_signed_cursor_whose_position_is_not_this_querys_is_a_400(stack, upload, api_handler, call_api, case):
    secret = "x" * 40
    api_handler.app.dependency_overrides[cursor_secret] = lambda: secret.encode()
    upload({f"c/{i}.md": article(webUrl=f"https://news.example.com/{i}") for i in range(3)})
    cursor = call_api("/articles", {"limit": "1", "from": "2000-01-01"}).json()["nextCursor"]

    answer = call_api(
        "/articles", {"limit": "1", "from": "2000-01-01", "cursor": _forged(cursor, secret.encode(), POSITIONS[case])}
    )

    assert answer.status == 400, answer.body
    assert answer.json()["detail"] == "cursor: cursor does not belong to this query"


SEARCH_POSITIONS = {
    "before_the_date_range": lambda p: {"after": "0001-01-01T00:00:00.000000Z"},
    "after_the_date_range": lambda p: {"after": "9999-12-31T00:00:00.000000Z#~~"},
    "an_extra_key": lambda p: p | {"n": "1"},
}


@pytest.mark.parametrize("case", SEARCH_POSITIONS)
def test_a_signed_search_cursor_whose_position_is_not_this_querys_is_a_400(
    stack, upload, api_handler, call_api, case
) -> None:
    from tests.support.aws import deliver_stream

    secret = b"y" * 40
    api_handler.app.dependency_overrides[cursor_secret] = lambda: secret
    upload({f"c/{i}.md": article(webUrl=f"https://news.example.com/{i}", title=f"Robots {i}") for i in range(3)})
    deliver_stream(stack)
    query = {"q": "robots", "limit": "1", "from": "2000-01-01", "to": "2030-01-01"}
    cursor = call_api("/articles", query).json()["nextCursor"]
    assert call_api("/articles", query | {"cursor": _forged(cursor, secret, lambda p: p)}).status == 200

    answer = call_api("/articles", query | {"cursor": _forged(cursor, secret, SEARCH_POSITIONS[case])})

    assert answer.status == 400, answer.body
    assert answer.json()["detail"] == "cursor: cursor does not belong to this query"


def test_a_request_dynamodb_refuses_is_a_400_not_an_outage(stack, api_handler, call_api, monkeypatch) -> None:
    def refuse(**_: object) -> None:
        raise aws_error("ValidationException", 400, "Query")

    on_aws_calls(monkeypatch, "before-call.dynamodb.Query", refuse)
    answer = call_api("/articles", {"topic": "ai"})
    assert answer.status == 400
    assert "topic" in answer.json()["detail"]


def test_without_a_configured_secret_each_container_makes_its_own(stack, upload, api_handler, call_api) -> None:
    upload({f"c/{i}.md": article(webUrl=f"https://news.example.com/{i}") for i in range(2)})
    cursor = call_api("/articles", {"limit": "1"}).json()["nextCursor"]
    api_handler.app.dependency_overrides[cursor_secret] = lambda: secrets.token_bytes(32)  # a new container
    assert call_api("/articles", {"limit": "1", "cursor": cursor}).status == 400


def test_articlectl_status_signs_its_request_and_prints_the_record(stack, upload, api_handler, capsys) -> None:
    from articlectl.dev import api_server

    upload({"s/post.md": article(quality=-1)})
    capsys.readouterr()
    seen: list[dict] = []

    def handler(event, context):
        seen.append(event["headers"])
        return api_handler.lambda_handler(event, context)

    server = api_server("127.0.0.1", 0, handler, LocalContext("ApiFunction"))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        code = main(["status", "s/post.md", "--api-url", f"http://127.0.0.1:{server.server_address[1]}"])
    finally:
        server.shutdown()
        server.server_close()
    assert code == 1  # rejected
    printed = json.loads(capsys.readouterr().out)
    assert (printed["status"], printed["errors"][0]["loc"]) == ("rejected", "quality")
    authorization = next(value for name, value in seen[0].items() if name.lower() == "authorization")
    assert authorization.startswith("AWS4-HMAC-SHA256 Credential=")
    assert "/us-east-1/execute-api/aws4_request" in authorization


# --- what one DynamoDB item can hold, at the limit and one past ------------------------


def _summary_bytes(data: bytes) -> int:
    from article_feed.domain.views import summary_view
    from article_feed.parsing.checks import check_article

    checked = check_article("in/x.md", data, max_bytes=1024 * 1024)
    assert checked.article is not None, checked.errors
    return len(json.dumps(summary_view(checked.article.to_document()), ensure_ascii=False).encode())


def test_a_front_matter_at_the_summary_limit_is_stored_and_one_byte_more_is_not(stack, upload) -> None:
    from article_feed.parsing.checks import MAX_FRONT_MATTER_SUMMARY_BYTES

    limit = MAX_FRONT_MATTER_SUMMARY_BYTES
    length = limit - _summary_bytes(article(excerpt="x")) + 1  # one byte per ASCII character of the excerpt
    at, past = article(excerpt="x" * length), article(webUrl="https://news.example.com/b", excerpt="x" * (length + 1))
    assert _summary_bytes(at) == limit

    upload({"in/at.md": at, "in/past.md": past})

    assert ingestion(stack, "in/at.md")["status"] == "accepted"
    assert stored_article(stack, "at").document["excerpt"] == "x" * length
    errors = ingestion(stack, "in/past.md")["errors"]
    assert [(error["loc"], error["msg"]) for error in errors] == [
        (
            "(front matter)",
            f"the article without related, body and secured is larger than {limit} bytes as JSON ({limit + 1}); "
            "shorten the excerpt or the unknown fields",
        )
    ]
    assert stored_article(stack, "past") is None


def test_a_body_too_large_to_store_even_compressed_is_refused_naming_the_body(stack, upload) -> None:
    from article_feed.domain.limits import MAX_STORED_DOCUMENT_BYTES

    noise = base64.b85encode(secrets.token_bytes(600_000)).decode()  # about 750 KB that barely compresses
    upload({"in/huge.md": render(GOOD, noise)})

    errors = ingestion(stack, "in/huge.md")["errors"]
    assert [error["loc"] for error in errors] == ["body"]
    assert errors[0]["msg"].startswith(
        f"the article is larger than {MAX_STORED_DOCUMENT_BYTES} bytes even compressed ("
    )
    assert stack.article_items() == []
