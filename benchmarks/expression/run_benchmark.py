"""Time score_cohort on a generated matrix; report wall time and peak memory.

Usage: python benchmarks/expression/run_benchmark.py MATRIX.tsv [--mode score|full-read]

score:     score_cohort over every sample column (the score_expression_markers job)
full-read: read_expression_matrix of the whole matrix (the path counts formats take)
Run each mode in its own process: peak RSS (resource.getrusage) is per process.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from nenprofile.ingest.expression import read_expression_matrix
from nenprofile.interpret.expression import score_cohort


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("matrix", type=Path)
    parser.add_argument("--mode", choices=["score", "full-read"], default="score")
    args = parser.parse_args()
    with open(args.matrix) as handle:
        columns = handle.readline().rstrip("\n").split("\t")[2:]
    start = time.perf_counter()
    if args.mode == "score":
        table = score_cohort(args.matrix, {c: c for c in columns})
        shape = f"{len(table)} rows"
    else:
        matrix = read_expression_matrix(args.matrix)
        shape = f"{matrix.tpm.shape[0]} genes x {matrix.tpm.shape[1]} samples"
    wall = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size_mb = args.matrix.stat().st_size / 1e6
    print(
        f"mode={args.mode} matrix={size_mb:.0f} MB samples={len(columns)} result={shape} "
        f"wall={wall:.1f} s peak_rss={peak_mb:.0f} MB"
    )


if __name__ == "__main__":
    main()
