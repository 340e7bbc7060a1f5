"""JSON-schema validation with defaults and messages a person can act on."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError

from nenprofile.io.yamltext import load_yaml


def _with_defaults(validator_class: Any) -> Any:
    validate_properties = validator_class.VALIDATORS["properties"]

    def set_defaults(validator: Any, properties: Any, instance: Any, schema: Any) -> Any:
        if isinstance(instance, dict):
            for name, subschema in properties.items():
                if "default" in subschema and name not in instance:
                    default = subschema["default"]
                    instance[name] = dict(default) if isinstance(default, dict) else default
        yield from validate_properties(validator, properties, instance, schema)

    return validators.extend(validator_class, {"properties": set_defaults})


DefaultFillingValidator = _with_defaults(Draft202012Validator)


def load_schema(path: str | Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return load_yaml(handle)


def _fix_for(error: ValidationError, root_schema: dict[str, Any]) -> str | None:
    schema = error.schema if isinstance(error.schema, dict) else {}
    if "x-fix" in schema:
        return schema["x-fix"]
    if error.validator == "anyOf" and "x-anyOf-fix" in root_schema:
        return root_schema["x-anyOf-fix"]
    if error.validator == "additionalProperties":
        allowed = ", ".join(sorted(schema.get("properties", {})))
        return f"remove or rename the key; allowed keys here: {allowed}"
    if error.validator == "enum":
        return "use one of: " + ", ".join(str(v) for v in cast(list[Any], error.validator_value))
    if error.validator == "required":
        return "add the missing key; every key is described in config/README.md"
    if error.validator in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        return _range_fix(schema)
    if error.validator == "type":
        return f"write a value of type {error.validator_value}"
    return None


def _range_fix(schema: dict[str, Any]) -> str:
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    high = schema.get("maximum", schema.get("exclusiveMaximum"))
    low_word = "from" if "minimum" in schema else "above"
    high_word = "to" if "maximum" in schema else "below"
    if low is not None and high is not None:
        return f"use a value {low_word} {low} {high_word} {high}"
    if low is not None:
        return f"use a value {low_word} {low}"
    return f"use a value {high_word} {high}"


def _message_for(error: ValidationError, root_schema: dict[str, Any]) -> str:
    if error.validator == "anyOf" and "x-anyOf-message" in root_schema:
        return root_schema["x-anyOf-message"]
    if error.validator == "required":
        return error.message.replace("is a required property", "is required but missing")
    return error.message


def iter_problems(
    instance: dict[str, Any], schema: dict[str, Any], *, fill_defaults: bool = True
) -> Iterator[tuple[str, str, str | None]]:
    """Yield (dotted key, message, fix) for every schema violation, in a stable order."""
    validator_class = DefaultFillingValidator if fill_defaults else Draft202012Validator
    validator = validator_class(schema)
    errors = sorted(validator.iter_errors(instance), key=lambda e: [str(p) for p in e.path])
    for error in errors:
        key = ".".join(str(part) for part in error.absolute_path)
        yield key, _message_for(error, schema), _fix_for(error, schema)
