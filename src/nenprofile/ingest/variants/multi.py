"""One sample, several small-variant files (Strelka2's SNV and indel VCFs; several callers):
what each file gave, and the sample's one IngestResult made of them.

The variants themselves are merged as they stream (jobs.profile_sink.ProfileSink): a variant
an earlier file gave is one variant with both files listed, the first file's VAF and depth
kept. This module combines the rest: counts, warnings, callers and the build, and says per
file what was read, skipped, merged and renamed (ingest.json 'variant_inputs').
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nenprofile.ingest.sheet import FILE_SEPARATORS
from nenprofile.ingest.variants.result import IngestResult
from nenprofile.io.textfiles import iter_lines

# between the files of one sample-sheet cell: the samples schema owns it (x-separator)
FILE_SEPARATOR = FILE_SEPARATORS["vcf"]
_STRELKA_NAME = re.compile(r"somatic[._](snvs|indels)\b", re.I)
_LABEL = {"snvs": "SNV", "indels": "indel"}
_STRELKA_FORMATS = {"snvs": ("AU", "CU", "GU", "TU"), "indels": ("TAR", "TIR")}


def split_files(cell: str | list[str]) -> list[str]:
    """The files of a sample-sheet cell (or a Snakemake input list), in order."""
    if isinstance(cell, str):
        return [part.strip() for part in cell.split(FILE_SEPARATOR) if part.strip()]
    return [str(part) for part in cell]


@dataclass
class FileRead:
    """One file of a sample and what reading it gave."""

    path: str
    result: IngestResult
    merged: int  # variants an earlier file of the sample gave too
    variants: int  # variants it gave (merged ones excluded)


def file_disclosure(read: FileRead) -> dict[str, Any]:
    """What ingest.json says of one file: read, skipped (reason: count), merged, renamed."""
    counts = read.result.counts
    skipped = {
        key.removesuffix("_skipped"): n
        for key, n in sorted(counts.items())
        if n and key.endswith("_skipped")
    }
    if counts.get("filtered"):
        skipped["FILTER not PASS"] = counts["filtered"]
    return {
        "path": read.result.source or read.path,  # a cohort MAF, not the part read
        "format": read.result.input_format,
        "caller": read.result.caller,
        "annotation": read.result.annotation,
        "tumor_column": read.result.sample,
        "build": read.result.build,
        "build_evidence": read.result.build_evidence,
        "records_read": counts.get("records_read", counts.get("rows_read", 0)),
        "variants": read.variants,
        "skipped": skipped,
        "merged": read.merged,
        "gene_names": read.result.gene_names,
    }


def combine(reads: list[FileRead], variants: list[Any]) -> IngestResult:
    """The sample's IngestResult from its files' (variants: what the merge kept)."""
    if len(reads) == 1:
        return reads[0].result
    # every file was checked against the sample's one build (build.check_build)
    first = reads[0].result
    counts: Counter[str] = Counter()
    warnings: list[str] = []
    for read in reads:
        counts.update(read.result.counts)
        name = Path(read.path).name
        warnings += [f"{name}: {text}" for text in read.result.warnings]
    counts["variants"] = sum(read.variants for read in reads)
    counts["merged_across_files"] = sum(read.merged for read in reads)
    return IngestResult(
        variants=variants,
        sample=_joined(read.result.sample for read in reads),
        input_format=first.input_format,
        caller=_joined(read.result.caller for read in reads),
        annotation=_joined(read.result.annotation for read in reads),
        build=first.build,
        # one tumor-only file leaves the sample's germline guard on
        tumor_only=any(read.result.tumor_only for read in reads),
        counts=dict(counts),
        warnings=warnings,
        gene_names=_summed_names([read.result.gene_names for read in reads]),
        build_evidence="; ".join(
            f"{Path(read.path).name}: {read.result.build_evidence}" for read in reads
        ),
    )


def _joined(values: Any) -> str:
    return " + ".join(dict.fromkeys(v for v in values if v))


def _summed_names(parts: list[dict[str, Any]]) -> dict[str, Any]:
    total: dict[str, Any] = {
        "renamed": 0,
        "renamed_examples": [],
        "ambiguous_kept": 0,
        "ambiguous_examples": [],
    }
    for part in parts:
        for key in ("renamed", "ambiguous_kept"):
            total[key] += part.get(key, 0)
        for key in ("renamed_examples", "ambiguous_examples"):
            total[key] = list(dict.fromkeys(total[key] + part.get(key, [])))[:3]
    return total


def strelka_part(path: str) -> str | None:
    """'snvs' or 'indels' for one of Strelka2's two somatic VCFs: by its header
    (##source=strelka with only the SNV or only the indel FORMAT fields), else by its file
    name (somatic.snvs / somatic_snvs, somatic.indels); None for other files and for files
    holding both kinds (bcbio's merged Strelka2 output)."""
    strelka, formats = False, set()
    for _number, line in iter_lines(path):
        if not line.startswith("##"):
            break
        strelka = strelka or line.lower().startswith("##source=strelka")
        if line.startswith("##FORMAT=<ID="):
            formats.add(line[len("##FORMAT=<ID=") :].split(",", 1)[0])
    has = {part: set(ids) <= formats for part, ids in _STRELKA_FORMATS.items()}
    if has["snvs"] and has["indels"]:
        return None
    if strelka:
        return next((part for part, present in has.items() if present), None)
    match = _STRELKA_NAME.search(Path(path).name)
    return match.group(1).lower() if match else None


def strelka_warnings(paths: list[str]) -> list[str]:
    """A Strelka2 SNV file without the indel file (or the reverse) misses half the calls."""
    parts = {path: strelka_part(path) for path in paths}
    found = set(parts.values())
    warnings = []
    for part, other in (("snvs", "indels"), ("indels", "snvs")):
        if part in found and other not in found:
            named = ", ".join(Path(p).name for p, kind in parts.items() if kind == part)
            warnings.append(
                f"Strelka {_LABEL[part]} file given without its {_LABEL[other]} file "
                f"({named}): the sample's {_LABEL[other]}s are missing, which lowers TMB and "
                "can hide drivers. Fix: list both Strelka files (somatic.snvs and "
                f"somatic.indels) in the vcf cell, separated by '{FILE_SEPARATOR}'"
            )
    return warnings
