"""Read `template.yaml` and create its bucket and table in an emulator or account.

Tests and the local stack both create their resources through this module, so
the table schema is written once, in the template.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_PATH = REPOSITORY_ROOT / "template.yaml"
_TABLE_SETTINGS = ("AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "BillingMode")


class _CloudFormationLoader(yaml.SafeLoader):
    """Understands CloudFormation's short tags (`!Ref`, `!GetAtt`, `!Sub`…)."""


def _intrinsic(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    if tag_suffix == "Ref":
        return {"Ref": value}
    if tag_suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{tag_suffix}": value}


_CloudFormationLoader.add_multi_constructor("!", _intrinsic)


@cache
def load_template(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    """The SAM template as data, intrinsic functions kept as their long form."""
    with path.open(encoding="utf-8") as stream:
        return yaml.load(stream, Loader=_CloudFormationLoader)  # noqa: S506 - loader is SafeLoader-based


def resource(logical_id: str) -> dict[str, Any]:
    """One resource of the template, by its logical id."""
    resources: dict[str, dict[str, Any]] = load_template()["Resources"]
    return resources[logical_id]


def function_location(logical_id: str) -> tuple[Path, str, list[Path]]:
    """Where a function's code is: its CodeUri folder, handler, and the layer folders."""
    properties = resource(logical_id)["Properties"]
    layers = load_template().get("Globals", {}).get("Function", {}).get("Layers", [])
    layer_dirs = [
        REPOSITORY_ROOT / resource(layer["Ref"])["Properties"]["ContentUri"]
        for layer in layers + properties.get("Layers", [])
    ]
    return REPOSITORY_ROOT / properties["CodeUri"], properties["Handler"], layer_dirs


def create_table(client: Any, table_name: str, *, stream: bool = True) -> None:
    """Create the articles table exactly as the template declares its keys and indexes.

    `stream=False` leaves the stream out, where nothing reads it (benchmarks and
    cost tests that load thousands of articles at once): moto keeps a copy of
    every write in it, and cannot turn it off once on.
    """
    properties = resource("ArticlesTable")["Properties"]
    settings = {name: properties[name] for name in _TABLE_SETTINGS if name in properties}
    if stream and "StreamSpecification" in properties:  # CloudFormation's form lacks the API's `StreamEnabled`
        settings["StreamSpecification"] = {"StreamEnabled": True, **properties["StreamSpecification"]}
    client.create_table(TableName=table_name, **settings)
    client.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1})


def create_event_bus(client: Any, bus_name: str) -> str:
    """Create the change events' bus (the template declares it with nothing but a name); its ARN."""
    assert resource("ArticleEventBus")["Type"] == "AWS::Events::EventBus"
    return str(client.create_event_bus(Name=bus_name)["EventBusArn"])


def create_bucket(client: Any, bucket_name: str, *, versioned: bool = True) -> None:
    """Create the articles bucket, versioned as the template says unless told otherwise.

    The local stack passes `versioned=False`: moto sends no notification for a
    delete marker, so on a versioned local bucket deletes would never reach ingest.
    """
    client.create_bucket(Bucket=bucket_name)
    versioning = resource("ArticlesBucket")["Properties"].get("VersioningConfiguration")
    if versioning and versioned:
        client.put_bucket_versioning(Bucket=bucket_name, VersioningConfiguration=versioning)


def function_environment(logical_id: str, **overrides: str) -> dict[str, str]:
    """The plain-text environment variables the template gives a function.

    Values that are CloudFormation expressions (a `!Ref` to a resource or
    parameter) are left to `overrides`, which also wins over literal values.
    """
    globals_ = load_template().get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {})
    own = resource(logical_id)["Properties"].get("Environment", {}).get("Variables", {})
    environment = {name: value for name, value in (globals_ | own).items() if isinstance(value, str)}
    return environment | overrides
