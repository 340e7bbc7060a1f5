"""Inputs told apart by content; copy-number and fusion files paired by sample id."""

from __future__ import annotations

import gzip
from pathlib import Path

from nenprofile.ingest.discover import SheetRow, classify_file, sample_named_by_file


def test_symbol_tpm_matrix_is_expression_not_discrete_copy_number(tmp_path):
    matrix = tmp_path / "m.txt"
    matrix.write_text("Hugo_Symbol\tS1\tS2\nSSTR2\t12.5\t3.25\nDLL3\t40.0\t0.5\n")
    found = classify_file(matrix, "GRCh38")
    assert (found.kind, found.layout, found.sample_ids) == (
        "expression",
        "TPM matrix",
        ("S1", "S2"),
    )
    discrete = tmp_path / "d.txt"
    discrete.write_text("Hugo_Symbol\tS1\tS2\nSSTR2\t2\t-1\n")
    found = classify_file(discrete, "GRCh38")
    assert (found.kind, found.layout) == ("cna", "cBioPortal discrete")


def test_file_names_pair_with_the_longest_sample_id():
    rows = {name: SheetRow(name) for name in ("NEN1", "NEN10", "NEN10_T")}
    assert sample_named_by_file(Path("NEN10_T.cns"), rows).sample == "NEN10_T"
    assert sample_named_by_file(Path("NEN10-cn.tsv"), rows).sample == "NEN10"
    assert sample_named_by_file(Path("NEN1.tsv"), rows).sample == "NEN1"
    assert sample_named_by_file(Path("NEN100.tsv"), rows) is None


def test_a_reader_crash_is_listed_with_the_file_not_raised(tmp_path, monkeypatch):
    from nenprofile.ingest import discover

    def crash(path, **options):
        raise RuntimeError("boom")

    monkeypatch.setattr(discover, "read_fusions", crash)
    table = tmp_path / "f.txt"
    table.write_text("gene5\tgene3\nEWSR1\tFLI1\n")
    found = classify_file(table, "GRCh38")
    assert found.reason.startswith("unreadable as fusions (RuntimeError: boom); not read as a")


def test_empty_truncated_and_blank_led_files(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    assert classify_file(empty, "GRCh38").reason == "empty file"
    truncated = tmp_path / "cut.gz"
    truncated.write_bytes(gzip.compress(b"gene\tcopy_number\nRB1\t0\n" * 50)[:40])
    assert classify_file(truncated, "GRCh38").reason.startswith(
        "unreadable (the compressed file is truncated or corrupt"
    )
    blank_first = tmp_path / "cn.txt"
    blank_first.write_text("\ngene\tcopy_number\nRB1\t0\n")
    found = classify_file(blank_first, "GRCh38")
    assert (found.kind, found.layout) == ("cna", "gene table")
