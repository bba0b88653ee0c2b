"""YAML that remembers line numbers, so every content error can say file:line.

PyYAML's safe loader keeps the last of two duplicate keys silently; we refuse them.
Only plain data is built (maps, lists, strings, numbers, dates): no tags, no objects.
Hostile or broken files are one line with file:line too: aliases (*name) are refused, so
no alias loop or "billion laughs" expansion can happen; nesting deeper than MAX_DEPTH,
files over MAX_BYTES, impossible dates (2026-02-30) and numbers Python will not convert
are named where they are.
"""

from __future__ import annotations

import datetime as _dt

import yaml

from generator.errors import UserError, where

MAX_BYTES = 2 * 1024 * 1024  # the longest handout is about 30 KB, the bibliography about 60 KB
MAX_DEPTH = 40  # content is at most 6 levels deep


class _Refused(Exception):
    def __init__(self, message: str, mark):
        super().__init__(message)
        self.message, self.mark = message, mark


class _Loader(yaml.SafeLoader):
    """The safe loader, refusing aliases and deep nesting as it composes (before anything expands)."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _Refused(f"YAML alias *{event.anchor} is not allowed in content files; write the value out "
                           f"in full", event.start_mark)
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(f"nested more than {MAX_DEPTH} levels deep; content files are a few levels deep, "
                               f"check the indentation and brackets", self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


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
        import os
        import stat

        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise UserError("is not a regular file; replace it with the YAML file itself", where(path))
        if info.st_size > MAX_BYTES:
            raise UserError(f"file is {info.st_size / 1e6:.1f} MB, more than the {MAX_BYTES >> 20} MB a content "
                            f"file may be", where(path))
        with open(path, encoding="utf-8") as f:
            text = f.read(MAX_BYTES + 1)
    except UnicodeDecodeError as exc:
        raise UserError(f"not UTF-8 text ({exc.reason} at byte {exc.start}); save the file as UTF-8", where(path)) from None
    except OSError as exc:
        raise UserError(f"cannot read file ({exc.strerror})", where(path)) from None
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except _Refused as exc:
        raise UserError(exc.message, where(path, exc.mark.line + 1 if exc.mark else None)) from None
    except RecursionError:
        raise UserError("nested too deeply to read; check the indentation and brackets", where(path)) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise UserError(f"YAML syntax error: {exc.problem or exc.context}; check indentation and quotes", where(path, line)) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1 if isinstance(exc.position, int) else None
        raise UserError(f"character U+{exc.character:04X} is not allowed in YAML; delete it" if isinstance(
            exc.character, int) else f"YAML error: {exc.reason}", where(path, line)) from None
    except yaml.YAMLError as exc:
        raise UserError(f"YAML error: {str(exc).splitlines()[0][:120]}", where(path)) from None
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
    except (ValueError, OverflowError) as exc:
        shown = node.value if len(node.value) <= 30 else node.value[:27] + "..."
        if node.tag == "tag:yaml.org,2002:timestamp":
            raise UserError(f"{shown} is not a real date ({exc}); write a date that exists as YYYY-MM-DD",
                            where(path, line)) from None
        raise UserError(f"value {shown!r} cannot be read as a number; put it in quotes if it is text",
                        where(path, line)) from None
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, str):
        value = Text(value)
        value.line = line
    return value
