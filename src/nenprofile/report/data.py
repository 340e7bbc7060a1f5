"""Assemble everything a sample report shows into one plain, JSON-serialisable dict.

The dict is written as `<sample>.report.json` and is the only input of the HTML renderer, so
what the JSON says is exactly what the tumor board sees. Inputs come from the profiling
stages (alterations, biomarkers, therapies) as lists of dicts or DataFrames; TSV round trips
leave NaN, "True"/"False" strings and numpy scalars, which are normalised here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nenprofile.errors import InputError
from nenprofile.report.qc import qc_section
from nenprofile.report.recommend import germline_referral, next_tests
from nenprofile.report.values import (
    as_bool,
    as_float,
    as_int,
    as_text,
    atomic_write_bytes,
    citation_links,
    plain,
    records,
)
from nenprofile.vocab import is_oncogenic, therapy_rank

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "as_bool",
    "as_float",
    "as_int",
    "as_text",
    "atomic_write_bytes",
    "citation_links",
    "is_oncogenic",
    "plain",
    "records",
]

REPORT_SCHEMA_VERSION = 2
SUMMARY_LIMIT = 5
DEFAULT_TITLE = "Molecular tumor board report"

# (element id, pathway group as written by the classifier, section heading)
SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("mtor", "mTOR pathway", "mTOR pathway"),
    ("dna-repair", "DNA repair", "DNA repair"),
    ("chromatin", "Epigenetic/chromatin", "Epigenetic / chromatin"),
    ("other-drivers", "Other drivers", "Other drivers"),
)
GROUP_NAMES = tuple(group for _, group, _ in SECTIONS)
FALLBACK_GROUP = "Other drivers"


@cache
def marker_order() -> tuple[str, ...]:
    """The expression markers in report order. Loaded on first use: the expression package
    loads pandas, which a report without expression data (and its job) then does without."""
    from nenprofile.interpret.expression.genesets import MARKER_GENES, SCORE_NAMES

    return (*MARKER_GENES, *SCORE_NAMES)


HISTOLOGY_NOTE = (
    "This is a molecular pattern only. Histology decides: morphology (differentiation) "
    "separates NET G3 from NEC, and Ki-67 alone cannot (WHO/IARC common framework, "
    "PMID:30140036)."
)
TUMOR_ONLY_WARNING = (
    "Tumor-only input: no matched normal. Germline variants may remain among the reported "
    "alterations, and VAF cannot separate somatic from germline events."
)
GENE_OVERLAP_WARNING = (
    "Consequences unknown: the VCF carried no VEP/SnpEff/BCSQ annotation and no reference + "
    "GFF3 was configured, so genes were assigned by position only and protein changes are "
    "not available. Only positional hotspots can be called oncogenic."
)
DISCLAIMER = (
    "For research use only. This report is not a diagnostic device and has not been "
    "validated for clinical decision making.",
    "Histology and the multidisciplinary tumor board decide on diagnosis and treatment; "
    "molecular findings support, never replace, that decision.",
    "Expression-based calls (RNA markers, immune score, CD274 mRNA) are research-only: "
    "percentile ranks within a reference set, without validated cut-offs.",
    "Evidence tiers (AMP/ASCO/CAP, ESCAT) reflect the bundled knowledge base version shown "
    "under Provenance; check the cited sources for the current status.",
)


# ---------------------------------------------------------------------------------------
# sections
# ---------------------------------------------------------------------------------------


def exon_skipping_label(row: Mapping[str, Any]) -> str | None:
    """'exon 14 skipping (exon 13 joined to exon 15; Arriba)' for an exon-skipping row
    (no protein change of its own); None for other rows."""
    if as_text(row.get("variant_class")) != "exon_skipping":
        return None
    return as_text(row.get("consequence")) or "exon skipping"


def _alteration_label(row: Mapping[str, Any]) -> str:
    kind = (as_text(row.get("alteration_type")) or "mutation").lower()
    if kind == "amplification":
        copies = as_float(row.get("copy_number"))
        return "Amplification" + (f" (CN {copies:g})" if copies is not None else "")
    if kind == "deep_deletion":
        return "Deep deletion"
    if kind == "fusion":
        partner = as_text(row.get("partner"))
        return f"Fusion {partner}" if partner else "Fusion"
    if skipping := exon_skipping_label(row):
        return skipping
    if hgvsp := as_text(row.get("hgvsp")):
        return hgvsp
    if hgvsc := as_text(row.get("hgvsc")):
        return hgvsc
    chrom, pos = as_text(row.get("chrom")), as_int(row.get("pos"))
    ref, alt = as_text(row.get("ref")), as_text(row.get("alt"))
    if chrom and pos is not None:
        return f"{chrom}:{pos} {ref or ''}>{alt or ''}"
    return kind.replace("_", " ")


def alteration_row(row: Mapping[str, Any], index: int) -> dict[str, Any]:
    gene = as_text(row.get("gene"))
    if gene is None:
        raise InputError(
            "an alteration has no gene",
            path="alterations table",
            line=index + 2,
            column="gene",
            fix="every alteration row needs a gene symbol",
        )
    group = as_text(row.get("group"))
    return {
        "gene": gene,
        "group": group if group in GROUP_NAMES else FALLBACK_GROUP,
        "pathway": as_text(row.get("pathway")),
        "alteration_type": as_text(row.get("alteration_type")) or "mutation",
        "change": _alteration_label(row),
        "hgvsp": as_text(row.get("hgvsp")),
        "hgvsc": as_text(row.get("hgvsc")),
        "consequence": as_text(row.get("consequence")),
        "variant_class": as_text(row.get("variant_class")),
        "chrom": as_text(row.get("chrom")),
        "pos": as_int(row.get("pos")),
        "ref": as_text(row.get("ref")),
        "alt": as_text(row.get("alt")),
        "vaf": as_float(row.get("vaf")),
        "depth": as_int(row.get("depth")),
        "population_af": as_float(row.get("population_af")),
        "copy_number": as_float(row.get("copy_number")),
        "partner": as_text(row.get("partner")),
        "oncogenicity": as_text(row.get("oncogenicity")) or "unknown",
        "oncogenic": is_oncogenic(row.get("oncogenicity")),
        "evidence": as_text(row.get("evidence")),
        "biallelic": as_bool(row.get("biallelic")),
        "germline_carrier": as_bool(row.get("germline_carrier")),
        "caveats": as_text(row.get("caveats")),
        "filter": as_text(row.get("filter")),
        "sources": as_text(row.get("sources")),
    }


def sorted_alterations(alterations: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Every alteration as a report row, oncogenic ones first."""
    rows = [alteration_row(row, i) for i, row in enumerate(alterations)]
    rows.sort(key=lambda r: (not r["oncogenic"], r["gene"], r["pos"] or 0, r["change"]))
    return rows


def alteration_sections(
    rows: list[dict[str, Any]], vus_rows: int | None = None
) -> list[dict[str, Any]]:
    """The alteration table of each section (rows from sorted_alterations): every oncogenic
    row, then at most `vus_rows` VUS / not-oncogenic rows (None: all); the rest are counted
    in `vus_not_shown` (alterations.tsv lists them)."""
    sections = []
    for element_id, group, title in SECTIONS:
        members = [row for row in rows if row["group"] == group]
        oncogenic = [row for row in members if row["oncogenic"]]
        others = members[len(oncogenic) :]
        shown = others if vus_rows is None else others[:vus_rows]
        sections.append(
            {
                "id": element_id,
                "group": group,
                "title": title,
                "alterations": oncogenic + shown,
                "vus_not_shown": len(others) - len(shown),
            }
        )
    return sections


def therapy_row(row: Mapping[str, Any], index: int) -> dict[str, Any]:
    therapy = as_text(row.get("therapy"))
    if therapy is None:
        raise InputError(
            "a therapy option has no therapy name",
            path="therapies table",
            line=index + 2,
            column="therapy",
            fix="every therapy row needs a therapy",
        )
    return {
        "therapy": therapy,
        "biomarker": as_text(row.get("biomarker")),
        "amp_tier": as_text(row.get("amp_tier")),
        "escat_tier": as_text(row.get("escat_tier")),
        "context": as_text(row.get("context")),
        "rationale": as_text(row.get("rationale")),
        "caveats": as_text(row.get("caveats")),
        "citations": citation_links(row.get("citations")),
        "direction": as_text(row.get("direction")) or "sensitivity",
        "rule_id": as_text(row.get("rule_id")),
        "research_only": bool(as_bool(row.get("research_only"))),
        "line": as_text(row.get("line")),
    }


def ranked_therapies(therapies: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Therapy rows in the one ranking (vocab.therapy_rank), as in therapies.tsv."""
    return sorted((therapy_row(row, i) for i, row in enumerate(therapies)), key=therapy_rank)


SUMMARY_DIRECTIONS = frozenset({"sensitivity", "standard_of_care"})


def summary_options(therapies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The first ranked options with a tier (standard of care and sensitivity rows; never a
    resistance or germline-referral row), with the finding behind each, tiers, context and
    badge.

    `therapies` come in the project's one ranking (ranked_therapies); research-only lines
    are moved after every other line (the issue's "research-only last"), so the summary never
    leads with one; without a validated line it shows none (the therapy table keeps them).
    """
    tiered = [
        row
        for row in therapies
        if row["direction"] in SUMMARY_DIRECTIONS and (row["amp_tier"] or row["escat_tier"])
    ]
    validated = [row for row in tiered if not row["research_only"]]
    research = [row for row in tiered if row["research_only"]] if validated else []
    ranked = (validated + research)[:SUMMARY_LIMIT]
    return [
        {
            "therapy": row["therapy"],
            "finding": row["biomarker"] or "no biomarker",
            "amp_tier": row["amp_tier"],
            "escat_tier": row["escat_tier"],
            "context": row["context"] or "context n/a",
            "research_only": row["research_only"],
            "rule_id": row["rule_id"],
        }
        for row in ranked
    ]


def biomarker_section(biomarkers: Mapping[str, Any], cohort: Mapping[str, Any]) -> dict[str, Any]:
    tmb = dict(plain(biomarkers.get("tmb")) or {})
    tmb["cohort"] = cohort.get("tmb") or {"n": 0, "bins": [], "quantiles": None}
    pdl1 = dict(plain(biomarkers.get("pdl1")) or {})
    if "citations" in pdl1:
        pdl1["citations"] = citation_links(pdl1["citations"])
    return {
        "tmb": tmb,
        "msi": plain(biomarkers.get("msi")) or {},
        "pdl1": pdl1,
        "hrr": plain(biomarkers.get("hrr")) or {},
        "mmr": plain(biomarkers.get("mmr")) or {},
        "immune_score": plain(biomarkers.get("immune_score")) or {},
    }


def _marker_sort_key(name: str) -> tuple[int, str]:
    order = marker_order()
    return (order.index(name) if name in order else len(order), name)


def expression_section(
    markers: Mapping[str, Any] | None, cohort: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """One row per marker; `cohort_bins` counts the cohort's percentiles per decile."""
    cohort_markers = cohort.get("markers") or {}
    rows = []
    given = markers or {}
    for name in sorted(given.keys(), key=_marker_sort_key):
        marker = plain(given[name]) or {}
        call = as_text(marker.get("call")) or "not_available"
        rows.append(
            {
                "marker": name,
                "gene": as_text(marker.get("gene")),
                "tpm": as_float(marker.get("tpm")),
                "log2_tpm": as_float(marker.get("log2_tpm")),
                "percentile": as_float(marker.get("percentile")),
                "zscore": as_float(marker.get("zscore")),
                "call": call,
                "available": call != "not_available",
                "reference": as_text(marker.get("reference")),
                "research_only": as_bool(marker.get("research_only")) is not False,
                "note": as_text(marker.get("note")),
                "cohort_bins": (cohort_markers.get(name) or {}).get("bins") or [],
            }
        )
    return rows


def pattern_section(biomarkers: Mapping[str, Any]) -> dict[str, Any]:
    pattern = plain(biomarkers.get("differentiation_pattern")) or {}
    evidence = pattern.get("evidence") or []
    if isinstance(evidence, str):
        evidence = [evidence]
    return {
        "value": as_text(pattern.get("value")) or "indeterminate",
        "call": as_text(pattern.get("call")) or as_text(pattern.get("value")) or "indeterminate",
        "evidence": [str(item) for item in evidence],
        "source": as_text(pattern.get("source")),
        "note": HISTOLOGY_NOTE,
    }


def standard_of_care_section(biomarkers: Mapping[str, Any]) -> list[dict[str, Any]]:
    items = []
    for item in plain(biomarkers.get("standard_of_care")) or []:
        items.append(
            {
                "setting": as_text(item.get("setting")),
                "option": as_text(item.get("option")),
                "note": as_text(item.get("note")),
                "citations": citation_links(item.get("citations")),
            }
        )
    return items


# Ingest warnings on a topic the report states once in its own words (prefix -> message).
ALERT_TOPICS = (
    ("tumor-only input", TUMOR_ONLY_WARNING),
    ("consequences unknown", GENE_OVERLAP_WARNING),
)


def alerts(sample_info: Mapping[str, Any], ingest: Mapping[str, Any]) -> list[str]:
    """Warnings shown at the top: tumor-only input, unknown consequences, then ingest's own.

    An ingest warning on a topic the report already states is not repeated here; its full
    text stays in the input section.
    """
    messages: list[str] = []
    tumor_only = as_bool(ingest.get("tumor_only"))
    if tumor_only is None:
        tumor_only = as_bool(sample_info.get("tumor_only"))
    if tumor_only:
        messages.append(TUMOR_ONLY_WARNING)
    if as_text(ingest.get("annotation")) == "gene-overlap":
        messages.append(GENE_OVERLAP_WARNING)
    for warning in ingest.get("warnings") or []:
        text = as_text(warning)
        if text is None or text in messages:
            continue
        topic = next((m for prefix, m in ALERT_TOPICS if text.lower().startswith(prefix)), None)
        if topic is not None and topic in messages:
            continue
        messages.append(text)
    return messages


def variant_file_lines(ingest: Mapping[str, Any]) -> list[str]:
    """One line per small-variant file: caller, records read, variants, skipped (reason,
    count), merged with an earlier file, gene names renamed."""
    lines = []
    for entry in plain(ingest.get("variant_inputs")) or []:
        if not isinstance(entry, dict):
            continue
        parts = [
            f"Variants: {Path(as_text(entry.get('path')) or 'unknown').name}",
            f"{as_text(entry.get('format')) or 'unknown format'} from "
            f"{as_text(entry.get('caller')) or 'unknown caller'}",
            f"{as_int(entry.get('records_read'))} records read",
            f"{as_int(entry.get('variants'))} variants",
        ]
        skipped = entry.get("skipped") or {}
        parts += [
            f"skipped {as_int(n)} ({str(reason).replace('_', ' ')})"
            for reason, n in skipped.items()
        ]
        if as_int(entry.get("merged")):
            parts.append(f"{as_int(entry.get('merged'))} merged with an earlier file's variants")
        lines.append(", ".join(parts) + gene_name_note(entry.get("gene_names")))
    return lines


def gene_name_note(names: Any) -> str:
    """'; gene names: 2 renamed (MLL2 -> KMT2D), ...' when any was renamed or left."""
    names = plain(names) or {}
    renamed, ambiguous = as_int(names.get("renamed")), as_int(names.get("ambiguous_kept"))
    notes = []
    if renamed:
        examples = ", ".join(str(e) for e in names.get("renamed_examples") or [])
        notes.append(f"{renamed} renamed to HGNC symbols ({examples})")
    if ambiguous:
        examples = ", ".join(str(e) for e in names.get("ambiguous_examples") or [])
        notes.append(f"{ambiguous} ambiguous, kept as written ({examples})")
    return "; gene names: " + "; ".join(notes) if notes else ""


def input_files(ingest: Mapping[str, Any]) -> list[str]:
    """One line per small-variant, copy-number and fusion file: format, rows read, skipped
    (reason, count), clipped, merged, renamed, and the purity and ploidy used with their
    source."""
    lines = variant_file_lines(ingest)
    purity_ploidy = plain(ingest.get("purity_ploidy")) or {}
    used = [
        f"{name} {as_float(entry.get('value')):g} ({as_text(entry.get('source'))})"
        for name, entry in purity_ploidy.items()
        if isinstance(entry, dict) and as_float(entry.get("value")) is not None
    ]
    if used:
        lines.append("Purity and ploidy used: " + "; ".join(used))
    for key, label, count_key, count_label in (
        ("copy_number_input", "Copy number", "genes_called", "genes called"),
        ("fusion_input", "Fusions", "fusions", "fusions"),
    ):
        entry = plain(ingest.get(key)) or {}
        if not entry:
            continue
        parts = [
            f"{label}: {as_text(entry.get('format')) or 'unknown format'}",
            f"{as_int(entry.get('rows'))} rows read",
            f"{as_int(entry.get(count_key))} {count_label}",
        ]
        skipped = entry.get("skipped") or {}
        parts += [f"skipped {as_int(n)} ({as_text(reason)})" for reason, n in skipped.items()]
        for field_name, words in (
            ("clipped_negative_copy_numbers", "negative copy numbers clipped to 0"),
            ("merged_duplicate_rows", "duplicate gene rows merged"),
            ("merged_rows", "rows merged into one fusion per gene pair"),
            ("low_support", "low-support fusions"),
            ("support_not_assessed", "fusions without read counts"),
            ("met_exon14_skipping", "MET exon 13 to exon 15 junctions (exon 14 skipping)"),
        ):
            if as_int(entry.get(field_name)):
                parts.append(f"{as_int(entry.get(field_name))} {words}")
        if entry.get("seg_scale"):
            parts.append(f"SEG values read as {as_text(entry.get('seg_scale'))}")
        lines.append(", ".join(parts) + gene_name_note(entry.get("gene_names")))
    expression = plain(ingest.get("expression_input")) or {}
    if expression:
        lines.append(expression_input_line(expression))
    return lines


def expression_input_line(entry: Mapping[str, Any]) -> str:
    """The expression matrix as read: file, format, unit (and conversion), rows, summed
    duplicate symbols, this sample's column, missing markers and the reference size."""
    unit = as_text(entry.get("unit")) or "unknown unit"
    conversion = as_text(entry.get("conversion"))
    parts = [
        f"Expression: {as_text(entry.get('format')) or 'unknown format'}"
        f" ({Path(as_text(entry.get('path')) or '').name})",
        f"unit {unit}" + (f" ({conversion})" if conversion else ""),
        f"{as_int(entry.get('rows'))} rows read",
        f"{as_int(entry.get('genes_found'))} of {as_int(entry.get('genes_needed'))} "
        "marker and signature genes found",
    ]
    if as_int(entry.get("duplicate_symbol_rows_summed")):
        parts.append(
            f"{as_int(entry.get('duplicate_symbol_rows_summed'))} rows sharing a gene symbol summed"
        )
    column = as_text(entry.get("column"))
    parts.append(f"column {column}" if column else "no column for this sample")
    missing = plain(entry.get("markers_not_available")) or {}
    if missing:
        parts.append(
            "markers not available: "
            + ", ".join(f"{gene} ({as_text(reason)})" for gene, reason in missing.items())
        )
    reference = plain(entry.get("reference")) or {}
    if reference:
        size, minimum = as_int(reference.get("size")), as_int(reference.get("min_reference_size"))
        text = f"reference {as_text(reference.get('source')) or 'unknown'}, {size} samples"
        if as_bool(reference.get("below_min_reference_size")):
            text += f" (below min_reference_size {minimum}: gene-set scores not informative)"
        parts.append(text)
    return ", ".join(parts)


def header_section(sample_info: Mapping[str, Any], ingest: Mapping[str, Any]) -> dict[str, Any]:
    sample = as_text(sample_info.get("sample"))
    if sample is None:
        raise InputError(
            "the sample information has no sample name",
            path="sample information",
            column="sample",
            fix="pass the validated sample-sheet row (model.SampleInfo) for this sample",
        )
    tumor_only = as_bool(ingest.get("tumor_only"))
    if tumor_only is None:
        tumor_only = bool(as_bool(sample_info.get("tumor_only")))
    return {
        "sample": sample,
        "tumor_site": as_text(sample_info.get("tumor_site")) or "unknown",
        "tumor_site_input": as_text(sample_info.get("tumor_site_input")),
        "differentiation": as_text(sample_info.get("differentiation")) or "unknown",
        "differentiation_from_histology": bool(
            as_bool(sample_info.get("differentiation_from_histology"))
        ),
        "histology": as_text(sample_info.get("histology")) or "unknown",
        "histology_input": as_text(sample_info.get("histology_input")),
        "stage": as_text(sample_info.get("stage")) or "unknown",
        "line": as_int(sample_info.get("line")),
        "prior_therapies": [str(t) for t in plain(sample_info.get("prior_therapies")) or []],
        "sstr_imaging": as_text(sample_info.get("sstr_imaging")) or "unknown",
        "germline_findings": [str(g) for g in plain(sample_info.get("germline_findings")) or []],
        "ki67": as_float(sample_info.get("ki67")),
        "pdl1_tps": as_float(sample_info.get("pdl1_tps")),
        "pdl1_cps": as_float(sample_info.get("pdl1_cps")),
        "msi_status": as_text(sample_info.get("msi_status")) or "unknown",
        "her2_ihc": as_text(sample_info.get("her2_ihc")),
        "genome_build": as_text(ingest.get("build"))
        or as_text(sample_info.get("genome_build"))
        or "unknown",
        "purity": as_float(sample_info.get("purity")),
        "ploidy": as_float(sample_info.get("ploidy")),
        "tumor_only": tumor_only,
        "input_format": as_text(ingest.get("input_format")) or "unknown",
        "caller": as_text(ingest.get("caller")) or "unknown",
        "annotation": as_text(ingest.get("annotation")) or "unknown",
        "build_evidence": as_text(ingest.get("build_evidence")),
        "counts": {str(k): as_int(v) for k, v in sorted((ingest.get("counts") or {}).items())},
    }


def provenance_section(provenance: Mapping[str, Any]) -> dict[str, Any]:
    kb = plain(provenance.get("knowledge_base")) or {}
    inputs = []
    for item in plain(provenance.get("inputs")) or []:
        inputs.append({"path": as_text(item.get("path")), "sha256": as_text(item.get("sha256"))})
    tools = plain(provenance.get("tools") or provenance.get("tool_versions")) or {}
    return {
        "pipeline_version": as_text(provenance.get("pipeline_version")) or "unknown",
        "knowledge_base": {
            "version": as_text(kb.get("version")) or "unknown",
            "release_date": as_text(kb.get("release_date")),
            "checksum": as_text(kb.get("checksum")),
        },
        "config_sha256": as_text(provenance.get("config_sha256")),
        "inputs": sorted(inputs, key=lambda i: (i["path"] or "", i["sha256"] or "")),
        "run_date": as_text(provenance.get("run_date")) or "unknown",
        "tools": {str(k): as_text(v) for k, v in sorted(tools.items())},
    }


def build_report_data(
    sample_info: Mapping[str, Any],
    ingest: Mapping[str, Any],
    alterations: Sequence[Mapping[str, Any]] | pd.DataFrame | None,
    biomarkers: Mapping[str, Any],
    therapies: Sequence[Mapping[str, Any]] | pd.DataFrame | None,
    provenance: Mapping[str, Any],
    *,
    settings: Mapping[str, Any] | None = None,
    cohort_context: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Everything the sample report shows, as a deterministic JSON-ready dict.

    `cohort_context` (report.context.build_cohort_context, computed once per cohort) places
    the sample's TMB and expression markers among the cohort as fixed-size bins, so the
    report does not grow with the cohort.
    """
    settings = settings or {}
    cohort = cohort_context or {}
    header = header_section(sample_info, ingest)
    therapy_rows = ranked_therapies(records(therapies))
    alteration_rows = sorted_alterations(records(alterations))
    sections = alteration_sections(alteration_rows, as_int(settings.get("vus_rows_per_section")))
    plain_biomarkers = plain(dict(biomarkers)) or {}
    expression = expression_section(biomarkers.get("expression_markers"), cohort)
    pattern = pattern_section(biomarkers)
    referral = germline_referral(
        alteration_rows,
        header["tumor_only"],
        header["purity"],
        "; ".join(header["germline_findings"]) or None,
    )
    qc = qc_section(sample_info, ingest, alteration_rows, biomarkers)
    return {
        "schema_version": REPORT_SCHEMA_VERSION,
        "title": as_text(settings.get("title")) or DEFAULT_TITLE,
        "institution": as_text(settings.get("institution")),
        "header": header,
        "alerts": alerts(sample_info, ingest),
        "ingest_warnings": qc["other_warnings"],
        "qc": qc,
        "input_files": input_files(ingest),
        "summary": summary_options(therapy_rows),
        "next_tests": next_tests(
            sample_info=sample_info,
            header=header,
            ingest=ingest,
            biomarkers=plain_biomarkers,
            alterations=alteration_rows,
            therapies=therapy_rows,
            expression=expression,
            pattern=pattern,
            referral=referral,
        ),
        "germline": referral,
        "sections": sections,
        # rows beyond this are left out of the PDF (every one stays in the HTML and the TSV)
        "printout": {"rows_per_table": as_int(settings.get("pdf_rows_per_table"))},
        "biomarkers": biomarker_section(biomarkers, cohort),
        "cohort_size": cohort.get("n_samples"),
        "expression": expression,
        "pattern": pattern,
        "standard_of_care": standard_of_care_section(biomarkers),
        "therapies": therapy_rows,
        "provenance": provenance_section(provenance),
        "disclaimer": list(DISCLAIMER),
    }


def report_json_text(data: Mapping[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_report_json(data: Mapping[str, Any], path: str | Path) -> None:
    atomic_write_bytes(path, report_json_text(data).encode("utf-8"))
