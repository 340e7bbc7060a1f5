"""Which nenprofile input each file of a folder is, told by its content (never its name).

`scan_folder` classifies every file with the readers' own header detection (VCF header,
MAF columns, copy-number and fusion layouts, expression layouts) and confirms tables by
reading them with the reader the workflow uses. `plan_cohort` turns what it found into
sample-sheet rows: one per tumour named by a VCF or MAF, copy-number and fusion files paired
by a sample id inside the file or at the start of the file name, one expression matrix.
Everything not used is returned with the reason, for the person to see.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from nenprofile.errors import InputError
from nenprofile.ingest.copynumber import copy_number_sample_ids, read_copy_number
from nenprofile.ingest.expression.readers import (
    FEATURECOUNTS,
    NFCORE,
    PLAIN,
    detect_layout,
    read_expression_matrix,
)
from nenprofile.ingest.fusions import FusionEvidence, fusion_layout, read_fusions
from nenprofile.ingest.sheet import FORMULA_START
from nenprofile.ingest.variants.build import build_from_contigs, build_from_text, contig_lengths
from nenprofile.ingest.variants.callers import choose_tumor_sample, header_value
from nenprofile.ingest.variants.maf import maf_header, maf_sample_builds, missing_maf_columns
from nenprofile.io.textfiles import CORRUPT_COMPRESSED, iter_lines, open_binary
from nenprofile.settings import Settings

VCF, MAF, CNA, FUSIONS, EXPRESSION = "vcf", "maf", "cna", "fusions", "expression"
# expression layouts with one column per sample; the others hold a single sample
MATRIX_LAYOUTS = (NFCORE, PLAIN, FEATURECOUNTS)
# tumour column names that callers use for every sample (Strelka, VarDict): not an id
GENERIC_TUMOR_NAMES = frozenset({"tumor", "tumour"})
_BINARY_MAGIC = {
    b"TBI\x01": "tabix index",
    b"CSI\x01": "CSI index",
    b"BAI\x01": "BAM index",
    b"BAM\x01": "BAM file",
    b"BCF\x02": "BCF file (convert with bcftools view -Oz)",
}


@dataclass(frozen=True)
class Recognised:
    """A file read as one kind of input, with the sample ids it names."""

    path: Path
    kind: str  # VCF, MAF, CNA, FUSIONS or EXPRESSION
    layout: str  # the reader's name for the format
    sample_ids: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()  # a VCF's sample columns
    normal: str | None = None
    builds: dict[str, str | None] = field(default_factory=dict)  # sample id -> genome build


@dataclass(frozen=True)
class Unused:
    """A file (or part of one) that is not in the cohort, and why."""

    path: Path
    reason: str


@dataclass
class SheetRow:
    """One sample-sheet row as init writes it (paths absolute until written)."""

    sample: str
    vcf: Path | None = None
    maf: Path | None = None
    tumor_sample: str | None = None
    normal_sample: str | None = None
    cna: Path | None = None
    fusions: Path | None = None
    expression_id: str | None = None
    genome_build: str | None = None

    def variant_file(self) -> Path:
        found = self.vcf or self.maf
        assert found is not None
        return found

    def names(self) -> tuple[str, ...]:
        """Every name a file may use for this sample: its id and its tumour column."""
        return (self.sample, self.tumor_sample) if self.tumor_sample else (self.sample,)


@dataclass
class CohortPlan:
    rows: list[SheetRow]
    matrix: Path | None
    genome_build: str
    unused: list[Unused]
    notes: list[str]


def scan_folder(folder: Path, build: str) -> tuple[list[Recognised], list[Unused]]:
    """Every file under `folder` (sorted, recursively) classified by content.

    `build` is the genome build copy-number segment files are test-read with.
    Hidden files and folders (names starting with '.') are listed as unused, not read.
    """
    found: list[Recognised] = []
    unused: list[Unused] = []
    for path, hidden in _walk(folder):
        if hidden:
            unused.append(Unused(path, "hidden, not read"))
            continue
        result = classify_file(path, build)
        if isinstance(result, Recognised):
            found.append(result)
        else:
            unused.append(result)
    return found, unused


def _walk(folder: Path) -> Iterator[tuple[Path, bool]]:
    for entry in sorted(folder.iterdir()):
        hidden = entry.name.startswith(".") or entry.name == "__pycache__"
        if entry.is_dir() and not hidden:
            yield from _walk(entry)
        elif entry.is_file() or hidden:
            yield entry, hidden


def classify_file(path: Path, build: str) -> Recognised | Unused:
    """What the file is, from its content; Unused with the reason when it is no input."""
    binary = _binary_kind(path)
    if binary:
        return Unused(path, f"{binary}, not an input")
    try:
        lines = iter_lines(path)
        first = next(lines, None)
        if first is not None and first[1].startswith("##fileformat=VCF"):
            return _vcf(path)
        for _line in lines:  # tables are read whole below: the file must be readable text
            pass
    except InputError as error:
        return Unused(path, f"unreadable ({error.message})")
    if first is None:
        return Unused(path, "empty file")
    near_misses = []
    for probe in (_maf, _fusions, _copy_number, _expression):
        try:
            result = probe(path, build)
        except InputError:
            continue  # not this kind of input
        except Exception as error:  # a reader's unforeseen failure: list the file, go on
            result = f"unreadable as {probe.__name__.strip('_')} ({type(error).__name__}: {error})"
        if isinstance(result, Recognised):
            return result
        if result:
            near_misses.append(result)
    if near_misses:
        return Unused(path, "; ".join(near_misses))
    return Unused(
        path,
        "not a VCF (no ##fileformat=VCF first line), MAF, copy-number, fusion or expression "
        "table (see config/README.md for the accepted layouts)",
    )


def _binary_kind(path: Path) -> str | None:
    try:
        with open_binary(path) as handle:
            magic = handle.read(4)
    except (OSError, ValueError, *CORRUPT_COMPRESSED):
        return None  # classify_file reports it when reading the lines
    return _BINARY_MAGIC.get(magic)


def _vcf(path: Path) -> Recognised | Unused:
    header_lines: list[str] = []
    columns: list[str] | None = None
    try:
        for _number, line in iter_lines(path):
            if line.startswith("#CHROM"):
                columns = line.split("\t")[9:]
                break
            if not line.startswith("##"):
                break
            header_lines.append(line)
    except InputError as error:
        return Unused(path, f"VCF header unreadable: {error.message}")
    if columns is None:
        return Unused(path, "VCF without a #CHROM header line")
    try:
        tumor = choose_tumor_sample(str(path), columns, header_lines, None)
    except InputError as error:
        return Unused(path, f"{error.message}; add its row by hand with tumor_sample")
    declared_normal = header_value(header_lines, "normal_sample")
    others = [c for c in columns if c != tumor]
    normal = declared_normal if declared_normal in others else None
    if normal is None and len(others) == 1:
        normal = others[0]
    by_contigs = build_from_contigs(contig_lengths(header_lines))
    by_text = build_from_text(header_lines)
    build = by_contigs[0] if by_contigs else (by_text[0] if by_text else None)
    return Recognised(
        path,
        VCF,
        "VCF",
        sample_ids=(tumor,) if tumor else (),
        columns=tuple(columns),
        normal=normal,
        builds={tumor or "": build},
    )


def _maf(path: Path, build: str) -> Recognised | str | None:
    header = maf_header(path)
    if not {"Hugo_Symbol", "Tumor_Sample_Barcode"} <= set(header):
        return None
    missing = missing_maf_columns(header)
    if missing:
        return f"looks like a MAF but lacks the column(s) {', '.join(missing)}"
    builds = maf_sample_builds(path)
    if not builds:
        return "a MAF without any Tumor_Sample_Barcode value"
    return Recognised(path, MAF, "MAF", sample_ids=tuple(builds), builds=builds)


def _fusions(path: Path, build: str) -> Recognised | str | None:
    layout = fusion_layout(path)
    if layout is None:
        return None
    try:
        read_fusions(path, evidence=FusionEvidence.from_settings(Settings.defaults()))
    except InputError as error:
        return f"header of a {layout} fusion table, but: {error}"
    return Recognised(path, FUSIONS, layout)


def _copy_number(path: Path, build: str) -> Recognised | str | None:
    layout, ids = copy_number_sample_ids(path)
    if layout is None:
        return None
    try:
        read_copy_number(path, build=build, sample=ids[0] if ids else None)
    except InputError as error:
        return f"header of a copy-number {layout}, but: {error}"
    return Recognised(path, CNA, layout, sample_ids=tuple(ids))


def _expression(path: Path, build: str) -> Recognised | str | None:
    layout = detect_layout(path)
    if layout.input_format not in MATRIX_LAYOUTS:
        return (
            f"a single-sample {layout.input_format} file; the config takes one cohort "
            "matrix with a column per sample (see expression.matrix in config/README.md)"
        )
    try:
        read_expression_matrix(path)
    except InputError as error:
        return f"not read as a {layout.input_format}: {error}"
    return Recognised(path, EXPRESSION, layout.input_format, sample_ids=layout.value_names)


def plan_cohort(found: list[Recognised], *, default_build: str, sample_pattern: str) -> CohortPlan:
    """Sheet rows from what scan_folder recognised; every file it cannot place is Unused."""
    unused: list[Unused] = []
    notes: list[str] = []
    rows = _variant_rows(found, re.compile(sample_pattern), unused, notes)
    by_name = {name: row for row in rows for name in row.names()}
    for recognised in found:
        if recognised.kind in (CNA, FUSIONS):
            _pair_table(recognised, rows, by_name, unused, notes)
    matrix = _choose_matrix([f for f in found if f.kind == EXPRESSION], rows, unused, notes)
    builds = Counter(row.genome_build for row in rows if row.genome_build)
    genome_build = builds.most_common(1)[0][0] if builds else default_build
    undetected = [row.sample for row in rows if row.genome_build is None]
    if undetected:
        notes.append(
            f"no genome build in the header of {_list(undetected)}; they use the config's "
            f"genome_build ({genome_build}): check it"
        )
    return CohortPlan(rows, matrix, genome_build, unused, notes)


def _variant_rows(
    found: list[Recognised], pattern: re.Pattern[str], unused: list[Unused], notes: list[str]
) -> list[SheetRow]:
    rows: dict[str, SheetRow] = {}
    for recognised in found:
        if recognised.kind == VCF:
            candidate = _vcf_row(recognised, pattern, notes)
        elif recognised.kind == MAF:
            for barcode in recognised.sample_ids:
                row = _maf_row(recognised, barcode, pattern, notes)
                _add_row(row, rows, recognised.path, unused)
            continue
        else:
            continue
        _add_row(candidate, rows, recognised.path, unused)
    return list(rows.values())


def _add_row(
    row: SheetRow | Unused, rows: dict[str, SheetRow], path: Path, unused: list[Unused]
) -> None:
    if isinstance(row, Unused):
        unused.append(row)
    elif row.sample in rows:
        first = rows[row.sample].variant_file()
        unused.append(
            Unused(
                path, f"sample {row.sample} already has a variant file ({first}); one per sample"
            )
        )
    else:
        rows[row.sample] = row


def _vcf_row(found: Recognised, pattern: re.Pattern[str], notes: list[str]) -> SheetRow | Unused:
    tumor = found.sample_ids[0] if found.sample_ids else None
    if tumor is None or tumor.lower() in GENERIC_TUMOR_NAMES:
        sample = _sample_id(_name_stem(found.path), pattern)
        why = "has no sample column" if tumor is None else f"names its tumour '{tumor}'"
        notes.append(f"{found.path} {why}: sample id '{sample}' taken from the file name")
    else:
        sample = _sample_id(tumor, pattern)
    if not sample:
        return Unused(found.path, "no usable sample id in the file or its name")
    if tumor and tumor.startswith(FORMULA_START):
        return Unused(found.path, f"tumour column '{tumor}' would read as a spreadsheet formula")
    pin_tumor = tumor is not None and (len(found.columns) > 1 or sample != tumor)
    return SheetRow(
        sample,
        vcf=found.path,
        tumor_sample=tumor if pin_tumor else None,
        normal_sample=found.normal,
        genome_build=found.builds.get(tumor or ""),
    )


def _maf_row(
    found: Recognised, barcode: str, pattern: re.Pattern[str], notes: list[str]
) -> SheetRow | Unused:
    sample = _sample_id(barcode, pattern)
    if not sample or barcode.startswith(FORMULA_START):
        return Unused(found.path, f"Tumor_Sample_Barcode '{barcode}' is no usable sample id")
    several = len(found.sample_ids) > 1
    return SheetRow(
        sample,
        maf=found.path,
        tumor_sample=barcode if several or sample != barcode else None,
        genome_build=found.builds.get(barcode),
    )


def _sample_id(name: str, pattern: re.Pattern[str]) -> str:
    """`name` when the sheet schema accepts it, else with the other characters as '_'."""
    if pattern.match(name):
        return name
    cleaned = re.sub(r"[^A-Za-z0-9_.-]", "_", name).lstrip("_.-")
    return cleaned if pattern.match(cleaned) else ""


def _name_stem(path: Path) -> str:
    return path.name.split(".", 1)[0]


def sample_named_by_file(path: Path, by_name: dict[str, SheetRow]) -> SheetRow | None:
    """The sample whose id (or tumour name) the file name starts with, followed by '.', '_'
    or '-' or nothing; the longest such name wins (NEN1 vs NEN10 vs NEN10_T)."""
    name = path.name
    matches = [
        candidate
        for candidate in by_name
        if name == candidate or (name.startswith(candidate) and name[len(candidate)] in "._-")
    ]
    return by_name[max(matches, key=len)] if matches else None


def _pair_table(
    found: Recognised,
    rows: list[SheetRow],
    by_name: dict[str, SheetRow],
    unused: list[Unused],
    notes: list[str],
) -> None:
    named = [by_name[i] for i in found.sample_ids if i in by_name]
    if not named and len(found.sample_ids) > 1:
        unused.append(
            Unused(
                found.path,
                f"{found.layout} naming samples {_list(found.sample_ids)}, none of them a "
                "sample of a VCF or MAF here",
            )
        )
        return
    if not named:
        by_file_name = sample_named_by_file(found.path, by_name)
        if by_file_name is None:
            unused.append(
                Unused(
                    found.path,
                    f"{found.layout} ({found.kind}): neither the file nor its name names a "
                    f"sample of a VCF or MAF here (samples: {_list(r.sample for r in rows)}); "
                    "start its name with the sample id",
                )
            )
            return
        named = [by_file_name]
    strays = [i for i in found.sample_ids if i not in by_name]
    if strays:
        notes.append(f"{found.path}: sample(s) {_list(strays)} in it match no VCF or MAF")
    for row in named:
        taken = getattr(row, found.kind)
        if taken is not None:
            unused.append(
                Unused(found.path, f"sample {row.sample} already has a {found.kind} file ({taken})")
            )
        else:
            setattr(row, found.kind, found.path)


def _choose_matrix(
    matrices: list[Recognised], rows: list[SheetRow], unused: list[Unused], notes: list[str]
) -> Path | None:
    """The matrix with columns for the most samples; sets expression_id where a column
    carries the tumour name rather than the sample id."""

    def covered(matrix: Recognised) -> list[SheetRow]:
        return [r for r in rows if any(n in matrix.sample_ids for n in r.names())]

    ranked = sorted(matrices, key=lambda m: -len(covered(m)))  # stable: ties keep path order
    if not ranked or not covered(ranked[0]):
        for matrix in ranked:
            unused.append(
                Unused(
                    matrix.path,
                    f"{matrix.layout} whose columns ({_list(matrix.sample_ids)}) name no "
                    "sample of a VCF or MAF here",
                )
            )
        return None
    chosen = ranked[0]
    for other in ranked[1:]:
        unused.append(
            Unused(
                other.path,
                f"a second expression matrix; the config takes one ({chosen.path} covers the "
                "most samples)",
            )
        )
    for row in rows:
        if row.sample not in chosen.sample_ids and row.tumor_sample in chosen.sample_ids:
            row.expression_id = row.tumor_sample
    with_rna = {r.sample for r in covered(chosen)}
    missing = [r.sample for r in rows if r.sample not in with_rna]
    if missing:
        notes.append(f"no expression column for {_list(missing)} in {chosen.path}")
    names = {n for r in rows for n in r.names()}
    strays = [c for c in chosen.sample_ids if c not in names]
    if strays:
        notes.append(
            f"expression column(s) {_list(strays)} match no VCF or MAF sample; if one is a "
            "sample's RNA, set that sample's expression_id in the sheet"
        )
    return chosen.path


def _list(names: Iterable[str], limit: int = 10) -> str:
    names = list(names)
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")
