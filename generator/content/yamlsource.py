"""YAML that remembers line numbers, so every content error can say file:line.

PyYAML's safe loader keeps the last of two duplicate keys silently; we refuse them.
Only plain data is built (maps, lists, strings, numbers, dates): no tags, no objects.
"""

from __future__ import annotations

import datetime as _dt

import yaml

from generator.errors import UserError, where


class Text(str):
    """A string with the line it came from."""

    line: int = 0


class Map(dict):
    """A mapping with its own line and the line of each key."""

    line: int = 0
    key_lines: dict


class Seq(list):
    line: int = 0


def load_yaml(path) -> object:
    """Parse `path` into Map/Seq/Text/scalars, or raise UserError with file:line."""
    try:
        text = open(path, encoding="utf-8").read()
    except UnicodeDecodeError as exc:
        raise UserError(f"not UTF-8 text ({exc.reason} at byte {exc.start}); save the file as UTF-8", where(path)) from None
    except OSError as exc:
        raise UserError(f"cannot read file ({exc.strerror})", where(path)) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise UserError(f"YAML syntax error: {exc.problem or exc.context}; check indentation and quotes", where(path, line)) from None
    except yaml.YAMLError as exc:
        raise UserError(f"YAML error: {exc}", where(path)) from None
    if node is None:
        raise UserError("file is empty", where(path))
    return _build(node, path)


_PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


def _build(node, path):
    line = node.start_mark.line + 1
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in _PLAIN_TAGS:
        raise UserError(f"YAML tag {node.tag} is not allowed in content files; remove it", where(path, line))
    if isinstance(node, yaml.MappingNode):
        out = Map()
        out.line, out.key_lines = line, {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise UserError("keys must be plain words", where(path, key_node.start_mark.line + 1))
            key = key_node.value
            if key in out:
                raise UserError(
                    f"duplicate key '{key}' (first on line {out.key_lines[key]}); keep one",
                    where(path, key_node.start_mark.line + 1),
                )
            out.key_lines[key] = key_node.start_mark.line + 1
            out[key] = _build(value_node, path)
        return out
    if isinstance(node, yaml.SequenceNode):
        out = Seq(_build(item, path) for item in node.value)
        out.line = line
        return out
    try:
        # Core scalars only (str, int, float, bool, date, null); any other tag is refused.
        value = yaml.SafeLoader("").construct_object(node, deep=True)
    except yaml.constructor.ConstructorError:
        raise UserError(f"YAML tag {node.tag} is not allowed in content files; remove it", where(path, line)) from None
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, str):
        value = Text(value)
        value.line = line
    return value
