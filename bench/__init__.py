"""Benchmarks: every figure is a ratio against a baseline measured in the same run."""

from __future__ import annotations

import importlib
import sys
from functools import cache
from typing import TYPE_CHECKING

from articlectl.template import REPOSITORY_ROOT, function_location

if TYPE_CHECKING:
    from types import ModuleType

ROOT = REPOSITORY_ROOT
EXAMPLE = ROOT / "samples" / "000_1ad303c2d0458c2b.txt"


@cache
def _example_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


def example_copy(label: str) -> str:
    """The example article with a webUrl of its own (ending in `label`), so copies never conflict."""
    return _example_text().replace('divestment/"\nampWebUrl', f'divestment-{label}/"\nampWebUrl')


def handler_module(function: str) -> ModuleType:
    """A function's handler module, imported as Lambda does: its CodeUri folder and the layers on sys.path."""
    code_dir, handler, layers = function_location(function)
    for folder in (*map(str, layers), str(code_dir)):
        if folder not in sys.path:
            sys.path.insert(0, folder)
    return importlib.import_module(handler.rpartition(".")[0])
