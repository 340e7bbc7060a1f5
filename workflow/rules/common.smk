# Sheet and config loading, validation and input functions. No rules here.

from pathlib import Path

from snakemake.exceptions import WorkflowError

from nenprofile.errors import InputError
from nenprofile.sheet import load_sample_sheet, validate_config
from nenprofile.validation import load_schema

SCHEMAS = Path(workflow.basedir) / "workflow" / "schemas"


def _config_source():
    files = [str(f) for f in (workflow.configfiles or [])]
    return ", ".join(files) if files else "config"


try:
    validate_config(config, SCHEMAS / "config.schema.yaml", source=_config_source())
    SHEET = load_sample_sheet(
        config["samples"],
        SCHEMAS / "samples.schema.yaml",
        default_build=config["genome_build"],
    )
except InputError as error:
    raise WorkflowError(str(error)) from None

for _warning in SHEET.warnings:
    logger.warning(f"WARNING: {_warning}")

COHORT = config["cohort"]
RESULTS = f"results/{COHORT}"
LOGS = f"logs/{COHORT}"
SAMPLES = SHEET.samples
HAS_EXPRESSION = bool(config["expression"]["matrix"])
PDF_SAMPLES = SAMPLES if config["report"]["pdf"] else []
# what rules downstream of the reports depend on: one file instead of one per sample (a
# job with N inputs asked for N files makes Snakemake's DAG building quadratic in N)
SAMPLE_REPORTS_MANIFEST = f"{RESULTS}/cohort/sample_reports.tsv"


# the sheet schema's sample-id pattern: cheap to match even for thousands of samples
SAMPLE_PATTERN = load_schema(SCHEMAS / "samples.schema.yaml")["properties"]["sample"]["pattern"]


wildcard_constraints:
    sample=SAMPLE_PATTERN.strip("^$"),


def sample_path(sample, suffix):
    return f"{RESULTS}/samples/{sample}/{sample}.{suffix}"


def get_sample_record(wildcards):
    return SHEET.rows[wildcards.sample]


def get_profile_inputs(wildcards):
    record = SHEET.rows[wildcards.sample]
    inputs = {"variants": record.get("vcf") or record["maf"]}
    for column in ("cna", "fusions"):
        if column in record:
            inputs[column] = record[column]
    if HAS_EXPRESSION:
        inputs["markers"] = f"{RESULTS}/cohort/expression_markers.tsv"
    return inputs


def get_expression_inputs(wildcards):
    inputs = {"matrix": config["expression"]["matrix"]}
    if config["expression"]["reference"]:
        inputs["reference"] = config["expression"]["reference"]
    return inputs


def get_expression_ids(wildcards):
    return {s: SHEET.rows[s].get("expression_id") for s in SAMPLES}


def get_explicit_expression_ids(wildcards):
    return sorted(s for s in SAMPLES if SHEET.rows[s].get("expression_id_explicit"))


def get_sample_reports_inputs(wildcards):
    inputs = {
        name: expand(sample_path("{sample}", f"{name}.{ext}"), sample=SAMPLES)
        for name, ext in (
            ("alterations", "tsv"),
            ("biomarkers", "json"),
            ("therapies", "tsv"),
            ("ingest", "json"),
        )
    }
    inputs["cohort_biomarkers"] = f"{RESULTS}/cohort/biomarkers.tsv"
    inputs["provenance"] = f"{RESULTS}/provenance/provenance.json"
    if HAS_EXPRESSION:
        inputs["markers"] = f"{RESULTS}/cohort/expression_markers.tsv"
    return inputs


def sample_report_html_outputs():
    """One report() entry per sample, so `snakemake --report` labels each by its sample."""
    caption = "../report/sample_report.rst"
    entries = []
    for sample in SAMPLES:
        html = sample_path(sample, "report.html")
        labels = {"sample": sample}
        entries.append(report(html, caption=caption, category="Tumor board reports", labels=labels))
    return entries


def runtime_sample_reports(wildcards, attempt):
    """Minutes for one worker to render every report (about 0.3 s each, 2.5 s with a PDF)."""
    seconds = len(SAMPLES) * (2.5 if config["report"]["pdf"] else 0.3)
    return (10 + int(seconds / 60)) * attempt


def get_provenance_inputs():
    """(sample, role, path) for every input file, in sheet order."""
    triples = []
    for sample in SAMPLES:
        record = SHEET.rows[sample]
        for role in ("vcf", "maf", "cna", "fusions"):
            if role in record:
                triples.append((sample, role, record[role]))
    for role in ("matrix", "reference"):
        if config["expression"][role]:
            triples.append(("cohort", f"expression_{role}", config["expression"][role]))
    triples.append(("cohort", "sample_sheet", str(SHEET.path)))
    return triples


def profile_threads(wildcards):
    """2 for a bgzipped VCF large enough that ingest reads it in two processes, else 1."""
    from nenprofile.variants.parallel import SPLIT_MIN_BYTES

    path = Path(SHEET.rows[wildcards.sample].get("vcf") or "")
    large = path.name.endswith(".gz") and path.is_file() and path.stat().st_size >= SPLIT_MIN_BYTES
    return 2 if large else 1


def mem_mb_profile(wildcards, attempt):
    return 1000 * attempt


def mem_mb_cohort(wildcards, attempt):
    return 2000 * attempt


def get_final_outputs():
    outputs = []
    for sample in SAMPLES:
        outputs += [
            sample_path(sample, "alterations.tsv"),
            sample_path(sample, "biomarkers.json"),
            sample_path(sample, "therapies.tsv"),
        ]
    # every sample's report.html/.json/.pdf: outputs of the job that writes the manifest
    outputs.append(SAMPLE_REPORTS_MANIFEST)
    outputs += [
        f"{RESULTS}/cohort/{name}"
        for name in ("alterations.tsv", "biomarkers.tsv", "therapies.tsv", "cohort_report.html")
    ]
    outputs.append(f"{RESULTS}/provenance/provenance.json")
    return outputs


def report_failed_samples():
    """onerror: a cohort report over the finished samples that lists the failed ones."""
    from nenprofile.stages import write_partial_cohort_report

    failed = write_partial_cohort_report(RESULTS, LOGS, SAMPLES, SHEET.rows, config["report"])
    for entry in failed:
        logger.error(f"sample {entry['sample']} failed: {entry['error']}")
    if failed:
        logger.error(
            f"{len(failed)} of {len(SAMPLES)} samples failed; partial cohort report: "
            f"{RESULTS}/cohort/cohort_report.html"
        )
