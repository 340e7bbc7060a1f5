"""CIViC clinical evidence (CC0) as extra, lower-priority therapy options.

Reads a CIViC ClinicalEvidenceSummaries TSV in either the 2021 layout (gene, variant,
drugs, clinical_significance, ...) or the current layout (molecular_profile, therapies,
significance, ...). Accepted predictive evidence for knowledge-base genes becomes
therapies.tsv rows; the curated base always wins: a CIViC row whose gene and drug are
already covered by a curated rule is dropped.
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from nenprofile.errors import InputError
from nenprofile.match.therapies import (
    SampleFindings,
    alteration_label,
    protein_change,
    sort_options,
)
from nenprofile.model import SampleInfo, TherapyOption
from nenprofile.reference.knowledgebase import KnowledgeBase, load_knowledge_base
from nenprofile.vocab import CAVEAT_SEPARATOR, CITATION_SEPARATOR, ONCOGENIC_CALLS

LAYOUT_2021 = "2021"
LAYOUT_CURRENT = "current"
_REQUIRED = {
    LAYOUT_2021: ("gene", "variant", "drugs", "clinical_significance"),
    LAYOUT_CURRENT: ("molecular_profile", "therapies", "significance"),
}
_COMMON = (
    "disease",
    "evidence_type",
    "evidence_direction",
    "evidence_level",
    "citation_id",
    "evidence_id",
    "evidence_status",
)
# CIViC generic variant names -> the alteration types they stand for
GENERIC_VARIANTS: dict[str, frozenset[str]] = {
    "MUTATION": frozenset({"mutation"}),
    "LOSS": frozenset({"deep_deletion"}),
    "DELETION": frozenset({"deep_deletion"}),
    "LOSS-OF-FUNCTION": frozenset({"mutation", "deep_deletion"}),
    "AMPLIFICATION": frozenset({"amplification"}),
    "FUSION": frozenset({"fusion"}),
}
DIRECTIONS = {"Sensitivity/Response": "sensitivity", "Resistance": "resistance"}
_NEN_DISEASE = re.compile(r"neuroendocrine|carcinoid|merkel|(?<!non-)small cell", re.IGNORECASE)
_COMPLEX_PROFILE = re.compile(r"\b(AND|OR|NOT)\b")


@dataclass(frozen=True)
class CivicEvidence:
    evidence_id: str
    gene: str
    variant: str  # '' for multi-variant molecular profiles, which never match
    disease: str
    doid: str
    therapies: tuple[str, ...]
    therapy_interaction: str
    evidence_type: str
    evidence_direction: str
    evidence_level: str
    significance: str
    citation_id: str
    source_type: str
    nct_ids: tuple[str, ...]
    status: str
    line: int  # 1-based line of the record in the TSV


def _detect_layout(header: list[str], path: Path) -> str:
    columns = set(header)
    for layout, required in _REQUIRED.items():
        if set(required) <= columns:
            missing = [c for c in _COMMON if c not in columns]
            if missing:
                raise InputError(
                    f"CIViC evidence file lacks column(s) {', '.join(missing)}",
                    path=str(path),
                    line=1,
                    column=missing[0],
                    fix="use an unmodified CIViC ClinicalEvidenceSummaries TSV",
                )
            return layout
    raise InputError(
        "not a CIViC ClinicalEvidenceSummaries TSV: the header has neither gene/variant/drugs "
        "(2021 layout) nor molecular_profile/therapies/significance (current layout)",
        path=str(path),
        line=1,
        fix="download AcceptedClinicalEvidenceSummaries.tsv (or the 2021 "
        "ClinicalEvidenceSummaries.tsv) from civicdb.org releases",
    )


def _split_list(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in (text or "").split(",") if part.strip())


def _gene_variant(record: dict[str, str], layout: str) -> tuple[str, str]:
    if layout == LAYOUT_2021:
        return record["gene"].strip(), record["variant"].strip()
    profile = record["molecular_profile"].strip()
    gene, _, variant = profile.partition(" ")
    if _COMPLEX_PROFILE.search(variant):
        return gene, ""
    return gene, variant.strip()


def load_civic_evidence(path: str | Path) -> list[CivicEvidence]:
    """All evidence items of a CIViC evidence TSV (quoted fields with newlines allowed)."""
    path = Path(path)
    if not path.is_file():
        raise InputError("CIViC evidence file not found", path=str(path), fix="check the path")
    csv.field_size_limit(sys.maxsize)
    items: list[CivicEvidence] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quotechar='"')
        header = next(reader, None)
        if not header:
            raise InputError("CIViC evidence file is empty", path=str(path), line=1)
        layout = _detect_layout(header, path)
        start = reader.line_num + 1
        for fields in reader:
            line, start = start, reader.line_num + 1
            if not any(f.strip() for f in fields):
                continue
            if len(fields) != len(header):
                raise InputError(
                    f"expected {len(header)} tab-separated fields, found {len(fields)}",
                    path=str(path),
                    line=line,
                    fix="the file is truncated or was edited; re-download it",
                )
            record = dict(zip(header, fields, strict=True))
            gene, variant = _gene_variant(record, layout)
            therapy_key = "drugs" if layout == LAYOUT_2021 else "therapies"
            interaction_key = (
                "drug_interaction_type" if layout == LAYOUT_2021 else "therapy_interaction_type"
            )
            significance_key = "clinical_significance" if layout == LAYOUT_2021 else "significance"
            items.append(
                CivicEvidence(
                    evidence_id=record["evidence_id"].strip(),
                    gene=gene,
                    variant=variant,
                    disease=record["disease"].strip(),
                    doid=record.get("doid", "").strip(),
                    therapies=_split_list(record[therapy_key]),
                    therapy_interaction=record.get(interaction_key, "").strip(),
                    evidence_type=record["evidence_type"].strip(),
                    evidence_direction=record["evidence_direction"].strip(),
                    evidence_level=record["evidence_level"].strip(),
                    significance=record[significance_key].strip(),
                    citation_id=record["citation_id"].strip(),
                    source_type=record.get("source_type", "").strip(),
                    nct_ids=_split_list(record.get("nct_ids", "")),
                    status=record["evidence_status"].strip(),
                    line=line,
                )
            )
    return items


def accepted_predictive(evidence: list[CivicEvidence]) -> list[CivicEvidence]:
    """Accepted, predictive items that support sensitivity or resistance to a therapy."""
    return [
        item
        for item in evidence
        if item.status.lower() == "accepted"
        and item.evidence_type == "Predictive"
        and item.evidence_direction == "Supports"
        and item.significance in DIRECTIONS
        and item.therapies
    ]


def is_nen_disease(disease: str) -> bool:
    return bool(_NEN_DISEASE.search(disease))


def amp_tier(level: str, nen: bool) -> str:
    """CIViC level -> AMP/ASCO/CAP tier: A/B count as tier I only within NEN."""
    if level == "A":
        return "I-A" if nen else "II-C"
    if level == "B":
        return "I-B" if nen else "II-C"
    return "II-D"


def escat_tier(level: str, nen: bool) -> str:
    if level in ("A", "B"):
        return ("I-A" if level == "A" else "II-B") if nen else "III-A"
    return "IV"


def _variant_hits(item: CivicEvidence, findings: SampleFindings) -> list[str]:
    generic = GENERIC_VARIANTS.get(item.variant.upper())
    hits = []
    for alteration in findings.alterations:
        if alteration.gene != item.gene or alteration.oncogenicity not in ONCOGENIC_CALLS:
            continue
        kind = alteration.alteration_type
        if generic is not None:
            matched = kind in generic
        else:
            protein = protein_change(alteration.hgvsp)
            matched = kind == "mutation" and protein is not None and protein == item.variant
        if matched:
            hits.append(alteration_label(alteration))
    return hits


def curated_pairs(kb: KnowledgeBase) -> set[tuple[str, str]]:
    """(gene, lower-case therapy text) for every curated alteration rule."""
    pairs: set[tuple[str, str]] = set()
    for rule in kb.rules:
        for clause in rule.any_of:
            if clause.type == "alteration":
                pairs.update((gene, rule.therapy.lower()) for gene in clause.genes)
    return pairs


def covered_by_curated(gene: str, drugs: Iterable[str], pairs: set[tuple[str, str]]) -> bool:
    """True when a curated rule on ``gene`` already names one of ``drugs``."""
    wanted = {drug.lower() for drug in drugs}
    for curated_gene, therapy_text in pairs:
        if curated_gene == gene and wanted & set(re.findall(r"[a-z0-9-]+", therapy_text)):
            return True
    return False


def _therapy_name(item: CivicEvidence) -> str:
    joiner = {"Substitutes": " or ", "Sequential": " then "}.get(item.therapy_interaction, " + ")
    return joiner.join(item.therapies)


def _citations(item: CivicEvidence) -> list[str]:
    citations = []
    if item.citation_id.isdigit() and item.source_type.lower() in ("", "pubmed"):
        citations.append(f"PMID:{item.citation_id}")
    citations.extend(nct for nct in item.nct_ids if re.fullmatch(r"NCT\d{8}", nct))
    return citations


def civic_options(
    findings: SampleFindings,
    evidence: list[CivicEvidence],
    sample: SampleInfo,
    kb: KnowledgeBase | None = None,
) -> list[TherapyOption]:
    """Therapy options from accepted CIViC predictive evidence matching the sample's alterations.

    Only knowledge-base genes, only Oncogenic/Likely oncogenic alterations, never a gene +
    drug already covered by a curated rule, and only items citable by PMID or NCT number.
    ``sample`` is accepted for symmetry with match_therapies (site-aware caveats).
    """
    kb = kb or load_knowledge_base()
    curated = curated_pairs(kb)
    rows = []
    for item in accepted_predictive(evidence):
        if item.gene not in kb.genes or not item.variant:
            continue
        hits = _variant_hits(item, findings)
        if not hits or covered_by_curated(item.gene, item.therapies, curated):
            continue
        citations = _citations(item)
        if not citations:
            continue
        nen = is_nen_disease(item.disease)
        caveats = ["CIViC evidence item, not reviewed by the nenprofile curators."]
        if not nen:
            caveats.append(f"Evidence is from {item.disease}, not from a neuroendocrine neoplasm.")
        if sample.tumor_site in ("unknown", "unknown_primary"):
            caveats.append("Primary site unknown.")
        rows.append(
            TherapyOption(
                therapy=_therapy_name(item),
                biomarker="; ".join(hits),
                amp_tier=amp_tier(item.evidence_level, nen),
                escat_tier=escat_tier(item.evidence_level, nen),
                context="NEN-specific" if nen else "other tumor type",
                rationale=(
                    f"CIViC EID{item.evidence_id}: level {item.evidence_level} evidence "
                    f"supporting {item.significance.lower()} for {item.gene} {item.variant} "
                    f"in {item.disease}."
                ),
                caveats=CAVEAT_SEPARATOR.join(caveats),
                citations=CITATION_SEPARATOR.join(citations),
                direction=DIRECTIONS[item.significance],
                rule_id=f"CIViC:EID{item.evidence_id}",
            )
        )
    return sort_options(rows)
