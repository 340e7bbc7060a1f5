"""CPU of one profiling batch job's work, in this process: profile_samples on the cohort's
first samples, called as the profile_samples_<k> rule calls it (scripts/profile_samples.py).

    python benchmarks/cohort/profile_batch.py COHORT_DIR OUT_DIR [--warm] [--profile FILE]

COHORT_DIR: a cohort made by make_cohort.py (config/config.yaml; its sheet's samples are
profiled, so cut config/samples.tsv to the batch) whose cohort files expression_markers.tsv
and expression_input.json are under results/<cohort>/cohort. Tables are written under
OUT_DIR, so two trees' outputs can be compared byte for byte (`diff -r -x manifest.tsv`).
--warm profiles the batch once before measuring (imports and caches out of the figure).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import time
from pathlib import Path
from typing import Any

from nenprofile.ingest.sheet import (
    PATH_COLUMNS,
    load_cohort_config,
    load_sample_sheet,
    sheet_files,
    validate_config,
)
from nenprofile.jobs.profile import profile_samples
from nenprofile.layout import Layout
from nenprofile.settings import CONFIG_SCHEMA, SAMPLES_SCHEMA


def batch_params(config: dict[str, Any], out: str) -> dict[str, Any]:
    """The params workflow/rules/profile.smk gives a batch of the sheet's samples."""
    sheet = load_sample_sheet(
        config["samples"], SAMPLES_SCHEMA, default_build=config["genome_build"]
    )
    cohort, outputs = Layout(config["cohort"]), Layout(config["cohort"], root=out)

    def inputs(sample: str) -> dict[str, Any]:
        record = sheet.rows[sample]
        found: dict[str, Any] = {
            "variants": sheet_files(record, "vcf" if "vcf" in record else "maf")
        }
        found |= {c: record[c] for c in PATH_COLUMNS if c in record and c not in ("vcf", "maf")}
        if config["expression"]["matrix"]:
            found["markers"] = cohort.cohort_file("expression_markers")
            found["expression_input"] = cohort.cohort_file("expression_input")
        return found

    samples = sheet.samples
    return {
        "samples": samples,
        "inputs": {s: inputs(s) for s in samples},
        "outputs": {s: outputs.profile_outputs(s) for s in samples},
        "records": {s: sheet.rows[s] for s in samples},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cohort_dir")
    parser.add_argument("out_dir")
    parser.add_argument("--warm", action="store_true")
    parser.add_argument("--profile", help="write cProfile statistics here")
    args = parser.parse_args()
    out = str(Path(args.out_dir).resolve())
    os.chdir(args.cohort_dir)
    config = load_cohort_config("config/config.yaml")
    validate_config(config, CONFIG_SCHEMA)
    params = batch_params(config, out)
    for tables in params["outputs"].values():
        Path(tables["variants"]).parent.mkdir(parents=True, exist_ok=True)

    def run() -> None:
        manifest = {"manifest": str(Path(out, "manifest.tsv"))}
        profile_samples(inputs={}, outputs=manifest, params=params, config=config, wildcards={})

    if args.warm:
        run()
    started = time.process_time()
    if args.profile:
        cProfile.runctx("run()", globals(), {"run": run}, args.profile)
    else:
        run()
    cpu = time.process_time() - started
    n = len(params["samples"])
    print(f"{n} samples: {cpu:.2f} CPU-s, {cpu / n:.3f} CPU-s a sample")


if __name__ == "__main__":
    main()
