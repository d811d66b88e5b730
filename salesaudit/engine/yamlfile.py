"""Settings files read as bounded, strict YAML: ``engagement.yaml``, ``brand.yml``, ``questionnaire.yaml``.

A settings file is small and written by hand, so anything else is refused with one
:class:`ConfigError` before it can cost memory or flood the terminal:

- a file over :data:`MAX_YAML_BYTES` (1 MB) is not parsed at all;
- YAML aliases may share a node, and a few lines of them can stand for billions of values (the
  "billion laughs"): the document is composed first (libyaml's C parser, as :func:`yaml.safe_load`)
  and its size counted with every alias expanded — each node's size is counted once and reused, so
  the count is cheap — and a document over :data:`MAX_YAML_NODES` nodes is refused;
- a key given twice in one mapping is an error naming the key and both lines (YAML itself would keep
  the last one silently).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..exceptions import ConfigError

MAX_YAML_BYTES = 1 << 20
"""A settings file larger than this (1 MB) is refused unread."""
MAX_YAML_NODES = 100_000
"""A document standing for more values than this, aliases expanded, is refused."""

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MERGE = "tag:yaml.org,2002:merge"


def read_yaml_file(path: str | Path, *, what: str | None = None, max_bytes: int = MAX_YAML_BYTES) -> Any:
    """The content of the YAML file ``path`` (UTF-8), read as :func:`load_strict` reads text.

    Parameters
    ----------
    path
        The file.
    what
        How messages name the file's role (``engagement.yaml``, ``brand``, ``questionnaire``);
        default: its name.
    max_bytes
        Larger files are refused before they are read.

    Raises
    ------
    ConfigError
        Too large, unreadable, not UTF-8, not YAML, too many values once aliases are expanded, or a
        key given twice — naming the file (and the line, the key where there is one).

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "brand.yml"
    >>> _ = p.write_text("color: {primary: '#1B3A5C'}\\n", encoding="utf-8")
    >>> read_yaml_file(p, what="brand")
    {'color': {'primary': '#1B3A5C'}}
    >>> _ = p.write_text("color: red\\nlogo: a.svg\\ncolor: blue\\n", encoding="utf-8")
    >>> read_yaml_file(p, what="brand")
    Traceback (most recent call last):
    ...
    salesaudit.exceptions.ConfigError: ... the key 'color' is given twice (lines 1 and 3); ...
    """
    path = Path(path)
    what = what or path.name
    data = b""
    try:
        size = path.stat().st_size
        if size <= max_bytes:
            with path.open("rb") as fh:  # read at most the limit: a device or a growing file
                data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise ConfigError(f"cannot read the {what} file ({exc.strerror or exc})", file=str(path)) from None
    if size > max_bytes or len(data) > max_bytes:
        raise ConfigError(
            f"the {what} file is larger than {max_bytes >> 10} KB ({max(size, len(data)) >> 10} KB); "
            "a settings file is a few KB of text, so it was not read",
            file=str(path),
            hint="check that the key names the right file",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"the {what} file must be UTF-8 text", file=str(path)) from None
    return load_strict(text, file=str(path))


def load_strict(text: str, *, file: str | None = None, max_nodes: int = MAX_YAML_NODES) -> Any:
    """``yaml.safe_load(text)`` (libyaml's C parser when PyYAML has it), refusing a document of more
    than ``max_nodes`` values with its aliases expanded and a key given twice in one mapping.

    Raises
    ------
    ConfigError
        Not valid YAML (with the line), too large once expanded, or a duplicate key (naming the key
        as a dotted path and both lines).

    Examples
    --------
    >>> load_strict("a: 1\\nb: [x, y]\\n")
    {'a': 1, 'b': ['x', 'y']}
    >>> load_strict("a: &x [1, 2]\\nb: *x\\n", max_nodes=9)  # 1 mapping, 2 keys, 2 lists of 3
    {'a': [1, 2], 'b': [1, 2]}
    >>> load_strict("a: &x [1, 2]\\nb: *x\\n", max_nodes=8)
    Traceback (most recent call last):
    ...
    salesaudit.exceptions.ConfigError: row 1: the YAML stands for more than 8 values ...
    >>> load_strict("inputs:\\n  sales: {}\\n  sales: {}\\n")
    Traceback (most recent call last):
    ...
    salesaudit.exceptions.ConfigError: row 3, key 'inputs.sales': the key 'inputs.sales' is given twice (lines 2 and 3); ...
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_size(node, max_nodes=max_nodes, file=file)
        _check_duplicates(node, loader, file=file)
        try:
            return loader.construct_document(node)
        except (ValueError, OverflowError) as exc:  # a scalar of a known form out of range: 2026-13-45
            bad = _unconstructible(node, loader)
            raise ConfigError(
                f"not a valid value ({exc})",
                file=file,
                row=bad.start_mark.line + 1 if bad is not None else None,
                value=bad.value if bad is not None else None,
            ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        raise ConfigError(
            f"not valid YAML: {getattr(exc, 'problem', None) or exc}",
            file=file,
            row=mark.line + 1 if mark else None,
        ) from None
    finally:
        loader.dispose()


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return node.value
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _unconstructible(root: Node, loader) -> Node | None:
    """The first scalar under ``root`` that the loader cannot turn into a value (None if none is)."""
    loader.constructed_objects, loader.recursive_objects = {}, {}  # as left by the failed construction
    stack = [root]
    while stack:
        node = stack.pop(0)
        if isinstance(node, ScalarNode):
            try:
                loader.construct_object(node)
            except (ValueError, OverflowError):
                return node
        stack.extend(_children(node))
    return None


def _check_size(root: Node, *, max_nodes: int, file: str | None) -> None:
    """Count the values ``root`` stands for, every alias expanded: a node's count is computed once
    (an alias is the very node object it names) and a cycle counts once. Iterative: no recursion."""
    sizes: dict[int, int] = {}
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            size = 1 + sum(sizes[id(child)] for child in _children(node))
            if size > max_nodes:
                raise ConfigError(
                    f"the YAML stands for more than {max_nodes:,} values once its aliases (*name) are "
                    "expanded; a settings file never needs that many",
                    file=file,
                    row=node.start_mark.line + 1 if node.start_mark else None,
                    hint="remove the anchors (&name) and aliases (*name), or write the values out",
                )
            sizes[id(node)] = size
        elif id(node) not in sizes:
            sizes[id(node)] = 1  # in progress: an alias back to it (a cycle) counts once
            stack.append((node, True))
            stack.extend((child, False) for child in _children(node) if id(child) not in sizes)


def _check_duplicates(root: Node, loader, *, file: str | None) -> None:
    """Every mapping, once: a key given twice (merge keys ``<<`` aside) is an error naming its dotted
    path and both lines."""
    seen: set[int] = set()
    stack: list[tuple[Node, str]] = [(root, "")]
    while stack:
        node, at = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, SequenceNode):
            stack.extend((child, f"{at}[{i}]") for i, child in enumerate(node.value))
            continue
        if not isinstance(node, MappingNode):
            continue
        lines: dict[Any, int] = {}
        for key_node, value_node in node.value:
            dotted = at
            if isinstance(key_node, ScalarNode) and key_node.tag != _MERGE:
                name = loader.construct_object(key_node)  # compared as read: `on` and `yes` are one key
                dotted = f"{at}.{key_node.value}" if at else key_node.value
                line = key_node.start_mark.line + 1
                if name in lines:
                    raise ConfigError(
                        f"the key {dotted!r} is given twice (lines {lines[name]} and {line}); YAML "
                        "would silently keep the last one",
                        file=file,
                        key=dotted,
                        row=line,
                        hint="keep one of the two",
                    )
                lines[name] = line
            stack.append((value_node, dotted))


__all__ = ["MAX_YAML_BYTES", "MAX_YAML_NODES", "load_strict", "read_yaml_file"]
