"""Fusion reader: Arriba, STAR-Fusion, simple tables, merging, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from nenprofile.errors import InputError
from nenprofile.ingest.fusions import (
    FusionEvidence,
    arriba_gene,
    fusion_layout,
    merge_fusions,
    met_junction_exons,
    read_fusion_file,
    read_fusions,
)
from nenprofile.model import Fusion
from nenprofile.report.data import input_files
from nenprofile.settings import Settings

DATA = Path(__file__).parents[1] / "data" / "fusions"
ARRIBA = DATA / "arriba.fusions.tsv"
STAR_FUSION = DATA / "star-fusion.fusion_predictions.abridged.coding_effect.tsv"
# the schema defaults (workflow/schemas/config.schema.yaml, fusions)
EVIDENCE = FusionEvidence(2, 1, ("high", "medium", "reported"))


def summary(fusions: list[Fusion]) -> list[tuple]:
    return [(f.name, f.supporting_reads, f.in_frame, f.caller) for f in fusions]


def test_arriba_pairs_reads_frames_and_low_confidence_skipped():
    assert summary(read_fusions(ARRIBA, evidence=EVIDENCE)) == [
        ("TPM3::NTRK1", 25, True, "Arriba"),  # 12 + 8 split reads + 5 discordant mates
        ("CCDC6::RET", 14, True, "Arriba"),  # two rows merged: max reads, in frame if any
        ("KIF5B::RET", 12, None, "Arriba"),  # reading_frame '.'
        ("AC007422.1::ALK", 6, None, "Arriba"),  # intergenic: closest gene (3000 bp)
    ]


def test_arriba_keep_low_includes_low_confidence_rows():
    fusions = read_fusions(ARRIBA, keep_low=True, evidence=EVIDENCE)
    assert ("EWSR1::FLI1", 2, False, "Arriba") in summary(fusions)
    assert len(fusions) == 5


def test_star_fusion_pairs_reads_and_frames():
    assert summary(read_fusions(STAR_FUSION, evidence=EVIDENCE)) == [
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
    assert summary(read_fusions(path, evidence=EVIDENCE)) == [
        ("TPM3::NTRK1", 5, None, "STAR-Fusion")
    ]


def test_simple_table():
    fusions = read_fusions(DATA / "simple_fusions.tsv", evidence=EVIDENCE)
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
    assert read_fusions(path, evidence=EVIDENCE) == []


def test_unknown_format_lists_accepted_formats(tmp_path):
    path = tmp_path / "fusions.tsv"
    path.write_text("left\tright\nA\tB\n")
    with pytest.raises(InputError) as error:
        read_fusions(path, evidence=EVIDENCE)
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
        read_fusions(path, evidence=EVIDENCE)
    assert (error.value.line, error.value.column) == (3, "JunctionReadCount")
    assert "expected a read count, found 'many'" in str(error.value)


def test_empty_partner_gene_is_an_error(tmp_path):
    path = tmp_path / "simple.tsv"
    path.write_text("gene5\tgene3\nEML4\t\n")
    with pytest.raises(InputError) as error:
        read_fusions(path, evidence=EVIDENCE)
    assert (error.value.line, error.value.column) == (2, "gene3")


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="fusion file not found"):
        read_fusions(tmp_path / "absent.tsv", evidence=EVIDENCE)


def support(fusions: list[Fusion]) -> list[tuple]:
    return [(f.name, f.supporting_reads, f.split_reads, f.support, f.support_note) for f in fusions]


def test_star_fusion_read_thresholds_decide_support(tmp_path):
    path = tmp_path / "star-fusion.fusion_predictions.tsv"
    path.write_text(
        "#FusionName\tJunctionReadCount\tSpanningFragCount\n"
        "TPM3--NTRK1\t1\t1\n"
        "ETV6--NTRK3\t0\t3\n"
        "KIF5B--RET\t1\t0\n"
        "EML4--ALK\t0\t0\n"
    )
    assert support(read_fusions(path, evidence=EVIDENCE)) == [
        ("TPM3::NTRK1", 2, 1, "supported", "2 supporting reads, 1 split"),
        (
            "ETV6::NTRK3",
            3,
            0,
            "low-support",
            "3 supporting reads, 0 split (needs >= 2 with >= 1 split)",
        ),
        (
            "KIF5B::RET",
            1,
            1,
            "low-support",
            "1 supporting reads, 1 split (needs >= 2 with >= 1 split)",
        ),
        (
            "EML4::ALK",
            0,
            0,
            "low-support",
            "0 supporting reads, 0 split (needs >= 2 with >= 1 split)",
        ),
    ]


def test_thresholds_come_from_the_evidence_settings(tmp_path):
    path = tmp_path / "star-fusion.fusion_predictions.tsv"
    path.write_text("#FusionName\tJunctionReadCount\tSpanningFragCount\nTPM3--NTRK1\t4\t4\n")
    strict = FusionEvidence(10, 5, ())
    assert support(read_fusions(path, evidence=strict)) == [
        (
            "TPM3::NTRK1",
            8,
            4,
            "low-support",
            "8 supporting reads, 4 split (needs >= 10 with >= 5 split)",
        )
    ]
    fusions = {"min_supporting_reads": 8, "min_split_reads": 4, "trusted_confidence": ["High"]}
    evidence = FusionEvidence.from_settings(Settings.from_partial({"fusions": fusions}))
    assert evidence == FusionEvidence(8, 4, ("high",))
    assert read_fusions(path, evidence=evidence)[0].support == "supported"
    assert FusionEvidence.from_settings(Settings.defaults()) == EVIDENCE


def test_arriba_confidence_and_disclosure():
    result = read_fusion_file(ARRIBA, evidence=EVIDENCE)
    assert support(result.fusions) == [
        ("TPM3::NTRK1", 25, 20, "supported", "Arriba confidence high"),
        ("CCDC6::RET", 14, 10, "supported", "Arriba confidence high"),
        ("KIF5B::RET", 12, 10, "supported", "Arriba confidence medium"),
        ("AC007422.1::ALK", 6, 5, "supported", "Arriba confidence medium"),
    ]
    assert result.disclosure == {
        "path": str(ARRIBA),
        "format": "Arriba",
        "rows": 6,
        "rows_used": 5,
        "skipped": {"Arriba confidence low": 1},
        "merged_rows": 1,
        "fusions": 4,
        "low_support": 0,
        "support_not_assessed": 0,
        "met_exon14_skipping": 0,
        "gene_names": {
            "renamed": 0,
            "renamed_examples": [],
            "ambiguous_kept": 0,
            "ambiguous_examples": [],
        },
    }


def test_arriba_low_confidence_kept_needs_the_read_thresholds():
    low = next(
        f for f in read_fusions(ARRIBA, keep_low=True, evidence=EVIDENCE) if f.gene3 == "FLI1"
    )
    # 1 + 0 split reads + 1 discordant mate: enough reads for the default thresholds
    assert (low.confidence, low.support, low.support_note) == (
        "low",
        "supported",
        "2 supporting reads, 1 split",
    )
    strict = FusionEvidence(3, 1, ("high", "medium"))
    low = next(f for f in read_fusions(ARRIBA, keep_low=True, evidence=strict) if f.gene3 == "FLI1")
    assert (low.support, low.support_note) == (
        "low-support",
        "Arriba confidence low; 2 supporting reads, 1 split (needs >= 3 with >= 1 split)",
    )


def test_simple_table_without_reads_is_not_assessed_and_zero_reads_is_low_support(tmp_path):
    assert support(read_fusions(DATA / "simple_fusions.tsv", evidence=EVIDENCE)) == [
        ("EML4::ALK", 30, None, "supported", "30 supporting reads"),
        ("NAB2::STAT6", None, None, "not assessed", "no read counts given"),
    ]
    path = tmp_path / "fusions.tsv"
    path.write_text("gene5\tgene3\tsupporting_reads\tsplit_reads\nETV6\tNTRK3\t0\t0\n")
    assert support(read_fusions(path, evidence=EVIDENCE)) == [
        (
            "ETV6::NTRK3",
            0,
            0,
            "low-support",
            "0 supporting reads, 0 split (needs >= 2 with >= 1 split)",
        )
    ]


def test_fusioncatcher_final_list():
    path = DATA / "fusioncatcher.final-list_candidate-fusion-genes.txt"
    fusions = read_fusions(path, evidence=EVIDENCE)
    assert summary(fusions) == [
        ("FGFR3::TACC3", 40, True, "FusionCatcher"),  # 31 spanning pairs + 9 unique reads
        ("ETV6::NTRK3", 3, True, "FusionCatcher"),
        ("CD74::NRG1", 6, None, "FusionCatcher"),  # CDS(truncated): frame not stated
    ]
    assert [f.support for f in fusions] == ["supported", "low-support", "supported"]


def test_linx_reported_is_the_caller_confidence():
    fusions = read_fusions(DATA / "sample.linx.fusion.tsv", evidence=EVIDENCE)
    assert support(fusions) == [
        ("EML4::ALK", None, None, "supported", "LINX confidence reported"),
        ("NCOA4::RET", None, None, "low-support", "LINX confidence unreported, no read counts"),
        ("PTEN::PTEN", None, None, "low-support", "LINX confidence unreported, no read counts"),
        ("MET::MET", None, None, "supported", "LINX confidence reported"),
    ]
    assert [f.in_frame for f in fusions] == [True, True, False, None]  # SKIPPED_EXONS: None
    assert [(f.exon5, f.exon3) for f in fusions] == [(13, 20), (7, 12), (5, 7), (13, 15)]


def test_jaffa_picks_the_sample_and_reads_confidence():
    path = DATA / "jaffa_results.csv"
    result = read_fusion_file(path, evidence=EVIDENCE, sample="T1")
    assert support(result.fusions) == [
        ("BCR::ABL1", 34, 11, "supported", "JAFFA confidence high"),
        (
            "KIF5B::RET",
            1,
            1,
            "low-support",
            "JAFFA confidence low; 1 supporting reads, 1 split (needs >= 2 with >= 1 split)",
        ),
    ]
    assert result.disclosure["skipped"] == {"rows of other samples": 1}
    with pytest.raises(InputError) as error:
        read_fusions(path, evidence=EVIDENCE)
    assert "the file holds 2 samples (T1, T2) and none was named" in str(error.value)
    assert error.value.column == "sample"


def test_cbioportal_sv_pairs_reads_and_skips():
    path = DATA / "cbioportal.data_sv.txt"
    result = read_fusion_file(path, evidence=EVIDENCE, sample="S1")
    assert support(result.fusions) == [
        ("CCDC6::RET", 9, 6, "supported", "9 supporting reads, 6 split"),
        (
            "TPM3::NTRK1",
            0,
            0,
            "low-support",
            "0 supporting reads, 0 split (needs >= 2 with >= 1 split)",
        ),
    ]
    assert result.fusions[0].in_frame is True
    assert result.disclosure["skipped"] == {
        "rows of other samples": 1,
        "structural variant with one gene (not a fusion)": 1,
    }


@pytest.mark.parametrize(
    ("name", "layout"),
    [
        ("arriba.fusions.tsv", "Arriba"),
        ("star-fusion.fusion_predictions.abridged.coding_effect.tsv", "STAR-Fusion"),
        ("fusioncatcher.final-list_candidate-fusion-genes.txt", "FusionCatcher"),
        ("sample.linx.fusion.tsv", "LINX"),
        ("jaffa_results.csv", "JAFFA"),
        ("cbioportal.data_sv.txt", "cBioPortal SV"),
        ("simple_fusions.tsv", "gene5/gene3 table"),
    ],
)
def test_discovery_layout_of_each_format(name, layout):
    assert fusion_layout(DATA / name) == layout


def test_met_exon_13_to_15_junctions_from_arriba_and_star_fusion():
    result = read_fusion_file(DATA / "arriba.met_exon14.fusions.tsv", evidence=EVIDENCE)
    arriba = result.fusions
    assert result.disclosure["met_exon14_skipping"] == 1
    assert input_files({"fusion_input": result.disclosure}) == [
        "Fusions: Arriba, 3 rows read, 3 fusions, 1 MET exon 13 to exon 15 junctions (exon 14 "
        "skipping)"
    ]
    # GRCh38: exon 13 end -> exon 15 start; exon 13 end -> inside exon 15; exon 14 -> exon 15
    assert [(f.name, f.exon5, f.exon3, f.supporting_reads) for f in arriba] == [
        ("MET::MET", 13, 15, 26),
        ("MET::MET", 13, None, 12),
        ("MET::MET", 14, 15, 11),
    ]
    star = read_fusions(DATA / "star-fusion.met_exon14.grch37.tsv", evidence=EVIDENCE)
    assert [(f.name, f.exon5, f.exon3, f.supporting_reads) for f in star] == [
        ("MET::MET", 13, 15, 15),  # GRCh37 chr7:116411708:+ -> chr7:116414935:+
        ("MET::MET", 14, 15, 10),
    ]


@pytest.mark.parametrize(
    ("genes", "breakpoints", "exons"),
    [
        (("MET", "MET"), ("7:116411708", "7:116414935"), (13, 15)),  # GRCh37, no chr
        (("MET", "MET"), ("chr7:116771654:+", "chr7:116774881:+"), (13, 15)),
        (("MET", "MET"), ("chr7:116771654", "chr7:116771849"), (13, 14)),  # normal splicing
        (("MET", "MET"), ("chr7:116411708", "chr7:116774881"), (13, None)),  # mixed builds
        (("MET", "MET"), ("chr8:116771654", "chr8:116774881"), (None, None)),
        (("MET", "CAV1"), ("chr7:116771654", "chr7:116774881"), (None, None)),
    ],
)
def test_met_junction_exons(genes, breakpoints, exons):
    assert met_junction_exons(*genes, *breakpoints) == exons
