"""JSON-schema validation with defaults and messages a person can act on."""

from __future__ import annotations

import math
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from nenprofile.io.yamltext import load_yaml

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError


def fill_defaults(instance: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """instance with the schema's defaults filled in where keys are missing, as the
    default-filling validator fills them, without jsonschema: jobs take their config validated
    and need only the defaults (schema_default), and importing jsonschema costs a job 60-80 ms.
    Follows `properties` only, all the config schema uses (tested against the validator)."""
    properties = schema.get("properties", {})
    _fill_missing(instance, properties)
    for name, subschema in properties.items():
        value = instance.get(name)
        if isinstance(value, dict):
            fill_defaults(value, subschema)
    return instance


def _fill_missing(instance: dict[str, Any], properties: dict[str, Any]) -> None:
    for name, subschema in properties.items():
        if "default" in subschema and name not in instance:
            default = subschema["default"]
            instance[name] = dict(default) if isinstance(default, dict) else default


@cache
def validator_classes() -> tuple[Any, Any]:
    """(FiniteValidator, DefaultFillingValidator), built on first use so that importing this
    module does not import jsonschema."""
    from jsonschema import Draft202012Validator, validators

    def is_finite_number(checker: Any, instance: Any) -> bool:
        """JSON numbers are finite: YAML's .nan and .inf are not numbers here. NaN compares
        false with every bound, so it would pass minimum/maximum and then turn every call it
        reaches into 'no' (a NaN TMB threshold made every tumour TMB-low)."""
        return Draft202012Validator.TYPE_CHECKER.is_type(instance, "number") and (
            not isinstance(instance, float) or math.isfinite(instance)
        )

    def is_finite_integer(checker: Any, instance: Any) -> bool:
        return is_finite_number(checker, instance) and (
            Draft202012Validator.TYPE_CHECKER.is_type(instance, "integer")
        )

    finite_types = Draft202012Validator.TYPE_CHECKER.redefine_many(
        {"number": is_finite_number, "integer": is_finite_integer}
    )
    finite = validators.extend(Draft202012Validator, type_checker=finite_types)
    validate_properties = finite.VALIDATORS["properties"]

    def set_defaults(validator: Any, properties: Any, instance: Any, schema: Any) -> Any:
        if isinstance(instance, dict):
            _fill_missing(instance, properties)
        yield from validate_properties(validator, properties, instance, schema)

    return finite, validators.extend(finite, {"properties": set_defaults})


def load_schema(path: str | Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return load_yaml(handle)


def _fix_for(error: ValidationError, root_schema: dict[str, Any]) -> str | None:
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "type" and _is_non_finite(error.instance):
        bounds = _range_fix(schema) if _has_bounds(schema) else "use a finite number"
        return f"{bounds} (.nan and .inf are not allowed)"
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


def _is_non_finite(value: Any) -> bool:
    return isinstance(value, float) and not math.isfinite(value)


def _has_bounds(schema: dict[str, Any]) -> bool:
    return any(k in schema for k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"))


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
    if error.validator == "type" and _is_non_finite(error.instance):
        return f"{error.instance} is not a finite number"
    return error.message


def iter_problems(
    instance: dict[str, Any], schema: dict[str, Any], *, fill_defaults: bool = True
) -> Iterator[tuple[str, str, str | None]]:
    """Yield (dotted key, message, fix) for every schema violation, in a stable order."""
    finite, default_filling = validator_classes()
    validator = (default_filling if fill_defaults else finite)(schema)
    errors = sorted(validator.iter_errors(instance), key=lambda e: [str(p) for p in e.path])
    for error in errors:
        key = ".".join(str(part) for part in error.absolute_path)
        yield key, _message_for(error, schema), _fix_for(error, schema)
