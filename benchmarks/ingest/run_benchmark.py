"""Time `bcftools view FILE > /dev/null` and read_variants(FILE) in the same run.

Usage: python benchmarks/ingest/run_benchmark.py FILE.vcf.gz [--out result.json]
                [--engine auto|text|cyvcf2|columnar] [--runs N] [--workers 1|2]
                [--consumer profile|table|list]
--consumer says where the variants go, as in the pipeline or not:
  profile  what profile_sample's ingest keeps (profile_sink.ProfileSink): the variants in
           knowledge-base genes and the TMB tally over all of them (default)
  table    the same, and the variant table written as the variants pass (to a temp dir)
  list     every variant kept as a Variant object (the library default, VariantList)
Each side runs in its own child process: wall seconds, CPU seconds (ru_utime + ru_stime of
the child and every descendant it waited for: bgzip, the forked worker) and peak RSS. The
reader child reports its own peak (ru_maxrss of itself) and its descendants' largest
(the worker of a two-process read); both are in result.json, and their sum bounds the
reader's total resident memory. --engine cyvcf2 times the cyvcf2 record source.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time

READER = """
import contextlib, os, resource, sys, tempfile
from nenprofile.ingest.variants import read_variants
from nenprofile.ingest.variants.vcf import read_vcf
path, engine, workers, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
with contextlib.ExitStack() as stack:
    consumer = genes = None
    if mode != "list":
        from nenprofile.interpret.biomarkers import BiomarkerSettings
        from nenprofile.reference.knowledgebase import load_knowledge_base
        from nenprofile.jobs.profile_sink import ProfileSink
        from nenprofile.ingest.variants.table import VariantTableWriter, part_path_for
        table = None
        if mode == "table":
            out = os.path.join(stack.enter_context(tempfile.TemporaryDirectory()), "v.tsv.gz")
            raw = stack.enter_context(open(out, "wb"))
            table = VariantTableWriter(raw, part_path_for(out))
        genes = load_knowledge_base().genes
        consumer = ProfileSink(genes, BiomarkerSettings(), table)
    if engine == "auto":  # what profile_sample calls: expansion check, gene renaming
        r = read_variants(path, workers=workers, consumer=consumer, genes=genes)
    else:
        r = read_vcf(path, engine=engine, workers=workers, consumer=consumer, genes=genes)
    if consumer is not None:
        consumer.finish()
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(r.counts["variants"], r.counts["records_read"], own, worker, len(r.variants))
"""


def timed_child(command: list[str], stdout: int | None) -> tuple[float, float, int, str]:
    """Wall seconds, CPU seconds, peak RSS (kB) of this child, and its stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(command, stdout=stdout, stderr=subprocess.DEVNULL, check=True,
                          text=stdout == subprocess.PIPE)  # fmt: skip
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    # ru_maxrss of children is the max over all children waited for so far, so the runner
    # measures bcftools first; an unchanged value means "at most the earlier peak"
    return wall, cpu, max(after.ru_maxrss, before.ru_maxrss), proc.stdout or ""


def one_run(
    vcf: str, engine: str, workers: int, consumer: str, first_run: bool
) -> dict[str, float | int | None]:
    with open("/dev/null", "wb") as devnull:
        bcf_wall, bcf_cpu, bcf_rss, _ = timed_child(["bcftools", "view", vcf], devnull.fileno())
    ours_wall, ours_cpu, _, output = timed_child(
        [sys.executable, "-c", READER, vcf, engine, str(workers), consumer], subprocess.PIPE
    )
    variants, records, own_rss, worker_rss, kept = (int(x) for x in output.split())
    # children's ru_maxrss only ever grows: bcftools' own peak is known in the first run only
    return {
        "records": records,
        "variants": variants,
        "variants_kept": kept,
        "bcftools_view_wall_s": round(bcf_wall, 3),
        "bcftools_view_cpu_s": round(bcf_cpu, 3),
        "read_variants_wall_s": round(ours_wall, 3),
        "read_variants_cpu_s": round(ours_cpu, 3),
        "ratio": round(ours_wall / bcf_wall, 2),
        "cpu_ratio": round(ours_cpu / bcf_cpu, 2),
        "bcftools_peak_rss_mb": round(bcf_rss / 1024, 1) if first_run else None,
        "read_variants_peak_rss_mb": round(own_rss / 1024, 1),
        "read_variants_worker_peak_rss_mb": round(worker_rss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("vcf")
    parser.add_argument("--out", default="benchmarks/ingest/result.json")
    parser.add_argument("--engine", default="auto", choices=("auto", "text", "cyvcf2", "columnar"))
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--consumer", default="profile", choices=("profile", "table", "list"))
    parser.add_argument(
        "--workers", type=int, default=2, help="read_vcf(workers=...): 2 splits large files"
    )
    args = parser.parse_args()
    runs = []
    for _ in range(args.runs):
        runs.append(one_run(args.vcf, args.engine, args.workers, args.consumer, not runs))
        print(json.dumps(runs[-1]), flush=True)
    ratios = sorted(run["ratio"] for run in runs)
    result = {
        "file": args.vcf,
        "engine": args.engine,
        "workers": args.workers,
        "consumer": args.consumer,
        **runs[-1],
        "ratio_median": ratios[len(ratios) // 2],
        "runs": runs,
        "python": platform.python_version(),
    }
    print(json.dumps(result, indent=2))
    with open(args.out, "w") as handle:
        json.dump(result, handle, indent=2)


if __name__ == "__main__":
    main()
