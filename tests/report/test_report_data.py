"""Report data assembly: sections, ranking, citations, normalisation, determinism."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from nenprofile.errors import InputError
from nenprofile.report import build_report_data, render_sample_html, write_report_json
from nenprofile.report.cohort import (
    _hit,
    build_cohort_data,
    oncoprint_cell,
    sample_report_href,
)
from nenprofile.report.context import build_cohort_context
from nenprofile.report.data import (
    TUMOR_ONLY_WARNING,
    alteration_row,
    citation_links,
    header_section,
    ranked_therapies,
    summary_options,
)

DATA = Path(__file__).parents[1] / "data" / "report"
EVIL = "<script>alert(1)</script>\"x'"


def fixture(name: str) -> dict:
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


def provenance() -> dict:
    return json.loads((DATA / "provenance.json").read_text(encoding="utf-8"))


def cohort_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    return (
        pd.read_csv(DATA / "cohort_biomarkers.tsv", sep="\t"),
        pd.read_csv(DATA / "cohort_markers.tsv", sep="\t"),
    )


def report(name: str, therapies: list | None = None, **overrides) -> dict:
    f = fixture(name)
    biomarkers, markers = cohort_tables()
    kwargs = {
        "settings": {"title": "NEN MTB", "institution": "Test Hospital"},
        "cohort_context": build_cohort_context(biomarkers, markers),
    }
    kwargs.update(overrides)
    return build_report_data(
        f["sample_info"],
        f["ingest"],
        f["alterations"],
        f["biomarkers"],
        f["therapies"] if therapies is None else therapies,
        provenance(),
        **kwargs,
    )


def section(data: dict, element_id: str) -> list[tuple[str, str]]:
    match = next(s for s in data["sections"] if s["id"] == element_id)
    return [(a["gene"], a["change"]) for a in match["alterations"]]


def test_sections_of_pancreatic_net_sample():
    data = report("NEN01")
    assert [s["id"] for s in data["sections"]] == [
        "mtor",
        "dna-repair",
        "chromatin",
        "other-drivers",
    ]
    assert section(data, "mtor") == [("TSC2", "p.Q1178*")]
    assert section(data, "dna-repair") == []
    assert section(data, "chromatin") == [("DAXX", "p.K432Rfs*12"), ("MEN1", "p.R98*")]
    assert section(data, "other-drivers") == []
    tsc2 = data["sections"][0]["alterations"][0]
    assert tsc2["biallelic"] is True
    assert tsc2["vaf"] == 0.48
    assert tsc2["depth"] == 210
    assert tsc2["oncogenic"] is True


def test_oncogenic_alterations_come_before_vus_and_cna_labels():
    data = report("NEN02")
    assert section(data, "dna-repair") == [("MLH1", "p.K618Afs*4"), ("ATM", "p.S707P")]
    assert section(data, "other-drivers") == [
        ("BRAF", "p.V600E"),
        ("RB1", "Deep deletion"),
        ("TP53", "p.R273H"),
    ]
    atm = data["sections"][1]["alterations"][1]
    assert atm["oncogenic"] is False
    assert atm["oncogenicity"] == "VUS"


def test_summary_ranks_amp_then_escat_and_skips_untiered_and_standard_of_care():
    data = report("NEN02")
    summary = [
        (t["therapy"], t["finding"], t["amp_tier"], t["escat_tier"]) for t in data["summary"]
    ]
    assert summary == [
        ("Dostarlimab", "dMMR (MLH1)", "I-A", "I-C"),
        ("Pembrolizumab", "MSI-H", "I-A", "I-C"),
        ("Pembrolizumab", "TMB-high (42.3 mut/Mb)", "I-A", "I-C"),
        ("Dabrafenib + trametinib", "BRAF p.V600E", "II-C", "I-C"),
        ("Capivasertib", "PIK3CA p.H1047R", "II-D", "III-A"),
    ]
    # the full therapy table keeps the untiered research-only trial option, last
    assert data["therapies"][-1]["therapy"] == "DLL3-directed T-cell engager (clinical trial)"
    assert data["therapies"][-1]["research_only"] is True
    assert [t["therapy"] for t in report("NEN01")["summary"]] == ["Everolimus"]
    assert data["summary"][0]["context"] == "tissue-agnostic"
    assert data["summary"][4]["context"] == "other tumor type"


def test_summary_never_leads_with_a_research_only_line():
    """The demo's NEN01 led with temozolomide for "MGMT mRNA low" (research-only, NEN-specific,
    II-D/II-B) above everolimus for a genomic TSC2 finding (II-D/III-B, other tumor type)."""
    f = fixture("NEN01")
    captem = {
        "therapy": "Temozolomide-based therapy (CAPTEM)",
        "biomarker": "MGMT mRNA low",
        "amp_tier": "II-D",
        "escat_tier": "II-B",
        "context": "NEN-specific",
        "direction": "sensitivity",
        "research_only": "True",
    }
    everolimus = {**f["therapies"][1], "context": "other tumor type"}
    data = report("NEN01", therapies=[captem, everolimus])
    assert [
        (t["therapy"], t["finding"], t["context"], t["research_only"]) for t in data["summary"]
    ] == [
        ("Everolimus", "TSC2 p.Q1178* (biallelic)", "other tumor type", False),
        ("Temozolomide-based therapy (CAPTEM)", "MGMT mRNA low", "NEN-specific", True),
    ]


def test_citation_links():
    assert citation_links("PMID:31980466; nct04429087;FDA:pembrolizumab 2017-05-23;") == [
        {"text": "PMID:31980466", "url": "https://pubmed.ncbi.nlm.nih.gov/31980466/"},
        {"text": "NCT04429087", "url": "https://clinicaltrials.gov/study/NCT04429087"},
        {"text": "FDA:pembrolizumab 2017-05-23", "url": None},
    ]
    assert citation_links(["PMID: 123"]) == [
        {"text": "PMID:123", "url": "https://pubmed.ncbi.nlm.nih.gov/123/"}
    ]
    assert citation_links(None) == []


def test_biomarkers_expression_and_pattern():
    data = report("NEN02")
    tmb = data["biomarkers"]["tmb"]
    assert tmb["value"] == 42.3
    # fixed-size cohort context: bins 0-1, 1-2, 2-5, 5-10, 10-20, 20-50, ... mut/Mb
    assert tmb["cohort"]["n"] == 3
    assert [b["n"] for b in tmb["cohort"]["bins"]] == [0, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0]
    assert tmb["cohort"]["quantiles"] == {
        "p0": 1.5,
        "p25": 3.85,
        "p50": 6.2,
        "p75": 24.25,
        "p100": 42.3,
    }
    assert data["biomarkers"]["pdl1"]["source"] == "IHC CPS"
    assert data["biomarkers"]["pdl1"]["citations"][0]["url"] == (
        "https://pubmed.ncbi.nlm.nih.gov/31980466/"
    )
    expression = {e["marker"]: e for e in data["expression"]}
    assert list(expression) == ["CD274", "SSTR2", "DLL3", "MGMT"]
    # cohort percentiles 0, 50 and 100 fall in the first, sixth and last decile
    assert expression["DLL3"]["cohort_bins"] == [1, 0, 0, 0, 0, 1, 0, 0, 0, 1]
    assert expression["DLL3"]["research_only"] is True
    assert expression["MGMT"]["available"] is False
    assert data["pattern"]["call"] == "NEC-like"
    assert "Histology decides" in data["pattern"]["note"]


def test_alerts_for_tumor_only_gene_overlap_input():
    data = report("XSS01")
    assert data["header"]["sample"] == EVIL
    assert data["header"]["tumor_only"] is True
    assert data["alerts"][0].startswith("Tumor-only input")
    assert data["alerts"][1].startswith("Consequences unknown")
    assert data["alerts"][2] == 'line 14: INFO/CSQ "<img src=x onerror=alert(2)>" ignored'
    assert data["summary"] == []
    assert report("NEN01")["alerts"] == []


def test_tumor_only_warning_is_shown_once():
    f = fixture("NEN01")
    ingest = {
        **f["ingest"],
        "tumor_only": True,
        "warnings": [
            "tumor-only input: germline variants are removed only by population AF >= 0.01 "
            "and known polymorphisms; confirm germline status of reported variants",
            "3 records without FORMAT/AD",
        ],
    }
    data = build_report_data(
        f["sample_info"], ingest, f["alterations"], f["biomarkers"], f["therapies"], {}
    )
    assert data["alerts"] == [TUMOR_ONLY_WARNING, "3 records without FORMAT/AD"]
    # the input section keeps ingest's full wording
    assert data["ingest_warnings"][0].startswith("tumor-only input: germline variants")


def test_tsv_round_trip_gives_the_same_report(tmp_path):
    f = fixture("NEN02")
    path = tmp_path / "alterations.tsv"
    pd.DataFrame(f["alterations"]).to_csv(path, sep="\t", index=False)
    from_tsv = pd.read_csv(path, sep="\t")
    therapies_path = tmp_path / "therapies.tsv"
    pd.DataFrame(f["therapies"]).to_csv(therapies_path, sep="\t", index=False)
    therapies = pd.read_csv(therapies_path, sep="\t")
    args = (f["sample_info"], f["ingest"])
    direct = build_report_data(*args, f["alterations"], f["biomarkers"], f["therapies"], {})
    tabular = build_report_data(*args, from_tsv, f["biomarkers"], therapies, {})
    assert tabular == direct


def test_report_json_is_deterministic_and_sorted(tmp_path):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    write_report_json(report("NEN02"), first)
    write_report_json(report("NEN02"), second)
    assert first.read_bytes() == second.read_bytes()
    loaded = json.loads(first.read_text(encoding="utf-8"))
    assert list(loaded) == sorted(loaded)
    assert loaded["provenance"]["run_date"] == "2025-08-01"
    assert loaded["provenance"]["knowledge_base"]["version"] == "2025.1.0"
    assert not list(tmp_path.glob(".*.tmp"))


def test_therapy_without_name_is_an_input_error():
    f = fixture("NEN01")
    therapies = [*f["therapies"], {"therapy": None, "amp_tier": "I-A"}]
    with pytest.raises(InputError) as error:
        build_report_data(
            f["sample_info"], f["ingest"], f["alterations"], f["biomarkers"], therapies, {}
        )
    assert error.value.line == 4
    assert error.value.column == "therapy"


def test_missing_sample_name_is_an_input_error():
    f = fixture("NEN01")
    with pytest.raises(InputError, match="no sample name"):
        build_report_data({}, f["ingest"], [], f["biomarkers"], [], {})


# ----------------------------------------------------------------------------- cohort data


def cohort_data(failed=None) -> dict:
    fixtures = [fixture(n) for n in ("NEN01", "NEN02", "XSS01")]
    alterations = pd.DataFrame([a for f in fixtures for a in f["alterations"]])
    therapies = pd.DataFrame(
        [{"sample": f["sample_info"]["sample"], **t} for f in fixtures for t in f["therapies"]]
    )
    biomarkers, _ = cohort_tables()
    extra = pd.DataFrame([{"sample": EVIL, "tmb": None, "tmb_call": "not available"}])
    biomarkers = pd.concat([biomarkers, extra], ignore_index=True)
    infos = [f["sample_info"] for f in fixtures]
    return build_cohort_data(alterations, biomarkers, therapies, infos, provenance(), {}, failed)


def test_cohort_oncoprint_and_pathway_frequencies():
    data = cohort_data()
    assert [s["sample"] for s in data["samples"]] == ["NEN01", "NEN02", EVIL]
    groups = {g["group"]: g["genes"] for g in data["oncoprint"]}
    assert [g["gene"] for g in groups["mTOR pathway"]] == ["PIK3CA", "TSC2"]
    assert [g["gene"] for g in groups["DNA repair"]] == ["MLH1", "ATM"]
    atm = groups["DNA repair"][1]
    assert atm["n_oncogenic"] == 0
    assert atm["cells"][0] is None and atm["cells"][2] is None
    assert [(s["type"], s["oncogenic"]) for s in atm["cells"][1]["stripes"]] == [
        ("mutation", False)
    ]
    assert atm["cells"][1]["title"] == "ATM p.S707P (VUS)"
    rb1 = next(g for g in groups["Other drivers"] if g["gene"] == "RB1")
    assert rb1["cells"][1]["stripes"][0]["type"] == "deep_deletion"
    assert rb1["cells"][1]["stripes"][0]["code"] == "DEL"
    # exactly one cell per gene and sample
    assert all(len(g["cells"]) == 3 for genes in groups.values() for g in genes)
    frequencies = {f["group"]: (f["n"], f["total"]) for f in data["pathway_frequencies"]}
    assert frequencies == {
        "mTOR pathway": (2, 3),
        "DNA repair": (1, 3),
        "Epigenetic/chromatin": (2, 3),
        "Other drivers": (2, 3),
    }
    assert data["pathway_frequencies"][1]["percent"] == pytest.approx(100 / 3)


def test_oncoprint_cell_holds_several_hits_in_one_cell():
    hits = [
        {"type": "mutation", "oncogenic": False, "title": f"TP53 p.V{i}M (VUS)"} for i in range(4)
    ] + [
        {"type": "deep_deletion", "oncogenic": True, "title": "TP53 deep deletion (Oncogenic)"},
        {"type": "mutation", "oncogenic": True, "title": "TP53 p.R273H (Oncogenic)"},
    ]
    cell = oncoprint_cell(hits)
    assert cell["n"] == 6
    assert cell["more"] == 3
    # oncogenic hits first; VUS stay distinguishable by their oncogenic flag
    assert [(s["type"], s["oncogenic"]) for s in cell["stripes"]] == [
        ("deep_deletion", True),
        ("mutation", True),
        ("mutation", False),
    ]
    assert cell["title"].count(";") == 5
    assert oncoprint_cell([]) is None


def test_cohort_biomarkers_and_therapy_tiers():
    data = cohort_data()
    assert data["tmb"]["n"] == 2
    assert [b["n"] for b in data["tmb"]["bins"]][:6] == [0, 1, 0, 0, 0, 1]
    assert data["tmb"]["threshold"] == 10.0
    categories = {c["label"]: c["counts"] for c in data["distributions"]["categories"]}
    assert categories["MSI"] == [
        {"value": "MSI-H", "n": 1},
        {"value": "MSS", "n": 1},
        {"value": "not available", "n": 1},
    ]
    assert [m["marker"] for m in data["distributions"]["markers"]] == ["DLL3", "SSTR2"]
    tiers = [(t["therapy"], t["amp_tier"], t["escat_tier"], t["n"]) for t in data["therapy_tiers"]]
    assert tiers == [
        ("Dostarlimab", "I-A", "I-C", 1),
        ("Pembrolizumab", "I-A", "I-C", 1),
        ("Dabrafenib + trametinib", "II-C", "I-C", 1),
        ("Capivasertib", "II-D", "III-A", 1),
        ("Everolimus", "II-D", "III-B", 1),
        ("Cabozantinib", None, None, 1),
        ("DLL3-directed T-cell engager (clinical trial)", None, None, 1),
    ]
    assert data["therapy_tiers"][5]["direction"] == "standard_of_care"


def test_cohort_tables_for_sorting_and_filtering():
    data = cohort_data()
    rows = {s["sample"]: s for s in data["samples"]}
    assert rows["NEN02"]["best_amp_tier"] == "I-A"
    assert rows["NEN02"]["n_oncogenic"] == 6
    assert rows["NEN02"]["tumor_site"] == "colorectal"
    assert rows[EVIL]["tmb"] is None
    assert rows[EVIL]["best_amp_tier"] == "–"
    assert data["sample_filters"] == {
        "tumor_site": ["colorectal", "other", "pancreas"],
        "differentiation": ["poor", "unknown", "well"],
    }
    assert data["alteration_filters"]["pathway"] == [
        "DNA repair",
        "Epigenetic/chromatin",
        "Other drivers",
        "mTOR pathway",
    ]
    assert len(data["alterations"]) == 11
    atm = next(a for a in data["alterations"] if a["gene"] == "ATM")
    assert (atm["sample"], atm["change"], atm["oncogenicity"]) == ("NEN02", "p.S707P", "VUS")
    assert data["therapy_filters"]["amp_tier"] == ["I-A", "II-C", "II-D", "–"]
    dll3 = next(t for t in data["therapies"] if t["therapy"].startswith("DLL3"))
    assert dll3["research_only"] is True


def test_cohort_failed_samples_and_links():
    data = cohort_data([{"sample": "NEN09", "error": "x.vcf: line 3: bad <QUAL>"}])
    assert data["failed_samples"] == [{"sample": "NEN09", "error": "x.vcf: line 3: bad <QUAL>"}]
    assert sample_report_href("NEN01") == "../samples/NEN01/NEN01.report.html"
    assert sample_report_href(EVIL) == (
        "../samples/%3Cscript%3Ealert%281%29%3C%2Fscript%3E%22x%27/"
        "%3Cscript%3Ealert%281%29%3C%2Fscript%3E%22x%27.report.html"
    )


def test_plain_normalises_numpy_and_missing_values():
    import numpy as np

    from nenprofile.report.data import as_bool, plain

    assert plain({"a": [np.float32(1.5), np.int64(3), np.nan, pd.NA]}) == {
        "a": [1.5, 3, None, None]
    }
    assert plain(np.array([1, 2])) == [1, 2]
    assert [as_bool(v) for v in ("True", "false", 1, np.bool_(True), float("nan"), "maybe")] == [
        True,
        False,
        True,
        True,
        None,
        None,
    ]


def test_input_files_say_what_was_read_skipped_clipped_and_merged():
    f = fixture("NEN01")
    ingest = dict(f["ingest"])
    ingest["purity_ploidy"] = {
        "purity": {"value": 0.72, "source": "PURPLE/caller file s.purple.purity.tsv"},
        "ploidy": {"value": None, "source": "not given; calls assume ploidy 2"},
    }
    ingest["copy_number_input"] = {
        "format": "CNVkit .cns (log2)",
        "rows": 88,
        "genes_called": 414,
        "skipped": {"CNVkit segment with 0 probes": 8},
        "clipped_negative_copy_numbers": 0,
        "merged_duplicate_rows": 2,
    }
    ingest["fusion_input"] = {
        "format": "Arriba",
        "rows": 6,
        "fusions": 4,
        "skipped": {"Arriba confidence low": 1},
        "merged_rows": 1,
        "low_support": 1,
    }
    args = (f["alterations"], f["biomarkers"], f["therapies"], provenance())
    data = build_report_data(f["sample_info"], ingest, *args)
    assert data["input_files"] == [
        "Purity and ploidy used: purity 0.72 (PURPLE/caller file s.purple.purity.tsv)",
        "Copy number: CNVkit .cns (log2), 88 rows read, 414 genes called, skipped 8 (CNVkit "
        "segment with 0 probes), 2 duplicate gene rows merged",
        "Fusions: Arriba, 6 rows read, 4 fusions, skipped 1 (Arriba confidence low), 1 rows "
        "merged into one fusion per gene pair, 1 low-support fusions",
    ]
    assert report("NEN01")["input_files"] == []


def test_vus_rows_per_section_caps_only_not_oncogenic_rows():
    f = fixture("NEN02")
    vus = [
        {"gene": f"GENE{i:02d}", "hgvsp": f"p.A{i}V", "oncogenicity": "VUS", "group": "DNA repair"}
        for i in range(30)
    ]
    data = build_report_data(
        f["sample_info"],
        f["ingest"],
        f["alterations"] + vus,
        f["biomarkers"],
        f["therapies"],
        {},
        settings={"vus_rows_per_section": 25},
    )
    repair = next(s for s in data["sections"] if s["id"] == "dna-repair")
    # the oncogenic MLH1 row always, then 25 of the 31 VUS (ATM and GENE00-29), by gene
    assert repair["alterations"][0]["gene"] == "MLH1"
    assert len(repair["alterations"]) == 26
    assert repair["vus_not_shown"] == 6
    assert [s["vus_not_shown"] for s in data["sections"]] == [0, 6, 0, 0]
    page = render_sample_html(data)
    assert "6 more VUS / not-oncogenic alterations in this section not shown" in page
    uncapped = build_report_data(
        f["sample_info"], f["ingest"], f["alterations"] + vus, f["biomarkers"], [], {}
    )
    assert [len(s["alterations"]) for s in uncapped["sections"]][1] == 32


def _row(rule_id, therapy, amp, escat, context, direction="sensitivity", research="False", line=""):
    return {
        "therapy": therapy,
        "biomarker": "b",
        "amp_tier": amp,
        "escat_tier": escat,
        "context": context,
        "direction": direction,
        "rule_id": rule_id,
        "research_only": research,
        "line": line,
    }


def test_report_uses_the_one_ranking_and_summary_never_leads_with_research_only():
    tsv_rows = [
        _row("dll3", "DLL3 engager", "II-D", "IV", "NEN-specific", research="True"),
        _row("tmb", "Pembrolizumab", "I-A", "I-C", "tissue-agnostic"),
        _row("kras", "Sotorasib", "II-C", "III-A", "other tumor type"),
        _row("neg", "Pembrolizumab mono", "II-C", "NA", "NEN-specific", "resistance"),
        _row("tarla", "Tarlatamab", "I-A", "NA", "NEN-specific", "standard_of_care", line="later"),
        _row("chemo", "Chemo-IO", "I-A", "NA", "NEN-specific", "standard_of_care", line="first"),
    ]
    ranked = ranked_therapies(tsv_rows)
    assert [r["rule_id"] for r in ranked] == ["chemo", "tarla", "tmb", "kras", "neg", "dll3"]
    # research-only lines come after every other line, with their badge (report v2)
    summary = summary_options(ranked)
    assert [r["rule_id"] for r in summary] == ["chemo", "tarla", "tmb", "kras", "dll3"]
    assert [r["research_only"] for r in summary] == [False, False, False, False, True]
    # and never lead: without a line from a validated finding the summary stays empty
    only_research = ranked_therapies([tsv_rows[0]])
    assert summary_options(only_research) == []


def test_header_shows_the_clinical_sheet_fields():
    info = {
        "sample": "S1",
        "histology": "sclc",
        "histology_input": "SCLC",
        "differentiation": "poor",
        "differentiation_from_histology": True,
        "stage": "extensive",
        "line": 2,
        "prior_therapies": ["platinum", "immunotherapy"],
        "sstr_imaging": "unknown",
        "germline_findings": ["BRCA2 c.5946del"],
    }
    header = header_section(info, {})
    assert (header["histology"], header["stage"], header["line"]) == ("sclc", "extensive", 2)
    assert header["differentiation_from_histology"] is True
    assert header["prior_therapies"] == ["platinum", "immunotherapy"]
    assert header["germline_findings"] == ["BRCA2 c.5946del"]
    bare = header_section({"sample": "S2"}, {})
    assert (bare["histology"], bare["line"], bare["prior_therapies"]) == ("unknown", None, [])


def test_input_files_say_per_variant_file_what_was_read_skipped_merged_and_renamed():
    f = fixture("NEN01")
    ingest = dict(f["ingest"])
    renamed = {
        "renamed": 2,
        "renamed_examples": ["MLL2 -> KMT2D"],
        "ambiguous_kept": 1,
        "ambiguous_examples": ["MLL4 (KMT2B or KMT2D)"],
    }
    ingest["variant_inputs"] = [
        {"path": "/d/a.snvs.vcf.gz", "format": "VCF", "caller": "Strelka2", "records_read": 37,
         "variants": 27, "skipped": {"homref": 10}, "merged": 0, "gene_names": renamed},
        {"path": "/d/b.vcf.gz", "format": "VCF", "caller": "Mutect2", "records_read": 24,
         "variants": 12, "skipped": {}, "merged": 12, "gene_names": {}},
    ]  # fmt: skip
    ingest["fusion_input"] = {"format": "simple", "rows": 1, "fusions": 1, "gene_names": renamed}
    args = (f["alterations"], f["biomarkers"], f["therapies"], provenance())
    data = build_report_data(f["sample_info"], ingest, *args)
    names = (
        "; gene names: 2 renamed to HGNC symbols (MLL2 -> KMT2D); 1 ambiguous, kept as "
        "written (MLL4 (KMT2B or KMT2D))"
    )
    assert data["input_files"] == [
        "Variants: a.snvs.vcf.gz, VCF from Strelka2, 37 records read, 27 variants, skipped 10 "
        "(homref)" + names,
        "Variants: b.vcf.gz, VCF from Mutect2, 24 records read, 12 variants, 12 merged with an "
        "earlier file's variants",
        "Fusions: simple, 1 rows read, 1 fusions" + names,
    ]


def test_an_alteration_from_several_files_names_them_in_the_report():
    f = fixture("NEN01")
    alterations = [dict(row) for row in f["alterations"]]
    alterations[0]["sources"] = "a.vcf, <b>.vcf"
    args = (alterations, f["biomarkers"], f["therapies"], provenance())
    html = render_sample_html(build_report_data(f["sample_info"], f["ingest"], *args))
    assert "in a.vcf, &lt;b&gt;.vcf" in html


def test_exon_skipping_row_is_labelled_by_its_consequence():
    row = {
        "gene": "MET",
        "alteration_type": "mutation",
        "variant_class": "exon_skipping",
        "consequence": "exon 14 skipping (exon 13 joined to exon 15; Arriba)",
    }
    assert alteration_row(row, 0)["change"] == (
        "exon 14 skipping (exon 13 joined to exon 15; Arriba)"
    )
    row |= {"sample": "S1", "oncogenicity": "Oncogenic"}
    assert _hit(row)["title"] == (
        "MET exon 14 skipping (exon 13 joined to exon 15; Arriba) (Oncogenic)"
    )


def test_the_cohort_context_is_computed_without_pandas_or_numpy(tmp_path):
    """combine_cohort_tables writes the context every report shows; reading its cohort
    table as text rows and binning in plain Python spares that job loading pandas and numpy,
    with np.percentile's values (0.4, 12.5, 250 -> p25 6.45, p75 131.25)."""
    import subprocess
    import sys

    table = tmp_path / "biomarkers.tsv"
    table.write_text("sample\ttmb\nS1\t12.5\nS2\t\nS3\t0.4\nS4\t250\n", encoding="utf-8")
    probe = (
        "import json, sys; from nenprofile.jobs.reports import cohort_context_from_files; "
        f"c = cohort_context_from_files({str(table)!r}, None); "
        "print(json.dumps([c['n_samples'], c['tmb']['n'], c['tmb']['quantiles'], "
        "[b['n'] for b in c['tmb']['bins']], "
        "sorted(m for m in ('pandas', 'numpy') if m in sys.modules)]))"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    samples, with_tmb, quantiles, bins, loaded = json.loads(run.stdout)
    assert (samples, with_tmb) == (4, 3)
    assert quantiles == {"p0": 0.4, "p25": 6.45, "p50": 12.5, "p75": 131.25, "p100": 250.0}
    assert bins == [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0]
    assert loaded == []


def test_the_report_modules_load_without_pandas():
    """The report and cohort report jobs read their tables as text rows; pandas is loaded
    only by a report with expression markers (through the expression package)."""
    import subprocess
    import sys

    probe = (
        "import sys, nenprofile.report.data, nenprofile.report.cohort, nenprofile.report.html, "
        "nenprofile.jobs.reports; print('pandas' in sys.modules)"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "False"
