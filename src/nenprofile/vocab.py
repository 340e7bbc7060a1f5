"""The project's vocabulary: evidence tiers and their order, contexts, oncogenicity and call
labels, and the one ranking of therapy options.

therapies.tsv, the report's summary and tables and the cohort report all order options with
`therapy_rank`; the knowledge-base schema's tier enums must equal the tuples here (tested).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

# strongest first
AMP_TIERS: tuple[str, ...] = ("I-A", "I-B", "II-C", "II-D")
# NA: a histology-based standard of care, not an alteration-drug match
ESCAT_TIERS: tuple[str, ...] = (
    "I-A",
    "I-B",
    "I-C",
    "II-A",
    "II-B",
    "III-A",
    "III-B",
    "IV",
    "V",
    "X",
    "NA",
)
CONTEXTS: tuple[str, ...] = ("NEN-specific", "tissue-agnostic", "other tumor type")
# standard of care and sensitivity rank before resistance at the same tiers
DIRECTIONS: tuple[str, ...] = ("standard_of_care", "sensitivity", "resistance")

ONCOGENIC = "Oncogenic"
LIKELY_ONCOGENIC = "Likely oncogenic"
VUS = "VUS"
LIKELY_BENIGN = "Likely benign"
# weakest first
ONCOGENICITY_LEVELS: tuple[str, ...] = (LIKELY_BENIGN, VUS, LIKELY_ONCOGENIC, ONCOGENIC)
ONCOGENIC_CALLS = frozenset({ONCOGENIC, LIKELY_ONCOGENIC})

TMB_HIGH = "TMB-high"
TMB_LOW = "TMB-low"
TMB_NOT_EVALUABLE = "not evaluable"
MSI_HIGH = "MSI-H"
MSS = "MSS"
MSI_SUSPECTED = "suspected MSI-H"
UNKNOWN = "unknown"

CAVEAT_SEPARATOR = " | "
CITATION_SEPARATOR = ";"


def _position(value: Any, order: tuple[str, ...]) -> int:
    """Index in `order`; anything else (missing, unknown) ranks after every known value."""
    return order.index(value) if value in order else len(order)


def tier_rank(amp_tier: Any, escat_tier: Any) -> tuple[int, int]:
    """AMP/ASCO/CAP tier first, then ESCAT; lower is stronger."""
    return _position(amp_tier, AMP_TIERS), _position(escat_tier, ESCAT_TIERS)


class RankedOption(Protocol):
    """What ranking reads of an option: a model.TherapyOption, or a row read back from TSV."""

    def to_row(self) -> dict[str, Any]: ...


def therapy_rank(
    option: RankedOption | Mapping[str, Any],
) -> tuple[int, int, int, str, str, str]:
    """The one order of therapy options, strongest first: tiers, then direction, then therapy,
    biomarker and rule id so that equal tiers have a stable, reproducible order."""
    if not isinstance(option, Mapping):
        option = option.to_row()
    return (
        *tier_rank(option.get("amp_tier"), option.get("escat_tier")),
        0 if option.get("direction") in DIRECTIONS[:2] else 1,
        str(option.get("therapy") or "").lower(),
        str(option.get("biomarker") or ""),
        str(option.get("rule_id") or ""),
    )


def is_oncogenic(label: Any) -> bool:
    """Oncogenic or Likely oncogenic, however a table spelt it."""
    text = str(label or "").strip().lower().replace("_", " ").replace("-", " ")
    return text in {level.lower() for level in ONCOGENIC_CALLS}
