"""Job of rule profile_sample (and the profile_samples_<k> batch rules): ingest, classify,
score biomarkers and match therapies for one sample, and write its tables."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nenprofile.errors import BatchInputError, InputError
from nenprofile.io.outputs import atomic_write, write_json, write_tsv
from nenprofile.jobs.reports import remove_files
from nenprofile.layout import PROFILE_MANIFEST_COLUMNS
from nenprofile.settings import Settings, schema_default

if TYPE_CHECKING:
    from nenprofile.ingest.variants import IngestResult
    from nenprofile.interpret.biomarkers import TmbTally
    from nenprofile.match.civic import CivicEvidence
    from nenprofile.match.moalmanac import MoaAssertion
    from nenprofile.model import Fusion, GeneCopyNumber, SampleInfo
    from nenprofile.reference.knowledgebase import KnowledgeBase

log = logging.getLogger("nenprofile")


@dataclass(frozen=True)
class ProfileResources:
    """What every sample of a cohort is profiled against: read once per job."""

    settings: Settings
    kb: KnowledgeBase
    civic: list[CivicEvidence] | None  # config knowledge_base.civic, when given
    moalmanac: list[MoaAssertion] | None = None  # config knowledge_base.moalmanac, when given
    # the cohort's files every sample of a batch reads (expression markers, expression
    # input), read once per job: path -> what was read
    cohort_files: dict[str, Any] = field(default_factory=dict, compare=False)

    def sample_markers(self, path: str, sample: str) -> dict[str, dict] | None:
        """The sample's expression markers (markers_by_sample) from the cohort's table."""
        from nenprofile.interpret.expression import markers_by_sample, read_marker_table

        if path not in self.cohort_files:
            table = read_marker_table(path)  # with each sample's row positions
            self.cohort_files[path] = (table, table.groupby("sample", sort=False).indices)
        table, rows = self.cohort_files[path]
        if sample not in rows:
            return None
        return markers_by_sample(table.iloc[rows[sample]]).get(sample) or None

    def expression_input(self, path: str | None, sample: str) -> dict[str, Any]:
        """expression_input, with the cohort's file read once."""
        if path is None:
            return {}
        if path not in self.cohort_files:
            self.cohort_files[path] = json.loads(Path(path).read_text(encoding="utf-8"))
        return sample_expression_input(self.cohort_files[path], sample)


def load_profile_resources(config: dict[str, Any]) -> ProfileResources:
    from nenprofile.match.civic import load_civic_evidence
    from nenprofile.match.moalmanac import load_moalmanac
    from nenprofile.reference.knowledgebase import load_knowledge_base

    settings = Settings.from_config(config)
    moalmanac = None
    if settings.moalmanac_path:
        moalmanac, skipped = load_moalmanac(settings.moalmanac_path)
        for reason, count in sorted(skipped.items()):
            log.info(
                "MOAlmanac %s: %d assertion(s) not used (%s)",
                settings.moalmanac_path,
                count,
                reason,
            )
    return ProfileResources(
        settings=settings,
        kb=load_knowledge_base(settings.knowledge_base_path),
        civic=load_civic_evidence(settings.civic_path) if settings.civic_path else None,
        moalmanac=moalmanac,
    )


def profile_sample(
    *,
    inputs: dict[str, Any],
    outputs: dict[str, str],
    params: dict[str, Any],
    config: dict[str, Any],
    wildcards: dict[str, str],
    threads: int = 1,
    resources: ProfileResources | None = None,
) -> None:
    """Ingest, classify, score biomarkers and match therapies for one sample. resources:
    the knowledge base and CIViC evidence when the caller already loaded them."""
    from nenprofile.ingest.sheet import sample_info
    from nenprofile.ingest.variants import read_variants
    from nenprofile.ingest.variants.multi import (
        FileRead,
        combine,
        file_disclosure,
        split_files,
        strelka_warnings,
    )
    from nenprofile.ingest.variants.table import VariantTableWriter, part_path_for
    from nenprofile.interpret.biomarkers import BiomarkerSettings
    from nenprofile.jobs.profile_sink import REMEMBERED_KEYS, ProfileSink

    record = params["record"]
    sample = sample_info(record)
    resources = resources or load_profile_resources(config)
    settings = resources.settings
    filters = settings.filters
    started = time.perf_counter()
    # the variant table is written while the variants stream past; it gets its final name
    # last, once every other output is written
    with atomic_write(outputs["variants"], "wb") as raw:
        table = VariantTableWriter(raw, part_path_for(outputs["variants"]))
        sink = ProfileSink(resources.kb.genes, BiomarkerSettings.from_settings(settings), table)
        files = split_files(inputs["variants"])
        reads = []
        for path in files:
            if len(files) > 1:
                sink.start_file(Path(path).name)
            before = sink.count()
            result = read_variants(
                path,
                tumor_sample=record.get("tumor_sample"),
                normal_sample=record.get("normal_sample"),
                file_format="vcf" if "vcf" in record else "maf",
                build=sample.genome_build,
                pass_only=filters.pass_only,
                allowed_filters=filters.allowed_filters,
                min_vaf=filters.min_vaf,
                min_depth=filters.min_depth,
                reference_fasta=settings.reference_fasta,
                gff3=settings.gff3,
                workers=threads,
                consumer=sink,
                genes=resources.kb.genes,
                sample_id=sample.sample,
                max_expansion_ratio=settings.max_expansion_ratio,
            )
            sink.end_file()
            reads.append(FileRead(path, result, sink.merged, sink.count() - before))
        sink.finish()
        ingest = combine(reads, sink.kept())
        if "vcf" in record:
            ingest.warnings += strelka_warnings(files)
        ingest.warnings += record.get("sheet_warnings", [])
        if sink.keys_capped:
            ingest.warnings.append(
                f"the sample's files hold over {REMEMBERED_KEYS:,} variants: a non-coding "
                "variant outside the knowledge-base genes that several files give may be "
                "listed once per file in the variant table (TMB and the report count each "
                "variant once)"
            )
        if sink.duplicates:
            ingest.counts["duplicate_skipped"] = (
                ingest.counts.get("duplicate_skipped", 0) + sink.duplicates
            )
            ingest.warnings.append(
                f"{sink.duplicates} duplicated record(s) in knowledge-base genes (not next "
                "to their twin in the file) read as one variant"
            )
        log.info(
            "%s: %d variants kept from %s (%s, %s annotation, %s)",
            sample.sample,
            sink.count(),
            "; ".join(files),
            ingest.caller,
            ingest.annotation,
            ingest.build,
        )
        variants_done = time.perf_counter()
        disclosure = [file_disclosure(read) for read in reads]
        _profile_rest(
            sample,
            record,
            ingest,
            sink.tally,
            resources,
            inputs,
            outputs,
            filters=filter_record(config["filters"], schema_default("filters")),
            variant_inputs=disclosure,
        )
    log.info(
        "timing %s: variants read and variants.tsv.gz written in %.2f s; copy number, fusions, "
        "interpretation, matching and the other tables in %.2f s",
        sample.sample,
        variants_done - started,
        time.perf_counter() - variants_done,
    )


def _profile_rest(
    sample: SampleInfo,
    record: dict[str, Any],
    ingest: IngestResult,
    tmb_tally: TmbTally,
    resources: ProfileResources,
    inputs: dict[str, Any],
    outputs: dict[str, str],
    filters: dict[str, Any] | None = None,
    variant_inputs: list[dict[str, Any]] | None = None,
) -> None:
    """profile_sample after the variants: copy number, fusions, markers, interpretation and
    every output but the variant table."""
    from nenprofile.ingest.variants.multi import FILE_SEPARATOR, split_files
    from nenprofile.interpret.sample import interpret_sample
    from nenprofile.match.sample import match_sample
    from nenprofile.match.therapies import ROW_COLUMNS
    from nenprofile.model import ALTERATION_TABLE_COLUMNS

    sample.tumor_only = ingest.tumor_only
    other = read_other_inputs(sample, record, inputs, resources.settings)
    cna, fusions = other.copy_numbers, other.fusions
    markers = None
    if "markers" in inputs:
        markers = resources.sample_markers(inputs["markers"], sample.sample)
    kb = resources.kb
    interpretation = interpret_sample(
        sample, ingest, cna, fusions, markers, kb, resources.settings, tmb_tally=tmb_tally
    )
    profile = match_sample(
        interpretation,
        sample,
        kb,
        civic=resources.civic,
        moalmanac=resources.moalmanac,
        oncokb=ingest.oncokb_variants,
    )
    therapies = profile.therapies

    write_tsv(
        outputs["alterations"],
        [alteration.to_row() for alteration in profile.alterations],
        ALTERATION_TABLE_COLUMNS,
    )
    write_tsv(outputs["therapies"], [option.to_row() for option in therapies], ROW_COLUMNS)
    write_json(outputs["biomarkers"], profile.biomarkers)
    # a cohort MAF's sample: what the split saw (rows no sheet row names, samples without rows)
    cohort_maf = {"cohort_maf": ingest.cohort_maf} if ingest.cohort_maf else {}
    write_json(
        outputs["ingest"],
        {
            **cohort_maf,
            "sample": sample.sample,
            "sample_info": sample.to_dict(),
            "input_path": ingest.source or FILE_SEPARATOR.join(split_files(inputs["variants"])),
            "variant_inputs": variant_inputs or [],
            "gene_names": ingest.gene_names,
            "input_format": ingest.input_format,
            "caller": ingest.caller,
            "annotation": ingest.annotation,
            "build": ingest.build,
            "build_evidence": ingest.build_evidence,
            "tumor_column": ingest.sample,
            "tumor_only": ingest.tumor_only,
            "counts": ingest.counts,
            "warnings": list(ingest.warnings) + other.warnings + list(profile.warnings),
            "n_copy_number_genes": len(cna),
            "n_fusions": len(fusions),
            "purity_ploidy": other.purity_ploidy,
            "copy_number_input": other.copy_number_input,
            "fusion_input": other.fusion_input,
            "fusion_data": "fusions" in inputs,
            "expression": "available" if markers else "not available",
            "expression_input": resources.expression_input(
                inputs.get("expression_input"), sample.sample
            ),
            "filters": filters or {},
        },
    )


def expression_input(path: str | None, sample: str) -> dict[str, Any]:
    """The expression matrix as read (jobs.expression writes it once per cohort) and this
    sample's column in it; {} without a matrix."""
    if path is None:
        return {}
    return sample_expression_input(json.loads(Path(path).read_text(encoding="utf-8")), sample)


def sample_expression_input(cohort: dict[str, Any], sample: str) -> dict[str, Any]:
    """expression_input from the cohort's file as read (left unchanged)."""
    shown = {k: v for k, v in cohort.items() if k not in ("columns", "samples_without_column")}
    return shown | {"column": cohort.get("columns", {}).get(sample)}


def filter_record(filters: dict[str, Any], defaults: dict[str, Any] | None) -> dict[str, Any]:
    """The variant filters used, and those that differ from the schema's defaults (the
    report names them: pass_only false lets FILTER-failed variants drive options)."""
    non_default = {
        key: {"value": value, "default": defaults[key]}
        for key, value in sorted(filters.items())
        if defaults is not None and key in defaults and value != defaults[key]
    }
    return {"settings": dict(sorted(filters.items())), "non_default": non_default}


@dataclass
class OtherInputs:
    """A sample's copy number and fusions, with what reading them did (ingest.json)."""

    copy_numbers: list[GeneCopyNumber] = field(default_factory=list)
    fusions: list[Fusion] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    purity_ploidy: dict[str, Any] = field(default_factory=dict)
    copy_number_input: dict[str, Any] = field(default_factory=dict)
    fusion_input: dict[str, Any] = field(default_factory=dict)


def read_other_inputs(
    sample: SampleInfo, record: dict[str, Any], inputs: dict[str, str], settings: Settings
) -> OtherInputs:
    """Purity/ploidy (sheet, else the caller's purity file), copy number and fusions. Sets
    sample.purity and sample.ploidy to the values used."""
    from nenprofile.ingest.copynumber import CopyNumberThresholds, read_copy_number_file
    from nenprofile.ingest.fusions import FusionEvidence, read_fusion_file

    result = OtherInputs(purity_ploidy=resolve_purity_ploidy(sample, inputs.get("purity_file")))
    name_in_files = record.get("tumor_sample") or sample.sample
    if "cna" in inputs:
        read = read_copy_number_file(
            inputs["cna"],
            build=sample.genome_build,
            thresholds=CopyNumberThresholds.from_settings(settings),
            ploidy=sample.ploidy,
            sample=name_in_files,
        )
        result.copy_numbers, result.copy_number_input = read.calls, read.disclosure
        result.warnings += read.warnings
    if "fusions" in inputs:
        fusions = read_fusion_file(
            inputs["fusions"],
            evidence=FusionEvidence.from_settings(settings),
            sample=name_in_files,
        )
        result.fusions, result.fusion_input = fusions.fusions, fusions.disclosure
    return result


def resolve_purity_ploidy(sample: SampleInfo, purity_file: str | None) -> dict[str, Any]:
    """Sheet values win; the caller's purity file fills what the sheet leaves empty. Returns
    each value with where it came from."""
    from nenprofile.ingest.copynumber import read_purity_ploidy

    caller = read_purity_ploidy(purity_file) if purity_file else None
    caller_source = caller.source if caller else ""
    chosen: dict[str, Any] = {}
    for name in ("purity", "ploidy"):
        sheet_value = getattr(sample, name)
        file_value = getattr(caller, name) if caller else None
        if sheet_value is not None:
            source = "sample sheet"
            if file_value is not None:
                source += f" (overrides {file_value:g} in the {caller_source})"
        elif file_value is not None:
            setattr(sample, name, file_value)
            source = caller_source
        else:
            source = "not given"
            if caller is not None:
                source += f" (NA in the {caller_source})"
            if name == "ploidy":
                source += "; calls assume ploidy 2"
        chosen[name] = {"value": getattr(sample, name), "source": source}
    return chosen


def profile_samples(
    *,
    inputs: dict[str, Any],
    outputs: dict[str, Any],
    params: dict[str, Any],
    config: dict[str, Any],
    wildcards: dict[str, str],
) -> None:
    """profile_sample for each sample of a batch (config profile_batch_size > 1), then the
    batch's manifest (layout.PROFILE_MANIFEST_COLUMNS), the one output Snakemake knows of.

    So this job does for the samples' tables what Snakemake does for declared outputs: it
    removes their old versions first, and a sample's partly written tables when that sample
    fails. Every sample is tried; a bad input fails its own sample only (recorded by name:
    BatchInputError): its batch-mates' tables are kept for the partial cohort report, and the
    job fails without a manifest, so a rerun profiles the batch again.
    params: samples, and per sample its inputs, outputs and record.
    """
    samples = params["samples"]
    for sample in samples:
        remove_files(params["outputs"][sample].values())
    resources = load_profile_resources(config)
    errors: dict[str, str] = {}
    for sample in samples:
        sample_outputs = params["outputs"][sample]
        try:
            profile_sample(
                inputs=params["inputs"][sample],
                outputs=sample_outputs,
                params={"record": params["records"][sample]},
                config=config,
                wildcards={"sample": sample},
                resources=resources,
            )
        except InputError as error:
            remove_files(sample_outputs.values())
            log.error("input error: sample %s: %s", sample, error)
            errors[sample] = str(error)
        except BaseException:
            remove_files(sample_outputs.values())
            raise
    if errors:
        raise BatchInputError(
            f"{len(errors)} of {len(samples)} samples of this profiling batch failed "
            f"({', '.join(errors)}); the other samples' tables are kept",
            sample_errors=errors,
            fix="correct or remove those samples (errors above) and run again; only this "
            "batch is profiled again",
        )
    rows = [{"sample": s, **params["outputs"][s]} for s in samples]
    write_tsv(outputs["manifest"], rows, PROFILE_MANIFEST_COLUMNS)
