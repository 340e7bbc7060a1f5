"""OncoKB levels a user's MAF carries (oncokb-annotator output), as labelled extra lines.

OncoKB's data are licensed and never bundled: only the level columns of the user's own
annotated MAF are shown (ingest/variants/oncokb.py reads them). Each non-empty level of a
kept variant becomes one therapies.tsv row labelled "OncoKB (user-supplied annotation)",
next to the curated options and never merged with them. An OncoKB level refers to the tumour
type given to the annotator, which the MAF does not record, so no row is ranked as standard
of care or as NEN-specific evidence: levels 1-3B read as other-tumour-type evidence, level 4
(biological evidence only) as research-only, R1/R2 as resistance.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from nenprofile.ingest.variants.oncokb import EXTRA_KEY, THERAPY_LEVELS
from nenprofile.match.therapies import protein_change
from nenprofile.model import TherapyOption, Variant
from nenprofile.vocab import CAVEAT_SEPARATOR, CITATION_SEPARATOR

SOURCE = "OncoKB (user-supplied annotation)"
# OncoKB level -> (AMP tier, ESCAT tier), read as evidence from another tumour type because
# the level's tumour type is unknown here (crosswalk: research/nen-facts.md section 4.4)
LEVEL_TIERS = {
    "LEVEL_1": ("II-C", "III-A"),
    "LEVEL_2": ("II-C", "III-A"),
    "LEVEL_3A": ("II-C", "III-A"),
    "LEVEL_3B": ("II-C", "III-A"),
    "LEVEL_4": ("II-D", "IV"),
    "LEVEL_R1": ("II-C", "III-A"),
    "LEVEL_R2": ("II-D", "III-B"),
    "LEVEL_R3": ("II-D", "IV"),
}
RESEARCH_ONLY_LEVELS = frozenset({"LEVEL_4"})
CAVEATS = (
    f"{SOURCE}: shown as the user's MAF states it, not reviewed by the nenprofile curators.",
    "OncoKB levels refer to the tumour type given to the annotator, which the MAF does not "
    "record; read this line as evidence from another tumour type unless that was a "
    "neuroendocrine neoplasm.",
)
_DRUG_SEPARATOR = re.compile(r"\s*,\s*")
_COMBINATION = re.compile(r"\s*\+\s*")


def _alteration(variant: Variant) -> str:
    change = protein_change(variant.hgvsp) or variant.hgvsc or variant.variant_class
    return f"{variant.gene or 'unknown gene'} {change}"


def _level_name(level: str) -> str:
    return "Level " + level.removeprefix("LEVEL_")


def _option(variant: Variant, level: str, drugs: str, details: dict[str, str]) -> TherapyOption:
    amp, escat = LEVEL_TIERS[level]
    resistance = level.startswith("LEVEL_R")
    alteration = _alteration(variant)
    described = "; ".join(
        f"{column} {details[column]}"
        for column in ("ONCOGENIC", "MUTATION_EFFECT", "HIGHEST_LEVEL")
        if column in details
    )
    # 'A+B,C' (oncokb-annotator): the combination A + B, or C
    drug_text = ", ".join(
        " + ".join(_COMBINATION.split(choice)) for choice in _DRUG_SEPARATOR.split(drugs.strip())
    )
    line = variant.extra.get("maf_line")
    return TherapyOption(
        therapy=f"{drug_text} [{SOURCE}, {_level_name(level)}]",
        biomarker=alteration,
        amp_tier=amp,
        escat_tier=escat,
        context="other tumor type",
        rationale=(
            f"{SOURCE}: OncoKB {_level_name(level)} "
            f"{'resistance to' if resistance else 'for'} {drug_text} with {alteration}"
            + (f" ({described})." if described else ".")
        ),
        caveats=CAVEAT_SEPARATOR.join(CAVEATS),
        citations=CITATION_SEPARATOR.join(
            [f"REF:OncoKB annotation in the user's MAF{f' (line {line})' if line else ''}"]
        ),
        direction="resistance" if resistance else "sensitivity",
        rule_id=f"OncoKB:{level}:{alteration.replace(' ', ':')}",
        research_only=level in RESEARCH_ONLY_LEVELS,
    )


def oncokb_options(variants: Iterable[Variant]) -> list[TherapyOption]:
    """One option per non-empty therapeutic level of each OncoKB-annotated variant."""
    rows = []
    for variant in variants:
        details = variant.extra.get(EXTRA_KEY) or {}
        for level in THERAPY_LEVELS:
            if details.get(level):
                rows.append(_option(variant, level, details[level], details))
    return rows
