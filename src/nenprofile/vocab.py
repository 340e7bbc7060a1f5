"""The project's vocabulary: evidence tiers and their order, contexts, oncogenicity and call
labels, and the one ranking of therapy options.

therapies.tsv, the report's summary and tables and the cohort report all order options with
`therapy_rank`; the knowledge-base schema's tier enums must equal the tuples here (tested).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

# strongest first; NA: not a therapy claim (germline referral rows)
AMP_TIERS: tuple[str, ...] = ("I-A", "I-B", "II-C", "II-D", "NA")
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
CONTEXTS: tuple[str, ...] = ("NEN-specific", "tissue-agnostic", "other tumor type", "germline")
# mismatch repair genes: the MMR call (interpret.biomarkers) and the report's MSI checks
MMR_GENES: tuple[str, ...] = ("EPCAM", "MLH1", "MSH2", "MSH6", "PMS2")
DIRECTIONS: tuple[str, ...] = (
    "standard_of_care",
    "sensitivity",
    "resistance",
    "germline_referral",
)
# line-of-therapy settings of a rule ("/"-joined when several), earliest first
LINE_SETTINGS: tuple[str, ...] = (
    "first",
    "first/later",
    "first/maintenance",
    "maintenance",
    "later",
    "",
)
# The ranking groups of therapy_rank, in order.
RANK_GROUPS: tuple[str, ...] = (
    "standard of care and NEN-specific (AMP tier I)",
    "tissue-agnostic",
    "other tumor type (and NEN-specific evidence below AMP tier I)",
    "resistance",
    "germline referral",
    "research-only",
)
STRONG_AMP_TIERS = frozenset({"I-A", "I-B"})

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


def _is_true(value: Any) -> bool:
    return value is True or str(value).strip().lower() == "true"


def rank_group(option: Mapping[str, Any]) -> int:
    """Index in RANK_GROUPS. A tissue-agnostic accelerated approval never outranks the
    entity's randomized standard of care, and a research-only row never leads."""
    if _is_true(option.get("research_only")):
        return 5
    direction = option.get("direction") or "sensitivity"
    context = option.get("context")
    if direction == "germline_referral" or context == "germline":
        return 4
    if direction == "resistance":
        return 3
    if direction == "standard_of_care":
        return 0
    if context == "NEN-specific" and option.get("amp_tier") in STRONG_AMP_TIERS:
        return 0
    return 1 if context == "tissue-agnostic" else 2


class RankedOption(Protocol):
    """What ranking reads of an option: a model.TherapyOption, or a row read back from TSV."""

    def to_row(self) -> dict[str, Any]: ...


def therapy_rank(
    option: RankedOption | Mapping[str, Any],
) -> tuple[int, int, int, int, str, str, str]:
    """The one order of therapy options, strongest first: ranking group (RANK_GROUPS), AMP
    tier, ESCAT tier, line of therapy (first before maintenance before later), then therapy,
    biomarker and rule id so that equal ranks have a stable, reproducible order. Reads
    therapies.tsv rows too (strings; a missing value ranks last)."""
    if not isinstance(option, Mapping):
        option = option.to_row()
    return (
        rank_group(option),
        *tier_rank(option.get("amp_tier"), option.get("escat_tier")),
        _position(str(option.get("line") or ""), LINE_SETTINGS),
        str(option.get("therapy") or "").lower(),
        str(option.get("biomarker") or ""),
        str(option.get("rule_id") or ""),
    )


_ONCOGENIC_SPELT = frozenset(level.lower() for level in ONCOGENIC_CALLS)


def is_oncogenic(label: Any) -> bool:
    """Oncogenic or Likely oncogenic, however a table spelt it."""
    text = str(label or "").strip().lower().replace("_", " ").replace("-", " ")
    return text in _ONCOGENIC_SPELT
