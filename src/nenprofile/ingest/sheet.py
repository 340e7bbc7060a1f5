"""Sample sheet and config loading: validation, defaults, path resolution, site mapping."""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from nenprofile.errors import InputError
from nenprofile.ingest.clinical import (
    HISTOLOGY_SITE,
    LUNG_NEC,
    clinical_fields,
    derived_differentiation,
)
from nenprofile.ingest.sites import normalise_site
from nenprofile.io.validation import iter_problems, load_schema
from nenprofile.model import SampleInfo
from nenprofile.settings import SAMPLES_SCHEMA

# spreadsheet programs run a cell starting with one of these as a formula
FORMULA_START = ("=", "+", "-", "@")
# the sheet's columns, as the schema declares them: adding a column is a schema edit
_COLUMNS: dict[str, Any] = load_schema(SAMPLES_SCHEMA)["properties"]
KNOWN_COLUMNS = tuple(_COLUMNS)
NUMBER_COLUMNS = tuple(c for c, spec in _COLUMNS.items() if spec.get("type") == "number")
PATH_COLUMNS = tuple(c for c, spec in _COLUMNS.items() if spec.get("x-path"))


def validate_config(
    config: dict[str, Any], schema_path: str | Path, source: str = "config"
) -> dict[str, Any]:
    """Validate a cohort config in place, filling defaults; InputError on the first problem."""
    schema = load_schema(schema_path)
    for key, message, fix in iter_problems(config, schema):
        raise InputError(f"key '{key or '(top level)'}': {message}.", path=source, fix=fix)
    return config


@dataclass
class SampleSheet:
    """Validated rows of a sample sheet, keyed by sample id, in file order."""

    path: Path
    rows: dict[str, dict[str, Any]]
    line_of: dict[str, int]
    warnings: list[str] = field(default_factory=list)

    @property
    def samples(self) -> list[str]:
        return list(self.rows)


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(
            "sample sheet not found.", path=str(path), fix="check the 'samples' path in the config"
        ) from None
    except IsADirectoryError:
        raise InputError(
            "this is a folder, not a sample sheet.",
            path=str(path),
            fix="set 'samples' to the path of the tab-separated sheet file",
        ) from None
    except OSError as exc:
        raise InputError(
            f"cannot read the sample sheet ({exc.strerror}).",
            path=str(path),
            fix="check the path and the file's permissions",
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x}).",
            path=str(path),
            line=line,
            fix="save the sheet as UTF-8 tab-separated text",
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _parse_number(value: str, column: str, path: Path, line: int) -> float:
    cleaned = value.strip().rstrip("%")
    try:
        return float(cleaned)
    except ValueError:
        raise InputError(
            f"'{value}' is not a number.",
            path=str(path),
            line=line,
            column=column,
            fix=f"write {column} as a plain number (for example 35 or 0.6), or leave it empty",
        ) from None


def _shared_variant_sources(
    path: Path, rows: dict[str, dict[str, Any]], line_of: dict[str, int]
) -> list[str]:
    """Warnings for rows that read the same small-variant file and column (a copy-paste
    slip gives two samples one tumor's variants). A MAF's column defaults to the sample id,
    a VCF's to the file's own tumor column."""
    first: dict[tuple[str, str], str] = {}
    warnings = []
    for sample, record in rows.items():
        kind = "vcf" if "vcf" in record else "maf"
        if kind not in record:
            continue
        column = record.get("tumor_sample") or (sample if kind == "maf" else "(default)")
        key = (record[kind], column)
        if key in first:
            other = first[key]
            warnings.append(
                f"{path}: line {line_of[sample]}: sample '{sample}' reads the same {kind} file "
                f"and tumor column ({column}) as sample '{other}' (line {line_of[other]}): "
                f"{record[kind]}"
            )
        else:
            first[key] = sample
    return warnings


def load_sample_sheet(
    path: str | Path,
    schema_path: str | Path,
    *,
    default_build: str = "GRCh38",
    check_files: bool = True,
) -> SampleSheet:
    """Read, validate and resolve a tab-separated sample sheet.

    Lines starting with '#' are comments. Empty cells are missing values. Relative paths
    resolve against the sheet's folder. Errors name the line, the column and the fix.
    """
    path = Path(path)
    schema = load_schema(schema_path)
    text = _read_text(path)
    lines = [(n, line) for n, line in enumerate(text.split("\n"), start=1)]
    content = [(n, line) for n, line in lines if line.strip() and not line.startswith("#")]
    if not content:
        raise InputError(
            "the sample sheet is empty.",
            path=str(path),
            fix="add a header line and one row per sample",
        )
    header_line, header_text = content[0]
    header = [h.strip() for h in next(csv.reader(io.StringIO(header_text), delimiter="\t"))]
    if "sample" not in header:
        hint = (
            " (the file does not look tab-separated)"
            if len(header) == 1 and "," in header_text
            else ""
        )
        raise InputError(
            f"the header has no 'sample' column{hint}.",
            path=str(path),
            line=header_line,
            fix="the first non-comment line must be a tab-separated header starting with 'sample'",
        )
    duplicates = sorted({h for h in header if header.count(h) > 1})
    if duplicates:
        raise InputError(
            f"column(s) {', '.join(duplicates)} appear more than once in the header.",
            path=str(path),
            line=header_line,
            fix="keep one column of each name",
        )
    warnings: list[str] = []
    unknown = [h for h in header if h not in KNOWN_COLUMNS]
    if unknown:
        warnings.append(
            f"{path}: column(s) {', '.join(unknown)} are not used by nenprofile and are ignored"
        )
    rows: dict[str, dict[str, Any]] = {}
    line_of: dict[str, int] = {}
    base = path.parent
    for line_number, line_text in content[1:]:
        cells = next(csv.reader(io.StringIO(line_text), delimiter="\t"))
        if len(cells) > len(header):
            raise InputError(
                f"the row has {len(cells)} fields but the header has {len(header)}.",
                path=str(path),
                line=line_number,
                fix="separate columns with single tabs and remove extra fields",
            )
        record: dict[str, Any] = {}
        for column, value in zip(header, cells, strict=False):
            value = value.strip()
            if value == "" or column not in KNOWN_COLUMNS:
                continue
            if column in NUMBER_COLUMNS:
                record[column] = _parse_number(value, column, path, line_number)
            else:
                record[column] = value
        _validate_row(record, schema, path, line_number)
        sample = record["sample"]
        if sample in rows:
            raise InputError(
                f"sample '{sample}' appears twice (first on line {line_of[sample]}).",
                path=str(path),
                line=line_number,
                column="sample",
                fix="give every row a unique sample id",
            )
        for column in PATH_COLUMNS:
            if column in record:
                resolved = Path(record[column])
                if not resolved.is_absolute():
                    resolved = base / resolved
                resolved = Path(os.path.normpath(resolved))
                if check_files and not resolved.is_file():
                    raise InputError(
                        f"file '{record[column]}' does not exist (looked for {resolved}).",
                        path=str(path),
                        line=line_number,
                        column=column,
                        fix="correct the path; relative paths are relative to the sheet's folder",
                    )
                record[column] = str(resolved)
        site, known = normalise_site(record.get("tumor_site"))
        if not known:
            warnings.append(
                f"{path}: line {line_number}: tumor_site '{record['tumor_site']}' is not in the "
                "vocabulary; treated as 'other' (see config/README.md for the accepted words)"
            )
        record["tumor_site_input"] = record.get("tumor_site")
        record["tumor_site"] = site
        warnings.extend(
            f"{path}: line {line_number}: {text}" for text in _normalise_clinical(record)
        )
        record.setdefault("genome_build", default_build)
        record["expression_id_explicit"] = "expression_id" in record
        record.setdefault("expression_id", sample)
        rows[sample] = record
        line_of[sample] = line_number
    warnings.extend(_shared_variant_sources(path, rows, line_of))
    if not rows:
        raise InputError(
            "the sample sheet has a header but no sample rows.",
            path=str(path),
            fix="add one row per tumor sample",
        )
    return SampleSheet(path=path, rows=rows, line_of=line_of, warnings=warnings)


def _normalise_clinical(record: dict[str, Any]) -> tuple[str, ...]:
    """Controlled terms for the clinical columns, derived differentiation and site; warnings."""
    clinical = clinical_fields(record)
    record["histology_input"] = record.get("histology")
    histology = clinical.histology
    if record.get("tumor_site") == "lung":
        histology = LUNG_NEC.get(histology, histology)
    record["histology"] = histology
    record["stage"] = clinical.stage
    record["line"] = clinical.line
    record["prior_therapies"] = clinical.prior_therapies
    record["sstr_imaging"] = clinical.sstr_imaging
    record["germline_findings"] = clinical.germline_findings
    derived = derived_differentiation(histology)
    given = record.get("differentiation", "unknown")
    notes = list(clinical.warnings)
    if given == "unknown" and derived != "unknown":
        record["differentiation"] = derived
        record["differentiation_from_histology"] = True
    elif given != "unknown" and derived not in ("unknown", given):
        notes.append(
            f"differentiation '{given}' disagrees with histology '{histology}' "
            f"({derived}ly differentiated); the sheet's differentiation is used"
        )
    if record.get("tumor_site") == "unknown" and histology in HISTOLOGY_SITE:
        record["tumor_site"] = HISTOLOGY_SITE[histology]
    return tuple(notes)


def path_for_sheet(path: Path, sheet_folder: Path) -> str:
    """How a sheet stores `path`: relative to the sheet's folder when it lies below it (else
    absolute), './'-prefixed when it would otherwise start like a spreadsheet formula."""
    text = os.path.relpath(path, sheet_folder)
    if text.startswith(".."):
        return str(path.resolve())
    return f"./{text}" if text.startswith(FORMULA_START) else text


def _validate_row(record: dict[str, Any], schema: dict[str, Any], path: Path, line: int) -> None:
    for key, message, fix in iter_problems(record, schema):
        raise InputError(message + ".", path=str(path), line=line, column=key or None, fix=fix)


def sample_info(record: dict[str, Any]) -> SampleInfo:
    """SampleInfo from a validated sheet row: every SampleInfo field the row has, by name."""
    given = {f.name: record[f.name] for f in fields(SampleInfo) if f.name in record}
    return SampleInfo(**given, tumor_only="normal_sample" not in record)
