"""The one TSV dialect: every text round-trips, no cell runs as a spreadsheet formula,
and JSON never holds NaN or Infinity."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nenprofile.cohort.tables import combine_tables
from nenprofile.ingest.variants.table import table_line
from nenprofile.io.outputs import format_cell, read_tsv, to_json, write_json, write_tsv
from nenprofile.jobs.reports import read_table
from nenprofile.model import Variant

HOSTILE = ['"', "'", "\t", "\n", "\r", "\\", "=", "@", "+", "-", ";", "é", "ß", "漢", "\u2028"]
_HOSTILE_TEXT = st.text(
    alphabet=st.one_of(st.sampled_from(HOSTILE), st.characters(blacklist_categories=("Cs",))),
    max_size=12,
)
FORMULA_STARTS = ("=", "+", "-", "@")


def _is_plain_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return cell.strip() == cell and cell.lower().lstrip("+-") not in ("nan", "inf", "infinity")


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.lists(_HOSTILE_TEXT, min_size=3, max_size=3), max_size=6))
def test_hostile_text_round_trips_and_never_runs_as_a_formula(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("tsv") / "t.tsv"
    columns = ["a", "b", "c"]
    records = [dict(zip(columns, row, strict=True)) for row in rows]
    write_tsv(path, records, columns)
    assert read_tsv(path) == (columns, records)
    lines = path.read_bytes().decode("utf-8").split("\n")
    assert lines[-1] == ""
    assert len(lines) == len(rows) + 2  # one line per row: no raw newline inside a cell
    for line in lines[:-1]:
        cells = line.split("\t")
        assert len(cells) == 3
        assert "\r" not in line
        for cell in cells:
            assert not cell.startswith(FORMULA_STARTS) or _is_plain_number(cell), cell


def test_dialect_cells_exactly():
    assert format_cell('"c.1A>G') == '"c.1A>G'
    assert format_cell("it's") == "it's"
    assert format_cell("'quoted") == "''quoted"
    assert format_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert format_cell("@SUM(A1)") == "'@SUM(A1)"
    assert format_cell("+cmd") == "'+cmd"
    assert format_cell("-2+3") == "'-2+3"
    assert format_cell("-") == "'-"
    assert format_cell("-1.2") == "-1.2"
    assert format_cell(-1.2) == "-1.2"
    assert format_cell("+3e5") == "+3e5"
    assert format_cell("a\\b") == "a\\\\b"
    assert format_cell(["=x", "y"]) == "'=x;y"
    assert format_cell(float("inf")) == ""


def test_a_leading_quote_no_longer_swallows_the_following_rows(tmp_path):
    """Written unquoted and read with quoting, '"c.1A>G' ate rows 2-4: 1 of 4 alterations."""
    path = tmp_path / "S1.alterations.tsv"
    rows = [{"gene": g, "hgvsc": h} for g, h in (("RB1", '"c.1A>G'), ("TP53", "c.2C>T"),
                                                  ("MYC", "it's"), ("PTEN", "c.4G>A"))]  # fmt: skip
    write_tsv(path, rows, ["gene", "hgvsc"])
    table = read_table(str(path))
    assert list(table["gene"]) == ["RB1", "TP53", "MYC", "PTEN"]
    assert list(table["hgvsc"]) == ['"c.1A>G', "c.2C>T", "it's", "c.4G>A"]


def test_cohort_tables_keep_hostile_cells_and_formula_guard(tmp_path):
    alt = tmp_path / "S1.alt.tsv"
    row = {"sample": "S1", "gene": "=EVIL()", "hgvsc": "a\tb"}
    write_tsv(alt, [row], ["sample", "gene", "hgvsc"])
    ther = tmp_path / "S1.ther.tsv"
    write_tsv(ther, [{"therapy": "@drug", "amp_tier": "II-C"}], ["therapy", "amp_tier"])
    bio = tmp_path / "S1.bio.json"
    write_json(bio, {"sample": "S1"})
    out = {k: tmp_path / f"cohort.{k}.tsv" for k in ("alt", "bio", "ther")}
    combine_tables(["S1"], [alt], [bio], [ther], {}, out["alt"], out["bio"], out["ther"])
    _, alterations = read_tsv(out["alt"])
    assert (alterations[0]["gene"], alterations[0]["hgvsc"]) == ("=EVIL()", "a\tb")
    assert "S1\t'=EVIL()\t\t\t\t\ta\\tb\t" in out["alt"].read_text()
    assert "\t'@drug\t" in out["ther"].read_text()


def test_variant_table_line_guards_formulas():
    variant = Variant("chr1", 5, "A", "T", gene="=X", consequence="@y", hgvsc="c.1\tA")
    cells = table_line(variant).split("\t")
    assert cells[4:8] == ["'=X", "unknown", "'@y", "c.1\\tA"]


def _strict(text: str) -> object:
    def refuse(constant: str) -> float:
        raise ValueError(f"bare {constant} in JSON")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_json_never_holds_nan_or_infinity(value):
    data = {"tmb": {"value": value, "thresholds": [1.0, value]}, "set": {value}}
    assert _strict(to_json(data)) == {
        "tmb": {"value": None, "thresholds": [1.0, None]},
        "set": [None],
    }


def test_the_marker_table_is_written_and_read_in_the_same_dialect(tmp_path):
    import pandas as pd

    from nenprofile.interpret.expression.markers import MARKER_TABLE_COLUMNS, read_marker_table
    from nenprofile.io.outputs import write_frame_tsv

    row = dict.fromkeys(MARKER_TABLE_COLUMNS, "x")
    row.update(sample="S1", tpm=1.5, log2_tpm=-0.25, percentile=12.0, zscore=float("nan"),
               n_reference=3, research_only=True, note='"quoted\tnote', reference="=cohort")  # fmt: skip
    path = tmp_path / "expression_markers.tsv"
    write_frame_tsv(path, pd.DataFrame([row, {**row, "sample": "S2", "note": ""}]))
    lines = path.read_text().splitlines()
    assert lines[1].split("\t")[3:6] == ["1.5", "-0.25", "12.0"]
    assert "\t'=cohort\t" in lines[1] and lines[1].endswith('\t"quoted\\tnote')
    table = read_marker_table(path)
    assert list(table["sample"]) == ["S1", "S2"]
    assert list(table["note"]) == ['"quoted\tnote', ""]
    assert list(table["reference"]) == ["=cohort", "=cohort"]
    assert list(table["log2_tpm"]) == [-0.25, -0.25]
