"""report.cohort.text_rows: text rows are used as given, anything else made plain."""

from __future__ import annotations

from nenprofile.report.cohort import text_rows


def test_text_rows_are_not_copied():
    rows = [{"sample": "S1", "gene": "TP53"}, {"sample": "S2", "gene": ""}]
    assert text_rows(rows) is rows


def test_rows_with_other_values_are_made_plain():
    rows = [{"sample": "S1", "tmb": float("nan"), "n": 3}]
    plain = text_rows(rows)
    assert plain is not rows
    assert plain == [{"sample": "S1", "tmb": None, "n": 3}]
    assert text_rows(None) == []
