"""The front matter's JSON Schema (draft 2020-12), generated from the model.

One source for editors, CI (`articlectl schema`) and the API
(`GET /schemas/article.json`): it describes the file as YAML writes it — text
for date-times, unknown keys allowed, the service's own fields refused — and
is never looser than needed nor stricter than `validate`: every file that
`validate` accepts passes it (tests/unit/test_schema.py).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic.json_schema import GenerateJsonSchema

from article_feed.domain.model import MAX_TOPICS, SERVICE_FIELDS, Article

DIALECT = "https://json-schema.org/draft/2020-12/schema"


class _AsWritten(GenerateJsonSchema):
    """pydantic's generator without the titles it derives from Python names."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


@cache
def article_schema() -> dict[str, Any]:
    """The JSON Schema of an article file's front matter."""
    schema = Article.model_json_schema(by_alias=True, mode="validation", schema_generator=_AsWritten)
    properties = schema["properties"]
    for name in SERVICE_FIELDS:
        properties[name] = {"not": {}, "description": "set by the service, not by the file: remove this field"}
    for definition in [schema, *schema["$defs"].values()]:
        for value in definition["properties"].values():
            if isinstance(value, dict):
                value.pop("default", None)  # absent and null mean the same: no default to show
    properties["topics"]["description"] = f"at most {MAX_TOPICS} different topics; each drives topic queries"
    return (
        {"$schema": DIALECT}
        | schema
        | {
            "title": "Article front matter",
            "description": "The YAML between the --- lines of an article file (Article Feed).",
        }
    )
