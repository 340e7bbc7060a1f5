"""Recommended next tests, the germline referral block and the fixed-size cohort context."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

import pandas as pd

from nenprofile.report import build_report_data, render_sample_html
from nenprofile.report.context import build_cohort_context
from nenprofile.report.recommend import REFERRAL_WORDING

DATA = Path(__file__).parents[1] / "data" / "report"
EVIL = "<script>alert(1)</script>\"x'"


def fixture(name: str) -> dict:
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


def report(name: str, context: dict | None = None, **changes: Any) -> dict:
    """The report of a fixture whose parts are updated with `changes` (dicts are merged)."""
    f = copy.deepcopy(fixture(name))
    for key, value in changes.items():
        f[key] = {**f[key], **value} if isinstance(value, dict) else value
    return build_report_data(
        f["sample_info"],
        f["ingest"],
        f["alterations"],
        f["biomarkers"],
        f["therapies"],
        {},
        cohort_context=context,
    )


def recommended(data: dict) -> dict[str, dict]:
    return {t["id"]: t for t in data["next_tests"]}


def cited(item: dict) -> list[str]:
    return [c["text"] for c in item["citations"]]


def mutation(gene: str, change: str, vaf: float, oncogenicity: str = "Oncogenic") -> dict:
    return {
        "gene": gene,
        "alteration_type": "mutation",
        "hgvsp": change,
        "vaf": vaf,
        "oncogenicity": oncogenicity,
        "group": "DNA repair",
        "population_af": 0.00002,
    }


# ----------------------------------------------------------------------------- next tests


def test_inferred_msi_asks_for_mmr_ihc_or_msi_pcr():
    data = report(
        "NEN02",
        biomarkers={"msi": {"call": "suspected MSI-H", "source": "sequencing: MLH1 + TMB-high"}},
    )
    item = recommended(data)["msi-mmr"]
    assert item["test"] == "MMR immunohistochemistry (MLH1, PMS2, MSH2, MSH6) or MSI PCR"
    assert item["reason"] == "MSI status inferred from sequencing (suspected MSI-H), not measured"
    assert item["citations"] == [
        {"text": "PMID:35920830", "url": "https://pubmed.ncbi.nlm.nih.gov/35920830/"}
    ]
    # measured MSI-H (sample sheet) needs no confirmation
    assert "msi-mmr" not in recommended(report("NEN02"))


def test_discordant_msi_and_mmr_ask_for_confirmation():
    data = report(
        "NEN02",
        sample_info={"msi_status": "MSS"},
        biomarkers={
            "msi": {"call": "MSS", "source": "sample sheet"},
            "mmr": {"call": "dMMR (biallelic MLH1)", "source": "sequencing"},
        },
    )
    assert recommended(data)["msi-mmr"]["reason"] == (
        "discordant: sample sheet says MSS, sequencing says dMMR (biallelic MLH1)"
    )


def test_pdl1_ihc_only_when_no_ihc_informs():
    data = report(
        "NEN02",
        biomarkers={
            "pdl1": {"call": "CD274 mRNA high (research-only surrogate)", "source": "CD274 mRNA"}
        },
    )
    item = recommended(data)["pdl1-ihc"]
    assert item["reason"] == (
        "PD-L1 is informed only by CD274 mRNA (CD274 mRNA high (research-only surrogate)); "
        "no IHC value in the sample sheet"
    )
    assert cited(item) == ["PMID:31980466"]
    amplified = report(
        "NEN02",
        biomarkers={"pdl1": {"call": "CD274 amplification", "source": "CD274 copy number"}},
    )
    assert cited(recommended(amplified)["pdl1-ihc"]) == ["PMID:31980466", "PMID:29902298"]
    assert "pdl1-ihc" not in recommended(report("NEN02"))  # IHC CPS in the sheet


def test_sstr_pet_for_well_differentiated_without_imaging():
    item = recommended(report("NEN01", sample_info={"sstr_imaging": "unknown"}))["sstr-pet"]
    assert item["reason"] == (
        "well-differentiated tumour; SSTR2 mRNA high (research-only percentile call); "
        "no SSTR imaging result in the sample sheet"
    )
    assert cited(item) == [
        "PMID:36725249",
        "Hope et al., J Nucl Med 2018;59:66-74 (SNMMI appropriate use criteria)",
    ]
    assert "sstr-pet" not in recommended(report("NEN01"))  # the sheet says positive
    assert "sstr-pet" in recommended(report("NEN01", sample_info={"sstr_imaging": None}))
    assert "sstr-pet" not in recommended(report("NEN02"))  # poorly differentiated, SSTR2 low


def test_dll3_ihc_where_dll3_directed_therapy_is_listed():
    item = recommended(report("NEN02"))["dll3-ihc"]
    assert item["reason"] == (
        "DLL3-directed therapy listed: DLL3-directed T-cell engager (clinical trial); "
        "DLL3 mRNA high is a research-only proxy, not a protein measurement"
    )
    assert cited(item) == ["NCT04429087", "PMID:33409812"]
    assert "dll3-ihc" not in recommended(report("NEN01"))


def test_her2_ihc_for_erbb2_amplification_without_a_score():
    erbb2 = {
        "gene": "ERBB2",
        "alteration_type": "amplification",
        "copy_number": 14,
        "oncogenicity": "Oncogenic",
        "group": "Other drivers",
    }
    f = fixture("NEN01")
    data = report("NEN01", alterations=[*f["alterations"], erbb2])
    item = recommended(data)["her2-ihc"]
    assert item["test"] == "HER2 immunohistochemistry"
    assert cited(item) == ["FDA:2024-04-05 trastuzumab deruxtecan HER2 IHC 3+ solid tumors"]
    scored = report("NEN01", alterations=[*f["alterations"], erbb2], sample_info={"her2_ihc": "1+"})
    assert "her2-ihc" not in recommended(scored)


def test_rna_fusion_testing_for_driver_negative_nec_without_fusion_data():
    f = fixture("NEN02")
    no_driver = [a for a in f["alterations"] if a["gene"] != "BRAF"]
    data = report("NEN02", alterations=no_driver, ingest={"n_fusions": 0, "fusion_data": False})
    item = recommended(data)["rna-fusion"]
    assert item["reason"] == (
        "poorly differentiated tumour without a targetable driver, and no fusion data"
    )
    assert cited(item) == [
        "PMID:31268127",
        "FDA:2018-11-26 larotrectinib NTRK fusion solid tumors",
        "FDA:2022-09-21 selpercatinib RET fusion solid tumors",
    ]
    assert "rna-fusion" not in recommended(report("NEN02"))  # BRAF V600E is a driver
    given = report("NEN02", alterations=no_driver, ingest={"n_fusions": 0, "fusion_data": True})
    assert "rna-fusion" not in recommended(given)


def test_histology_review_when_pattern_contradicts_differentiation():
    data = report("NEN02", sample_info={"differentiation": "well"})
    item = recommended(data)["histology-review"]
    assert item["reason"] == (
        "molecular pattern NEC-like contradicts the stated differentiation (well)"
    )
    assert cited(item) == ["PMID:30140036"]
    assert "histology-review" not in recommended(report("NEN02"))


def test_next_tests_come_in_a_fixed_order():
    data = report(
        "NEN02",
        sample_info={"differentiation": "well"},
        biomarkers={"pdl1": {"call": "CD274 mRNA high", "source": "CD274 mRNA"}},
    )
    assert [t["id"] for t in data["next_tests"]] == [
        "pdl1-ihc",
        "sstr-pet",
        "dll3-ihc",
        "histology-review",
    ]


# ----------------------------------------------------------------------------- germline


def test_germline_referral_for_tumour_only_brca2():
    brca2 = mutation("BRCA2", "p.M1?", 0.52)
    tp53 = mutation("TP53", "p.R273H", 0.51)
    data = report(
        "NEN01",
        alterations=[brca2, tp53],
        ingest={"tumor_only": True},
        sample_info={"purity": 0.5},
    )
    block = data["germline"]
    assert block["wording"] == REFERRAL_WORDING
    assert block["candidates"] == [
        {
            "gene": "BRCA2",
            "change": "p.M1?",
            "vaf": 0.52,
            "population_af": 0.00002,
            "origin": "tumour-only (no matched normal)",
            "reason": "tumour-only input: germline or somatic origin unknown; VAF 0.52 is near "
            "0.5 or 1, as for a germline variant; a clonal heterozygous somatic variant at "
            "purity 0.50 would be near VAF 0.25",
        }
    ]
    assert [c["text"] for c in block["citations"]][:2] == ["PMID:36529447", "PMID:31050713"]
    assert recommended(data)["germline"]["reason"] == "candidate germline variant(s) in BRCA2"


def test_no_germline_block_with_a_matched_normal_or_without_candidates():
    brca2 = mutation("BRCA2", "p.M1?", 0.52)
    assert report("NEN01", alterations=[brca2])["germline"] is None  # matched normal
    vus = mutation("BRCA2", "p.V2466A", 0.5, oncogenicity="VUS")
    assert report("NEN01", alterations=[vus], ingest={"tumor_only": True})["germline"] is None
    assert "germline" not in recommended(report("NEN01"))


def test_a_mutyh_carrier_finding_is_in_the_germline_block_though_not_oncogenic():
    carrier = {**mutation("MUTYH", "p.Y179*", 0.47, oncogenicity="VUS"), "germline_carrier": True}
    data = report("NEN01", alterations=[carrier], ingest={"tumor_only": True})
    [candidate] = data["germline"]["candidates"]
    assert (candidate["gene"], candidate["reason"]) == (
        "MUTYH",
        "tumour-only input: germline or somatic origin unknown; one hit in a recessive gene: "
        "a possible carrier finding, not a somatic driver; VAF 0.47 is near 0.5 or 1, as for "
        "a germline variant; a clonal heterozygous somatic variant at purity 0.70 would be "
        "near VAF 0.35",
    )
    plain_vus = mutation("MUTYH", "p.Y179*", 0.47, oncogenicity="VUS")
    assert report("NEN01", alterations=[plain_vus], ingest={"tumor_only": True})["germline"] is None


def test_germline_findings_from_the_sheet_are_shown_and_escaped():
    data = report("NEN01", sample_info={"germline_findings": [f"MEN1 c.1A>G {EVIL}"]})
    assert data["germline"]["candidates"] == []
    assert data["germline"]["sheet_findings"] == f"MEN1 c.1A>G {EVIL}"
    page = render_sample_html(data)
    assert EVIL not in page
    assert "MEN1 c.1A&gt;G &lt;script&gt;alert(1)&lt;/script&gt;&#34;x&#39;" in page
    assert 'id="germline-referral"' in page
    assert 'id="germline-referral"' not in render_sample_html(report("NEN01"))


# ----------------------------------------------------------------------------- cohort context


def synthetic_cohort(n: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = random.Random(n)
    samples = [f"S{i:04d}" for i in range(n)]
    biomarkers = pd.DataFrame(
        {"sample": samples, "tmb": [round(rng.lognormvariate(1.0, 1.2), 2) for _ in samples]}
    )
    markers = pd.DataFrame(
        [
            {"sample": s, "marker": m, "percentile": rng.uniform(0, 100)}
            for s in samples
            for m in ("CD274", "SSTR2", "DLL3", "MGMT")
        ]
    )
    return biomarkers, markers


def test_report_size_does_not_grow_with_the_cohort():
    sizes = {}
    for n in (10, 1000, 5000):
        context = build_cohort_context(*synthetic_cohort(n))
        assert context["n_samples"] == n
        assert context["tmb"]["n"] == n
        assert sum(b["n"] for b in context["tmb"]["bins"]) == n
        assert sum(context["markers"]["DLL3"]["bins"]) == n
        data = report("NEN02", context=context)
        page = render_sample_html(data)
        sizes[n] = (len(json.dumps(data)), len(page), page.count("<rect"), page.count("<circle"))
    # at most one bar per TMB bin (11) and per marker decile (4 x 10), plus 2 rects per
    # marker bar: the plots cannot grow past that whatever the cohort size
    for n in sizes:
        assert sizes[n][2] <= 11 + 4 * 10 + 2 * 4
    assert sizes[10][3] == sizes[1000][3] == sizes[5000][3] == 1  # only this sample's dot
    # a 5x larger cohort changes only digits and at most a tail bin or two
    assert abs(sizes[5000][0] - sizes[1000][0]) < 100
    assert abs(sizes[5000][1] - sizes[1000][1]) < 500
    assert sizes[1000][1] - sizes[10][1] < 5_000
    assert sizes[5000][1] < 40_000
