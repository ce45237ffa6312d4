"""What `sam build` ships (make infra runs it before the tests): bytecode for
every module, compiled for the template's runtime and used without checking the
source, so a cold start on Lambda's read-only file systems compiles nothing."""

from __future__ import annotations

import pytest

from articlectl.template import REPOSITORY_ROOT, load_template

BUILD = REPOSITORY_ROOT / ".aws-sam" / "build"
# importlib.util.MAGIC_NUMBER of CPython 3.13 (tests may run on an older Python).
MAGIC = {"python3.13": (3571).to_bytes(2, "little") + b"\r\n"}
UNCHECKED_HASH = 0b01  # PEP 552 flags: hash-based, source not checked

pytestmark = pytest.mark.skipif(
    not (BUILD / "template.yaml").exists(), reason="needs `sam build` (make infra, which make test runs first)"
)


@pytest.mark.parametrize("artifact", ["DomainLayer", "ApiFunction", "IngestFunction"])
def test_every_module_ships_bytecode_for_the_runtime(artifact: str) -> None:
    runtime = load_template()["Globals"]["Function"]["Runtime"]
    tag = "cpython-" + runtime.removeprefix("python").replace(".", "")
    sources = sorted((BUILD / artifact).rglob("*.py"))
    assert len(sources) > (100 if artifact == "DomainLayer" else 0)
    missing = []
    for source in sources:
        compiled = source.parent / "__pycache__" / f"{source.stem}.{tag}.pyc"
        if not compiled.exists():
            missing.append(str(source.relative_to(BUILD)))
            continue
        header = compiled.read_bytes()[:8]
        assert header[:4] == MAGIC[runtime], compiled
        assert int.from_bytes(header[4:8], "little") == UNCHECKED_HASH, compiled
    assert not missing, missing[:10]


def test_layer_holds_the_domain_package_and_arm64_binaries() -> None:
    site = BUILD / "DomainLayer" / "python"
    assert (site / "article_feed" / "parsing" / "safe_yaml.py").exists()
    assert (site / "article_feed" / "dynamo" / "keys.py").exists()
    extensions = list(site.rglob("*.so"))
    assert extensions
    assert all("aarch64" in extension.name for extension in extensions)
