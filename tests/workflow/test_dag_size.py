"""What Snakemake is told about a large cohort: profiling batches automatically from the
schema's x-auto size on, and each batch job declares one manifest instead of its samples'
tables, which the jobs downstream depend on (checked on dry runs of a synthetic sheet)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.workflow
DEMO_VCFS = ("demo/NEN01.vep.vcf.gz", "demo/NEN02.snpeff.vcf.gz")


def dry_run(workdir: Path, samples: int, *settings: str) -> str:
    """`snakemake -n` over `samples` sheet rows reading the demo VCFs in turn, no RNA."""
    if not (workdir / "config").exists():
        shutil.copytree(REPO / "config", workdir / "config")
    rows = [f"S{n:04d}\t{DEMO_VCFS[n % 2]}\tpancreas\tGRCh38" for n in range(1, samples + 1)]
    sheet = "sample\tvcf\ttumor_site\tgenome_build\n" + "\n".join(rows) + "\n"
    (workdir / "config" / "scale.tsv").write_text(sheet)
    config = workdir / "config" / "config.yaml"
    text = config.read_text().replace("config/samples.tsv", "config/scale.tsv")
    config.write_text(re.sub(r"matrix: \S+", "matrix: null", text))
    result = subprocess.run(
        [
            *(sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile")),
            *("-d", str(workdir), "-n"),
            *(("--config", *settings) if settings else ()),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def jobs(output: str) -> dict[str, dict[str, list[str]]]:
    """rule name -> its job's input and output paths (rules with one job each)."""
    found = {}
    for block in re.split(r"\n(?=rule \S+:\n)", output):
        match = re.match(r"rule (\S+):\n", block)
        if not match:
            continue
        files = {}
        for key in ("input", "output"):
            line = re.search(rf"^\s+{key}: (.*)$", block, re.MULTILINE)
            files[key] = line.group(1).split(", ") if line else []
        found.setdefault(match.group(1), files)
    return found


def job_counts(output: str) -> dict[str, int]:
    table = output[output.index("Job stats:") :].split("\n\n")[0]
    return {m[1]: int(m[2]) for m in re.finditer(r"^(\S+)\s+(\d+)$", table, re.MULTILINE)}


def test_from_100_samples_profiling_runs_in_batches_of_20_declaring_a_manifest_each(tmp_path):
    output = dry_run(tmp_path, 120)
    counts = job_counts(output)
    batches = range(1, 7)
    report_batches = range(1, 5)  # four jobs of 30 (at most 50 reports a job, at least 4 jobs)
    assert counts == {
        **{f"profile_samples_{k}": 1 for k in batches},
        **{f"render_sample_reports_{k}": 1 for k in report_batches},
        "record_provenance": 1,
        "combine_cohort_tables": 1,
        "render_cohort_report": 1,
        "all": 1,
        "total": 14,
    }
    found = jobs(output)
    results = "results/demo"
    manifests = [f"{results}/cohort/profile_batches/batch{k}.tsv" for k in batches]
    for k in batches:
        assert found[f"profile_samples_{k}"]["output"] == [manifests[k - 1]]
    # samples 1-30, 31-60, 61-90, 91-120: the profiling batches of 20 they lie in
    profiled_in = {1: [1, 2], 2: [2, 3], 3: [4, 5], 4: [5, 6]}
    for k, profile_batches in profiled_in.items():
        assert found[f"render_sample_reports_{k}"]["input"] == [
            *(manifests[b - 1] for b in profile_batches),
            f"{results}/cohort/report_context.json",
            f"{results}/provenance/provenance.json",
        ]
    assert found["combine_cohort_tables"]["input"] == manifests
    assert set(manifests) <= set(found["all"]["input"])
    assert not any("/samples/" in path for path in found["all"]["input"])


def test_below_100_samples_and_with_a_batch_size_of_1_each_sample_is_its_own_job(tmp_path):
    counts = job_counts(dry_run(tmp_path, 99))
    # + record_provenance, combine_cohort_tables, render_cohort_report, all; 4 report jobs of 25
    assert counts["profile_sample"] == 99 and counts["total"] == 99 + 4 + 4
    output = dry_run(tmp_path, 120, "profile_batch_size=1")
    assert job_counts(output)["profile_sample"] == 120
    outputs = re.findall(r"rule profile_sample:\n(?:.*\n)*?\s+output: (.*)", output)
    suffixes = ("variants.tsv.gz", "alterations.tsv", "biomarkers.json", "therapies.tsv")
    suffixes += ("ingest.json",)
    expected = {
        f"S{n:04d}": [f"results/demo/samples/S{n:04d}/S{n:04d}.{suffix}" for suffix in suffixes]
        for n in range(1, 121)
    }
    declared = {line.split("/")[3]: line.split(", ") for line in outputs}
    assert declared == expected
