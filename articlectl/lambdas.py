"""Load a function of template.yaml the way Lambda does, without Docker.

Lambda puts the function's CodeUri folder and its layers on `sys.path` and
imports the handler module; so does this, so a function that would import
something from the repository root fails here too.
"""

from __future__ import annotations

import importlib
import sys
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from articlectl.template import function_location

if TYPE_CHECKING:
    from collections.abc import Callable


@dataclass
class LocalContext:
    """The attributes of Lambda's context object that powertools reads."""

    function_name: str
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = ""
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def __post_init__(self) -> None:
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:000000000000:function:{self.function_name}"


def load_handler(logical_id: str) -> Callable[[dict[str, Any], Any], Any]:
    """The handler function of a template function, imported from its own folders."""
    code_dir, handler, layer_dirs = function_location(logical_id)
    for folder in [code_dir, *layer_dirs]:
        if str(folder) not in sys.path:
            sys.path.insert(0, str(folder))
    module_name, _, function_name = handler.rpartition(".")
    module = importlib.import_module(module_name)
    return getattr(module, function_name)


def invoke(logical_id: str, event: dict[str, Any]) -> Any:
    """Run a template function on one event, in this process."""
    return load_handler(logical_id)(event, LocalContext(function_name=logical_id))
