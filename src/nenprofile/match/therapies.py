"""Therapy matching: a sample's findings against the knowledge-base rules.

``match_therapies`` returns one row per matched rule with the therapies.tsv columns
(docs/ARCHITECTURE.md). Only Oncogenic / Likely oncogenic alterations meet alteration
conditions; the primary site and differentiation decide which standard-of-care and
site-restricted rules apply, and unknown values keep the row with a caveat.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from nenprofile.ingest.clinical import effective_line, germline_genes
from nenprofile.interpret.sample import SampleFindings
from nenprofile.model import THERAPY_COLUMNS, Alteration, SampleInfo, TherapyOption
from nenprofile.reference.knowledgebase import (
    ALL_SITES,
    DIFFERENTIATIONS,
    Adjustment,
    ConditionClause,
    KnowledgeBase,
    TherapyRule,
)
from nenprofile.reference.met_exon14 import EXON14_SKIPPING_TERM, EXON_SKIPPING
from nenprofile.vocab import (
    CAVEAT_SEPARATOR,
    CITATION_SEPARATOR,
    ONCOGENIC_CALLS,
    therapy_rank,
)

ROW_COLUMNS = [*THERAPY_COLUMNS, "direction", "rule_id", "research_only", "line"]
UNKNOWN_SITES = frozenset({"unknown"})

_PROTEIN = re.compile(r"^([A-Z*])(\d+)(.*)$")
_RESIDUE = re.compile(r"^([A-Z])(\d+)$")
# "729-761:del": an in-frame deletion (or delins) starting in residues 729-761 (EGFR exon 19);
# "762-775:ins": an insertion or duplication there (EGFR exon 20); "268-471": any change.
_RANGE = re.compile(r"^(\d+)-(\d+)(?::(del|ins))?$")


def protein_change(hgvsp: str | None) -> str | None:
    """'p.V600E' -> 'V600E'; transcript prefixes ('ENSP...:p.') are dropped."""
    if not hgvsp:
        return None
    text = str(hgvsp).strip()
    if ":" in text:
        text = text.rsplit(":", 1)[1]
    return text.removeprefix("p.").strip("()") or None


def variant_matches(protein: str | None, wanted: str) -> bool:
    """Exact change ('V600E'), any change at a residue ('R132' matches 'R132H') or a residue
    range with an optional kind ('729-761:del' matches 'E746_A750del')."""
    if protein is None:
        return False
    if protein == wanted:
        return True
    span = _RANGE.match(wanted)
    if span is not None:
        found = _PROTEIN.match(protein)
        if found is None or not int(span.group(1)) <= int(found.group(2)) <= int(span.group(2)):
            return False
        kind = span.group(3)
        if kind == "del":
            return "del" in protein and "ins" not in protein.replace("delins", "")
        if kind == "ins":
            return "ins" in protein or "dup" in protein
        return True
    residue = _RESIDUE.match(wanted)
    found = _PROTEIN.match(protein)
    if residue is None or found is None:
        return False
    return found.group(1) == residue.group(1) and found.group(2) == residue.group(2)


def skipping_matches(alteration: Alteration, wanted: str) -> bool:
    """The rule term 'exon14_skipping' is met by a MET alteration that interpretation found to
    skip exon 14 (RNA junction, splice-site or boundary variant, exon 14 protein change): only
    interpretation knows the transcript a protein change was numbered on."""
    return (
        wanted == EXON14_SKIPPING_TERM
        and alteration.gene == "MET"
        and alteration.variant_class == EXON_SKIPPING
    )


def alteration_label(alteration: Alteration) -> str:
    gene = alteration.gene
    kind = alteration.alteration_type
    if alteration.variant_class == EXON_SKIPPING:
        found = protein_change(alteration.hgvsp) or alteration.hgvsc
        label = f"{gene} exon 14 skipping" + (f" ({found})" if found else "")
    elif kind == "mutation":
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


def _alteration_hits(
    clause: ConditionClause,
    findings: SampleFindings,
    genes: frozenset[str] | None = None,
    carriers: bool = False,
) -> list[str]:
    """Labels of the (Likely) oncogenic alterations meeting the clause; with carriers, of the
    germline carrier findings (monoallelic hits in recessive genes) instead."""
    wanted_genes = set(clause.genes) if genes is None else genes
    hits = []
    for alteration in findings.alterations:
        if carriers != alteration.germline_carrier:
            continue
        if not carriers and alteration.oncogenicity not in ONCOGENIC_CALLS:
            continue
        if alteration.gene not in wanted_genes:
            continue
        kind = alteration.alteration_type
        if kind not in clause.alteration_types:
            continue
        vaf = alteration.vaf
        if clause.min_vaf is not None and vaf is not None and float(vaf) < clause.min_vaf:
            continue
        if clause.variants:
            protein = protein_change(alteration.hgvsp)
            if not any(
                variant_matches(protein, wanted) or skipping_matches(alteration, wanted)
                for wanted in clause.variants
            ):
                continue
        # a homozygous (deep) deletion removes both copies
        both_copies = alteration.biallelic or kind == "deep_deletion"
        if clause.biallelic is not None and clause.biallelic != both_copies:
            continue
        label = alteration_label(alteration)
        if clause.biallelic is False or carriers:
            label += " (monoallelic or phase unknown)"
        hits.append(label)
    return hits


def _expression_call(findings: SampleFindings, marker: str | None) -> str | None:
    value = findings.expression.get(marker or "")
    if isinstance(value, dict):
        value = value.get("call")
    return None if value is None else str(value)


def clause_hits(
    clause: ConditionClause,
    findings: SampleFindings,
    sample: SampleInfo,
    germline_relevant: frozenset[str] = frozenset(),
) -> list[str]:
    """Evidence strings for one condition clause; empty when it does not hold."""
    if clause.type == "alteration":
        return _alteration_hits(clause, findings)
    if clause.type == "germline":
        return [
            f"germline {entry}"
            for entry in sample.germline_findings
            if germline_genes((entry,)) & set(clause.genes)
        ]
    if clause.type == "germline_relevant":
        # with a matched normal the reported variants are somatic: no germline question
        if not sample.tumor_only:
            return []
        return _alteration_hits(clause, findings, genes=germline_relevant) + _alteration_hits(
            clause, findings, genes=germline_relevant, carriers=True
        )
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


def _names(terms: Iterable[str]) -> str:
    return ", ".join(t.replace("_", " ") for t in terms)


def _applicability(rule: TherapyRule, sample: SampleInfo) -> list[str] | None:
    """Caveats for applying ``rule`` to this sample, or None when it does not apply.

    Each restriction (site, histology, differentiation, stage, line, SSTR imaging) drops the
    rule when the sample's value is known and outside it, and keeps it with a caveat when the
    value is unknown.
    """
    site = sample.tumor_site or "unknown"
    histology = sample.histology or "unknown"
    differentiation = sample.differentiation or "unknown"
    caveats: list[str] = []
    for exclusion in rule.exclusions:
        if site in exclusion.sites or histology in exclusion.histologies:
            return None
    if ALL_SITES not in rule.sites and site not in rule.sites:
        if site not in UNKNOWN_SITES:
            return None
        caveats.append(
            f"Primary site unknown: this option applies to {_names(rule.sites)} primaries only."
        )
    if rule.histologies and histology not in rule.histologies:
        if histology != "unknown" or rule.histology_required:
            return None
        caveats.append(
            f"Histology not given: this option applies to {_names(rule.histologies)} only."
        )
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
    if rule.stages and sample.stage not in rule.stages:
        if sample.stage != "unknown":
            return None
        caveats.append(f"Stage not given: this option applies to {_names(rule.stages)} disease.")
    line = effective_line(sample.line, sample.prior_therapies)
    if rule.lines and line is not None:
        setting = "first" if line == 1 else "later"
        if setting not in rule.lines and not (setting == "first" and "maintenance" in rule.lines):
            return None
    if rule.requires_sstr_imaging:
        if sample.sstr_imaging == "negative":
            return None
        if sample.sstr_imaging != "positive":
            caveats.append("SSTR imaging not recorded: this option requires SSTR-positive imaging.")
    return caveats


def _adjustment_applies(adjustment: Adjustment, sample: SampleInfo) -> bool:
    tests = [
        not adjustment.sites or sample.tumor_site in adjustment.sites,
        not adjustment.histologies or sample.histology in adjustment.histologies,
        not adjustment.stages or sample.stage in adjustment.stages,
        not adjustment.prior_therapies
        or any(t in sample.prior_therapies for t in adjustment.prior_therapies),
        adjustment.ki67_above is None
        or (sample.ki67 is not None and sample.ki67 > adjustment.ki67_above),
    ]
    return all(tests)


def _match_rule(
    rule: TherapyRule,
    findings: SampleFindings,
    sample: SampleInfo,
    germline_relevant: frozenset[str] = frozenset(),
) -> TherapyOption | None:
    applicability = _applicability(rule, sample)
    if applicability is None:
        return None
    hits: list[str] = []
    for clause in rule.any_of:
        found = clause_hits(clause, findings, sample, germline_relevant)
        hits.extend(h for h in found if h not in hits)
    if not hits:
        return None
    if any(clause_hits(clause, findings, sample, germline_relevant) for clause in rule.none_of):
        return None
    amp_tier, escat_tier, context = rule.amp_tier, rule.escat_tier, rule.context
    caveats = list(rule.caveats)
    for adjustment in reversed(rule.adjustments):
        if _adjustment_applies(adjustment, sample):
            caveats.insert(0, adjustment.caveat)
    for adjustment in rule.adjustments:  # later adjustments win on tiers
        if _adjustment_applies(adjustment, sample):
            amp_tier = adjustment.amp_tier or amp_tier
            escat_tier = adjustment.escat_tier or escat_tier
            context = adjustment.context or context
    caveats.extend(applicability)
    is_alteration_rule = any(
        c.type in ("alteration", "germline", "germline_relevant") for c in rule.any_of
    )
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
        line="/".join(rule.lines),
    )


def sort_options(options: Iterable[TherapyOption]) -> list[TherapyOption]:
    """Strongest first, by the project's one ranking (vocab.therapy_rank)."""
    return sorted(options, key=therapy_rank)


def match_therapies(
    findings: SampleFindings, sample: SampleInfo, kb: KnowledgeBase
) -> list[TherapyOption]:
    """Therapy options for one sample: one per matched rule, strongest first."""
    options = (_match_rule(rule, findings, sample, kb.germline_relevant) for rule in kb.rules)
    return sort_options(option for option in options if option is not None)
