"""Job-level stages: read a job's files, call the pure library functions, write outputs.

Each workflow script is a few lines that hand its `snakemake` object to `run_stage`.
Stage functions take plain paths and dicts so tests can call them without Snakemake.
"""

from __future__ import annotations

import inspect
import logging
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nenprofile.errors import InputError
from nenprofile.outputs import atomic_write, write_json, write_tsv

if TYPE_CHECKING:
    from nenprofile.biomarkers import TmbTally
    from nenprofile.civic import CivicEvidence
    from nenprofile.knowledgebase import KnowledgeBase
    from nenprofile.model import SampleInfo
    from nenprofile.variants import IngestResult

log = logging.getLogger("nenprofile")
# how a batch job logs one sample's input error; failure_reason reads it back per sample
SAMPLE_ERROR = "input error: sample "


def run_stage(smk: Any, stage: Callable[..., None]) -> None:
    """Run a stage from a Snakemake `script:` job with logging and clean error exits.

    Input errors become one readable paragraph in the log and on stderr and exit 1;
    Snakemake then removes the job's partial outputs.
    """
    log_path = smk.log[0] if len(smk.log) else None
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_path:
        Path(log_path).parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_path, mode="w", encoding="utf-8"))
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s", handlers=handlers)
    extra = {"threads": smk.threads} if "threads" in inspect.signature(stage).parameters else {}
    try:
        stage(
            inputs=dict(smk.input.items()),
            outputs=dict(smk.output.items()),
            params=dict(smk.params.items()),
            config=smk.config,
            wildcards=dict(smk.wildcards.items()),
            **extra,
        )
    except InputError as error:
        log.error("input error: %s", error)
        sys.exit(1)
    except Exception:
        log.error("internal error (please report with this log):\n%s", traceback.format_exc())
        sys.exit(2)


@dataclass(frozen=True)
class ProfileResources:
    """What every sample of a cohort is profiled against: read once per job."""

    kb: KnowledgeBase
    civic: list[CivicEvidence] | None  # config knowledge_base.civic, when given


def load_profile_resources(config: dict[str, Any]) -> ProfileResources:
    from nenprofile.civic import load_civic_evidence
    from nenprofile.knowledgebase import load_knowledge_base

    civic_path = config["knowledge_base"].get("civic")
    return ProfileResources(
        kb=load_knowledge_base(config["knowledge_base"]["path"]),
        civic=load_civic_evidence(civic_path) if civic_path else None,
    )


def profile_sample(
    *,
    inputs: dict[str, str],
    outputs: dict[str, str],
    params: dict[str, Any],
    config: dict[str, Any],
    wildcards: dict[str, str],
    threads: int = 1,
    resources: ProfileResources | None = None,
) -> None:
    """Ingest, classify, score biomarkers and match therapies for one sample. resources:
    the knowledge base and CIViC evidence when the caller already loaded them."""
    from nenprofile.interpret import InterpretationSettings
    from nenprofile.profile_sink import ProfileSink
    from nenprofile.sheet import sample_info
    from nenprofile.variant_table import VariantTableWriter, part_path_for
    from nenprofile.variants import read_variants

    record = params["record"]
    sample = sample_info(record)
    filters = config["filters"]
    annotation = config["annotation"]
    resources = resources or load_profile_resources(config)
    settings = InterpretationSettings.from_config(config)
    # the variant table is written while the variants stream past; it gets its final name
    # last, once every other output is written
    with atomic_write(outputs["variants"], "wb") as raw:
        table = VariantTableWriter(raw, part_path_for(outputs["variants"]))
        sink = ProfileSink(resources.kb.genes, settings.biomarkers(), table)
        ingest = read_variants(
            inputs["variants"],
            tumor_sample=record.get("tumor_sample"),
            normal_sample=record.get("normal_sample"),
            build=sample.genome_build,
            pass_only=filters["pass_only"],
            allowed_filters=tuple(filters["allowed_filters"]),
            min_vaf=filters["min_vaf"],
            min_depth=filters["min_depth"],
            reference_fasta=annotation["reference_fasta"],
            gff3=annotation["gff3"],
            workers=threads,
            consumer=sink,
        )
        sink.finish()
        log.info(
            "%s: %d variants kept from %s (%s, %s annotation, %s)",
            sample.sample,
            sink.count(),
            inputs["variants"],
            ingest.caller,
            ingest.annotation,
            ingest.build,
        )
        _profile_rest(sample, record, ingest, sink.tally, resources, inputs, outputs, config)


def _profile_rest(
    sample: SampleInfo,
    record: dict[str, Any],
    ingest: IngestResult,
    tmb_tally: TmbTally,
    resources: ProfileResources,
    inputs: dict[str, str],
    outputs: dict[str, str],
    config: dict[str, Any],
) -> None:
    """profile_sample after the variants: copy number, fusions, markers, interpretation and
    every output but the variant table."""
    from nenprofile.copynumber import CopyNumberThresholds, read_copy_number
    from nenprofile.fusions import FusionEvidence, read_fusion_file
    from nenprofile.interpret import interpret_sample
    from nenprofile.matching import ROW_COLUMNS
    from nenprofile.model import ALTERATION_COLUMNS

    sample.tumor_only = ingest.tumor_only
    cna = []
    if "cna" in inputs:
        cn = config["copy_number"]
        cna = read_copy_number(
            inputs["cna"],
            build=sample.genome_build,
            thresholds=CopyNumberThresholds(**cn),
            ploidy=sample.ploidy,
            sample=record.get("tumor_sample") or sample.sample,
        )
    fusions = []
    fusion_input: dict[str, Any] = {}
    if "fusions" in inputs:
        read = read_fusion_file(
            inputs["fusions"],
            evidence=FusionEvidence.from_config(config["fusions"]),
            sample=record.get("tumor_sample") or sample.sample,
        )
        fusions, fusion_input = read.fusions, read.disclosure
    markers = None
    if "markers" in inputs:
        from nenprofile.expression import markers_for_sample, read_marker_table

        markers = markers_for_sample(read_marker_table(inputs["markers"]), sample.sample) or None
    kb = resources.kb
    profile = interpret_sample(
        sample, ingest, cna, fusions, markers, kb, config, tmb_tally=tmb_tally
    )
    therapies = list(profile.therapies)
    if resources.civic is not None:
        from nenprofile.civic import civic_options
        from nenprofile.matching import sort_rows

        therapies = sort_rows(
            therapies + civic_options(profile.findings, resources.civic, sample, kb)
        )

    alteration_columns = list(ALTERATION_COLUMNS) + sorted(
        {k for row in profile.alterations for k in row} - set(ALTERATION_COLUMNS)
    )
    write_tsv(outputs["alterations"], profile.alterations, alteration_columns)
    write_tsv(outputs["therapies"], therapies, ROW_COLUMNS)
    write_json(outputs["biomarkers"], profile.biomarkers)
    write_json(
        outputs["ingest"],
        {
            "sample": sample.sample,
            "sample_info": sample.to_dict(),
            "input_path": inputs["variants"],
            "input_format": ingest.input_format,
            "caller": ingest.caller,
            "annotation": ingest.annotation,
            "build": ingest.build,
            "tumor_column": ingest.sample,
            "tumor_only": ingest.tumor_only,
            "counts": ingest.counts,
            "warnings": list(ingest.warnings) + list(profile.warnings),
            "n_copy_number_genes": len(cna),
            "n_fusions": len(fusions),
            "fusion_input": fusion_input,
            "expression": "available" if markers else "not available",
        },
    )


def profile_samples(
    *,
    inputs: dict[str, Any],
    outputs: dict[str, Any],
    params: dict[str, Any],
    config: dict[str, Any],
    wildcards: dict[str, str],
) -> None:
    """profile_sample for each sample of a batch (config profile_batch_size > 1).

    Every sample is tried, so one run names every bad input of the batch; if any failed the
    job fails (Snakemake then discards the batch's outputs) and the log says which.
    """
    resources = load_profile_resources(config)
    failed = []
    for sample in params["samples"]:
        try:
            profile_sample(
                inputs=params["inputs"][sample],
                outputs=params["outputs"][sample],
                params={"record": params["records"][sample]},
                config=config,
                wildcards={"sample": sample},
                resources=resources,
            )
        except InputError as error:
            log.error(SAMPLE_ERROR + "%s: %s", sample, error)
            failed.append(sample)
    if failed:
        raise InputError(
            f"{len(failed)} of {len(params['samples'])} samples of this profiling batch failed "
            f"({', '.join(failed)}); Snakemake discards the outputs of the whole batch",
            fix="correct or remove those samples (errors above) and run again; only this "
            "batch is redone",
        )


def score_expression_markers(
    *,
    inputs: dict[str, str],
    outputs: dict[str, str],
    params: dict[str, Any],
    config: dict[str, Any],
    wildcards: dict[str, str],
) -> None:
    """Markers, signatures and reference ranks for every sample that has RNA in the matrix."""
    from nenprofile.expression import ExpressionSettings, detect_layout, score_cohort
    from nenprofile.outputs import atomic_write

    expression_ids: dict[str, str] = params["expression_ids"]
    available = set(detect_layout(inputs["matrix"]).value_names)
    missing_explicit = [s for s in params["explicit"] if expression_ids[s] not in available]
    if missing_explicit:
        sample = missing_explicit[0]
        raise InputError(
            f"expression_id '{expression_ids[sample]}' of sample '{sample}' is not a column of "
            f"the expression matrix (columns: {', '.join(sorted(available)[:20])}).",
            path=inputs["matrix"],
            fix="correct expression_id in the sheet, or leave it empty if the sample has no RNA",
        )
    with_rna = {s: e for s, e in expression_ids.items() if e in available}
    for sample in sorted(set(expression_ids) - set(with_rna)):
        log.warning(
            "sample %s has no column in the expression matrix; no expression markers", sample
        )
    settings = ExpressionSettings.from_mapping(
        {k: v for k, v in config["expression"].items() if k not in ("matrix", "reference")}
    )
    table = score_cohort(
        inputs["matrix"], with_rna, reference_path=inputs.get("reference"), settings=settings
    )
    for warning in table.attrs.get("warnings", []):
        log.warning("%s", warning)
    with atomic_write(outputs["markers"]) as out:
        table.to_csv(out, sep="\t", index=False, lineterminator="\n")


def combine_cohort_tables(
    *,
    inputs: dict[str, Any],
    outputs: dict[str, str],
    params: dict[str, Any],
    config: dict[str, Any],
    wildcards: dict[str, str],
) -> None:
    from nenprofile.cohort import combine_tables

    combine_tables(
        params["samples"],
        list(inputs["alterations"]),
        list(inputs["biomarkers"]),
        list(inputs["therapies"]),
        params["records"],
        outputs["alterations"],
        outputs["biomarkers"],
        outputs["therapies"],
    )


def record_provenance(
    *,
    inputs: dict[str, Any],
    outputs: dict[str, str],
    params: dict[str, Any],
    config: dict[str, Any],
    wildcards: dict[str, str],
) -> None:
    import yaml

    from nenprofile.knowledgebase import load_knowledge_base
    from nenprofile.provenance import collect_provenance

    kb = load_knowledge_base(config["knowledge_base"]["path"])
    kb_info = {
        "version": kb.version,
        "release_date": kb.release_date,
        "checksum": kb.checksum,
        "path": config["knowledge_base"]["path"] or "bundled",
        "civic": config["knowledge_base"].get("civic"),
    }
    provenance = collect_provenance(config, [tuple(t) for t in params["inputs"]], kb_info)
    write_json(outputs["provenance"], provenance)
    with atomic_write(outputs["config"]) as out:
        yaml.safe_dump(dict(config), out, sort_keys=True)
    write_tsv(outputs["checksums"], provenance["inputs"], ["sample", "role", "path", "sha256"])
    write_tsv(
        outputs["versions"],
        [{"tool": k, "version": v} for k, v in sorted(provenance["tools"].items())],
        ["tool", "version"],
    )


def _read_json(path: str) -> Any:
    import json

    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def _read_table(path: str | None) -> Any:
    import pandas as pd

    if not path:
        return None
    return pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)


def render_sample_report(
    *,
    inputs: dict[str, str],
    outputs: dict[str, str],
    params: dict[str, Any],
    config: dict[str, Any],
    wildcards: dict[str, str],
) -> None:
    """The tumor board report of one sample: HTML and the JSON of everything shown."""
    shared = _shared_report_inputs(inputs, config)
    _render_one(wildcards["sample"], inputs, outputs, shared)


def render_sample_reports(
    *,
    inputs: dict[str, Any],
    outputs: dict[str, Any],
    params: dict[str, Any],
    config: dict[str, Any],
    wildcards: dict[str, str],
) -> None:
    """The reports (HTML, JSON and, if configured, PDF) of a batch of samples, and the batch
    manifest listing them: one interpreter start-up for the batch instead of one per sample,
    and the cohort-wide inputs read once."""
    from nenprofile.report import write_pdf

    shared = _shared_report_inputs(inputs, config)
    wanted = [k for k in ("html", "json", "pdf") if outputs.get(k)]
    rows = []
    for i, sample in enumerate(params["samples"]):
        own_inputs = {k: inputs[k][i] for k in ("alterations", "biomarkers", "therapies", "ingest")}
        own_outputs = {k: outputs[k][i] for k in wanted}
        _render_one(sample, own_inputs, own_outputs, shared)
        if "pdf" in own_outputs:
            write_pdf(Path(own_outputs["html"]).read_text(encoding="utf-8"), own_outputs["pdf"])
        rows.append({"sample": sample, **own_outputs})
    write_tsv(outputs["manifest"], rows, ["sample", *wanted])


def _shared_report_inputs(inputs: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
    """What every sample's report reads from the cohort."""
    cohort_markers = None
    if inputs.get("markers"):
        from nenprofile.expression import read_marker_table

        cohort_markers = read_marker_table(inputs["markers"])
    return {
        "provenance": _read_json(inputs["provenance"]),
        "cohort_biomarkers": _read_table(inputs["cohort_biomarkers"]),
        "cohort_markers": cohort_markers,
        "settings": config["report"],
    }


def _render_one(
    sample: str, inputs: dict[str, str], outputs: dict[str, str], shared: dict[str, Any]
) -> None:
    from nenprofile.report import build_report_data, render_sample_html, write_report_json

    ingest = _read_json(inputs["ingest"])
    provenance = dict(shared["provenance"])
    provenance["inputs"] = [
        i for i in provenance.get("inputs", []) if i["sample"] in (sample, "cohort")
    ]
    data = build_report_data(
        ingest["sample_info"],
        ingest,
        _read_table(inputs["alterations"]),
        _read_json(inputs["biomarkers"]),
        _read_table(inputs["therapies"]),
        provenance,
        settings=shared["settings"],
        cohort_biomarkers=shared["cohort_biomarkers"],
        cohort_markers=shared["cohort_markers"],
    )
    write_report_json(data, outputs["json"])
    with atomic_write(outputs["html"]) as out:
        out.write(render_sample_html(data))


def render_cohort_report(
    *,
    inputs: dict[str, Any],
    outputs: dict[str, str],
    params: dict[str, Any],
    config: dict[str, Any],
    wildcards: dict[str, str],
) -> None:
    from nenprofile.outputs import atomic_write
    from nenprofile.report import render_cohort_html

    html = render_cohort_html(
        _read_table(inputs["alterations"]),
        _read_table(inputs["biomarkers"]),
        _read_table(inputs["therapies"]),
        list(params["records"].values()),
        _read_json(inputs["provenance"]),
        settings=config["report"],
    )
    with atomic_write(outputs["html"]) as out:
        out.write(html)


def failure_reason(log_path: str | Path, sample: str | None = None) -> str:
    """The input-error message of a failed job's log, else a pointer to the log.

    In a batch log (profile_samples) errors read 'ERROR input error: sample S: ...'; a
    sample without such a line failed only because a batch-mate did.
    """
    path = Path(log_path)
    if not path.is_file():
        return "did not run (an upstream job failed or the run was interrupted)"
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    batch_error = f"ERROR {SAMPLE_ERROR}"
    own = f"{batch_error}{sample}: "
    for line in lines:
        if sample and line.startswith(own):
            return line.removeprefix(own)
    culprits = [
        line.removeprefix(batch_error).split(":", 1)[0]
        for line in lines
        if line.startswith(batch_error)
    ]
    if culprits:
        return (
            f"not written: its profiling batch failed because of sample(s) "
            f"{', '.join(culprits)} (see {path})"
        )
    for line in lines:
        if line.startswith("ERROR input error: "):
            return line.removeprefix("ERROR input error: ")
    for line in lines:
        if line.startswith("ERROR "):
            return f"{line.removeprefix('ERROR ')} (see {path})"
    return f"failed (see {path})"


def write_partial_cohort_report(
    results: str | Path,
    profile_logs: dict[str, str],
    samples: list[str],
    records: dict[str, dict[str, Any]],
    report_settings: dict[str, Any],
) -> list[dict[str, str]]:
    """After a failed run, a cohort report over the samples that finished, listing the rest.

    Called from the workflow's `onerror` handler, so with --keep-going one bad sample does
    not leave the cohort without a summary. profile_logs: sample -> log of the job that
    profiles it (its own, or its batch's). Returns the failed samples.
    """
    import tempfile

    from nenprofile.cohort import combine_tables
    from nenprofile.report import render_cohort_html

    results = Path(results)

    def sample_file(sample: str, suffix: str) -> Path:
        return results / "samples" / sample / f"{sample}.{suffix}"

    suffixes = ("alterations.tsv", "biomarkers.json", "therapies.tsv")
    done = [s for s in samples if all(sample_file(s, x).is_file() for x in suffixes)]
    failed = [
        {"sample": s, "error": failure_reason(profile_logs[s], sample=s)}
        for s in samples
        if s not in done
    ]
    if not failed:
        return []
    provenance_path = results / "provenance" / "provenance.json"
    provenance = _read_json(str(provenance_path)) if provenance_path.is_file() else {}
    with tempfile.TemporaryDirectory() as tmp:
        tables = {name: str(Path(tmp) / f"{name}.tsv") for name in ("alt", "bio", "ther")}
        combine_tables(
            done,
            [sample_file(s, "alterations.tsv") for s in done],
            [sample_file(s, "biomarkers.json") for s in done],
            [sample_file(s, "therapies.tsv") for s in done],
            records,
            tables["alt"],
            tables["bio"],
            tables["ther"],
        )
        html = render_cohort_html(
            _read_table(tables["alt"]),
            _read_table(tables["bio"]),
            _read_table(tables["ther"]),
            [records[s] for s in samples],
            provenance,
            settings=report_settings,
            failed_samples=failed,
        )
        for sample in done:
            _render_missing_report(
                sample, sample_file, tables["bio"], provenance_path, report_settings
            )
    with atomic_write(results / "cohort" / "cohort_report.html") as out:
        out.write(html)
    return failed


def _render_missing_report(
    sample: str,
    sample_file: Callable[[str, str], Path],
    cohort_biomarkers: str,
    provenance_path: Path,
    report_settings: dict[str, Any],
) -> None:
    """HTML and JSON report of a finished sample whose report the failed run never rendered."""
    if sample_file(sample, "report.html").is_file() or not provenance_path.is_file():
        return
    inputs = {
        name: str(sample_file(sample, f"{name}.{ext}"))
        for name, ext in (
            ("alterations", "tsv"),
            ("biomarkers", "json"),
            ("therapies", "tsv"),
            ("ingest", "json"),
        )
    }
    inputs.update(cohort_biomarkers=cohort_biomarkers, provenance=str(provenance_path))
    markers = provenance_path.parent.parent / "cohort" / "expression_markers.tsv"
    if markers.is_file():
        inputs["markers"] = str(markers)
    render_sample_report(
        inputs=inputs,
        outputs={
            "html": str(sample_file(sample, "report.html")),
            "json": str(sample_file(sample, "report.json")),
        },
        params={},
        config={"report": report_settings},
        wildcards={"sample": sample},
    )
