"""Time `snakemake -n` (sheet validation + DAG building) for a 5,000-sample sheet.

    python benchmarks/dryrun/run_dryrun.py --samples 5000 --out /tmp/dryrun5000

The sheet has one row per sample; the rows point at three small bgzipped VCFs (30 records
each) in turn, and the expression matrix has one column per sample (the demo's marker genes).
Prints wall seconds, CPU seconds and max RSS of the dry run as JSON, and writes <out>/dryrun.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cohort"))
from make_cohort import (
    GENE_BED,
    CohortSpec,
    batch_size,
    bgzip,
    read_gene_regions,
    template_body,
    vcf_header,
    write_config,
    write_expression,
)

REPO = Path(__file__).resolve().parents[2]
SMALL_VCFS = 3


def make_sheet_cohort(samples: int, out: Path, batch: int | str = "auto") -> None:
    config = out / "config"
    (config / "vcf").mkdir(parents=True, exist_ok=True)
    regions = read_gene_regions(GENE_BED)
    for index in range(SMALL_VCFS):
        text = vcf_header(f"SMALL{index}") + template_body(30, regions, seed=index)
        (config / "vcf" / f"small{index}.vcf.gz").write_bytes(bgzip(text.encode()))
    spec = CohortSpec(samples=samples, marker_genes=0, profile_batch_size=batch)
    with open(config / "samples.tsv", "w", newline="") as handle:
        sheet = csv.writer(handle, delimiter="\t", lineterminator="\n")
        sheet.writerow(["sample", "vcf", "expression_id", "tumor_site", "genome_build"])
        for number in range(1, samples + 1):
            sample = f"WES{number:05d}"
            vcf = f"vcf/small{number % SMALL_VCFS}.vcf.gz"
            sheet.writerow([sample, vcf, sample, "pancreas", "GRCh38"])
    write_expression(spec, config / "expression.tsv")
    write_config(spec, config / "config.yaml")


def time_dryrun(out: Path) -> dict[str, float | int]:
    command = [
        "/usr/bin/time", "-f", "%e %M %U %S", sys.executable, "-m", "snakemake", "-s",
        str(REPO / "Snakefile"), "-d", str(out), "-n", "--quiet", "rules",
    ]  # fmt: skip
    start = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True, cwd=out)
    wall = time.monotonic() - start
    elapsed, max_rss_kb, user, system = result.stderr.strip().splitlines()[-1].split()
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
    # the job-stats table is printed twice; its "total" row counts every job
    totals = [line.split()[-1] for line in result.stdout.splitlines() if line.startswith("total")]
    jobs = int(totals[0]) if totals else 0
    return {
        "exit_code": result.returncode,
        "wall_s": round(wall, 1),
        "time_elapsed_s": float(elapsed),
        # CPU seconds (user + system): the measure to compare on a shared machine
        "cpu_s": round(float(user) + float(system), 1),
        "max_rss_mb": round(int(max_rss_kb) / 1024, 1),
        "jobs": jobs,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=5000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument(
        "--profile-batch-size", type=batch_size, default="auto", help="config profile_batch_size"
    )
    args = parser.parse_args()
    if not (args.out / "config" / "config.yaml").is_file():
        make_sheet_cohort(args.samples, args.out, args.profile_batch_size)
    result = {
        "samples": args.samples,
        "profile_batch_size": args.profile_batch_size,
        **time_dryrun(args.out),
    }
    text = json.dumps(result, indent=2)
    (args.out / "dryrun.json").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
