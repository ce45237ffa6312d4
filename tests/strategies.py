"""hypothesis strategies: valid article files and the document each must become."""

from __future__ import annotations

import string
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

from tests.corpus import render

ZONES = [UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5)), timezone(timedelta(hours=5, minutes=30))]
# NEL, LS and PS are line breaks to YAML 1.1, and PyYAML's dumper does not
# round-trip them; a curator's editor would not produce them inside a value.
characters = st.characters(exclude_categories=["Cs"], exclude_characters="\x85\u2028\u2029")
text = st.text(characters, max_size=40)
key_text = st.text(characters, max_size=30)
hosts = st.from_regex(r"[a-z][a-z0-9]{0,9}\.(com|org|de|fr)", fullmatch=True)
urls = st.builds(
    lambda scheme, host, path: f"{scheme}://{host}/{path}",
    st.sampled_from(["http", "https"]),
    hosts,
    st.text(string.ascii_letters + string.digits + "-_/.", max_size=20),
)
moments = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.sampled_from(ZONES))
scalars = st.one_of(st.none(), st.booleans(), st.integers(-(10**6), 10**6), text)
images = st.fixed_dictionaries(
    {"url": urls},
    optional={"width": st.integers(0, 5000), "height": st.integers(0, 5000), "title": text, "isCached": st.booleans()},
)
providers = st.fixed_dictionaries({}, optional={"name": text, "domain": hosts, "images": st.lists(images, max_size=2)})


# Unicode White_Space (what pydantic trims): Python's whitespace minus the
# information separators U+001C–U+001F, which Python alone counts as space.
WHITE_SPACE = "".join(chr(code) for code in range(0x110000) if chr(code).isspace() and not 0x1C <= code <= 0x1F)


def trim(value: str) -> str:
    return value.strip(WHITE_SPACE)


def strip_list(values: list[str]) -> list[str]:
    cleaned: list[str] = []
    for value in values:
        value = trim(value)
        if value and value not in cleaned:
            cleaned.append(value)
    return cleaned


def key_list(values: list[str]) -> list[str]:
    """Topics: like other lists, and an entry with nothing left to match on (only
    Python's whitespace, which includes U+001C–U+001F, or invisible characters) is dropped."""
    return [
        value
        for value in strip_list(values)
        if value.strip("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e" + WHITE_SPACE + "\x1c\x1d\x1e\x1f")
    ]


def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat() + "Z"


@st.composite
def article_files(draw: Any) -> tuple[bytes, dict[str, Any], str]:
    """A valid article file, the document it must be stored as, and its body."""
    fields: dict[str, Any] = {
        "title": draw(text.filter(lambda value: 0 < len(trim(value)) <= 1000)),
        "webUrl": draw(urls),
        "publishedDateTime": draw(moments),
    }
    optional = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "updatedDateTime": st.one_of(st.none(), moments),
                "excerpt": st.one_of(st.none(), text),
                "category": key_text,
                "type": key_text,
                "locale": st.one_of(st.none(), text),
                "topics": st.lists(key_text, max_size=6),
                "tags": st.lists(text, max_size=5),
                "quality": st.one_of(st.none(), st.integers(0, 100)),
                "heat": st.integers(-1, 10**6),
                "published": st.one_of(st.none(), st.booleans()),
                "ampWebUrl": urls,
                "provider": providers,
                "images": st.lists(images, max_size=3),
                "secured": text,
                "customField": st.one_of(scalars, st.lists(scalars, max_size=3)),
            },
        )
    )
    fields |= optional
    expected: dict[str, Any] = {}
    for name, value in fields.items():
        if isinstance(value, datetime):
            expected[name] = utc_text(value)
        elif name == "topics":
            expected[name] = key_list(value)
        elif name == "tags":
            expected[name] = strip_list(value)
        elif isinstance(value, str) and name != "customField":
            expected[name] = trim(value)
        elif name == "provider" or name == "images":
            expected[name] = _strip_nested(value)
        else:
            expected[name] = value
    file_fields = {name: value.isoformat() if isinstance(value, datetime) else value for name, value in fields.items()}
    body = draw(st.text(st.characters(exclude_categories=["Cs"]), max_size=200))
    crlf = draw(st.booleans())
    data = render(file_fields, body, crlf=crlf, bom=draw(st.booleans()))
    expected_body = body.replace("\r\n", "\n") if not crlf else body.replace("\n", "\r\n").replace("\r\n", "\n")
    return data, expected, expected_body


def _strip_nested(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _strip_nested(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_strip_nested(item) for item in value]
    return trim(value) if isinstance(value, str) else value
