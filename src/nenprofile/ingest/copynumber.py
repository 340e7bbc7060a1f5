"""Copy-number input (gene tables, discrete tables, segments of many callers) to gene calls.

Formats, detected from the header (column names are matched case-insensitively):

- gene-level table: a gene column (gene, Hugo_Symbol, symbol, gene_symbol) with absolute
  copy number (copy_number, CN, total_cn), log2 ratio (log2, log2_ratio, log2R) and/or a
  call column (call: AMP, GAIN, NEUTRAL, HETLOSS, DEEPDEL or the words amplification, gain,
  neutral, loss, shallow deletion, deletion, deep deletion, homozygous deletion, or -2..2).
  An explicit call wins over numbers; absolute copy number wins over log2. An optional
  minor copy number column (minor_cn, minor_copy_number, nMinor) gives LOH.
- PURPLE purple.cnv.gene.tsv (gene, minCopyNumber, maxCopyNumber,
  minMinorAlleleCopyNumber): losses are called from the minimum copy number over the gene,
  gains from the maximum (the rule below for segments).
- discrete tables, -2 (DEEPDEL), -1 (HETLOSS), 0 (NEUTRAL), 1 (GAIN), 2 (AMP): cBioPortal
  data_CNA.txt (Hugo_Symbol [, Entrez_Gene_Id, Cytoband], one column per sample), GISTIC
  all_thresholded.by_genes.txt (Gene Symbol, Locus ID, Cytoband, samples) and the
  cBioPortal long layout (Hugo_Symbol, Sample_Id, Value, ...). A cBioPortal row whose
  Hugo_Symbol is empty or absent is named by its Entrez_Gene_Id through the bundled HGNC table
  (reference.genes.entrez_symbols); IDs not in it are skipped and counted.
- segments, mapped to the genes of the bundled gene index: SEG (ID, chrom, loc.start,
  loc.end, num.mark, seg.mean; log2, or log10 with copy_number.seg_scale: log10);
  CNVkit .cns / .call.cns (chromosome, start, end, gene, log2 [, cn], probes; the gene
  column is ignored, the 0-based start shifted, segments with 0 probes skipped);
  allele-specific segments (Chromosome/chr, Start/startpos, End/endpos, nMajor, nMinor:
  PCGR, sarek ASCAT cnvs.txt and segments.txt); PURPLE purple.cnv.somatic.tsv (copyNumber,
  minorAlleleCopyNumber); FACETS cncf (tcn.em, lcn.em); Control-FREEC _CNVs (no header:
  chr, start, end, copy number, status, ...); any chromosome/start/end table with a total
  copy number column.
- refused with the file to give instead: CNVkit .cnr bins ("give the .cns") and
  Control-FREEC _ratio.txt bins ("give the _CNVs file").

Segments to genes: a gene's call comes from all the segments overlapping it. A deep
deletion anywhere in the gene wins (the minimum copy number decides, so a focal homozygous
deletion inside a large gene is kept); else an amplification anywhere (the maximum
decides); else a loss or a gain, whichever covers more of the gene when both occur; else
neutral. The deciding segment is named on the call, and the other event on a conflict.

Duplicate gene rows: rows with the same call merge silently (counted); rows with
different calls keep the strongest event (DEEPDEL > AMP > HETLOSS > GAIN > NEUTRAL) and
give a warning that names the lines. Slightly negative absolute copy numbers (down to -1,
as PURPLE writes for homozygous deletions) are clipped to 0 and counted. Rows with an
empty or NA value are skipped and counted.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from nenprofile.errors import InputError
from nenprofile.ingest.genenames import GeneRenamer
from nenprofile.io.textfiles import iter_lines, split_fields
from nenprofile.model import GeneCopyNumber
from nenprofile.settings import Settings, schema_default

CALLS = ("AMP", "GAIN", "NEUTRAL", "HETLOSS", "DEEPDEL")

# the layouts read_copy_number recognises from the header
SEGMENTS = "segments"
GENE_TABLE = "gene table"
DISCRETE = "cBioPortal discrete"
# which call a duplicate gene row keeps: the strongest event
CALL_STRENGTH = {"DEEPDEL": 4, "AMP": 3, "HETLOSS": 2, "GAIN": 1, "NEUTRAL": 0}

GENE_COLUMNS = ("gene", "hugo_symbol", "symbol", "gene_symbol", "gene symbol")
COPY_NUMBER_COLUMNS = (
    "copy_number",
    "cn",
    "total_cn",
    "total_copy_number",
    "copynumber",
    "tcn.em",
)
LOG2_COLUMNS = ("log2", "log2_ratio", "log2r", "log2ratio")
CALL_COLUMNS = ("call", "cna_call", "cn_call")
MINOR_COLUMNS = (
    "minor_cn",
    "minor_copy_number",
    "nminor",
    "minorallelecopynumber",
    "lcn.em",
    "minminorallelecopynumber",
)
MAJOR_COLUMNS = ("nmajor", "major_cn", "major_copy_number")
MIN_COPY_NUMBER_COLUMNS = ("mincopynumber", "min_copy_number")
MAX_COPY_NUMBER_COLUMNS = ("maxcopynumber", "max_copy_number")
CHROM_COLUMNS = ("chromosome", "chrom", "chr")
START_COLUMNS = ("start", "loc.start", "start_position", "startpos")
END_COLUMNS = ("end", "loc.end", "end_position", "endpos")
SEG_MEAN_COLUMNS = ("seg.mean", "seg_mean", "segment_mean")
SEGMENT_ID_COLUMNS = ("id", "sample", "id_sample")
DISCRETE_GENE_COLUMNS = ("hugo_symbol", "gene_symbol", "gene symbol")
DISCRETE_ANNOTATION_COLUMNS = ("entrez_gene_id", "cytoband", "locus id")
LONG_SAMPLE_COLUMN, LONG_VALUE_COLUMN = "sample_id", "value"
# cBioPortal lets a discrete CNA file name genes by Entrez ID alone (Hugo_Symbol empty or absent)
ENTREZ_COLUMN = "entrez_gene_id"
ENTREZ_UNMAPPED = "Entrez_Gene_Id not a protein-coding gene of the bundled HGNC table"
CNVKIT_PROBES_COLUMN = "probes"
CNVKIT_BIN_COLUMNS = ("depth", "weight")
FREEC_COLUMNS = ["chr", "start", "end", "copy_number", "status"]
FREEC_STATUS_WORDS = {"gain", "loss", "normal", "neutral"}
SEG_SCALES = ("log2", "log10")
# PURPLE writes slightly negative copy numbers for homozygous deletions; below this it is
# not a copy number at all
NEGATIVE_COPY_NUMBER_FLOOR = -1.0

ACCEPTED_HEADERS = (
    "gene table: gene|Hugo_Symbol|symbol + copy_number|CN|total_cn or log2|log2_ratio|log2R "
    "or call; PURPLE purple.cnv.gene.tsv (gene, minCopyNumber, maxCopyNumber); cBioPortal "
    "discrete: Hugo_Symbol and/or Entrez_Gene_Id + one column per sample (-2..2), or long "
    "(Hugo_Symbol, Sample_Id, Value); GISTIC all_thresholded.by_genes (Gene Symbol, Locus "
    "ID, Cytoband, samples); SEG: ID, chrom, loc.start, loc.end, num.mark, seg.mean; CNVkit "
    ".cns/.call.cns; allele-specific segments: Chromosome, Start, End, nMajor, nMinor (or "
    "ASCAT chr, startpos, endpos, nMajor, nMinor); PURPLE purple.cnv.somatic.tsv; FACETS "
    "cncf (chrom, start, end, tcn.em, lcn.em); Control-FREEC _CNVs"
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
    """Rules that turn numbers into calls (config `copy_number`).

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
    seg_scale: the logarithm of SEG seg.mean values (log2, or log10 for some aCGH exports).
    """

    amp_copies: float = float(schema_default("copy_number.amp_copies"))
    deep_deletion_below: float = 0.5
    log2_amp: float = float(schema_default("copy_number.log2_amp"))
    log2_gain: float = float(schema_default("copy_number.log2_gain"))
    log2_hetloss: float = float(schema_default("copy_number.log2_hetloss"))
    log2_deepdel: float = float(schema_default("copy_number.log2_deepdel"))
    seg_scale: str = str(schema_default("copy_number.seg_scale"))

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
    probes: int | None = None

    @property
    def value(self) -> float:
        """The number calls are made from: copy number if known, else log2 ratio."""
        if self.copy_number is not None:
            return self.copy_number
        return self.log2_ratio if self.log2_ratio is not None else math.nan

    def describe(self) -> str:
        """'chr10:89700300-89712340 CN 0 (3 probes)' for evidence text."""
        if self.copy_number is not None:
            value = f"CN {self.copy_number:g}"
        else:
            value = f"log2 {self.log2_ratio:g}"
        probes = ""
        if self.probes is not None:
            probes = f" ({self.probes} probe{'' if self.probes == 1 else 's'})"
        return f"{self.chrom}:{self.start}-{self.end} {value}{probes}"


@dataclass
class CopyNumberInput:
    """Gene calls of one file and what reading it did (ingest.json `copy_number_input`)."""

    calls: list[GeneCopyNumber]
    disclosure: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Reading:
    """What a reader did besides producing calls: the disclosure of one file."""

    format: str = ""
    skipped: Counter[str] = field(default_factory=Counter)
    clipped: list[tuple[int, float]] = field(default_factory=list)  # (line, value as read)
    merged_rows: int = 0
    warnings: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)


def read_copy_number(
    path: str | Path,
    *,
    build: str,
    thresholds: CopyNumberThresholds | None = None,
    ploidy: float | None = None,
    genes: GeneLookup | None = None,
    sample: str | None = None,
) -> list[GeneCopyNumber]:
    """Gene-level copy-number calls from any supported format (see the module docstring)."""
    return read_copy_number_file(
        path, build=build, thresholds=thresholds, ploidy=ploidy, genes=genes, sample=sample
    ).calls


def read_copy_number_file(
    path: str | Path,
    *,
    build: str,
    thresholds: CopyNumberThresholds | None = None,
    ploidy: float | None = None,
    genes: GeneLookup | None = None,
    sample: str | None = None,
) -> CopyNumberInput:
    """read_copy_number plus the disclosure: format, rows read, skipped by reason, clipped,
    merged, and warnings for conflicting duplicate rows.

    `sample` picks the column of a multi-sample discrete table or the ID of a multi-sample
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
    if thresholds.seg_scale not in SEG_SCALES:
        raise InputError(
            f"copy_number.seg_scale must be log2 or log10, got '{thresholds.seg_scale}'",
            column="copy_number.seg_scale",
            fix="set copy_number.seg_scale in the config to log2 or log10",
        )
    table = _Table.read(path)
    reading = _Reading()
    calls = _dispatch(table, reading, build, thresholds, ploidy or 2.0, genes, sample)
    for line, value in table.clipped:
        reading.clipped.append((line, value))
    calls = _renamed(calls, reading)
    disclosure = {
        "path": str(path),
        "format": reading.format,
        "rows": len(table.rows),
        "genes_called": len(calls),
        "skipped": dict(sorted(reading.skipped.items())),
        "clipped_negative_copy_numbers": len(reading.clipped),
        "merged_duplicate_rows": reading.merged_rows,
        **reading.details,
    }
    if reading.clipped:
        disclosure["most_negative_copy_number"] = min(v for _, v in reading.clipped)
    return CopyNumberInput(calls, disclosure, reading.warnings)


def _renamed(calls: list[GeneCopyNumber], reading: _Reading) -> list[GeneCopyNumber]:
    """The calls with HGNC-approved gene names (genenames.py). A file giving one gene under
    its old and its approved name keeps the approved name's row, and says so."""
    renamer = GeneRenamer()
    given = {call.gene for call in calls}
    kept = []
    for call in calls:
        name = call.gene
        call.gene = renamer(name) or name
        if call.gene != name and call.gene in given:
            reading.skipped[f"{name}: row of {call.gene} under its old name"] += 1
            reading.warnings.append(
                f"the file gives {call.gene} twice, also under its previous name or alias "
                f"{name}; the {call.gene} row is used"
            )
            continue
        kept.append(call)
    reading.details["gene_names"] = renamer.disclosure()
    return kept


def copy_number_layout(columns: list[str]) -> str | None:
    """SEGMENTS, GENE_TABLE or DISCRETE from a header's column names; None when none fits.

    CNVkit .cnr and Control-FREEC _ratio.txt count as SEGMENTS: reading them then says which
    file to give instead.
    """
    gene_col = _find(columns, GENE_COLUMNS)
    chrom_col, start_col, end_col = _segment_columns(columns)
    lowered = _lower(columns)
    cnvkit = bool(_find(columns, LOG2_COLUMNS)) and CNVKIT_PROBES_COLUMN in lowered
    positions = chrom_col and start_col and (end_col or "ratio" in lowered)
    if positions and (gene_col is None or cnvkit or _is_cnvkit_bins(columns)):
        return SEGMENTS
    if gene_col is None:
        return DISCRETE if ENTREZ_COLUMN in lowered else None
    if _find(columns, MIN_COPY_NUMBER_COLUMNS):
        return GENE_TABLE
    if LONG_SAMPLE_COLUMN in lowered and LONG_VALUE_COLUMN in lowered:
        return DISCRETE
    if any(_find(columns, names) for names in (COPY_NUMBER_COLUMNS, LOG2_COLUMNS, CALL_COLUMNS)):
        return GENE_TABLE
    if gene_col.lower() in DISCRETE_GENE_COLUMNS:
        return DISCRETE
    return None


def copy_number_sample_ids(path: str | Path) -> tuple[str | None, list[str]]:
    """(layout, sample ids the file names) for a file read as copy number.

    The ids are a discrete table's sample columns (or long-layout Sample_Id values) or a
    segment file's ID values, in file order; a gene table names none. The layout is None
    when the header fits no layout.
    """
    table = _Table.read(Path(path))
    layout = copy_number_layout(table.columns)
    gene_col = _find(table.columns, GENE_COLUMNS) or _find(table.columns, (ENTREZ_COLUMN,))
    if layout == DISCRETE and gene_col:
        long_col = _find(table.columns, (LONG_SAMPLE_COLUMN,))
        if long_col and _find(table.columns, (LONG_VALUE_COLUMN,)):
            return layout, _distinct(table, long_col)
        return layout, _discrete_sample_columns(table, gene_col)
    id_col = _find(table.columns, SEGMENT_ID_COLUMNS)
    if layout == SEGMENTS and id_col:
        return layout, _distinct(table, id_col)
    return layout, []


def _distinct(table: _Table, column: str) -> list[str]:
    values = dict.fromkeys(fields[table.index(column)] for _, fields in table.rows)
    return [v for v in values if v]


def _segment_columns(columns: list[str]) -> tuple[str | None, str | None, str | None]:
    return (
        _find(columns, CHROM_COLUMNS),
        _find(columns, START_COLUMNS),
        _find(columns, END_COLUMNS),
    )


def _is_cnvkit_bins(columns: list[str]) -> bool:
    lowered = _lower(columns)
    return (
        bool(_find(columns, GENE_COLUMNS))
        and bool(_find(columns, LOG2_COLUMNS))
        and all(name in lowered for name in CNVKIT_BIN_COLUMNS)
        and CNVKIT_PROBES_COLUMN not in lowered
    )


def _dispatch(
    table: _Table,
    reading: _Reading,
    build: str,
    thresholds: CopyNumberThresholds,
    ploidy: float,
    genes: GeneLookup | None,
    sample: str | None,
) -> list[GeneCopyNumber]:
    columns = table.columns
    layout = copy_number_layout(columns)
    gene_col = _find(columns, GENE_COLUMNS)
    chrom_col, start_col, end_col = _segment_columns(columns)
    if _is_cnvkit_bins(columns):
        raise InputError(
            "this is a CNVkit bin-level .cnr file: one gene spans many bins with "
            "different log2 values, so it gives no gene-level call",
            path=str(table.path),
            line=table.header_line,
            fix="give the CNVkit segments (.cns, or .call.cns from 'cnvkit.py call')",
        )
    if layout == SEGMENTS and not end_col:
        raise InputError(
            "this is a Control-FREEC _ratio.txt file (bins without an end column)",
            path=str(table.path),
            line=table.header_line,
            fix="give the Control-FREEC _CNVs file (segments with copy numbers)",
        )
    if layout == SEGMENTS and chrom_col and start_col and end_col:
        cnvkit = gene_col is not None
        segments = _read_segments(
            table, reading, chrom_col, start_col, end_col, sample, thresholds, cnvkit
        )
        return segments_to_genes(
            segments,
            genes or _bundled_genes(build),
            thresholds=thresholds,
            ploidy=ploidy,
            source=reading.format,
        )
    if layout == GENE_TABLE and gene_col and _find(columns, MIN_COPY_NUMBER_COLUMNS):
        reading.format = "PURPLE gene copy number (minCopyNumber/maxCopyNumber)"
        return _read_min_max_genes(table, reading, gene_col, thresholds, ploidy)
    if layout == GENE_TABLE and gene_col:
        return _read_gene_table(table, reading, gene_col, thresholds, ploidy)
    entrez_col = _find(columns, (ENTREZ_COLUMN,))
    discrete_key = gene_col or entrez_col
    if layout == DISCRETE and discrete_key and _find(columns, (LONG_SAMPLE_COLUMN,)):
        reading.format = "cBioPortal discrete (long)"
        return _read_discrete_long(table, reading, _GeneKey(gene_col, entrez_col), sample)
    if layout == DISCRETE and discrete_key:
        gistic = discrete_key.lower() == "gene symbol"
        reading.format = "GISTIC all_thresholded.by_genes" if gistic else DISCRETE
        return _read_discrete(table, reading, _GeneKey(gene_col, entrez_col), sample)
    if _find(columns, ("purity",)) and _find(columns, ("ploidy",)):
        raise InputError(
            "this is a purity/ploidy file, not copy number",
            path=str(table.path),
            line=table.header_line,
            fix="give it in the sheet's purity_file column and the copy-number file in cna",
        )
    raise InputError(
        f"copy-number format not recognised from the header ({', '.join(columns)})",
        path=str(table.path),
        line=table.header_line,
        fix=f"use one of the accepted layouts: {ACCEPTED_HEADERS}",
    )


def _bundled_genes(build: str) -> GeneLookup:
    from nenprofile.reference.genes import GeneIndex

    return GeneIndex.load(build)


def segments_to_genes(
    segments: list[Segment],
    genes: GeneLookup,
    *,
    thresholds: CopyNumberThresholds | None = None,
    ploidy: float = 2.0,
    source: str = "segments",
) -> list[GeneCopyNumber]:
    """One call per gene from every segment overlapping it (module docstring); by gene."""
    thresholds = thresholds or CopyNumberThresholds()
    pieces: dict[str, list[tuple[Segment, int]]] = defaultdict(list)
    lengths: dict[str, int] = {}
    for segment in segments:
        if math.isnan(segment.value):
            continue
        for gene in genes.genes_overlapping(segment.chrom, segment.start, segment.end):
            span = genes.span(gene)
            if span is None:
                continue
            _chrom, gene_start, gene_end = span
            overlap = min(segment.end, gene_end) - max(segment.start, gene_start) + 1
            pieces[gene].append((segment, overlap))
            lengths[gene] = gene_end - gene_start + 1
    calls = []
    for gene in sorted(pieces):
        called = [(_segment_call(s, thresholds, ploidy), s, bp) for s, bp in pieces[gene]]
        call, (segment, overlap), other = _decide(called)
        coverage = f"{overlap:,} of {gene}'s {lengths[gene]:,} bp"
        note = ""
        if other is not None:
            other_call, other_segment = other
            note = f"{gene} also overlaps a {other_call} segment {other_segment.describe()}"
        calls.append(
            GeneCopyNumber(
                gene=gene,
                call=call,
                copy_number=segment.copy_number,
                log2_ratio=segment.log2_ratio,
                minor_copy_number=segment.minor_copy_number,
                loh=thresholds.is_loh(segment.copy_number, segment.minor_copy_number),
                source=source,
                segment=f"{segment.describe()}, {coverage}",
                note=note,
            )
        )
    return calls


def _segment_call(segment: Segment, thresholds: CopyNumberThresholds, ploidy: float) -> str:
    if segment.copy_number is not None:
        return thresholds.call_copy_number(segment.copy_number, ploidy)
    return thresholds.call_log2(segment.value)


def _decide(
    called: list[tuple[str, Segment, int]],
) -> tuple[str, tuple[Segment, int], tuple[str, Segment] | None]:
    """(call, (deciding segment, its overlap), (other call, segment) on a conflict)."""
    lowest = min(called, key=lambda item: item[1].value)
    highest = max(called, key=lambda item: item[1].value)
    loss_bp = sum(bp for call, _, bp in called if call == "HETLOSS")
    gain_bp = sum(bp for call, _, bp in called if call == "GAIN")
    if lowest[0] == "DEEPDEL":
        chosen, rival = lowest, highest
    elif highest[0] == "AMP":
        chosen, rival = highest, lowest
    elif lowest[0] == "HETLOSS" and (highest[0] != "GAIN" or loss_bp >= gain_bp):
        chosen, rival = lowest, highest
    elif highest[0] == "GAIN":
        chosen, rival = highest, lowest
    else:
        chosen = rival = max(called, key=lambda item: item[2])
    other = None
    if rival[0] not in (chosen[0], "NEUTRAL"):
        other = (rival[0], rival[1])
    return chosen[0], (chosen[1], chosen[2]), other


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
    clipped: list[tuple[int, float]] = field(default_factory=list)

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
        first = [c.strip() for c in split_fields(body[0][1], delimiter, path, body[0][0])]
        if _is_freec_row(first):
            columns = FREEC_COLUMNS + [f"extra{i}" for i in range(len(first) - 5)]
            header_line, data = 0, body
        else:
            header_line = body[0][0]
            header = split_fields(body[0][1].lstrip("#"), delimiter, path, header_line)
            columns = [c.strip() for c in header]
            data = body[1:]
        rows = []
        for number, text in data:
            fields = [f.strip() for f in split_fields(text, delimiter, path, number)]
            fields += [""] * (len(columns) - len(fields))
            rows.append((number, fields))
        return cls(path, columns, header_line, rows)

    def index(self, column: str) -> int:
        return self.columns.index(column)

    def text(self, fields: list[str], column: str) -> str:
        return fields[self.index(column)]

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
        """An absolute copy number: >= 0; values down to -1 are clipped to 0 and counted."""
        value = self.number(line, fields, column)
        if value is None or value >= 0:
            return value
        if value >= NEGATIVE_COPY_NUMBER_FLOOR:
            self.clipped.append((line, value))
            return 0.0
        raise InputError(
            f"copy number '{fields[self.index(column)]}' is below {NEGATIVE_COPY_NUMBER_FLOOR:g}",
            path=str(self.path),
            line=line,
            column=column,
            fix="absolute copy numbers are >= 0 (down to -1 is clipped to 0); if these are "
            "log2 ratios, name the column 'log2'",
        )

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


def _is_freec_row(fields: list[str]) -> bool:
    """A Control-FREEC _CNVs data line (the file has no header)."""
    if len(fields) < 5 or fields[4].lower() not in FREEC_STATUS_WORDS:
        return False
    try:
        int(fields[1]), int(fields[2]), float(fields[3])
    except ValueError:
        return False
    return True


def _lower(columns: list[str]) -> set[str]:
    return {c.lower() for c in columns}


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


def _keep_strongest(
    rows: dict[str, list[tuple[int, GeneCopyNumber]]], reading: _Reading
) -> list[GeneCopyNumber]:
    """One call per gene; duplicate rows resolved as the module docstring says."""
    kept = []
    for gene, found in rows.items():
        line, best = max(found, key=lambda item: (CALL_STRENGTH[item[1].call], -item[0]))
        reading.merged_rows += len(found) - 1
        calls = list(dict.fromkeys(call.call for _, call in found))
        if len(calls) > 1:
            lines = ", ".join(str(n) for n, _ in found)
            message = (
                f"{gene} is listed on {len(found)} rows (lines {lines}) with different calls "
                f"({', '.join(calls)}): {best.call} kept, the stronger event"
            )
            reading.warnings.append(f"{reading.format}: {message}")
            best.note = message
        best.segment = best.segment or f"line {line}"
        kept.append(best)
    return kept


def _read_gene_table(
    table: _Table,
    reading: _Reading,
    gene_col: str,
    thresholds: CopyNumberThresholds,
    ploidy: float,
) -> list[GeneCopyNumber]:
    cn_col = _find(table.columns, COPY_NUMBER_COLUMNS)
    log2_col = _find(table.columns, LOG2_COLUMNS)
    call_col = _find(table.columns, CALL_COLUMNS)
    minor_col = _find(table.columns, MINOR_COLUMNS)
    reading.format = (
        "gene table (" + ("call" if call_col else "copy number" if cn_col else "log2") + ")"
    )
    rows: dict[str, list[tuple[int, GeneCopyNumber]]] = defaultdict(list)
    for line, fields in table.rows:
        gene = fields[table.index(gene_col)]
        if gene in _MISSING:
            reading.skipped["no gene name"] += 1
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
            reading.skipped["no value (empty or NA)"] += 1
            continue
        rows[gene].append(
            (
                line,
                GeneCopyNumber(
                    gene=gene,
                    call=call,
                    copy_number=copy_number,
                    log2_ratio=log2_ratio,
                    minor_copy_number=minor,
                    loh=thresholds.is_loh(copy_number, minor),
                    source=reading.format,
                ),
            )
        )
    return _keep_strongest(rows, reading)


def _read_min_max_genes(
    table: _Table,
    reading: _Reading,
    gene_col: str,
    thresholds: CopyNumberThresholds,
    ploidy: float,
) -> list[GeneCopyNumber]:
    min_col = _find(table.columns, MIN_COPY_NUMBER_COLUMNS) or ""
    max_col = _find(table.columns, MAX_COPY_NUMBER_COLUMNS)
    minor_col = _find(table.columns, MINOR_COLUMNS)
    rows: dict[str, list[tuple[int, GeneCopyNumber]]] = defaultdict(list)
    for line, fields in table.rows:
        gene = fields[table.index(gene_col)]
        lowest = table.copies(line, fields, min_col)
        highest = table.copies(line, fields, max_col) if max_col else lowest
        if gene in _MISSING or lowest is None or highest is None:
            reading.skipped["no gene name or copy number"] += 1
            continue
        minor = table.copies(line, fields, minor_col) if minor_col else None
        low_call = thresholds.call_copy_number(lowest, ploidy)
        high_call = thresholds.call_copy_number(highest, ploidy)
        if low_call == "DEEPDEL" or (low_call == "HETLOSS" and high_call != "AMP"):
            call, value, which = low_call, lowest, "minCopyNumber"
        else:
            call, value, which = high_call, highest, "maxCopyNumber"
        rows[gene].append(
            (
                line,
                GeneCopyNumber(
                    gene=gene,
                    call=call,
                    copy_number=value,
                    minor_copy_number=minor,
                    loh=thresholds.is_loh(lowest, minor),
                    source=reading.format,
                    segment=f"line {line} {which} {value:g}",
                ),
            )
        )
    return _keep_strongest(rows, reading)


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


def _discrete_call(table: _Table, line: int, fields: list[str], column: str) -> str | None:
    value = table.number(line, fields, column)
    if value is None:
        return None
    call = DISCRETE_VALUES.get(value)
    if call is None:
        raise InputError(
            f"discrete copy number must be -2, -1.5, -1, 0, 1 or 2, "
            f"found '{fields[table.index(column)]}'",
            path=str(table.path),
            line=line,
            column=column,
            fix="use GISTIC-style discrete values, or a gene table with copy_number/log2",
        )
    return call


def _discrete_sample_columns(table: _Table, gene_col: str) -> list[str]:
    return [
        c
        for c in table.columns
        if c != gene_col and c.lower() not in DISCRETE_ANNOTATION_COLUMNS and c
    ]


NO_GENE_OR_VALUE = "no gene name or value (empty or NA)"


@dataclass(frozen=True)
class _GeneKey:
    """The gene of a discrete row: its symbol, else its Entrez ID mapped through the bundled
    HGNC table (reference.genes.entrez_symbols)."""

    symbol_column: str | None
    entrez_column: str | None

    def gene(self, table: _Table, fields: list[str]) -> tuple[str | None, bool]:
        """(symbol, whether it came from the Entrez ID); (None, ...) when the row names no
        gene, (None, True) when its Entrez ID is not in the bundled table."""
        if self.symbol_column is not None:
            symbol = table.text(fields, self.symbol_column)
            if symbol not in _MISSING:
                return symbol, False
        entrez = table.text(fields, self.entrez_column) if self.entrez_column else ""
        if entrez in _MISSING:
            return None, False
        from nenprofile.reference.genes import entrez_symbols

        return entrez_symbols().get(entrez), True


def _read_discrete(
    table: _Table, reading: _Reading, key: _GeneKey, sample: str | None
) -> list[GeneCopyNumber]:
    sample_columns = _discrete_sample_columns(table, key.symbol_column or "")
    column = _pick_sample_column(table, sample_columns, sample, "sample column")
    reading.details["sample_column"] = column
    rows: dict[str, list[tuple[int, GeneCopyNumber]]] = defaultdict(list)
    for line, fields in table.rows:
        _add_discrete_row(rows, table, reading, line, fields, key, column)
    return _keep_strongest(rows, reading)


def _add_discrete_row(
    rows: dict[str, list[tuple[int, GeneCopyNumber]]],
    table: _Table,
    reading: _Reading,
    line: int,
    fields: list[str],
    key: _GeneKey,
    value_column: str,
) -> None:
    call = _discrete_call(table, line, fields, value_column)
    gene, from_entrez = key.gene(table, fields)
    if call is None or (gene is None and not from_entrez):
        reading.skipped[NO_GENE_OR_VALUE] += 1
        return
    if gene is None:
        reading.skipped[ENTREZ_UNMAPPED] += 1
        return
    if from_entrez:
        reading.details["genes_from_entrez_id"] = reading.details.get("genes_from_entrez_id", 0) + 1
    rows[gene].append((line, GeneCopyNumber(gene=gene, call=call, source=reading.format)))


def _read_discrete_long(
    table: _Table, reading: _Reading, key: _GeneKey, sample: str | None
) -> list[GeneCopyNumber]:
    sample_col = _find(table.columns, (LONG_SAMPLE_COLUMN,)) or ""
    value_col = _find(table.columns, (LONG_VALUE_COLUMN,)) or ""
    chosen = _pick_sample_column(table, _distinct(table, sample_col), sample, f"{sample_col} value")
    reading.details["sample_id"] = chosen
    rows: dict[str, list[tuple[int, GeneCopyNumber]]] = defaultdict(list)
    for line, fields in table.rows:
        if table.text(fields, sample_col) != chosen:
            reading.skipped["rows of other samples"] += 1
            continue
        _add_discrete_row(rows, table, reading, line, fields, key, value_col)
    return _keep_strongest(rows, reading)


def _segment_format(table: _Table, cnvkit: bool) -> str:
    columns = table.columns
    names = _lower(columns)
    if cnvkit:
        return "CNVkit .call.cns (cn)" if "cn" in names else "CNVkit .cns (log2)"
    if table.header_line == 0:
        return "Control-FREEC _CNVs"
    if _find(columns, MAJOR_COLUMNS) and _find(columns, MINOR_COLUMNS):
        if "startpos" in names:
            return "ASCAT allele-specific segments"
        return "allele-specific segments"
    if "tcn.em" in names:
        return "FACETS cncf"
    if "copynumber" in names and "minorallelecopynumber" in names:
        return "PURPLE somatic copy number segments"
    if _find(columns, COPY_NUMBER_COLUMNS):
        return "segments (copy number)"
    if _find(columns, SEG_MEAN_COLUMNS):
        return "SEG segments"
    if _find(columns, LOG2_COLUMNS):
        return "segments (log2)"
    raise InputError(
        "segment table has no copy-number value column",
        path=str(table.path),
        line=table.header_line,
        fix=f"use one of the accepted layouts: {ACCEPTED_HEADERS}",
    )


def _read_segments(
    table: _Table,
    reading: _Reading,
    chrom_col: str,
    start_col: str,
    end_col: str,
    sample: str | None,
    thresholds: CopyNumberThresholds,
    cnvkit: bool,
) -> list[Segment]:
    reading.format = _segment_format(table, cnvkit)
    major_col = _find(table.columns, MAJOR_COLUMNS)
    minor_col = _find(table.columns, MINOR_COLUMNS)
    cn_col = _find(table.columns, COPY_NUMBER_COLUMNS)
    seg_mean_col = _find(table.columns, SEG_MEAN_COLUMNS)
    log2_col = seg_mean_col or _find(table.columns, LOG2_COLUMNS)
    probes_col = _find(table.columns, (CNVKIT_PROBES_COLUMN,)) if cnvkit else None
    log_factor = 1.0
    if seg_mean_col:
        log_factor = _seg_log_factor(table, thresholds.seg_scale)
        reading.details["seg_scale"] = thresholds.seg_scale
    id_col = _find(table.columns, SEGMENT_ID_COLUMNS)
    chosen_id = None
    if id_col:
        chosen_id = _pick_sample_column(table, _distinct(table, id_col), sample, f"{id_col} value")
        reading.details["sample_id"] = chosen_id

    segments = []
    for line, fields in table.rows:
        if id_col and fields[table.index(id_col)] != chosen_id:
            reading.skipped["rows of other samples"] += 1
            continue
        probes = table.integer(line, fields, probes_col) if probes_col else None
        if probes == 0:
            # CNVkit writes empty segments (0 probes, sometimes end before start)
            reading.skipped["CNVkit segment with 0 probes"] += 1
            continue
        start = table.integer(line, fields, start_col) + (1 if cnvkit else 0)
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
        if major_col and minor_col:
            major = table.copies(line, fields, major_col)
            minor = table.copies(line, fields, minor_col)
            if major is not None and minor is not None:
                copy_number = major + minor
        elif cn_col:
            copy_number = table.copies(line, fields, cn_col)
            minor = table.copies(line, fields, minor_col) if minor_col else None
        elif log2_col:
            value = table.number(line, fields, log2_col)
            log2_ratio = None if value is None else value * log_factor
        if copy_number is None and log2_ratio is None:
            reading.skipped["no value (empty or NA)"] += 1
            continue
        segments.append(
            Segment(
                chrom=segment_chrom(fields[table.index(chrom_col)]),
                start=start,
                end=end,
                copy_number=copy_number,
                minor_copy_number=minor,
                log2_ratio=log2_ratio,
                probes=probes,
            )
        )
    return segments


def _seg_log_factor(table: _Table, scale: str) -> float:
    """log2 = value * factor; a file whose name says log10 must be declared log10."""
    if scale == "log2" and "log10" in table.path.name.lower():
        raise InputError(
            "the file name says log10 but SEG values are read as log2",
            path=str(table.path),
            fix="set copy_number.seg_scale: log10 in the config (or rename the file if its "
            "values are log2)",
        )
    return math.log2(10) if scale == "log10" else 1.0


@dataclass(frozen=True)
class PurityPloidy:
    purity: float | None
    ploidy: float | None
    source: str


PURITY_COLUMNS = ("purity", "aberrantcellfraction", "cellularity")
PLOIDY_COLUMNS = ("ploidy",)


# FACETS run summary (<sample>.out): "Purity = 0.38" lines (facets-suite run-facets-wrapper.R)
# or "# Purity = 0.38" (the older doFacets.R); NA when FACETS could not estimate the value
_FACETS_SETTING = re.compile(r"^#?\s*([A-Za-z][A-Za-z0-9_. ]*?)\s*=\s*(.*?)\s*$")


def read_purity_ploidy(path: str | Path) -> PurityPloidy:
    """Purity and ploidy from a caller's file: PURPLE purple.purity.tsv (purity, ploidy),
    ASCAT purityploidy.txt (AberrantCellFraction, Ploidy), the FACETS run summary
    (<sample>.out, 'Purity = ...' and 'Ploidy = ...' lines), or any one-row table with
    purity/cellularity and ploidy columns."""
    path = Path(path)
    facets = _facets_summary(path)
    if facets is not None:
        return facets
    table = _Table.read(path)
    purity_col = _find(table.columns, PURITY_COLUMNS)
    ploidy_col = _find(table.columns, PLOIDY_COLUMNS)
    if purity_col is None or ploidy_col is None:
        raise InputError(
            f"no purity and ploidy columns in the header ({', '.join(table.columns)})",
            path=str(path),
            line=table.header_line,
            fix="give PURPLE purple.purity.tsv, ASCAT purityploidy.txt, the FACETS <sample>.out, "
            "or a table with purity and ploidy columns",
        )
    if len(table.rows) != 1:
        raise InputError(
            f"expected one row of purity and ploidy, found {len(table.rows)}",
            path=str(path),
            fix="give the caller's purity file of this sample only",
        )
    line, fields = table.rows[0]
    purity = _checked_purity(table.number(line, fields, purity_col), path, line, purity_col)
    ploidy = _checked_ploidy(table.number(line, fields, ploidy_col), path, line, ploidy_col)
    kind = "ASCAT" if purity_col.lower() == "aberrantcellfraction" else "PURPLE/caller"
    return PurityPloidy(purity, ploidy, f"{kind} file {path.name}")


def _facets_summary(path: Path) -> PurityPloidy | None:
    """The FACETS run summary's purity and ploidy; None when the file is not one (it needs
    both a 'Purity =' and a 'Ploidy =' line)."""
    if not path.is_file():
        raise InputError("purity file not found", path=str(path), fix="check the purity_file path")
    found: dict[str, tuple[int, str]] = {}
    for number, text in iter_lines(path):
        match = _FACETS_SETTING.match(text)
        if match is not None and match.group(1).lower() in ("purity", "ploidy"):
            found.setdefault(match.group(1).lower(), (number, match.group(2)))
    if set(found) != {"purity", "ploidy"}:
        return None
    values: dict[str, float | None] = {}
    for name, (line, text) in found.items():
        if text in _MISSING:
            values[name] = None
            continue
        try:
            values[name] = float(text)
        except ValueError:
            raise InputError(
                f"expected a number or NA after '{name.capitalize()} =', found '{text}'",
                path=str(path),
                line=line,
                fix="give the FACETS run summary (<sample>.out) as FACETS wrote it",
            ) from None
    purity = _checked_purity(values["purity"], path, found["purity"][0], "Purity")
    ploidy = _checked_ploidy(values["ploidy"], path, found["ploidy"][0], "Ploidy")
    return PurityPloidy(purity, ploidy, f"FACETS file {path.name}")


def _checked_purity(purity: float | None, path: Path, line: int, column: str) -> float | None:
    if purity is not None and not 0 < purity <= 1:
        raise InputError(
            f"purity must be above 0 and at most 1, found {purity:g}",
            path=str(path),
            line=line,
            column=column,
            fix="give purity as a fraction (0.65, not 65)",
        )
    return purity


def _checked_ploidy(ploidy: float | None, path: Path, line: int, column: str) -> float | None:
    if ploidy is not None and not (math.isfinite(ploidy) and ploidy > 0):
        raise InputError(
            f"ploidy must be positive, found {ploidy:g}",
            path=str(path),
            line=line,
            column=column,
            fix="check the caller's purity file",
        )
    return ploidy
