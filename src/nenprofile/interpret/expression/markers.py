"""Expression marker calls and gene-set scores for a cohort (one row per sample x marker)."""

from __future__ import annotations

import csv
import math
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from nenprofile.errors import InputError
from nenprofile.ingest.expression.normalise import (
    call_from_percentile,
    log2_tpm,
    percentile_weak,
    zscores,
)
from nenprofile.ingest.expression.readers import read_expression_matrix
from nenprofile.interpret.expression.genesets import (
    GENE_SET_SCORES,
    MARKER_GENES,
    MARKER_NOTES,
    SCLC_SUBTYPE_GENES,
    SCLC_SUBTYPE_MIN_Z,
    all_needed_genes,
)
from nenprofile.interpret.expression.settings import ExpressionSettings
from nenprofile.io.outputs import decode_text

MARKER_TABLE_COLUMNS = [
    "sample",
    "marker",
    "genes",
    "tpm",
    "log2_tpm",
    "percentile",
    "zscore",
    "call",
    "reference",
    "n_reference",
    "research_only",
    "note",
]
SD_ZERO_NOTE = "reference sd is 0 (all reference values equal): z-score set to 0"
TIE_NOTE = "sample equals every reference value: rank not informative, called intermediate"
NOT_INFORMATIVE = "not_informative"
SMALL_REFERENCE_NOTE = (
    "z-scores of a reference smaller than min_reference_size do not support a composite call"
)


def score_cohort(
    matrix_path: str | Path,
    samples: dict[str, str],
    *,
    reference_path: str | Path | None = None,
    settings: ExpressionSettings | None = None,
) -> pd.DataFrame:
    """Read the cohort matrix (and reference) and score every sample.

    samples maps sample -> expression column id. The returned long table has
    MARKER_TABLE_COLUMNS; warnings (reader notes, small reference) are in `.attrs["warnings"]`
    and what reading did (expression_disclosure) in `.attrs["disclosure"]`.
    """
    needed = all_needed_genes()
    matrix = read_expression_matrix(matrix_path, genes=needed, columns=samples.values())
    messages = list(matrix.warnings)
    reference = None
    label = "cohort"
    reference_input = None
    if reference_path is not None:
        ref = read_expression_matrix(reference_path, genes=needed)
        messages += [f"reference: {w}" for w in ref.warnings]
        if ref.unit != matrix.unit:
            messages.append(
                f"matrix is {matrix.unit} but reference is {ref.unit}: ranks are not comparable"
            )
        reference, label = ref.tpm, f"reference {Path(reference_path).name}"
        reference_input = ref.disclosure()
    table = score_matrix(matrix.tpm, samples, reference=reference, settings=settings, label=label)
    table.attrs["warnings"] = messages + table.attrs["warnings"]
    in_reference = set(matrix.tpm.index if reference is None else reference.dropna(how="all").index)
    table.attrs["disclosure"] = expression_disclosure(
        matrix.disclosure(),
        set(matrix.tpm.index),
        in_reference,
        table.attrs["reference"] | {"input": reference_input},
    ) | {"warnings": table.attrs["warnings"]}
    return table


def expression_disclosure(
    matrix_input: dict[str, Any],
    genes_in_matrix: set[str],
    genes_in_reference: set[str],
    reference: dict[str, Any],
) -> dict[str, Any]:
    """The matrix as read (file, format, unit, conversion, rows, summed duplicates), the
    marker and signature genes it lacks, the single-gene markers that cannot be called (gene
    absent from the matrix or the reference) and the reference's size against
    min_reference_size."""
    needed = all_needed_genes()
    unavailable = {}
    for gene in MARKER_GENES:
        if gene not in genes_in_matrix:
            unavailable[gene] = "not in the expression matrix"
        elif gene not in genes_in_reference:
            unavailable[gene] = "not in the reference matrix"
    return {
        **matrix_input,
        "genes_needed": len(needed),
        "genes_found": len(needed & genes_in_matrix),
        "genes_not_in_matrix": sorted(needed - genes_in_matrix),
        "markers_not_available": unavailable,
        "reference": reference,
    }


def _check_samples(tpm: pd.DataFrame, samples: Mapping[str, str]) -> list[str]:
    columns = list(dict.fromkeys(samples.values()))
    missing = [c for c in columns if c not in tpm.columns]
    if missing:
        shown = ", ".join(map(str, list(tpm.columns)[:30]))
        raise InputError(
            f"Expression column(s) {', '.join(missing)} not in the matrix. Matrix columns: "
            f"{shown}{' ...' if tpm.shape[1] > 30 else ''}.",
            column="expression_id",
            fix="set expression_id in the sample sheet to one of the matrix columns",
        )
    return columns


def score_matrix(
    tpm: pd.DataFrame,
    samples: Mapping[str, str],
    *,
    reference: pd.DataFrame | None = None,
    settings: ExpressionSettings | None = None,
    label: str = "cohort",
) -> pd.DataFrame:
    """Score samples of a genes x columns TPM table (pure core of score_cohort).

    The reference is `reference` (genes x reference samples, TPM) when given, else the
    cohort's own columns (each distinct column once).
    """
    settings = settings or ExpressionSettings()
    columns = _check_samples(tpm, samples)
    cohort_log = pd.DataFrame(
        log2_tpm(tpm[columns].to_numpy(dtype=float), settings.pseudocount),
        index=tpm.index,
        columns=columns,
    )
    if reference is None:
        ref_log = cohort_log
    else:
        ref_log = pd.DataFrame(
            log2_tpm(reference.to_numpy(dtype=float), settings.pseudocount),
            index=reference.index,
            columns=reference.columns,
        )
    n_ref = ref_log.shape[1]
    reference_text = f"{label} (n={n_ref})"
    notes: list[str] = []
    small = ""
    if n_ref < settings.min_reference_size:
        small = (
            f"reference has {n_ref} samples (< min_reference_size {settings.min_reference_size}):"
            " percentiles are coarse"
        )
        notes.append(small)
        notes.append(
            f"reference has {n_ref} samples (< min_reference_size {settings.min_reference_size}):"
            f" gene-set scores and the SCLC subtype are {NOT_INFORMATIVE}"
        )
    sample_names = list(samples)
    sample_columns = [samples[s] for s in sample_names]
    blocks = []
    context = _Context(cohort_log, ref_log, sample_columns, settings, reference_text, small)
    for gene in MARKER_GENES:
        blocks.append(context.single_gene(gene))
    for gene_set in GENE_SET_SCORES:
        blocks.append(context.gene_set(gene_set.name, gene_set.genes, gene_set.note))
    blocks.append(context.sclc_subtype())
    n_markers = len(blocks)
    frame = pd.DataFrame(
        {
            "sample": np.tile(np.array(sample_names, dtype=object), n_markers),
            **{key: np.concatenate([b[key] for b in blocks]) for key in blocks[0]},
        }
    )
    # blocks are marker-major; the table is sample-major (all markers of one sample together)
    sample_major = np.arange(n_markers * len(sample_names)).reshape(n_markers, -1).T.ravel()
    frame = frame.iloc[sample_major].reset_index(drop=True)[MARKER_TABLE_COLUMNS]
    frame.attrs["warnings"] = notes
    frame.attrs["reference"] = {
        "source": label,
        "size": n_ref,
        "min_reference_size": settings.min_reference_size,
        "below_min_reference_size": n_ref < settings.min_reference_size,
    }
    return frame


class _Context:
    """Shared arrays for scoring one cohort; each method returns one marker's column block."""

    def __init__(
        self,
        cohort_log: pd.DataFrame,
        ref_log: pd.DataFrame,
        sample_columns: list[str],
        settings: ExpressionSettings,
        reference_text: str,
        small_note: str,
    ) -> None:
        self.cohort_log = cohort_log
        self.ref_log = ref_log
        self.sample_columns = sample_columns
        self.settings = settings
        self.reference_text = reference_text
        self.small_note = small_note
        self.n = len(sample_columns)

    def _block(self, marker: str, genes: str, **arrays: Any) -> dict[str, np.ndarray]:
        nan = np.full(self.n, np.nan)
        block = {
            "marker": np.full(self.n, marker, dtype=object),
            "genes": np.full(self.n, genes, dtype=object),
            "tpm": arrays.get("tpm", nan),
            "log2_tpm": arrays.get("log2_tpm", nan),
            "percentile": arrays.get("percentile", nan),
            "zscore": arrays.get("zscore", nan),
            "call": arrays["call"],
            "reference": np.full(self.n, self.reference_text, dtype=object),
            "n_reference": arrays.get("n_reference", np.full(self.n, 0, dtype=int)),
            "research_only": np.full(self.n, True),
            "note": arrays["note"],
        }
        return block

    def _notes(self, *parts: str) -> str:
        return "; ".join(p for p in (*parts, self.small_note) if p)

    def _unavailable(self, marker: str, genes: str, reason: str) -> dict[str, np.ndarray]:
        return self._block(
            marker,
            genes,
            call=np.full(self.n, "not_available", dtype=object),
            note=np.full(self.n, reason, dtype=object),
        )

    def _missing_reason(self, gene: str) -> str | None:
        if gene not in self.cohort_log.index:
            return f"{gene} not in the expression matrix"
        if gene not in self.ref_log.index or self.ref_log.loc[gene].isna().all():
            return f"{gene} not in the reference matrix"
        return None

    def gene_z(self, gene: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool, int]:
        """(log2 values, percentiles, z-scores, sd-is-zero, n reference) of one gene."""
        values = self.cohort_log.loc[gene, self.sample_columns].to_numpy(dtype=float)
        reference = self.ref_log.loc[gene].to_numpy(dtype=float)
        z, sd_zero = zscores(reference, values)
        n_ref = int(np.count_nonzero(~np.isnan(reference)))
        return values, percentile_weak(reference, values), z, sd_zero, n_ref

    def single_gene(self, gene: str) -> dict[str, np.ndarray]:
        reason = self._missing_reason(gene)
        if reason:
            return self._unavailable(gene, gene, f"{reason}; {MARKER_NOTES[gene]}")
        values, percentile, z, sd_zero, n_ref = self.gene_z(gene)
        calls = call_from_percentile(
            percentile, self.settings.low_percentile, self.settings.high_percentile
        )
        base = self._notes(MARKER_NOTES[gene], SD_ZERO_NOTE if sd_zero else "")
        notes = np.full(self.n, base, dtype=object)
        if sd_zero:
            tied = percentile == 100.0
            tied &= values == self.ref_log.loc[gene].dropna().to_numpy()[0]
            calls[tied] = "intermediate"
            notes[tied] = self._notes(MARKER_NOTES[gene], SD_ZERO_NOTE, TIE_NOTE)
        missing = np.isnan(values)
        notes[missing] = self._notes(f"no {gene} value for this sample", MARKER_NOTES[gene])
        return self._block(
            gene,
            gene,
            tpm=2.0**values - self.settings.pseudocount,
            log2_tpm=values,
            percentile=percentile,
            zscore=z,
            call=calls,
            n_reference=np.full(self.n, n_ref),
            note=notes,
        )

    def _reference_z(self, gene: str) -> np.ndarray:
        reference = self.ref_log.loc[gene].to_numpy(dtype=float)
        return zscores(reference, reference)[0]

    def gene_set(self, name: str, genes: tuple[str, ...], note: str) -> dict[str, np.ndarray]:
        usable = [g for g in genes if self._missing_reason(g) is None]
        missing = [g for g in genes if g not in usable]
        if not usable:
            return self._unavailable(name, ";".join(genes), f"no genes available; {note}")
        sample_z = np.vstack([self.gene_z(g)[2] for g in usable])
        reference_z = np.vstack([self._reference_z(g) for g in usable])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=RuntimeWarning)  # all-NaN column -> NaN
            score = np.nanmean(sample_z, axis=0)
            reference_score = np.nanmean(reference_z, axis=0)
        percentile = percentile_weak(reference_score, score)
        calls = call_from_percentile(
            percentile, self.settings.low_percentile, self.settings.high_percentile
        )
        coverage = f"{len(usable)} of {len(genes)} genes" + (
            f" (missing: {', '.join(missing)})" if missing else ""
        )
        if self.small_note:
            calls = np.full(self.n, NOT_INFORMATIVE, dtype=object)
            note = f"{NOT_INFORMATIVE}: {SMALL_REFERENCE_NOTE}"
            coverage = f"{coverage}; {note}"
        return self._block(
            name,
            ";".join(usable),
            percentile=percentile,
            zscore=score,
            call=calls,
            n_reference=np.full(self.n, int(np.count_nonzero(~np.isnan(reference_score)))),
            note=np.full(self.n, self._notes(f"score = mean z of {coverage}", note), dtype=object),
        )

    def sclc_subtype(self) -> dict[str, np.ndarray]:
        genes = list(SCLC_SUBTYPE_GENES)
        usable = [g for g in genes if self._missing_reason(g) is None]
        missing = [g for g in genes if g not in usable]
        rule = (
            f"SCLC subtype by highest z-score of {', '.join(genes)} when max z > "
            f"{SCLC_SUBTYPE_MIN_Z:g}, else unassigned (Rudin et al., Nat Rev Cancer 2019); "
            "research-only, defined in SCLC"
        )
        if not usable:
            return self._unavailable("SCLC_SUBTYPE", ";".join(genes), f"no genes available; {rule}")
        z = np.vstack([self.gene_z(g)[2] for g in usable])
        filled = np.where(np.isnan(z), -np.inf, z)
        best = np.argmax(filled, axis=0)  # first of equal maxima wins (order A, N, P, Y)
        best_z = filled[best, np.arange(self.n)]
        labels = np.array([SCLC_SUBTYPE_GENES[g] for g in usable], dtype=object)[best]
        calls = np.where(best_z > SCLC_SUBTYPE_MIN_Z, labels, "unassigned").astype(object)
        if self.small_note:
            calls[:] = NOT_INFORMATIVE
            extra = "; ".join(p for p in (_missing_text(missing), SMALL_REFERENCE_NOTE) if p)
        else:
            extra = _missing_text(missing)
        calls[np.isneginf(best_z)] = "not_available"
        notes = np.array(
            [
                self._notes(
                    f"{calls[i]}: highest z {usable[best[i]]} {best_z[i]:.2f}"
                    if np.isfinite(best_z[i])
                    else "no subtype gene values",
                    extra,
                    rule,
                )
                for i in range(self.n)
            ],
            dtype=object,
        )
        return self._block(
            "SCLC_SUBTYPE",
            ";".join(usable),
            zscore=np.where(np.isfinite(best_z), best_z, np.nan),
            call=calls,
            n_reference=np.full(self.n, self.ref_log.shape[1]),
            note=notes,
        )


def _missing_text(missing: list[str]) -> str:
    return f"missing: {', '.join(missing)}" if missing else ""


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def markers_for_sample(table: pd.DataFrame, sample: str) -> dict[str, dict]:
    """The `expression_markers` dict of biomarkers.json for one sample ({} if absent)."""
    return markers_by_sample(table[table["sample"] == sample]).get(sample, {})


def markers_by_sample(table: pd.DataFrame) -> dict[str, dict[str, dict]]:
    """markers_for_sample of every sample of the table, in one pass over it (a profiling
    batch reads the cohort's table once, not once per sample)."""
    result: dict[str, dict[str, dict]] = {}
    for record in table.to_dict("records"):
        entry = {key: _plain(record[key]) for key in MARKER_TABLE_COLUMNS if key != "sample"}
        entry["gene"] = entry["genes"]
        entry["research_only"] = bool(entry["research_only"])
        result.setdefault(record["sample"], {})[entry.pop("marker")] = entry
    return result


def _text_columns(table: pd.DataFrame) -> list[str]:
    """The columns read as text: object under pandas 2, str (a StringDtype) under pandas 3,
    where select_dtypes(include="object") still takes them only with a deprecation warning."""
    return [
        str(column)
        for column, dtype in table.dtypes.items()
        if pd.api.types.is_object_dtype(dtype) or isinstance(dtype, pd.StringDtype)
    ]


def read_marker_table(path: str | Path) -> pd.DataFrame:
    """Read expression_markers.tsv written from score_cohort's table."""
    path = Path(path)
    try:
        table = pd.read_csv(
            path,
            sep="\t",
            dtype={"sample": str, "note": str},
            keep_default_na=True,
            quoting=csv.QUOTE_NONE,  # the one TSV dialect (io.outputs): no quoting
        )
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise InputError(
            f"Cannot read the expression marker table: {error}",
            path=str(path),
            fix="give the cohort/expression_markers.tsv written by score_expression_markers",
        ) from error
    missing = [c for c in MARKER_TABLE_COLUMNS if c not in table.columns]
    if missing:
        raise InputError(
            f"Expression marker table lacks column(s) {', '.join(missing)}.",
            path=str(path),
            line=1,
            fix="regenerate it with score_expression_markers",
        )
    for column in _text_columns(table):
        table[column] = table[column].map(decode_text, na_action="ignore")
    table["research_only"] = table["research_only"].astype(str).str.lower() == "true"
    table["note"] = table["note"].astype(object).fillna("")  # all-empty notes read as float NaN
    return table
