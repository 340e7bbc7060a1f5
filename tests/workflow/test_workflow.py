"""End to end: snakemake on the embedded demo cohort, asserting the contract outputs.

One session-scoped run in a temporary working directory (a copy of config/); a second,
independent run checks that every output is byte-identical.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLES = [f"NEN{i:02d}" for i in range(1, 11)]
pytestmark = [pytest.mark.workflow, pytest.mark.slow]


def run_demo(workdir: Path, extra_config: str = "") -> subprocess.CompletedProcess:
    shutil.copytree(REPO / "config", workdir / "config")
    if extra_config:
        config = workdir / "config" / "config.yaml"
        config.write_text(config.read_text() + extra_config)
    return subprocess.run(
        [
            *(sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile")),
            *("-d", str(workdir), "--cores", "2", "--quiet", "all"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    workdir = tmp_path_factory.mktemp("demo")
    result = run_demo(workdir)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-6000:]
    return workdir / "results" / "demo"


def tsv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def alterations(demo: Path, sample: str) -> dict[str, dict[str, str]]:
    rows = tsv(demo / "samples" / sample / f"{sample}.alterations.tsv")
    return {f"{r['gene']} {r['hgvsp'] or r['alteration_type']}": r for r in rows}


def therapies(demo: Path, sample: str) -> dict[str, dict[str, str]]:
    return {r["rule_id"]: r for r in tsv(demo / "samples" / sample / f"{sample}.therapies.tsv")}


def biomarkers(demo: Path, sample: str) -> dict:
    return json.loads((demo / "samples" / sample / f"{sample}.biomarkers.json").read_text())


def test_every_contract_output_exists(demo):
    for sample in SAMPLES:
        folder = demo / "samples" / sample
        for suffix in (
            "alterations.tsv",
            "biomarkers.json",
            "therapies.tsv",
            "report.html",
            "report.json",
            "report.pdf",
        ):
            path = folder / f"{sample}.{suffix}"
            assert path.is_file() and path.stat().st_size > 0, path
        assert (folder / f"{sample}.report.pdf").read_bytes().startswith(b"%PDF")
    for name in ("alterations.tsv", "biomarkers.tsv", "therapies.tsv", "cohort_report.html"):
        assert (demo / "cohort" / name).is_file()
    provenance = json.loads((demo / "provenance" / "provenance.json").read_text())
    assert provenance["pipeline"] == "nenprofile"
    assert provenance["run_date"] == "2026-01-15"
    assert provenance["knowledge_base"]["version"]
    assert len(provenance["knowledge_base"]["checksum"]) == 64
    assert {i["sample"] for i in provenance["inputs"]} == {*SAMPLES, "cohort"}


def test_alteration_table_has_contract_columns(demo):
    header = (demo / "cohort" / "alterations.tsv").read_text().splitlines()[0].split("\t")
    assert header[:15] == [
        "sample", "gene", "pathway", "alteration_type", "consequence", "hgvsp", "hgvsc",
        "chrom", "pos", "ref", "alt", "vaf", "depth", "oncogenicity", "evidence",
    ]  # fmt: skip
    header = (demo / "cohort" / "therapies.tsv").read_text().splitlines()[0].split("\t")
    assert header[:9] == [
        "sample", "therapy", "biomarker", "amp_tier", "escat_tier", "context",
        "rationale", "caveats", "citations",
    ]  # fmt: skip


def test_pancreatic_net_g3(demo):
    found = alterations(demo, "NEN01")
    assert set(found) == {"TSC2 p.Q1178*", "ATRX p.R907*", "MEN1 deep_deletion"}
    tsc2 = found["TSC2 p.Q1178*"]
    assert (tsc2["pathway"], tsc2["oncogenicity"], tsc2["biallelic"]) == (
        "PI3K/AKT/mTOR",
        "Oncogenic",
        "true",
    )
    assert (tsc2["chrom"], tsc2["pos"], tsc2["ref"], tsc2["alt"]) == ("chr16", "2080299", "C", "T")
    assert tsc2["evidence"].startswith("OVS1: nonsense in tumor suppressor TSC2")
    assert found["MEN1 deep_deletion"]["oncogenicity"] == "Oncogenic"
    markers = biomarkers(demo, "NEN01")
    assert markers["differentiation_pattern"]["call"] == "NET-G3-like"
    options = therapies(demo, "NEN01")
    assert options["everolimus_net"]["amp_tier"] == "I-A"
    assert options["everolimus_net"]["context"] == "NEN-specific"
    assert options["everolimus_tsc_biallelic"]["escat_tier"] == "III-A"
    assert options["lutetium_dotatate_net"]["caveats"] == (
        "Selection is by SSTR imaging with uptake in all target lesions; RNA SSTR2 never "
        "replaces it."
    )  # sheet: histology NET G3, SSTR imaging positive
    assert "sunitinib_pnet" in options
    assert "platinum_etoposide_nec" not in options


def test_colorectal_nec_braf_v600e_gets_the_crc_exclusion(demo):
    found = alterations(demo, "NEN02")
    assert {"TP53 p.R273H", "RB1 p.R320*", "BRAF p.V600E"} <= set(found)
    assert not any(key.startswith("KRAS") for key in found)  # filtered record
    assert biomarkers(demo, "NEN02")["differentiation_pattern"]["call"] == (
        "adenocarcinoma-like NEC/MiNEN"
    )
    braf = therapies(demo, "NEN02")["dabrafenib_trametinib_braf_v600e"]
    assert (braf["amp_tier"], braf["escat_tier"], braf["context"]) == (
        "II-C",
        "III-A",
        "other tumor type",
    )
    assert "colorectal" in braf["caveats"].lower()
    assert "platinum_etoposide_nec" in therapies(demo, "NEN02")
    assert "everolimus_net" not in therapies(demo, "NEN02")


def test_lung_lcnec_tumor_normal(demo):
    found = alterations(demo, "NEN03")
    assert {"TP53 p.R175H", "STK11 p.E223*", "KEAP1 p.G333C"} <= set(found)
    ingest = json.loads((demo / "samples/NEN03/NEN03.ingest.json").read_text())
    assert ingest["tumor_only"] is False
    assert ingest["caller"] == "Mutect2"
    assert ingest["tumor_column"] == "NEN03_T"
    assert ingest["sample_info"]["histology"] == "lcnec"
    expression = ingest["expression_input"]
    assert (expression["format"], expression["unit"], expression["conversion"]) == (
        "nf-core salmon merged gene TPM",
        "TPM",
        None,
    )
    assert expression["column"] == "NEN03"
    # the demo matrix has 9 samples: below min_reference_size 10, and the report says so
    assert expression["reference"]["size"] == 9
    assert expression["reference"]["below_min_reference_size"] is True
    html = (demo / "samples/NEN03/NEN03.report.html").read_text()
    assert (
        "Expression: nf-core salmon merged gene TPM (salmon.merged.gene_tpm.tsv), unit TPM" in html
    )
    assert "reference cohort, 9 samples (below min_reference_size 10" in html
    options = therapies(demo, "NEN03")
    assert {"lcnec_chemotherapy", "lcnec_rb1_intact_nsclc_doublet"} <= set(options)
    assert "chemo_immunotherapy_sclc" not in options


def test_sclc_like_extrapulmonary_nec(demo):
    markers = biomarkers(demo, "NEN04")
    assert markers["expression_markers"]["DLL3"]["call"] == "high"
    assert markers["expression_markers"]["DLL3"]["research_only"] is True
    options = therapies(demo, "NEN04")
    assert options["dll3_t_cell_engager_trials"]["research_only"] == "true"
    assert "TP53 p.P72R" not in alterations(demo, "NEN04")  # germline polymorphism guard


def test_msi_high_nec(demo):
    markers = biomarkers(demo, "NEN05")
    assert markers["msi"]["call"] == "MSI-H"
    assert markers["msi"]["source"] == "sample sheet"
    assert markers["tmb"]["call"] == "TMB-high"
    assert markers["tmb"]["value"] > 10
    options = therapies(demo, "NEN05")
    for rule in ("pembrolizumab_msi_h_dmmr", "pembrolizumab_tmb_high", "dostarlimab_dmmr"):
        assert options[rule]["amp_tier"] == "I-A"
        assert options[rule]["escat_tier"] == "I-C"
        assert options[rule]["context"] == "tissue-agnostic"
    ingest = json.loads((demo / "samples/NEN05/NEN05.ingest.json").read_text())
    assert ingest["annotation"] == "gene-overlap"
    assert ingest["counts"]["multiallelic_split"] == 1


def test_brca2_biallelic(demo):
    brca2 = alterations(demo, "NEN06")["BRCA2 p.M1?"]
    assert brca2["biallelic"] == "true"
    assert brca2["pathway"] == "Homologous recombination"
    assert biomarkers(demo, "NEN06")["hrr"]["call"].startswith("HRR-deficient")
    parp = therapies(demo, "NEN06")["parp_inhibitor_brca_palb2"]
    assert (parp["amp_tier"], parp["escat_tier"], parp["context"]) == (
        "II-C",
        "III-A",
        "other tumor type",
    )


def test_pdl1_ihc_positive_cd274_amplified(demo):
    markers = biomarkers(demo, "NEN07")
    assert markers["pdl1"]["source"] == "IHC TPS"
    assert markers["pdl1"]["value"] == 60
    assert markers["pdl1"]["call"] == "positive (TPS ≥ 50%)"
    found = alterations(demo, "NEN07")
    assert found["CD274 amplification"]["alteration_type"] == "amplification"
    assert "checkpoint_inhibitor_cd274_amplification" in therapies(demo, "NEN07")
    options = therapies(demo, "NEN07")
    assert {"sotorasib_kras_g12c", "adagrasib_kras_g12c"} <= set(options)
    # sheet: SCLC, extensive stage - chemo-immunotherapy ranks first
    assert next(iter(options)) == "chemo_immunotherapy_sclc"
    assert "pembrolizumab_unselected_net_negative" not in options


def test_no_actionable_finding(demo):
    found = alterations(demo, "NEN08")
    assert found and all(row["oncogenicity"] == "VUS" for row in found.values())
    options = therapies(demo, "NEN08").values()
    assert not [r for r in options if r["context"] in ("tissue-agnostic", "other tumor type")]
    assert {r["rule_id"] for r in options if r["direction"] == "standard_of_care"} == {
        "cabozantinib_net",
        "everolimus_net",
        "lutetium_dotatate_net",
        "somatostatin_analogue_net",
        "capecitabine_temozolomide_net",
    }


def test_unannotated_vcf_hotspot_by_position(demo):
    pik3ca = alterations(demo, "NEN09")["PIK3CA p.H1047R"]
    assert pik3ca["oncogenicity"] == "Oncogenic"
    assert (pik3ca["chrom"], pik3ca["pos"]) == ("chr3", "179234297")
    assert "capivasertib_pi3k_akt_pten" in therapies(demo, "NEN09")


def test_maf_and_ntrk_fusion(demo):
    found = alterations(demo, "NEN10")
    assert found["NTRK1 fusion"]["oncogenicity"] == "Oncogenic"
    options = therapies(demo, "NEN10")
    assert options["larotrectinib_ntrk_fusion"]["context"] == "tissue-agnostic"
    markers = biomarkers(demo, "NEN10")
    assert markers["pdl1"]["source"] == "not available"
    assert markers["expression_markers"] in ({}, None)


def test_cohort_biomarkers_table(demo):
    rows = {r["sample"]: r for r in tsv(demo / "cohort" / "biomarkers.tsv")}
    assert list(rows) == SAMPLES
    assert rows["NEN05"]["tmb_call"] == "TMB-high"
    assert rows["NEN07"]["pdl1_source"] == "IHC TPS"
    assert rows["NEN01"]["pattern"] == "NET-G3-like"


def test_report_context_is_computed_once_and_every_report_shows_it(demo):
    context = json.loads((demo / "cohort" / "report_context.json").read_text())
    assert context["n_samples"] == 10
    assert context["tmb"]["n"] == 10
    assert len(context["tmb"]["bins"]) == 11
    assert sum(b["n"] for b in context["tmb"]["bins"]) == 10
    # NEN10 has no expression column: 9 samples per marker, in 10 deciles
    assert {len(m["bins"]) for m in context["markers"].values()} == {10}
    assert {m["n"] for m in context["markers"].values()} == {9}
    for sample in SAMPLES:
        shown = json.loads((demo / "samples" / sample / f"{sample}.report.json").read_text())
        assert shown["biomarkers"]["tmb"]["cohort"] == context["tmb"]
        assert shown["cohort_size"] == 10
    nen01 = json.loads((demo / "samples" / "NEN01" / "NEN01.report.json").read_text())
    # research-only lines only after every validated line
    flags = [t["research_only"] for t in nen01["summary"]]
    assert flags and not flags[0] and flags == sorted(flags)
    # SSTR imaging is positive in the sheet, so no SSTR PET; PD-L1 only from mRNA
    assert [t["id"] for t in nen01["next_tests"]] == ["pdl1-ihc", "germline"]
    assert [c["gene"] for c in nen01["germline"]["candidates"]] == ["TSC2"]


def test_rerun_is_byte_identical(demo, tmp_path):
    result = run_demo(tmp_path)
    assert result.returncode == 0, result.stderr[-4000:]
    second = tmp_path / "results" / "demo"
    first_files = sorted(p.relative_to(demo) for p in demo.rglob("*") if p.is_file())
    second_files = sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert first_files == second_files
    differing = [
        str(p)
        for p in first_files
        if (demo / p).read_bytes() != (second / p).read_bytes() and p.name != "config.resolved.yaml"
    ]
    assert differing == []


def test_snakemake_report_bundles_the_reports(demo, tmp_path):
    workdir = demo.parent.parent
    target = tmp_path / "report.zip"
    result = subprocess.run(
        [
            *(sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile")),
            *("-d", str(workdir), "--report", str(target)),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    names = zipfile.ZipFile(target).namelist()
    assert any(n.endswith("NEN01.report.html") for n in names)
    assert any(n.endswith("cohort_report.html") for n in names)


def test_one_batch_of_all_samples_writes_the_workflow_reports(demo, tmp_path):
    """render_sample_reports over all 10 samples writes the bytes the workflow's 4 batches
    wrote: a report does not depend on the batch it was rendered in."""
    import yaml

    from nenprofile.ingest.sheet import validate_config
    from nenprofile.jobs.reports import render_sample_reports
    from nenprofile.settings import CONFIG_SCHEMA

    samples = sorted(p.name for p in (demo / "samples").iterdir())
    assert len(samples) == 10

    def sample_files(root: Path, suffix: str) -> list[str]:
        return [str(root / s / f"{s}.{suffix}") for s in samples]

    inputs = {
        name: sample_files(demo / "samples", f"{name}.{ext}")
        for name, ext in (
            ("alterations", "tsv"),
            ("biomarkers", "json"),
            ("therapies", "tsv"),
            ("ingest", "json"),
        )
    }
    inputs["cohort_biomarkers"] = str(demo / "cohort" / "biomarkers.tsv")
    inputs["provenance"] = str(demo / "provenance" / "provenance.json")
    inputs["markers"] = str(demo / "cohort" / "expression_markers.tsv")
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    validate_config(config, CONFIG_SCHEMA, source="config/config.yaml")  # fills the defaults
    settings = config["report"]
    settings["pdf"] = False
    for sample in samples:
        (tmp_path / sample).mkdir()
    outputs = {
        "html": sample_files(tmp_path, "report.html"),
        "json": sample_files(tmp_path, "report.json"),
        "manifest": str(tmp_path / "batch.tsv"),
    }
    render_sample_reports(
        inputs=inputs,
        outputs=outputs,
        params={"samples": samples},
        config={"report": settings},
        wildcards={},
    )
    for suffix in ("report.html", "report.json"):
        ours = [Path(p).read_bytes() for p in sample_files(tmp_path, suffix)]
        workflow = [Path(p).read_bytes() for p in sample_files(demo / "samples", suffix)]
        assert ours == workflow, suffix
    manifest = tsv(tmp_path / "batch.tsv")
    assert [row["sample"] for row in manifest] == samples
    assert manifest[0]["html"] == outputs["html"][0]


def test_profile_batches_write_what_per_sample_jobs_write(demo, tmp_path):
    """profile_batch_size 3 (4 batch jobs) gives the per-sample files of one job per sample."""
    result = run_demo(tmp_path, extra_config="profile_batch_size: 3\n")
    assert result.returncode == 0, result.stderr[-4000:]
    logs = tmp_path / "logs" / "demo" / "profile_sample"
    assert sorted(p.name for p in logs.iterdir()) == [f"batch{k}.log" for k in (1, 2, 3, 4)]
    batched = tmp_path / "results" / "demo" / "samples"
    suffixes = ("alterations.tsv", "biomarkers.json", "therapies.tsv", "ingest.json")
    compared = 0
    for sample_dir in sorted((demo / "samples").iterdir()):
        for suffix in (*suffixes, "variants.tsv.gz"):
            name = f"{sample_dir.name}.{suffix}"
            assert (batched / sample_dir.name / name).read_bytes() == (
                sample_dir / name
            ).read_bytes()
            compared += 1
    assert compared == 50
    manifest = tmp_path / "results" / "demo" / "cohort" / "profile_batches" / "batch2.tsv"
    assert [row["sample"] for row in tsv(manifest)] == ["NEN04", "NEN05", "NEN06"]

    # a deleted sample folder is profiled again, though Snakemake only knows the manifest
    shutil.rmtree(batched / "NEN05")
    dry_run = subprocess.run(
        [
            *(sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile")),
            *("-d", str(tmp_path), "-n", "--quiet", "rules"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert dry_run.returncode == 0, dry_run.stderr[-3000:]
    job_stats = dry_run.stdout.split("Job stats:")[1]  # the table is printed twice
    rules = re.findall(r"^(profile_\w+)\s+1$", job_stats, re.MULTILINE)
    assert rules == ["profile_samples_2"], dry_run.stdout
