"""YAML parsing through libyaml when PyYAML was built with it (about 10x faster)."""

from __future__ import annotations

from typing import IO, Any

import yaml

SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str | bytes | IO[str]) -> Any:
    """yaml.safe_load with the C loader; errors are the same yaml.YAMLError types."""
    return yaml.load(text, Loader=SafeLoader)


def find_oversize(data: Any, *, max_nodes: int, max_depth: int) -> str | None:
    """Why data is too large to be a hand-written document, or None.

    Counts every value as often as it is reached, so an 'alias bomb' (anchors referring to
    anchors: a few lines that expand to billions of values) is caught after max_nodes steps
    instead of exhausting memory in whatever walks the data next.
    """
    budget = max_nodes
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        budget -= 1
        if budget < 0:
            return f"it holds more than {max_nodes} values (aliases included)"
        if depth > max_depth:
            return f"it is nested more than {max_depth} levels deep"
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
            stack.extend((k, depth + 1) for k in value)
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return None
