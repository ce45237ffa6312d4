"""schemathesis against the running local API's own /openapi.json.

Every generated request must get no 5xx and an answer that matches the
documented status, content type and schema. `make test` runs a bounded number
of examples per operation; `make fuzz` runs many more (FUZZ_EXAMPLES).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.local_stack import running_stack

pytestmark = pytest.mark.e2e


def test_api_conforms_to_its_openapi_document(tmp_path) -> None:
    examples = os.environ.get("FUZZ_EXAMPLES", "30")
    st = Path(sys.executable).parent / "st"
    with running_stack(tmp_path) as stack:
        result = subprocess.run(
            [
                str(st),
                "run",
                f"{stack.api}/openapi.json",
                "--url",
                stack.api,
                "--max-examples",
                examples,
                "--checks",
                "all",
                # A schema cannot say "a real calendar date" or "a cursor this API issued":
                # such schema-valid values rightly get a 400, which this check would flag.
                "--exclude-checks",
                "positive_data_acceptance",
                "--seed",
                os.environ.get("FUZZ_SEED", "20261126"),
                "--no-color",
            ],
            capture_output=True,
            cwd=tmp_path,
            text=True,
            timeout=1800,
        )
    summary = result.stdout[-3000:]
    print("\n" + "\n".join(line for line in result.stdout.splitlines() if "generated" in line or "passed" in line))
    assert result.returncode == 0, summary
    assert "No issues found" in result.stdout, summary
