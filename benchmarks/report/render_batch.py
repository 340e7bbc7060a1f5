"""One report batch of a finished cohort, as the workflow's render_sample_reports job runs it.

    python benchmarks/report/render_batch.py RESULTS OUT [--samples 20] [--no-pdf]

RESULTS is a finished cohort's results/<cohort> folder (e.g. from
benchmarks/cohort/run_benchmark.py); the first --samples samples of its sheet order (the
sample folders, sorted) get their report.html/.json (and .pdf) written under OUT, with the
cohort's own resolved config. run_benchmark.py times this script with every descendant's CPU
counted (the browser's helper processes included).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml

from nenprofile.jobs.reports import render_sample_reports
from nenprofile.layout import REPORT_TABLES, SAMPLE_REPORTS, SAMPLE_TABLES


def batch_files(results: Path, out: Path, samples: list[str], pdf: bool) -> tuple[dict, dict]:
    inputs: dict = {
        name: [str(results / "samples" / s / f"{s}.{SAMPLE_TABLES[name]}") for s in samples]
        for name in REPORT_TABLES
    }
    inputs["context"] = str(results / "cohort" / "report_context.json")
    inputs["provenance"] = str(results / "provenance" / "provenance.json")
    kinds = [k for k in SAMPLE_REPORTS if pdf or k != "pdf"]
    outputs: dict = {k: [str(out / f"{s}.{SAMPLE_REPORTS[k]}") for s in samples] for k in kinds}
    outputs["manifest"] = str(out / "batch.tsv")
    return inputs, outputs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--no-pdf", action="store_true")
    args = parser.parse_args()
    samples = sorted(p.name for p in (args.results / "samples").iterdir())[: args.samples]
    config = yaml.safe_load((args.results / "provenance" / "config.resolved.yaml").read_text())
    config["report"]["pdf"] = not args.no_pdf
    args.out.mkdir(parents=True, exist_ok=True)
    inputs, outputs = batch_files(args.results, args.out, samples, not args.no_pdf)
    render_sample_reports(
        inputs=inputs, outputs=outputs, params={"samples": samples}, config=config, wildcards={}
    )


if __name__ == "__main__":
    main()
