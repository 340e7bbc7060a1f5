"""The run's settings: one typed object, built once from the validated cohort config.

The config schema (`schemas/config.schema.yaml`, also reached as `workflow/schemas/`) holds
every default. Code never restates one: `Settings.from_config` reads a config the schema has
already filled in, and `schema_default` hands the schema's value to the few library
signatures that offer a default for direct (non-workflow) use.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from nenprofile.errors import InputError
from nenprofile.io.validation import fill_defaults, iter_problems, load_schema

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
CONFIG_SCHEMA = SCHEMA_DIR / "config.schema.yaml"
SAMPLES_SCHEMA = SCHEMA_DIR / "samples.schema.yaml"


@cache
def _schema_defaults() -> dict[str, Any]:
    """The config the schema makes of nothing but the required keys."""
    return fill_defaults(
        {"cohort": "defaults", "samples": "samples.tsv"}, load_schema(CONFIG_SCHEMA)
    )


def schema_default(dotted_key: str) -> Any:
    """The schema's default of a config key, e.g. schema_default('tmb.high_threshold')."""
    value: Any = _schema_defaults()
    for part in dotted_key.split("."):
        value = value[part]
    return value


def _floats(section: dict[str, Any]) -> dict[str, float]:
    """A config section of numbers as floats (YAML writes 10 for 10.0)."""
    return {key: float(value) for key, value in section.items()}


@dataclass(frozen=True)
class TmbSettings:
    target_size_mb: float
    high_threshold: float
    min_vaf: float


@dataclass(frozen=True)
class FilterSettings:
    pass_only: bool
    allowed_filters: tuple[str, ...]
    min_vaf: float
    min_depth: int
    max_population_af: float


@dataclass(frozen=True)
class CopyNumberSettings:
    amp_copies: float
    log2_amp: float
    log2_gain: float
    log2_hetloss: float
    log2_deepdel: float
    seg_scale: str


@dataclass(frozen=True)
class FusionSettings:
    min_supporting_reads: int
    min_split_reads: int
    trusted_confidence: tuple[str, ...]


@dataclass(frozen=True)
class ExpressionConfig:
    matrix: str | None
    reference: str | None
    min_reference_size: int
    high_percentile: float
    low_percentile: float


@dataclass(frozen=True)
class Settings:
    """Every setting of a run, typed; the config keys of config/README.md, nothing else."""

    cohort: str
    samples: str
    genome_build: str
    profile_batch_size: int | str  # a number of samples, or "auto"
    tmb: TmbSettings
    msi_min_indel_fraction: float
    pdl1_thresholds: dict[str, float]
    filters: FilterSettings
    copy_number: CopyNumberSettings
    fusions: FusionSettings
    expression: ExpressionConfig
    knowledge_base_path: str | None
    civic_path: str | None
    moalmanac_path: str | None
    reference_fasta: str | None
    gff3: str | None
    report: dict[str, Any]
    max_expansion_ratio: float  # input_limits: a gzipped VCF/MAF's expansion bound

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Settings:
        """From a config the schema validated and filled in (a missing key is a bug here)."""
        filters = config["filters"]
        return cls(
            cohort=config["cohort"],
            samples=config["samples"],
            genome_build=config["genome_build"],
            profile_batch_size=config["profile_batch_size"],
            tmb=TmbSettings(**_floats(config["tmb"])),
            msi_min_indel_fraction=float(config["msi"]["min_indel_fraction"]),
            pdl1_thresholds=_floats(config["pdl1"]),
            filters=FilterSettings(
                pass_only=filters["pass_only"],
                allowed_filters=tuple(filters["allowed_filters"]),
                min_vaf=float(filters["min_vaf"]),
                min_depth=filters["min_depth"],
                max_population_af=float(filters["max_population_af"]),
            ),
            copy_number=CopyNumberSettings(
                **_floats({k: v for k, v in config["copy_number"].items() if k != "seg_scale"}),
                seg_scale=config["copy_number"]["seg_scale"],
            ),
            expression=ExpressionConfig(
                matrix=config["expression"]["matrix"],
                reference=config["expression"]["reference"],
                min_reference_size=config["expression"]["min_reference_size"],
                high_percentile=float(config["expression"]["high_percentile"]),
                low_percentile=float(config["expression"]["low_percentile"]),
            ),
            fusions=FusionSettings(
                min_supporting_reads=config["fusions"]["min_supporting_reads"],
                min_split_reads=config["fusions"]["min_split_reads"],
                trusted_confidence=tuple(config["fusions"]["trusted_confidence"]),
            ),
            knowledge_base_path=config["knowledge_base"]["path"],
            civic_path=config["knowledge_base"]["civic"],
            moalmanac_path=config["knowledge_base"]["moalmanac"],
            reference_fasta=config["annotation"]["reference_fasta"],
            gff3=config["annotation"]["gff3"],
            report=dict(config["report"]),
            max_expansion_ratio=float(config["input_limits"]["max_expansion_ratio"]),
        )

    @classmethod
    def defaults(cls) -> Settings:
        """The schema's defaults, for library use outside a workflow run."""
        return cls.from_config(copy.deepcopy(_schema_defaults()))

    @classmethod
    def from_partial(cls, config: dict[str, Any], source: str = "config") -> Settings:
        """Validate a partial config (cohort and samples may be left out) against the schema,
        fill in its defaults, and build the settings; InputError on the first problem."""
        filled = {"cohort": "library", "samples": "samples.tsv", **copy.deepcopy(config)}
        for key, message, fix in iter_problems(filled, load_schema(CONFIG_SCHEMA)):
            raise InputError(f"key '{key or '(top level)'}': {message}.", path=source, fix=fix)
        return cls.from_config(filled)
