"""Sample sheet and config loading: validation, defaults, path resolution, site mapping."""

from __future__ import annotations

import csv
import io
import math
import os
from collections import Counter
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
from nenprofile.io.textfiles import path_kind
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
# path columns whose cell may list several files, and the separator between them
FILE_SEPARATORS: dict[str, str] = {
    c: spec["x-separator"] for c, spec in _COLUMNS.items() if spec.get("x-separator")
}


# (lower key, upper key): pairs of thresholds whose order the schema cannot express
ORDERED_THRESHOLDS = (
    ("pdl1.tps_low", "pdl1.tps_high"),
    ("pdl1.cps_low", "pdl1.cps_high"),
    ("copy_number.log2_gain", "copy_number.log2_amp"),
    ("copy_number.log2_deepdel", "copy_number.log2_hetloss"),
)
MAX_CONFIG_BYTES = 1 << 20
MAX_CONFIG_VALUES = 10_000
MAX_CONFIG_DEPTH = 10


def validate_config(
    config: dict[str, Any], schema_path: str | Path, source: str = "config"
) -> dict[str, Any]:
    """Validate a cohort config in place, filling defaults; InputError on the first problem."""
    schema = load_schema(schema_path)
    for key, message, fix in iter_problems(config, schema):
        raise InputError(f"key '{key or '(top level)'}': {message}.", path=source, fix=fix)
    for low_key, high_key in ORDERED_THRESHOLDS:
        low, high = _dotted(config, low_key), _dotted(config, high_key)
        if low > high:
            raise InputError(
                f"key '{low_key}' ({low}) is above '{high_key}' ({high}).",
                path=source,
                fix=f"make {low_key} at most {high_key}",
            )
    return config


# config keys naming an input file, and the one naming a folder
CONFIG_FILE_KEYS = (
    "samples",
    "expression.matrix",
    "expression.reference",
    "knowledge_base.civic",
    "knowledge_base.moalmanac",
    "annotation.reference_fasta",
    "annotation.gff3",
)
CONFIG_FOLDER_KEYS = ("knowledge_base.path",)


def check_config_paths(config: dict[str, Any], source: str = "config") -> None:
    """Every input path of a validated config is a regular file (the knowledge base a
    folder): a FIFO or device would hang a job, a folder fail it late."""
    for key in CONFIG_FILE_KEYS + CONFIG_FOLDER_KEYS:
        value = config[key] if "." not in key else _dotted(config, key)
        if value is None:
            continue
        kind = path_kind(value)
        if key in CONFIG_FOLDER_KEYS:
            kind = None if os.path.isdir(value) else (kind or "is a file, not a folder")
        if kind is not None:
            raise InputError(
                f"key '{key}': '{value}' {kind}.",
                path=source,
                fix=f"set {key} to the path of the "
                + ("knowledge-base folder" if key in CONFIG_FOLDER_KEYS else "input file")
                + " (relative to the working directory)",
            )


def _dotted(config: dict[str, Any], key: str) -> Any:
    section, name = key.split(".")
    return config[section][name]


def load_cohort_config(path: str | Path) -> dict[str, Any]:
    """A cohort config file as plain YAML (or JSON): never templated, bounded in size.

    Snakemake reads --configfile files with YTE, which runs Python written in the file
    (`__use_yte__: true`); the workflow therefore reads cohort configs here instead.
    """
    import yaml

    from nenprofile.io.textfiles import require_regular_file
    from nenprofile.io.yamltext import load_yaml

    fix = "give the path of the cohort's config.yaml (see config/README.md)"
    require_regular_file(path, fix=fix)
    if os.path.getsize(path) > MAX_CONFIG_BYTES:
        raise InputError(
            f"the config file is larger than {MAX_CONFIG_BYTES >> 10} KiB.", path=str(path), fix=fix
        )
    try:
        data = load_yaml(Path(path).read_bytes())
    except yaml.YAMLError as error:
        raise InputError(
            f"the config is not valid YAML ({error}).",
            path=str(path),
            fix="check indentation (spaces, not tabs) and quoting",
        ) from None
    if not isinstance(data, dict):
        raise InputError("the config must be a mapping of keys to values.", path=str(path), fix=fix)
    check_config_data(data, path)
    return data


def check_config_data(data: dict[str, Any], path: str | Path) -> None:
    """A parsed cohort config holds plain values: no YTE switch, no alias bomb, no deep
    nesting (the workflow and `nenprofile validate` both check this)."""
    from nenprofile.io.yamltext import find_oversize

    if "__use_yte__" in data:
        raise InputError(
            "key '__use_yte__': templating is not supported; a cohort config holds plain "
            "values only (YTE would run code written in the file).",
            path=str(path),
            fix="remove __use_yte__ and write every value literally",
        )
    oversize = find_oversize(data, max_nodes=MAX_CONFIG_VALUES, max_depth=MAX_CONFIG_DEPTH)
    if oversize:
        raise InputError(
            f"the config is too large: {oversize}.",
            path=str(path),
            fix="write the config by hand without YAML anchors and aliases (&, *)",
        )


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


MAX_SHEET_BYTES = 256 << 20


def _read_text(path: Path) -> str:
    kind = path_kind(path)
    if kind is not None and kind != "does not exist" and "folder" not in kind:
        raise InputError(
            f"the sample sheet {kind}.",
            path=str(path),
            fix="set 'samples' to the path of the tab-separated sheet file",
        )
    try:
        if path.stat().st_size > MAX_SHEET_BYTES:
            raise InputError(
                f"the sample sheet is larger than {MAX_SHEET_BYTES >> 20} MiB.",
                path=str(path),
                fix="give one row per sample and only the sheet's columns",
            )
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
        number = float(cleaned)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise InputError(
            f"'{value}' is not a number.",
            path=str(path),
            line=line,
            column=column,
            fix=f"write {column} as a plain number (for example 35 or 0.6), or leave it empty",
        )
    return number


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
        for file in sheet_files(record, kind):
            key = (file, column)
            if key in first:
                other = first[key]
                text = (
                    f"sample '{sample}' (line {line_of[sample]}) reads the same {kind} file and "
                    f"tumor column ({column}) as sample '{other}' (line {line_of[other]}): "
                    f"{file}. Fix: correct the sample sheet unless both rows are meant to be "
                    "the same tumor"
                )
                warnings.append(f"{path}: {text}")
                # both samples' reports show it (ingest.json warnings, from the row)
                for name in (sample, other):
                    rows[name].setdefault("sheet_warnings", []).append(text)
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
    duplicates = sorted(h for h, n in Counter(header).items() if n > 1)
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
                record[column] = _resolved_paths(
                    record[column], column, base, check_files, path, line_number
                )
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


def _resolved_paths(
    cell: str, column: str, base: Path, check_files: bool, sheet: Path, line: int
) -> str:
    """The cell's file (or files, for a column with a separator) resolved against the
    sheet's folder; each must be a regular file when check_files."""

    def refused(problem: str, fix: str) -> InputError:
        return InputError(problem, path=str(sheet), line=line, column=column, fix=fix)

    separator = FILE_SEPARATORS.get(column)
    given = [p.strip() for p in cell.split(separator)] if separator else [cell]
    if separator and any(not p for p in given):
        raise refused(
            f"'{cell}' has an empty file name between '{separator}' separators.",
            f"separate the files with single '{separator}' and no trailing '{separator}'",
        )
    resolved_paths = []
    for text in given:
        resolved = Path(os.path.normpath(base / text))  # an absolute text replaces base
        kind = path_kind(resolved) if check_files else None
        if kind is not None:
            raise refused(
                f"'{text}' {kind} (looked for {resolved}).",
                "correct the path; relative paths are relative to the sheet's folder",
            )
        resolved_paths.append(str(resolved))
    if len(set(resolved_paths)) < len(resolved_paths):
        raise refused(f"'{cell}' lists the same file twice.", "list each file once")
    return (separator or "").join(resolved_paths)


def sheet_files(record: dict[str, Any], column: str) -> list[str]:
    """The resolved files of a row's path column (several for a column with a separator)."""
    if column not in record:
        return []
    separator = FILE_SEPARATORS.get(column)
    return record[column].split(separator) if separator else [record[column]]


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
