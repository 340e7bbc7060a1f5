"""Integrated PD-L1 status of one sample: IHC first, then CD274 amplification, then CD274 mRNA.

Precedence (DESIGN.md): IHC TPS > IHC CPS > CD274 amplification > CD274 mRNA > CD274 copy
number without amplification > not available. Every available source is kept in `evidence`
so that the report can show, for example, a negative IHC next to a discordant CD274
amplification.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from nenprofile.errors import InputError
from nenprofile.model import GeneCopyNumber, SampleInfo
from nenprofile.settings import schema_default

DEFAULT_THRESHOLDS: dict[str, float] = {
    key: float(value) for key, value in schema_default("pdl1").items()
}

AMPLICON_PARTNERS = ("PDCD1LG2", "JAK2")  # 9p24.1 amplicon with CD274

CITE_KEYNOTE158_NET = "PMID:31980466"
CITE_GOODMAN_2018 = "PMID:29902298"
CITE_KANG_2022 = "Kang et al., Front Oncol 2022"

NEN_CONTEXT = (
    "No PD-L1-based approval exists in NEN; in KEYNOTE-158, 15.9% of NETs were CPS >= 1 and "
    "the NET cohort ORR to pembrolizumab was 3.7% (PMID:31980466)."
)
LIMITS = {
    "IHC TPS": (
        "TPS counts PD-L1-positive viable tumor cells only (immune cells are not counted). The "
        "1% and 50% cut-offs are the 22C3 cut-offs used in NSCLC, not validated in NEN. "
        + NEN_CONTEXT
    ),
    "IHC CPS": (
        "CPS counts PD-L1-positive tumor cells, lymphocytes and macrophages per 100 viable tumor "
        "cells (capped at 100); the 1 and 10 cut-offs come from other indications, not NEN. "
        + NEN_CONTEXT
    ),
    "CD274 copy number": (
        "CD274 amplification (9p24.1 amplicon with PDCD1LG2 and JAK2) is rare in solid tumors "
        "(0.7% of 118,187) with ORR 66.7% in a small treated subset (Goodman et al., JAMA Oncol "
        "2018, PMID:29902298): investigational. Copy number does not measure protein expression; "
        "only focal high-level gains count. " + NEN_CONTEXT
    ),
    "CD274 mRNA": (
        "Research-only surrogate: CD274 qRT-PCR correlated with 22C3/SP142 IHC in gastric and "
        "urothelial cancer (Kang et al., Front Oncol 2022), but bulk RNA mixes tumor and "
        "immune-cell expression (cannot give TPS or CPS), depends on tumor purity, has no "
        "validated cut-off and no regulatory standing. The call is a percentile rank within the "
        "reference set, not an absolute level. " + NEN_CONTEXT
    ),
    "not available": (
        "No PD-L1 IHC, CD274 copy number or CD274 expression was provided. " + NEN_CONTEXT
    ),
}


def resolve_thresholds(thresholds: Mapping[str, Any] | None) -> dict[str, float]:
    """Merge user thresholds over the defaults.

    Accepts flat keys (`tps_low`, `tps_high`, `cps_low`, `cps_high`) or pairs
    (`tps: [1, 50]`, `cps: [1, 10]`). Raises InputError when a pair is not low < high.
    """
    merged = dict(DEFAULT_THRESHOLDS)
    for key, value in (thresholds or {}).items():
        if key in ("tps", "cps"):
            if not isinstance(value, list | tuple) or len(value) != 2:
                raise InputError(
                    f"PD-L1 threshold '{key}' must be a pair [low, high], got {value!r}.",
                    column=key,
                    fix=f"write e.g. {key}: [1, {50 if key == 'tps' else 10}]",
                )
            merged[f"{key}_low"], merged[f"{key}_high"] = float(value[0]), float(value[1])
        elif key in DEFAULT_THRESHOLDS:
            merged[key] = float(value)
        else:
            raise InputError(
                f"Unknown PD-L1 threshold '{key}'.",
                column=key,
                fix="use tps_low, tps_high, cps_low, cps_high (or tps/cps pairs)",
            )
    for score in ("tps", "cps"):
        low, high = merged[f"{score}_low"], merged[f"{score}_high"]
        if not 0 < low < high <= 100:
            raise InputError(
                f"PD-L1 {score.upper()} thresholds must satisfy 0 < low < high <= 100, "
                f"got low={low:g}, high={high:g}.",
                column=f"{score}_low/{score}_high",
                fix="set the low cut-off below the high cut-off, e.g. 1 and 50",
            )
    return merged


def _middle_band(low: float, high: float, unit: str) -> str:
    if float(high).is_integer() and float(low).is_integer():
        return f"{low:g}-{high - 1:g}{unit}"
    return f"{low:g}{unit} to <{high:g}{unit}"


def ihc_call(score: str, value: float, low: float, high: float) -> str:
    """Call of one IHC score, e.g. TPS 55 -> 'positive (TPS ≥ 50%)'."""
    name = score.upper()
    unit = "%" if score == "tps" else ""
    if value >= high:
        return f"positive ({name} ≥ {high:g}{unit})"
    if value >= low:
        return f"positive ({name} {_middle_band(low, high, unit)})"
    return f"negative ({name} < {low:g}{unit})"


def _checked_ihc(sample: SampleInfo, field: str) -> float | None:
    value = getattr(sample, field)
    if value is None:
        return None
    number = float(value)
    if math.isnan(number):
        return None
    if not 0 <= number <= 100:
        raise InputError(
            f"{field} of sample '{sample.sample}' is {number:g}; it must be between 0 and 100.",
            column=field,
            fix="give the IHC score as a number from 0 to 100 (CPS is capped at 100)",
        )
    return number


def _cd274_copy_number(cna: list[GeneCopyNumber]) -> dict[str, Any] | None:
    by_gene = {record.gene: record for record in cna}
    cd274 = by_gene.get("CD274")
    if cd274 is None:
        return None
    amplified = cd274.call == "AMP"
    partners = [g for g in AMPLICON_PARTNERS if g in by_gene and by_gene[g].call == "AMP"]
    if amplified:
        call = "CD274 amplification"
        note = (
            f"co-amplified {', '.join(partners)}: 9p24.1 amplicon"
            if partners
            else "PDCD1LG2/JAK2 not co-amplified"
        )
    else:
        call = f"CD274 not amplified (copy-number call {cd274.call})"
        note = "absence of amplification says nothing about PD-L1 protein"
    return {
        "source": "CD274 copy number",
        "value": cd274.copy_number if cd274.copy_number is not None else cd274.call,
        "call": call,
        "amplified": amplified,
        "co_amplified": partners,
        "note": note,
    }


def _cd274_mrna(markers: Mapping[str, Mapping[str, Any]] | None) -> dict[str, Any] | None:
    marker = (markers or {}).get("CD274")
    if not marker or marker.get("call") in (None, "not_available"):
        return None
    level = marker["call"]
    return {
        "source": "CD274 mRNA",
        "value": marker.get("tpm"),
        "call": f"CD274 mRNA {level} (research-only surrogate)",
        "level": level,
        "percentile": marker.get("percentile"),
        "reference": marker.get("reference"),
        "note": f"percentile {marker.get('percentile')} vs {marker.get('reference')}",
    }


def _discordance(primary: dict[str, Any], evidence: list[dict[str, Any]]) -> list[str]:
    """Notes where a lower-precedence source disagrees with a negative IHC."""
    notes: list[str] = []
    if not primary["source"].startswith("IHC") or not primary["call"].startswith("negative"):
        return notes
    for item in evidence:
        if item["source"] == "CD274 copy number" and item["amplified"]:
            notes.append("IHC negative but CD274 amplified (discordant sources)")
        if item["source"] == "CD274 mRNA" and item["level"] == "high":
            notes.append(
                "IHC negative but CD274 mRNA high (research-only; bulk RNA includes immune cells)"
            )
    return notes


def pdl1_status(
    sample: SampleInfo,
    cna: list[GeneCopyNumber],
    markers: dict[str, dict] | None,
    thresholds: dict | None = None,
) -> dict:
    """Integrated PD-L1 status: value, call, source, limits, evidence, discordance, citations.

    `cna` may be empty (no copy-number input); `markers` is the sample's expression_markers
    dict (or None). `thresholds` overrides the IHC cut-offs (see resolve_thresholds).
    """
    cut = resolve_thresholds(thresholds)
    evidence: list[dict[str, Any]] = []
    for score in ("tps", "cps"):
        value = _checked_ihc(sample, f"pdl1_{score}")
        if value is not None:
            evidence.append(
                {
                    "source": f"IHC {score.upper()}",
                    "value": value,
                    "call": ihc_call(score, value, cut[f"{score}_low"], cut[f"{score}_high"]),
                    "note": f"cut-offs {cut[f'{score}_low']:g} and {cut[f'{score}_high']:g}",
                }
            )
    copy_number = _cd274_copy_number(cna)
    mrna = _cd274_mrna(markers)

    def rank(item: dict[str, Any]) -> int:
        if item["source"].startswith("IHC"):
            return 0 if item["source"] == "IHC TPS" else 1
        if item["source"] == "CD274 copy number":
            return 2 if item["amplified"] else 4
        return 3

    evidence += [item for item in (copy_number, mrna) if item is not None]
    evidence.sort(key=rank)
    citations = [CITE_KEYNOTE158_NET]
    if copy_number is not None:
        citations.append(CITE_GOODMAN_2018)
    if mrna is not None:
        citations.append(CITE_KANG_2022)

    if not evidence:
        primary: dict[str, Any] = {
            "source": "not available",
            "value": None,
            "call": "not available",
        }
    else:
        primary = evidence[0]
    return {
        "value": primary["value"],
        "call": primary["call"],
        "source": primary["source"],
        "limits": LIMITS[primary["source"]],
        "research_only": primary["source"] == "CD274 mRNA",
        "thresholds": cut,
        "evidence": evidence,
        "discordance": _discordance(primary, evidence),
        "citations": citations,
    }
