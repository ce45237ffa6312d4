"""Start `articlectl dev` as a user would, on free ports, and stop it with Ctrl-C."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (urllib.error.URLError, ConnectionError):
        return 0, b""


def wait_for(condition: Callable[[], bool], timeout: float = 60.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def aws_cli() -> list[str]:
    beside = Path(sys.executable).parent / "aws"
    return [str(beside)] if beside.exists() else [shutil.which("aws") or "aws"]


@dataclass
class RunningStack:
    aws_port: int
    api_port: int
    environment: dict[str, str]
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.aws_port}"


@contextmanager
def running_stack(folder: Path) -> Iterator[RunningStack]:
    """The local stack in a subprocess; stopped with SIGINT (Ctrl-C) on exit."""
    aws_port, api_port = free_port(), free_port()
    environment = {name: value for name, value in os.environ.items() if name != "AWS_ENDPOINT_URL"}
    environment |= {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_DEFAULT_REGION": "us-east-1"}
    log_path = folder / "dev.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "articlectl", "dev", "--aws-port", str(aws_port), "--api-port", str(api_port)],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        stack = RunningStack(aws_port, api_port, environment, process, log_path)
        try:
            wait_for(lambda: get(f"{stack.api}/articles")[0] == 200, what="the local API")
            yield stack
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=60)  # once over 30 s in a full `make test` on 2 busy cores
            except subprocess.TimeoutExpired:
                process.kill()
                tail = log_path.read_text()[-3000:]
                raise AssertionError(
                    f"articlectl dev did not stop within 60 s of Ctrl-C; its log ends:\n{tail}"
                ) from None
