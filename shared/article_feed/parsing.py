"""Turn the bytes of an article file into a validated article or precise errors.

The same function serves the ingest Lambda and `articlectl validate`, so a file
that passes locally passes in the cloud. YAML comes from curators' hands and
from the internet: it is loaded with libyaml's safe loader, and the document's
shape is checked (nesting depth, alias expansion, duplicate keys) node by node
as Python objects are built from it, before PyYAML's constructor sees any part.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from pydantic import ValidationError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from article_feed.diagnostics import Diagnostic, format_loc, shorten
from article_feed.model import Article, is_zone_less, unknown_keys

DEFAULT_MAX_BYTES = 1024 * 1024
MAX_DEPTH = 32
MAX_EXPANDED_NODES = 100_000
FRONT_MATTER_LOC = "(front matter)"
FILE_LOC = "(file)"
_BOM = b"\xef\xbb\xbf"
# Front matter starts on the file's second line; libyaml counts lines from 0.
_LINE_OFFSET = 2
_DATETIME_FIELDS = ("publishedDateTime", "updatedDateTime")


class _ArticleYamlLoader(yaml.CSafeLoader):
    """libyaml's safe loader, with timestamps left as text.

    PyYAML would turn `2020-13-45` into a constructor crash with no field name;
    as text, the model validates it and names the field.
    """

    def resolve(self, kind: type[Node], value: str, implicit: tuple[bool, bool]) -> str:
        """PyYAML's tag resolution, minus its path resolvers (none are registered).

        libyaml calls this for every node; PyYAML's own version costs about a
        tenth of an article's parse (docs/performance.md).
        """
        if kind is ScalarNode:
            if implicit[0]:
                for tag, regexp in self.yaml_implicit_resolvers.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return self.DEFAULT_SCALAR_TAG
        return self.DEFAULT_SEQUENCE_TAG if kind is SequenceNode else self.DEFAULT_MAPPING_TAG

    def descend_resolver(self, current_node: Node | None, current_index: Any) -> None:
        """Nothing to track without path resolvers (PyYAML's checks that on every node)."""

    def ascend_resolver(self) -> None:
        """Nothing to track without path resolvers."""


# The implicit resolvers PyYAML registers for its safe loader, keyed by a value's
# first character, without the timestamp one.
_ArticleYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.CSafeLoader.yaml_implicit_resolvers.items()
}
if yaml.CSafeLoader.yaml_path_resolvers or None in yaml.CSafeLoader.yaml_implicit_resolvers:  # pragma: no cover
    # PyYAML registers neither; _ArticleYamlLoader.resolve would ignore them.
    raise RuntimeError("PyYAML's safe loader has path or wildcard resolvers that this parser does not apply")


class FileRejected(Exception):
    """The file cannot become an article; carries the diagnostic that says why."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.msg)
        self.diagnostic = diagnostic


@dataclass
class ParsedFile:
    """What one file yields: an article and its body, or the errors; warnings either way."""

    article: Article | None = None
    body: str = ""
    errors: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return self.article is not None and not self.errors


def parse_article_file(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ParsedFile:
    """Parse and validate one article file, exactly as the ingest function does."""
    try:
        text = _decode(data, max_bytes)
        front_matter, body = _split_front_matter(text)
        root = _compose(front_matter)
        raw = _construct(root)
    except FileRejected as rejected:
        return ParsedFile(errors=[rejected.diagnostic])
    return _validate(raw, root, body)


def _decode(data: bytes, max_bytes: int) -> str:
    if len(data) > max_bytes:
        raise FileRejected(Diagnostic(loc=FILE_LOC, msg=f"file is larger than the limit of {max_bytes} bytes"))
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    if not data.strip():
        raise FileRejected(Diagnostic(loc=FILE_LOC, msg="file is empty"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise FileRejected(
            Diagnostic(
                loc=FILE_LOC,
                msg=f"file is not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start})",
                line=line,
            )
        ) from None
    return text.replace("\r\n", "\n")


def _split_front_matter(text: str) -> tuple[str, str]:
    first_line, _, rest = text.partition("\n")
    if first_line.rstrip(" \t") != "---":
        raise FileRejected(
            Diagnostic(
                loc=FRONT_MATTER_LOC,
                msg="file must start with a line '---' that opens the YAML front matter",
                value=shorten(first_line),
                line=1,
            )
        )
    closing = closing_fence(rest)
    if closing is None:
        raise FileRejected(
            Diagnostic(
                loc=FRONT_MATTER_LOC,
                msg="front matter opened on line 1 is never closed by a line '---'",
                line=1,
            )
        )
    start, end = closing
    body = rest[end:]
    return rest[:start], body[1:] if body.startswith("\n") else body


def closing_fence(text: str) -> tuple[int, int] | None:
    """Start and end of the first line that is `---` (trailing blanks allowed).

    What `re.search(r"^---[ \t]*$", text, re.MULTILINE)` finds, without a
    regular expression trying every line of a long front matter.
    """
    position = 0
    while True:
        if text.startswith("---", position):
            end = text.find("\n", position)
            end = len(text) if end == -1 else end
            if not text[position + 3 : end].strip(" \t"):
                return position, end
        next_line = text.find("\n---", position)
        if next_line == -1:
            return None
        position = next_line + 1


def _yaml_problem(error: yaml.YAMLError) -> FileRejected:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    context = getattr(error, "context", None)
    msg = f"YAML syntax error: {context + ', ' if context else ''}{problem}"
    return FileRejected(
        Diagnostic(
            loc=FRONT_MATTER_LOC,
            msg=msg,
            line=mark.line + _LINE_OFFSET if mark else None,
            column=mark.column + 1 if mark else None,
        )
    )


def _compose(front_matter: str) -> Node | None:
    if _could_nest_deeply(front_matter):
        _check_nesting_by_events(front_matter)
    loader = _ArticleYamlLoader(front_matter)
    try:
        root = loader.get_single_node()
    except yaml.YAMLError as error:
        raise _yaml_problem(error) from None
    finally:
        loader.dispose()
    return root


def _could_nest_deeply(text: str) -> bool:
    # libyaml's composer recurses in C (a deep enough document crashes the
    # process) and gets quadratic on deep flow nesting. A cheap upper bound on
    # the depth lets ordinary files skip the event pre-pass entirely.
    bound = text.count("[") + text.count("{") + text.count("- ") + text.count("\n")
    return bound > 1000


def _check_nesting_by_events(text: str) -> None:
    loader = _ArticleYamlLoader(text)
    depth = 0
    try:
        while (event := loader.get_event()) is not None:
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _too_deep(event.start_mark)
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.YAMLError as error:
        raise _yaml_problem(error) from None
    finally:
        loader.dispose()


def _too_deep(mark: Any) -> FileRejected:
    return FileRejected(
        Diagnostic(
            loc=FRONT_MATTER_LOC,
            msg=f"front matter is nested more than {MAX_DEPTH} levels deep",
            line=mark.line + _LINE_OFFSET,
            column=mark.column + 1,
        )
    )


def _recursive_alias(node: Node) -> FileRejected:
    return FileRejected(
        Diagnostic(
            loc=FRONT_MATTER_LOC,
            msg="a YAML alias refers to a node that contains it (recursive alias)",
            line=node.start_mark.line + _LINE_OFFSET,
        )
    )


def _duplicate_key(key_node: Node) -> FileRejected:
    return FileRejected(
        Diagnostic(
            loc=key_node.value,
            msg="duplicate key: each key may appear once in a mapping",
            value=shorten(key_node.value),
            line=key_node.start_mark.line + _LINE_OFFSET,
            column=key_node.start_mark.column + 1,
        )
    )


def _too_many_values(node: Node) -> FileRejected:
    return FileRejected(
        Diagnostic(
            loc=FRONT_MATTER_LOC,
            msg=f"YAML aliases expand to more than {MAX_EXPANDED_NODES} values",
            line=node.start_mark.line + _LINE_OFFSET,
        )
    )


def _construct(root: Node | None) -> dict[str, Any]:
    if root is None:
        return {}
    if not isinstance(root, MappingNode):
        found = "a list" if isinstance(root, SequenceNode) else "a single value"
        raise FileRejected(
            Diagnostic(
                loc=FRONT_MATTER_LOC,
                msg=f"front matter must be a YAML mapping of `field: value` lines, found {found}",
                line=root.start_mark.line + _LINE_OFFSET,
            )
        )
    try:
        data, _ = _NodeBuilder().build(root)
    except yaml.YAMLError as error:
        raise _yaml_problem(error) from None
    except (ValueError, TypeError, LookupError, ArithmeticError) as error:
        # PyYAML's constructors raise these for explicitly tagged values they
        # cannot read (`!!int x1`, `!!bool maybe` is a KeyError there).
        raise FileRejected(Diagnostic(loc=FRONT_MATTER_LOC, msg=f"invalid YAML value: {error}")) from None
    for key in data:
        if not isinstance(key, str):
            raise FileRejected(Diagnostic(loc=str(key), msg="field names must be text", value=shorten(key), line=None))
    return data


_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
# Decimal integers PyYAML reads as int(text); others (octal 0…, 0x…, 1_000, 1:30) go to PyYAML.
_PLAIN_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")


_BOOLEANS = yaml.constructor.SafeConstructor.bool_values  # PyYAML's own table


def _boolean(text: str) -> bool:
    """A YAML 1.1 boolean as PyYAML's safe constructor reads it."""
    value = _BOOLEANS.get(text.lower())
    if value is None:  # only an explicit `!!bool` tag gets here with other text
        raise ValueError(f"{text!r} is not a YAML boolean (true/false, yes/no, on/off)")
    return bool(value)


class _NodeBuilder:
    """Python objects from the composed node graph, checking its shape as it goes:
    nesting depth, alias expansion, recursive aliases and duplicate keys.

    Text, decimal integers, booleans, nulls, plain mappings and lists are built
    here, as PyYAML's safe constructor builds them: they are almost every node of
    an article, and PyYAML's general constructor plus a separate shape walk cost
    ≈ 0.3 ms per file (docs/performance.md). Every other node (floats, merge
    keys, non-text keys, other tags) is built by PyYAML's constructor, once its
    parts have passed the same checks.
    """

    def __init__(self) -> None:
        self._built: dict[int, tuple[Any, int]] = {}  # an alias reuses its object, as in PyYAML
        self._in_progress: set[int] = set()
        self._loader: _ArticleYamlLoader | None = None

    def build(self, node: Node, depth: int = 0) -> tuple[Any, int]:
        """The node's value, and how many values it stands for with aliases expanded."""
        if type(node) is ScalarNode:
            return self._scalar(node), 1
        known = self._built.get(id(node))
        if known is not None:
            return known
        if depth > MAX_DEPTH:
            raise _too_deep(node.start_mark)
        if id(node) in self._in_progress:
            raise _recursive_alias(node)
        self._in_progress.add(id(node))
        built: Any
        if node.tag == _SEQ and type(node) is SequenceNode:
            built, total = [], 1
            for child in node.value:
                value, size = self.build(child, depth + 1)
                built.append(value)
                total += size
        elif node.tag == _MAP and type(node) is MappingNode:
            built, total = self._mapping(node, depth)
        else:
            built, total = self._by_pyyaml(node, depth)
        self._in_progress.discard(id(node))
        if total > MAX_EXPANDED_NODES:
            raise _too_many_values(node)
        self._built[id(node)] = (built, total)
        return built, total

    def _scalar(self, node: ScalarNode) -> Any:
        tag = node.tag
        if tag == _STR:
            return node.value
        if tag == _INT and _PLAIN_DECIMAL.fullmatch(node.value):
            return int(node.value)
        if tag == _BOOL:
            return _boolean(node.value)
        if tag == _NULL:
            return None
        return self._pyyaml(node)

    def _mapping(self, node: MappingNode, depth: int) -> tuple[Any, int]:
        built: dict[str, Any] = {}
        total = 1
        for key_node, value_node in node.value:
            if key_node.tag != _STR or type(key_node) is not ScalarNode:  # merge key, number…
                return self._by_pyyaml(node, depth)
            if key_node.value in built:
                raise _duplicate_key(key_node)
            value, size = self.build(value_node, depth + 1)
            built[key_node.value] = value
            total += 1 + size
        return built, total

    def _by_pyyaml(self, node: Node, depth: int) -> tuple[Any, int]:
        """PyYAML builds the node after its parts passed the checks (built here, then dropped)."""
        total = 1
        if isinstance(node, SequenceNode):
            total += sum(self.build(child, depth + 1)[1] for child in node.value)
        elif isinstance(node, MappingNode):
            keys: set[str] = set()
            for key_node, value_node in node.value:
                if isinstance(key_node, ScalarNode):  # `<<` has no value of its own: count, don't build
                    if key_node.value in keys:
                        raise _duplicate_key(key_node)
                    keys.add(key_node.value)
                    total += 1
                else:
                    total += self.build(key_node, depth + 1)[1]
                total += self.build(value_node, depth + 1)[1]
        return self._pyyaml(node), total

    def _pyyaml(self, node: Node) -> Any:
        if self._loader is None:
            self._loader = _ArticleYamlLoader("")
        return self._loader.construct_object(node, deep=True)


def _validate(raw: dict[str, Any], root: Node | None, body: str) -> ParsedFile:
    try:
        article = Article.model_validate(raw)
    except ValidationError as error:
        return ParsedFile(errors=[_from_pydantic(item, root) for item in error.errors()])
    warnings = [
        Diagnostic(
            loc=loc,
            msg="unknown field: kept and served as it is",
            value=shorten(value),
            line=_line_of(root, loc),
        )
        for loc, value in unknown_keys(article)
    ]
    warnings.extend(_zone_less_warnings(raw, root))
    return ParsedFile(article=article, body=body, warnings=warnings)


def _from_pydantic(item: Any, root: Node | None) -> Diagnostic:
    loc = format_loc(tuple(item["loc"]))
    msg = str(item["msg"]).removeprefix("Value error, ")
    if item["type"] == "missing":
        msg = "required field is missing"
    value = None if item["type"] == "missing" else shorten(item.get("input"))
    return Diagnostic(loc=loc, msg=msg, value=value, line=_line_of(root, loc))


def _zone_less_warnings(raw: dict[str, Any], root: Node | None) -> list[Diagnostic]:
    holders: list[tuple[str, Any]] = [("", raw)]
    related = raw.get("related")
    if isinstance(related, list):
        holders.extend((f"related[{index}].", entry) for index, entry in enumerate(related))
    warnings = []
    for prefix, holder in holders:
        if not isinstance(holder, dict):
            continue
        for name in _DATETIME_FIELDS:
            if is_zone_less(holder.get(name)):
                loc = prefix + name
                warnings.append(
                    Diagnostic(
                        loc=loc,
                        msg="date-time has no time zone; it is taken as UTC",
                        value=shorten(holder[name]),
                        line=_line_of(root, loc),
                    )
                )
    return warnings


_LOC_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _line_of(root: Node | None, loc: str) -> int | None:
    """The file line of the deepest node on a field path that exists in the YAML."""
    node = root
    line = None
    for match in _LOC_PART.finditer(loc):
        name, index = match.group(1), match.group(2)
        if isinstance(node, MappingNode) and name is not None:
            pair = next((pair for pair in node.value if pair[0].value == name), None)
            if pair is None:
                return line
            line = pair[0].start_mark.line + _LINE_OFFSET
            node = pair[1]
        elif isinstance(node, SequenceNode) and index is not None and int(index) < len(node.value):
            node = node.value[int(index)]
            line = node.start_mark.line + _LINE_OFFSET
        else:
            return line
    return line
