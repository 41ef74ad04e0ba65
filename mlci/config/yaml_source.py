"""Read YAML files while keeping where each value came from, for errors that name a line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from mlci.config.files import MAX_CONFIG_BYTES, read_capped
from mlci.config.parse_limits import PARSE_LIMIT_ERRORS, parse_limit_message
from mlci.errors import ConfigError, InputError

__all__ = ["MAX_EXPANDED_NODES", "YamlDocument", "check_expansion", "load_yaml"]


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML file: its Python value and its node tree (for positions)."""

    path: Path
    data: Any
    root: yaml.Node | None

    def position(self, loc: tuple[str | int, ...]) -> tuple[int | None, int | None]:
        """1-based (line, column) of the value at ``loc``, or of its deepest existing parent."""
        node = self.root
        if node is None:
            return None, None
        best = node
        for part in loc:
            child = _child(node, part)
            if child is None:
                # An unknown or missing key: point at the key itself when it exists.
                key_node = _key_node(node, part)
                if key_node is not None:
                    best = key_node
                break
            node = child
            best = child
        mark = best.start_mark
        return mark.line + 1, mark.column + 1


def _child(node: yaml.Node, part: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if str(key.value) == str(part):
                found: yaml.Node = value
                return found
    elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
        if 0 <= part < len(node.value):
            item: yaml.Node = node.value[part]
            return item
    return None


def _key_node(node: yaml.Node, part: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, _ in node.value:
            if str(key.value) == str(part):
                key_node: yaml.Node = key
                return key_node
    return None


def _check_duplicate_keys(node: yaml.Node | None, path: Path, seen_nodes: set[int] | None = None) -> None:
    """YAML silently keeps the last of two equal keys; a config file should not."""
    # An alias points at a node already checked: walk each node once (no alias bombs).
    seen_nodes = set() if seen_nodes is None else seen_nodes
    if id(node) in seen_nodes:
        return
    seen_nodes.add(id(node))
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = str(key.value)
            if name in seen:
                raise ConfigError(
                    f"duplicate key '{name}'",
                    path=path,
                    line=key.start_mark.line + 1,
                    column=key.start_mark.column + 1,
                )
            seen.add(name)
            _check_duplicate_keys(value, path, seen_nodes)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _check_duplicate_keys(item, path, seen_nodes)


# Aliases let a few lines stand for billions of values ("billion laughs"); a real config
# expands to a few thousand.
MAX_EXPANDED_NODES = 1_000_000


def check_expansion(root: yaml.Node | None, path: Path, error: type[InputError] = ConfigError) -> None:
    """Refuse a document whose aliases expand past ``MAX_EXPANDED_NODES`` (or loop)."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            mark = node.start_mark
            raise error("recursive YAML alias", path=path, line=mark.line + 1, column=mark.column + 1)
        active.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(item) for item in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        active.discard(key)
        if total > MAX_EXPANDED_NODES:
            mark = node.start_mark
            raise error(
                f"YAML aliases expand to more than {MAX_EXPANDED_NODES:,} values: refused",
                path=path,
                line=mark.line + 1,
                column=mark.column + 1,
            )
        sizes[key] = total
        return total

    if root is not None:
        size(root)


def load_yaml(path: str | Path, *, what: str = "config file") -> YamlDocument:
    """Parse ``path`` as YAML; every problem becomes a ``ConfigError`` naming the line.

    Only a regular file of at most ``MAX_CONFIG_BYTES``; aliases may not expand past
    ``MAX_EXPANDED_NODES`` values.
    """
    path = Path(path)
    raw = read_capped(path, what=what, limit=MAX_CONFIG_BYTES, error=ConfigError)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{what} is not valid UTF-8 (byte {exc.start})", path=path) from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        check_expansion(root, path)
        _check_duplicate_keys(root, path)
        data = yaml.load(text, Loader=yaml.SafeLoader) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise ConfigError(
            f"invalid YAML: {problem}",
            path=path,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"invalid YAML: {exc}", path=path) from None
    except PARSE_LIMIT_ERRORS as exc:
        raise ConfigError(parse_limit_message(exc, "YAML"), path=path) from None
    if data is None:
        raise ConfigError(f"{what} is empty", path=path)
    return YamlDocument(path=path, data=data, root=root)
