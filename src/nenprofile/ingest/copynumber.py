"""Copy-number input (gene tables, cBioPortal discrete, segments) to gene-level calls.

Formats, detected from the header (column names are matched case-insensitively):

- gene-level table: a gene column (gene, Hugo_Symbol, symbol, gene_symbol) with absolute
  copy number (copy_number, CN, total_cn), log2 ratio (log2, log2_ratio, log2R) and/or a
  call column (call: AMP, GAIN, NEUTRAL, HETLOSS, DEEPDEL or the words amplification, gain,
  neutral, loss, shallow deletion, deletion, deep deletion, homozygous deletion, or -2..2).
  An explicit call wins over numbers; absolute copy number wins over log2. An optional
  minor copy number column (minor_cn, minor_copy_number, nMinor) gives LOH.
- cBioPortal discrete (data_CNA.txt): Hugo_Symbol [, Entrez_Gene_Id, Cytoband], then one
  column per sample holding -2 (DEEPDEL), -1 (HETLOSS), 0 (NEUTRAL), 1 (GAIN), 2 (AMP).
- segments: SEG (ID, chrom, loc.start, loc.end, num.mark, seg.mean as log2), allele-specific
  (Chromosome, Start, End, nMajor, nMinor; PCGR), or chromosome/start/end with a total copy
  number column. Each gene of the gene index gets the call of the segment that covers most
  of the gene; genes no segment touches get no call.

Gene rows whose value is empty or NA are skipped; a gene listed twice keeps its first row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from nenprofile.errors import InputError
from nenprofile.io.textfiles import iter_lines, split_fields
from nenprofile.model import GeneCopyNumber
from nenprofile.settings import Settings, schema_default

CALLS = ("AMP", "GAIN", "NEUTRAL", "HETLOSS", "DEEPDEL")

# the layouts read_copy_number recognises from the header
SEGMENTS = "segments"
GENE_TABLE = "gene table"
DISCRETE = "cBioPortal discrete"

GENE_COLUMNS = ("gene", "hugo_symbol", "symbol", "gene_symbol")
COPY_NUMBER_COLUMNS = ("copy_number", "cn", "total_cn", "total_copy_number", "copynumber")
LOG2_COLUMNS = ("log2", "log2_ratio", "log2r", "log2ratio")
CALL_COLUMNS = ("call", "cna_call", "cn_call")
MINOR_COLUMNS = ("minor_cn", "minor_copy_number", "nminor", "minorallelecopynumber")
MAJOR_COLUMNS = ("nmajor", "major_cn", "major_copy_number")
CHROM_COLUMNS = ("chromosome", "chrom", "chr")
START_COLUMNS = ("start", "loc.start", "start_position")
END_COLUMNS = ("end", "loc.end", "end_position")
SEG_MEAN_COLUMNS = ("seg.mean", "seg_mean", "segment_mean", *LOG2_COLUMNS)
SEGMENT_ID_COLUMNS = ("id", "sample", "id_sample")
DISCRETE_ANNOTATION_COLUMNS = ("entrez_gene_id", "cytoband", "locus id")

ACCEPTED_HEADERS = (
    "gene table: gene|Hugo_Symbol|symbol + copy_number|CN|total_cn or log2|log2_ratio|log2R "
    "or call; cBioPortal discrete: Hugo_Symbol[, Entrez_Gene_Id] + one column per sample "
    "(-2..2); SEG: ID, chrom, loc.start, loc.end, num.mark, seg.mean; allele-specific "
    "segments: Chromosome, Start, End, nMajor, nMinor"
)

CALL_WORDS = {
    "amp": "AMP",
    "amplification": "AMP",
    "amplified": "AMP",
    "high level amplification": "AMP",
    "2": "AMP",
    "gain": "GAIN",
    "low level gain": "GAIN",
    "copy gain": "GAIN",
    "1": "GAIN",
    "neutral": "NEUTRAL",
    "diploid": "NEUTRAL",
    "normal": "NEUTRAL",
    "no change": "NEUTRAL",
    "0": "NEUTRAL",
    "hetloss": "HETLOSS",
    "het loss": "HETLOSS",
    "loss": "HETLOSS",
    "shallow deletion": "HETLOSS",
    "shallowdel": "HETLOSS",
    "heterozygous deletion": "HETLOSS",
    "hemizygous deletion": "HETLOSS",
    "-1": "HETLOSS",
    "deepdel": "DEEPDEL",
    "deep deletion": "DEEPDEL",
    "deletion": "DEEPDEL",  # OncoKB/cBioPortal use "Deletion" for the homozygous event
    "homozygous deletion": "DEEPDEL",
    "homdel": "DEEPDEL",
    "-2": "DEEPDEL",
    "-1.5": "DEEPDEL",
}
DISCRETE_VALUES = {-2.0: "DEEPDEL", -1.5: "DEEPDEL", -1.0: "HETLOSS", 0.0: "NEUTRAL"}
DISCRETE_VALUES |= {1.0: "GAIN", 2.0: "AMP"}
_MISSING = {"", ".", "NA", "N/A", "NaN", "nan", "None", "-"}


@dataclass(frozen=True)
class CopyNumberThresholds:
    """Rules that turn numbers into calls.

    Absolute total copy number CN, tumor ploidy P (default 2); defaults from the config schema:
      DEEPDEL if CN < deep_deletion_below (0.5, i.e. no copy left);
      AMP     if CN >= amp_copies * P / 2 (6 copies at ploidy 2, 9 at ploidy 3);
      GAIN    if CN >= P + 0.5 (a continuous estimate that rounds above ploidy);
      HETLOSS if CN <= P - 0.5;
      NEUTRAL otherwise.
    log2 ratio L (already relative to ploidy, so P is not used):
      AMP if L >= log2_amp (1.0); GAIN if L >= log2_gain (0.3);
      DEEPDEL if L <= log2_deepdel (-1.2); HETLOSS if L <= log2_hetloss (-0.3); else NEUTRAL.
    LOH: minor copy number < 0.5 (rounds to 0) while CN >= deep_deletion_below.
    """

    amp_copies: float = float(schema_default("copy_number.amp_copies"))
    deep_deletion_below: float = 0.5
    log2_amp: float = float(schema_default("copy_number.log2_amp"))
    log2_gain: float = float(schema_default("copy_number.log2_gain"))
    log2_hetloss: float = float(schema_default("copy_number.log2_hetloss"))
    log2_deepdel: float = float(schema_default("copy_number.log2_deepdel"))

    @classmethod
    def from_settings(cls, settings: Settings) -> CopyNumberThresholds:
        return cls(**vars(settings.copy_number))

    def call_copy_number(self, copy_number: float, ploidy: float = 2.0) -> str:
        if copy_number < self.deep_deletion_below:
            return "DEEPDEL"
        if copy_number >= self.amp_copies * ploidy / 2:
            return "AMP"
        if copy_number >= ploidy + 0.5:
            return "GAIN"
        if copy_number <= ploidy - 0.5:
            return "HETLOSS"
        return "NEUTRAL"

    def call_log2(self, log2_ratio: float) -> str:
        if log2_ratio >= self.log2_amp:
            return "AMP"
        if log2_ratio >= self.log2_gain:
            return "GAIN"
        if log2_ratio <= self.log2_deepdel:
            return "DEEPDEL"
        if log2_ratio <= self.log2_hetloss:
            return "HETLOSS"
        return "NEUTRAL"

    def is_loh(self, copy_number: float | None, minor_copy_number: float | None) -> bool:
        if copy_number is None or minor_copy_number is None:
            return False
        return minor_copy_number < 0.5 and copy_number >= self.deep_deletion_below


class GeneLookup(Protocol):
    """What segment mapping needs from genes.GeneIndex (tests pass small indexes)."""

    def genes_overlapping(self, chrom: str, start: int, end: int) -> list[str]: ...

    def span(self, gene: str) -> tuple[str, int, int] | None: ...


@dataclass(frozen=True)
class Segment:
    chrom: str
    start: int
    end: int
    copy_number: float | None = None
    minor_copy_number: float | None = None
    log2_ratio: float | None = None


def read_copy_number(
    path: str | Path,
    *,
    build: str,
    thresholds: CopyNumberThresholds | None = None,
    ploidy: float | None = None,
    genes: GeneLookup | None = None,
    sample: str | None = None,
) -> list[GeneCopyNumber]:
    """Gene-level copy-number calls from any supported format (see the module docstring).

    `sample` picks the column of a multi-sample cBioPortal file or the ID of a multi-sample
    SEG file; `genes` defaults to the bundled GeneIndex of `build` (segments only).
    """
    path = Path(path)
    thresholds = thresholds or CopyNumberThresholds()
    if ploidy is not None and not ploidy > 0:
        raise InputError(
            f"ploidy must be positive, got {ploidy}",
            path=str(path),
            column="ploidy",
            fix="set ploidy in the sample sheet to e.g. 2.0, or leave it empty",
        )
    table = _Table.read(path)
    columns = table.columns
    layout = copy_number_layout(columns)
    gene_col = _find(columns, GENE_COLUMNS)
    chrom_col, start_col, end_col = _segment_columns(columns)
    if layout == SEGMENTS and chrom_col and start_col and end_col:
        if genes is None:
            from nenprofile.reference.genes import GeneIndex

            genes = GeneIndex.load(build)
        segments, label = _read_segments(table, chrom_col, start_col, end_col, sample)
        return segments_to_genes(
            segments, genes, thresholds=thresholds, ploidy=ploidy or 2.0, source=label
        )
    if layout == GENE_TABLE and gene_col:
        return _read_gene_table(table, gene_col, thresholds, ploidy or 2.0)
    if layout == DISCRETE and gene_col:
        return _read_discrete(table, gene_col, sample)
    raise InputError(
        f"copy-number format not recognised from the header ({', '.join(columns)})",
        path=str(path),
        line=table.header_line,
        fix=f"use one of the accepted layouts: {ACCEPTED_HEADERS}",
    )


def copy_number_layout(columns: list[str]) -> str | None:
    """SEGMENTS, GENE_TABLE or DISCRETE from a header's column names; None when none fits."""
    gene_col = _find(columns, GENE_COLUMNS)
    value_cols = [
        _find(columns, names) for names in (COPY_NUMBER_COLUMNS, LOG2_COLUMNS, CALL_COLUMNS)
    ]
    if gene_col is None and all(_segment_columns(columns)):
        return SEGMENTS
    if gene_col and any(value_cols):
        return GENE_TABLE
    if gene_col and gene_col.lower() in ("hugo_symbol", "gene_symbol"):
        return DISCRETE
    return None


def copy_number_sample_ids(path: str | Path) -> tuple[str | None, list[str]]:
    """(layout, sample ids the file names) for a file read as copy number.

    The ids are a cBioPortal file's sample columns or a segment file's ID values, in file
    order; a gene table names none. The layout is None when the header fits no layout.
    """
    table = _Table.read(Path(path))
    layout = copy_number_layout(table.columns)
    gene_col = _find(table.columns, GENE_COLUMNS)
    if layout == DISCRETE and gene_col:
        return layout, _discrete_sample_columns(table, gene_col)
    id_col = _find(table.columns, SEGMENT_ID_COLUMNS)
    if layout == SEGMENTS and id_col:
        ids = dict.fromkeys(fields[table.index(id_col)] for _, fields in table.rows)
        return layout, [i for i in ids if i]
    return layout, []


def _segment_columns(columns: list[str]) -> tuple[str | None, str | None, str | None]:
    return (
        _find(columns, CHROM_COLUMNS),
        _find(columns, START_COLUMNS),
        _find(columns, END_COLUMNS),
    )


def segments_to_genes(
    segments: list[Segment],
    genes: GeneLookup,
    *,
    thresholds: CopyNumberThresholds | None = None,
    ploidy: float = 2.0,
    source: str = "segments",
) -> list[GeneCopyNumber]:
    """Give every gene the call of the segment covering most of it; sorted by gene."""
    thresholds = thresholds or CopyNumberThresholds()
    best: dict[str, tuple[int, Segment]] = {}
    for segment in segments:
        for gene in genes.genes_overlapping(segment.chrom, segment.start, segment.end):
            span = genes.span(gene)
            if span is None:
                continue
            _chrom, gene_start, gene_end = span
            overlap = min(segment.end, gene_end) - max(segment.start, gene_start) + 1
            if gene not in best or overlap > best[gene][0]:
                best[gene] = (overlap, segment)
    calls = []
    for gene in sorted(best):
        segment = best[gene][1]
        if segment.copy_number is not None:
            call = thresholds.call_copy_number(segment.copy_number, ploidy)
        elif segment.log2_ratio is not None:
            call = thresholds.call_log2(segment.log2_ratio)
        else:
            continue
        calls.append(
            GeneCopyNumber(
                gene=gene,
                call=call,
                copy_number=segment.copy_number,
                log2_ratio=segment.log2_ratio,
                minor_copy_number=segment.minor_copy_number,
                loh=thresholds.is_loh(segment.copy_number, segment.minor_copy_number),
                source=source,
            )
        )
    return calls


def segment_chrom(value: str) -> str:
    """'1' / 'chr1' / '23' / 'MT' -> 'chr1' / 'chr1' / 'chrX' / 'chrM'."""
    bare = value.strip()
    if bare.lower().startswith("chr"):
        bare = bare[3:]
    bare = {"23": "X", "24": "Y", "MT": "M", "X": "X", "Y": "Y", "M": "M"}.get(bare.upper(), bare)
    return f"chr{bare}"


@dataclass
class _Table:
    path: Path
    columns: list[str]
    header_line: int
    rows: list[tuple[int, list[str]]]

    @classmethod
    def read(cls, path: Path) -> _Table:
        if not path.is_file():
            raise InputError("copy-number file not found", path=str(path), fix="check the path")
        delimiter = "," if path.name.removesuffix(".gz").endswith(".csv") else "\t"
        lines = list(iter_lines(path))
        body = [(n, line) for n, line in lines if line.strip() and not line.startswith("##")]
        if not body:
            raise InputError(
                "copy-number file is empty", path=str(path), fix="give a header line and rows"
            )
        header_line, header_text = body[0]
        header = split_fields(header_text.lstrip("#"), delimiter, path, header_line)
        columns = [c.strip() for c in header]
        rows = []
        for number, text in body[1:]:
            fields = [f.strip() for f in split_fields(text, delimiter, path, number)]
            fields += [""] * (len(columns) - len(fields))
            rows.append((number, fields))
        return cls(path, columns, header_line, rows)

    def index(self, column: str) -> int:
        return self.columns.index(column)

    def number(self, line: int, fields: list[str], column: str) -> float | None:
        text = fields[self.index(column)]
        if text in _MISSING:
            return None
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise InputError(
                f"expected a number, found '{text}'",
                path=str(self.path),
                line=line,
                column=column,
                fix="use a decimal number, or NA when unknown",
            )
        return value

    def copies(self, line: int, fields: list[str], column: str) -> float | None:
        """An absolute copy number: a number >= 0 (log2 ratios may be negative, copies not)."""
        value = self.number(line, fields, column)
        if value is not None and value < 0:
            raise InputError(
                f"copy number '{fields[self.index(column)]}' is negative",
                path=str(self.path),
                line=line,
                column=column,
                fix="absolute copy numbers are >= 0; put log2 ratios in a 'log2' column",
            )
        return value

    def integer(self, line: int, fields: list[str], column: str) -> int:
        value = self.number(line, fields, column)
        if value is None or value != int(value):
            raise InputError(
                f"expected a whole-number position, found '{fields[self.index(column)]}'",
                path=str(self.path),
                line=line,
                column=column,
                fix="segment start and end must be integers",
            )
        return int(value)


def _find(columns: list[str], names: tuple[str, ...]) -> str | None:
    lowered = {c.lower(): c for c in reversed(columns)}
    for name in names:
        if name in lowered:
            return lowered[name]
    return None


def _call_word(table: _Table, line: int, fields: list[str], column: str) -> str | None:
    text = fields[table.index(column)]
    if text in _MISSING:
        return None
    call = CALL_WORDS.get(text)  # numeric codes such as "-1" keep their sign
    if call is None:
        words = " ".join(text.lower().replace("_", " ").replace("-", " ").split())
        call = CALL_WORDS.get(words)
    if call is None:
        raise InputError(
            f"unknown copy-number call '{text}'",
            path=str(table.path),
            line=line,
            column=column,
            fix="use AMP, GAIN, NEUTRAL, HETLOSS or DEEPDEL (or -2..2)",
        )
    return call


def _read_gene_table(
    table: _Table, gene_col: str, thresholds: CopyNumberThresholds, ploidy: float
) -> list[GeneCopyNumber]:
    cn_col = _find(table.columns, COPY_NUMBER_COLUMNS)
    log2_col = _find(table.columns, LOG2_COLUMNS)
    call_col = _find(table.columns, CALL_COLUMNS)
    minor_col = _find(table.columns, MINOR_COLUMNS)
    source = "gene table (" + ("call" if call_col else "copy number" if cn_col else "log2") + ")"
    calls: dict[str, GeneCopyNumber] = {}
    for line, fields in table.rows:
        gene = fields[table.index(gene_col)]
        if gene in _MISSING or gene in calls:
            continue
        copy_number = table.copies(line, fields, cn_col) if cn_col else None
        log2_ratio = table.number(line, fields, log2_col) if log2_col else None
        minor = table.copies(line, fields, minor_col) if minor_col else None
        call = _call_word(table, line, fields, call_col) if call_col else None
        if call is None and copy_number is not None:
            call = thresholds.call_copy_number(copy_number, ploidy)
        if call is None and log2_ratio is not None:
            call = thresholds.call_log2(log2_ratio)
        if call is None:
            continue
        calls[gene] = GeneCopyNumber(
            gene=gene,
            call=call,
            copy_number=copy_number,
            log2_ratio=log2_ratio,
            minor_copy_number=minor,
            loh=thresholds.is_loh(copy_number, minor),
            source=source,
        )
    return list(calls.values())


def _pick_sample_column(table: _Table, candidates: list[str], sample: str | None, what: str) -> str:
    if sample is not None and sample in candidates:
        return sample
    if len(candidates) == 1:
        return candidates[0]
    listed = ", ".join(candidates) or "none"
    raise InputError(
        f"cannot tell which {what} to use"
        + (f": '{sample}' is not among them" if sample else "")
        + f"; found: {listed}",
        path=str(table.path),
        line=table.header_line,
        fix="name the sample (tumor_sample in the sample sheet) as one of those found",
    )


def _discrete_sample_columns(table: _Table, gene_col: str) -> list[str]:
    return [
        c
        for c in table.columns
        if c != gene_col and c.lower() not in DISCRETE_ANNOTATION_COLUMNS and c
    ]


def _read_discrete(table: _Table, gene_col: str, sample: str | None) -> list[GeneCopyNumber]:
    sample_columns = _discrete_sample_columns(table, gene_col)
    column = _pick_sample_column(table, sample_columns, sample, "sample column")
    calls: dict[str, GeneCopyNumber] = {}
    for line, fields in table.rows:
        gene = fields[table.index(gene_col)]
        if gene in _MISSING or gene in calls:
            continue
        value = table.number(line, fields, column)
        if value is None:
            continue
        call = DISCRETE_VALUES.get(value)
        if call is None:
            raise InputError(
                f"cBioPortal discrete copy number must be -2, -1.5, -1, 0, 1 or 2, "
                f"found '{fields[table.index(column)]}'",
                path=str(table.path),
                line=line,
                column=column,
                fix="use GISTIC-style discrete values, or a gene table with copy_number/log2",
            )
        calls[gene] = GeneCopyNumber(gene=gene, call=call, source="cBioPortal discrete")
    return list(calls.values())


def _read_segments(
    table: _Table, chrom_col: str, start_col: str, end_col: str, sample: str | None
) -> tuple[list[Segment], str]:
    major_col = _find(table.columns, MAJOR_COLUMNS)
    minor_col = _find(table.columns, MINOR_COLUMNS)
    cn_col = _find(table.columns, COPY_NUMBER_COLUMNS)
    log2_col = _find(table.columns, SEG_MEAN_COLUMNS)
    if major_col and minor_col:
        label = "allele-specific segments"
    elif cn_col:
        label = "segments (copy number)"
    elif log2_col:
        label = "segments (log2)"
    else:
        raise InputError(
            "segment table has no copy-number value column",
            path=str(table.path),
            line=table.header_line,
            fix=f"use one of the accepted layouts: {ACCEPTED_HEADERS}",
        )
    id_col = _find(table.columns, SEGMENT_ID_COLUMNS)
    chosen_id = None
    if id_col:
        ids = list(dict.fromkeys(fields[table.index(id_col)] for _, fields in table.rows))
        chosen_id = _pick_sample_column(table, ids, sample, f"{id_col} value")

    segments = []
    for line, fields in table.rows:
        if id_col and fields[table.index(id_col)] != chosen_id:
            continue
        start = table.integer(line, fields, start_col)
        end = table.integer(line, fields, end_col)
        if end < start:
            raise InputError(
                f"segment end {end} is before start {start}",
                path=str(table.path),
                line=line,
                column=end_col,
                fix="give start <= end",
            )
        copy_number = minor = log2_ratio = None
        if label == "allele-specific segments":
            assert major_col is not None and minor_col is not None  # that layout has both
            major = table.copies(line, fields, major_col)
            minor = table.copies(line, fields, minor_col)
            if major is not None and minor is not None:
                copy_number = major + minor
        elif cn_col:
            copy_number = table.copies(line, fields, cn_col)
            minor = table.copies(line, fields, minor_col) if minor_col else None
        else:
            assert log2_col is not None  # a segment table without copy numbers has log2
            log2_ratio = table.number(line, fields, log2_col)
        if copy_number is None and log2_ratio is None:
            continue
        segments.append(
            Segment(
                chrom=segment_chrom(fields[table.index(chrom_col)]),
                start=start,
                end=end,
                copy_number=copy_number,
                minor_copy_number=minor,
                log2_ratio=log2_ratio,
            )
        )
    return segments, label
