"""The quality-control and discordance section: sheet vs sequencing, input QC, FILTER of
reported variants, non-default filters, and the tumor-only caveat stated once."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

from nenprofile.jobs.profile import filter_record
from nenprofile.report import build_report_data, render_sample_html

DATA = Path(__file__).parents[1] / "data" / "report"


def fixture(name: str) -> dict:
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


def build(f: dict) -> dict:
    return build_report_data(
        f["sample_info"], f["ingest"], f["alterations"], f["biomarkers"], f["therapies"],
        json.loads((DATA / "provenance.json").read_text()),
    )  # fmt: skip


def mss_sheet_with_biallelic_mlh1() -> dict:
    """NEN02 as the issue found it: 'MSI: MSS (sheet)' next to dMMR and an MSI-H/dMMR line."""
    f = copy.deepcopy(fixture("NEN02"))
    f["sample_info"]["msi_status"] = "MSS"
    f["biomarkers"]["msi"] = {"value": "MSS", "call": "MSS", "source": "sample sheet"}
    f["biomarkers"]["mmr"] = {"value": ["MLH1"], "call": "dMMR (biallelic MLH1)",
                              "source": "sequencing: MLH1: LOH"}  # fmt: skip
    return f


def section_text(html: str) -> str:
    match = re.search(r'<section id="input-qc"[^>]*>(.*?)</section>', html, re.S)
    assert match
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1)))


def test_mss_sheet_against_biallelic_mmr_loss_is_named():
    data = build(mss_sheet_with_biallelic_mlh1())
    assert data["qc"]["discordance"] == [
        {
            "topic": "MSI vs MMR",
            "sheet": "MSS",
            "sequencing": "biallelic loss of MLH1 (dMMR)",
            "note": "the sheet's MSS result and biallelic MMR gene loss disagree; options that "
            "rest on MSI-H/dMMR need this resolved first (MMR IHC or a repeat MSI test)",
        }
    ]
    text = section_text(render_sample_html(data))
    assert "MSI vs MMR : sheet MSS; sequencing biallelic loss of MLH1 (dMMR)." in text


def test_concordant_sample_says_so():
    data = build(fixture("NEN02"))  # MSI-H sheet, biallelic MLH1
    assert data["qc"]["discordance"] == []
    assert "No discordance found between the sample sheet and the sequencing." in (
        section_text(render_sample_html(data))
    )


def test_pdl1_and_differentiation_discordance():
    f = copy.deepcopy(fixture("NEN02"))
    f["biomarkers"]["pdl1"]["call"] = "negative (TPS < 1)"
    f["biomarkers"]["pdl1"]["discordance"] = [
        "IHC negative but CD274 amplified (discordant sources)"
    ]
    f["sample_info"]["differentiation"] = "well"
    f["biomarkers"]["differentiation_pattern"]["conflict"] = (
        "NEC-like genotype but sample sheet differentiation 'well': review histology; "
        "histology decides"
    )
    topics = [(d["topic"], d["sheet"], d["sequencing"]) for d in build(f)["qc"]["discordance"]]
    assert topics == [
        ("PD-L1 IHC vs CD274", "negative (TPS < 1)", "CD274 amplified"),
        ("Differentiation vs molecular pattern", "well", "NEC-like"),
    ]


def test_filter_of_a_reported_variant_and_non_default_settings_are_shown():
    f = copy.deepcopy(fixture("NEN02"))
    f["alterations"][1]["filter"] = "germline;normal_artifact"
    f["alterations"][0]["filter"] = "PASS"
    f["ingest"]["filters"] = filter_record(
        {"pass_only": False, "allowed_filters": [], "min_vaf": 0.0},
        {"pass_only": True, "allowed_filters": [], "min_vaf": 0.0},
    )
    f["ingest"]["counts"].update(nocall_skipped=3, filtered=2)
    f["alterations"].append(dict(f["alterations"][4]))  # TP53 p.R273H read twice
    data = build(f)
    assert data["qc"]["non_pass_variants"] == [
        {"alteration": "MLH1 p.K618Afs*4", "filter": "germline;normal_artifact"}
    ]
    assert data["qc"]["input"] == [
        "3 records without a called genotype in the tumor column were skipped",
        "2 records failed the FILTER setting and were dropped",
        "TP53 chr17:7673802 C>T is reported 2 times (duplicate input records)",
        "non-default filter setting filters.pass_only: false (default true)",
    ]
    text = section_text(render_sample_html(data))
    assert "reported variant MLH1 p.K618Afs*4 did not pass the caller's FILTER" in text
    assert "filters.pass_only: false (default true)" in text


def test_filter_record_names_only_what_differs_from_the_defaults():
    defaults = {"pass_only": True, "allowed_filters": [], "min_vaf": 0.0, "min_depth": 0}
    used = {"pass_only": True, "allowed_filters": ["germline"], "min_vaf": 0.0, "min_depth": 0}
    assert filter_record(used, defaults)["non_default"] == {
        "allowed_filters": {"value": ["germline"], "default": []}
    }


def test_the_tumor_only_caveat_is_stated_once():
    """The report's caveat at the top, the reader's germline-filter detail in the input
    section: each once."""
    f = copy.deepcopy(fixture("NEN02"))
    f["ingest"]["tumor_only"] = True
    f["ingest"]["warnings"] = [
        "tumor-only input: germline variants are removed only by population AF >= 0.01 and "
        "known polymorphisms; confirm germline status of reported variants with a matched normal",
        "3 MAF rows had no t_depth; VAF and depth left empty",
    ]
    html = render_sample_html(build(f))
    assert len(re.findall("Tumor-only input: no matched normal", html)) == 1
    assert len(re.findall("confirm germline status", html)) == 1


def test_msi_h_sheet_without_any_mmr_alteration_is_noted_not_called_a_contradiction():
    f = copy.deepcopy(fixture("NEN02"))
    f["alterations"] = [a for a in f["alterations"] if a["gene"] != "MLH1"]
    (entry,) = build(f)["qc"]["discordance"]
    assert (entry["sheet"], entry["sequencing"]) == ("MSI-H", "no MMR gene alteration found")
    assert entry["note"].endswith("not a contradiction by itself")


def test_site_matching_the_molecular_pattern_gives_no_site_note():
    data = build(fixture("NEN01"))  # pancreas, DAXX and MEN1 inactivated
    assert [d["topic"] for d in data["qc"]["discordance"]] == []


def test_site_contradicting_a_pancreatic_net_pattern_is_a_cited_hint():
    f = copy.deepcopy(fixture("NEN01"))
    f["sample_info"]["tumor_site"] = "small_intestine"
    (entry,) = build(f)["qc"]["discordance"]
    assert entry == {
        "topic": "Tumour site vs molecular hints",
        "sheet": "small intestine",
        "sequencing": "DAXX/ATRX inactivation (DAXX)",
        "note": "DAXX/ATRX inactivation is typical of pancreatic NET (DAXX or ATRX altered in "
        "43% of pancreatic NET exomes); consider a pancreatic primary (the sampled lesion may "
        "be a metastasis); a hint, not a diagnosis",
        "citations": [
            {"text": "PMID:21252315", "url": "https://pubmed.ncbi.nlm.nih.gov/21252315/"}
        ],
    }
    text = section_text(render_sample_html(build(f)))
    assert text.count("Tumour site vs molecular hints") == 1
    assert "consider a pancreatic primary" in text and "PMID:21252315" in text
    f["sample_info"]["tumor_site"] = "unknown_primary"  # nothing to contradict
    assert build(f)["qc"]["discordance"] == []
    f["sample_info"].update(tumor_site="lung", differentiation="poor")  # NEC: not a NET hint
    assert build(f)["qc"]["discordance"] == []


def test_apc_and_tmprss2_erg_hints_and_rb1_tp53_is_not_a_site_hint():
    f = copy.deepcopy(fixture("NEN02"))  # colorectal NEC with TP53 and RB1 loss
    f["sample_info"]["tumor_site"] = "lung"
    assert build(f)["qc"]["discordance"] == []
    f["alterations"] += [
        {"gene": "APC", "alteration_type": "mutation", "oncogenicity": "Oncogenic",
         "hgvsp": "p.R1450*"},
        {"gene": "ERG", "alteration_type": "fusion", "oncogenicity": "Likely oncogenic",
         "partner": "TMPRSS2", "consequence": "TMPRSS2::ERG"},
    ]  # fmt: skip
    notes = build(f)["qc"]["discordance"]
    assert [(d["sequencing"], d["citations"][0]["text"]) for d in notes] == [
        ("APC inactivation (APC)", "PMID:33041225"),
        ("TMPRSS2::ERG fusion (ERG)", "PMID:16254181"),
    ]
    assert notes[1]["note"].startswith(
        "TMPRSS2::ERG fusion is recurrent in prostate cancer (ERG or ETV1 rearranged in 23 of "
        "29 prostate cancers); consider a prostate primary"
    )
    f["sample_info"]["tumor_site"] = "colorectal"  # APC concordant; ERG still points away
    assert [d["sequencing"] for d in build(f)["qc"]["discordance"]] == ["TMPRSS2::ERG fusion (ERG)"]
