"""A cohort MAF split once into per-sample parts: each part reads as the sample's rows of the
cohort MAF did, errors name the cohort MAF and its line, and what no sample claims is told."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from nenprofile.errors import InputError
from nenprofile.ingest.variants import maf_split, read_variants
from nenprofile.ingest.variants.maf import read_maf
from nenprofile.ingest.variants.maf_split import MafPart, split_maf

HEADER = (
    "Hugo_Symbol\tNCBI_Build\tChromosome\tStart_Position\tReference_Allele\tTumor_Seq_Allele2\t"
    "Variant_Classification\tTumor_Sample_Barcode\tHGVSp_Short\tt_alt_count\tt_depth\n"
)
ROWS = (
    "TP53\t37\t17\t7577120\tC\tT\tMissense_Mutation\tS1\tp.R273H\t20\t50",
    "DAXX\t37\t6\t33287000\tC\tT\tNonsense_Mutation\tS2\tp.Q334*\t10\t40",
    "MEN1\t37\t11\t64575500\tGC\t-\tFrame_Shift_Del\tS1\tp.R171fs\t15\t30",
    "KRAS\t37\t12\t25398284\tC\tT\tMissense_Mutation\tLOST-7\tp.G12D\t5\t50",
    "ATRX\t37\tX\t76937700\t-\tT\tFrame_Shift_Ins\tS1\tp.K1334fs\t8\t40",
    "KRAS\t37\t12\t25398285\tC\tA\tMissense_Mutation\tLOST-7\tp.G12C\t5\t50",
)


def write_cohort(tmp_path: Path, rows=ROWS, name: str = "cohort.maf") -> Path:
    path = tmp_path / name
    path.write_text("#version 2.4\n" + HEADER + "".join(r + "\n" for r in rows))
    return path


def split(tmp_path: Path, maf: Path, barcodes: dict[str, str]) -> dict[str, Path]:
    parts = {s: tmp_path / "parts" / f"{s}.maf" for s in barcodes}
    split_maf(maf, parts, barcodes)
    return parts


def calls(result) -> list[tuple[str | None, str | None]]:
    return [(v.gene, v.hgvsp) for v in result.variants]


def test_each_part_reads_as_the_samples_rows_of_the_cohort_maf(tmp_path):
    maf = write_cohort(tmp_path)
    parts = split(tmp_path, maf, {"S1": "S1", "S2": "S2", "S3": "S3"})
    direct = read_maf(maf, sample="S1", build="GRCh37")
    from_part = read_variants(str(parts["S1"]), file_format="maf", build="GRCh37")
    assert (
        calls(from_part)
        == calls(direct)
        == [
            ("TP53", "p.R273H"),
            ("MEN1", "p.R171fs"),
            ("ATRX", "p.K1334fs"),
        ]
    )
    assert [v.extra["maf_line"] for v in from_part.variants] == [3, 5, 7]  # cohort MAF lines
    assert from_part.source == str(maf)
    counts = from_part.counts
    assert (counts["records_read"], counts["cohort_maf_rows"]) == (3, 6)
    assert (counts["other_samples_skipped"], counts["unmatched_barcode_rows"]) == (1, 2)
    assert counts["unmatched_barcodes"] == 1
    assert from_part.cohort_maf == {
        "source": str(maf),
        "barcode": "S1",
        "rows": 3,
        "source_rows": 6,
        "unmatched_rows": 2,
        "unmatched_barcodes": ["LOST-7"],
        "n_unmatched_barcodes": 1,
        "samples_without_rows": 1,
    }
    assert from_part.warnings == [
        f"cohort MAF {maf}: 3 row(s) read for 'S1'; 2 row(s) of the MAF carry a barcode that "
        "no sheet row names (LOST-7); check that no sample of this cohort is named "
        "differently there"
    ]


def test_a_sheet_sample_without_rows_gets_an_empty_part_and_a_warning(tmp_path):
    maf = write_cohort(tmp_path)
    parts = split(tmp_path, maf, {"S1": "S1", "S3": "S3"})
    result = read_variants(str(parts["S3"]), file_format="maf", build="GRCh37")
    assert result.variants == []
    assert result.sample == "S3"
    assert result.counts["records_read"] == 0
    assert result.counts["unmatched_barcode_rows"] == 3  # S2's row and LOST-7's two
    assert result.warnings == [
        f"the cohort MAF {maf} has no row for Tumor_Sample_Barcode 'S3': this report shows no "
        "small variants because the MAF lists none for this sample, not because sequencing "
        "found none; 3 row(s) of the MAF carry a barcode that no sheet row names (S2, "
        "LOST-7). Fix: check the barcode (sample id, or tumor_sample in the sheet), and that "
        "the sample was sequenced and called"
    ]
    mark = MafPart.of_file(parts["S3"])
    assert mark is not None and (mark.rows, mark.samples_without_rows) == (0, 1)
    assert parts["S3"].read_text().splitlines()[0].startswith("nenprofile_source_line\t")


def test_no_sample_of_the_sheet_in_the_maf_is_an_input_error(tmp_path):
    maf = write_cohort(tmp_path)
    with pytest.raises(InputError) as error:
        split(tmp_path, maf, {"A": "A", "B": "B"})
    assert str(error.value) == (
        f"{maf}, column 'Tumor_Sample_Barcode': none of the 2 sample(s) that read this MAF has "
        "a row in it: no Tumor_Sample_Barcode equals a sheet sample id or tumor_sample; "
        "barcodes present: S1, S2, LOST-7 Fix: name the samples in the sheet as the MAF does, "
        "or set tumor_sample to the MAF's barcode"
    )


def test_a_bad_row_read_from_a_part_names_the_cohort_maf_and_its_line(tmp_path):
    rows = (*ROWS[:4], "ATRX\t37\tX\t76937700\t-\tT\tFrame_Shift_Ins\tS1\tp.K1334fs\t80\t40")
    maf = write_cohort(tmp_path, rows)
    parts = split(tmp_path, maf, {"S1": "S1", "S2": "S2"})
    with pytest.raises(InputError) as error:
        read_variants(str(parts["S1"]), file_format="maf", build="GRCh37")
    assert str(error.value) == (
        f"{maf}, line 7, column 't_alt_count': t_alt_count 80 is above the depth 40 "
        "Fix: check the read-count columns (t_alt_count, t_ref_count, t_depth)"
    )


def test_tumor_sample_barcodes_shared_barcodes_and_gzip(tmp_path):
    maf = tmp_path / "cohort.maf.gz"
    with gzip.open(maf, "wt") as handle:
        handle.write(write_cohort(tmp_path).read_text())
    # sheet sample T1 reads barcode S1 (tumor_sample); two rows read the same barcode S2
    parts = split(tmp_path, maf, {"T1": "S1", "T2a": "S2", "T2b": "S2"})
    read = {s: read_variants(str(p), file_format="maf", build="GRCh37") for s, p in parts.items()}
    assert [len(r.variants) for r in read.values()] == [3, 1, 1]
    assert calls(read["T2a"]) == calls(read["T2b"]) == [("DAXX", "p.Q334*")]
    assert read["T1"].sample == "S1"


def test_with_too_few_open_files_rows_are_buffered_and_the_parts_are_the_same(
    tmp_path, monkeypatch
):
    maf = write_cohort(tmp_path, ROWS * 4)
    barcodes = {"S1": "S1", "S2": "S2", "S3": "S3"}
    open_parts = split(tmp_path / "open", maf, barcodes)
    monkeypatch.setattr(maf_split, "can_open_at_once", lambda count: False)
    monkeypatch.setattr(maf_split, "FLUSH_BYTES", 100)  # a flush every two rows or so
    parts = split(tmp_path / "buffered", maf, barcodes)
    assert {s: p.read_bytes() for s, p in parts.items()} == {
        s: p.read_bytes() for s, p in open_parts.items()
    }
    s1 = parts["S1"].read_text().splitlines()
    assert s1[0].startswith("nenprofile_source_line\tHugo_Symbol\t")
    assert [line.split("\t", 1)[0] for line in s1[1:-1]] == [
        str(n) for n in (3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25)
    ]
    assert MafPart.from_line(s1[-1]) == MafPart.of_file(parts["S1"])


def test_a_cohort_maf_without_barcode_column_is_refused(tmp_path):
    maf = tmp_path / "bad.maf"
    maf.write_text("Hugo_Symbol\tChromosome\nTP53\t17\n")
    with pytest.raises(InputError, match=r"missing required column.*Tumor_Sample_Barcode"):
        split(tmp_path, maf, {"S1": "S1", "S2": "S2"})


def test_a_sample_row_that_is_not_utf8_names_the_cohort_maf_line(tmp_path):
    maf = write_cohort(tmp_path)
    maf.write_bytes(maf.read_bytes().replace(b"p.R171fs", b"p.R171\xe9fs"))
    with pytest.raises(InputError) as error:
        split(tmp_path, maf, {"S1": "S1"})
    assert str(error.value).startswith(
        f"{maf}, line 5: the line is not UTF-8 text (byte 0xe9 at character "
    )
