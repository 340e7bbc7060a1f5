"""Fusion reader: Arriba, STAR-Fusion, simple tables, merging, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from nenprofile.errors import InputError
from nenprofile.ingest.fusions import arriba_gene, merge_fusions, read_fusions
from nenprofile.model import Fusion

DATA = Path(__file__).parents[1] / "data" / "fusions"
ARRIBA = DATA / "arriba.fusions.tsv"
STAR_FUSION = DATA / "star-fusion.fusion_predictions.abridged.coding_effect.tsv"


def summary(fusions: list[Fusion]) -> list[tuple]:
    return [(f.name, f.supporting_reads, f.in_frame, f.caller) for f in fusions]


def test_arriba_pairs_reads_frames_and_low_confidence_skipped():
    assert summary(read_fusions(ARRIBA)) == [
        ("TPM3::NTRK1", 25, True, "Arriba"),  # 12 + 8 split reads + 5 discordant mates
        ("CCDC6::RET", 14, True, "Arriba"),  # two rows merged: max reads, in frame if any
        ("KIF5B::RET", 12, None, "Arriba"),  # reading_frame '.'
        ("AC007422.1::ALK", 6, None, "Arriba"),  # intergenic: closest gene (3000 bp)
    ]


def test_arriba_keep_low_includes_low_confidence_rows():
    fusions = read_fusions(ARRIBA, keep_low=True)
    assert ("EWSR1::FLI1", 2, False, "Arriba") in summary(fusions)
    assert len(fusions) == 5


def test_star_fusion_pairs_reads_and_frames():
    assert summary(read_fusions(STAR_FUSION)) == [
        ("TPM3::NTRK1", 26, True, "STAR-Fusion"),
        ("KIF5B::RET", 13, False, "STAR-Fusion"),
        ("CCDC6::RET", 15, None, "STAR-Fusion"),
    ]


def test_star_fusion_without_coding_effect_and_without_gene_columns(tmp_path):
    path = tmp_path / "star-fusion.fusion_predictions.tsv"
    path.write_text(
        "#FusionName\tJunctionReadCount\tSpanningFragCount\tSpliceType\n"
        "TPM3--NTRK1\t3\t2\tONLY_REF_SPLICE\n"
    )
    assert summary(read_fusions(path)) == [("TPM3::NTRK1", 5, None, "STAR-Fusion")]


def test_simple_table():
    fusions = read_fusions(DATA / "simple_fusions.tsv")
    assert summary(fusions) == [
        ("EML4::ALK", 30, True, "table"),
        ("NAB2::STAT6", None, None, "table"),
    ]
    assert (fusions[0].gene5, fusions[0].gene3) == ("EML4", "ALK")


@pytest.mark.parametrize(
    ("text", "gene"),
    [
        ("TPM3", "TPM3"),
        ("LINC00486(12000),AC007422.1(3000)", "AC007422.1"),
        ("GENEA(10),GENEB(10)", "GENEA"),
        ("GENEA(500)", "GENEA"),
    ],
)
def test_arriba_gene_names(text, gene):
    assert arriba_gene(text) == gene


def test_merge_keeps_largest_support_and_any_in_frame():
    merged = merge_fusions(
        [
            Fusion("A", "B", 3, "x", False),
            Fusion("A", "B", 10, "x", None),
            Fusion("A", "B", 1, "x", True),
            Fusion("A", "B", 4, "y", None),
        ]
    )
    assert summary(merged) == [("A::B", 10, True, "x"), ("A::B", 4, None, "y")]


def test_header_only_gives_no_fusions(tmp_path):
    path = tmp_path / "fusions.tsv"
    path.write_text(ARRIBA.read_text().splitlines()[0] + "\n")
    assert read_fusions(path) == []


def test_unknown_format_lists_accepted_formats(tmp_path):
    path = tmp_path / "fusions.tsv"
    path.write_text("left\tright\nA\tB\n")
    with pytest.raises(InputError) as error:
        read_fusions(path)
    message = str(error.value)
    assert "fusion format not recognised from the header (left, right)" in message
    assert "Arriba fusions.tsv" in message
    assert "STAR-Fusion fusion_predictions.tsv" in message
    assert "simple table (gene5, gene3" in message


def test_non_numeric_read_count_names_line_and_column(tmp_path):
    path = tmp_path / "star.tsv"
    path.write_text(
        "#FusionName\tJunctionReadCount\tSpanningFragCount\n"
        "TPM3--NTRK1\t3\t2\n"
        "KIF5B--RET\tmany\t2\n"
    )
    with pytest.raises(InputError) as error:
        read_fusions(path)
    assert (error.value.line, error.value.column) == (3, "JunctionReadCount")
    assert "expected a read count, found 'many'" in str(error.value)


def test_empty_partner_gene_is_an_error(tmp_path):
    path = tmp_path / "simple.tsv"
    path.write_text("gene5\tgene3\nEML4\t\n")
    with pytest.raises(InputError) as error:
        read_fusions(path)
    assert (error.value.line, error.value.column) == (2, "gene3")


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="fusion file not found"):
        read_fusions(tmp_path / "absent.tsv")
