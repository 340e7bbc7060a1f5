"""A corpus of bad (and legal-but-odd) inputs for every reader.

Each bad input must raise exactly nenprofile.errors.InputError whose message names the file,
the line or column where one exists, and the fix. Legal-but-odd inputs (CRLF, BOM, empty
tables that are allowed) must give the same result as the clean file.
"""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from nenprofile.errors import InputError
from nenprofile.ingest.copynumber import read_copy_number
from nenprofile.ingest.expression import read_expression_matrix
from nenprofile.ingest.fusions import FusionEvidence, read_fusions
from nenprofile.ingest.sheet import load_sample_sheet, sample_info, validate_config
from nenprofile.ingest.variants import read_variants
from nenprofile.ingest.variants.maf import read_maf
from nenprofile.interpret.expression import ExpressionSettings, score_cohort
from nenprofile.interpret.pdl1 import resolve_thresholds
from nenprofile.interpret.sample import interpret_sample
from nenprofile.reference.knowledgebase import load_knowledge_base
from nenprofile.settings import Settings

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "config" / "demo"
SCHEMAS = REPO / "workflow" / "schemas"
SHEET_SCHEMA = SCHEMAS / "samples.schema.yaml"
CONFIG_SCHEMA = SCHEMAS / "config.schema.yaml"
DEMO_VCF = DEMO / "NEN01.vep.vcf.gz"
VCF_TEXT = gzip.decompress(DEMO_VCF.read_bytes()).decode()
VCF_HEADER = "".join(line + "\n" for line in VCF_TEXT.splitlines() if line.startswith("#"))
VCF_RECORDS = [line for line in VCF_TEXT.splitlines() if not line.startswith("#")]
MAF_TEXT = (DEMO / "NEN10.maf").read_text()
CNA_TEXT = (DEMO / "cna" / "NEN01.gene_cn.tsv").read_text()
EVIDENCE = FusionEvidence(2, 1, ("high", "medium", "reported"))
FUSION_TEXT = (DEMO / "fusions" / "NEN10.arriba.fusions.tsv").read_text()
EXPRESSION_TEXT = (DEMO / "expression" / "salmon.merged.gene_tpm.tsv").read_text()
INTERPRET_SETTINGS = Settings.from_partial({"tmb": {"target_size_mb": 1.0, "high_threshold": 10}})


def write(directory: Path, name: str, data: str | bytes) -> Path:
    path = directory / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def expect_input_error(
    call: Callable[[], object],
    path: Path | str | None,
    *,
    line: int | None = None,
    column: str | None = None,
    words: str = "",
) -> InputError:
    """The call raises exactly InputError naming path, line/column and a fix."""
    with pytest.raises(InputError) as caught:
        call()
    error = caught.value
    assert type(error) is InputError
    text = str(error)
    if path is not None:
        assert str(path) in text
        assert error.path == str(path)
    if line is not None:
        assert error.line == line
        assert f"line {line}" in text
    if column is not None:
        assert error.column == column
        assert f"column '{column}'" in text
    assert "Fix: " in text and error.fix
    assert words.lower() in text.lower()
    return error


def replace_format_value(record: str, key: str, value: str) -> str:
    fields = record.split("\t")
    keys = fields[8].split(":")
    values = fields[9].split(":")
    values[keys.index(key)] = value
    fields[9] = ":".join(values)
    return "\t".join(fields)


def variant_keys(result) -> list[tuple]:
    return [
        (v.chrom, v.pos, v.ref, v.alt, v.gene, v.hgvsp, v.vaf, v.depth) for v in result.variants
    ]


# ---------------------------------------------------------------- VCF


def test_vcf_missing_file(tmp_path):
    path = tmp_path / "absent.vcf.gz"
    expect_input_error(lambda: read_variants(str(path)), path, words="not found")


def test_vcf_directory_instead_of_file(tmp_path):
    expect_input_error(lambda: read_variants(str(tmp_path)), tmp_path)


def test_vcf_empty_file(tmp_path):
    path = write(tmp_path, "empty.vcf", "")
    expect_input_error(lambda: read_variants(str(path)), path, words="cannot read as VCF")


def test_vcf_truncated_gzip(tmp_path):
    data = gzip.compress(VCF_TEXT.encode())
    path = write(tmp_path, "cut.vcf.gz", data[: len(data) // 2])
    expect_input_error(lambda: read_variants(str(path)), path, words="truncated or corrupt")


def test_vcf_truncated_bgzip(tmp_path):
    data = DEMO_VCF.read_bytes()
    path = write(tmp_path, "cut.bgz.vcf.gz", data[: len(data) // 2])
    expect_input_error(lambda: read_variants(str(path)), path, words="truncated or corrupt")


def test_vcf_without_header(tmp_path):
    path = write(tmp_path, "noheader.vcf", "\n".join(VCF_RECORDS) + "\n")
    expect_input_error(lambda: read_variants(str(path)), path, words="##fileformat")


def test_vcf_without_chrom_line(tmp_path):
    header = "".join(
        line + "\n" for line in VCF_HEADER.splitlines() if not line.startswith("#CHROM")
    )
    path = write(tmp_path, "nochrom.vcf", header + "\n".join(VCF_RECORDS) + "\n")
    expect_input_error(lambda: read_variants(str(path)), path)


def test_vcf_with_byte_order_mark(tmp_path):
    path = write(tmp_path, "bom.vcf", b"\xef\xbb\xbf" + VCF_TEXT.encode())
    expect_input_error(lambda: read_variants(str(path)), path)


def test_vcf_wrong_genome_build(tmp_path):
    expect_input_error(
        lambda: read_variants(str(DEMO_VCF), build="GRCh37"),
        DEMO_VCF,
        column="genome_build",
        words="set genome_build to GRCh38",
    )


def test_vcf_grch37_contigs_but_sheet_says_grch38(tmp_path):
    grch37 = VCF_HEADER.replace("length=248956422", "length=249250621")
    path = write(tmp_path, "b37.vcf", grch37 + "\n".join(VCF_RECORDS) + "\n")
    expect_input_error(
        lambda: read_variants(str(path), build="GRCh38"),
        path,
        column="genome_build",
        words="which is GRCh37",
    )


def test_vcf_unknown_genome_build_word():
    expect_input_error(
        lambda: read_variants(str(DEMO_VCF), build="hg99"), DEMO_VCF, column="genome_build"
    )


def test_vcf_unknown_tumor_sample():
    expect_input_error(
        lambda: read_variants(str(DEMO_VCF), tumor_sample="NOT_THERE"),
        DEMO_VCF,
        column="tumor_sample",
        words="one of: NEN01",
    )


def test_vcf_unknown_normal_sample():
    expect_input_error(
        lambda: read_variants(str(DEMO_VCF), normal_sample="NOT_THERE"),
        DEMO_VCF,
        column="normal_sample",
    )


@pytest.mark.parametrize(
    "name, mutate",
    [
        ("six_columns", lambda r: "\t".join(r.split("\t")[:6])),
        ("format_af_text", lambda r: replace_format_value(r, "AF", "abc")),
        ("format_dp_text", lambda r: replace_format_value(r, "DP", "x")),
        ("format_ad_text", lambda r: replace_format_value(r, "AD", "x,y")),
        ("pos_text", lambda r: "\t".join([r.split("\t")[0], "abc", *r.split("\t")[2:]])),
    ],
)
def test_vcf_malformed_record(tmp_path, name, mutate):
    records = [mutate(r) for r in VCF_RECORDS]
    path = write(tmp_path, f"{name}.vcf", VCF_HEADER + "\n".join(records) + "\n")
    line = len(VCF_HEADER.splitlines()) + 1
    expect_input_error(lambda: read_variants(str(path)), path, line=line)


def test_vcf_zero_variants_is_legal_and_interprets_to_nothing(tmp_path):
    path = write(tmp_path, "none.vcf", VCF_HEADER)
    result = read_variants(str(path))
    assert result.variants == []
    assert result.counts["records_read"] == 0
    sample = sample_info({"sample": "S0", "genome_build": "GRCh38"})
    profile = interpret_sample(
        sample, result, [], [], None, load_knowledge_base(), INTERPRET_SETTINGS
    )
    assert profile.alterations == []
    assert profile.biomarkers["tmb"]["value"] == 0
    assert profile.biomarkers["tmb"]["n_mutations"] == 0
    assert profile.biomarkers["tmb"]["call"] == "TMB-low"


def test_vcf_crlf_parses_like_lf(tmp_path):
    plain = write(tmp_path, "lf.vcf", VCF_TEXT)
    crlf = write(tmp_path, "crlf.vcf", VCF_TEXT.replace("\n", "\r\n"))
    expected = variant_keys(read_variants(str(plain)))
    assert len(expected) == 2
    assert variant_keys(read_variants(str(crlf))) == expected


def test_vcf_latin1_in_info_field_parses(tmp_path):
    text = VCF_TEXT.replace("CSQ=", "NOTE=caf\xe9;CSQ=")
    assert "caf\xe9" in text
    path = write(tmp_path, "latin1.vcf", text.encode("latin-1"))
    assert variant_keys(read_variants(str(path))) == variant_keys(read_variants(str(DEMO_VCF)))


# ---------------------------------------------------------------- MAF

MAF_LINES = MAF_TEXT.splitlines()


def test_maf_directory_instead_of_file(tmp_path):
    expect_input_error(lambda: read_maf(tmp_path, sample="NEN10"), tmp_path)


def test_maf_empty_file(tmp_path):
    path = write(tmp_path, "empty.maf", "")
    expect_input_error(lambda: read_maf(path, sample="NEN10"), path, words="no header")


def test_maf_header_only_has_no_rows_of_the_sample(tmp_path):
    path = write(tmp_path, "header.maf", "\n".join(MAF_LINES[:2]) + "\n")
    expect_input_error(lambda: read_maf(path, sample="NEN10"), path, column="Tumor_Sample_Barcode")


def test_maf_missing_required_column(tmp_path):
    text = "\n".join("\t".join(line.split("\t")[1:]) for line in MAF_LINES[1:]) + "\n"
    path = write(tmp_path, "nohugo.maf", text)
    expect_input_error(lambda: read_maf(path, sample="NEN10"), path, column="Hugo_Symbol")


def test_maf_comma_separated(tmp_path):
    path = write(tmp_path, "comma.maf", MAF_TEXT.replace("\t", ","))
    expect_input_error(lambda: read_maf(path, sample="NEN10"), path, column="Hugo_Symbol")


def test_maf_latin1_bytes(tmp_path):
    text = MAF_TEXT.replace("nenprofile-demo", "caf\xe9", 1)
    path = write(tmp_path, "latin1.maf", text.encode("latin-1"))
    expect_input_error(lambda: read_maf(path, sample="NEN10"), path, line=3, words="UTF-8")


def test_maf_truncated_gzip(tmp_path):
    path = write(tmp_path, "cut.maf.gz", gzip.compress(MAF_TEXT.encode() * 20)[:120])
    expect_input_error(lambda: read_maf(path, sample="NEN10"), path, words="truncated")


def test_maf_non_numeric_start(tmp_path):
    path = write(
        tmp_path, "start.maf", MAF_TEXT.replace("\t7674220\t7674220\t", "\tabc\t7674220\t")
    )
    expect_input_error(
        lambda: read_maf(path, sample="NEN10"), path, line=3, column="Start_Position"
    )


def test_maf_build_contradicts_sheet():
    path = DEMO / "NEN10.maf"
    expect_input_error(
        lambda: read_maf(path, sample="NEN10", build="GRCh37"), path, line=3, column="NCBI_Build"
    )


def test_maf_unknown_requested_build_names_the_file():
    path = DEMO / "NEN10.maf"
    expect_input_error(
        lambda: read_maf(path, sample="NEN10", build="hg99"), path, column="genome_build"
    )


def test_maf_unknown_barcode():
    path = DEMO / "NEN10.maf"
    expect_input_error(
        lambda: read_variants(str(path), tumor_sample="NOPE"),
        path,
        column="Tumor_Sample_Barcode",
        words="NEN10",
    )


@pytest.mark.parametrize("variant", ["crlf", "bom"])
def test_maf_crlf_and_bom_parse_like_clean(tmp_path, variant):
    data = MAF_TEXT.replace("\n", "\r\n").encode() if variant == "crlf" else b"\xef\xbb\xbf"
    if variant == "bom":
        data += MAF_TEXT.encode()
    path = write(tmp_path, f"{variant}.maf", data)
    expected = variant_keys(read_maf(DEMO / "NEN10.maf", sample="NEN10"))
    assert len(expected) >= 1
    assert variant_keys(read_maf(path, sample="NEN10")) == expected


# ---------------------------------------------------------------- copy number


def test_cna_directory_instead_of_file(tmp_path):
    expect_input_error(lambda: read_copy_number(tmp_path, build="GRCh38"), tmp_path)


def test_cna_empty_file(tmp_path):
    path = write(tmp_path, "empty.tsv", "")
    expect_input_error(lambda: read_copy_number(path, build="GRCh38"), path, words="empty")


@pytest.mark.parametrize(
    "reader, text",
    [
        (lambda p: read_copy_number(p, build="GRCh38"), "gene\tcopy_number\rRB1\t0\rTP53\t1\r"),
        (lambda p: read_fusions(p, evidence=EVIDENCE), "gene5\tgene3\rEWSR1\tFLI1\r"),
    ],
    ids=["copy number", "fusions"],
)
def test_old_mac_line_endings_are_an_input_error_not_a_csv_error(tmp_path, reader, text):
    path = write(tmp_path, "cr_only.tsv", text)
    expect_input_error(lambda: reader(path), path, line=1, words="cannot split the line")


def test_cna_header_only_is_legal_and_empty(tmp_path):
    path = write(tmp_path, "header.tsv", "gene\tcopy_number\n")
    assert read_copy_number(path, build="GRCh38") == []


@pytest.mark.parametrize(
    "value, words",
    [("abc", "expected a number"), ("inf", "expected a number"), ("-3", "is below -1")],
)
def test_cna_bad_copy_number(tmp_path, value, words):
    path = write(tmp_path, "bad.tsv", f"gene\tcopy_number\nMEN1\t2\nTSC2\t{value}\n")
    expect_input_error(
        lambda: read_copy_number(path, build="GRCh38"),
        path,
        line=3,
        column="copy_number",
        words=words,
    )


def test_cna_negative_log2_is_legal(tmp_path):
    path = write(tmp_path, "log2.tsv", "gene\tlog2\nMEN1\t-2.0\n")
    [call] = read_copy_number(path, build="GRCh38")
    assert (call.gene, call.call) == ("MEN1", "DEEPDEL")


def test_cna_unknown_call_word(tmp_path):
    path = write(tmp_path, "call.tsv", "gene\tcall\nMEN1\tsomewhat lost\n")
    expect_input_error(lambda: read_copy_number(path, build="GRCh38"), path, line=2, column="call")


def test_cna_unrecognised_header(tmp_path):
    path = write(tmp_path, "what.tsv", "foo\tbar\n1\t2\n")
    expect_input_error(lambda: read_copy_number(path, build="GRCh38"), path, line=1)


def test_cna_comma_separated_tsv(tmp_path):
    path = write(tmp_path, "comma.tsv", CNA_TEXT.replace("\t", ","))
    expect_input_error(lambda: read_copy_number(path, build="GRCh38"), path, line=1)


def test_cna_latin1_bytes(tmp_path):
    path = write(tmp_path, "latin1.tsv", (CNA_TEXT + "caf\xe9\t2\t1\n").encode("latin-1"))
    line = len(CNA_TEXT.splitlines()) + 1
    expect_input_error(lambda: read_copy_number(path, build="GRCh38"), path, line=line)


def test_cna_truncated_gzip(tmp_path):
    path = write(tmp_path, "cut.tsv.gz", gzip.compress(CNA_TEXT.encode() * 50)[:60])
    expect_input_error(lambda: read_copy_number(path, build="GRCh38"), path, words="truncated")


def test_cna_segment_non_numeric_start(tmp_path):
    text = "ID\tchrom\tloc.start\tloc.end\tnum.mark\tseg.mean\nS\t1\tx\t100\t5\t0.1\n"
    path = write(tmp_path, "seg.tsv", text)
    expect_input_error(
        lambda: read_copy_number(path, build="GRCh38"), path, line=2, column="loc.start"
    )


def test_cna_zero_ploidy_names_the_file():
    path = DEMO / "cna" / "NEN01.gene_cn.tsv"
    expect_input_error(
        lambda: read_copy_number(path, build="GRCh38", ploidy=0), path, column="ploidy"
    )


@pytest.mark.parametrize("variant", ["crlf", "bom"])
def test_cna_crlf_and_bom_parse_like_clean(tmp_path, variant):
    if variant == "crlf":
        data = CNA_TEXT.replace("\n", "\r\n").encode()
    else:
        data = b"\xef\xbb\xbf" + CNA_TEXT.encode()
    path = write(tmp_path, f"{variant}.tsv", data)
    expected = read_copy_number(DEMO / "cna" / "NEN01.gene_cn.tsv", build="GRCh38")
    assert len(expected) == 7
    assert read_copy_number(path, build="GRCh38") == expected


# ---------------------------------------------------------------- fusions

FUSION_LINES = FUSION_TEXT.splitlines()


def test_fusions_directory_instead_of_file(tmp_path):
    expect_input_error(lambda: read_fusions(tmp_path, evidence=EVIDENCE), tmp_path)


def test_fusions_empty_file(tmp_path):
    path = write(tmp_path, "empty.tsv", "")
    expect_input_error(lambda: read_fusions(path, evidence=EVIDENCE), path, words="empty")


def test_fusions_header_only_is_legal_and_empty(tmp_path):
    path = write(tmp_path, "header.tsv", FUSION_LINES[0] + "\n")
    assert read_fusions(path, evidence=EVIDENCE) == []


def test_fusions_arriba_missing_column(tmp_path):
    text = "\n".join(
        "\t".join(f for i, f in enumerate(line.split("\t")) if i != 9) for line in FUSION_LINES
    )
    path = write(tmp_path, "nosplit1.tsv", text + "\n")
    expect_input_error(
        lambda: read_fusions(path, evidence=EVIDENCE), path, line=1, words="not recognised"
    )


def test_fusions_unknown_format(tmp_path):
    path = write(tmp_path, "what.tsv", "partner_a\tpartner_b\nA\tB\n")
    expect_input_error(lambda: read_fusions(path, evidence=EVIDENCE), path, line=1, words="Arriba")


@pytest.mark.parametrize("value", ["x", "inf", "nan", "-2", "1.5"])
def test_fusions_bad_read_count(tmp_path, value):
    path = write(tmp_path, "reads.tsv", FUSION_TEXT.replace("\t24\t31\t", f"\t{value}\t31\t"))
    expect_input_error(
        lambda: read_fusions(path, evidence=EVIDENCE), path, line=2, column="split_reads1"
    )


def test_fusions_empty_partner_gene(tmp_path):
    path = write(tmp_path, "nogene.tsv", "gene5\tgene3\nTPM3\t\n")
    expect_input_error(lambda: read_fusions(path, evidence=EVIDENCE), path, line=2, column="gene3")


def test_fusions_latin1_bytes(tmp_path):
    text = FUSION_TEXT.replace("Tropomyosin", "Tropomyosin\xe9")
    path = write(tmp_path, "latin1.tsv", text.encode("latin-1"))
    expect_input_error(lambda: read_fusions(path, evidence=EVIDENCE), path, line=2, words="UTF-8")


def test_fusions_truncated_gzip(tmp_path):
    path = write(tmp_path, "cut.tsv.gz", gzip.compress(FUSION_TEXT.encode() * 20)[:80])
    expect_input_error(lambda: read_fusions(path, evidence=EVIDENCE), path, words="truncated")


@pytest.mark.parametrize("variant", ["crlf", "bom"])
def test_fusions_crlf_and_bom_parse_like_clean(tmp_path, variant):
    if variant == "crlf":
        data = FUSION_TEXT.replace("\n", "\r\n").encode()
    else:
        data = b"\xef\xbb\xbf" + FUSION_TEXT.encode()
    path = write(tmp_path, f"{variant}.tsv", data)
    expected = read_fusions(DEMO / "fusions" / "NEN10.arriba.fusions.tsv", evidence=EVIDENCE)
    assert [(f.gene5, f.gene3) for f in expected] == [("TPM3", "NTRK1")]
    assert read_fusions(path, evidence=EVIDENCE) == expected


# ---------------------------------------------------------------- expression

EXPRESSION_LINES = EXPRESSION_TEXT.splitlines()


def test_expression_directory_instead_of_file(tmp_path):
    expect_input_error(lambda: read_expression_matrix(tmp_path), tmp_path)


def test_expression_empty_file(tmp_path):
    path = write(tmp_path, "empty.tsv", "")
    expect_input_error(lambda: read_expression_matrix(path), path, words="empty")


@pytest.mark.parametrize("genes", [None, ["CD274"]])
def test_expression_header_only(tmp_path, genes):
    path = write(tmp_path, "header.tsv", EXPRESSION_LINES[0] + "\n")
    expect_input_error(
        lambda: read_expression_matrix(path, genes=genes), path, line=2, words="no gene rows"
    )


@pytest.mark.parametrize(
    "value, words", [("-1", "negative"), ("abc", "not a number"), ("", "not a number")]
)
def test_expression_bad_tpm(tmp_path, value, words):
    path = write(tmp_path, "bad.tsv", EXPRESSION_TEXT.replace("\t19.5985\t", f"\t{value}\t", 1))
    expect_input_error(
        lambda: read_expression_matrix(path), path, line=2, column="NEN01", words=words
    )


@pytest.mark.parametrize("genes", [None, ["CD274"]])
def test_expression_short_row(tmp_path, genes):
    path = write(tmp_path, "short.tsv", EXPRESSION_TEXT.replace("\t19.5985", "", 1))
    expect_input_error(lambda: read_expression_matrix(path, genes=genes), path, line=2)


def test_expression_duplicate_sample_column(tmp_path):
    path = write(tmp_path, "dupcol.tsv", EXPRESSION_TEXT.replace("NEN02", "NEN01", 1))
    expect_input_error(lambda: read_expression_matrix(path), path, line=1, column="NEN01")


def test_expression_comma_separated(tmp_path):
    path = write(tmp_path, "comma.tsv", EXPRESSION_TEXT.replace("\t", ","))
    expect_input_error(lambda: read_expression_matrix(path), path, line=1, words="tab")


def test_expression_latin1_bytes(tmp_path):
    text = EXPRESSION_TEXT.replace("PDCD1LG2", "PDCD1LG\xe9", 1)
    path = write(tmp_path, "latin1.tsv", text.encode("latin-1"))
    expect_input_error(lambda: read_expression_matrix(path), path, line=3, words="UTF-8")


def test_expression_truncated_gzip(tmp_path):
    path = write(tmp_path, "cut.tsv.gz", gzip.compress(EXPRESSION_TEXT.encode())[:200])
    expect_input_error(lambda: read_expression_matrix(path), path, words="truncated")


def test_expression_unknown_sample_column():
    path = DEMO / "expression" / "salmon.merged.gene_tpm.tsv"
    expect_input_error(lambda: score_cohort(path, {"X": "NOPE"}), path, line=1, words="NOPE")


def test_expression_duplicate_genes_are_summed_with_warning(tmp_path):
    header, first = EXPRESSION_LINES[0], EXPRESSION_LINES[1]
    path = write(tmp_path, "dup.tsv", "\n".join([header, first, first]) + "\n")
    matrix = read_expression_matrix(path)
    assert matrix.tpm.loc["CD274", "NEN01"] == pytest.approx(2 * 19.5985)
    assert any("summed" in w for w in matrix.warnings)


@pytest.mark.parametrize("variant", ["crlf", "bom"])
def test_expression_crlf_and_bom_parse_like_clean(tmp_path, variant):
    if variant == "crlf":
        data = EXPRESSION_TEXT.replace("\n", "\r\n").encode()
    else:
        data = b"\xef\xbb\xbf" + EXPRESSION_TEXT.encode()
    path = write(tmp_path, f"{variant}.tsv", data)
    clean = read_expression_matrix(DEMO / "expression" / "salmon.merged.gene_tpm.tsv")
    for genes in (None, ["CD274", "DLL3"]):
        odd = read_expression_matrix(path, genes=genes).tpm
        expected = clean.tpm if genes is None else clean.tpm.loc[genes]
        assert odd.equals(expected)


@pytest.mark.parametrize(
    "settings, column",
    [
        ({"low_percentile": 80, "high_percentile": 20}, "low_percentile/high_percentile"),
        ({"high_percentile": 150}, "low_percentile/high_percentile"),
        ({"min_reference_size": 0}, "min_reference_size"),
        ({"pseudocount": 0}, "pseudocount"),
        ({"percentile_high": 90}, "percentile_high"),
    ],
)
def test_expression_settings_out_of_range(settings, column):
    expect_input_error(lambda: ExpressionSettings.from_mapping(settings), None, column=column)


@pytest.mark.parametrize(
    "thresholds, column",
    [
        ({"tps_low": 60, "tps_high": 50}, "tps_low/tps_high"),
        ({"cps": [0, 10]}, "cps_low/cps_high"),
        ({"tps": [1]}, "tps"),
        ({"tps_middle": 5}, "tps_middle"),
    ],
)
def test_pdl1_thresholds_out_of_range(thresholds, column):
    expect_input_error(lambda: resolve_thresholds(thresholds), None, column=column)


# ---------------------------------------------------------------- sample sheet

SHEET_HEADER = "sample\tvcf\ttumor_site\tki67\tgenome_build\n"


def sheet_dir(tmp_path: Path) -> Path:
    write(tmp_path, "a.vcf.gz", b"")
    write(tmp_path, "b.vcf.gz", b"")
    return tmp_path


def test_sheet_missing_file(tmp_path):
    path = tmp_path / "absent.tsv"
    expect_input_error(lambda: load_sample_sheet(path, SHEET_SCHEMA), path, words="not found")


def test_sheet_directory_instead_of_file(tmp_path):
    expect_input_error(lambda: load_sample_sheet(tmp_path, SHEET_SCHEMA), tmp_path)


@pytest.mark.parametrize(
    "body, line, column, words",
    [
        ("", None, None, "empty"),
        (SHEET_HEADER, None, None, "no sample rows"),
        (SHEET_HEADER + "S1\ta.vcf.gz\tlung\t30\tGRCh38\nS1\tb.vcf.gz\tlung\t30\tGRCh38\n", 3,
         "sample", "appears twice"),
        (SHEET_HEADER + "a/b\ta.vcf.gz\tlung\t30\tGRCh38\n", 2, "sample", "no '/'"),
        (SHEET_HEADER + "..\ta.vcf.gz\tlung\t30\tGRCh38\n", 2, "sample", "no '..'"),
        (SHEET_HEADER + "../S1\ta.vcf.gz\tlung\t30\tGRCh38\n", 2, "sample", "no '/'"),
        (SHEET_HEADER + "S1\ta.vcf.gz\tlung\tthirty\tGRCh38\n", 2, "ki67", "not a number"),
        (SHEET_HEADER + "S1\tmissing.vcf.gz\tlung\t30\tGRCh38\n", 2, "vcf", "does not exist"),
        (SHEET_HEADER + "S1\ta.vcf.gz\tlung\t30\thg99\n", 2, "genome_build", "hg99"),
        (SHEET_HEADER + "S1\ta.vcf.gz\tlung\t30\tGRCh38\textra\n", 2, None, "fields"),
        (SHEET_HEADER.replace("\t", ",") + "S1,a.vcf.gz,lung,30,GRCh38\n", 1, None,
         "tab-separated"),
        ("sample\tsample\nS1\tS2\n", 1, None, "more than once"),
    ],
    ids=[
        "empty", "header_only", "duplicate_id", "slash_in_id", "dotdot_id", "traversal_id",
        "ki67_text", "missing_vcf", "unknown_build", "extra_field", "comma_separated",
        "duplicate_column",
    ],
)  # fmt: skip
def test_sheet_bad_content(tmp_path, body, line, column, words):
    path = write(sheet_dir(tmp_path), "samples.tsv", body)
    expect_input_error(
        lambda: load_sample_sheet(path, SHEET_SCHEMA), path, line=line, column=column, words=words
    )


def test_sheet_latin1_bytes(tmp_path):
    body = SHEET_HEADER + "S1\ta.vcf.gz\tpancr\xe9as\t30\tGRCh38\n"
    path = write(sheet_dir(tmp_path), "samples.tsv", body.encode("latin-1"))
    expect_input_error(lambda: load_sample_sheet(path, SHEET_SCHEMA), path, line=2, words="UTF-8")


@pytest.mark.parametrize("variant", ["crlf", "bom"])
def test_sheet_crlf_and_bom_parse_like_lf(tmp_path, variant):
    body = SHEET_HEADER + "S1\ta.vcf.gz\tlung\t30\tGRCh38\nS2\tb.vcf.gz\tpancreas\t\tGRCh38\n"
    directory = sheet_dir(tmp_path)
    clean = load_sample_sheet(write(directory, "lf.tsv", body), SHEET_SCHEMA)
    if variant == "crlf":
        data = body.replace("\n", "\r\n").encode()
    else:
        data = b"\xef\xbb\xbf" + body.encode()
    odd = load_sample_sheet(write(directory, f"{variant}.tsv", data), SHEET_SCHEMA)
    assert odd.rows == clean.rows
    assert clean.rows["S1"]["ki67"] == 30.0
    assert clean.line_of == odd.line_of == {"S1": 2, "S2": 3}


# ---------------------------------------------------------------- config


def demo_config() -> dict:
    return yaml.safe_load((REPO / "config" / "config.yaml").read_text())


@pytest.mark.parametrize(
    "change, key",
    [
        ({"tmb": {"target_size_mb": -1}}, "tmb.target_size_mb"),
        ({"pdl1": {"tps_low": 150}}, "pdl1.tps_low"),
        ({"genome_build": "hg19"}, "genome_build"),
        ({"cohort": "a/b"}, "cohort"),
        ({"colour": "blue"}, "(top level)"),
        ({"tmb": {"target_size_mb": 33.0, "high_treshold": 10}}, "tmb"),
    ],
    ids=["tmb_negative", "tps_low_150", "build_hg19", "cohort_slash", "unknown_key", "typo_key"],
)
def test_config_invalid(change, key):
    config = demo_config() | change
    error = expect_input_error(
        lambda: validate_config(config, CONFIG_SCHEMA, source="cohort.yaml"), "cohort.yaml"
    )
    assert f"key '{key}'" in str(error)


def test_config_missing_required_key():
    config = demo_config()
    del config["samples"]
    error = expect_input_error(
        lambda: validate_config(config, CONFIG_SCHEMA, source="cohort.yaml"), "cohort.yaml"
    )
    assert "samples" in str(error)


# ---------------------------------------------------------------- knowledge base


def copy_kb(tmp_path: Path) -> Path:
    target = tmp_path / "kb"
    shutil.copytree(REPO / "src" / "nenprofile" / "kb", target)
    return target


def test_kb_rule_without_citations(tmp_path):
    kb = copy_kb(tmp_path)
    rules = kb / "therapies.yaml"
    text = rules.read_text()
    first = (
        '    citations: ["FDA:2017-05-23 pembrolizumab MSI-H/dMMR solid tumors", "NCT02628067"]\n'
    )
    assert first in text
    rules.write_text(text.replace(first, "", 1))
    error = expect_input_error(lambda: load_knowledge_base(kb), rules, column="citations")
    assert "pembrolizumab_msi_h_dmmr" in str(error)
    assert error.line is not None


def test_kb_not_a_directory(tmp_path):
    path = write(tmp_path, "kb.yaml", "rules: []\n")
    expect_input_error(lambda: load_knowledge_base(path), path, words="not a directory")


def test_kb_missing_file(tmp_path):
    kb = copy_kb(tmp_path)
    (kb / "genes.yaml").unlink()
    expect_input_error(lambda: load_knowledge_base(kb), kb / "genes.yaml", words="missing")


def test_kb_broken_yaml(tmp_path):
    kb = copy_kb(tmp_path)
    (kb / "release.yaml").write_text("version: [1\n")
    expect_input_error(lambda: load_knowledge_base(kb), kb / "release.yaml", words="YAML")


# ---------------------------------------------------------------- workflow

TRACEBACK = "Traceback (most recent call last)"


def workflow_copy(tmp_path: Path, samples: list[str]) -> Path:
    """A working directory with the demo config and a sheet reduced to `samples`."""
    shutil.copytree(REPO / "config", tmp_path / "config")
    sheet = tmp_path / "config" / "samples.tsv"
    lines = sheet.read_text().splitlines()
    kept = [lines[0]] + [line for line in lines[1:] if line.split("\t")[0] in samples]
    sheet.write_text("\n".join(kept) + "\n")
    config = yaml.safe_load((tmp_path / "config" / "config.yaml").read_text())
    config["report"]["pdf"] = False
    (tmp_path / "config" / "config.yaml").write_text(yaml.safe_dump(config))
    return tmp_path


def run_snakemake(workdir: Path, *targets: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    return subprocess.run(
        [sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"), "-d", str(workdir),
         "--config", f"cohort_config={workdir / 'config' / 'config.yaml'}", "--cores", "2",
         *targets],
        capture_output=True, text=True, env=env, timeout=600,
    )  # fmt: skip


def logs_text(workdir: Path) -> str:
    return "\n".join(
        p.read_text(errors="replace") for p in (workdir / "logs").rglob("*") if p.is_file()
    )


@pytest.mark.workflow
def test_workflow_truncated_vcf_fails_cleanly(tmp_path):
    workdir = workflow_copy(tmp_path, ["NEN01", "NEN02"])
    vcf = workdir / "config" / "demo" / "NEN02.snpeff.vcf.gz"
    data = vcf.read_bytes()
    vcf.write_bytes(data[: len(data) // 2])
    done = run_snakemake(workdir)
    output = done.stderr + done.stdout + logs_text(workdir)
    assert done.returncode != 0
    assert "input error" in output
    assert "config/demo/NEN02.snpeff.vcf.gz" in output and "Fix:" in output
    assert TRACEBACK not in output
    assert not list(workdir.glob("results/*/samples/NEN02/NEN02.report.html"))


@pytest.mark.workflow
def test_workflow_duplicate_sample_id_fails_before_any_job(tmp_path):
    workdir = workflow_copy(tmp_path, ["NEN01", "NEN02"])
    sheet = workdir / "config" / "samples.tsv"
    lines = sheet.read_text().splitlines()
    sheet.write_text("\n".join([*lines, lines[1]]) + "\n")
    done = run_snakemake(workdir)
    output = done.stderr + done.stdout
    assert done.returncode != 0
    assert "sample 'NEN01' appears twice" in output
    assert "samples.tsv" in output and "line 4" in output and "Fix:" in output
    assert TRACEBACK not in output
    assert not (workdir / "results").exists()


@pytest.mark.workflow
def test_workflow_negative_target_size_fails_before_any_job(tmp_path):
    workdir = workflow_copy(tmp_path, ["NEN01"])
    config_path = workdir / "config" / "config.yaml"
    config = yaml.safe_load(config_path.read_text())
    config["tmb"]["target_size_mb"] = -1
    config_path.write_text(yaml.safe_dump(config))
    done = run_snakemake(workdir)
    output = done.stderr + done.stdout
    assert done.returncode != 0
    assert "tmb.target_size_mb" in output and "config.yaml" in output and "Fix:" in output
    assert TRACEBACK not in output
    assert not (workdir / "results").exists()


@pytest.mark.workflow
def test_workflow_latin1_maf_fails_cleanly(tmp_path):
    workdir = workflow_copy(tmp_path, ["NEN10"])
    maf = workdir / "config" / "demo" / "NEN10.maf"
    maf.write_bytes(maf.read_text().replace("nenprofile-demo", "caf\xe9", 1).encode("latin-1"))
    done = run_snakemake(workdir)
    output = done.stderr + done.stdout + logs_text(workdir)
    assert done.returncode != 0
    assert "config/demo/NEN10.maf" in output and "line 3" in output and "Fix:" in output
    assert TRACEBACK not in output
    assert not list(workdir.glob("results/*/samples/NEN10/NEN10.report.html"))
