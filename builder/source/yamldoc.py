"""YAML with line numbers, and a tiny schema check for mappings.

PyYAML's `safe_load` loses positions; we compose the node tree once to keep the
line of every key, so that a wrong value can be reported where it stands.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from builder.errors import Collector

KeyPath = tuple[str | int, ...]
# Limits: front matter and settings are small; anything beyond these is a mistake or an
# attack (an alias "bomb" expands a few hundred bytes into billions of values).
MAX_TEXT = 1_000_000          # characters of YAML
MAX_DEPTH = 50                # nested mappings and lists
MAX_VALUES = 100_000          # values once every alias is expanded


# libyaml's safe loader when PyYAML has it: several times faster, same results.
_SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeBase):
    """SafeLoader that leaves dates as text: we parse them ourselves, with a line."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class YamlDoc:
    """Parsed YAML with the line of every key, to report a problem where it stands."""
    data: Any
    lines: dict[KeyPath, int]

    def line(self, *path: str | int) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)


def _walk(node: yaml.Node, path: KeyPath, offset: int, out: dict[KeyPath, int],
          duplicates: list[tuple[str, int, int]]) -> None:
    out[path] = node.start_mark.line + 1 + offset
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else str(key.value)
            line = key.start_mark.line + 1 + offset
            if name in seen:
                duplicates.append((name, line, seen[name]))
            seen.setdefault(name, line)
            _walk(value, path + (name,), offset, out, duplicates)
            out[path + (name,)] = line
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, path + (index,), offset, out, duplicates)


@dataclass(frozen=True)
class _Shape:
    """What the events of a YAML text tell before any tree is built."""
    problem: tuple[str, int] | None     # (what is wrong, line): too long or too deep
    may_expand: bool                    # aliases, or too many values: count them expanded


def _shape(text: str) -> _Shape:
    """Too big or too deep, from the events alone (no tree is built, nothing is
    expanded); whether the values need counting once aliases are expanded (without an
    alias, the values are the events' nodes, counted here)."""
    if len(text) > MAX_TEXT:
        return _Shape((f"YAML longer than {MAX_TEXT:,} characters", 1), False)
    depth = nodes = 0
    aliases = False
    for event in yaml.parse(text, Loader=_Loader):
        kind = type(event)
        if kind is yaml.ScalarEvent:
            nodes += 1
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            nodes += 1
            depth += 1
            if depth > MAX_DEPTH:
                return _Shape((f"YAML nested more than {MAX_DEPTH} levels deep",
                               event.start_mark.line + 1), False)
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            depth -= 1
        elif kind is yaml.AliasEvent:
            aliases = True
    return _Shape(None, aliases or nodes > MAX_VALUES)


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """How many values `node` stands for once aliases are expanded (memoised: linear)."""
    found = memo.get(id(node))
    if found is None:
        memo[id(node)] = MAX_VALUES + 1    # a node that contains itself: infinite
        children = [n for pair in node.value for n in pair] if isinstance(
            node, yaml.MappingNode) else node.value if isinstance(node, yaml.SequenceNode) \
            else []
        found = memo[id(node)] = min(MAX_VALUES + 1,
                                     1 + sum(_expanded_size(c, memo) for c in children))
    return found


def parse_yaml(text: str, path: Path, offset: int, diags: Collector) -> YamlDoc | None:
    """Parse YAML; on failure record `path:line: error` and return None.

    `offset` is the number of lines before `text` in the file (front matter).
    Duplicate keys are errors (YAML would silently keep the last), and so is YAML
    that is too long, too deep, or that expands too much through aliases.
    """
    if "\t" in text:
        line = text[: text.index("\t")].count("\n") + 1 + offset
        diags.error(path, line, "tab character in YAML",
                    "indent with spaces; YAML does not allow tabs for indentation")
        return None
    try:
        shape = _shape(text)
        if shape.problem:
            diags.error(path, shape.problem[1] + offset, shape.problem[0],
                        "write plain keys and values; keep lists and mappings shallow")
            return None
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is not None and shape.may_expand and _expanded_size(node, {}) > MAX_VALUES:
                diags.error(path, node.start_mark.line + 1 + offset,
                            f"YAML expands to more than {MAX_VALUES:,} values (through "
                            "`*aliases`)", "write the values out instead of repeating aliases")
                return None
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        # The context mark is where the broken construct began (an opening quote):
        # that is the line the author has to fix.
        mark = exc.context_mark or exc.problem_mark
        line = mark.line + 1 + offset if mark else offset + 1
        problem = " ".join(filter(None, (exc.context, exc.problem))) or "invalid YAML"
        diags.error(path, line, f"invalid YAML: {problem}",
                    "check the quotes, colons and indentation from this line on")
        return None
    except yaml.YAMLError as exc:  # e.g. a reader error on control characters
        diags.error(path, offset + 1, f"invalid YAML: {exc}", "fix the YAML syntax")
        return None
    lines: dict[KeyPath, int] = {}
    duplicates: list[tuple[str, int, int]] = []
    if node is not None:
        _walk(node, (), offset, lines, duplicates)
    for name, line, first in duplicates:
        diags.error(path, line, f"duplicate key `{name}` (first at line {first})",
                    "keep one of the two: YAML would silently use the last")
    return None if duplicates else YamlDoc(data, lines)


@dataclass(frozen=True)
class Field:
    """What `check_mapping` expects of one key of a mapping, and how to describe it in a hint."""
    kind: type | tuple[type, ...]
    required: bool = False
    describe: str = ""
    blank: bool = False          # text may be empty (an alt text for a decorative image)


def check_mapping(value: Any, schema: dict[str, Field], doc: YamlDoc, where: KeyPath,
                  path: Path, diags: Collector) -> bool:
    """Unknown keys, missing keys and wrong types are errors; returns True if clean."""
    line = doc.line(*where)
    if not isinstance(value, dict):
        diags.error(path, line, f"expected a mapping of keys, found {type_name(value)}",
                    "write `key: value` lines")
        return False
    ok = True
    for key in value:
        if key not in schema:
            ok = False
            close = difflib.get_close_matches(str(key), schema, n=1)
            hint = f"did you mean `{close[0]}`?" if close else \
                "allowed keys: " + ", ".join(sorted(schema))
            diags.error(path, doc.line(*where, key), f"unknown key `{key}`", hint)
    for key, field in schema.items():
        if key not in value or value[key] is None:
            if field.required:
                ok = False
                diags.error(path, line, f"missing required key `{key}`",
                            f"add `{key}:` ({field.describe or type_label(field.kind)})")
            continue
        if not isinstance(value[key], field.kind) or isinstance(value[key], bool) and \
                bool not in _as_tuple(field.kind):
            ok = False
            diags.error(path, doc.line(*where, key),
                        f"`{key}` must be {field.describe or type_label(field.kind)}, "
                        f"found {type_name(value[key])}", "fix the value")
        elif isinstance(value[key], str) and not value[key].strip() and not field.blank:
            ok = False
            diags.error(path, doc.line(*where, key), f"`{key}` is empty",
                        f"write {field.describe or 'a value'}" +
                        ("" if field.required else ", or remove the key"))
    return ok


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def type_label(kind: type | tuple[type, ...]) -> str:
    names = {str: "text", int: "a whole number", list: "a list", dict: "a mapping",
             bool: "true or false"}
    return " or ".join(names.get(k, k.__name__) for k in _as_tuple(kind))


def type_name(value: Any) -> str:
    return {str: "text", int: "a number", float: "a number", list: "a list",
            dict: "a mapping", bool: "true/false", type(None): "nothing"}.get(
        type(value), type(value).__name__)
