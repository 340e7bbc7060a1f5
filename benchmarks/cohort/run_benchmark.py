"""Run the whole workflow on a synthetic cohort and record wall time, CPU and peak memory.

    python benchmarks/cohort/run_benchmark.py --samples 100 --out /tmp/bench100 [--pdf]

Generates the cohort (make_cohort.py) unless <out>/config exists, runs
    /usr/bin/time -v python -m snakemake -s Snakefile -d <out> --cores 2 \
        --max-jobs-per-timespan 1000/10s
and samples the process tree every 0.2 s: each snakemake `script:` job is a python process
running .snakemake/scripts/tmp*.<rule>.py, so peak RSS and CPU seconds are kept per job and
summarised per rule. Sampling can miss a peak shorter than 0.2 s; CPU per job is the last
sample (a lower bound). Prints a JSON summary and writes it to <out>/benchmark.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_cohort import CohortSpec, batch_size, make_cohort

REPO = Path(__file__).resolve().parents[2]
SCRIPT_JOB = re.compile(r"\.snakemake/scripts/tmp[^/ ]*\.(?P<rule>\w+)\.py")
TICKS = os.sysconf("SC_CLK_TCK")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


@dataclass
class JobSample:
    rule: str
    peak_rss_mb: float = 0.0
    cpu_s: float = 0.0


@dataclass
class RuleSummary:
    jobs: int
    max_peak_rss_mb: float
    mean_cpu_s: float
    total_cpu_s: float


@dataclass
class RunSummary:
    samples: int
    pdf: bool
    profile_batch_size: int | str
    exit_code: int
    wall_s: float
    user_cpu_s: float
    system_cpu_s: float
    cpu_s_per_sample: float
    snakemake_max_rss_mb: float
    rules: dict[str, RuleSummary] = field(default_factory=dict)


def _children(pid: int) -> list[int]:
    """Children of every thread: snakemake starts jobs from worker threads."""
    kids = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").glob("*"))
    except OSError:  # the process ended between being listed and being read
        return kids
    for task in tasks:
        try:
            kids += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return kids


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        kids = _children(todo.pop())
        found += kids
        todo += kids
    return found


def _job_stats(pid: int) -> tuple[str, float, float] | None:
    """(rule, rss MB, cpu s) of a snakemake script job, None for other processes."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        rss_pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    match = SCRIPT_JOB.search(cmdline)
    if not match:
        return None
    cpu = (int(stat[11]) + int(stat[12])) / TICKS  # utime + stime
    return match.group("rule"), rss_pages * PAGE_KB / 1024, cpu


def sample_jobs(root: int, stop: threading.Event, jobs: dict[int, JobSample]) -> None:
    while not stop.is_set():
        for pid in _descendants(root):
            stats = _job_stats(pid)
            if stats:
                rule, rss, cpu = stats
                job = jobs.setdefault(pid, JobSample(rule))
                job.peak_rss_mb = max(job.peak_rss_mb, rss)
                job.cpu_s = max(job.cpu_s, cpu)
        stop.wait(0.2)


def summarise_rules(jobs: dict[int, JobSample]) -> dict[str, RuleSummary]:
    by_rule: dict[str, list[JobSample]] = {}
    for job in jobs.values():
        by_rule.setdefault(job.rule, []).append(job)
    return {
        rule: RuleSummary(
            jobs=len(items),
            max_peak_rss_mb=round(max(j.peak_rss_mb for j in items), 1),
            mean_cpu_s=round(sum(j.cpu_s for j in items) / len(items), 2),
            total_cpu_s=round(sum(j.cpu_s for j in items), 1),
        )
        for rule, items in sorted(by_rule.items())
    }


def parse_time_v(text: str) -> dict[str, float]:
    """User/system seconds and max RSS (kB) from GNU time -v output."""
    wanted = {
        "User time (seconds)": "user",
        "System time (seconds)": "system",
        "Maximum resident set size (kbytes)": "max_rss_kb",
    }
    values = {}
    for line in text.splitlines():
        key, _, value = line.strip().rpartition(": ")
        if key in wanted:
            values[wanted[key]] = float(value)
    return values


def run(samples: int, out: Path, pdf: bool, cores: int, batch: int | str = "auto") -> RunSummary:
    if not (out / "config" / "config.yaml").is_file():
        make_cohort(CohortSpec(samples=samples, pdf=pdf, profile_batch_size=batch), out)
    command = [
        "/usr/bin/time", "-v", sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"),
        "-d", str(out), "--cores", str(cores), "--keep-going", "--quiet", "rules",
        # what README.md advises for hundreds of samples on one machine
        "--max-jobs-per-timespan", "1000/10s",
    ]  # fmt: skip
    jobs: dict[int, JobSample] = {}
    stop = threading.Event()
    with open(out / "snakemake.log", "w") as log:
        start = time.monotonic()
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.PIPE, text=True, cwd=out)
        sampler = threading.Thread(target=sample_jobs, args=(process.pid, stop, jobs))
        sampler.start()
        _, stderr = process.communicate()
        wall = time.monotonic() - start
        stop.set()
        sampler.join()
        log.write(stderr)
    timing = parse_time_v(stderr)
    return RunSummary(
        samples=samples,
        pdf=pdf,
        profile_batch_size=batch,
        exit_code=process.returncode,
        wall_s=round(wall, 1),
        user_cpu_s=timing.get("user", 0.0),
        system_cpu_s=timing.get("system", 0.0),
        cpu_s_per_sample=round((timing.get("user", 0) + timing.get("system", 0)) / samples, 2),
        snakemake_max_rss_mb=round(timing.get("max_rss_kb", 0) / 1024, 1),
        rules=summarise_rules(jobs),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--pdf", action="store_true")
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument(
        "--profile-batch-size", type=batch_size, default="auto", help="config profile_batch_size"
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    summary = run(args.samples, args.out, args.pdf, args.cores, args.profile_batch_size)
    text = json.dumps(asdict(summary), indent=2)
    (args.out / "benchmark.json").write_text(text + "\n")
    print(text)
    sys.exit(summary.exit_code)


if __name__ == "__main__":
    main()
