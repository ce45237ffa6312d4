"""Each kind of rejection names its field, its line and column and what was wrong,
exactly: curators jump to the spot from `validate`, and a careless edit of one
message, line offset or value shows here."""

from __future__ import annotations

from typing import Any

import pytest

from article_feed.domain.records import ObjectEvent
from article_feed.ingest import IngestSettings, ingest_object_event
from article_feed.parsing import parse_article_file
from articlectl.validate import check_file
from tests.support.fakes import FakeObjects, FakeStore

HEAD = "---\ntitle: T\nwebUrl: https://e.com/a\npublishedDateTime: 2020-01-01T00:00:00Z\n"  # front matter: lines 2-4
DEEP = "msg", "front matter is nested more than 32 levels deep"
NOT_FINITE = "must be a finite number (NaN and infinities are not JSON)"
AS_TEXT = "cannot be served as JSON: write it as text"

LONG_PAD = "pad:\n" + "  - a\n" * 1000  # lines 5-1005

CASES: dict[str, tuple[str, dict[str, Any]]] = {
    # The root mapping and 32 lists: 33 containers. The 32nd `[` is at column 3 + 32.
    "nested past the limit": (
        "x: " + "[" * 32 + "]" * 32 + "\n",
        {"loc": "(front matter)", DEEP[0]: DEEP[1], "line": 5, "column": 35},
    ),
    # The same, in a file with enough lines to be checked by events before it is composed.
    "nested past the limit, long file": (
        "x: " + "[" * 32 + "]" * 32 + "\npad:\n" + "  - a\n" * 600,
        {"loc": "(front matter)", DEEP[0]: DEEP[1], "line": 5, "column": 35},
    ),
    "recursive alias": (
        "x: &a\n  - *a\n",
        {
            "loc": "(front matter)",
            "msg": "a YAML alias refers to a node that contains it (recursive alias)",
            "line": 5,
            "column": 4,
        },
    ),
    "duplicate key": (
        "x: 1\n\nx: 2\n",
        {
            "loc": "x",
            "msg": "duplicate key: each key may appear once in a mapping",
            "value": "x",
            "line": 7,
            "column": 1,
        },
    ),
    "duplicate key beside a merge key": (
        "m:\n  <<: {k: 1}\n  a: 1\n  a: 2\n",
        {
            "loc": "a",
            "msg": "duplicate key: each key may appear once in a mapping",
            "value": "a",
            "line": 8,
            "column": 3,
        },
    ),
    "aliases expanding past 100,000 values": (
        "l: &l [" + ",".join(["0"] * 1000) + "]\nm: [" + ",".join(["*l"] * 100) + "]\n",
        {"loc": "(front matter)", "msg": "YAML aliases expand to more than 100000 values", "line": 6, "column": 4},
    ),
    "a field the service owns": (
        "id: mine\n",
        {
            "loc": "id",
            "msg": "is set by the service, not by the file: remove this field",
            "value": "mine",
            "line": 5,
            "column": 1,
        },
    ),
    "a bad value inside related": (
        "related:\n  - title: R\n    webUrl: ftp://e.com/r\n",
        {"loc": "related[0].webUrl", "msg": "must be an http(s) URL", "value": "ftp://e.com/r", "line": 7, "column": 5},
    ),
    "YAML syntax error": (
        "title2: [\n",
        {
            "loc": "(front matter)",
            "msg": "YAML syntax error: while parsing a flow node, did not find expected node content",
            "line": 6,
            "column": 1,
        },
    ),
    "YAML syntax error in a block": (
        "x:\n  - a\n b: c\n",
        {
            "loc": "(front matter)",
            "msg": "YAML syntax error: while parsing a block mapping, did not find expected key",
            "line": 7,
            "column": 2,
        },
    ),
    "YAML syntax error without a context": (
        "a: b: c\n",
        {
            "loc": "(front matter)",
            "msg": "YAML syntax error: mapping values are not allowed in this context",
            "line": 5,
            "column": 5,
        },
    ),
    # Long files (checked by events before they are composed) give the same diagnostics.
    "YAML syntax error, long file": (
        LONG_PAD + "title2: [\n",
        {
            "loc": "(front matter)",
            "msg": "YAML syntax error: while parsing a flow node, did not find expected node content",
            "line": 1007,
            "column": 1,
        },
    ),
    "a control character, long file": (
        LONG_PAD + "x: a\x07b\n",
        {
            "loc": "(front matter)",
            "msg": "YAML syntax error: unacceptable character #x0007: control characters are not allowed",
            "line": 1006,
            "column": 5,
        },
    ),
    "a control character": (
        "x: a\x07b\n",
        {
            "loc": "(front matter)",
            "msg": "YAML syntax error: unacceptable character #x0007: control characters are not allowed",
            "line": 5,
            "column": 5,
        },
    ),
    "not a number": (".nan", {"loc": "x", "msg": NOT_FINITE, "line": 5, "column": 1}),
    "minus infinity in a list": ("[1, -.inf]", {"loc": "x[1]", "msg": NOT_FINITE, "line": 5, "column": 8}),
    "infinity in a mapping": ("{z: .inf}", {"loc": "x.z", "msg": NOT_FINITE, "line": 5, "column": 5}),
    "a number as a field name": (
        "{2: two}",
        {"loc": "x", "msg": "field names must be text, found int", "line": 5, "column": 1},
    ),
    "binary data": ("!!binary aGk=", {"loc": "x", "msg": f"binary data (!!binary) {AS_TEXT}", "line": 5, "column": 1}),
    "a set": ("!!set {a, b}", {"loc": "x", "msg": f"a set (!!set) {AS_TEXT}", "line": 5, "column": 1}),
    "pairs": ("!!omap [a: 1]", {"loc": "x[0]", "msg": f"pairs (!!omap or !!pairs) {AS_TEXT}", "line": 5, "column": 12}),
    "an integer of more digits than 2^53 - 1 has": (
        "[1, -123456789012345678901]",
        {"loc": "x[1]", "msg": "integers must be at most 9007199254740991 in size (JSON-safe)", "line": 5, "column": 8},
    ),
    "an integer past 2^53 - 1": (
        "[1, 9007199254740992]",
        {"loc": "x[1]", "msg": "integers must be at most 9007199254740991 in size (JSON-safe)", "line": 5, "column": 8},
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_a_rejection_names_field_line_column_and_reason(case) -> None:
    text, expected = CASES[case]
    if not text.endswith("\n"):  # a value of `x`
        text = f"x: {text}\n"
    errors = parse_article_file((HEAD + text + "---\n").encode()).errors
    assert [error.model_dump(exclude_none=True) for error in errors] == [expected]


def test_nesting_at_the_limit_is_accepted_in_short_and_long_files() -> None:
    for padding in ("", "pad:\n" + "  - a\n" * 600):  # the second is checked by events first
        parsed = parse_article_file((HEAD + "x: " + "[" * 31 + "]" * 31 + "\n" + padding + "---\n").encode())
        assert parsed.errors == []


def test_an_alias_nests_its_whole_value_where_it_stands() -> None:
    """The depth limit counts what an alias brings: a deep anchored value repeated
    deeper down was accepted, and a chain of them an article pydantic could not even
    serialize ("Maximum serialization depth exceeded")."""
    anchored = "x: &A " + "[" * 30 + "0" + "]" * 30 + "\n"  # the root, then 30 lists: 31 containers
    at_the_limit = parse_article_file((HEAD + anchored + "y: [*A]\n---\n").encode())
    assert at_the_limit.errors == []
    empty_inside = "x: &A " + "[" * 30 + "]" * 30 + "\n"  # an empty list is one container too
    assert parse_article_file((HEAD + empty_inside + "y: [*A]\n---\n").encode()).errors == []
    assert parse_article_file((HEAD + empty_inside + "y: [[*A]]\n---\n").encode()).errors != []
    one_past = parse_article_file((HEAD + anchored + "y: [[*A]]\n---\n").encode())
    assert [error.model_dump(exclude_none=True) for error in one_past.errors] == [
        {"loc": "(front matter)", "msg": "front matter is nested more than 32 levels deep", "line": 5, "column": 4}
    ]
    chain = "".join(f"a{n}: &A{n} " + "[" * 29 + f"*A{n - 1}" + "]" * 29 + "\n" for n in range(1, 50))
    chained = parse_article_file((HEAD + "a0: &A0 [0]\n" + chain + "---\n").encode())
    assert [error.msg for error in chained.errors] == ["front matter is nested more than 32 levels deep"]


@pytest.mark.parametrize(
    "deep",
    [
        "x: " + "[" * 32 + "]" * 32 + "\n",
        # Closed lists before the deep part: the depth goes down with each end, by one.
        "x: [[[0], [0]], " + "[" * 31 + "]" * 31 + "]\n",
    ],
)
def test_a_long_file_nested_too_deep_is_refused_before_it_is_composed(monkeypatch, deep) -> None:
    """libyaml's composer recurses in C: a deep enough document would crash the process."""
    from article_feed.parsing import safe_yaml

    def composed(*_: object) -> None:
        raise AssertionError("the composer was given a document nested too deep")

    monkeypatch.setattr(safe_yaml._ArticleYamlLoader, "get_single_node", composed)
    errors = parse_article_file((HEAD + deep + LONG_PAD + "---\n").encode()).errors
    assert [(error.loc, error.msg) for error in errors] == [("(front matter)", DEEP[1])]


def test_a_file_over_the_limit_shows_its_size_where_it_is_known(tmp_path) -> None:
    expected = {"loc": "(file)", "msg": "file is larger than the limit of 100 bytes", "value": "101"}
    # Ingest knows the size from the event, and reads nothing.
    store = FakeStore()
    event = ObjectEvent("articles", "a/x.md", True, "01", 101, None, None)
    assert ingest_object_event(event, FakeObjects(), store, IngestSettings(max_bytes=100)).outcome == "rejected"
    assert [error.model_dump(exclude_none=True) for error in store.records["a/x.md"].errors] == [expected]
    # validate knows it from the file system, and reads nothing either.
    path = tmp_path / "x.md"
    path.write_bytes(b"x" * 101)
    assert [error.model_dump(exclude_none=True) for error in check_file(path, 100).errors] == [expected]
    path.write_bytes(b"x" * 100)  # at the limit: read, and judged on its content
    assert [error.loc for error in check_file(path, 100).errors] == ["(front matter)"]  # no --- line
    # Bytes handed to the parser past the limit (cut at limit + 1): no size to show.
    assert parse_article_file(b"x" * 101, max_bytes=100).errors[0].model_dump(exclude_none=True) == {
        "loc": "(file)",
        "msg": "file is larger than the limit of 100 bytes",
    }


def _built(text: str) -> Any:
    from article_feed.parsing import FileRejected
    from article_feed.parsing.safe_yaml import compose, construct

    try:
        return construct(compose(text))
    except FileRejected as rejected:
        return rejected.diagnostic.msg


def _zeros(count: int) -> str:
    return "[" + ",".join(["0"] * count) + "]"


def test_null_true_and_text_beside_a_value_pyyaml_builds_pass_its_json_check() -> None:
    # A hexadecimal number is built by PyYAML, so the whole document is checked for JSON.
    assert _built("x: [null, true, text, 0x1F, ~]\n") == {"x": [None, True, "text", 31, None]}


def test_values_behind_a_merge_key_count_like_any_others_up_to_the_limit() -> None:
    # Values, each counted once per use of an alias: the root 1; `l` 1 + (1 + n);
    # `m` 1 + (1 + `<<` (1 + 3) + `a` (1 + 1 + n)); `z` 1 + 2. In all 14 + 2n.
    def document(n: int) -> str:
        return f"l: &l {_zeros(n)}\nm: {{<<: {{k: 0}}, a: *l}}\nz: [0]\n"

    assert isinstance(_built(document(49_993)), dict)  # 100,000 values
    assert _built(document(49_994)) == "YAML aliases expand to more than 100000 values"  # 100,002


def test_values_in_a_tagged_sequence_count_like_any_others_up_to_the_limit() -> None:
    # The root 1; `l` 2 + n; `s` 1 + (1 + (1 + 1 + 1 + n)). In all 8 + 2n.
    def document(n: int) -> str:
        return f"l: &l {_zeros(n)}\ns: !!omap [a: *l]\n"

    assert _built(document(49_996)) == "pairs (!!omap or !!pairs) cannot be served as JSON: write it as text"
    assert _built(document(49_997)) == "YAML aliases expand to more than 100000 values"


def test_values_in_a_tagged_sequence_are_counted_one_by_one() -> None:
    # As above, and `y` 1 + (1 + 1): in all 11 + 2n, odd, so one value more or less shows.
    def document(n: int) -> str:
        return f"l: &l {_zeros(n)}\ns: !!omap [a: *l]\ny: [0]\n"

    assert _built(document(49_994)) == "pairs (!!omap or !!pairs) cannot be served as JSON: write it as text"  # 99,999
    assert _built(document(49_995)) == "YAML aliases expand to more than 100000 values"  # 100,001


def test_values_in_a_key_that_is_not_text_count_like_any_others() -> None:
    # `m` is a mapping whose key and value are the list `l`: 1 + (1 + n) + (1 + n) = 2n + 3,
    # checked before PyYAML builds `m` (and refuses a list as a key).
    def document(n: int) -> str:
        return f"l: &l {_zeros(n)}\nm:\n  ? *l\n  : *l\n"

    unhashable = "YAML syntax error: while constructing a mapping, found unhashable key"
    assert _built(document(49_998)) == unhashable  # 99,999
    assert _built(document(49_999)) == "YAML aliases expand to more than 100000 values"  # 100,001


def test_nesting_inside_a_key_that_is_not_text_counts_every_level() -> None:
    # The root, `m` and k lists in its key: 2 + k containers; at most 32.
    def document(k: int) -> str:
        return "m:\n  ? " + "[" * k + "]" * k + "\n  : 0\n"

    assert _built(document(30)) == "YAML syntax error: while constructing a mapping, found unhashable key"
    assert _built(document(31)) == DEEP[1]


def test_nesting_behind_a_merge_key_or_a_tag_counts_every_level() -> None:
    # The root, `m` and k lists: 2 + k containers; at most 32.
    def merged(k: int) -> str:
        return "m: {<<: {q: 1}, a: " + "[" * k + "]" * k + "}\n"

    def tagged(k: int) -> str:
        return "s: !!omap [a: " + "[" * k + "]" * k + "]\n"  # the root, `s`, the entry and k lists: 3 + k

    assert isinstance(_built(merged(30)), dict)
    assert _built(merged(31)) == DEEP[1]
    assert _built(tagged(29)) == "pairs (!!omap or !!pairs) cannot be served as JSON: write it as text"
    assert _built(tagged(30)) == DEEP[1]


def test_the_first_problem_in_the_file_is_the_one_named() -> None:
    text = "a: {b: 1, c: .nan, d: .inf}\ne: [.nan]\n"
    errors = parse_article_file((HEAD + text + "---\n").encode()).errors
    assert [(error.loc, error.line, error.column) for error in errors] == [("a.c", 5, 11)]


def test_an_explicit_timestamp_is_served_as_text() -> None:
    parsed = parse_article_file(
        (HEAD + "t: !!timestamp 2020-01-02\nu: [!!timestamp 2020-01-03T04:05:06Z]\n---\n").encode()
    )
    assert parsed.errors == []
    assert parsed.article is not None
    assert (parsed.article.model_extra or {}) == {"t": "2020-01-02", "u": ["2020-01-03T04:05:06+00:00"]}


def test_unknown_fields_are_found_at_every_depth_with_their_paths() -> None:
    text = (
        "provider:\n  name: P\n  x: 1\n  images:\n    - url: /l.png\n      y: 2\n"
        "related:\n  - title: R\n    webUrl: https://e.com/r\n    z: 3\n    provider: {w: 4}\n"
        "images:\n  - url: /i.png\n    v: 5\n"
    )
    warnings = parse_article_file((HEAD + text + "---\n").encode()).warnings
    assert [(warning.loc, warning.value, warning.line, warning.column) for warning in warnings] == [
        ("provider.x", "1", 7, 3),
        ("provider.images[0].y", "2", 10, 7),
        ("images[0].v", "5", 18, 5),
        ("related[0].z", "3", 14, 5),
        ("related[0].provider.w", "4", 15, 16),
    ]


def test_the_fields_searched_for_unknown_keys_are_those_that_hold_models() -> None:
    from article_feed.domain.model import Article, Provider, _fields_holding_models

    # Built afresh, not the cached answer: `make mutation` changes the code after a first use.
    assert _fields_holding_models.__wrapped__(Article) == (
        ("provider", "provider"),
        ("images", "images"),
        ("related", "related"),
    )
    assert _fields_holding_models.__wrapped__(Provider) == (("images", "images"),)


def test_missing_required_fields_are_named_without_a_value() -> None:
    errors = parse_article_file(b"---\ntitle: T\n---\n").errors
    assert [error.model_dump(exclude_none=True) for error in errors] == [
        {"loc": "webUrl", "msg": "required field is missing"},
        {"loc": "publishedDateTime", "msg": "required field is missing"},
    ]


@pytest.mark.parametrize(("bom", "offset"), [(b"", 17), (b"\xef\xbb\xbf", 20)], ids=["no BOM", "after a BOM"])
def test_a_bad_byte_is_placed_by_line_and_character_and_its_offset_counts_every_byte(bom, offset) -> None:
    # `title: é€x` is 10 characters but 13 bytes: the column counts characters, as editors do.
    data = bom + b"---\ntitle: \xc3\xa9\xe2\x82\xacx\xff\nwebUrl: https://e.com/a\n---\n"
    errors = parse_article_file(data).errors
    assert [error.model_dump(exclude_none=True) for error in errors] == [
        {"loc": "(file)", "msg": f"file is not valid UTF-8 (byte 0xff at offset {offset})", "line": 2, "column": 11}
    ]


OPENING = "file must start with a line '---' that opens the YAML front matter"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"title: T\n", {"loc": "(front matter)", "msg": OPENING, "value": "title: T", "line": 1}),
        (b" ---\ntitle: T\n---\n", {"loc": "(front matter)", "msg": OPENING, "value": " ---", "line": 1}),
        (b"---\x0c\n---\n", {"loc": "(front matter)", "msg": OPENING, "value": "---\x0c", "line": 1}),  # blanks only
        (b"---X\n---\n", {"loc": "(front matter)", "msg": OPENING, "value": "---X", "line": 1}),
        (
            b"---\ntitle: T\n",
            {
                "loc": "(front matter)",
                "msg": "front matter opened on line 1 is never closed by a line '---'",
                "line": 1,
            },
        ),
    ],
)
def test_a_file_not_laid_out_as_front_matter_and_body_says_so_on_line_1(data: bytes, expected) -> None:
    assert [error.model_dump(exclude_none=True) for error in parse_article_file(data).errors] == [expected]


def test_fences_may_end_in_blanks_and_windows_line_ends_are_read_as_lines() -> None:
    data = ("--- \t\n" + HEAD.removeprefix("---\n") + "---  \nThe body.\n").replace("\n", "\r\n")
    parsed = parse_article_file(data.encode())
    assert (parsed.errors, parsed.body) == ([], "The body.\n")


def test_an_unknown_field_named_secured_is_stored_and_never_shown() -> None:
    text = 'related:\n  - {title: R, webUrl: "https://e.com/r", secured: pw}\nx: 1\n'
    warnings = parse_article_file((HEAD + text + "---\n").encode()).warnings
    assert [warning.model_dump(exclude_none=True) for warning in warnings] == [
        {"loc": "x", "msg": "unknown field: kept and served as it is", "value": "1", "line": 7, "column": 1},
        {"loc": "related[0].secured", "msg": "unknown field: stored, never served", "line": 6, "column": 43},
    ]


@pytest.mark.parametrize("data", [b"", b"  \n\t\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf \n"])
def test_an_empty_file_is_refused_as_empty(data: bytes) -> None:
    from article_feed.parsing import FileRejected
    from article_feed.parsing.front_matter import decode

    with pytest.raises(FileRejected, match=r"^file is empty$") as raised:
        decode(data, 100)
    assert raised.value.diagnostic.model_dump(exclude_none=True) == {"loc": "(file)", "msg": "file is empty"}


@pytest.mark.parametrize(
    ("data", "line", "column"),
    [(b"---\na\nbc\xff\n", 3, 3), (b"\n\xff", 2, 1), (b"\xff", 1, 1)],
)
def test_a_bad_byte_on_any_line_is_placed_on_its_own_line(data: bytes, line: int, column: int) -> None:
    error = parse_article_file(data).errors[0]
    assert (error.loc, error.line, error.column) == ("(file)", line, column)


def test_aliases_may_not_expand_past_the_size_limit_in_text() -> None:
    # 12 uses of a 100-character value: 1,200 characters of text from a file of about 200 bytes.
    text = "l: &l " + "x" * 100 + "\nm: [" + ", ".join(["*l"] * 12) + "]\n"
    errors = parse_article_file((HEAD + text + "---\n").encode(), max_bytes=1000).errors
    assert [(error.loc, error.msg) for error in errors] == [
        ("(front matter)", "YAML aliases expand to more than 1000 characters of text")
    ]
    assert parse_article_file((HEAD + text + "---\n").encode(), max_bytes=2000).errors == []


def test_aliases_may_expand_to_exactly_the_size_limit_in_text() -> None:
    # Every key and text value counts: HEAD's 3 keys (28) and values (36), `l` and `m` (2),
    # the value once written (100) and 12 times used (1,200): 1,366 characters of text.
    text = "l: &l " + "x" * 100 + "\nm: [" + ", ".join(["*l"] * 12) + "]\n"
    file = (HEAD + text + "---\n").encode()
    assert parse_article_file(file, max_bytes=1366).errors == []
    assert [error.msg for error in parse_article_file(file, max_bytes=1365).errors] == [
        "YAML aliases expand to more than 1365 characters of text"
    ]
    # Keys inside the value count as its text: 13 times a 100-character key and `v`, 1,379.
    keyed = (HEAD + "l: &l {" + "k" * 100 + ": v}\nm: [" + ", ".join(["*l"] * 12) + "]\n---\n").encode()
    assert parse_article_file(keyed, max_bytes=1379).errors == []
    assert [error.msg for error in parse_article_file(keyed, max_bytes=1378).errors] == [
        "YAML aliases expand to more than 1378 characters of text"
    ]


@pytest.mark.parametrize(
    ("front_matter", "expected"),
    [
        ("- a\n- b\n", {"msg": "front matter must be a YAML mapping of `field: value` lines, found a list", "line": 2}),
        (
            "\n\njust text\n",
            {"msg": "front matter must be a YAML mapping of `field: value` lines, found a single value", "line": 4},
        ),
        (
            HEAD.removeprefix("---\n") + "x: !!bool maybe\n",
            {"msg": "invalid YAML value: 'maybe' is not a YAML boolean (true/false, yes/no, on/off)"},
        ),
        (
            HEAD.removeprefix("---\n") + "x: !!float nope\n",
            {"msg": "invalid YAML value: could not convert string to float: 'nope'"},
        ),
    ],
)
def test_front_matter_that_is_not_a_mapping_of_json_values_says_what_it_is(front_matter: str, expected) -> None:
    errors = parse_article_file(f"---\n{front_matter}---\n".encode()).errors
    assert [error.model_dump(exclude_none=True) for error in errors] == [{"loc": "(front matter)", **expected}]


@pytest.mark.parametrize(
    ("value", "loc", "column"), [("[-.inf]", "x[0]", 5), ("[1, .inf]", "x[1]", 8), ("{a: -.INF}", "x.a", 5)]
)
def test_infinities_of_either_sign_are_refused_where_they_are(value: str, loc: str, column: int) -> None:
    errors = parse_article_file((HEAD + f"x: {value}\n---\n").encode()).errors
    assert [(error.loc, error.msg, error.line, error.column) for error in errors] == [(loc, NOT_FINITE, 5, column)]
