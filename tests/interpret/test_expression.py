"""Expression scoring on small constructed matrices with hand-computed expected values.

TPM values are 2**k - 1 so that log2(TPM + 1) = k exactly.
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import pandas as pd
import pytest

from nenprofile.errors import InputError
from nenprofile.ingest.expression import percentile_weak, zscores
from nenprofile.interpret.expression import (
    MARKER_TABLE_COLUMNS,
    ExpressionSettings,
    markers_for_sample,
    read_marker_table,
    score_cohort,
    score_matrix,
)

SAMPLES = {"S1": "c1", "S2": "c2", "S3": "c3", "S4": "c4"}
# the 4-sample matrix is its own reference: gene-set calls need min_reference_size <= 4
FOUR = ExpressionSettings(min_reference_size=4)


def tpm(*log2_values: float) -> list[float]:
    return [2.0**k - 1 for k in log2_values]


@pytest.fixture
def matrix() -> pd.DataFrame:
    rows = {
        "DLL3": tpm(0, 1, 2, 3),  # mean 1.5, sd sqrt(1.25)
        "MTOR": tpm(0, 1, 2, 3),
        "AKT1": tpm(0, 0, 0, 4),  # mean 1, sd sqrt(3)
        "ASCL1": tpm(0, 0, 0, 4),
        "NEUROD1": tpm(4, 0, 0, 0),
        "POU2F3": tpm(0, 4, 0, 0),
        "SSTR2": tpm(0, 0, 0, 0),  # sd 0
        "MGMT": tpm(3, 2, 1, 0),
    }
    return pd.DataFrame(rows, index=list(SAMPLES.values())).T


def row(table: pd.DataFrame, sample: str, marker: str) -> pd.Series:
    hit = table[(table["sample"] == sample) & (table["marker"] == marker)]
    assert len(hit) == 1
    return hit.iloc[0]


def test_percentile_and_zscore_definitions() -> None:
    reference = [0.0, 1.0, 1.0, 3.0]
    assert percentile_weak(reference, [1.0, 0.5, 3.0, -1.0]).tolist() == [75.0, 25.0, 100.0, 0.0]
    z, sd_zero = zscores(reference, [3.0])
    assert z[0] == pytest.approx((3 - 1.25) / math.sqrt(1.1875))  # population sd
    assert not sd_zero
    assert zscores([2.0, 2.0], [5.0]) == (pytest.approx([0.0]), True)


def test_single_gene_values_and_calls_at_boundaries(matrix: pd.DataFrame) -> None:
    table = score_matrix(matrix, SAMPLES)
    sd = math.sqrt(1.25)
    expected = {
        "S1": (25.0, -1.5 / sd, "low"),  # percentile 25 == low_percentile -> low
        "S2": (50.0, -0.5 / sd, "intermediate"),
        "S3": (75.0, 0.5 / sd, "high"),  # percentile 75 == high_percentile -> high
        "S4": (100.0, 1.5 / sd, "high"),
    }
    for sample, (percentile, z, call) in expected.items():
        dll3 = row(table, sample, "DLL3")
        assert dll3["percentile"] == percentile
        assert dll3["zscore"] == pytest.approx(z)
        assert dll3["call"] == call
        assert dll3["reference"] == "cohort (n=4)"
        assert dll3["n_reference"] == 4
        assert dll3["research_only"]
    assert row(table, "S4", "DLL3")["tpm"] == pytest.approx(7.0)
    assert row(table, "S4", "DLL3")["log2_tpm"] == pytest.approx(3.0)
    assert row(table, "S4", "MGMT")["call"] == "low"


def test_table_shape_and_order(matrix: pd.DataFrame) -> None:
    table = score_matrix(matrix, SAMPLES)
    assert list(table.columns) == MARKER_TABLE_COLUMNS
    assert len(table) == 4 * 16
    assert table["sample"].tolist()[:16] == ["S1"] * 16
    assert table["marker"].tolist()[:16] == [
        "CD274",
        "PDCD1LG2",
        "SSTR2",
        "DLL3",
        "SLFN11",
        "MGMT",
        "CHGA",
        "SYP",
        "INSM1",
        "ASCL1",
        "NEUROD1",
        "POU2F3",
        "YAP1",
        "TCELL_INFLAMED_GEP",
        "MTOR_PI3K_SCORE",
        "SCLC_SUBTYPE",
    ]


def test_missing_marker_is_not_available_never_zero(matrix: pd.DataFrame) -> None:
    table = score_matrix(matrix, SAMPLES)
    cd274 = row(table, "S1", "CD274")
    assert cd274["call"] == "not_available"
    assert math.isnan(cd274["tpm"]) and math.isnan(cd274["zscore"])
    assert cd274["note"].startswith("CD274 not in the expression matrix")
    gep = row(table, "S1", "TCELL_INFLAMED_GEP")
    assert gep["call"] == "not_available"
    assert gep["note"].startswith("no genes available")


def test_gene_set_score_is_mean_z_of_available_genes(matrix: pd.DataFrame) -> None:
    table = score_matrix(matrix, SAMPLES, settings=FOUR)
    mtor_z = [k / math.sqrt(1.25) for k in (-1.5, -0.5, 0.5, 1.5)]
    akt1_z = [-1 / math.sqrt(3)] * 3 + [3 / math.sqrt(3)]
    expected_calls = ["low", "intermediate", "high", "high"]
    for i, sample in enumerate(SAMPLES):
        score = row(table, sample, "MTOR_PI3K_SCORE")
        assert score["zscore"] == pytest.approx((mtor_z[i] + akt1_z[i]) / 2)
        assert score["percentile"] == 25.0 * (i + 1)
        assert score["call"] == expected_calls[i]
        assert score["genes"] == "AKT1;MTOR"
        assert score["note"].startswith("score = mean z of 2 of 13 genes (missing: PIK3CA, ")
        assert "not predictive of rapalog benefit" in score["note"]


def test_sclc_subtype_by_highest_z(matrix: pd.DataFrame) -> None:
    table = score_matrix(matrix, SAMPLES, settings=FOUR)
    calls = {s: row(table, s, "SCLC_SUBTYPE")["call"] for s in SAMPLES}
    assert calls == {"S1": "SCLC-N", "S2": "SCLC-P", "S3": "unassigned", "S4": "SCLC-A"}
    s3 = row(table, "S3", "SCLC_SUBTYPE")
    assert s3["zscore"] == pytest.approx(-1 / math.sqrt(3))
    assert "missing: YAP1" in s3["note"]
    assert row(table, "S4", "SCLC_SUBTYPE")["zscore"] == pytest.approx(math.sqrt(3))
    assert row(table, "S1", "YAP1")["call"] == "not_available"


def test_sclc_subtype_needs_z_above_half() -> None:
    # log2 values 0,3,3,3,3: mean 2.4, sd 1.2 -> z = -2, 0.5, 0.5, 0.5, 0.5 (exactly)
    five = {f"S{i}": f"c{i}" for i in range(5)}
    frame = pd.DataFrame({"ASCL1": tpm(0, 3, 3, 3, 3)}, index=list(five.values())).T
    table = score_matrix(frame, five, settings=ExpressionSettings(min_reference_size=5))
    assert row(table, "S1", "SCLC_SUBTYPE")["zscore"] == 0.5
    assert row(table, "S1", "SCLC_SUBTYPE")["call"] == "unassigned"
    frame.loc["ASCL1", "c0"] = 0.5  # log2 0.585: mean falls, sd shrinks -> z of the 3s < 0.5
    frame.loc["ASCL1", "c1"] = tpm(4)[0]  # S1 now clearly highest
    table = score_matrix(frame, five, settings=ExpressionSettings(min_reference_size=5))
    assert row(table, "S1", "SCLC_SUBTYPE")["zscore"] > 0.5
    assert row(table, "S1", "SCLC_SUBTYPE")["call"] == "SCLC-A"


def test_zero_sd_gives_zero_z_and_intermediate_call(matrix: pd.DataFrame) -> None:
    sstr2 = row(score_matrix(matrix, SAMPLES), "S2", "SSTR2")
    assert sstr2["zscore"] == 0.0
    assert sstr2["percentile"] == 100.0
    assert sstr2["call"] == "intermediate"
    assert "reference sd is 0" in sstr2["note"]


def test_small_cohort_warning_and_setting(matrix: pd.DataFrame) -> None:
    table = score_matrix(matrix, SAMPLES)
    warning = "reference has 4 samples (< min_reference_size 10): percentiles are coarse"
    assert table.attrs["warnings"] == [
        warning,
        "reference has 4 samples (< min_reference_size 10): gene-set scores and the SCLC "
        "subtype are not_informative",
    ]
    assert row(table, "S1", "DLL3")["note"].endswith(warning)
    quiet = score_matrix(matrix, SAMPLES, settings=ExpressionSettings(min_reference_size=4))
    assert quiet.attrs["warnings"] == []


def test_custom_percentile_thresholds(matrix: pd.DataFrame) -> None:
    settings = ExpressionSettings(high_percentile=100, low_percentile=0)
    table = score_matrix(matrix, SAMPLES, settings=settings)
    assert [row(table, s, "DLL3")["call"] for s in SAMPLES] == [
        "intermediate",
        "intermediate",
        "intermediate",
        "high",
    ]


@pytest.mark.parametrize(
    "values",
    [{"high_percentile": 20, "low_percentile": 30}, {"min_reference_size": 0}, {"foo": 1}],
)
def test_bad_settings_raise(values: dict) -> None:
    with pytest.raises(InputError):
        ExpressionSettings.from_mapping(values)


def test_reference_matrix_path(tmp_path: Path) -> None:
    reference = tmp_path / "ref.tsv"
    header = "gene\t" + "\t".join(f"r{i}" for i in range(10))
    reference.write_text(header + "\nDLL3\t" + "\t".join(str(v) for v in tpm(*range(10))) + "\n")
    cohort = tmp_path / "cohort.tsv"
    cohort.write_text("gene\tx\ny\nDLL3\t15\t1023\n".replace("\ny", "\ty"))
    table = score_cohort(cohort, {"A": "x", "B": "y"}, reference_path=reference)
    a = row(table, "A", "DLL3")  # log2 4 against 0..9: 5 of 10 <= 4
    assert a["percentile"] == 50.0
    assert a["zscore"] == pytest.approx(-0.5 / math.sqrt(8.25))
    assert a["call"] == "intermediate"
    assert a["reference"] == "reference ref.tsv (n=10)"
    assert a["n_reference"] == 10
    b = row(table, "B", "DLL3")  # log2 10, above all reference values
    assert (b["percentile"], b["call"]) == (100.0, "high")
    assert table.attrs["warnings"] == []
    assert row(table, "A", "MGMT")["note"].startswith("MGMT not in the expression matrix")


def test_gene_absent_from_reference_is_not_available(tmp_path: Path) -> None:
    reference = tmp_path / "ref.tsv"
    reference.write_text("gene\tr1\nMGMT\t3\n")
    cohort = tmp_path / "cohort.tsv"
    cohort.write_text("gene\tx\nDLL3\t15\nMGMT\t1\n")
    table = score_cohort(cohort, {"A": "x"}, reference_path=reference)
    assert row(table, "A", "DLL3")["call"] == "not_available"
    assert row(table, "A", "DLL3")["note"].startswith("DLL3 not in the reference matrix")
    assert row(table, "A", "MGMT")["percentile"] == 0.0


def test_two_samples_may_share_one_column(matrix: pd.DataFrame) -> None:
    table = score_matrix(matrix, {"S1": "c1", "S1b": "c1", "S4": "c4"})
    assert row(table, "S1b", "DLL3")["reference"] == "cohort (n=2)"
    assert row(table, "S1b", "DLL3")["percentile"] == 50.0


def test_markers_for_sample_and_table_round_trip(matrix: pd.DataFrame, tmp_path: Path) -> None:
    table = score_matrix(matrix, SAMPLES, settings=FOUR)
    markers = markers_for_sample(table, "S4")
    assert len(markers) == 16
    dll3 = markers["DLL3"]
    assert dll3["gene"] == "DLL3"
    assert dll3["call"] == "high"
    assert dll3["research_only"] is True
    assert markers["CD274"]["tpm"] is None
    assert markers["SCLC_SUBTYPE"]["call"] == "SCLC-A"
    json.dumps(markers)  # plain JSON types only
    assert markers_for_sample(table, "nobody") == {}

    path = tmp_path / "expression_markers.tsv"
    table.to_csv(path, sep="\t", index=False)
    back = read_marker_table(path)
    assert markers_for_sample(back, "S4") == markers


def test_read_marker_table_rejects_wrong_columns(tmp_path: Path) -> None:
    path = tmp_path / "t.tsv"
    path.write_text("sample\tmarker\nS1\tDLL3\n")
    with pytest.raises(InputError, match="lacks column"):
        read_marker_table(path)


def test_per_sample_nan_is_not_available() -> None:
    frame = pd.DataFrame({"a": [1.0], "b": [float("nan")], "c": [3.0]}, index=["DLL3"])
    table = score_matrix(frame, {"A": "a", "B": "b", "C": "c"})
    b = row(table, "B", "DLL3")
    assert b["call"] == "not_available"
    assert b["note"].startswith("no DLL3 value for this sample")
    assert row(table, "C", "DLL3")["n_reference"] == 2


def test_small_reference_makes_gene_sets_and_subtype_not_informative(matrix) -> None:
    table = score_matrix(matrix, SAMPLES)  # 4 samples < min_reference_size 10
    assert [row(table, s, "MTOR_PI3K_SCORE")["call"] for s in SAMPLES] == ["not_informative"] * 4
    assert [row(table, s, "SCLC_SUBTYPE")["call"] for s in SAMPLES] == ["not_informative"] * 4
    # the score itself is still shown; only the call is withheld
    assert row(table, "S4", "MTOR_PI3K_SCORE")["zscore"] == pytest.approx(
        (1.5 / math.sqrt(1.25) + 3 / math.sqrt(3)) / 2
    )
    assert (
        "not_informative: z-scores of a reference smaller than min_reference_size"
        in row(table, "S4", "MTOR_PI3K_SCORE")["note"]
    )
    assert row(table, "S4", "DLL3")["call"] == "high"  # single genes keep their call


def test_one_sample_reference_gives_no_high_immune_signature(tmp_path: Path) -> None:
    genes = ["CCL5", "CD27", "CD274", "CD276", "CD8A", "CMKLR1", "CXCL9", "CXCR6"]
    matrix = tmp_path / "one.tsv"
    matrix.write_text("gene\tx\n" + "".join(f"{g}\t{10 + i}\n" for i, g in enumerate(genes)))
    table = score_cohort(matrix, {"A": "x"})
    gep = row(table, "A", "TCELL_INFLAMED_GEP")
    assert gep["call"] == "not_informative"
    assert row(table, "A", "CD274")["call"] == "intermediate"  # tie: rank not informative


def test_read_marker_table_decodes_every_text_column_without_a_deprecation_warning(
    matrix: pd.DataFrame, tmp_path: Path
) -> None:
    """pandas 3 reads text as str, which select_dtypes(include="object") takes only with a
    warning and pandas 4 will not take at all: the cells would stay encoded."""
    from nenprofile.io.outputs import encode_text

    table = score_matrix(matrix, SAMPLES, settings=FOUR)
    table["note"] = "=HYPERLINK(x)\tsecond"
    path = tmp_path / "expression_markers.tsv"
    table.assign(note=table["note"].map(encode_text)).to_csv(path, sep="\t", index=False)
    assert "'=HYPERLINK(x)\\tsecond" in path.read_text()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        back = read_marker_table(path)
    assert set(back["note"]) == {"=HYPERLINK(x)\tsecond"}
