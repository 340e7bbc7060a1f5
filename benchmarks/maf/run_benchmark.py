"""Time the cohort-MAF split against `cut` and `wc -l` of the same file, in one run.

Usage: python benchmarks/maf/run_benchmark.py [--rows 500000 1000000 2000000]
           [--samples 10000] [--runs 2] [--workdir DIR] [--out benchmarks/maf/result.json]

For each size a MAF is generated (generate_maf.py; 10,000 samples, rows interleaved) and
then, each in its own child process and in this order per run: `wc -l FILE`, `cut -f15 FILE`
(the barcode column: the least a split must read), creating the 10,000 empty parts alone (the
fixed cost of one file per sample, whatever the rows) and ingest.variants.maf_split.split_maf
writing one part per sample of the sheet. Wall seconds, CPU seconds and peak RSS (ru_maxrss
of the child) are recorded per run; ratios are split / cut and split / wc -l of the same run.
Linear means: split time = fixed + per-row cost x rows (fit_* in result.json, on the fastest
run of each size), with peak RSS flat.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SPLITTER = """
import json, resource, sys
from nenprofile.ingest.variants.maf_split import split_maf
path, folder, samples = sys.argv[1], sys.argv[2], int(sys.argv[3])
ids = [f"S{i:05d}" for i in range(1, samples + 1)]
summary = split_maf(path, {s: f"{folder}/{s}.maf" for s in ids}, {s: s for s in ids})
print(json.dumps({"rows": summary.source_rows, "unmatched_rows": summary.unmatched_rows,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""
CREATOR = """
import sys
folder, samples = sys.argv[1], int(sys.argv[2])
for i in range(1, samples + 1):
    with open(f"{folder}/S{i:05d}.maf", "wb") as part:
        part.write(b"header")
"""


def timed(command: list[str]) -> tuple[float, float, str]:
    """Wall s and CPU s of one child, and its stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    return folder


def measure(maf: Path, samples: int, scratch: Path) -> dict:
    load = os.getloadavg()[0]
    wc_wall, _, _ = timed(["wc", "-l", str(maf)])
    cut_wall, cut_cpu, _ = timed(["sh", "-c", f"cut -f15 '{maf}' > /dev/null"])
    parts = fresh(scratch / "parts")
    create_wall, create_cpu, _ = timed([sys.executable, "-c", CREATOR, str(parts), str(samples)])
    parts = fresh(parts)
    split_wall, split_cpu, out = timed(
        [sys.executable, "-c", SPLITTER, str(maf), str(parts), str(samples)]
    )
    reported = json.loads(out)
    shutil.rmtree(parts)
    return {
        "load_average_1min_before": round(load, 2),
        "wc_l_wall_s": round(wc_wall, 3),
        "cut_wall_s": round(cut_wall, 3),
        "cut_cpu_s": round(cut_cpu, 3),
        "create_parts_wall_s": round(create_wall, 3),
        "create_parts_cpu_s": round(create_cpu, 3),
        "split_wall_s": round(split_wall, 3),
        "split_cpu_s": round(split_cpu, 3),
        "split_peak_rss_mb": round(reported["peak_rss_mb"], 1),
        "ratio_split_to_cut": round(split_wall / cut_wall, 2),
        "ratio_split_to_wc_l": round(split_wall / wc_wall, 2),
        "rows": reported["rows"],
        "unmatched_rows": reported["unmatched_rows"],
    }


def linear_fit(points: list[tuple[int, float]]) -> dict[str, float]:
    """Least squares seconds = fixed + per_million * rows / 1e6, and R squared."""
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / sxx if sxx else 0.0
    fixed = mean_y - slope * mean_x
    total = sum((y - mean_y) ** 2 for _, y in points)
    residual = sum((y - fixed - slope * x) ** 2 for x, y in points)
    return {
        "fixed_s": round(fixed, 3),
        "per_million_rows_s": round(slope * 1e6, 3),
        "r_squared": round(1 - residual / total, 4) if total else 1.0,
    }


def fastest(size: dict, key: str) -> float:
    return min(run[key] for run in size["runs"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[500_000, 1_000_000, 2_000_000])
    parser.add_argument("--samples", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--out", type=Path, default=HERE / "result.json")
    args = parser.parse_args()
    scratch = Path(args.workdir or tempfile.mkdtemp(prefix="mafbench"))
    sizes = []
    for rows in args.rows:
        maf = scratch / f"cohort_{rows}.maf"
        subprocess.run(
            [sys.executable, str(HERE / "generate_maf.py"), str(maf), "--rows", str(rows),
             "--samples", str(args.samples)],
            check=True,
        )  # fmt: skip
        runs = [measure(maf, args.samples, scratch) for _ in range(args.runs)]
        sizes.append(
            {"rows": rows, "samples": args.samples, "file_mb": round(maf.stat().st_size / 1e6, 1)}
        )
        sizes[-1]["runs"] = runs
        maf.unlink()
        print(json.dumps(sizes[-1]), flush=True)
    result = {
        "what": "cohort MAF split (ingest.variants.maf_split.split_maf) into one part per "
        "sample vs wc -l and cut -f15 of the same file, each in its own child process, in one "
        "run; fits on the fastest run of each size",
        "fit_split_wall_s": linear_fit([(s["rows"], fastest(s, "split_wall_s")) for s in sizes]),
        "fit_split_cpu_s": linear_fit([(s["rows"], fastest(s, "split_cpu_s")) for s in sizes]),
        "fit_cut_wall_s": linear_fit([(s["rows"], fastest(s, "cut_wall_s")) for s in sizes]),
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {platform.system()}, {os.cpu_count()} CPUs",
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "sizes": sizes,
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    if not args.workdir:
        shutil.rmtree(scratch)


if __name__ == "__main__":
    main()
