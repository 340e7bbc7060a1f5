"""Report-side speed in one run, as ratios: a one-sample 1M-record run vs `bcftools view`,
PDF CPU seconds per sample, report size against cohort size, and `snakemake -n` at scale.

    python benchmarks/report/run_benchmark.py --out /tmp/benchreport
        [--records 1000000] [--mixes uniform,wgs] [--dryrun-samples 10000] [--pdf-repeats 5]
        [--skip-dryrun] [--skip-one-sample] [--one-sample-repeats 5]
        [--cohort-results DIR [--batch-reports 20]]

1. one sample: a synthetic VEP VCF (benchmarks/ingest/generate_vcf.py) as a one-row cohort,
   `snakemake --cores 2` from command to report with PDF, against `bcftools view FILE` on the
   same file, once per consequence mix: `uniform` (every term equally likely, half the
   transcripts coding: the only file before) and `wgs` (1.5 % coding, as in a whole-genome
   VCF). The two commands run in turns (--one-sample-repeats pairs, wall and CPU of each
   child and its descendants), after one untimed workflow run, in a user's environment
   (PYTHONDONTWRITEBYTECODE unset); the median pair's ratio is the figure. Where each run's
   seconds went: Snakemake's fixed start-up (a `snakemake -n` of the finished cohort, with the
   SLURM executor plugin's `scontrol show config` probe timed on its own), each job's own
   timing line from its log (interpreter start-up CPU, wall, CPU with child processes; the
   profiling job also splits reading the variants from the rest), and what is left: job
   spawning and Snakemake's bookkeeping between jobs.
2. PDF: CPU seconds per report for the demo-like fixture reports and the one-sample reports,
   by each engine (--pdf-engines; Chromium's browser processes counted), after one warm-up
   render (the first render also pays imports, the browser's start and font loading;
   reported apart); with --cohort-results also the printouts of its first three samples.
   With --cohort-results (a finished cohort, e.g. /tmp/c1000/results/
   bench1000): one report batch of --batch-reports (20) cohort-size reports run as the
   workflow's job runs it (render_batch.py), with and without PDFs, every descendant's CPU
   counted: the PDFs' CPU per report with the browser's start and its helper processes.
3. cohort context: a sample report's HTML/JSON size with a 10- and a 1,000-sample context.
4. `snakemake -n` for --dryrun-samples samples (benchmarks/dryrun/run_dryrun.py's cohort).
Writes <out>/result.json and prints it, with the load average before and after (the machine
may be shared: wall times then inflate, ratios within one run stay comparable).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "data" / "report"
sys.path.insert(0, str(REPO / "benchmarks" / "dryrun"))
sys.path.insert(0, str(REPO / "benchmarks" / "cohort"))

JOB_TIMING = re.compile(
    r"INFO timing: start-up (?P<startup>[\d.]+) CPU-s; job (?P<wall>[\d.]+) s wall, "
    r"(?P<cpu>[\d.]+) CPU-s$"
)
PROFILE_TIMING = re.compile(
    r"INFO timing \S+: variants read and variants.tsv.gz written in (?P<read>[\d.]+) s; .* in "
    r"(?P<rest>[\d.]+) s$"
)
# the jobs of a one-sample run in the order they must run; side by side within a stage
# (record_provenance waits for the profiling job's two threads; render_cohort_report needs
# the cohort tables and provenance, not the sample reports)
CRITICAL_PATH = (
    ("profile_sample",),
    ("combine_cohort_tables", "record_provenance"),
    ("render_sample_reports", "render_cohort_report"),
)


def become_subreaper() -> None:
    """Adopt orphaned descendants (Linux), so their CPU counts: a report job ends Chromium by
    killing its process group, and the browser's helpers outlive the browser by a moment."""
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def reap_orphans() -> None:
    """Wait for every adopted descendant, adding its CPU to RUSAGE_CHILDREN."""
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return


def timed(command: list[str], **kwargs) -> tuple[float, float, subprocess.CompletedProcess]:
    """Wall seconds and CPU seconds (user + system, the child and every descendant, adopted
    orphans included: become_subreaper). Orphans adopted earlier (the helpers of a browser
    pdf_cost closed) are reaped first: their CPU is not this command's."""
    reap_orphans()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(command, check=False, **kwargs)
    wall = time.perf_counter() - start
    reap_orphans()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc


def write_one_sample_cohort(vcf: Path, out: Path) -> None:
    config = out / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "samples.tsv").write_text(
        "sample\tvcf\ttumor_site\tdifferentiation\tki67\tmsi_status\tgenome_build\n"
        f"BIG1\t{vcf.resolve()}\tpancreas\tpoor\t60\tMSS\tGRCh38\n"
    )
    (config / "config.yaml").write_text(
        "cohort: one\nsamples: config/samples.tsv\ngenome_build: GRCh38\n"
        "expression:\n  matrix: null\n"
        "tmb:\n  target_size_mb: 33.0\n  high_threshold: 10\n"
        "filters:\n  pass_only: true\n  max_population_af: 0.01\n"
        'report:\n  title: One-sample benchmark\n  date: "2026-01-15"\n  pdf: true\n'
    )


def user_environment(python: str) -> dict[str, str]:
    """This process's environment as a user's shell has it with python's environment
    activated: this machine sets PYTHONDONTWRITEBYTECODE, users do not, so their Python reads
    cached bytecode of every module instead of compiling it again in each of the run's
    interpreters."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PATH"] = f"{Path(python).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def one_sample(out: Path, records: int, mix: str, repeats: int, python: str) -> dict:
    """`bcftools view` and the one-sample workflow run in turns (repeats pairs, after one
    untimed workflow run that writes the bytecode caches, as a user's first run would): the
    VM's speed drifts by tens of percent within minutes, so each ratio compares the two
    commands run a few seconds apart, and the median pair is the figure."""
    vcf = out / (f"big{records}.vcf.gz" if mix == "uniform" else f"big{records}.{mix}.vcf.gz")
    if not vcf.is_file():
        generator = REPO / "benchmarks" / "ingest" / "generate_vcf.py"
        subprocess.run(
            [sys.executable, str(generator), str(vcf), "--records", str(records), "--mix", mix],
            check=True,
        )
    workdir = out / ("one" if mix == "uniform" else f"one_{mix}")
    write_one_sample_cohort(vcf, workdir)
    command = [
        *(python, "-m", "snakemake", "-s", str(REPO / "Snakefile")),
        *("-d", str(workdir), "--cores", "2", "all"),
    ]
    env = user_environment(python)
    workflow_run(command, workdir, mix, out, env)  # warm-up: bytecode caches, page cache
    pairs = []
    for _ in range(repeats):
        bcftools_wall, bcftools_cpu, _ = timed(
            ["bcftools", "view", str(vcf)], stdout=subprocess.DEVNULL
        )
        load_before = os.getloadavg()[0]
        wall, cpu = workflow_run(command, workdir, mix, out, env)
        jobs = job_timings(workdir / "logs" / "one")
        pairs.append({
            "bcftools_view": {"wall_s": round(bcftools_wall, 2), "cpu_s": round(bcftools_cpu, 2)},
            "snakemake": {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2)},
            "ratio_wall": round(wall / bcftools_wall, 2),
            "ratio_cpu": round(cpu / bcftools_cpu, 2),
            "load_average_1min_before": round(load_before, 2),
            "jobs": jobs,
            "breakdown_wall_s": breakdown(wall, startup_cost(command, env), jobs),
        })  # fmt: skip
    middle = sorted(pairs, key=lambda pair: pair["ratio_wall"])[(len(pairs) - 1) // 2]
    return {
        "records": records,
        "consequence_mix": mix,
        "python": python,
        "environment": "PYTHONDONTWRITEBYTECODE unset, after one untimed run",
        "ratio_wall_median": middle["ratio_wall"],
        "ratios_wall": [pair["ratio_wall"] for pair in pairs],
        "median_pair": middle,
        "pairs": pairs,
        "report_html": str(workdir / "results/one/samples/BIG1/BIG1.report.html"),
        "report_json": str(workdir / "results/one/samples/BIG1/BIG1.report.json"),
    }


def workflow_run(
    command: list[str], workdir: Path, mix: str, out: Path, env: dict[str, str]
) -> tuple[float, float]:
    """Wall and CPU seconds of one run from a clean working directory."""
    for stale in ("results", "logs", ".snakemake"):
        shutil.rmtree(workdir / stale, ignore_errors=True)
    wall, cpu, proc = timed(command, capture_output=True, text=True, env=env)
    log = proc.stdout + proc.stderr
    (out / f"one_sample_snakemake.{mix}.log").write_text(log)
    if proc.returncode != 0:
        sys.stderr.write(log[-4000:])
        raise SystemExit("one-sample run failed")
    return wall, cpu


def job_timings(logs: Path) -> dict[str, dict[str, float]]:
    """Each job's timing line (jobs.runner.job_timing) by rule, batch suffix dropped; the
    profiling job's split between reading the variants and the rest."""
    jobs: dict[str, dict[str, float]] = {}
    for log in sorted(logs.glob("*/*.log")):
        rule = re.sub(r"_\d+$", "", log.parent.name)
        entry: dict[str, float] = {}
        for line in log.read_text().splitlines():
            if match := JOB_TIMING.match(line):
                entry.update({
                    "startup_cpu_s": float(match["startup"]),
                    "wall_s": float(match["wall"]),
                    "cpu_s": float(match["cpu"]),
                })  # fmt: skip
            elif match := PROFILE_TIMING.match(line):
                entry["read_variants_and_table_s"] = float(match["read"])
                entry["interpret_match_write_s"] = float(match["rest"])
        jobs[rule] = entry
    return jobs


def startup_cost(command: list[str], env: dict[str, str]) -> dict[str, float]:
    """Snakemake's fixed cost before any job: a dry run of the finished cohort (imports,
    executor plugins, the Snakefile, the DAG and its up-to-date checks), and within it the SLURM
    executor plugin's `scontrol show config` probe, which it runs on import when `sinfo` is
    on PATH and which waits out its connect timeout when no slurmctld answers."""
    wall, cpu, _ = timed([*command, "-n"], capture_output=True, text=True, env=env)
    cost = {"dry_run_of_finished_cohort_wall_s": round(wall, 2), "cpu_s": round(cpu, 2)}
    if shutil.which("sinfo") and shutil.which("scontrol"):
        start = time.perf_counter()
        # the plugin's own timeout: it gives up after 10 s
        with contextlib.suppress(subprocess.TimeoutExpired):
            subprocess.run(["scontrol", "show", "config"], capture_output=True, timeout=10)
        cost["slurm_plugin_scontrol_probe_wall_s"] = round(time.perf_counter() - start, 2)
    return cost


def breakdown(total: float, startup: dict[str, float], jobs: dict[str, dict]) -> dict:
    """The run's wall seconds: Snakemake's start-up, each job on the critical path by its own
    timing line, and the rest (interpreter start-up of each job, Snakemake's bookkeeping and
    scheduling between jobs, its shutdown)."""
    start = startup["dry_run_of_finished_cohort_wall_s"]
    path = {}
    for stage in CRITICAL_PATH:
        walls = {rule: jobs.get(rule, {}).get("wall_s", 0.0) for rule in stage}
        slowest = max(walls, key=lambda rule: walls[rule])
        path[slowest] = walls[slowest]
    probe = startup.get("slurm_plugin_scontrol_probe_wall_s", 0.0)
    rest = total - start - sum(path.values())
    return {
        "snakemake_startup": round(start - probe, 2),
        "slurm_plugin_probe": probe,
        **{f"job_{rule}": round(wall, 2) for rule, wall in path.items()},
        "job_spawn_and_scheduling": round(rest, 2),
        "total": round(total, 2),
        "total_without_slurm_probe": round(total - probe, 2),
    }


def fixture_report(name: str, context: dict) -> dict:
    """The report data of a test fixture (tests/data/report/<name>.json) in `context`."""
    from nenprofile.report import build_report_data

    f = json.loads((FIXTURES / f"{name}.json").read_text())
    parts = ("sample_info", "ingest", "alterations", "biomarkers", "therapies")
    provenance = json.loads((FIXTURES / "provenance.json").read_text())
    return build_report_data(*(f[k] for k in parts), provenance, cohort_context=context)


def fixture_reports() -> list[str]:
    import pandas as pd

    from nenprofile.report import render_sample_html
    from nenprofile.report.context import build_cohort_context

    context = build_cohort_context(
        pd.read_csv(FIXTURES / "cohort_biomarkers.tsv", sep="\t"),
        pd.read_csv(FIXTURES / "cohort_markers.tsv", sep="\t"),
    )
    return [render_sample_html(fixture_report(n, context)) for n in ("NEN01", "NEN02", "XSS01")]


def tree_cpu_seconds() -> float:
    """CPU seconds (user + system) of this process and every live descendant, such as the
    headless Chromium printing the PDFs, each with its reaped children, from /proc (Linux)."""
    stats: dict[int, tuple[int, float]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # fields after the name: state ppid ... utime stime cutime cstime (12th-15th)
        stats[int(stat.parent.name)] = (int(fields[1]), sum(map(int, fields[11:15])))
    tree, frontier = {os.getpid()}, [os.getpid()]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, (ppid, _) in stats.items() if ppid == parent]
        tree.update(children)
        frontier.extend(children)
    ticks = sum(stats[pid][1] for pid in tree if pid in stats)
    return ticks / os.sysconf("SC_CLK_TCK")


def printout_html(report_json: Path) -> str:
    """The page a report's PDF is printed from (rows per table limited as configured)."""
    from nenprofile.report import render_sample_html

    return render_sample_html(json.loads(report_json.read_text()), printout=True)


def pdf_cost(pages: list[str], repeats: int, engine: str) -> dict:
    """CPU seconds per PDF by `engine`, this process and the browser's together, after one
    warm-up render (the first render also pays imports, the browser's start and fonts)."""
    import tempfile

    start = tree_cpu_seconds()
    from nenprofile.report.pdf import pdf_printer

    with pdf_printer(engine) as printer, tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "report.pdf"
        printer.write(pages[0], target)
        first = tree_cpu_seconds() - start
        per_page = []
        for page in pages:
            begin = tree_cpu_seconds()
            for _ in range(repeats):
                printer.write(page, target)
            per_page.append(round((tree_cpu_seconds() - begin) / repeats, 3))
    return {
        "engine": printer.engine,
        "first_render_with_start_cpu_s": round(first, 2),
        "cpu_s_per_pdf": per_page,
        "mean_cpu_s_per_pdf": round(sum(per_page) / len(per_page), 3),
        "html_bytes": [len(p) for p in pages],
    }


def cohort_report_jsons(results: Path) -> list[Path]:
    """The report.json of each sample of a finished cohort, in sample order."""
    return sorted((results / "samples").glob("*/*.report.json"))


def cohort_batch_cost(results: Path, out: Path, samples: int) -> dict:
    """A report batch of `samples` cohort-size reports (the first of a finished cohort,
    render_batch.py), with and without PDFs: wall and CPU of the job and every descendant
    (the browser's helper processes, reaped by this subreaper, included), so the PDFs' CPU
    has the browser's start amortised over the batch."""
    script = Path(__file__).with_name("render_batch.py")
    runs = {}
    for name, extra in (("with_pdf", []), ("without_pdf", ["--no-pdf"])):
        command = [sys.executable, str(script), str(results), str(out / f"batch_{name}")]
        wall, cpu, proc = timed([*command, "--samples", str(samples), *extra])
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed ({proc.returncode})")
        runs[name] = {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2)}
    pdf_cpu = runs["with_pdf"]["cpu_s"] - runs["without_pdf"]["cpu_s"]
    return {
        "results": str(results),
        "reports": samples,
        **runs,
        "cpu_s_per_report_with_pdf": round(runs["with_pdf"]["cpu_s"] / samples, 3),
        "pdf_cpu_s_per_report": round(pdf_cpu / samples, 3),
    }


def context_sizes() -> dict:
    import random

    import pandas as pd

    from nenprofile.report import render_sample_html
    from nenprofile.report.context import build_cohort_context

    sizes = {}
    for n in (10, 1000):
        rng = random.Random(n)
        samples = [f"S{i}" for i in range(n)]
        biomarkers = pd.DataFrame({"sample": samples, "tmb": [rng.uniform(0, 60) for _ in samples]})
        markers = pd.DataFrame(
            [{"sample": s, "marker": "DLL3", "percentile": rng.uniform(0, 100)} for s in samples]
        )
        start = time.process_time()
        data = fixture_report("NEN02", build_cohort_context(biomarkers, markers))
        html = render_sample_html(data)
        sizes[str(n)] = {
            "html_bytes": len(html),
            "json_bytes": len(json.dumps(data)),
            "build_and_render_cpu_s": round(time.process_time() - start, 3),
        }
    return sizes


def dryrun(out: Path, samples: int) -> dict:
    from run_dryrun import make_sheet_cohort, time_dryrun

    folder = out / f"dryrun{samples}"
    if not (folder / "config" / "config.yaml").is_file():
        make_sheet_cohort(samples, folder)
    return {"samples": samples, **time_dryrun(folder)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument(
        "--mixes",
        default="uniform,wgs",
        help="consequence mixes of the one-sample VCF (generate_vcf.py --mix), comma-separated",
    )
    parser.add_argument(
        "--python",
        default=sys.executable,
        help="the interpreter of the environment the one-sample workflow runs in, e.g. a "
        "venv made by the README's install line (its bin folder goes first on PATH)",
    )
    parser.add_argument("--dryrun-samples", type=int, default=10_000)
    parser.add_argument("--pdf-repeats", type=int, default=5)
    parser.add_argument("--skip-dryrun", action="store_true")
    parser.add_argument("--skip-one-sample", action="store_true")
    parser.add_argument(
        "--one-sample-repeats",
        type=int,
        default=5,
        help="pairs of `bcftools view` and the workflow run in turns; the median pair counts",
    )
    parser.add_argument(
        "--pdf-engines", default="chromium,weasyprint", help="engines to time, comma-separated"
    )
    parser.add_argument(
        "--cohort-results",
        type=Path,
        help="a finished cohort's results/<cohort> folder (benchmarks/cohort): time a report "
        "batch of its first --batch-reports samples with and without PDFs",
    )
    parser.add_argument("--batch-reports", type=int, default=20)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    become_subreaper()
    result: dict = {
        "machine": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
    }
    pages = fixture_reports()
    if not args.skip_one_sample:
        for mix in args.mixes.split(","):
            key = "one_sample" if mix == "uniform" else f"one_sample_{mix}"
            result[key] = one_sample(
                args.out, args.records, mix, args.one_sample_repeats, args.python
            )
            pages.append(printout_html(Path(result[key]["report_json"])))
    if args.cohort_results:  # three cohort-size printouts (14-15 A4 pages each) timed too
        pages += [printout_html(path) for path in cohort_report_jsons(args.cohort_results)[:3]]
    result["pdf"] = {
        engine: pdf_cost(pages, args.pdf_repeats, engine) for engine in args.pdf_engines.split(",")
    }
    if args.cohort_results:
        result["pdf"]["cohort_batch"] = cohort_batch_cost(
            args.cohort_results, args.out, args.batch_reports
        )
    result["report_size_by_cohort"] = context_sizes()
    if not args.skip_dryrun:
        result["dryrun"] = dryrun(args.out, args.dryrun_samples)
    result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    text = json.dumps(result, indent=2)
    (args.out / "result.json").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
