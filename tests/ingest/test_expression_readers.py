"""Expression readers: formats, symbol resolution, duplicate rule, input errors, real files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nenprofile.errors import InputError
from nenprofile.ingest.expression import assemble_matrix, read_expression_matrix, read_sample_quant
from nenprofile.ingest.expression.readers import ensembl_to_symbol
from nenprofile.interpret.expression import MARKER_GENES, SCORE_NAMES, score_cohort
from nenprofile.interpret.expression.genesets import all_needed_genes

FIXTURES = Path(__file__).parents[1] / "data" / "expression"
NFCORE = "rnaseq/nfcore_rnaseq_3.14_salmon.merged.gene_tpm.tsv"
NFCORE_SAMPLES = ["X1O", "X2O", "X3O", "P11_1", "P11_2", "P11_3"]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


# --- real public files -------------------------------------------------------------------


def test_nfcore_merged_matrix_full_read(shared_data: Path) -> None:
    matrix = read_expression_matrix(shared_data / NFCORE)
    assert matrix.input_format == "nf-core salmon merged gene TPM"
    assert matrix.n_input_rows == 63140
    assert list(matrix.tpm.columns) == NFCORE_SAMPLES
    # 1,630 rows repeat a gene_name already seen; 61,510 distinct symbols remain
    assert matrix.tpm.shape == (61510, 6)
    assert matrix.warnings == [
        "2118 rows share a gene symbol with another row; their TPM values were summed per symbol."
    ]
    assert matrix.tpm.loc["CD274", "X1O"] == pytest.approx(0.173029)
    assert matrix.tpm.loc["MTOR", "P11_1"] == pytest.approx(29.887955)
    assert all_needed_genes() <= set(matrix.tpm.index)


def test_nfcore_filtered_read_equals_full_read(shared_data: Path) -> None:
    genes = sorted(all_needed_genes())
    full = read_expression_matrix(shared_data / NFCORE).tpm.loc[genes]
    filtered = read_expression_matrix(shared_data / NFCORE, genes=genes, columns=["X2O", "X1O"])
    assert filtered.n_input_rows == 63140
    pd.testing.assert_frame_equal(filtered.tpm.loc[genes], full[["X2O", "X1O"]], check_names=False)


def test_pcgr_two_column_file(shared_data: Path) -> None:
    matrix = read_expression_matrix(shared_data / "rnaseq/pcgr_T001-BRCA.gene_expression.tsv.gz")
    assert matrix.input_format == "PCGR gene expression"
    assert matrix.tpm.shape == (19307, 1)
    assert list(matrix.tpm.columns) == ["TPM"]
    assert matrix.tpm.loc["ERBB2", "TPM"] == pytest.approx(1133.2294)
    assert matrix.tpm.loc["CD274", "TPM"] == pytest.approx(1.0802)
    assert matrix.tpm.loc["MTOR", "TPM"] == pytest.approx(10.4569)
    assert all_needed_genes() <= set(matrix.tpm.index)


def test_pcgr_files_assemble_into_cohort(shared_data: Path) -> None:
    rnaseq = shared_data / "rnaseq"
    matrix = assemble_matrix(
        {
            "BRCA": rnaseq / "pcgr_T001-BRCA.gene_expression.tsv.gz",
            "COAD": rnaseq / "pcgr_T001-COAD.gene_expression.tsv.gz",
        }
    )
    assert matrix.shape == (19307, 2)
    assert matrix.loc["ERBB2", "BRCA"] == pytest.approx(1133.2294)


def test_score_cohort_on_nfcore_matrix(shared_data: Path) -> None:
    table = score_cohort(shared_data / NFCORE, {f"S_{c}": c for c in NFCORE_SAMPLES})
    assert len(table) == 6 * (len(MARKER_GENES) + len(SCORE_NAMES))
    assert "not_available" not in set(table["call"])
    cd274 = table[(table["sample"] == "S_X1O") & (table["marker"] == "CD274")].iloc[0]
    # X1O CD274 0.173029 is >= 5 of the 6 cohort values
    assert cd274["percentile"] == pytest.approx(500 / 6)
    assert cd274["call"] == "high"
    assert table.attrs["warnings"][-1].startswith("reference has 6 samples (< min_reference")
    disclosure = table.attrs["disclosure"]
    assert {k: disclosure[k] for k in ("format", "unit", "conversion", "rows", "samples")} == {
        "format": "nf-core salmon merged gene TPM",
        "unit": "TPM",
        "conversion": None,
        "rows": 63140,
        "samples": NFCORE_SAMPLES,
    }
    assert (disclosure["genes_needed"], disclosure["genes_found"]) == (42, 42)
    assert disclosure["markers_not_available"] == {}
    assert disclosure["reference"] == {
        "source": "cohort",
        "size": 6,
        "min_reference_size": 10,
        "below_min_reference_size": True,
        "input": None,
    }


# --- formats -----------------------------------------------------------------------------


def test_featurecounts_counts_become_tpm_with_length() -> None:
    matrix = read_expression_matrix(FIXTURES / "sample.featureCounts.txt")
    assert matrix.input_format == "featureCounts"
    assert matrix.unit == "TPM"
    # s1 rates 10/1000, 40/2000, 5/500 = 0.01, 0.02, 0.01 -> 250000, 500000, 250000
    assert matrix.tpm.loc["DLL3", "s1.bam"] == pytest.approx(250000)
    assert matrix.tpm.loc["MGMT", "s1.bam"] == pytest.approx(500000)
    assert matrix.tpm.loc["OTHER1", "s2.bam"] == pytest.approx(500000)
    assert "Length column" in matrix.warnings[0]
    assert matrix.disclosure() == {
        "path": str(FIXTURES / "sample.featureCounts.txt"),
        "format": "featureCounts",
        "unit": "TPM",
        "conversion": "featureCounts counts converted to TPM with the Length column (union "
        "exon length, not effective length)",
        "rows": 3,
        "samples": ["s1.bam", "s2.bam"],
        "duplicate_symbol_rows_summed": 0,
        "duplicates_counted_among": "all rows",
    }


def test_star_reads_per_gene_becomes_cpm_with_warning() -> None:
    matrix = read_expression_matrix(FIXTURES / "sample.ReadsPerGene.out.tab")
    assert matrix.input_format == "STAR ReadsPerGene"
    assert matrix.unit == "CPM"
    assert matrix.n_input_rows == 3
    assert matrix.tpm["counts"].to_dict() == {
        "DLL3": pytest.approx(300000),
        "MGMT": pytest.approx(100000),
        "ENSG00000000003": pytest.approx(600000),
    }
    assert "CPM, not TPM" in matrix.warnings[0]


def test_salmon_gene_level_quant_and_rsem_genes_results() -> None:
    salmon = read_sample_quant(FIXTURES / "quant.genes.sf")
    assert salmon.to_dict() == {"DLL3": 12.5, "MGMT": 3.0, "CD274": 0.0}
    rsem = read_sample_quant(FIXTURES / "sample.genes.results")
    assert rsem.to_dict() == {"DLL3": 7.0, "MGMT": 1.5}  # versioned Ensembl IDs mapped


def test_transcript_level_quant_sf_is_rejected() -> None:
    with pytest.raises(InputError, match="transcript-level") as error:
        read_sample_quant(FIXTURES / "quant.transcripts.sf")
    assert "quant.genes.sf" in str(error.value)


def test_assemble_keeps_missing_genes_as_nan() -> None:
    matrix = assemble_matrix(
        {"A": FIXTURES / "quant.genes.sf", "B": FIXTURES / "sample.genes.results"}
    )
    assert matrix.loc["DLL3"].tolist() == [12.5, 7.0]
    assert matrix.loc["CD274", "A"] == 0.0
    assert np.isnan(matrix.loc["CD274", "B"])


def test_assemble_refuses_mixed_units() -> None:
    with pytest.raises(InputError, match="mix units"):
        assemble_matrix(
            {"A": FIXTURES / "quant.genes.sf", "B": FIXTURES / "sample.ReadsPerGene.out.tab"}
        )


# --- symbols and duplicates ---------------------------------------------------------------


def test_bundled_id_map_covers_every_needed_gene() -> None:
    assert set(ensembl_to_symbol().values()) == set(all_needed_genes())
    assert ensembl_to_symbol()["ENSG00000120217"] == "CD274"


@pytest.mark.parametrize("genes", [None, ["DLL3", "MGMT"]])
def test_duplicate_symbols_are_summed(tmp_path: Path, genes: list[str] | None) -> None:
    path = write(
        tmp_path,
        "m.tsv",
        "gene\tA\tB\n"
        "DLL3\t1\t2\n"
        "ENSG00000090932.12\t4\t8\n"  # DLL3 by Ensembl ID (versioned)
        "DLL3\t0.5\t0\n"
        "MGMT\t3\t3\n",
    )
    matrix = read_expression_matrix(path, genes=genes)
    assert matrix.tpm.loc["DLL3"].tolist() == [5.5, 10.0]
    assert matrix.tpm.loc["MGMT"].tolist() == [3.0, 3.0]
    assert matrix.warnings == [
        "3 rows share a gene symbol with another row; their TPM values were summed per symbol."
    ]
    assert matrix.disclosure()["duplicate_symbol_rows_summed"] == 3
    assert matrix.disclosure()["duplicates_counted_among"] == (
        "all rows" if genes is None else "rows of the requested genes"
    )


def test_score_cohort_discloses_missing_markers_and_a_reference_file(tmp_path: Path) -> None:
    matrix = write(tmp_path, "m.tpm.tsv", "gene\tA\tB\nDLL3\t5.5\t1\nMGMT\t3\t2\n")
    reference = write(
        tmp_path,
        "ref.tpm.tsv",
        "gene\t" + "\t".join(f"R{i}" for i in range(12)) + "\n"
        "DLL3\t" + "\t".join(str(i + 0.5) for i in range(12)) + "\n",
    )
    table = score_cohort(matrix, {"S1": "A", "S2": "B"}, reference_path=reference)
    disclosure = table.attrs["disclosure"]
    assert disclosure["genes_found"] == 2
    absent = {g: "not in the expression matrix" for g in MARKER_GENES if g not in ("DLL3", "MGMT")}
    assert disclosure["markers_not_available"] == absent | {"MGMT": "not in the reference matrix"}
    assert "MGMT" not in disclosure["genes_not_in_matrix"]
    assert disclosure["reference"]["source"] == "reference ref.tpm.tsv"
    assert disclosure["reference"]["size"] == 12
    assert disclosure["reference"]["below_min_reference_size"] is False
    assert disclosure["reference"]["input"]["rows"] == 1


def test_plain_matrix_with_symbol_column_and_empty_name_falls_back_to_id(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "m.tsv",
        "ensembl\tgene_symbol\tA\nENSG00000170430.16\t\t2\nENSG00000090932\tDLL3\t1\n",
    )
    matrix = read_expression_matrix(path)
    assert matrix.input_format == "TPM matrix"
    assert matrix.tpm["A"].to_dict() == {"MGMT": 2.0, "DLL3": 1.0}


# --- input errors --------------------------------------------------------------------------


@pytest.mark.parametrize("genes", [None, ["DLL3", "MGMT"]])
@pytest.mark.parametrize(
    ("value", "problem"), [("-1", "negative"), ("abc", "not a number"), ("NA", "not a number")]
)
def test_bad_tpm_names_line_and_column(
    tmp_path: Path, genes: list[str] | None, value: str, problem: str
) -> None:
    path = write(tmp_path, "m.tsv", f"gene\tA\tB\nDLL3\t1\t2\nMGMT\t3\t{value}\n")
    with pytest.raises(InputError) as error:
        read_expression_matrix(path, genes=genes)
    assert error.value.line == 3
    assert error.value.column == "B"
    assert f"TPM value '{value}' is {problem}" in str(error.value)


def test_unknown_sample_lists_matrix_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "m.tsv", "gene\tA\tB\nDLL3\t1\t2\n")
    with pytest.raises(InputError) as error:
        score_cohort(path, {"S1": "A", "S2": "C"})
    assert "Sample column(s) C not found" in str(error.value)
    assert "Matrix columns: A, B." in str(error.value)


def test_missing_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        read_expression_matrix(tmp_path / "absent.tsv")
    with pytest.raises(InputError, match="empty"):
        read_expression_matrix(write(tmp_path, "e.tsv", ""))


def test_nfcore_gene_counts_are_never_read_as_tpm() -> None:
    # same header as salmon.merged.gene_tpm.tsv (gene_id, gene_name, samples); salmon counts
    path = FIXTURES / "salmon.merged.gene_counts.tsv"
    with pytest.raises(InputError) as error:
        read_expression_matrix(path, genes=["SSTR2", "DLL3", "CD274"])
    assert str(error.value).startswith(
        f"{path}: This matrix looks like read counts, not TPM (the file name "
        "'salmon.merged.gene_counts.tsv' says counts); counts are never used as TPM."
    )
    assert "salmon.merged.gene_tpm.tsv" in error.value.fix


def test_whole_number_matrix_is_refused_unless_named_tpm(tmp_path: Path) -> None:
    body = "gene\ta\tb\n" + "".join(f"G{i}\t{i + 1}\t{2 * i + 3}\n" for i in range(6))
    counts = tmp_path / "matrix.tsv"
    counts.write_text(body)
    with pytest.raises(InputError, match=r"all 12 non-zero values are whole numbers"):
        read_expression_matrix(counts)
    rounded = tmp_path / "rounded_tpm.tsv"
    rounded.write_text(body)
    assert read_expression_matrix(rounded).tpm.loc["G5", "b"] == 13.0


def test_column_total_above_a_million_is_not_tpm_even_when_few_genes_are_kept(
    shared_data: Path, tmp_path: Path
) -> None:
    # the real nf-core TPM matrix with its first sample scaled to 20 million: what a counts
    # matrix under another name looks like
    lines = (shared_data / NFCORE).read_text().splitlines()
    scaled = [lines[0]]
    for line in lines[1:]:
        fields = line.split("\t")
        fields[2] = f"{float(fields[2]) * 20:.3f}"
        scaled.append("\t".join(fields))
    path = tmp_path / "expression.tsv"
    path.write_text("\n".join(scaled) + "\n")
    with pytest.raises(InputError, match=r"column 'X1O' sums to 20,000,\d{3}, TPM sums to"):
        read_expression_matrix(path, genes=["SSTR2", "DLL3", "CD274"])
    # the unscaled file passes: its columns sum to 1,000,000
    assert read_expression_matrix(shared_data / NFCORE, genes=["SSTR2"]).tpm.shape == (1, 6)


def test_kallisto_transcripts_summed_per_gene_from_gencode_names(tmp_path: Path) -> None:
    matrix = read_expression_matrix(FIXTURES / "abundance.tsv", genes=["DLL3", "CD274"])
    assert matrix.input_format == "kallisto abundance.tsv"
    assert matrix.tpm["TPM"].to_dict() == {"DLL3": 61.5 + 7.25, "CD274": 1.8}
    assert matrix.warnings[0] == (
        "kallisto transcript TPM summed per gene (gene name from the GENCODE target_id)."
    )
    plain = write(
        tmp_path,
        "abundance.tsv",
        "target_id\tlength\teff_length\test_counts\ttpm\nENST00000205948.11\t2309\t2131\t812\t61.5\n",
    )
    with pytest.raises(InputError) as error:
        read_expression_matrix(plain, genes=["DLL3"])
    assert "kallisto abundance.tsv is transcript-level and target_id 'ENST00000205948.11'" in str(
        error.value
    )
    assert error.value.column == "target_id"


def test_no_sample_column_selected_reads_no_values(tmp_path: Path) -> None:
    path = write(tmp_path, "m.tsv", "gene_id\tgene_name\tA\nENSG00000090932\tDLL3\t5.5\n")
    matrix = read_expression_matrix(path, genes=["DLL3"], columns=[])
    assert matrix.tpm.shape == (1, 0)
