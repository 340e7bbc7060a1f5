# Sheet and config loading, validation and input functions. No rules here.

import gc
import inspect
import os
from functools import cache
from pathlib import Path

from snakemake.exceptions import WorkflowError
from snakemake.utils import update_config

from nenprofile.errors import InputError
from nenprofile.ingest.sheet import (
    PATH_COLUMNS,
    check_config_paths,
    load_cohort_config,
    load_sample_sheet,
    sheet_files,
    validate_config,
)
from nenprofile.ingest.variants import cpu_need
from nenprofile.io.validation import load_schema
from nenprofile.settings import CONFIG_SCHEMA, SAMPLES_SCHEMA
from nenprofile.layout import (
    PROVENANCE_FILES,
    REPORT_TABLES,
    Layout,
    error_record_path,
    maf_key,
)

DEFAULT_CONFIG = "config/config.yaml"

# Snakemake and the modules above are loaded and live until the exit: out of the collector's
# way, the collections while the DAG is built and the jobs run do not walk them again
gc.freeze()


def load_workflow_config():
    """The cohort config, read by nenprofile as plain YAML (never YTE-templated) with the
    --config key=value overrides on top; returns its path."""
    if workflow.configfiles:
        raise InputError(
            "--configfile is not supported: Snakemake reads it with YTE templating, which "
            "runs code written in the file.",
            path=", ".join(str(f) for f in workflow.configfiles),
            fix="give the cohort config as --config cohort_config=PATH (read as plain YAML)",
        )
    path = config.get("cohort_config", DEFAULT_CONFIG)
    loaded = load_cohort_config(path)
    update_config(loaded, {k: v for k, v in config.items() if k != "cohort_config"})
    config.clear()
    config.update(loaded)
    return str(path)


try:
    CONFIG_PATH = load_workflow_config()
    validate_config(config, CONFIG_SCHEMA, source=CONFIG_PATH)
    check_config_paths(config, source=CONFIG_PATH)
    SHEET = load_sample_sheet(
        config["samples"],
        SAMPLES_SCHEMA,
        default_build=config["genome_build"],
    )
except InputError as error:
    raise WorkflowError(str(error)) from None

for _warning in SHEET.warnings:
    logger.warning(f"WARNING: {_warning}")

LAYOUT = Layout(config["cohort"])
# the sheet columns that name a sample's small-variant file; its other path columns are
# further inputs of the profiling job, under their column name
VARIANT_COLUMNS = ("vcf", "maf")
SAMPLES = SHEET.samples
HAS_EXPRESSION = bool(config["expression"]["matrix"])
WANT_PDF = bool(config["report"]["pdf"])


def job_function(function):
    """For a function Snakemake calls per job (input, params, threads, resources): Snakemake
    looks up its signature on every call, and a precomputed one costs a fifth (about 70 of
    95 microseconds a call; a 10,000-sample dry run makes some 150,000 such calls)."""
    function.__signature__ = inspect.signature(function)
    return function


def batches_of(samples, size):
    """Consecutive sheet samples, `size` per batch (the last one may be shorter)."""
    return [samples[i : i + size] for i in range(0, len(samples), size)]


def profile_batch_size(setting, samples):
    """config profile_batch_size: a number, or `auto` (the schema's x-auto: one job per sample
    below min_samples samples, else batches of batch_size)."""
    if setting != "auto":
        return setting
    auto = load_schema(CONFIG_SCHEMA)["properties"]["profile_batch_size"]["x-auto"]
    return 1 if len(samples) < auto["min_samples"] else auto["batch_size"]


PROFILE_BATCH_SIZE = profile_batch_size(config["profile_batch_size"], SAMPLES)
PROFILE_BATCHES = batches_of(SAMPLES, PROFILE_BATCH_SIZE)
PROFILE_BATCH_OF = {s: b for b, batch in enumerate(PROFILE_BATCHES, start=1) for s in batch}
# at most 50 reports per job (each job starts an interpreter and a browser: about 2.3 CPU-s,
# 0.05 CPU-s per report in batches of 50, 0.12 in batches of 20), and at least four jobs from
# four samples on, so small cohorts still render in parallel
REPORT_BATCH_SIZE = max(1, min(50, -(-len(SAMPLES) // 4)))
REPORT_BATCHES = batches_of(SAMPLES, REPORT_BATCH_SIZE)


# what rules downstream of the reports depend on: one manifest per batch instead of one file
# per sample (a job asked for N files of a producer with N inputs makes Snakemake's DAG
# building quadratic in N)
REPORT_BATCH_MANIFESTS = [
    LAYOUT.report_batch_manifest(b) for b in range(1, len(REPORT_BATCHES) + 1)
]


# the sheet schema's sample-id pattern: cheap to match even for thousands of samples
SAMPLE_PATTERN = load_schema(SAMPLES_SCHEMA)["properties"]["sample"]["pattern"]


wildcard_constraints:
    sample=SAMPLE_PATTERN.strip("^$"),


@job_function
def get_sample_record(wildcards):
    return SHEET.rows[wildcards.sample]


def mafs_read_by_several(samples):
    """MAF path -> the samples reading it, for each MAF that two or more sheet rows read."""
    readers = {}
    for sample in samples:
        maf = SHEET.rows[sample].get("maf")
        if maf and not SHEET.rows[sample].get("vcf"):
            readers.setdefault(maf, []).append(sample)
    return {maf: found for maf, found in readers.items() if len(found) > 1}


COHORT_MAFS = mafs_read_by_several(SAMPLES)
COHORT_MAF_OF = {s: maf for maf, found in COHORT_MAFS.items() for s in found}


def maf_parts(maf):
    """sample -> its part of this cohort MAF."""
    return {s: LAYOUT.maf_part(maf, s) for s in COHORT_MAFS[maf]}


def maf_barcodes(samples):
    """sample -> the Tumor_Sample_Barcode of its rows: tumor_sample, else the sample id."""
    return {s: SHEET.rows[s].get("tumor_sample") or s for s in samples}


def split_maf_log(maf):
    return LAYOUT.log("split_maf", maf_key(maf))


@job_function
def mem_mb_split_maf(wildcards, attempt):
    return 1000 * attempt


@job_function
def runtime_split_maf(wildcards, input, attempt):
    """Minutes: the split reads about 100 MB of MAF a second; 1 minute per GB is generous."""
    return (10 + int(input.size_mb / 1000)) * attempt


def variant_input(sample):
    """A sample's small-variant files: its VCF(s), its part of a cohort MAF, or its own MAF."""
    record = SHEET.rows[sample]
    if sample in COHORT_MAF_OF:
        return [LAYOUT.maf_part(COHORT_MAF_OF[sample], sample)]
    return sheet_files(record, "vcf" if "vcf" in record else "maf")


def profile_inputs(sample):
    record = SHEET.rows[sample]
    inputs = {"variants": variant_input(sample)}
    for column in PATH_COLUMNS:
        if column in record and column not in VARIANT_COLUMNS:
            inputs[column] = record[column]
    if HAS_EXPRESSION:
        inputs["markers"] = LAYOUT.cohort_file("expression_markers")
        inputs["expression_input"] = LAYOUT.cohort_file("expression_input")
    return inputs


@job_function
def get_profile_inputs(wildcards):
    return profile_inputs(wildcards.sample)


def profile_batch_inputs(samples):
    """Every input file of these samples, once each, in sheet order."""
    return list(
        dict.fromkeys(
            p
            for s in samples
            for value in profile_inputs(s).values()
            for p in ([value] if isinstance(value, str) else value)
        )
    )


def profile_batch_log(batch):
    return LAYOUT.log("profile_sample", f"batch{batch}")


def profile_batch_outputs(batch):
    """What a batch's profiling job declares: its manifest, not its samples' tables (fewer
    files for Snakemake to track: the job writes and replaces the tables itself), and those
    tables that went missing since (rule all asks for them, so Snakemake profiles the batch
    again, as it would for a missing declared output: a deleted sample folder is redone)."""
    outputs = {"manifest": LAYOUT.profile_batch_manifest(batch)}
    if MISSING_TABLES.get(batch):
        outputs["missing_tables"] = MISSING_TABLES[batch]
    return outputs


def find_missing_tables(batches):
    """batch number -> the tables of its samples that are missing although the batch's
    manifest exists (in a finished run: none)."""
    missing = {}
    for batch, samples in enumerate(batches, start=1):
        if os.path.exists(LAYOUT.profile_batch_manifest(batch)):
            tables = (path for s in samples for path in LAYOUT.profile_outputs(s).values())
            missing[batch] = [path for path in tables if not os.path.exists(path)]
    return missing


MISSING_TABLES = find_missing_tables(PROFILE_BATCHES) if PROFILE_BATCH_SIZE > 1 else {}


def profiled_inputs(samples, names):
    """What a job reading these samples' tables (`names` of layout.SAMPLE_TABLES) depends
    on: one job per sample, the tables; in batches, the manifests of the batches holding the
    samples (input `profiled`, which the job runner expands into the tables)."""
    if PROFILE_BATCH_SIZE == 1:
        return {name: [LAYOUT.sample_file(s, name) for s in samples] for name in names}
    batches = dict.fromkeys(PROFILE_BATCH_OF[s] for s in samples)
    return {"profiled": [LAYOUT.profile_batch_manifest(b) for b in batches]}


def profile_log(sample):
    """The log of the job that profiles this sample (its own, or its batch's)."""
    if PROFILE_BATCH_SIZE == 1:
        return LAYOUT.log("profile_sample", sample)
    return profile_batch_log(PROFILE_BATCH_OF[sample])


@job_function
def runtime_profile_batch(wildcards, attempt):
    return (10 + 2 * PROFILE_BATCH_SIZE) * attempt


@job_function
def get_expression_inputs(wildcards):
    inputs = {"matrix": config["expression"]["matrix"]}
    if config["expression"]["reference"]:
        inputs["reference"] = config["expression"]["reference"]
    return inputs


@job_function
def get_expression_ids(wildcards):
    return {s: SHEET.rows[s].get("expression_id") for s in SAMPLES}


@job_function
def get_explicit_expression_ids(wildcards):
    return sorted(s for s in SAMPLES if SHEET.rows[s].get("expression_id_explicit"))


@job_function
def cohort_tables_inputs(wildcards):
    inputs = profiled_inputs(SAMPLES, ("alterations", "biomarkers", "therapies"))
    if HAS_EXPRESSION:
        inputs["markers"] = LAYOUT.cohort_file("expression_markers")
    return inputs


def sample_reports_inputs(samples):
    """A batch's sample tables, plus the cohort context computed once for every report."""
    inputs = profiled_inputs(samples, REPORT_TABLES)
    inputs["context"] = LAYOUT.cohort_file("report_context")
    inputs["provenance"] = LAYOUT.provenance_file("provenance")
    return inputs


def sample_report_files(samples, name):
    return [LAYOUT.sample_file(s, name) for s in samples]


def sample_report_html_outputs(samples):
    """One report() entry per sample, so `snakemake --report` labels each by its sample."""
    caption = "../report/sample_report.rst"
    entries = []
    for sample in samples:
        html = LAYOUT.sample_file(sample, "html")
        labels = {"sample": sample}
        entries.append(report(html, caption=caption, category="Tumor board reports", labels=labels))
    return entries


@job_function
def runtime_sample_reports(wildcards, attempt):
    """Minutes for one batch (about 0.3 s per report, 2.5 s with a PDF), generously."""
    seconds = REPORT_BATCH_SIZE * (2.5 if WANT_PDF else 0.3)
    return (10 + int(seconds / 60)) * attempt


def provenance_outputs():
    return {name: LAYOUT.provenance_file(name) for name in PROVENANCE_FILES}


def inherit_resource_overrides(family, rule_name):
    """--set-resources and --set-threads given for a rule family (profile_sample,
    render_sample_reports) apply to each of its generated batch rules too, unless that
    batch rule has its own. Must run before the batch rule is defined."""
    settings = workflow.resource_settings
    for overrides in (
        settings._parsed_overwrite_resources,
        settings._parsed_overwrite_threads,
    ):
        if family in overrides and rule_name not in overrides:
            overrides[rule_name] = overrides[family]


def get_provenance_inputs():
    """(sample, role, path) for every input file, in sheet order."""
    triples = []
    for sample in SAMPLES:
        record = SHEET.rows[sample]
        for role in PATH_COLUMNS:
            for file in sheet_files(record, role):
                triples.append((sample, role, file))
    for role in ("matrix", "reference"):
        if config["expression"][role]:
            triples.append(("cohort", f"expression_{role}", config["expression"][role]))
    triples.append(("cohort", "sample_sheet", str(SHEET.path)))
    return triples


@job_function
def profile_threads(wildcards):
    """2 for a bgzipped VCF large enough that ingest reads it in two processes, else 1."""
    return sample_cpu_need(wildcards.sample)


@cache
def sample_cpu_need(sample):
    """Once per sample: Snakemake asks for a job's threads several times (DAG, dry-run
    listing, scheduling), and each answer stats the sample's files."""
    return max((cpu_need(file) for file in sheet_files(SHEET.rows[sample], "vcf")), default=1)


@job_function
def mem_mb_profile(wildcards, attempt):
    return 1000 * attempt


@job_function
def mem_mb_cohort(wildcards, attempt):
    return 2000 * attempt


def get_final_outputs():
    # each sample's variant table, the one profiling output no rule reads (in batches, the
    # batch manifests); its other tables are inputs of combine_cohort_tables and the report
    # batches, so asking for them here too only made Snakemake look up their producer again
    if PROFILE_BATCH_SIZE == 1:
        outputs = [LAYOUT.sample_file(s, "variants") for s in SAMPLES]
    else:
        outputs = [LAYOUT.profile_batch_manifest(b) for b in range(1, len(PROFILE_BATCHES) + 1)]
        outputs += [path for missing in MISSING_TABLES.values() for path in missing]
    # every sample's report.html/.json/.pdf: outputs of the batch jobs writing these
    outputs += REPORT_BATCH_MANIFESTS
    outputs += [
        LAYOUT.cohort_file(name) for name in ("alterations", "biomarkers", "therapies", "report")
    ]
    outputs.append(LAYOUT.provenance_file("provenance"))
    return outputs


def report_logs():
    """sample -> the log of the job rendering its report."""
    return {
        s: LAYOUT.log("render_sample_reports", f"batch{b}")
        for b, batch in enumerate(REPORT_BATCHES, start=1)
        for s in batch
    }


def failure_log(sample):
    """The log that says why a sample has no tables: its profiling job's, or, when the split
    of its cohort MAF failed before that job could run, the split's."""
    log = profile_log(sample)
    if sample in COHORT_MAF_OF and not Path(log).is_file():
        split_log = split_maf_log(COHORT_MAF_OF[sample])
        if error_record_path(split_log).is_file():
            return split_log
    return log


def report_failed_samples():
    """onerror: a cohort report over the finished samples that lists the failed ones."""
    from nenprofile.jobs.recovery import write_partial_cohort_report

    failed = write_partial_cohort_report(
        LAYOUT,
        {s: failure_log(s) for s in SAMPLES},
        SAMPLES,
        SHEET.rows,
        config["report"],
        report_logs=report_logs(),
    )
    for entry in failed:
        logger.error(f"sample {entry['sample']} failed: {entry['error']}")
    if failed:
        logger.error(
            f"{len(failed)} of {len(SAMPLES)} samples failed; partial cohort report: "
            f"{LAYOUT.cohort_file('report')}"
        )


def end_run_promptly():
    """onsuccess and onerror: Snakemake's process exits once its last job is done, without
    waiting out the job rate limiter's timer or collecting the heap (jobs.finish)."""
    from nenprofile.jobs.finish import end_promptly

    end_promptly()
