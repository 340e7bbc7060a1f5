"""Therapy matching: a sample's findings against the knowledge-base rules.

``match_therapies`` returns one row per matched rule with the therapies.tsv columns
(docs/ARCHITECTURE.md). Only Oncogenic / Likely oncogenic alterations meet alteration
conditions; the primary site and differentiation decide which standard-of-care and
site-restricted rules apply, and unknown values keep the row with a caveat.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from nenprofile.interpret.sample import SampleFindings
from nenprofile.model import THERAPY_COLUMNS, Alteration, SampleInfo, TherapyOption
from nenprofile.reference.knowledgebase import (
    ALL_SITES,
    DIFFERENTIATIONS,
    ConditionClause,
    KnowledgeBase,
    TherapyRule,
)
from nenprofile.vocab import (
    CAVEAT_SEPARATOR,
    CITATION_SEPARATOR,
    ONCOGENIC_CALLS,
    therapy_rank,
)

ROW_COLUMNS = [*THERAPY_COLUMNS, "direction", "rule_id", "research_only"]
UNKNOWN_SITES = frozenset({"unknown"})

_PROTEIN = re.compile(r"^([A-Z*])(\d+)(.*)$")
_RESIDUE = re.compile(r"^([A-Z])(\d+)$")


def protein_change(hgvsp: str | None) -> str | None:
    """'p.V600E' -> 'V600E'; transcript prefixes ('ENSP...:p.') are dropped."""
    if not hgvsp:
        return None
    text = str(hgvsp).strip()
    if ":" in text:
        text = text.rsplit(":", 1)[1]
    return text.removeprefix("p.").strip("()") or None


def variant_matches(protein: str | None, wanted: str) -> bool:
    """Exact change ('V600E') or any change at a residue ('R132' matches 'R132H')."""
    if protein is None:
        return False
    if protein == wanted:
        return True
    residue = _RESIDUE.match(wanted)
    found = _PROTEIN.match(protein)
    if residue is None or found is None:
        return False
    return found.group(1) == residue.group(1) and found.group(2) == residue.group(2)


def alteration_label(alteration: Alteration) -> str:
    gene = alteration.gene
    kind = alteration.alteration_type
    if kind == "mutation":
        protein = protein_change(alteration.hgvsp)
        label = (
            f"{gene} {protein}" if protein else f"{gene} {alteration.variant_class or 'mutation'}"
        )
    elif kind == "fusion":
        partner = alteration.partner
        label = f"{gene} fusion" + (f" ({partner})" if partner else "")
    else:
        label = f"{gene} {kind.replace('_', ' ')}"
    if alteration.biallelic:
        label += " (biallelic)"
    return label


def _alteration_hits(clause: ConditionClause, findings: SampleFindings) -> list[str]:
    hits = []
    for alteration in findings.alterations:
        if alteration.oncogenicity not in ONCOGENIC_CALLS:
            continue
        if alteration.gene not in clause.genes:
            continue
        kind = alteration.alteration_type
        if kind not in clause.alteration_types:
            continue
        if clause.variants:
            protein = protein_change(alteration.hgvsp)
            if not any(variant_matches(protein, wanted) for wanted in clause.variants):
                continue
        # a homozygous (deep) deletion removes both copies
        if clause.biallelic and not (alteration.biallelic or kind == "deep_deletion"):
            continue
        hits.append(alteration_label(alteration))
    return hits


def _expression_call(findings: SampleFindings, marker: str | None) -> str | None:
    value = findings.expression.get(marker or "")
    if isinstance(value, dict):
        value = value.get("call")
    return None if value is None else str(value)


def clause_hits(clause: ConditionClause, findings: SampleFindings, sample: SampleInfo) -> list[str]:
    """Evidence strings for one condition clause; empty when it does not hold."""
    if clause.type == "alteration":
        return _alteration_hits(clause, findings)
    if clause.type == "msi":
        return [findings.msi_call] if findings.msi_call in clause.values else []
    if clause.type == "mmr_deficient":
        return ["dMMR"] if findings.mmr_deficient else []
    if clause.type == "hrr_deficient":
        return ["HRR-deficient"] if findings.hrr_deficient else []
    if clause.type == "tmb":
        return [findings.tmb_call] if findings.tmb_call in clause.values else []
    if clause.type == "expression":
        call = _expression_call(findings, clause.marker)
        return [f"{clause.marker} mRNA {call}"] if call in clause.values else []
    if clause.type == "her2_ihc":
        her2 = (sample.her2_ihc or "").strip()
        return [f"HER2 IHC {her2}"] if her2 in clause.values else []
    if clause.type == "none":
        return ["histology"]
    raise ValueError(f"unknown condition type {clause.type!r}")


def _applicability(rule: TherapyRule, sample: SampleInfo) -> list[str] | None:
    """Caveats for applying ``rule`` to this sample, or None when it does not apply."""
    site = sample.tumor_site or "unknown"
    differentiation = sample.differentiation or "unknown"
    caveats: list[str] = []
    for exclusion in rule.exclusions:
        if site in exclusion.sites:
            return None
    if ALL_SITES not in rule.sites and site not in rule.sites:
        if site not in UNKNOWN_SITES:
            return None
        names = ", ".join(s.replace("_", " ") for s in rule.sites)
        caveats.append(f"Primary site unknown: this option applies to {names} primaries only.")
    if (
        set(rule.differentiation) != set(DIFFERENTIATIONS)
        and differentiation not in rule.differentiation
    ):
        if differentiation != "unknown":
            return None
        wanted = " or ".join(
            "well-differentiated NET" if d == "well" else "poorly differentiated NEC"
            for d in rule.differentiation
        )
        caveats.append(f"Differentiation unknown: this option applies to {wanted} only.")
    return caveats


def _match_rule(
    rule: TherapyRule, findings: SampleFindings, sample: SampleInfo
) -> TherapyOption | None:
    applicability = _applicability(rule, sample)
    if applicability is None:
        return None
    hits: list[str] = []
    for clause in rule.any_of:
        hits.extend(h for h in clause_hits(clause, findings, sample) if h not in hits)
    if not hits:
        return None
    if any(clause_hits(clause, findings, sample) for clause in rule.none_of):
        return None
    amp_tier, escat_tier, context = rule.amp_tier, rule.escat_tier, rule.context
    caveats = list(rule.caveats)
    for adjustment in rule.site_adjustments:
        if sample.tumor_site in adjustment.sites:
            amp_tier = adjustment.amp_tier or amp_tier
            escat_tier = adjustment.escat_tier or escat_tier
            context = adjustment.context or context
            caveats.insert(0, adjustment.caveat)
    caveats.extend(applicability)
    is_alteration_rule = any(c.type == "alteration" for c in rule.any_of)
    biomarker = "; ".join(hits) if is_alteration_rule else rule.biomarker
    return TherapyOption(
        therapy=rule.therapy,
        biomarker=biomarker,
        amp_tier=amp_tier,
        escat_tier=escat_tier,
        context=context,
        rationale=rule.rationale,
        caveats=CAVEAT_SEPARATOR.join(caveats),
        citations=CITATION_SEPARATOR.join(rule.citations),
        direction=rule.direction,
        rule_id=rule.id,
        research_only=rule.research_only,
    )


def sort_options(options: Iterable[TherapyOption]) -> list[TherapyOption]:
    """Strongest first, by the project's one ranking (vocab.therapy_rank)."""
    return sorted(options, key=therapy_rank)


def match_therapies(
    findings: SampleFindings, sample: SampleInfo, kb: KnowledgeBase
) -> list[TherapyOption]:
    """Therapy options for one sample: one per matched rule, strongest first."""
    options = (_match_rule(rule, findings, sample) for rule in kb.rules)
    return sort_options(option for option in options if option is not None)
