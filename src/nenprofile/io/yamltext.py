"""YAML parsing through libyaml when PyYAML was built with it (about 10x faster)."""

from __future__ import annotations

from typing import IO, Any

import yaml

SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str | bytes | IO[str]) -> Any:
    """yaml.safe_load with the C loader; errors are the same yaml.YAMLError types."""
    return yaml.load(text, Loader=SafeLoader)
