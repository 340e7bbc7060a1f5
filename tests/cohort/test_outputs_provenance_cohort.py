"""Writers, provenance and cohort tables."""

from __future__ import annotations

import gzip
import hashlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nenprofile.cohort.provenance import config_checksum, input_checksums, run_date
from nenprofile.cohort.tables import BIOMARKER_COLUMNS, combine_tables, written_as_is
from nenprofile.ingest.variants.table import VARIANT_TABLE_COLUMNS, table_line, write_variant_table
from nenprofile.io.outputs import (
    atomic_write,
    format_cell,
    read_tsv,
    to_json,
    write_json,
    write_tsv,
)
from nenprofile.model import ALTERATION_COLUMNS, THERAPY_COLUMNS, Variant


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


def _combined_the_slow_way(tables, with_sample):
    """What combine_tables wrote before it copied lines: every cell decoded and encoded."""
    rows = []
    for sample, path in tables:
        for row in read_tsv(path)[1]:
            if with_sample:
                row["sample"] = sample
            rows.append(row)
    return rows


@pytest.mark.parametrize(
    ("line", "as_is"),
    [
        ("S1\tTP53\tc.1A>G\t0.5", True),
        ("S1\tTP53\t-1.2", False),  # a negative number: re-encoded, unchanged
        ("S1\t'=EVIL()", False),
        ("=S1\tTP53", False),
        ("S1\ta\\tb", False),
        ("S1\tx\r", False),
        ("S1\t@x", False),
        ("", True),
    ],
)
def test_which_lines_are_copied_as_written(line, as_is):
    assert written_as_is(line) is as_is


def test_combined_tables_are_the_cells_decoded_and_written_again(tmp_path):
    """Lines are copied only where decoding and encoding them again is the identity: hostile
    cells, short rows, a sample with an extra column and a therapy table with its own sample
    column give the bytes write_tsv gives for the decoded rows."""
    alt_columns = ["sample", "gene", "hgvsc", "vaf", "oncogenicity"]
    alt_rows = {
        "S1": [
            {"sample": "S1", "gene": "TP53", "hgvsc": "c.1A>G", "vaf": 0.5, "oncogenicity": "Oncogenic"},
            {"sample": "S1", "gene": "=EVIL()", "hgvsc": "a\tb\\c\r", "vaf": -1.5},
            {"sample": "S1", "gene": "'quoted", "hgvsc": "@x", "oncogenicity": "Likely oncogenic"},
        ],
        "S2": [{"sample": "S2", "gene": "RB1", "hgvsc": "+1", "vaf": 1, "extra": "-x"}],
    }  # fmt: skip
    paths = {}
    for sample in ("S1", "S2"):
        alt = tmp_path / f"{sample}.alt.tsv"
        columns = alt_columns + (["extra"] if sample == "S2" else [])
        write_tsv(alt, alt_rows[sample], columns)
        ther = tmp_path / f"{sample}.ther.tsv"
        ther_columns = ["therapy", "amp_tier"] + (["sample"] if sample == "S2" else [])
        write_tsv(ther, [{"therapy": "-drug", "amp_tier": "II-C", "sample": "x"}], ther_columns)
        bio = tmp_path / f"{sample}.bio.json"
        write_json(bio, {"sample": sample})
        paths[sample] = (alt, bio, ther)
    with open(paths["S1"][0], "a", encoding="utf-8") as handle:
        handle.write("S1\tMYC\n")  # a short row
    out = {k: tmp_path / f"cohort.{k}.tsv" for k in ("alt", "bio", "ther")}
    samples = ["S2", "S1"]
    combine_tables(
        samples,
        *([paths[s][i] for s in samples] for i in range(3)),
        {},
        out["alt"],
        out["bio"],
        out["ther"],
    )
    alt_columns_out = [*ALTERATION_COLUMNS, "extra"]
    expected = tmp_path / "expected.tsv"
    write_tsv(
        expected,
        _combined_the_slow_way([(s, paths[s][0]) for s in samples], False),
        alt_columns_out,
    )
    assert out["alt"].read_bytes() == expected.read_bytes()
    therapy_columns = ["sample", *THERAPY_COLUMNS]
    write_tsv(
        expected,
        _combined_the_slow_way([(s, paths[s][2]) for s in samples], True),
        therapy_columns,
    )
    assert out["ther"].read_bytes() == expected.read_bytes()
    assert "S2\t'-drug\t\tII-C" in out["ther"].read_text()
    biomarkers = read_tsv(out["bio"])[1]
    assert [(b["sample"], b["n_alterations"], b["n_oncogenic"]) for b in biomarkers] == [
        ("S2", "1", "0"),
        ("S1", "4", "2"),
    ]
