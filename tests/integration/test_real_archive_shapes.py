"""Files shaped like real Smartable archives (issue 15), written here, never copied:
scores above 100, 150-character slugs, site-relative logos, spaces in URLs, CRLF,
`originalUrl`, and video items that have no `webUrl`."""

from __future__ import annotations

import json

from articlectl.__main__ import main
from tests.support.aws import ingestion, stored_article

SLUG = "2021-05-26-" + "-".join(["microsoft-uses-gpt-3-to-add-ai-features-to-power-apps"] * 3)[:146]


def smartable(
    *, web_url: str | None = "https://venturebeat.com/2021/05/25/microsoft gpt-3 power apps/", crlf=False
) -> bytes:
    lines = [
        "---",
        "category: news",
        'title: "Microsoft uses GPT-3 to add AI features to Power Apps"',
        'excerpt: "Microsoft today announced that it is using GPT-3 ..."',
        "publishedDateTime: 2021-05-25T15:00:00Z",
        *([f'webUrl: "{web_url}"'] if web_url else []),
        'originalUrl: "https://youtube.com/watch?v=WJk-Y8LQlfE"',
        "type: article",
        "quality: 189",
        "heat: 189",
        "published: true",
        "",
        "provider:",
        "  name: VentureBeat",
        "  domain: venturebeat.com",
        "  images:",
        '    - url: "/assets/images/organizations/venturebeat.com-50x50.jpg"',
        "      width: 50",
        "      height: 50",
        "",
        "topics:",
        "  - Power Apps",
        "",
        "related:",
        '  - title: "Power Apps gets GPT-3"',
        '    webUrl: "https://www.zdnet.com/article/microsoft power apps gpt-3/"',
        "    quality: 137",
        "    provider:",
        "      name: ZDNet",
        "      domain: zdnet.com",
        'secured: "nqgVTkX5Gw2l5Kpkool/ZLS2viVevBg9s7+JeehiAoip;wg7T7alELjzcAtwRiQPzVA=="',
        "---",
        "",
    ]
    return ("\r\n" if crlf else "\n").join(lines).encode()


def test_a_real_shaped_file_is_accepted_and_served_as_written(stack, upload, call_api) -> None:
    key = f"powerapps/_news/{SLUG}.md"
    assert len(SLUG) == 157
    assert upload({key: smartable(crlf=True)}) == {"outcomes": {"accepted": 1}}

    record = ingestion(stack, key)
    assert [warning["loc"] for warning in record["warnings"]] == ["originalUrl"]
    served = call_api(f"/articles/{SLUG}").json()
    assert served["quality"] == 189
    assert served["webUrl"] == "https://venturebeat.com/2021/05/25/microsoft gpt-3 power apps/"
    assert served["provider"]["images"][0]["url"].startswith("/assets/images/organizations/")
    assert served["related"][0]["quality"] == 137
    assert served["originalUrl"] == "https://youtube.com/watch?v=WJk-Y8LQlfE"
    assert "secured" not in served
    assert call_api("/articles", {"minQuality": "189"}).json()["items"][0]["id"] == SLUG
    assert call_api("/articles", {"minQuality": "190"}).json()["items"] == []


def test_a_video_item_without_web_url_is_rejected_naming_web_url(stack, upload) -> None:
    upload({"powerapps/_news/2019-08-19-video.md": smartable(web_url=None)})
    record = ingestion(stack, "powerapps/_news/2019-08-19-video.md")
    assert [error["loc"] for error in record["errors"]] == ["webUrl"]


def test_the_same_story_on_two_days_is_a_conflict_naming_the_holder(stack, upload) -> None:
    upload({"a/2021-05-25-story.md": smartable()})
    upload({"a/2021-05-26-story.md": smartable()})
    error = ingestion(stack, "a/2021-05-26-story.md")["errors"][0]
    assert error["loc"] == "webUrl"
    assert "a/2021-05-25-story.md" in error["msg"]
    assert stored_article(stack, "2021-05-25-story") is not None


def test_every_problem_of_a_file_in_one_pass(stack, upload, tmp_path, capsys) -> None:
    name = "2021-05-26 what's new"  # a space and a quote: not an id
    data = smartable().replace(b"quality: 189", b"quality: -1")
    upload({f"a/{name}.md": data})
    assert [error["loc"] for error in ingestion(stack, f"a/{name}.md")["errors"]] == ["key", "quality"]

    (tmp_path / f"{name}.md").write_bytes(data)
    capsys.readouterr()
    assert main(["validate", "--json", str(tmp_path)]) == 1
    assert [error["loc"] for error in json.loads(capsys.readouterr().out)["files"][0]["errors"]] == ["key", "quality"]


def test_ids_at_the_limit_and_the_two_no_url_path_reaches(stack, upload) -> None:
    upload({f"a/{'y' * 255}.md": smartable()})
    assert ingestion(stack, f"a/{'y' * 255}.md")["status"] == "accepted"
    for name in ("y" * 256, ".", ".."):
        upload({f"b/{name}.md": smartable()})
        assert ingestion(stack, f"b/{name}.md")["errors"][0]["loc"] == "key"
