"""`articlectl validate` and `articlectl reindex`, run as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from articlectl.__main__ import main
from tests.corpus import EXAMPLE, corpus
from tests.support.aws import ingestion, stored_article

ROOT = Path(__file__).resolve().parents[2]


def articlectl(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "articlectl", *arguments], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_validate_good_files_exits_0(tmp_path) -> None:
    for file in corpus(5):
        (tmp_path / file.key.rsplit("/", 1)[-1]).write_bytes(file.data)
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")  # not an article file: ignored

    result = articlectl("validate", str(tmp_path), str(EXAMPLE))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 file(s) checked, 0 invalid" in result.stderr


def test_validate_bad_file_prints_editor_locations_and_exits_1(tmp_path) -> None:
    bad = tmp_path / "bad.md"
    bad.write_text(
        "---\ntitle: T\nwebUrl: https://e.com/a\npublishedDateTime: 2020-01-01T00:00:00Z\n"
        "related:\n  - title: R\n    webUrl: nope\n---\n"
    )
    good = tmp_path / "good.md"
    good.write_bytes(EXAMPLE.read_bytes())

    result = articlectl("validate", str(bad), str(good))

    assert result.returncode == 1
    assert f"{bad}:7:5: related[0].webUrl: must be an http(s) URL" in result.stdout
    assert str(good) not in result.stdout


def test_validate_json_report(tmp_path) -> None:
    (tmp_path / "bad id.md").write_bytes(EXAMPLE.read_bytes())
    (tmp_path / "syntax.md").write_text("---\ntitle: [\n---\n")

    result = articlectl("validate", "--json", str(tmp_path))

    report = json.loads(result.stdout)
    assert result.returncode == 1
    assert report["invalid"] == 2
    by_name = {Path(item["path"]).name: item for item in report["files"]}
    assert by_name["bad id.md"]["errors"][0]["loc"] == "key"
    assert by_name["syntax.md"]["errors"][0]["line"] == 3


def test_validate_in_worker_processes_reports_the_same_in_the_same_order(tmp_path) -> None:
    files = corpus(240)  # above the 200 files from which workers are used
    for number, file in enumerate(files):
        data = file.data if number % 7 else file.data.replace(b"title:", b"title: [", 1)  # some invalid
        (tmp_path / f"{number:03d}_{file.key.rsplit('/', 1)[-1]}").write_bytes(data)

    in_one = articlectl("validate", "--json", "--jobs", "1", str(tmp_path))
    in_workers = articlectl("validate", "--json", "--jobs", "2", str(tmp_path))

    assert in_one.returncode == in_workers.returncode == 1
    assert json.loads(in_workers.stdout) == json.loads(in_one.stdout)
    assert json.loads(in_one.stdout)["invalid"] == len(range(0, 240, 7))


def test_validate_checks_in_its_own_process_where_workers_cannot_start(tmp_path, monkeypatch, capsys) -> None:
    import concurrent.futures

    for number, file in enumerate(corpus(210)):
        (tmp_path / f"{number:03d}_{file.key.rsplit('/', 1)[-1]}").write_bytes(file.data)

    def no_semaphores(*args, **kwargs):
        raise OSError("no /dev/shm here")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_semaphores)
    assert main(["validate", "--json", "--jobs", "2", str(tmp_path)]) == 0
    assert json.loads(capsys.readouterr().out)["checked"] == 210


def test_reindex_ingests_every_object_and_sees_changes(stack, capsys) -> None:
    files = corpus(4)
    for file in files:
        stack.s3.put_object(Bucket=stack.bucket, Key=file.key, Body=file.data)
    stack.s3.put_object(Bucket=stack.bucket, Key="images/logo.png", Body=b"\x89PNG")

    assert main(["reindex", "--bucket", stack.bucket, "--table", stack.table]) == 0
    assert "4 accepted" in capsys.readouterr().out
    assert all(stored_article(stack, file.article_id) for file in files)

    stack.s3.put_object(Bucket=stack.bucket, Key=files[0].key, Body=b"---\ntitle: [\n---\n")
    assert main(["reindex", "--bucket", stack.bucket, "--table", stack.table]) == 0
    assert "3 accepted, 1 rejected" in capsys.readouterr().out
    assert ingestion(stack, files[0].key)["status"] == "rejected"
    assert stored_article(stack, files[0].article_id) is not None  # the last valid version stays served


def _files_with_known_errors(folder: Path) -> None:
    (folder / "fields.md").write_text(
        "---\ntitle: T\nwebUrl: https://e.com/a\npublishedDateTime: 2020-01-01T00:00:00Z\n"
        "related:\n  - title: R\n    webUrl: nope\n---\n"
    )
    (folder / "syntax.md").write_text("---\ntitle: [\n---\n")
    (folder / "bytes.md").write_bytes(b"---\ntitle: T\nexcerpt: ab\xffcd\n---\n")
    (folder / "50%, a:b.md").write_bytes(EXAMPLE.read_bytes())
    (folder / "warned.md").write_text(
        "---\ntitle: T\nwebUrl: https://e.com/w\npublishedDateTime: 2020-01-01T00:00:00\nextra: 1\n---\n"
    )


def test_validate_github_format_prints_annotations_with_line_and_column(tmp_path) -> None:
    _files_with_known_errors(tmp_path)

    result = articlectl("validate", "--format", "github", str(tmp_path))

    assert result.returncode == 1
    t = str(tmp_path)
    assert result.stdout.splitlines() == [
        f"::error file={t}/50%25%2C a%3Ab.md,title=key::the file name (the article id) must be 1-255 characters of "
        "A-Z a-z 0-9 _ . - (not . or ..) (value: 50%25, a:b)",
        f"::error file={t}/bytes.md,line=3,col=12,title=(file)::file is not valid UTF-8 (byte 0xff at offset 24)",
        f"::error file={t}/fields.md,line=7,col=5,title=related[0].webUrl::must be an http(s) URL (value: nope)",
        f"::error file={t}/syntax.md,line=3,col=1,title=(front matter)::YAML syntax error: while parsing a flow "
        "node, did not find expected node content",
        f"::warning file={t}/warned.md,line=5,col=1,title=extra::unknown field: kept and served as it is (value: 1)",
        f"::warning file={t}/warned.md,line=4,col=1,title=publishedDateTime::date-time has no time zone; it is "
        "taken as UTC (value: 2020-01-01T00:00:00)",
    ]
    assert "5 file(s) checked, 4 invalid" in result.stderr


def test_validate_json_format_is_the_machine_report(tmp_path) -> None:
    _files_with_known_errors(tmp_path)

    as_format = articlectl("validate", "--format", "json", str(tmp_path))

    report = json.loads(as_format.stdout)
    assert as_format.returncode == 1
    assert report == json.loads(articlectl("validate", "--json", str(tmp_path)).stdout)
    by_name = {Path(item["path"]).name: item for item in report["files"]}
    assert by_name["bytes.md"]["errors"] == [
        {"loc": "(file)", "msg": "file is not valid UTF-8 (byte 0xff at offset 24)", "line": 3, "column": 12}
    ]
    assert [warning["loc"] for warning in by_name["warned.md"]["warnings"]] == ["extra", "publishedDateTime"]


def test_the_pre_commit_hook_checks_a_content_repository(tmp_path) -> None:
    import re
    import shlex

    import yaml

    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "articlectl-validate"
    content = tmp_path / "content"
    (content / "articles").mkdir(parents=True)
    (content / "articles" / "good.md").write_bytes(EXAMPLE.read_bytes())
    (content / "articles" / "Other.TXT").write_bytes(corpus(1)[0].data)
    (content / "logo.png").write_bytes(b"\x89PNG")
    # As pre-commit does: the files matching the hook's pattern, given to its entry.
    selected = sorted(
        str(path.relative_to(content)) for path in content.rglob("*") if re.search(hook["files"], path.name)
    )
    command, *arguments = shlex.split(hook["entry"])
    run = [str(Path(sys.executable).parent / command), *arguments]
    assert selected == ["articles/Other.TXT", "articles/good.md"]

    passed = subprocess.run([*run, *selected], cwd=content, capture_output=True, text=True, timeout=120)
    (content / "articles" / "broken.md").write_text("---\ntitle: T\n---\n")
    failed = subprocess.run([*run, *selected, "articles/broken.md"], cwd=content, capture_output=True, text=True)

    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert failed.returncode == 1
    assert "articles/broken.md: webUrl: required field is missing" in failed.stdout
