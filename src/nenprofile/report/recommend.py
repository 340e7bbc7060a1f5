"""What to test next, and whom to refer for germline testing, from a sample's findings.

Every recommendation names the finding that triggered it (reason) and its primary sources
(guidelines, FDA actions, PMIDs, trial numbers). The rules only suggest tests; they state
nothing more strongly than the cited source, and the tumor board decides.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from nenprofile.report.values import as_float, as_text, citation_links

# Primary sources (each checked against PubMed / FDA records).
CAP_MMR_GUIDELINE = "PMID:35920830"  # CAP/AMP MMR and MSI testing for ICI therapy, 2022
KEYNOTE158_NET = "PMID:31980466"  # pembrolizumab NET cohort; PD-L1 22C3 CPS
CD274_AMPLIFICATION = "PMID:29902298"  # Goodman 2018, 9p24.1 / CD274 amplification
ESMO_GERMLINE_2019 = "PMID:31050713"  # ESMO PMWG germline-focussed tumour-only analysis
ESMO_GERMLINE_2023 = "PMID:36529447"  # ESMO PMWG update (49,264 paired samples)
PANNET_GERMLINE = "Scarpa et al., Nature 2017;543:65-71 (germline MEN1, VHL, MUTYH, CHEK2, BRCA2)"
SSTR_PET_STANDARD = "PMID:36725249"  # SNMMI/EANM procedure standard for SSTR PET, 2023
SSTR_PET_AUC = "Hope et al., J Nucl Med 2018;59:66-74 (SNMMI appropriate use criteria)"
DLL3_TRIAL = "NCT04429087"  # obrixtamig phase I: DLL3-high by IHC
DLL3_IHC_GEP = "PMID:33409812"  # Liverani 2021: DLL3 IHC in GEP-NEN
TDXD_HER2 = "FDA:2024-04-05 trastuzumab deruxtecan HER2 IHC 3+ solid tumors"
NTRK_DETECTION = "PMID:31268127"  # ESMO recommendations on NTRK fusion detection
LAROTRECTINIB = "FDA:2018-11-26 larotrectinib NTRK fusion solid tumors"
SELPERCATINIB = "FDA:2022-09-21 selpercatinib RET fusion solid tumors"
WHO_FRAMEWORK = "PMID:30140036"  # WHO/IARC common classification framework for NEN

# Cancer-susceptibility genes in the gene panel: the ESMO PMWG "most actionable" genes
# (BRCA1, BRCA2, PALB2, MLH1, MSH2, MSH6, RET), ATM and CHEK2 (PMID:36529447), and the
# germline drivers of NEN (MEN1, VHL, CDKN1B; MUTYH, CHEK2, BRCA2 in sporadic PanNET).
GERMLINE_GENES = frozenset(
    {
        "ATM",
        "BRCA1",
        "BRCA2",
        "CDKN1B",
        "CHEK2",
        "EPCAM",
        "MEN1",
        "MLH1",
        "MSH2",
        "MSH6",
        "MUTYH",
        "PALB2",
        "PMS2",
        "RET",
        "TSC1",
        "TSC2",
        "VHL",
    }
)
# VAF near 0.5 (heterozygous) or near 1 (homozygous or germline with LOH).
GERMLINE_VAF_WINDOWS = ((0.4, 0.6), (0.9, 1.0))
# Targetable drivers whose presence makes a NEC "driver-positive" for the fusion question.
TARGETABLE_DRIVERS = frozenset(
    {"ALK", "BRAF", "EGFR", "ERBB2", "FGFR1", "FGFR2", "FGFR3", "KRAS", "MET", "NRAS"}
    | {"NTRK1", "NTRK2", "NTRK3", "RET", "ROS1"}
)
REFERRAL_WORDING = (
    "Tumour sequencing cannot tell whether these variants are inherited. Offer the patient "
    "genetic counselling and germline testing of a blood (or normal tissue) sample; "
    "a germline result changes surveillance and testing of relatives."
)


def _recommendation(key: str, test: str, reason: str, citations: Sequence[str]) -> dict[str, Any]:
    return {"id": key, "test": test, "reason": reason, "citations": citation_links(citations)}


def vaf_near_germline(vaf: float | None) -> bool:
    return vaf is not None and any(low <= vaf <= high for low, high in GERMLINE_VAF_WINDOWS)


def germline_candidates(
    alterations: Sequence[Mapping[str, Any]], tumor_only: bool, purity: float | None
) -> list[dict[str, Any]]:
    """Oncogenic small variants in cancer-susceptibility genes of tumour-only input, and
    single hits in recessive genes (germline_carrier: MUTYH), which are no somatic driver.

    With a matched normal the caller has subtracted germline variants, and a clonal somatic
    variant can sit at VAF 0.5 as well, so nothing is flagged there. A VAF near 0.5 or 1 is
    given as supporting evidence, compared with the VAF a clonal heterozygous somatic
    variant would have at the stated purity (purity / 2, diploid).
    """
    if not tumor_only:
        return []
    found = []
    for row in alterations:
        carrier = bool(row.get("germline_carrier"))
        if row.get("gene") not in GERMLINE_GENES or not (row.get("oncogenic") or carrier):
            continue
        if (row.get("alteration_type") or "mutation") != "mutation":
            continue
        vaf = as_float(row.get("vaf"))
        reasons = ["tumour-only input: germline or somatic origin unknown"]
        if carrier:
            reasons.append(
                "one hit in a recessive gene: a possible carrier finding, not a somatic driver"
            )
        if vaf_near_germline(vaf):
            reasons.append(f"VAF {vaf:.2f} is near 0.5 or 1, as for a germline variant")
            if purity is not None:
                reasons.append(
                    f"a clonal heterozygous somatic variant at purity {purity:.2f} would be "
                    f"near VAF {purity / 2:.2f}"
                )
        found.append(
            {
                "gene": row["gene"],
                "change": row.get("change"),
                "vaf": vaf,
                "population_af": as_float(row.get("population_af")),
                "origin": "tumour-only (no matched normal)",
                "reason": "; ".join(reasons),
            }
        )
    return found


def germline_referral(
    alterations: Sequence[Mapping[str, Any]],
    tumor_only: bool,
    purity: float | None,
    sheet_findings: str | None,
) -> dict[str, Any] | None:
    """The germline referral block, or None when nothing calls for a referral."""
    candidates = germline_candidates(alterations, tumor_only, purity)
    if not candidates and not sheet_findings:
        return None
    return {
        "candidates": candidates,
        "sheet_findings": sheet_findings,
        "wording": REFERRAL_WORDING,
        "note": (
            "VAF also depends on tumour purity and copy number; variants above the population "
            "allele-frequency filter were removed before this list."
        ),
        "citations": citation_links([ESMO_GERMLINE_2023, ESMO_GERMLINE_2019, PANNET_GERMLINE]),
    }


def _msi_confirmation(biomarkers: Mapping[str, Any], sheet_msi: str) -> dict[str, Any] | None:
    msi = biomarkers.get("msi") or {}
    mmr = biomarkers.get("mmr") or {}
    msi_call, msi_source = as_text(msi.get("call")) or "", as_text(msi.get("source")) or ""
    mmr_call = as_text(mmr.get("call")) or ""
    reason = None
    if msi_call in ("MSI-H", "suspected MSI-H") and msi_source != "sample sheet":
        reason = f"MSI status inferred from sequencing ({msi_call}), not measured"
    elif sheet_msi == "MSS" and mmr_call.startswith("dMMR"):
        reason = f"discordant: sample sheet says MSS, sequencing says {mmr_call}"
    elif mmr_call.startswith("MMR alteration"):
        reason = f"{mmr_call}: a single MMR gene alteration is not proof of dMMR"
    if reason is None:
        return None
    return _recommendation(
        "msi-mmr",
        "MMR immunohistochemistry (MLH1, PMS2, MSH2, MSH6) or MSI PCR",
        reason,
        [CAP_MMR_GUIDELINE],
    )


def _pdl1_ihc(biomarkers: Mapping[str, Any]) -> dict[str, Any] | None:
    pdl1 = biomarkers.get("pdl1") or {}
    source = as_text(pdl1.get("source")) or ""
    if source not in ("CD274 copy number", "CD274 mRNA"):
        return None
    citations = [KEYNOTE158_NET]
    if source == "CD274 copy number":
        citations.append(CD274_AMPLIFICATION)
    return _recommendation(
        "pdl1-ihc",
        "PD-L1 immunohistochemistry with a validated assay, scored as the intended "
        "indication requires (TPS and/or CPS; the KEYNOTE-158 NET cohort used 22C3 CPS)",
        f"PD-L1 is informed only by {source} ({as_text(pdl1.get('call')) or 'n/a'}); "
        "no IHC value in the sample sheet",
        citations,
    )


def _germline_test(referral: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not referral or not referral["candidates"]:
        return None
    genes = ", ".join(sorted({c["gene"] for c in referral["candidates"]}))
    return _recommendation(
        "germline",
        "Genetic counselling and germline testing (see Germline referral)",
        f"candidate germline variant(s) in {genes}",
        [ESMO_GERMLINE_2023, ESMO_GERMLINE_2019],
    )


def _marker_call(expression: Sequence[Mapping[str, Any]], marker: str) -> str | None:
    for row in expression:
        if row.get("marker") == marker and row.get("available"):
            return as_text(row.get("call"))
    return None


def _sstr_pet(
    sample_info: Mapping[str, Any], differentiation: str, expression: Sequence[Mapping[str, Any]]
) -> dict[str, Any] | None:
    if (as_text(sample_info.get("sstr_imaging")) or "unknown") != "unknown":
        return None
    high_sstr2 = _marker_call(expression, "SSTR2") == "high"
    if differentiation != "well" and not high_sstr2:
        return None
    reasons = []
    if differentiation == "well":
        reasons.append("well-differentiated tumour")
    if high_sstr2:
        reasons.append("SSTR2 mRNA high (research-only percentile call)")
    reasons.append("no SSTR imaging result in the sample sheet")
    return _recommendation(
        "sstr-pet",
        "Somatostatin-receptor PET (68Ga/64Cu-DOTA-peptide)",
        "; ".join(reasons),
        [SSTR_PET_STANDARD, SSTR_PET_AUC],
    )


def _dll3_ihc(
    therapies: Sequence[Mapping[str, Any]], expression: Sequence[Mapping[str, Any]]
) -> dict[str, Any] | None:
    dll3_options = [
        t["therapy"]
        for t in therapies
        if "dll3" in (t.get("therapy") or "").lower()
        or "tarlatamab" in (t.get("therapy") or "").lower()
    ]
    high = _marker_call(expression, "DLL3") == "high"
    if not dll3_options and not high:
        return None
    reasons = []
    if dll3_options:
        reasons.append(f"DLL3-directed therapy listed: {'; '.join(sorted(set(dll3_options)))}")
    if high:
        reasons.append("DLL3 mRNA high is a research-only proxy, not a protein measurement")
    return _recommendation(
        "dll3-ihc",
        "DLL3 immunohistochemistry (trials of DLL3-directed T-cell engagers report "
        "response by DLL3 IHC level)",
        "; ".join(reasons),
        [DLL3_TRIAL, DLL3_IHC_GEP],
    )


def _her2_ihc(
    alterations: Sequence[Mapping[str, Any]], sample_info: Mapping[str, Any]
) -> dict[str, Any] | None:
    amplified = any(
        r.get("gene") == "ERBB2" and r.get("alteration_type") == "amplification"
        for r in alterations
    )
    if not amplified or as_text(sample_info.get("her2_ihc")):
        return None
    return _recommendation(
        "her2-ihc",
        "HER2 immunohistochemistry",
        "ERBB2 amplification without a HER2 IHC score in the sample sheet; the tissue-agnostic "
        "trastuzumab deruxtecan approval requires HER2 IHC 3+",
        [TDXD_HER2],
    )


def _rna_fusion(
    alterations: Sequence[Mapping[str, Any]], differentiation: str, ingest: Mapping[str, Any]
) -> dict[str, Any] | None:
    if differentiation != "poor":
        return None
    if ingest.get("fusion_data") or (as_float(ingest.get("n_fusions")) or 0) > 0:
        return None
    drivers = [
        r["gene"] for r in alterations if r.get("oncogenic") and r["gene"] in TARGETABLE_DRIVERS
    ]
    if drivers:
        return None
    return _recommendation(
        "rna-fusion",
        "RNA-based fusion testing (NTRK1-3, RET and other kinase fusions)",
        "poorly differentiated tumour without a targetable driver, and no fusion data",
        [NTRK_DETECTION, LAROTRECTINIB, SELPERCATINIB],
    )


def _histology_review(pattern: Mapping[str, Any], differentiation: str) -> dict[str, Any] | None:
    value = as_text(pattern.get("value")) or ""
    contradicts = (value == "NEC-like" and differentiation == "well") or (
        value == "NET-G3-like" and differentiation == "poor"
    )
    if not contradicts:
        return None
    return _recommendation(
        "histology-review",
        "Histology review (morphology, Ki-67, p53/Rb IHC)",
        f"molecular pattern {value} contradicts the stated differentiation ({differentiation})",
        [WHO_FRAMEWORK],
    )


def next_tests(
    *,
    sample_info: Mapping[str, Any],
    header: Mapping[str, Any],
    ingest: Mapping[str, Any],
    biomarkers: Mapping[str, Any],
    alterations: Sequence[Mapping[str, Any]],
    therapies: Sequence[Mapping[str, Any]],
    expression: Sequence[Mapping[str, Any]],
    pattern: Mapping[str, Any],
    referral: Mapping[str, Any] | None,
) -> list[dict[str, Any]]:
    """Recommended next tests in a fixed order, each with its reason and citations."""
    differentiation = header["differentiation"]
    found = (
        _msi_confirmation(biomarkers, header["msi_status"]),
        _pdl1_ihc(biomarkers),
        _germline_test(referral),
        _sstr_pet(sample_info, differentiation, expression),
        _dll3_ihc(therapies, expression),
        _her2_ihc(alterations, sample_info),
        _rna_fusion(alterations, differentiation, ingest),
        _histology_review(pattern, differentiation),
    )
    return [item for item in found if item is not None]
