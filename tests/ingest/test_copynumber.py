"""Copy-number reader: format detection, call rules, segment-to-gene mapping, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from nenprofile.errors import InputError
from nenprofile.ingest.copynumber import (
    CopyNumberThresholds,
    Segment,
    read_copy_number,
    segment_chrom,
    segments_to_genes,
)
from nenprofile.reference.genes import GeneIndex

DATA = Path(__file__).parents[1] / "data" / "cna"

TINY_INDEX = GeneIndex(
    build="GRCh38",
    spans={
        "GENEA": ("chr1", 100, 200),
        "GENEB": ("chr1", 150, 400),
        "GENEC": ("chr2", 1000, 2000),
        "GENED": ("chr3", 10, 20),
        "GENEX": ("chrX", 50, 60),
        "GENEY": ("chr4", 1, 10),  # no segment covers it
    },
)


def calls_of(records) -> dict[str, str]:
    return {r.gene: r.call for r in records}


def by_gene(records) -> dict:
    return {r.gene: r for r in records}


def write(tmp_path: Path, text: str, name: str = "cna.tsv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


# --- call rules -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("copy_number", "ploidy", "call"),
    [
        (0.0, 2.0, "DEEPDEL"),
        (0.49, 2.0, "DEEPDEL"),
        (0.5, 2.0, "HETLOSS"),
        (1.0, 2.0, "HETLOSS"),
        (2.0, 2.0, "NEUTRAL"),
        (3.0, 2.0, "GAIN"),
        (5.9, 2.0, "GAIN"),
        (6.0, 2.0, "AMP"),
        (8.0, 3.0, "GAIN"),  # AMP at ploidy 3 needs 6 * 3 / 2 = 9 copies
        (9.0, 3.0, "AMP"),
        (2.0, 3.0, "HETLOSS"),
        (3.0, 3.0, "NEUTRAL"),
    ],
)
def test_absolute_copy_number_rule(copy_number, ploidy, call):
    assert CopyNumberThresholds().call_copy_number(copy_number, ploidy) == call


@pytest.mark.parametrize(
    ("log2", "call"),
    [
        (1.0, "AMP"),
        (0.99, "GAIN"),
        (0.3, "GAIN"),
        (0.29, "NEUTRAL"),
        (-0.29, "NEUTRAL"),
        (-0.3, "HETLOSS"),
        (-1.19, "HETLOSS"),
        (-1.2, "DEEPDEL"),
    ],
)
def test_log2_rule(log2, call):
    assert CopyNumberThresholds().call_log2(log2) == call


# --- gene-level tables ------------------------------------------------------------------


def test_gene_table_with_absolute_copy_number_and_minor_copy_number():
    records = read_copy_number(DATA / "gene_copy_number.tsv", build="GRCh38")
    assert calls_of(records) == {
        "MYC": "AMP",
        "ERBB2": "AMP",
        "CCND1": "GAIN",
        "TP53": "HETLOSS",
        "CDKN2A": "DEEPDEL",
        "RB1": "NEUTRAL",
        "MEN1": "NEUTRAL",
    }  # PTEN is NA: no call
    genes = by_gene(records)
    assert genes["RB1"].loh is True  # copy-neutral LOH
    assert genes["TP53"].loh is True
    assert genes["CDKN2A"].loh is False  # nothing left, so no LOH
    assert genes["MEN1"].loh is False
    assert genes["MYC"].copy_number == 12.0
    assert genes["MYC"].minor_copy_number == 2.0
    assert genes["MYC"].source == "gene table (copy number)"


def test_gene_table_calls_scale_with_ploidy_and_thresholds():
    at_ploidy_3 = read_copy_number(DATA / "gene_copy_number.tsv", build="GRCh38", ploidy=3.0)
    assert calls_of(at_ploidy_3)["ERBB2"] == "GAIN"
    assert calls_of(at_ploidy_3)["CCND1"] == "NEUTRAL"
    assert calls_of(at_ploidy_3)["RB1"] == "HETLOSS"
    strict = read_copy_number(
        DATA / "gene_copy_number.tsv",
        build="GRCh38",
        thresholds=CopyNumberThresholds(amp_copies=8),
    )
    assert calls_of(strict)["ERBB2"] == "GAIN"
    assert calls_of(strict)["MYC"] == "AMP"


def test_gene_table_with_log2_ratios():
    records = read_copy_number(DATA / "gene_log2.tsv", build="GRCh37")
    assert calls_of(records) == {
        "MYC": "AMP",
        "ERBB2": "AMP",
        "KRAS": "GAIN",
        "CCNE1": "GAIN",
        "ATRX": "NEUTRAL",
        "PTEN": "HETLOSS",
        "TP53": "HETLOSS",
        "SMAD4": "DEEPDEL",
        "CDKN2A": "DEEPDEL",
    }
    assert by_gene(records)["MYC"].log2_ratio == 1.6
    assert by_gene(records)["MYC"].copy_number is None


def test_gene_table_with_call_words():
    records = read_copy_number(DATA / "gene_calls.tsv", build="GRCh38")
    assert calls_of(records) == {
        "MYCN": "AMP",
        "RICTOR": "GAIN",
        "DAXX": "NEUTRAL",
        "TP53": "HETLOSS",
        "MEN1": "HETLOSS",
        "RB1": "DEEPDEL",
        "PTEN": "DEEPDEL",
        "CDKN2A": "DEEPDEL",
        "BRCA2": "DEEPDEL",
    }


def test_explicit_call_wins_over_numbers_and_first_duplicate_row_is_kept(tmp_path):
    path = write(tmp_path, "Hugo_Symbol\tCN\tcall\nMYC\t3\tAMP\nMYC\t0\tDEEPDEL\n")
    [record] = read_copy_number(path, build="GRCh38")
    assert (record.gene, record.call, record.copy_number) == ("MYC", "AMP", 3.0)


# --- cBioPortal discrete ----------------------------------------------------------------


def test_cbioportal_discrete_picks_the_sample_column():
    nen01 = read_copy_number(DATA / "cbioportal_data_CNA.txt", build="GRCh37", sample="NEN01")
    assert calls_of(nen01) == {
        "MYC": "AMP",
        "TP53": "HETLOSS",
        "RB1": "DEEPDEL",
        "CCNE1": "GAIN",
        "PTEN": "NEUTRAL",
    }
    assert nen01[0].source == "cBioPortal discrete"
    nen02 = read_copy_number(DATA / "cbioportal_data_CNA.txt", build="GRCh37", sample="NEN02")
    assert calls_of(nen02) == {
        "MYC": "NEUTRAL",
        "TP53": "HETLOSS",
        "RB1": "NEUTRAL",
        "PTEN": "DEEPDEL",
    }  # CCNE1 is NA


def test_cbioportal_discrete_needs_a_sample_when_several_columns():
    with pytest.raises(InputError) as error:
        read_copy_number(DATA / "cbioportal_data_CNA.txt", build="GRCh37")
    assert "cannot tell which sample column to use; found: NEN01, NEN02" in str(error.value)
    with pytest.raises(InputError, match="'NEN09' is not among them; found: NEN01, NEN02"):
        read_copy_number(DATA / "cbioportal_data_CNA.txt", build="GRCh37", sample="NEN09")


def test_cbioportal_discrete_single_column_is_taken(tmp_path):
    path = write(tmp_path, "Hugo_Symbol\tTUMOR_X\nMYC\t2\nRB1\t-1.5\n")
    assert calls_of(read_copy_number(path, build="GRCh38", sample="other")) == {
        "MYC": "AMP",
        "RB1": "DEEPDEL",
    }


def test_cbioportal_discrete_rejects_values_outside_minus2_to_2(tmp_path):
    path = write(tmp_path, "Hugo_Symbol\tS1\nMYC\t2\nRB1\t3\n")
    with pytest.raises(InputError) as error:
        read_copy_number(path, build="GRCh38")
    assert (error.value.line, error.value.column) == (3, "S1")


# --- segments ---------------------------------------------------------------------------


def test_seg_file_maps_segments_to_genes_by_largest_overlap():
    records = read_copy_number(
        DATA / "two_samples.seg", build="GRCh38", genes=TINY_INDEX, sample="S1"
    )
    # GENEA (100-200): 81 bp in seg.mean 1.5, 20 bp in -0.5 -> AMP
    # GENEB (150-400): 31 bp in 1.5, 220 bp in -0.5 -> HETLOSS; chrom 23 -> chrX
    assert calls_of(records) == {
        "GENEA": "AMP",
        "GENEB": "HETLOSS",
        "GENEC": "DEEPDEL",
        "GENEX": "GAIN",
    }
    assert by_gene(records)["GENEA"].log2_ratio == 1.5
    assert records[0].source == "segments (log2)"
    other = read_copy_number(
        DATA / "two_samples.seg", build="GRCh38", genes=TINY_INDEX, sample="S2"
    )
    assert calls_of(other) == {"GENEA": "NEUTRAL", "GENEB": "NEUTRAL"}


def test_seg_file_with_several_ids_needs_a_sample():
    with pytest.raises(InputError, match="cannot tell which ID value to use; found: S1, S2"):
        read_copy_number(DATA / "two_samples.seg", build="GRCh38", genes=TINY_INDEX)


def test_allele_specific_segments_give_total_copy_number_and_loh():
    records = by_gene(
        read_copy_number(DATA / "allele_specific.tsv", build="GRCh38", genes=TINY_INDEX)
    )
    assert {g: r.call for g, r in records.items()} == {
        "GENEA": "AMP",  # 5 + 2 = 7 copies over 81 of its 101 bp
        "GENEB": "HETLOSS",
        "GENEC": "NEUTRAL",
        "GENED": "DEEPDEL",
    }
    assert (records["GENEA"].copy_number, records["GENEA"].loh) == (7.0, False)
    assert (records["GENEB"].copy_number, records["GENEB"].loh) == (1.0, True)
    assert (records["GENEC"].copy_number, records["GENEC"].loh) == (2.0, True)
    assert (records["GENED"].copy_number, records["GENED"].loh) == (0.0, False)
    assert records["GENEA"].source == "allele-specific segments"


def test_segments_to_genes_directly():
    segments = [Segment("chr2", 1, 1500, copy_number=4.0), Segment("chr2", 1501, 3000, 1.0)]
    [record] = segments_to_genes(segments, TINY_INDEX, ploidy=2.0)
    assert (record.gene, record.call, record.copy_number) == ("GENEC", "GAIN", 4.0)


def test_segment_chrom_names():
    assert [segment_chrom(c) for c in ("1", "chr7", "23", "24", "x", "MT")] == [
        "chr1",
        "chr7",
        "chrX",
        "chrY",
        "chrX",
        "chrM",
    ]


def test_pcgr_brca_grch38_segments(shared_data):
    path = shared_data / "vcf" / "pcgr_T001-BRCA.grch38.cna.tsv"
    records = by_gene(read_copy_number(path, build="GRCh38"))
    # 17:39600010-40000000 nMajor 8 nMinor 1 covers all of ERBB2 (39700079-39728662)
    assert (records["ERBB2"].call, records["ERBB2"].copy_number) == ("AMP", 9.0)
    # 17:2045307-8701177 nMajor 2 nMinor 0: copy-neutral LOH over TP53
    assert (records["TP53"].call, records["TP53"].loh) == ("NEUTRAL", True)
    # 1:114430211-116197573 nMajor 23 nMinor 1 over NRAS
    assert (records["NRAS"].call, records["NRAS"].copy_number) == ("AMP", 24.0)
    # 13:23995352-64765321 nMajor 1 nMinor 0 over RB1
    assert (records["RB1"].call, records["RB1"].loh) == ("HETLOSS", True)
    # YWHAE (1344271-1400378): 5289 bp in a 1-copy segment, 48798 bp in a 0-copy segment
    assert (records["YWHAE"].call, records["YWHAE"].loh) == ("DEEPDEL", False)
    # 9:57539-1530874 nMajor 0 nMinor 0 over DOCK8
    assert records["DOCK8"].call == "DEEPDEL"


def test_pcgr_coad_grch37_segments(shared_data):
    path = shared_data / "vcf" / "pcgr_T001-COAD.grch37.cna.tsv"
    records = by_gene(read_copy_number(path, build="GRCh37"))
    assert (records["ERBB2"].call, records["ERBB2"].copy_number) == ("AMP", 9.0)
    assert (records["TP53"].call, records["TP53"].loh) == ("NEUTRAL", True)
    assert (records["BRCA2"].call, records["BRCA2"].loh) == ("HETLOSS", True)
    assert (records["MYC"].call, records["MYC"].copy_number) == ("GAIN", 5.0)


# --- bad input --------------------------------------------------------------------------


def test_unknown_format_lists_accepted_headers(tmp_path):
    path = write(tmp_path, "foo\tbar\n1\t2\n")
    with pytest.raises(InputError) as error:
        read_copy_number(path, build="GRCh38")
    message = str(error.value)
    assert "copy-number format not recognised from the header (foo, bar)" in message
    assert "SEG: ID, chrom, loc.start, loc.end, num.mark, seg.mean" in message
    assert "Chromosome, Start, End, nMajor, nMinor" in message


def test_non_numeric_copy_number_names_line_and_column(tmp_path):
    path = write(tmp_path, "gene\tcopy_number\nMYC\t8\nRB1\tlots\n")
    with pytest.raises(InputError) as error:
        read_copy_number(path, build="GRCh38")
    assert (error.value.line, error.value.column) == (3, "copy_number")
    assert "expected a number, found 'lots'" in str(error.value)


def test_non_numeric_segment_position_names_line_and_column(tmp_path):
    path = write(tmp_path, "Chromosome\tStart\tEnd\tnMajor\tnMinor\n1\t1\tten\t1\t1\n")
    with pytest.raises(InputError) as error:
        read_copy_number(path, build="GRCh38", genes=TINY_INDEX)
    assert (error.value.line, error.value.column) == (2, "End")


def test_unknown_call_word(tmp_path):
    path = write(tmp_path, "gene\tcall\nMYC\tvery high\n")
    with pytest.raises(InputError) as error:
        read_copy_number(path, build="GRCh38")
    assert "unknown copy-number call 'very high'" in str(error.value)
    assert (error.value.line, error.value.column) == (2, "call")


def test_segment_end_before_start(tmp_path):
    path = write(tmp_path, "Chromosome\tStart\tEnd\tnMajor\tnMinor\n1\t500\t100\t1\t1\n")
    with pytest.raises(InputError, match="segment end 100 is before start 500"):
        read_copy_number(path, build="GRCh38", genes=TINY_INDEX)


def test_non_positive_ploidy(tmp_path):
    with pytest.raises(InputError, match="ploidy must be positive"):
        read_copy_number(DATA / "gene_copy_number.tsv", build="GRCh38", ploidy=0)
