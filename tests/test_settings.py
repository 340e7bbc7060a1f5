"""One settings object from the validated config; the schema holds every default."""

from __future__ import annotations

import copy
import re
from dataclasses import fields
from pathlib import Path

import pytest

from nenprofile.errors import InputError
from nenprofile.ingest.copynumber import CopyNumberThresholds
from nenprofile.interpret.biomarkers import BiomarkerSettings
from nenprofile.interpret.expression import ExpressionSettings
from nenprofile.interpret.oncogenicity import OncogenicitySettings
from nenprofile.interpret.pdl1 import DEFAULT_THRESHOLDS
from nenprofile.io.validation import fill_defaults, load_schema, validator_classes
from nenprofile.settings import CONFIG_SCHEMA, Settings, schema_default

REPO = Path(__file__).resolve().parents[1]


def test_defaults_come_from_the_schema():
    schema = load_schema(CONFIG_SCHEMA)["properties"]
    assert (
        schema_default("tmb.high_threshold")
        == schema["tmb"]["properties"]["high_threshold"]["default"]
    )
    defaults = Settings.defaults()
    assert defaults.tmb.target_size_mb == schema["tmb"]["properties"]["target_size_mb"]["default"]
    # the stage settings a library user gets without a config are the schema's too
    assert BiomarkerSettings() == BiomarkerSettings.from_settings(defaults)
    assert OncogenicitySettings() == OncogenicitySettings.from_settings(defaults)
    assert CopyNumberThresholds() == CopyNumberThresholds.from_settings(defaults)
    assert ExpressionSettings() == ExpressionSettings.from_settings(defaults)
    assert defaults.pdl1_thresholds == DEFAULT_THRESHOLDS


def test_overrides_reach_every_stage_setting():
    settings = Settings.from_partial(
        {
            "tmb": {"target_size_mb": 1.2, "min_vaf": 0.1},
            "filters": {"max_population_af": 0.001},
            "copy_number": {"amp_copies": 8},
            "expression": {"min_reference_size": 4},
        }
    )
    biomarkers = BiomarkerSettings.from_settings(settings)
    assert (biomarkers.target_size_mb, biomarkers.tmb_min_vaf) == (1.2, 0.1)
    assert biomarkers.tmb_high_threshold == schema_default("tmb.high_threshold")
    assert OncogenicitySettings.from_settings(settings).max_population_af == 0.001
    assert CopyNumberThresholds.from_settings(settings).amp_copies == 8
    assert ExpressionSettings.from_settings(settings).min_reference_size == 4


def test_a_bad_partial_config_is_refused_with_the_key_and_fix():
    with pytest.raises(InputError) as caught:
        Settings.from_partial({"tmb": {"target_size_mb": -1}}, source="my.yaml")
    text = str(caught.value)
    assert text.startswith("my.yaml: key 'tmb.target_size_mb'")
    assert "Fix: give the assay's coding territory in megabases, a number above 0" in text


def documented_defaults(readme: str) -> dict[str, str]:
    """Rows like "| `pdl1.tps_low` / `tps_high` | `1` / `50` | ..." as key -> shown default."""
    found = {}
    for keys, values in re.findall(r"^\| (`[^|]+`) \| (`[^|]*`) \|", readme, re.MULTILINE):
        names = re.findall(r"`([^`]+)`", keys)
        shown = re.findall(r"`([^`]*)`", values)
        prefix = names[0].rsplit(".", 1)[0] + "." if "." in names[0] else ""
        for i, name in enumerate(names):
            full = name if i == 0 or "." in name else prefix + name
            found[full] = shown[i] if len(shown) == len(names) else shown[0]
    return found


def test_config_readme_states_the_schema_defaults():
    """config/README.md documents every key with the schema's default (kept true by this test)."""
    readme = (REPO / "config" / "README.md").read_text(encoding="utf-8")
    documented = documented_defaults(readme)
    schema = load_schema(CONFIG_SCHEMA)["properties"]
    expected = {}
    for key, spec in schema.items():
        if spec.get("type") == "object" and "properties" in spec:
            for sub, subspec in spec["properties"].items():
                expected[f"{key}.{sub}"] = subspec.get("default")
        elif key not in ("cohort", "samples"):
            expected[key] = spec.get("default")
    missing = sorted(set(expected) - set(documented))
    assert missing == [], f"config/README.md does not document {missing}"
    for key, default in expected.items():
        shown = documented[key]
        if default is None:
            assert shown in ("null", "none", ""), (key, shown)
        elif isinstance(default, bool):
            assert shown == str(default).lower(), (key, shown)
        elif isinstance(default, list):
            assert shown == "[" + ", ".join(map(str, default)) + "]", (key, shown)
        elif isinstance(default, (int, float)):
            assert float(shown) == float(default), (key, shown, default)
        else:
            assert shown.strip('"') == str(default), (key, shown, default)


def test_settings_has_one_field_per_config_section_and_no_defaults():
    assert all(f.default is f.default_factory for f in fields(Settings))  # both MISSING


def test_numbers_the_schema_writes_as_integers_stay_floats_where_code_expects_floats():
    """YAML's `high_threshold: 10` must still reach biomarkers.json as 10.0, as it always did."""
    defaults = Settings.defaults()
    assert isinstance(defaults.tmb.high_threshold, float)
    assert isinstance(BiomarkerSettings().tmb_high_threshold, float)
    assert isinstance(CopyNumberThresholds().amp_copies, float)
    assert isinstance(defaults.expression.min_reference_size, int)


@pytest.mark.parametrize(
    "config",
    [
        {"cohort": "c", "samples": "s.tsv"},
        {"cohort": "c", "samples": "s.tsv", "tmb": {"min_vaf": 0.1}, "report": {"pdf": False},
         "filters": {"allowed_filters": ["PASS", "."]}, "expression": {}},
    ],
)  # fmt: skip
def test_defaults_are_filled_as_the_default_filling_validator_fills_them(config):
    """schema_default fills the config schema's defaults without jsonschema; the validator
    the workflow validates with fills the very same values, and they are valid."""
    schema = load_schema(CONFIG_SCHEMA)
    by_validator = copy.deepcopy(config)
    default_filling = validator_classes()[1]
    default_filling(schema).validate(by_validator)
    assert fill_defaults(copy.deepcopy(config), schema) == by_validator
    assert by_validator["tmb"]["min_vaf"] == (0.1 if "tmb" in config else 0.05)
    assert schema_default("report.pdf") is True
