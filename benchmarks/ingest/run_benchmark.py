"""Time `bcftools view FILE > /dev/null` and read_variants(FILE) in the same run.

Usage: python benchmarks/ingest/run_benchmark.py FILE.vcf.gz [--out result.json]
                [--engine auto|cyvcf2]
Each side runs in its own child process so ru_maxrss of children measures its peak RSS.
--engine cyvcf2 times the cyvcf2 record source (the "before" of the raw-text fast path).
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time

READER = (
    "import sys\n"
    "from nenprofile.variants.vcf import read_vcf\n"
    "r = read_vcf(sys.argv[1], engine=sys.argv[2])\n"
    "print(len(r.variants), r.counts['records_read'])\n"
)


def timed_child(command: list[str], stdout: int | None) -> tuple[float, int, str]:
    """Wall seconds, peak RSS (kB) of this child, and its stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(command, stdout=stdout, stderr=subprocess.DEVNULL, check=True,
                          text=stdout == subprocess.PIPE)  # fmt: skip
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the max over all children waited for so far, so the runner
    # measures bcftools first; an unchanged value means "at most the earlier peak"
    return wall, max(after, before), proc.stdout or ""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("vcf")
    parser.add_argument("--out", default="benchmarks/ingest/result.json")
    parser.add_argument("--engine", default="auto", choices=("auto", "text", "cyvcf2"))
    args = parser.parse_args()
    with open("/dev/null", "wb") as devnull:
        bcf_wall, bcf_rss, _ = timed_child(["bcftools", "view", args.vcf], devnull.fileno())
    ours_wall, ours_rss, output = timed_child(
        [sys.executable, "-c", READER, args.vcf, args.engine], subprocess.PIPE
    )
    variants, records = (int(x) for x in output.split())
    result = {
        "file": args.vcf,
        "engine": args.engine,
        "records": records,
        "variants_returned": variants,
        "bcftools_view_wall_s": round(bcf_wall, 3),
        "read_variants_wall_s": round(ours_wall, 3),
        "ratio": round(ours_wall / bcf_wall, 2),
        "bcftools_peak_rss_mb": round(bcf_rss / 1024, 1),
        "read_variants_peak_rss_mb": round(ours_rss / 1024, 1),
        "python": platform.python_version(),
    }
    print(json.dumps(result, indent=2))
    with open(args.out, "w") as handle:
        json.dump(result, handle, indent=2)


if __name__ == "__main__":
    main()
