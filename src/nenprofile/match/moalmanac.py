"""Molecular Oncology Almanac (MOAlmanac) assertions a user brings, as labelled extra rows.

The MOAlmanac database (vanallenlab/moalmanac-db, GPL-2.0) is never bundled: the user points
``knowledge_base.moalmanac`` at its JSON export (a list of assertions). Assertions on
knowledge-base genes whose feature the sample carries become therapies.tsv rows labelled
"MOAlmanac"; the curated base wins (a sensitivity assertion on a gene + drug it already covers
is dropped), deprecated
assertions are ignored and every skipped assertion kind is counted.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nenprofile.errors import InputError
from nenprofile.match.civic import covered_by_curated, curated_pairs, is_nen_disease
from nenprofile.match.therapies import SampleFindings, alteration_label, protein_change
from nenprofile.model import Alteration, SampleInfo, TherapyOption
from nenprofile.reference.knowledgebase import KnowledgeBase
from nenprofile.vocab import CAVEAT_SEPARATOR, CITATION_SEPARATOR, ONCOGENIC_CALLS

SOURCE = "MOAlmanac"
# MOAlmanac predictive implication -> (AMP tier, ESCAT tier) outside NEN
TIERS = {
    "FDA-Approved": ("II-C", "III-A"),
    "Guideline": ("II-C", "III-A"),
    "Clinical trial": ("II-D", "III-B"),
    "Clinical evidence": ("II-D", "IV"),
    "Preclinical": ("II-D", "IV"),
    "Inferential": ("II-D", "IV"),
}
# MOAlmanac variant_annotation -> variant classes of the alteration table
ANNOTATION_CLASSES = {
    "Missense": frozenset({"missense"}),
    "Nonsense": frozenset({"nonsense"}),
    "Frameshift": frozenset({"frameshift"}),
    "Splice Site": frozenset({"splice_site", "splice_region"}),
    "Deletion": frozenset({"inframe_deletion"}),
    "Insertion": frozenset({"inframe_insertion"}),
}
FEATURE_TYPES = frozenset({"Somatic Variant", "Germline Variant", "Copy Number", "Rearrangement"})


@dataclass(frozen=True)
class MoaAssertion:
    assertion_id: str
    feature_type: str
    gene: str
    partner: str  # gene2 of a rearrangement
    protein_change: str  # 'V600E' or ''
    variant_annotation: str
    copy_direction: str  # Amplification | Deletion | ''
    disease: str
    therapy: str
    implication: str
    sensitivity: bool
    resistance: bool
    pmid: str
    nct: str


def _text(record: dict[str, Any], key: str) -> str:
    value = record.get(key)
    return "" if value is None else str(value).strip()


def load_moalmanac(path: str | Path) -> tuple[list[MoaAssertion], Counter[str]]:
    """Usable assertions of a MOAlmanac JSON export and a count of skipped ones by reason."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            "MOAlmanac file not found",
            path=str(path),
            fix="set knowledge_base.moalmanac to the MOAlmanac database JSON, or null",
        ) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(
            f"not a MOAlmanac JSON export ({exc})",
            path=str(path),
            fix="use the molecular-oncology-almanac.json file of a moalmanac-db release",
        ) from None
    if not isinstance(data, list):
        raise InputError(
            "not a MOAlmanac JSON export: expected a list of assertions",
            path=str(path),
            fix="use the molecular-oncology-almanac.json file of a moalmanac-db release",
        )
    assertions: list[MoaAssertion] = []
    skipped: Counter[str] = Counter()
    for record in data:
        reason = _skip_reason(record)
        if reason:
            skipped[reason] += 1
            continue
        assertions.append(_assertion(record))
    return assertions, skipped


def _skip_reason(record: Any) -> str | None:
    if not isinstance(record, dict):
        return "not an assertion object"
    if record.get("_deprecated"):
        return "deprecated"
    if _text(record, "feature_type") not in FEATURE_TYPES:
        return "feature type not matched (e.g. signatures, MSI, TMB)"
    if not (_text(record, "gene1") or _text(record, "gene")) or not _text(record, "therapy_name"):
        return "no gene or no therapy"
    if not (record.get("therapy_sensitivity") == 1 or record.get("therapy_resistance") == 1):
        return "neither sensitivity nor resistance"
    return None


def _assertion(record: dict[str, Any]) -> MoaAssertion:
    change = _text(record, "protein_change").removeprefix("p.")
    return MoaAssertion(
        assertion_id=_text(record, "assertion_id"),
        feature_type=_text(record, "feature_type"),
        gene=_text(record, "gene1") or _text(record, "gene"),
        partner=_text(record, "gene2"),
        protein_change=change,
        variant_annotation=_text(record, "variant_annotation"),
        copy_direction=_text(record, "direction"),
        disease=_text(record, "disease"),
        therapy=_text(record, "therapy_name"),
        implication=_text(record, "predictive_implication"),
        sensitivity=record.get("therapy_sensitivity") == 1,
        resistance=record.get("therapy_resistance") == 1,
        pmid=_text(record, "pmid"),
        nct=_text(record, "nct"),
    )


def _hits(item: MoaAssertion, findings: SampleFindings, sample: SampleInfo) -> list[str]:
    if item.feature_type == "Germline Variant":
        return [
            f"germline {entry}"
            for entry in sample.germline_findings
            if entry.split()[0].rstrip(":") == item.gene
        ]
    wanted = {
        "Somatic Variant": "mutation",
        "Rearrangement": "fusion",
        "Copy Number": "amplification"
        if item.copy_direction == "Amplification"
        else "deep_deletion",
    }[item.feature_type]
    hits = []
    for alteration in findings.alterations:
        if alteration.gene != item.gene or alteration.oncogenicity not in ONCOGENIC_CALLS:
            continue
        if alteration.alteration_type != wanted:
            continue
        if wanted == "mutation" and not _mutation_matches(item, alteration):
            continue
        hits.append(alteration_label(alteration))
    return hits


def _mutation_matches(item: MoaAssertion, alteration: Alteration) -> bool:
    if item.protein_change:
        return protein_change(alteration.hgvsp) == item.protein_change
    classes = ANNOTATION_CLASSES.get(item.variant_annotation)
    return classes is None or alteration.variant_class in classes


def _citations(item: MoaAssertion) -> list[str]:
    citations = [f"PMID:{item.pmid}"] if re.fullmatch(r"[1-9]\d{0,8}", item.pmid) else []
    citations.extend(re.findall(r"NCT\d{8}", item.nct))
    citations.append(f"REF:MOAlmanac assertion {item.assertion_id} ({item.implication})")
    return citations


def moalmanac_options(
    findings: SampleFindings,
    assertions: list[MoaAssertion],
    sample: SampleInfo,
    kb: KnowledgeBase,
) -> list[TherapyOption]:
    """Options for the assertions the sample meets, labelled with their source."""
    curated = curated_pairs(kb)
    rows = []
    for item in assertions:
        if item.gene not in kb.genes:
            continue
        hits = _hits(item, findings, sample)
        drugs = re.findall(r"[A-Za-z0-9-]+", item.therapy)
        # curated rules are sensitivity claims: a resistance assertion is never covered by them
        if not hits or (item.sensitivity and covered_by_curated(item.gene, drugs, curated)):
            continue
        nen = is_nen_disease(item.disease)
        amp, escat = TIERS.get(item.implication, ("II-D", "IV"))
        if nen and item.implication == "FDA-Approved":
            amp, escat = "I-A", "I-B"
        caveats = [
            f"{SOURCE} assertion (user-supplied database), not reviewed by the nenprofile curators."
        ]
        if not nen:
            caveats.append(f"Evidence is from {item.disease}, not from a neuroendocrine neoplasm.")
        rows.append(
            TherapyOption(
                therapy=item.therapy,
                biomarker="; ".join(hits),
                amp_tier=amp,
                escat_tier=escat,
                context="NEN-specific" if nen else "other tumor type",
                rationale=(
                    f"{SOURCE} assertion {item.assertion_id}: {item.implication} evidence for "
                    f"{'resistance to' if item.resistance else 'sensitivity to'} {item.therapy} "
                    f"with {item.gene} {item.protein_change or item.feature_type.lower()} "
                    f"in {item.disease}."
                ),
                caveats=CAVEAT_SEPARATOR.join(caveats),
                citations=CITATION_SEPARATOR.join(_citations(item)),
                direction="resistance" if item.resistance else "sensitivity",
                rule_id=f"{SOURCE}:{item.assertion_id}",
            )
        )
    return rows
