"""A MAF that several sheet rows read is split once by one job; each profile job reads its
sample's part, and ingest.json names the cohort MAF, the sample without rows and the rows
whose barcode no sheet row names."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from nenprofile.layout import Layout, maf_key

pytestmark = [pytest.mark.workflow, pytest.mark.slow]

HEADER = (
    "Hugo_Symbol\tNCBI_Build\tChromosome\tStart_Position\tReference_Allele\tTumor_Seq_Allele2\t"
    "Variant_Classification\tTumor_Sample_Barcode\tHGVSp_Short\tt_alt_count\tt_depth\n"
)
ROWS = (
    "TP53\t38\t17\t7673776\tG\tA\tMissense_Mutation\tP1\tp.R273H\t20\t50\n"
    "DAXX\t38\t6\t33319223\tC\tT\tNonsense_Mutation\tP2-T\tp.Q334*\t10\t40\n"
    "KRAS\t38\t12\t25245350\tC\tT\tMissense_Mutation\tNOT-IN-SHEET\tp.G12D\t5\t50\n"
    "MEN1\t38\t11\t64809773\tG\tA\tNonsense_Mutation\tP1\tp.R98*\t15\t30\n"
)
SAMPLES = ("P1", "P2", "P3")


def write_cohort(folder: Path) -> Path:
    (folder / "data_mutations.txt").write_text("#version 2.4\n" + HEADER + ROWS)
    # P2's rows carry another barcode (tumor_sample); P3 has none
    (folder / "samples.tsv").write_text(
        "sample\tmaf\ttumor_sample\nP1\tdata_mutations.txt\t\nP2\tdata_mutations.txt\tP2-T\nP3\tdata_mutations.txt\t\n"
    )
    config = folder / "config.yaml"
    config.write_text(
        "cohort: mafcohort\nsamples: samples.tsv\ngenome_build: GRCh38\n"
        "report:\n  pdf: false\n  date: '2026-01-15'\n"
    )
    return config


def snakemake(
    workdir: Path, config: Path, *args: str, settings: tuple[str, ...] = ()
) -> subprocess.CompletedProcess:
    repo = Path(__file__).resolve().parents[2]
    return subprocess.run(
        [
            *(sys.executable, "-m", "snakemake", *args, "-s", str(repo / "Snakefile")),
            *("-d", str(workdir), "--config", f"cohort_config={config}", *settings),
        ],
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_cohort_maf_is_split_once_and_each_sample_reads_its_part(tmp_path):
    config = write_cohort(tmp_path)
    layout = Layout("mafcohort", str(tmp_path))
    targets = [Layout("mafcohort").sample_file(s, "ingest") for s in SAMPLES]
    run = snakemake(tmp_path, config, *targets, "--cores", "1", "--quiet", "rules")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-5000:]
    split_logs = list((tmp_path / "logs" / "mafcohort" / "split_maf").glob("*.log"))
    assert [p.name for p in split_logs] == [f"{maf_key('data_mutations.txt')}.log"]
    ingest = {s: json.loads(Path(layout.sample_file(s, "ingest")).read_text()) for s in SAMPLES}
    assert {s: i["input_path"] for s, i in ingest.items()} == dict.fromkeys(
        SAMPLES, "data_mutations.txt"
    )
    assert {s: i["counts"]["records_read"] for s, i in ingest.items()} == {
        "P1": 2,
        "P2": 1,
        "P3": 0,
    }
    assert {i["counts"]["unmatched_barcode_rows"] for i in ingest.values()} == {1}
    assert ingest["P3"]["cohort_maf"]["unmatched_barcodes"] == ["NOT-IN-SHEET"]
    assert ingest["P3"]["cohort_maf"]["samples_without_rows"] == 1
    assert {i["tumor_column"] for i in ingest.values()} == {"P1", "P2-T", "P3"}
    assert any(
        "has no row for Tumor_Sample_Barcode 'P3'" in w and "(NOT-IN-SHEET)" in w
        for w in ingest["P3"]["warnings"]
    )


def test_dry_run_plans_one_split_job_for_the_cohort_maf(tmp_path):
    config = write_cohort(tmp_path)
    run = snakemake(tmp_path, config, "-n", settings=("profile_batch_size=2",))
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert output.count(f"rule split_{maf_key('data_mutations.txt')}:") == 1
    assert "results/mafcohort/maf_parts/" in output


def test_a_cohort_maf_matching_no_sample_fails_each_sample_with_the_reason(tmp_path):
    config = write_cohort(tmp_path)
    sheet = tmp_path / "samples.tsv"
    sheet.write_text(sheet.read_text().replace("P2-T", "").replace("P", "Q"))
    run = snakemake(tmp_path, config, "--cores", "1", "--keep-going")
    output = run.stdout + run.stderr
    assert run.returncode != 0
    assert (
        "sample Q1 failed: data_mutations.txt, column 'Tumor_Sample_Barcode': none of the 3 "
        "sample(s) that read this MAF has a row in it" in output
    ), output[-3000:]
    assert "3 of 3 samples failed" in output
