"""Read expression matrices and per-sample quantifications into a genes x samples TPM table.

Supported (detected from the header):
  nf-core/rnaseq `salmon.merged.gene_tpm.tsv`     gene_id, gene_name, one column per sample
  plain TPM matrix                                 first column gene symbol or Ensembl gene ID
                                                   (optionally a gene_name/symbol 2nd column)
  PCGR gene expression                             TargetID, TPM (one sample)
  salmon `quant.sf` / `quant.genes.sf`             Name Length EffectiveLength TPM NumReads
  RSEM `genes.results`                             gene_id transcript_id(s) ... TPM FPKM
  featureCounts                                    Geneid Chr Start End Strand Length <counts>
                                                   (counts -> TPM with the Length column)
  STAR `ReadsPerGene.out.tab`                      no header; N_unmapped ... rows, then counts
                                                   (unstranded column -> CPM; no gene lengths)
  kallisto `abundance.tsv`                         target_id length eff_length est_counts tpm;
                                                   transcript TPM summed per gene when the
                                                   target_id is a GENCODE name (ENST|ENSG|...
                                                   |gene name|...), else refused

Counts are never read as TPM: a gene_id/gene_name or plain matrix whose file name says
counts (nf-core's salmon.merged.gene_counts.tsv has the same header as gene_tpm), whose
non-zero values are all whole numbers (unless the name says TPM), or whose column sums
above 1,000,000 is refused (refuse_counts_as_tpm).

Rows are keyed by gene symbol: the gene_name column when present, else the identifier itself,
with Ensembl gene IDs (version suffix ignored) mapped through the bundled gene_ids.tsv, which
covers the marker and signature genes only. Duplicate symbols: the TPM values of all rows
with the same symbol are SUMMED (TPM is additive over features; e.g. a symbol annotated on
two Ensembl genes).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from nenprofile.errors import InputError
from nenprofile.io.textfiles import CORRUPT_COMPRESSED, iter_lines

NFCORE = "nf-core salmon merged gene TPM"
PLAIN = "TPM matrix"
PCGR = "PCGR gene expression"
SALMON = "salmon quant.sf"
RSEM = "RSEM genes.results"
FEATURECOUNTS = "featureCounts"
STAR = "STAR ReadsPerGene"
KALLISTO = "kallisto abundance.tsv"
KALLISTO_HEADER = ["target_id", "length", "eff_length", "est_counts", "tpm"]
# GENCODE transcript names: ENST|ENSG|OTTHUMG|OTTHUMT|transcript name|gene name|length|biotype|
_GENCODE_GENE_FIELD = 5

SYMBOL_HEADERS = frozenset(
    {"gene_name", "gene_symbol", "symbol", "hugo_symbol", "external_gene_name", "genename"}
)
_ENSEMBL_GENE = re.compile(r"^(ENSG\d{11})(\.\d+)?(_PAR_Y)?$")
_ENSEMBL_TRANSCRIPT = re.compile(r"^ENST\d{11}")
_STAR_SUMMARY_ROWS = ("N_unmapped", "N_multimapping", "N_noFeature", "N_ambiguous")
# TPM sums to 1e6 over all genes; the margin covers rounding in the written file
MAX_TPM_COLUMN_TOTAL = 1.01e6
# fewer non-zero values than this may all be whole numbers by chance
MIN_VALUES_FOR_INTEGER_CHECK = 10


@dataclass(frozen=True)
class Layout:
    """Where the identifiers and values sit in one detected file."""

    input_format: str
    header_line: int  # 1-based line number of the header; 0 when the file has none
    id_column: int
    name_column: int | None
    value_columns: tuple[int, ...]
    value_names: tuple[str, ...]
    length_column: int | None = None  # counts formats only
    is_counts: bool = False


@dataclass
class ExpressionMatrix:
    """TPM (or CPM, see unit) per gene symbol (index) and sample (columns)."""

    tpm: pd.DataFrame
    path: str
    input_format: str
    unit: str
    n_input_rows: int
    warnings: list[str] = field(default_factory=list)
    conversion: str = ""  # how counts became TPM/CPM; "" when the file holds TPM
    summed_rows: int = 0  # rows that shared a gene symbol with another row (values summed)
    only_requested_genes: bool = False  # rows of other genes were skipped unread (genes=...)

    def disclosure(self) -> dict[str, Any]:
        """What reading the file did (ingest.json `expression_input`)."""
        return {
            "path": self.path,
            "format": self.input_format,
            "unit": self.unit,
            "conversion": self.conversion or None,
            "rows": self.n_input_rows,
            "samples": list(self.tpm.columns),
            "duplicate_symbol_rows_summed": self.summed_rows,
            "duplicates_counted_among": (
                "rows of the requested genes" if self.only_requested_genes else "all rows"
            ),
        }


@cache
def ensembl_to_symbol() -> dict[str, str]:
    """Bundled Ensembl gene ID (unversioned) -> symbol map for marker/signature genes."""
    text = resources.files("nenprofile.ingest.expression").joinpath("gene_ids.tsv").read_text()
    pairs = {}
    for line in text.splitlines():
        if line and not line.startswith(("#", "ensembl_gene_id")):
            ensembl, symbol = line.split("\t")
            pairs[ensembl] = symbol
    return pairs


def _strip(field_text: str) -> str:
    return field_text.strip().strip('"').strip()


def symbol_for(identifier: str, name: str | None = None) -> str:
    """Gene symbol of one row: its name if given, else the gene name of a GENCODE transcript
    name, else the mapped Ensembl ID, else the ID."""
    if name:
        return name
    if identifier.count("|") > _GENCODE_GENE_FIELD:
        return identifier.split("|")[_GENCODE_GENE_FIELD]
    match = _ENSEMBL_GENE.match(identifier)
    if match:
        return ensembl_to_symbol().get(match.group(1), match.group(1))
    return identifier


def _first_lines(path: Path) -> tuple[int, list[str], list[str] | None]:
    """(1-based header line number, header fields, first data fields) after '#' comments."""
    header: list[str] | None = None
    header_number = 0
    for number, line in iter_lines(path):
        if line.startswith("#") or not line.strip():
            continue
        fields = [_strip(f) for f in line.split("\t")]
        if header is None:
            header, header_number = fields, number
            continue
        return header_number, header, fields
    if header is None:
        raise InputError(
            "The expression file is empty.",
            path=str(path),
            fix="give a tab-separated TPM matrix with a header line",
        )
    return header_number, header, None


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def detect_layout(path: str | Path) -> Layout:
    """Detect the file format from its header (and first data line)."""
    path = Path(path)
    layout = _detect_layout(path)
    seen: set[str] = set()
    for name in layout.value_names:
        if name in seen:
            raise InputError(
                f"Sample column '{name}' appears more than once in the header.",
                path=str(path),
                line=layout.header_line or None,
                column=name,
                fix="give every sample column a unique name",
            )
        seen.add(name)
    return layout


def _detect_layout(path: Path) -> Layout:
    line, header, first = _first_lines(path)
    lower = [h.lower() for h in header]
    n = len(header)
    if header[0] == "N_unmapped" and n == 4:
        return Layout(STAR, 0, 0, None, (1,), ("counts",), is_counts=True)
    if lower[:2] == ["gene_id", "gene_name"]:
        return Layout(NFCORE, line, 0, 1, tuple(range(2, n)), tuple(header[2:]))
    if header == ["TargetID", "TPM"]:
        return Layout(PCGR, line, 0, None, (1,), ("TPM",))
    if header[:5] == KALLISTO_HEADER:
        return Layout(KALLISTO, line, 0, None, (4,), ("TPM",))
    if header[:5] == ["Name", "Length", "EffectiveLength", "TPM", "NumReads"]:
        return Layout(SALMON, line, 0, None, (3,), ("TPM",))
    if lower[0] == "gene_id" and "tpm" in lower and "expected_count" in lower:
        tpm = lower.index("tpm")
        return Layout(RSEM, line, 0, None, (tpm,), ("TPM",))
    if header[:6] == ["Geneid", "Chr", "Start", "End", "Strand", "Length"]:
        return Layout(FEATURECOUNTS, line, 0, None, tuple(range(6, n)), tuple(header[6:]), 5, True)
    if n < 2:
        raise InputError(
            "Expected a tab-separated table with a gene column and at least one sample column.",
            path=str(path),
            line=line,
            fix="separate columns with tabs: gene<TAB>sample1<TAB>sample2 ...",
        )
    name_column = None
    if lower[1] in SYMBOL_HEADERS and (first is None or not _is_number(first[1])):
        name_column = 1
    start = 1 if name_column is None else 2
    return Layout(PLAIN, line, 0, name_column, tuple(range(start, n)), tuple(header[start:]))


def _select_columns(layout: Layout, columns: Iterable[str] | None, path: Path) -> Layout:
    if columns is None:
        return layout
    wanted = list(dict.fromkeys(columns))
    index = dict(zip(layout.value_names, layout.value_columns, strict=True))
    missing = [c for c in wanted if c not in index]
    if missing:
        raise InputError(
            f"Sample column(s) {', '.join(missing)} not found in the expression matrix "
            f"({layout.input_format}). Matrix columns: {_list_preview(layout.value_names)}.",
            path=str(path),
            line=layout.header_line or None,
            fix="set expression_id in the sample sheet to one of the matrix columns",
        )
    return Layout(
        layout.input_format,
        layout.header_line,
        layout.id_column,
        layout.name_column,
        tuple(index[c] for c in wanted),
        tuple(wanted),
        layout.length_column,
        layout.is_counts,
    )


def _list_preview(names: Iterable[str], limit: int = 30) -> str:
    names = list(names)
    shown = ", ".join(names[:limit])
    return shown + (f", ... ({len(names)} in all)" if len(names) > limit else "")


def _used_columns(layout: Layout) -> list[int]:
    columns = {layout.id_column, *layout.value_columns}
    columns.update(c for c in (layout.name_column, layout.length_column) if c is not None)
    return sorted(columns)


def _read_rows(
    path: Path, layout: Layout, genes: frozenset[str] | None
) -> tuple[pd.DataFrame, np.ndarray, int, float | None]:
    """Raw table (identifier columns as text), 1-based line number of each row, the number
    of rows, and the total of the first value column over every row (None when unknown).

    With `genes`, only rows whose symbol is wanted are kept: a line scan reads just the
    identifier fields of the other rows (and the first value, for the unit check), which is
    what makes large matrices cheap.
    """
    first_data = layout.header_line + 1
    if genes is None:
        used = _used_columns(layout)
        string_columns = [c for c in (layout.id_column, layout.name_column) if c is not None]
        try:
            frame = pd.read_csv(
                path,
                sep="\t",
                header=None,
                skiprows=layout.header_line,
                usecols=used,
                dtype={c: str for c in string_columns},
                keep_default_na=False,
                na_values=[""],
                engine="c",
                comment=None,
                quotechar='"',
                skip_blank_lines=False,
            )
        except pd.errors.EmptyDataError:
            raise _no_rows(path, layout) from None
        except (
            pd.errors.ParserError,
            ValueError,
            UnicodeDecodeError,
            *CORRUPT_COMPRESSED,
        ) as error:
            raise _diagnose(path, first_data, used[-1] + 1, error) from None
        if set(used) - set(frame.columns):  # pandas sized the table from a short first row
            raise _diagnose(path, first_data, used[-1] + 1, KeyError(used[-1]))
        lines = np.arange(first_data, first_data + len(frame))
        return frame, lines, len(frame), None
    kept: list[str] = []
    kept_lines: list[int] = []
    n_rows = 0
    first_value = layout.value_columns[0] if layout.value_columns else None
    total: float | None = None if first_value is None else 0.0
    for number, line in iter_lines(path):
        if number < first_data:
            continue
        n_rows += 1
        if total is not None and first_value is not None:
            total = _add_cell(total, line, first_value)
        cut = line.find("\t")
        if cut < 0:
            cut = len(line)
        identifier = _strip(line[:cut])
        name = None
        if layout.name_column is not None:
            name = _strip(line[cut + 1 : line.find("\t", cut + 1)])
        if symbol_for(identifier, name) in genes:
            kept.append(line)
            kept_lines.append(number)
    if n_rows == 0:
        raise _no_rows(path, layout)
    used = _used_columns(layout)
    rows: dict[int, list[str]] = {c: [] for c in used}
    for text, number in zip(kept, kept_lines, strict=True):
        fields = text.split("\t")
        if len(fields) <= used[-1]:
            raise InputError(
                f"Line has {len(fields)} fields, the header has more.",
                path=str(path),
                line=number,
                fix="every line needs one value per header column",
            )
        for c in used:
            rows[c].append(fields[c])
    frame = pd.DataFrame(rows, columns=used)
    return frame, np.asarray(kept_lines, dtype=int), n_rows, total


def _add_cell(total: float, line: str, column: int) -> float | None:
    """total + the number in `column` of a tab-separated line; None once a cell is not one."""
    fields = line.split("\t", column + 1)
    try:
        return total + float(fields[column])
    except (IndexError, ValueError):
        return None


def _no_rows(path: Path, layout: Layout) -> InputError:
    return InputError(
        "The expression file has a header line but no gene rows.",
        path=str(path),
        line=layout.header_line + 1,
        fix="give one row per gene below the header",
    )


def _diagnose(path: Path, first_data: int, needed: int, error: Exception) -> InputError:
    """Name the line pandas stumbled on: bad bytes, truncation, or too few fields."""
    for number, line in iter_lines(path):  # raises the decode / truncation InputError
        if number >= first_data and line.strip() and len(line.split("\t")) < needed:
            return InputError(
                f"Line has {len(line.split(chr(9)))} fields, {needed} are needed.",
                path=str(path),
                line=number,
                fix="every line needs one value per header column, separated by tabs",
            )
    return InputError(
        f"Malformed table: {error}",
        path=str(path),
        fix="every line needs one value per header column, separated by tabs",
    )


def _numeric(
    frame: pd.DataFrame,
    columns: tuple[int, ...],
    names: tuple[str, ...],
    lines: np.ndarray,
    path: Path,
    what: str,
) -> np.ndarray:
    """Validated float matrix: InputError at the first non-numeric or negative cell."""
    values = np.empty((len(frame), len(columns)), dtype=float)
    for j, column in enumerate(columns):
        values[:, j] = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raw = frame[columns[col]].iloc[row]
        raw = str(raw.item() if isinstance(raw, np.generic) else raw)
        problem = "negative" if np.isfinite(values[row, col]) else "not a number"
        raise InputError(
            f"{what} value {raw!r} is {problem}.",
            path=str(path),
            line=int(lines[row]),
            column=names[col],
            fix=f"{what} values must be numbers >= 0 (no empty cells, NA or text)",
        )
    return values


def _symbols(frame: pd.DataFrame, layout: Layout) -> list[str]:
    ids = [_strip(str(i)) for i in frame[layout.id_column].tolist()]
    if layout.name_column is None:
        return [symbol_for(i) for i in ids]
    names = frame[layout.name_column].fillna("").tolist()
    return [symbol_for(i, _strip(str(n))) for i, n in zip(ids, names, strict=True)]


def read_expression_matrix(
    path: str | Path,
    *,
    genes: Iterable[str] | None = None,
    columns: Iterable[str] | None = None,
) -> ExpressionMatrix:
    """Read any supported format into TPM per symbol x sample.

    genes: keep only these symbols (fast path for large matrices; counts formats are still
    read in full because TPM/CPM needs every gene). columns: keep only these samples
    (InputError listing the matrix columns when one is absent).
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("Expression file not found.", path=str(path), fix="check the path")
    layout = _select_columns(detect_layout(path), columns, path)
    # counts need every gene for TPM/CPM; kallisto rows must all be checked for gene names
    whole = layout.is_counts or layout.input_format == KALLISTO
    wanted = None if genes is None or whole else frozenset(genes)
    frame, lines, n_rows, first_total = _read_rows(path, layout, wanted)
    warnings: list[str] = []
    if layout.input_format == STAR:
        summary = frame[layout.id_column].isin(_STAR_SUMMARY_ROWS).to_numpy()
        frame, lines = frame[~summary], lines[~summary]
        n_rows -= int(summary.sum())
    ids = frame[layout.id_column].astype(str)
    if layout.input_format == SALMON and ids.str.match(_ENSEMBL_TRANSCRIPT).any():
        raise InputError(
            "This quant.sf is transcript-level (ENST identifiers); gene-level values are needed.",
            path=str(path),
            column="Name",
            fix="use salmon's quant.genes.sf or the nf-core salmon.merged.gene_tpm.tsv",
        )
    if layout.input_format == KALLISTO:
        _require_gencode_names(ids, path)
        warnings.append(
            "kallisto transcript TPM summed per gene (gene name from the GENCODE target_id)."
        )
    what = "Count" if layout.is_counts else "TPM"
    values = _numeric(frame, layout.value_columns, layout.value_names, lines, path, what)
    if layout.input_format in (NFCORE, PLAIN):
        refuse_counts_as_tpm(path, layout.value_names, values, first_total)
    unit = "TPM"
    conversion = ""
    if layout.input_format == KALLISTO:
        conversion = "kallisto transcript TPM summed per gene"
    if layout.input_format == FEATURECOUNTS:
        assert layout.length_column is not None  # detect_layout sets it for featureCounts
        lengths = _numeric(frame, (layout.length_column,), ("Length",), lines, path, "Length")[:, 0]
        rate = np.divide(
            values, lengths[:, None], out=np.zeros_like(values), where=lengths[:, None] > 0
        )
        values = _per_million(rate)
        conversion = (
            "featureCounts counts converted to TPM with the Length column (union exon length, "
            "not effective length)"
        )
        warnings.append(conversion + ".")
    elif layout.input_format == STAR:
        values = _per_million(values)
        unit = "CPM"
        conversion = "STAR ReadsPerGene unstranded counts converted to CPM (no gene lengths)"
        warnings.append(
            "STAR ReadsPerGene has no gene lengths: unstranded counts converted to CPM, not "
            "TPM; rank only against a reference processed the same way."
        )
    table = pd.DataFrame(values, columns=list(layout.value_names))
    table.index = pd.Index(_symbols(frame, layout), name="gene")
    n_duplicated = int(table.index.duplicated(keep=False).sum())
    if n_duplicated:
        table = table.groupby(level=0, sort=False).sum()
        warnings.append(
            f"{n_duplicated} rows share a gene symbol with another row; their {unit} values "
            "were summed per symbol."
        )
    if wanted is None and genes is not None:
        table = table[table.index.isin(frozenset(genes))]
    return ExpressionMatrix(
        table,
        str(path),
        layout.input_format,
        unit,
        n_rows,
        warnings,
        conversion=conversion,
        summed_rows=n_duplicated,
        only_requested_genes=wanted is not None,
    )


def _require_gencode_names(ids: pd.Series, path: Path) -> None:
    plain = ids[ids.str.count(r"\|") <= _GENCODE_GENE_FIELD]
    if len(plain):
        raise InputError(
            f"kallisto abundance.tsv is transcript-level and target_id '{plain.iloc[0]}' names "
            "no gene, so transcripts cannot be summed to genes.",
            path=str(path),
            column="target_id",
            fix="quantify against a GENCODE transcriptome without --gencode (target_id keeps "
            "the gene name), summarise to genes with tximport, or give nf-core's "
            "salmon.merged.gene_tpm.tsv",
        )


def refuse_counts_as_tpm(
    path: Path, names: tuple[str, ...], values: np.ndarray, first_total: float | None
) -> None:
    """InputError when a matrix given as TPM holds counts: its name says counts, every value
    is a whole number (unless the name says TPM: some exports round TPM), or a column sums
    above TPM's 1,000,000 (first_total: the first column's total over all rows, when only
    some rows were kept)."""
    reason = None
    totals = values.sum(axis=0)
    if first_total is not None:
        totals[0] = max(totals[0], first_total)
    nonzero = values[values > 0]
    name = path.name.lower()
    if "count" in name and "tpm" not in name:
        reason = f"the file name '{path.name}' says counts"
    elif (
        "tpm" not in name
        and nonzero.size >= MIN_VALUES_FOR_INTEGER_CHECK
        and np.all(nonzero == np.round(nonzero))
    ):
        reason = f"all {nonzero.size} non-zero values are whole numbers"
    elif totals.size and totals.max() > MAX_TPM_COLUMN_TOTAL:
        column = names[int(np.argmax(totals))]
        reason = f"column '{column}' sums to {totals.max():,.0f}, TPM sums to 1,000,000"
    if reason is not None:
        raise InputError(
            f"This matrix looks like read counts, not TPM ({reason}); counts are never used "
            "as TPM.",
            path=str(path),
            fix="give nf-core/rnaseq's salmon.merged.gene_tpm.tsv (it sits next to "
            "gene_counts.tsv) or another TPM matrix; counts with gene lengths can be given "
            "as a featureCounts table",
        )


def _per_million(values: np.ndarray) -> np.ndarray:
    totals = values.sum(axis=0)
    return np.divide(values, totals, out=np.zeros_like(values), where=totals > 0) * 1e6


def read_sample_quant(path: str | Path) -> pd.Series:
    """One sample's quantification (quant.sf, genes.results, PCGR, STAR, 1-sample matrix).

    Returns TPM (CPM for STAR) per gene symbol, named after the file.
    """
    matrix = read_expression_matrix(path)
    if matrix.tpm.shape[1] != 1:
        raise InputError(
            f"Expected one sample per file, found {matrix.tpm.shape[1]} columns "
            f"({_list_preview(matrix.tpm.columns)}).",
            path=str(path),
            fix="give the per-sample quantification file, or use the matrix as a cohort matrix",
        )
    series = matrix.tpm.iloc[:, 0].rename(Path(path).name)
    series.attrs["unit"] = matrix.unit
    series.attrs["warnings"] = matrix.warnings
    return series


def assemble_matrix(paths: Mapping[str, str | Path]) -> pd.DataFrame:
    """Genes x samples matrix from per-sample files ({sample: path}).

    Genes absent from some files stay NaN (scored as not_available for those samples).
    Mixing TPM and CPM files raises InputError.
    """
    series = {sample: read_sample_quant(path) for sample, path in paths.items()}
    units = {s.attrs["unit"] for s in series.values()}
    if len(units) > 1:
        raise InputError(
            f"Per-sample files mix units ({', '.join(sorted(units))}).",
            fix="quantify all samples the same way (all TPM, or all STAR counts)",
        )
    return pd.concat(series, axis=1, join="outer")
