"""One sample interpreted (pure): classify alterations, score biomarkers, gather the findings
that therapy matching reads."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from nenprofile.ingest.fusions import is_met_exon14_skipping
from nenprofile.interpret.biomarkers import BiomarkerSettings, TmbTally, compute_biomarkers
from nenprofile.interpret.oncogenicity import (
    LIKELY_BENIGN,
    Classification,
    OncogenicitySettings,
    SampleClassification,
    classify_sample,
)
from nenprofile.model import (
    PROTEIN_CHANGING_CLASSES,
    Alteration,
    Fusion,
    GeneCopyNumber,
    SampleInfo,
)
from nenprofile.reference.knowledgebase import KnowledgeBase
from nenprofile.reference.met_exon14 import EXON_SKIPPING
from nenprofile.settings import Settings

GROUP_ORDER = ("mTOR pathway", "DNA repair", "Epigenetic/chromatin", "Other drivers")
IMMUNE_SCORE_MARKER = "TCELL_INFLAMED_GEP"
IMMUNE_CALLS = {"high": "inflamed", "intermediate": "intermediate", "low": "non-inflamed"}
IMMUNE_SOURCE = "18-gene T-cell-inflamed GEP (Ayers 2017, PMID:28650338); research-only"


@dataclass
class SampleFindings:
    """What the interpretation engine found in one sample, in the form matching needs.

    alterations: the reportable alterations (matching reads gene, alteration_type, hgvsp,
    variant_class, oncogenicity, biallelic and partner).
    expression: marker -> call ('high' | 'intermediate' | 'low' | 'not_available'); a
    biomarkers.json marker dict with a 'call' key is accepted too.
    """

    alterations: list[Alteration] = field(default_factory=list)
    tmb_call: str = "not evaluable"  # TMB-high | TMB-low | not evaluable
    msi_call: str = "unknown"  # MSI-H | MSS | suspected MSI-H | unknown
    mmr_deficient: bool = False
    hrr_deficient: bool = False
    pdl1: dict[str, Any] = field(default_factory=dict)
    expression: dict[str, Any] = field(default_factory=dict)


@dataclass
class SampleInterpretation:
    """Alterations, biomarkers.json (without the options, which matching adds), warnings."""

    alterations: list[Alteration]
    biomarkers: dict[str, Any]
    warnings: list[str]
    classification: SampleClassification
    findings: SampleFindings


# ----------------------------------------------------------------------------- alterations


def reportable_alterations(
    sample: str,
    classification: SampleClassification,
    kb: KnowledgeBase,
) -> list[Alteration]:
    """The alterations.tsv rows of a sample, in report order (section, gene, kind, position).

    Reported: variants in KB genes (marker genes excepted) that are protein-changing, of
    unknown consequence (gene-overlap input), or (Likely) oncogenic whatever their class, and
    not Likely benign; AMP/DEEPDEL in KB genes; fusions involving KB genes or a 3' kinase
    driver.
    """
    keyed: list[tuple[tuple[Any, ...], Alteration]] = []
    for variant_item in classification.variants:
        variant, call = variant_item.variant, variant_item.classification
        entry = kb.genes[variant.gene or ""]
        if entry.role == "marker" or call.oncogenicity == LIKELY_BENIGN:
            continue
        coding = variant.variant_class in PROTEIN_CHANGING_CLASSES | {"unknown"}
        if not coding and not call.is_oncogenic:  # e.g. MET exon 14 splice-region variants
            continue
        alteration = Alteration(
            sample,
            entry.symbol,
            entry.pathway,
            "mutation",
            consequence=variant.consequence or variant.variant_class,
            hgvsp=variant.hgvsp,
            hgvsc=variant.hgvsc,
            chrom=variant.chrom,
            pos=variant.pos,
            ref=variant.ref,
            alt=variant.alt,
            vaf=variant.vaf,
            depth=variant.depth,
            variant_class=variant.variant_class,
            filter=variant.filter,
            population_af=variant.population_af,
            sources=", ".join(variant.extra["sources"]) if "sources" in variant.extra else None,
        )
        if call.exon14_skipping:
            # every MET exon 14 route gives the alteration the RNA junctions give
            alteration.variant_class = EXON_SKIPPING
            annotated = f"; {variant.consequence}" if variant.consequence else ""
            alteration.consequence = f"exon 14 skipping ({call.exon14_skipping}{annotated})"
        key = _sort_key(entry.group, entry.symbol, 0, variant.pos)
        keyed.append((key, _finish(alteration, call)))
    for copy_item in classification.copy_numbers:
        entry = kb.genes[copy_item.call.gene]
        kind = "amplification" if copy_item.call.call == "AMP" else "deep_deletion"
        alteration = Alteration(
            sample,
            entry.symbol,
            entry.pathway,
            kind,
            consequence=copy_item.call.call,
            copy_number=copy_item.call.copy_number,
        )
        key = _sort_key(entry.group, entry.symbol, 1, 0)
        keyed.append((key, _finish(alteration, copy_item.classification)))
    for fusion_item in classification.fusions:
        known = kb.genes.get(fusion_item.gene)
        fusion: Fusion = fusion_item.fusion
        partner = fusion.gene5 if fusion_item.gene == fusion.gene3 else fusion.gene3
        alteration = Alteration(
            sample,
            fusion_item.gene,
            known.pathway if known else "",
            "fusion",
            consequence=fusion.name,
            partner=partner,
        )
        if is_met_exon14_skipping(fusion):
            # an in-frame loss of exon 14 in the transcript: matched as the MET exon 14 mutation
            alteration.alteration_type = "mutation"
            alteration.partner = None
            alteration.variant_class = EXON_SKIPPING
            alteration.consequence = (
                f"exon 14 skipping (exon 13 joined to exon 15; {fusion.caller})"
            )
        group = known.group if known else "Other drivers"
        key = _sort_key(group, fusion_item.gene, 2, 0)
        keyed.append((key, _finish(alteration, fusion_item.classification)))
    for _, alteration in keyed:
        alteration.biallelic = alteration.gene in classification.biallelic
        known = kb.genes.get(alteration.gene)
        alteration.group = known.group if known else "Other drivers"
    keyed.sort(key=lambda pair: pair[0])
    return [alteration for _, alteration in keyed]


def _sort_key(group: str, gene: str, kind: int, pos: int) -> tuple[Any, ...]:
    group_rank = GROUP_ORDER.index(group) if group in GROUP_ORDER else len(GROUP_ORDER)
    return (group_rank, gene, kind, pos)


def _finish(alteration: Alteration, call: Classification) -> Alteration:
    alteration.oncogenicity = call.oncogenicity
    alteration.germline_carrier = call.germline_carrier
    alteration.evidence = call.evidence_text
    alteration.caveats = "; ".join(call.caveats)
    return alteration


# ----------------------------------------------------------------------------- biomarkers


def immune_score(markers: Mapping[str, Any] | None) -> dict[str, Any]:
    entry = (markers or {}).get(IMMUNE_SCORE_MARKER)
    if not entry or entry.get("call") in (None, "not_available"):
        return {
            "value": None,
            "percentile": None,
            "call": "not_available",
            "source": IMMUNE_SOURCE,
            "research_only": True,
        }
    value = entry.get("zscore")  # score rows carry the mean z-score of the gene set
    return {
        "value": value,
        "percentile": entry.get("percentile"),
        "call": IMMUNE_CALLS.get(entry["call"], entry["call"]),
        "source": IMMUNE_SOURCE,
        "research_only": True,
    }


def pdl1_entry(
    sample: SampleInfo,
    cna: Sequence[GeneCopyNumber],
    markers: Mapping[str, Any] | None,
    thresholds: Mapping[str, Any],
) -> dict[str, Any]:
    from nenprofile.interpret.pdl1 import pdl1_status

    return pdl1_status(sample, list(cna), dict(markers) if markers else None, dict(thresholds))


# ----------------------------------------------------------------------------- sample


def sample_warnings(
    sample: SampleInfo,
    ingest: Any,
    classification: SampleClassification,
    biomarkers: Mapping[str, Any],
    settings: Settings,
) -> list[str]:
    warnings: list[str] = []
    if ingest.tumor_only:
        warnings.append(
            "tumor-only input: germline variants are removed only by population AF >= "
            f"{settings.filters.max_population_af} and known polymorphisms; confirm germline "
            "status of reported variants with a matched normal"
        )
    if ingest.annotation == "gene-overlap":
        warnings.append(
            "variant consequences unknown (gene-overlap annotation): only positional hotspots "
            "have protein changes; TMB counts all variants"
        )
    for call in [item.classification for item in classification.variants] + [
        item.classification for item in classification.fusions
    ]:
        for caveat in call.caveats:
            if caveat not in warnings:
                warnings.append(caveat)
    conflict = biomarkers["differentiation_pattern"].get("conflict")
    if conflict:
        warnings.append(conflict)
    return warnings


def interpret_sample(
    sample: SampleInfo,
    ingest: Any,
    cna: Sequence[GeneCopyNumber],
    fusions: Sequence[Fusion],
    markers: Mapping[str, Any] | None,
    kb: KnowledgeBase,
    settings: Settings,
    tmb_tally: TmbTally | None = None,
) -> SampleInterpretation:
    """Alterations, biomarkers.json (but its standard of care) and warnings for one sample.

    ``ingest`` is a variants.IngestResult (variants, annotation, tumor_only are read). Its
    variants are all the sample's variants, or (streamed ingest, profile_sink.ProfileSink)
    those in knowledge-base genes with ``tmb_tally`` counted over all of them.
    """
    tumor_only = bool(ingest.tumor_only)
    classification = classify_sample(
        ingest.variants,
        cna,
        fusions,
        kb.genes,
        tumor_only=tumor_only,
        purity=sample.purity,
        settings=OncogenicitySettings.from_settings(settings),
        build=getattr(ingest, "build", None),
    )
    alterations = reportable_alterations(sample.sample, classification, kb)
    scored = compute_biomarkers(
        sample,
        ingest.variants if tmb_tally is None else tmb_tally,
        classification,
        kb.genes,
        annotation=ingest.annotation,
        tumor_only=tumor_only,
        settings=BiomarkerSettings.from_settings(settings),
    )
    pdl1 = pdl1_entry(sample, cna, markers, settings.pdl1_thresholds)
    findings = SampleFindings(
        alterations=alterations,
        tmb_call=scored["tmb"]["call"],
        msi_call=scored["msi"]["call"],
        mmr_deficient=scored["mmr"].deficient,
        hrr_deficient=scored["hrr"].deficient,
        pdl1=pdl1,
        expression=dict(markers or {}),
    )
    biomarkers = {
        "sample": sample.sample,
        "tmb": scored["tmb"],
        "msi": scored["msi"],
        "pdl1": pdl1,
        "hrr": scored["hrr"].to_json(),
        "mmr": scored["mmr"].to_json(),
        "differentiation_pattern": scored["differentiation_pattern"],
        "expression_markers": dict(markers or {}),
        "immune_score": immune_score(markers),
    }
    warnings = sample_warnings(sample, ingest, classification, biomarkers, settings)
    return SampleInterpretation(alterations, biomarkers, warnings, classification, findings)
