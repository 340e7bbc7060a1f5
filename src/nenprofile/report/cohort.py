"""The cohort report: oncoprint, pathway frequencies, biomarker distributions, therapy tiers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

import pandas as pd

from nenprofile.report.data import (
    DEFAULT_TITLE,
    FALLBACK_GROUP,
    GROUP_NAMES,
    as_float,
    as_text,
    provenance_section,
    records,
)
from nenprofile.report.html import render_template
from nenprofile.vocab import is_oncogenic, tier_rank

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


def _cell(row: Mapping[str, Any]) -> dict[str, Any]:
    kind = (as_text(row.get("alteration_type")) or "mutation").lower()
    css = kind if kind in ALTERATION_TYPES else "other"
    change = as_text(row.get("hgvsp")) or as_text(row.get("partner")) or kind.replace("_", " ")
    oncogenicity = as_text(row.get("oncogenicity")) or "unknown"
    return {
        "type": css,
        "code": ALTERATION_TYPES.get(kind, "ALT"),
        "oncogenic": is_oncogenic(oncogenicity),
        "title": f"{as_text(row.get('gene'))} {change} ({oncogenicity})",
    }


def oncoprint(alterations: list[dict[str, Any]], samples: list[str]) -> list[dict[str, Any]]:
    """Genes grouped by report section; each gene has one list of cells per sample."""
    by_gene: dict[tuple[str, str], dict[str, list[dict[str, Any]]]] = {}
    for row in alterations:
        sample, gene = as_text(row.get("sample")), as_text(row.get("gene"))
        if sample not in samples or gene is None:
            continue
        group = as_text(row.get("group"))
        group = group if group in GROUP_NAMES else FALLBACK_GROUP
        cells = by_gene.setdefault((group, gene), {}).setdefault(sample, [])
        cells.append(_cell(row))
    groups = []
    for group in GROUP_NAMES:
        genes = []
        for (gene_group, gene), per_sample in by_gene.items():
            if gene_group != group:
                continue
            oncogenic = sum(any(c["oncogenic"] for c in cells) for cells in per_sample.values())
            genes.append(
                {
                    "gene": gene,
                    "n_altered": len(per_sample),
                    "n_oncogenic": oncogenic,
                    "cells": [
                        sorted(per_sample.get(s, []), key=lambda c: (c["type"], c["title"]))
                        for s in samples
                    ],
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
    for row in alterations:
        sample = as_text(row.get("sample"))
        if sample in samples and is_oncogenic(row.get("oncogenicity")):
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
    for row in therapies:
        sample, therapy = as_text(row.get("sample")), as_text(row.get("therapy"))
        if therapy is None or sample not in samples:
            continue
        key = (
            therapy,
            as_text(row.get("amp_tier")) or "",
            as_text(row.get("escat_tier")) or "",
            as_text(row.get("direction")) or "sensitivity",
        )
        grouped.setdefault(key, set()).add(sample)
    rows = [
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


def build_cohort_data(
    cohort_alterations: pd.DataFrame | None,
    cohort_biomarkers: pd.DataFrame | None,
    cohort_therapies: pd.DataFrame | None,
    sample_infos: Sequence[Mapping[str, Any]],
    provenance: Mapping[str, Any],
    settings: Mapping[str, Any] | None = None,
    failed_samples: Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    settings = settings or {}
    samples = _sample_names(sample_infos)
    alterations = records(cohort_alterations)
    biomarkers = [r for r in records(cohort_biomarkers) if as_text(r.get("sample")) in samples]
    tmb_points = [
        {"sample": s, "tmb": v, "is_self": False}
        for r in biomarkers
        if (s := as_text(r.get("sample"))) in samples and (v := as_float(r.get("tmb"))) is not None
    ]
    threshold = next(
        (as_float(r.get("tmb_threshold")) for r in biomarkers if as_float(r.get("tmb_threshold"))),
        as_float(settings.get("tmb_threshold")) or DEFAULT_TMB_THRESHOLD,
    )
    info_by_name = {as_text(i.get("sample")): i for i in sample_infos}
    frequencies = pathway_frequencies(alterations, samples)
    return {
        "title": as_text(settings.get("cohort_title"))
        or f"{as_text(settings.get('title')) or DEFAULT_TITLE}: cohort",
        "institution": as_text(settings.get("institution")),
        "samples": [
            {
                "sample": s,
                "href": sample_report_href(s),
                "tumor_site": as_text(info_by_name[s].get("tumor_site")) or "unknown",
                "differentiation": as_text(info_by_name[s].get("differentiation")) or "unknown",
            }
            for s in samples
        ],
        "oncoprint": oncoprint(alterations, samples),
        "pathway_frequencies": frequencies,
        "frequency_bars": [(f["group"], f["percent"]) for f in frequencies],
        "tmb": {
            "points": sorted(tmb_points, key=lambda p: (p["tmb"], p["sample"])),
            "threshold": threshold,
        },
        "distributions": biomarker_distributions(biomarkers),
        "therapy_tiers": therapy_tiers(records(cohort_therapies), samples),
        "failed_samples": [
            {"sample": as_text(f.get("sample")) or "?", "error": as_text(f.get("error")) or ""}
            for f in failed_samples or []
        ],
        "provenance": provenance_section(provenance),
    }


def render_cohort_html(
    cohort_alterations: pd.DataFrame | None,
    cohort_biomarkers: pd.DataFrame | None,
    cohort_therapies: pd.DataFrame | None,
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
    return render_template("cohort_report.html.j2", css_files=("report.css", "cohort.css"), c=data)
