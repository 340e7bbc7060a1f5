"""Writers, provenance and cohort tables."""

from __future__ import annotations

import gzip
import hashlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nenprofile.cohort.provenance import config_checksum, input_checksums, run_date
from nenprofile.cohort.tables import BIOMARKER_COLUMNS, combine_tables
from nenprofile.ingest.variants.table import VARIANT_TABLE_COLUMNS, table_line, write_variant_table
from nenprofile.io.outputs import atomic_write, format_cell, to_json, write_tsv
from nenprofile.model import Variant


def test_format_cell_rules():
    assert format_cell(None) == ""
    assert format_cell(float("nan")) == ""
    assert format_cell(True) == "true"
    assert format_cell(0.123456789) == "0.123457"
    assert format_cell(["PMID:1", "NCT2"]) == "PMID:1;NCT2"
    assert format_cell("a\tb\nc") == "a\\tb\\nc"


def test_write_tsv_writes_header_for_zero_rows(tmp_path):
    out = tmp_path / "x" / "t.tsv"
    write_tsv(out, [], ["a", "b"])
    assert out.read_text() == "a\tb\n"
    write_tsv(out, [{"a": 1, "b": None, "c": "ignored"}], ["a", "b"])
    assert out.read_text() == "a\tb\n1\t\n"


def test_atomic_write_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "out.txt"
    with pytest.raises(RuntimeError), atomic_write(target) as handle:
        handle.write("partial")
        raise RuntimeError("killed")
    assert list(tmp_path.iterdir()) == []


def test_json_is_sorted_and_nan_free():
    assert to_json({"b": float("nan"), "a": {"d": 1, "c": (2, 3)}}) == (
        '{\n  "a": {\n    "c": [\n      2,\n      3\n    ],\n    "d": 1\n  },\n  "b": null\n}\n'
    )


def test_variant_table_is_byte_identical(tmp_path):
    variants = [Variant("chr7", 140753336, "A", "T", gene="BRAF", hgvsp="p.V600E", vaf=0.31)]
    write_variant_table(tmp_path / "a.tsv.gz", variants)
    write_variant_table(tmp_path / "b.tsv.gz", variants)
    assert (tmp_path / "a.tsv.gz").read_bytes() == (tmp_path / "b.tsv.gz").read_bytes()
    lines = gzip.decompress((tmp_path / "a.tsv.gz").read_bytes()).decode().splitlines()
    assert lines[0].startswith("chrom\tpos\tref\talt\tgene")
    assert lines[1].split("\t")[:5] == ["chr7", "140753336", "A", "T", "BRAF"]


def test_variant_table_is_compressed_at_the_fastest_zlib_level(tmp_path):
    """Level 1, not gzip's default 6: 1.4 instead of 4.9 CPU-s on a 1M-record sample's table.
    The gzip header says so: XFL (byte 8) is 4 for the fastest level, 0 for level 6."""
    variants = [Variant("chr7", 140753336 + i, "A", "T", gene="BRAF", vaf=0.31) for i in range(50)]
    write_variant_table(tmp_path / "v.tsv.gz", variants)
    data = (tmp_path / "v.tsv.gz").read_bytes()
    assert data[:3] == b"\x1f\x8b\x08"
    assert data[8] == 4
    assert len(gzip.decompress(data).decode().splitlines()) == 51


_TEXT = st.one_of(st.none(), st.text(max_size=6), st.sampled_from(["a\tb", "x\ny", "c\rd"]))
_NUMBER = st.one_of(
    st.none(), st.floats(allow_nan=True, allow_infinity=True), st.integers(), st.booleans()
)


@settings(max_examples=300, deadline=None)
@given(
    texts=st.lists(_TEXT, min_size=8, max_size=8),
    numbers=st.lists(_NUMBER, min_size=5, max_size=5),
)
def test_table_line_equals_format_cell_of_every_column(texts, numbers):
    """The fast line builder gives format_cell's cells whatever the values' types."""
    gene, consequence, hgvsc, hgvsp, transcript, clinvar, ref, alt = texts
    pos, vaf, depth, alt_reads, population_af = numbers
    variant = Variant(
        "chr1", pos, ref, alt, gene=gene, consequence=consequence, hgvsc=hgvsc, hgvsp=hgvsp,
        transcript=transcript, vaf=vaf, depth=depth, alt_reads=alt_reads,
        population_af=population_af, clinvar=clinvar,
    )  # fmt: skip
    expected = "\t".join(format_cell(getattr(variant, c)) for c in VARIANT_TABLE_COLUMNS)
    assert table_line(variant) == expected


def test_run_date_precedence():
    assert run_date({"report": {"date": "2026-01-15"}}, {"SOURCE_DATE_EPOCH": "0"}) == "2026-01-15"
    assert run_date({"report": {"date": None}}, {"SOURCE_DATE_EPOCH": "1700000000"}) == "2023-11-14"


def test_a_cohort_maf_named_by_every_row_is_hashed_once(tmp_path, monkeypatch):
    from nenprofile.cohort import provenance

    maf = tmp_path / "data_mutations.txt"
    maf.write_bytes(b"maf")
    hashed: list[str] = []
    real = provenance.sha256_file
    monkeypatch.setattr(provenance, "sha256_file", lambda path: hashed.append(path) or real(path))
    rows = input_checksums([(f"S{i}", "maf", str(maf)) for i in range(3)])
    assert hashed == [str(maf)]
    assert [r["sha256"] for r in rows] == [hashlib.sha256(b"maf").hexdigest()] * 3


def test_checksums(tmp_path):
    f = tmp_path / "in.vcf"
    f.write_bytes(b"abc")
    rows = input_checksums([("S1", "vcf", str(f))])
    assert rows == [
        {
            "sample": "S1",
            "role": "vcf",
            "path": str(f),
            "sha256": hashlib.sha256(b"abc").hexdigest(),
        }
    ]
    assert config_checksum({"a": 1, "b": 2}) == config_checksum({"b": 2, "a": 1})
    assert config_checksum({"a": 1}) != config_checksum({"a": 2})


def test_combine_tables_keeps_sheet_order_and_flattens_biomarkers(tmp_path):
    samples = ["S2", "S1"]
    paths = {}
    for s, n in (("S1", 1), ("S2", 2)):
        alt = tmp_path / f"{s}.alt.tsv"
        write_tsv(
            alt,
            [{"sample": s, "gene": "TP53", "oncogenicity": "Oncogenic"}] * n,
            ["sample", "gene", "oncogenicity", "biallelic"],
        )
        ther = tmp_path / f"{s}.ther.tsv"
        write_tsv(ther, [{"therapy": f"drug{s}", "amp_tier": "II-C"}], ["therapy", "amp_tier"])
        bio = tmp_path / f"{s}.bio.json"
        bio.write_text(
            json.dumps(
                {
                    "sample": s,
                    "tmb": {"value": 12.5, "call": "TMB-high", "source": "x"},
                    "pdl1": {"value": 60, "call": "positive", "source": "IHC TPS"},
                    "expression_markers": {"DLL3": {"call": "high"}},
                }
            )
        )
        paths[s] = (alt, bio, ther)
    out = {k: tmp_path / f"cohort.{k}.tsv" for k in ("alt", "bio", "ther")}
    combine_tables(
        samples,
        [paths[s][0] for s in samples],
        [paths[s][1] for s in samples],
        [paths[s][2] for s in samples],
        {"S1": {"tumor_site": "lung"}, "S2": {"tumor_site": "pancreas"}},
        out["alt"],
        out["bio"],
        out["ther"],
    )
    alt_lines = out["alt"].read_text().splitlines()
    assert [line.split("\t")[0] for line in alt_lines[1:]] == ["S2", "S2", "S1"]
    assert alt_lines[0].split("\t")[-1] == "biallelic"
    ther_lines = out["ther"].read_text().splitlines()
    assert ther_lines[0].startswith("sample\ttherapy")
    assert ther_lines[1].startswith("S2\tdrugS2")
    bio_lines = out["bio"].read_text().splitlines()
    assert bio_lines[0].split("\t") == BIOMARKER_COLUMNS
    row = dict(zip(BIOMARKER_COLUMNS, bio_lines[1].split("\t"), strict=True))
    assert row["sample"] == "S2"
    assert row["tumor_site"] == "pancreas"
    assert row["tmb"] == "12.5"
    assert row["pdl1_source"] == "IHC TPS"
    assert row["dll3_call"] == "high"
    assert row["sstr2_call"] == "not_available"
    assert row["n_alterations"] == "2"
    assert row["n_oncogenic"] == "2"


def test_atomic_write_gives_umask_permissions(tmp_path):
    import os

    old = os.umask(0o022)
    try:
        target = tmp_path / "report.html"
        with atomic_write(target) as handle:
            handle.write("x")
        assert (target.stat().st_mode & 0o777) == 0o644
    finally:
        os.umask(old)
