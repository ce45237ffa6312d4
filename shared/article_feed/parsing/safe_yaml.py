"""YAML from curators' hands and from the internet, loaded safely.

libyaml's safe loader composes the node graph; the node builder makes Python
objects from it while checking its shape (nesting depth, alias expansion by
values and by text, recursive aliases, duplicate keys), and every value must be
one a JSON answer can carry.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from article_feed.domain.diagnostics import Diagnostic
from article_feed.domain.text import MAX_SAFE_INTEGER
from article_feed.parsing.rejection import DEFAULT_MAX_BYTES, FRONT_MATTER_LOC, LINE_OFFSET, FileRejected

# Containers (mappings and lists) nested in each other, the front matter itself included.
MAX_DEPTH = 32
# Aliases may not make the front matter stand for more values than this, nor for
# more text than the file size limit: what a file without aliases can hold.
MAX_EXPANDED_NODES = 100_000


class _ArticleYamlLoader(yaml.CSafeLoader):
    """libyaml's safe loader, with timestamps left as text.

    PyYAML would turn `2020-13-45` into a constructor crash with no field name;
    as text, the model validates it and names the field.
    """


# The implicit resolvers PyYAML registers for its safe loader, keyed by a value's
# first character, without the timestamp one.
_ArticleYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.CSafeLoader.yaml_implicit_resolvers.items()
}


def _yaml_problem(error: yaml.YAMLError, front_matter: str = "") -> FileRejected:
    """The diagnostic of a YAML error: its reason, where the file has it."""
    if isinstance(error, yaml.reader.ReaderError):  # a character YAML refuses: at a position, not a mark
        before = front_matter[: error.position]
        return FileRejected(
            Diagnostic(
                loc=FRONT_MATTER_LOC,
                msg=f"YAML syntax error: unacceptable character #x{error.character:04x}: {error.reason}",
                line=before.count("\n") + LINE_OFFSET,
                column=error.position - (before.rfind("\n") + 1) + 1,
            )
        )
    mark = getattr(error, "problem_mark", None)  # PyYAML and libyaml set it on every error past the reader
    problem = getattr(error, "problem", None) or str(error)
    context = getattr(error, "context", None)
    msg = f"YAML syntax error: {context + ', ' if context else ''}{problem}"
    return FileRejected(
        Diagnostic(
            loc=FRONT_MATTER_LOC,
            msg=msg,
            line=mark.line + LINE_OFFSET if mark else None,
            column=mark.column + 1 if mark else None,
        )
    )


def compose(front_matter: str) -> Node | None:
    if _could_nest_deeply(front_matter):
        _check_nesting_by_events(front_matter)
    loader = _ArticleYamlLoader(front_matter)
    try:
        root = loader.get_single_node()
    except yaml.YAMLError as error:
        raise _yaml_problem(error, front_matter) from None
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
        raise _yaml_problem(error, text) from None
    finally:
        loader.dispose()


def _children(node: Node) -> list[Node]:
    """The nodes a container holds (a mapping's keys and values)."""
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return list(node.value) if isinstance(node, SequenceNode) else []


def _too_deep(mark: Any) -> FileRejected:
    return FileRejected(
        Diagnostic(
            loc=FRONT_MATTER_LOC,
            msg=f"front matter is nested more than {MAX_DEPTH} levels deep",
            line=mark.line + LINE_OFFSET,
            column=mark.column + 1,
        )
    )


def _recursive_alias(node: Node) -> FileRejected:
    return FileRejected(
        Diagnostic(
            loc=FRONT_MATTER_LOC,
            msg="a YAML alias refers to a node that contains it (recursive alias)",
            line=node.start_mark.line + LINE_OFFSET,
            column=node.start_mark.column + 1,
        )
    )


def _duplicate_key(key_node: Node) -> FileRejected:
    return FileRejected(
        Diagnostic(
            loc=key_node.value,
            msg="duplicate key: each key may appear once in a mapping",
            value=key_node.value,
            line=key_node.start_mark.line + LINE_OFFSET,
            column=key_node.start_mark.column + 1,
        )
    )


def _too_much_expansion(node: Node, what: str) -> FileRejected:
    return FileRejected(
        Diagnostic(
            loc=FRONT_MATTER_LOC,
            msg=f"YAML aliases expand to more than {what}",
            line=node.start_mark.line + LINE_OFFSET,
            column=node.start_mark.column + 1,
        )
    )


def construct(root: Node | None, max_chars: int = DEFAULT_MAX_BYTES) -> dict[str, Any]:
    if root is None:
        return {}
    if not isinstance(root, MappingNode):
        found = "a list" if isinstance(root, SequenceNode) else "a single value"
        raise FileRejected(
            Diagnostic(
                loc=FRONT_MATTER_LOC,
                msg=f"front matter must be a YAML mapping of `field: value` lines, found {found}",
                line=root.start_mark.line + LINE_OFFSET,
            )
        )
    builder = _NodeBuilder(max_chars)
    try:
        data, _ = builder.build(root)
    except yaml.YAMLError as error:
        raise _yaml_problem(error) from None
    except (ValueError, TypeError, LookupError, ArithmeticError) as error:
        # PyYAML's constructors raise these for explicitly tagged values they
        # cannot read (`!!int x1`, `!!bool maybe` is a KeyError there).
        raise FileRejected(Diagnostic(loc=FRONT_MATTER_LOC, msg=f"invalid YAML value: {error}")) from None
    if builder.needs_json_check:
        problem = _json_problem(data, "")
        if problem is not None:
            loc, msg = problem
            line, column = LineFinder(root).position_of(loc)
            raise FileRejected(Diagnostic(loc=loc or FRONT_MATTER_LOC, msg=msg, line=line, column=column))
    mapping: dict[str, Any] = data
    return mapping


_DESCRIBED = {bytes: "binary data (!!binary)", set: "a set (!!set)", tuple: "pairs (!!omap or !!pairs)"}


def _json_problem(value: Any, path: str) -> tuple[str, str] | None:
    """Where the data holds something a JSON answer cannot carry faithfully, and what.

    Served articles are JSON: integers beyond 2^53 - 1 lose digits in most
    clients, NaN and infinities are not JSON, and binary data, sets and pairs
    have no JSON form. Dates given an explicit `!!timestamp` become text.
    """
    stack: list[tuple[Any, str, Any, Any]] = [(value, path, None, None)]
    while stack:
        item, where, holder, slot = stack.pop()
        if isinstance(item, bool) or item is None or isinstance(item, str):
            continue
        if isinstance(item, int):
            if abs(item) > MAX_SAFE_INTEGER:
                return where, f"integers must be at most {MAX_SAFE_INTEGER} in size (JSON-safe)"
        elif isinstance(item, float):
            if item != item or item in (float("inf"), float("-inf")):
                return where, "must be a finite number (NaN and infinities are not JSON)"
        elif isinstance(item, dict):
            for key, child in item.items():
                if not isinstance(key, str):
                    return where or FRONT_MATTER_LOC, f"field names must be text, found {type(key).__name__}"
                stack.append((child, f"{where}.{key}" if where else key, item, key))
            stack[len(stack) - len(item) :] = reversed(stack[len(stack) - len(item) :])  # first problem first
        elif isinstance(item, list):
            stack.extend((child, f"{where}[{index}]", item, index) for index, child in reversed(list(enumerate(item))))
        elif isinstance(item, (datetime, date)) and holder is not None:
            holder[slot] = item.isoformat()
        else:
            described = next((text for kind, text in _DESCRIBED.items() if isinstance(item, kind)), type(item).__name__)
            return where, f"{described} cannot be served as JSON: write it as text"
    return None


_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
# Decimal integers PyYAML reads as int(text); others (octal 0…, 0x…, 1_000, 1:30) go to PyYAML.
_PLAIN_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")


_BOOLEANS = yaml.constructor.SafeConstructor.bool_values  # PyYAML's own table
# A node's weight is values + text characters x this: both totals fit one integer.
_WEIGHT_PER_CHAR = 1 << 40
# 2^53 - 1 has 16 digits: a decimal of 16 or more is range-checked, and one
# longer than 16 is never converted (Python refuses past 4,300 digits, and
# converting is quadratic): it stands for "too large" with its sign.
_SAFE_DIGITS = 16
_TOO_LARGE = MAX_SAFE_INTEGER + 1


def _decimal(text: str) -> tuple[int, bool]:
    """A plain decimal integer, and whether it may lie outside the JSON-safe range."""
    if len(text) < _SAFE_DIGITS:
        return int(text), False
    if len(text.lstrip("+-").lstrip("0")) > _SAFE_DIGITS:
        return (-_TOO_LARGE if text.startswith("-") else _TOO_LARGE), True
    return int(text), True


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

    def __init__(self, max_chars: int = DEFAULT_MAX_BYTES) -> None:
        # An alias reuses its object, as in PyYAML: the value, its weight, and its height (the
        # containers it holds, itself included: an alias nests all of them where it stands).
        self._built: dict[int, tuple[Any, int, int]] = {}
        self._in_progress: set[int] = set()
        self._loader: _ArticleYamlLoader | None = None
        self._max_chars = max_chars
        # Set when a value may not be JSON-safe (built by PyYAML, or a long integer).
        self.needs_json_check = False

    def build(self, node: Node, depth: int = 0) -> tuple[Any, int]:
        """The node's value, and its weight with aliases expanded: one per value
        plus `_CHARS_PER_WEIGHT`-th of its text, so both limits are one sum."""
        if type(node) is ScalarNode:
            return self._scalar(node), 1 + len(node.value) * _WEIGHT_PER_CHAR
        known = self._built.get(id(node))
        if known is not None:
            value, weight, height = known
            if depth + height > MAX_DEPTH:  # an alias deep down, of a deep value
                raise _too_deep(node.start_mark)
            return value, weight
        if depth >= MAX_DEPTH:  # the root is at depth 0: MAX_DEPTH containers in all
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
        self._check_expansion(node, total)
        self._built[id(node)] = (built, total, 1 + max(map(self._height, _children(node)), default=0))
        return built, total

    def _height(self, node: Node) -> int:
        """Every container a built node holds was built before it."""
        return 0 if type(node) is ScalarNode else self._built[id(node)][2]

    def _check_expansion(self, node: Node, total: int) -> None:
        values, chars = total % _WEIGHT_PER_CHAR, total // _WEIGHT_PER_CHAR
        if values > MAX_EXPANDED_NODES:
            raise _too_much_expansion(node, f"{MAX_EXPANDED_NODES} values")
        if chars > self._max_chars:
            raise _too_much_expansion(node, f"{self._max_chars} characters of text")

    def _scalar(self, node: ScalarNode) -> Any:
        tag = node.tag
        if tag == _STR:
            return node.value
        if tag == _INT and _PLAIN_DECIMAL.fullmatch(node.value):
            number, check = _decimal(node.value)
            self.needs_json_check |= check
            return number
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
            total += 1 + len(key_node.value) * _WEIGHT_PER_CHAR + size
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
        self._check_expansion(node, total)  # before PyYAML builds it: it expands aliases in keys too
        return self._pyyaml(node), total

    def _pyyaml(self, node: Node) -> Any:
        self.needs_json_check = True
        if self._loader is None:
            self._loader = _ArticleYamlLoader("")
        return self._loader.construct_object(node, deep=True)


_LOC_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


class LineFinder:
    """File lines of field paths; each mapping is indexed once, so many lookups stay linear."""

    def __init__(self, root: Node | None) -> None:
        self._root = root
        self._indexes: dict[int, dict[str, tuple[Node, Node]]] = {}

    def _pairs(self, node: MappingNode) -> dict[str, tuple[Node, Node]]:
        index = self._indexes.get(id(node))
        if index is None:
            index = {}
            for key_node, value_node in node.value:
                if isinstance(key_node.value, str):
                    index.setdefault(key_node.value, (key_node, value_node))
            self._indexes[id(node)] = index
        return index

    def position_of(self, loc: str) -> tuple[int | None, int | None]:
        """The file (line, column), 1-based, of the deepest node on a field path that exists in the YAML."""
        node = self._root
        mark = None
        for match in _LOC_PART.finditer(loc):
            name, index = match.group(1), match.group(2)
            if isinstance(node, MappingNode) and name is not None:
                pair = self._pairs(node).get(name)
                if pair is None:
                    break
                mark, node = pair[0].start_mark, pair[1]
            elif isinstance(node, SequenceNode) and index is not None and int(index) < len(node.value):
                node = node.value[int(index)]
                mark = node.start_mark
            else:
                break
        return (None, None) if mark is None else (mark.line + LINE_OFFSET, mark.column + 1)
