"""Every path of a cohort run, in one place: the workflow's rules and the jobs both ask here.

Paths are relative to the working directory Snakemake runs in, as strings (what rules take).
Adding a per-sample output: add it to SAMPLE_TABLES (or SAMPLE_REPORTS), then write it in the
job that produces it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

# what profiling writes per sample: output name -> file suffix
SAMPLE_TABLES: dict[str, str] = {
    "variants": "variants.tsv.gz",
    "alterations": "alterations.tsv",
    "biomarkers": "biomarkers.json",
    "therapies": "therapies.tsv",
    "ingest": "ingest.json",
}
# what the report reads of its sample's tables (the variant table is not shown)
REPORT_TABLES: tuple[str, ...] = ("alterations", "biomarkers", "therapies", "ingest")
# what reporting writes per sample (pdf only when config report.pdf)
SAMPLE_REPORTS: dict[str, str] = {
    "html": "report.html",
    "json": "report.json",
    "pdf": "report.pdf",
}
COHORT_FILES: dict[str, str] = {
    "alterations": "alterations.tsv",
    "biomarkers": "biomarkers.tsv",
    "therapies": "therapies.tsv",
    "report": "cohort_report.html",
    "expression_markers": "expression_markers.tsv",
    # what reading the expression matrix did; each sample's ingest.json copies it
    "expression_input": "expression_input.json",
    # fixed-size cohort context every sample report shows (report.context)
    "report_context": "report_context.json",
}
PROVENANCE_FILES: dict[str, str] = {
    "provenance": "provenance.json",
    "config": "config.resolved.yaml",
    "checksums": "inputs.sha256.tsv",
    "versions": "versions.tsv",
}
# the columns of a profiling manifest: each sample the job profiled and the path of each of its
# tables (SAMPLE_TABLES); rules downstream of profiling depend on these manifests, not on the
# five tables of every sample (see jobs.runner.expand_profile_manifests)
PROFILE_MANIFEST_COLUMNS: tuple[str, ...] = ("sample", *SAMPLE_TABLES)
# beside each job's log, the runner's structured record of what failed
ERROR_RECORD_SUFFIX = ".errors.json"


@dataclass(frozen=True)
class Layout:
    """The files of one cohort: results/<cohort>/... and logs/<cohort>/... below `root`."""

    cohort: str
    root: str = ""

    def _join(self, *parts: str) -> str:
        return str(Path(self.root, *parts)) if self.root else "/".join(parts)

    @property
    def results(self) -> str:
        return self._join("results", self.cohort)

    @property
    def logs(self) -> str:
        return self._join("logs", self.cohort)

    def sample_file(self, sample: str, name: str) -> str:
        suffix = SAMPLE_TABLES.get(name) or SAMPLE_REPORTS[name]
        return f"{self.results}/samples/{sample}/{sample}.{suffix}"

    def profile_outputs(self, sample: str) -> dict[str, str]:
        return {name: self.sample_file(sample, name) for name in SAMPLE_TABLES}

    def report_inputs(self, sample: str) -> dict[str, str]:
        return {name: self.sample_file(sample, name) for name in REPORT_TABLES}

    def report_outputs(self, sample: str, *, pdf: bool) -> dict[str, str]:
        return {
            name: self.sample_file(sample, name) for name in SAMPLE_REPORTS if pdf or name != "pdf"
        }

    def cohort_file(self, name: str) -> str:
        return f"{self.results}/cohort/{COHORT_FILES[name]}"

    def provenance_file(self, name: str) -> str:
        return f"{self.results}/provenance/{PROVENANCE_FILES[name]}"

    def maf_part(self, maf: str, sample: str) -> str:
        """The rows of `sample` split out of the cohort MAF `maf` (the sheet's path)."""
        return f"{self.results}/maf_parts/{maf_key(maf)}/{sample}.maf"

    def report_batch_manifest(self, batch: int | str) -> str:
        return f"{self.results}/cohort/report_batches/batch{batch}.tsv"

    def profile_batch_manifest(self, batch: int | str) -> str:
        """What a profiling job over a batch of samples declares instead of their tables."""
        return f"{self.results}/cohort/profile_batches/batch{batch}.tsv"

    def log(self, rule: str, name: str) -> str:
        """logs/<cohort>/<rule>/<name>.log: name is a sample, 'batch<k>' or 'cohort'."""
        return f"{self.logs}/{rule}/{name}.log"


def maf_key(maf: str) -> str:
    """A cohort MAF's short name in paths and rule names: stable while the sheet's path for
    it stays the same, whatever the order of the sheet's rows."""
    return "maf_" + hashlib.sha256(maf.encode()).hexdigest()[:10]


def error_record_path(log_path: str | Path) -> Path:
    """Where the job runner records the failure of the job that writes `log_path`."""
    return Path(f"{log_path}{ERROR_RECORD_SUFFIX}")
