"""MAF reader: sample selection, coordinates, classes, counts, build checks, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from nenprofile.errors import InputError
from nenprofile.ingest.variants.maf import (
    VARIANT_CLASSIFICATION_TO_CLASS,
    maf_alleles,
    maf_chrom,
    normalise_build,
    read_maf,
)
from nenprofile.model import VARIANT_CLASSES

DATA = Path(__file__).parents[1] / "data" / "maf"
MULTI = DATA / "multi_sample.maf"

HEADER = (
    "Hugo_Symbol\tNCBI_Build\tChromosome\tStart_Position\tEnd_Position\tReference_Allele\t"
    "Tumor_Seq_Allele1\tTumor_Seq_Allele2\tVariant_Classification\tTumor_Sample_Barcode\t"
    "t_alt_count\tt_ref_count\n"
)


def write_maf(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "input.maf"
    path.write_text(header + "".join(r + "\n" for r in rows))
    return path


def by_gene(result) -> dict:
    return {v.gene: v for v in result.variants}


def test_selects_rows_of_the_requested_sample_only():
    result = read_maf(MULTI, sample="NEN02", build="GRCh37")
    assert [v.gene for v in result.variants] == ["DAXX"]
    daxx = result.variants[0]
    assert (daxx.chrom, daxx.pos, daxx.ref, daxx.alt) == ("chr6", 33287000, "C", "T")
    assert daxx.variant_class == "nonsense"
    assert daxx.hgvsp == "p.Q334*"
    assert result.counts["other_samples_skipped"] == 6
    assert result.counts["records_read"] == 1


def test_fields_counts_and_metadata_of_one_sample():
    result = read_maf(MULTI, sample="NEN01")
    assert result.input_format == "MAF"
    assert result.annotation == "MAF"
    assert result.caller == "unknown"
    assert result.sample == "NEN01"
    assert result.build == "GRCh37"
    assert result.tumor_only is False  # Matched_Norm_Sample_Barcode is filled
    assert result.counts["records_read"] == 6
    assert result.counts["passed"] == 5
    assert result.counts["filtered"] == 1  # KMT2D FILTER common_variant
    assert [v.gene for v in result.variants] == ["TP53", "MEN1", "ATRX", "RB1", None]

    tp53 = by_gene(result)["TP53"]
    assert (tp53.chrom, tp53.pos, tp53.ref, tp53.alt) == ("chr17", 7577120, "C", "T")
    assert tp53.variant_class == "missense"
    assert tp53.hgvsp == "p.R273H"
    assert tp53.hgvsc == "c.818G>A"
    assert tp53.transcript == "ENST00000269305"
    assert tp53.depth == 100
    assert tp53.alt_reads == 40
    assert tp53.vaf == pytest.approx(0.4)
    assert tp53.annotation_source == "MAF"
    assert tp53.filter == "PASS"
    assert tp53.population_af is None
    assert tp53.is_snv


def test_deletion_keeps_start_position_and_empty_alt():
    men1 = by_gene(read_maf(MULTI, sample="NEN01"))["MEN1"]
    assert (men1.chrom, men1.pos, men1.ref, men1.alt) == ("chr11", 64575500, "GC", "")
    assert men1.variant_class == "frameshift"
    assert men1.is_indel and not men1.is_snv
    assert men1.extra["anchorless"] is True
    # no t_depth: depth = alt + ref = 40, VAF = 10 / 40
    assert men1.depth == 40
    assert men1.vaf == pytest.approx(0.25)


def test_insertion_keeps_start_position_and_empty_ref():
    atrx = by_gene(read_maf(MULTI, sample="NEN01"))["ATRX"]
    assert (atrx.chrom, atrx.pos, atrx.ref, atrx.alt) == ("chrX", 76937700, "", "T")
    assert atrx.variant_class == "frameshift"
    assert atrx.vaf == pytest.approx(0.1)


def test_silent_and_unrecognised_classification():
    result = read_maf(MULTI, sample="NEN01")
    rb1 = by_gene(result)["RB1"]
    assert rb1.variant_class == "synonymous"
    intergenic = result.variants[-1]
    assert intergenic.gene is None  # "Unknown" in TCGA MAFs
    assert intergenic.chrom == "chr5"
    assert intergenic.variant_class == "unknown"
    assert result.warnings == [
        "Variant_Classification value(s) not recognised, class set to 'unknown': Targeted_Region"
    ]


def test_pass_only_false_keeps_filtered_rows_with_their_filter():
    result = read_maf(MULTI, sample="NEN01", pass_only=False)
    kmt2d = by_gene(result)["KMT2D"]
    assert kmt2d.filter == "common_variant"
    assert kmt2d.population_af == pytest.approx(0.12)
    assert result.counts["passed"] == 6


def test_allowed_filters_min_vaf_and_min_depth_as_for_vcfs():
    result = read_maf(MULTI, sample="NEN01", allowed_filters=("common_variant",))
    assert by_gene(result)["KMT2D"].filter == "common_variant"
    assert result.counts["filtered"] == 0

    result = read_maf(MULTI, sample="NEN01", min_vaf=0.2, min_depth=45)
    assert sorted(by_gene(result)) == ["TP53"]  # MEN1 / no-gene: depth 40; ATRX, RB1: VAF 0.1
    assert result.counts["below_min_vaf"] == 2
    assert result.counts["below_min_depth"] == 2
    assert result.counts["passed"] == 5


def test_read_variants_forwards_filters_to_the_maf_reader():
    from nenprofile.ingest.variants import read_variants

    result = read_variants(str(MULTI), tumor_sample="NEN01", min_vaf=0.2)
    assert sorted(v.gene for v in result.variants if v.gene) == ["MEN1", "TP53"]
    assert result.counts["below_min_vaf"] == 2


def test_every_mapped_classification_is_a_model_class():
    assert set(VARIANT_CLASSIFICATION_TO_CLASS.values()) <= set(VARIANT_CLASSES)
    expected = {
        "Missense_Mutation": "missense",
        "Nonsense_Mutation": "nonsense",
        "Frame_Shift_Del": "frameshift",
        "Frame_Shift_Ins": "frameshift",
        "Splice_Site": "splice_site",
        "In_Frame_Del": "inframe_deletion",
        "In_Frame_Ins": "inframe_insertion",
        "Silent": "synonymous",
        "Translation_Start_Site": "start_lost",
        "Nonstop_Mutation": "stop_lost",
        "3'UTR": "utr",
        "5'UTR": "utr",
        "Intron": "intronic",
        "RNA": "noncoding",
        "lincRNA": "noncoding",
        "5'Flank": "upstream_downstream",
        "3'Flank": "upstream_downstream",
        "IGR": "intergenic",
        "Splice_Region": "splice_region",
    }
    assert {k: VARIANT_CLASSIFICATION_TO_CLASS[k] for k in expected} == expected


@pytest.mark.parametrize(
    ("text", "build"),
    [
        ("37", "GRCh37"),
        ("GRCh37", "GRCh37"),
        ("hg19", "GRCh37"),
        ("38", "GRCh38"),
        ("GRCh38", "GRCh38"),
        ("hg38", "GRCh38"),
        ("GRCm39", None),
    ],
)
def test_normalise_build(text, build):
    assert normalise_build(text) == build


def test_chromosome_and_allele_helpers():
    assert [maf_chrom(c) for c in ("1", "chr2", "x", "MT", "23", "chrY")] == [
        "chr1",
        "chr2",
        "chrX",
        "chrM",
        "chrX",
        "chrY",
    ]
    assert maf_alleles("-", "ACG") == ("", "ACG", True)
    assert maf_alleles("AC", "-") == ("AC", "", True)
    assert maf_alleles("AC", "GT") == ("AC", "GT", False)


def test_unknown_sample_lists_barcodes_present():
    with pytest.raises(InputError) as error:
        read_maf(MULTI, sample="NEN99")
    message = str(error.value)
    assert "no MAF rows with Tumor_Sample_Barcode 'NEN99'" in message
    assert "barcodes present: NEN01, NEN02" in message
    assert str(MULTI) in message


def test_build_mismatch_with_argument_is_an_error():
    with pytest.raises(InputError) as error:
        read_maf(MULTI, sample="NEN01", build="GRCh38")
    assert "MAF NCBI_Build is GRCh37 but the sample's genome_build is GRCh38" in str(error.value)
    assert error.value.line == 4


def test_build_from_argument_when_the_maf_has_none(tmp_path):
    path = write_maf(
        tmp_path, "BRAF\t\t7\t140453136\t140453136\tA\tA\tT\tMissense_Mutation\tS1\t5\t5"
    )
    result = read_maf(path, sample="S1", build="hg19")
    assert result.build == "GRCh37"
    assert result.tumor_only is True  # no Matched_Norm_Sample_Barcode column
    with pytest.raises(InputError, match="no NCBI_Build values and no genome build"):
        read_maf(path, sample="S1")


def test_alt_taken_from_allele1_when_allele2_is_reference(tmp_path):
    path = write_maf(
        tmp_path, "BRAF\t37\t7\t140453136\t140453136\tA\tT\tA\tMissense_Mutation\tS1\t5\t15"
    )
    variant = read_maf(path, sample="S1").variants[0]
    assert (variant.ref, variant.alt) == ("A", "T")
    assert variant.depth == 20
    assert variant.vaf == pytest.approx(0.25)


def test_missing_required_columns_are_named(tmp_path):
    path = tmp_path / "bad.maf"
    path.write_text("#version 2.4\nHugo_Symbol\tChromosome\tStart_Position\nTP53\t17\t1\n")
    with pytest.raises(InputError) as error:
        read_maf(path, sample="S1")
    message = str(error.value)
    assert str(path) in message
    assert (
        "missing required column(s): Reference_Allele, Tumor_Seq_Allele2, "
        "Variant_Classification, Tumor_Sample_Barcode" in message
    )


def test_non_numeric_count_names_line_and_column(tmp_path):
    path = write_maf(
        tmp_path,
        "BRAF\t37\t7\t140453136\t140453136\tA\tA\tT\tMissense_Mutation\tS1\t5\t5",
        "KRAS\t37\t12\t25398284\t25398284\tC\tC\tT\tMissense_Mutation\tS1\tmany\t5",
    )
    with pytest.raises(InputError) as error:
        read_maf(path, sample="S1")
    assert error.value.line == 3
    assert error.value.column == "t_alt_count"
    assert "expected a whole non-negative number, found 'many'" in str(error.value)


def test_unknown_ncbi_build_value_is_an_error(tmp_path):
    path = write_maf(tmp_path, "BRAF\tGRCm38\t7\t1\t1\tA\tA\tT\tMissense_Mutation\tS1\t5\t5")
    with pytest.raises(InputError) as error:
        read_maf(path, sample="S1")
    assert (error.value.line, error.value.column) == (2, "NCBI_Build")


def test_two_builds_in_one_sample_is_an_error(tmp_path):
    path = write_maf(
        tmp_path,
        "BRAF\t37\t7\t1\t1\tA\tA\tT\tMissense_Mutation\tS1\t5\t5",
        "KRAS\t38\t12\t1\t1\tC\tC\tT\tMissense_Mutation\tS1\t5\t5",
    )
    with pytest.raises(InputError, match="more than one NCBI_Build"):
        read_maf(path, sample="S1")


def test_gzipped_maf(tmp_path):
    import gzip

    path = tmp_path / "input.maf.gz"
    with gzip.open(path, "wt") as handle:
        handle.write(
            HEADER + "BRAF\t37\t7\t140453136\t140453136\tA\tA\tT\tMissense_Mutation\tS1\t5\t5\n"
        )
    assert read_maf(path, sample="S1").variants[0].gene == "BRAF"


def test_sample_none_uses_the_only_barcode(tmp_path):
    path = write_maf(
        tmp_path, "BRAF\t37\t7\t140453136\t140453136\tA\tA\tT\tMissense_Mutation\tS1\t5\t5"
    )
    result = read_maf(path, sample=None)
    assert result.sample == "S1"
    assert [v.gene for v in result.variants] == ["BRAF"]


def test_sample_none_with_several_barcodes_is_an_error():
    with pytest.raises(InputError) as error:
        read_maf(MULTI, sample=None)
    assert "holds 2 tumor samples and none was named; barcodes present: NEN01, NEN02" in str(
        error.value
    )


def test_read_variants_dispatches_maf_by_suffix():
    from nenprofile.ingest.variants import read_variants

    result = read_variants(str(MULTI), tumor_sample="NEN02", build="GRCh37")
    assert result.input_format == "MAF"
    assert [v.gene for v in result.variants] == ["DAXX"]


def test_three_letter_hgvsp_and_consequence_fallback(tmp_path):
    header = HEADER.rstrip("\n") + "\tHGVSp\tHGVSc\tConsequence\n"
    path = write_maf(
        tmp_path,
        "BRAF\t37\t7\t140453136\t140453136\tA\tA\tT\tMissense_Mutation\tS1\t5\t5\t"
        "ENSP00000288602.6:p.Val600Glu\tENST00000288602.6:c.1799T>A\tmissense_variant",
        "TERT\t37\t5\t1295228\t1295228\tG\tG\tA\tTargeted_Region\tS1\t5\t5\t\t\t"
        "upstream_gene_variant",
        header=header,
    )
    result = read_maf(path, sample="S1")
    braf, tert = result.variants
    assert (braf.hgvsp, braf.hgvsc, braf.consequence) == (
        "p.V600E",
        "c.1799T>A",
        "missense_variant",
    )
    assert tert.variant_class == "upstream_downstream"  # from Consequence, not the MAF class
    assert result.warnings == []
