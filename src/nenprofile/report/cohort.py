"""The cohort report: oncoprint, pathway frequencies, biomarker distributions, therapy tiers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from nenprofile.report.context import tmb_bins
from nenprofile.report.data import (
    DEFAULT_TITLE,
    FALLBACK_GROUP,
    GROUP_NAMES,
    as_bool,
    as_float,
    as_text,
    exon_skipping_label,
    provenance_section,
    records,
)
from nenprofile.report.html import bundled_script, render_template
from nenprofile.report.values import Rows
from nenprofile.vocab import AMP_TIERS, is_oncogenic, tier_rank

if TYPE_CHECKING:
    import pandas as pd

ALTERATION_TYPES = {
    "mutation": "MUT",
    "amplification": "AMP",
    "deep_deletion": "DEL",
    "fusion": "FUS",
}
DEFAULT_TMB_THRESHOLD = 10.0
CATEGORY_COLUMNS = (
    ("tmb_call", "TMB"),
    ("msi", "MSI"),
    ("pdl1_call", "PD-L1"),
    ("pattern", "NET-G3-like vs NEC-like pattern"),
)


def sample_report_href(sample: str) -> str:
    """Relative link from cohort/cohort_report.html to samples/<s>/<s>.report.html."""
    name = quote(sample, safe="")
    return f"../samples/{name}/{name}.report.html"


def _sample_names(sample_infos: Sequence[Mapping[str, Any]]) -> list[str]:
    names: list[str] = []
    for info in sample_infos:
        name = as_text(info.get("sample"))
        if name is not None and name not in names:
            names.append(name)
    return names


MAX_STRIPES = 3  # hits drawn inside one oncoprint cell; more are counted ("+n")
TYPE_ORDER = ("fusion", "amplification", "deep_deletion", "mutation", "other")


def _hit(row: Mapping[str, Any]) -> dict[str, Any]:
    kind = (as_text(row.get("alteration_type")) or "mutation").lower()
    css = kind if kind in ALTERATION_TYPES else "other"
    change = (
        as_text(row.get("hgvsp"))
        or as_text(row.get("partner"))
        or exon_skipping_label(row)
        or kind.replace("_", " ")
    )
    oncogenicity = as_text(row.get("oncogenicity")) or "unknown"
    return {
        "type": css,
        "change": change,
        "code": ALTERATION_TYPES.get(kind, "ALT"),
        "oncogenic": is_oncogenic(oncogenicity),
        "title": f"{as_text(row.get('gene'))} {change} ({oncogenicity})",
    }


def oncoprint_cell(hits: list[dict[str, Any]]) -> dict[str, Any] | None:
    """One gene x sample cell: up to MAX_STRIPES hits drawn inside it (oncogenic first),
    the rest counted, every hit named in the title; None when the sample has no hit."""
    if not hits:
        return None
    ordered = sorted(
        hits, key=lambda h: (not h["oncogenic"], TYPE_ORDER.index(h["type"]), h["title"])
    )
    return {
        "stripes": ordered[:MAX_STRIPES],
        "more": max(len(ordered) - MAX_STRIPES, 0),
        "n": len(ordered),
        "any_oncogenic": any(h["oncogenic"] for h in ordered),
        "title": "; ".join(h["title"] for h in ordered),
    }


def alteration_hits(alterations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each alteration's hit (type, change, oncogenic, title), computed once for the
    oncoprint and the alteration table."""
    return [_hit(row) for row in alterations]


def oncoprint(
    alterations: list[dict[str, Any]],
    samples: list[str],
    hits: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Genes grouped by report section; each gene has exactly one cell per sample."""
    by_gene: dict[tuple[str, str], dict[str, list[dict[str, Any]]]] = {}
    wanted = set(samples)
    for row, hit in zip(alterations, hits or alteration_hits(alterations), strict=True):
        sample, gene = as_text(row.get("sample")), as_text(row.get("gene"))
        if sample not in wanted or gene is None:
            continue
        group = as_text(row.get("group"))
        group = group if group in GROUP_NAMES else FALLBACK_GROUP
        by_gene.setdefault((group, gene), {}).setdefault(sample, []).append(hit)
    groups = []
    for group in GROUP_NAMES:
        genes: list[dict[str, Any]] = []
        for (gene_group, gene), per_sample in by_gene.items():
            if gene_group != group:
                continue
            cells = [oncoprint_cell(per_sample.get(s, [])) for s in samples]
            genes.append(
                {
                    "gene": gene,
                    "n_altered": len(per_sample),
                    "n_oncogenic": sum(bool(c and c["any_oncogenic"]) for c in cells),
                    "cells": cells,
                }
            )
        genes.sort(key=lambda g: (-g["n_oncogenic"], -g["n_altered"], g["gene"]))
        groups.append({"group": group, "genes": genes})
    return groups


def pathway_frequencies(
    alterations: list[dict[str, Any]], samples: list[str]
) -> list[dict[str, Any]]:
    """Percent of profiled samples with at least one oncogenic alteration per group."""
    hits: dict[str, set[str]] = {group: set() for group in GROUP_NAMES}
    wanted = set(samples)
    for row in alterations:
        sample = as_text(row.get("sample"))
        if sample in wanted and is_oncogenic(row.get("oncogenicity")):
            group = as_text(row.get("group"))
            hits[group if group in GROUP_NAMES else FALLBACK_GROUP].add(sample)
    total = len(samples)
    return [
        {
            "group": group,
            "n": len(hits[group]),
            "total": total,
            "percent": 100.0 * len(hits[group]) / total if total else 0.0,
        }
        for group in GROUP_NAMES
    ]


def _counts(values: list[Any]) -> list[dict[str, Any]]:
    counter = Counter(as_text(v) or "not available" for v in values)
    return [
        {"value": k, "n": n} for k, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def biomarker_distributions(biomarkers: list[dict[str, Any]]) -> dict[str, Any]:
    columns = set().union(*(row.keys() for row in biomarkers)) if biomarkers else set()
    categories = [
        {"column": column, "label": label, "counts": _counts([r.get(column) for r in biomarkers])}
        for column, label in CATEGORY_COLUMNS
        if column in columns
    ]
    marker_columns = sorted(
        c for c in columns if c.endswith("_call") and c not in {"tmb_call", "pdl1_call"}
    )
    markers = [
        {
            "marker": column.removesuffix("_call"),
            "counts": _counts([r.get(column) for r in biomarkers]),
        }
        for column in marker_columns
    ]
    return {"categories": categories, "markers": markers}


def therapy_tiers(therapies: list[dict[str, Any]], samples: list[str]) -> list[dict[str, Any]]:
    """One row per (therapy, AMP tier, ESCAT tier, direction): the samples it applies to."""
    grouped: dict[tuple[str, str, str, str], set[str]] = {}
    wanted = set(samples)
    for row in therapies:
        sample, therapy = as_text(row.get("sample")), as_text(row.get("therapy"))
        if therapy is None or sample not in wanted:
            continue
        key = (
            therapy,
            as_text(row.get("amp_tier")) or "",
            as_text(row.get("escat_tier")) or "",
            as_text(row.get("direction")) or "sensitivity",
        )
        grouped.setdefault(key, set()).add(sample)
    rows: list[dict[str, Any]] = [
        {
            "therapy": therapy,
            "amp_tier": amp or None,
            "escat_tier": escat or None,
            "direction": direction,
            "n": len(members),
            "samples": [s for s in samples if s in members],
        }
        for (therapy, amp, escat, direction), members in grouped.items()
    ]
    rows.sort(key=lambda r: (*tier_rank(r["amp_tier"], r["escat_tier"]), -r["n"], r["therapy"]))
    return rows


def _site_and_differentiation(info: Mapping[str, Any]) -> dict[str, str]:
    return {
        "tumor_site": as_text(info.get("tumor_site")) or "unknown",
        "differentiation": as_text(info.get("differentiation")) or "unknown",
    }


def sample_rows(
    samples: list[str],
    info_by_name: Mapping[str | None, Mapping[str, Any]],
    biomarkers: list[dict[str, Any]],
    alterations: list[dict[str, Any]],
    therapies: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """The sortable sample table: clinical context, key biomarkers, oncogenic hits, best tier."""
    by_sample = {as_text(r.get("sample")): r for r in biomarkers}
    oncogenic: dict[str, list[dict[str, Any]]] = {}
    for row in alterations:
        if is_oncogenic(row.get("oncogenicity")):
            oncogenic.setdefault(as_text(row.get("sample")) or "", []).append(row)
    best: dict[str, tuple[int, int]] = {}
    for row in therapies:
        if (as_text(row.get("direction")) or "sensitivity") != "sensitivity":
            continue
        sample = as_text(row.get("sample")) or ""
        rank = tier_rank(row.get("amp_tier"), row.get("escat_tier"))
        best[sample] = min(best.get(sample, rank), rank)
    rows = []
    for s in samples:
        marker = by_sample.get(s, {})
        hits = oncogenic.get(s, [])
        groups = sorted({as_text(r.get("group")) or FALLBACK_GROUP for r in hits})
        amp_rank = best.get(s, (len(AMP_TIERS), 0))[0]
        best_tier = AMP_TIERS[amp_rank] if amp_rank < len(AMP_TIERS) else "–"
        rows.append(
            {
                "sample": s,
                "href": sample_report_href(s),
                **_site_and_differentiation(info_by_name[s]),
                "tmb": as_float(marker.get("tmb")),
                "msi": as_text(marker.get("msi")) or "n/a",
                "pdl1": as_text(marker.get("pdl1_call")) or "n/a",
                "n_oncogenic": len(hits),
                "genes": ", ".join(sorted({as_text(r.get("gene")) or "?" for r in hits})),
                "pathways": ", ".join(groups),
                "best_amp_tier": best_tier,
            }
        )
    return rows


def alteration_rows(
    alterations: list[dict[str, Any]],
    samples: list[str],
    info_by_name: Mapping[str | None, Mapping[str, Any]],
    hits: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """One filterable row per alteration, with its sample's site and differentiation."""
    wanted = set(samples)
    rows = []
    for row, hit in zip(alterations, hits or alteration_hits(alterations), strict=True):
        sample = as_text(row.get("sample"))
        if sample not in wanted:
            continue
        group = as_text(row.get("group"))
        rows.append(
            {
                "sample": sample,
                "href": sample_report_href(sample),
                **_site_and_differentiation(info_by_name[sample]),
                "gene": as_text(row.get("gene")) or "?",
                "change": hit["change"],
                "type": hit["type"].replace("_", " "),
                "oncogenicity": as_text(row.get("oncogenicity")) or "unknown",
                "pathway": group if group in GROUP_NAMES else FALLBACK_GROUP,
            }
        )
    return rows


def therapy_rows(
    therapies: list[dict[str, Any]],
    samples: list[str],
    info_by_name: Mapping[str | None, Mapping[str, Any]],
) -> list[dict[str, Any]]:
    """One filterable row per therapy option of a sample (any direction)."""
    wanted = set(samples)
    rows = []
    for row in therapies:
        sample, therapy = as_text(row.get("sample")), as_text(row.get("therapy"))
        if sample not in wanted or therapy is None:
            continue
        rows.append(
            {
                "sample": sample,
                "href": sample_report_href(sample),
                **_site_and_differentiation(info_by_name[sample]),
                "therapy": therapy,
                "biomarker": as_text(row.get("biomarker")) or "",
                "amp_tier": as_text(row.get("amp_tier")) or "–",
                "escat_tier": as_text(row.get("escat_tier")) or "–",
                "context": as_text(row.get("context")) or "",
                "direction": (as_text(row.get("direction")) or "sensitivity").replace("_", " "),
                "research_only": bool(as_bool(row.get("research_only"))),
            }
        )
    return rows


def filter_options(rows: list[dict[str, Any]], *columns: str) -> dict[str, list[str]]:
    """Distinct values per filterable column, for the filter menus."""
    return {c: sorted({str(r[c]) for r in rows}) for c in columns}


def text_rows(table: Rows | pd.DataFrame | None) -> list[dict[str, Any]]:
    """records(table), without copying rows that are plain text already (the report job reads
    the cohort tables as text rows: at 1,000 samples a copy of 225,600 alteration rows)."""
    if isinstance(table, list) and all(
        type(row) is dict and all(type(value) is str for value in row.values()) for row in table
    ):
        return table
    return records(table)


def build_cohort_data(
    cohort_alterations: Rows | pd.DataFrame | None,
    cohort_biomarkers: Rows | pd.DataFrame | None,
    cohort_therapies: Rows | pd.DataFrame | None,
    sample_infos: Sequence[Mapping[str, Any]],
    provenance: Mapping[str, Any],
    settings: Mapping[str, Any] | None = None,
    failed_samples: Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    settings = settings or {}
    samples = _sample_names(sample_infos)
    alterations = text_rows(cohort_alterations)
    therapies = text_rows(cohort_therapies)
    biomarkers = [r for r in records(cohort_biomarkers) if as_text(r.get("sample")) in samples]
    tmb_values = [v for r in biomarkers if (v := as_float(r.get("tmb"))) is not None]
    threshold = next(
        (as_float(r.get("tmb_threshold")) for r in biomarkers if as_float(r.get("tmb_threshold"))),
        as_float(settings.get("tmb_threshold")) or DEFAULT_TMB_THRESHOLD,
    )
    info_by_name = {as_text(i.get("sample")): i for i in sample_infos}
    frequencies = pathway_frequencies(alterations, samples)
    samples_table = sample_rows(samples, info_by_name, biomarkers, alterations, therapies)
    hits = alteration_hits(alterations)
    alterations_table = alteration_rows(alterations, samples, info_by_name, hits)
    therapies_table = therapy_rows(therapies, samples, info_by_name)
    return {
        "title": as_text(settings.get("cohort_title"))
        or f"{as_text(settings.get('title')) or DEFAULT_TITLE}: cohort",
        "institution": as_text(settings.get("institution")),
        "samples": samples_table,
        "sample_filters": filter_options(samples_table, "tumor_site", "differentiation"),
        "alterations": alterations_table,
        "alteration_filters": filter_options(
            alterations_table, "tumor_site", "differentiation", "pathway", "oncogenicity"
        ),
        "therapies": therapies_table,
        "therapy_filters": filter_options(
            therapies_table, "tumor_site", "differentiation", "amp_tier", "context"
        ),
        "oncoprint": oncoprint(alterations, samples, hits),
        "pathway_frequencies": frequencies,
        "frequency_bars": [(f["group"], f["percent"]) for f in frequencies],
        "tmb": {"n": len(tmb_values), "bins": tmb_bins(tmb_values), "threshold": threshold},
        "distributions": biomarker_distributions(biomarkers),
        "therapy_tiers": therapy_tiers(therapies, samples),
        "failed_samples": [
            {"sample": as_text(f.get("sample")) or "?", "error": as_text(f.get("error")) or ""}
            for f in failed_samples or []
        ],
        "provenance": provenance_section(provenance),
    }


def render_cohort_html(
    cohort_alterations: Rows | pd.DataFrame | None,
    cohort_biomarkers: Rows | pd.DataFrame | None,
    cohort_therapies: Rows | pd.DataFrame | None,
    sample_infos: Sequence[Mapping[str, Any]],
    provenance: Mapping[str, Any],
    settings: Mapping[str, Any] | None = None,
    failed_samples: Sequence[Mapping[str, Any]] | None = None,
) -> str:
    """The cohort page; failed_samples are {sample, error} dicts shown in their own section."""
    data = build_cohort_data(
        cohort_alterations,
        cohort_biomarkers,
        cohort_therapies,
        sample_infos,
        provenance,
        settings,
        failed_samples,
    )
    return render_template(
        "cohort_report.html.j2",
        css_files=("report.css", "cohort.css"),
        c=data,
        script=bundled_script("cohort.js"),
    )
