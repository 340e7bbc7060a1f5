"""OncoKB columns of a MAF that oncokb-annotator (MafAnnotator.py) has annotated.

The annotator appends GENE_IN_ONCOKB, VARIANT_IN_ONCOKB, MUTATION_EFFECT, ONCOGENIC, one
column per therapeutic level (LEVEL_1 ... LEVEL_R2, LEVEL_R3 in older releases) holding the
drugs (comma-separated; '+' joins a combination), HIGHEST_LEVEL, CITATIONS and the
diagnostic/prognostic levels (LEVEL_Dx*, LEVEL_Px*; not therapy claims, so not read). The
reader keeps the therapeutic levels of a row on its Variant (extra['oncokb']); matching shows
them as labelled extra lines (match/oncokb.py). Nothing from OncoKB is bundled.
"""

from __future__ import annotations

from collections.abc import Mapping

EXTRA_KEY = "oncokb"
# strongest first, as oncokb-annotator writes them
THERAPY_LEVELS = ("LEVEL_1", "LEVEL_2", "LEVEL_3A", "LEVEL_3B", "LEVEL_4",
                  "LEVEL_R1", "LEVEL_R2", "LEVEL_R3")  # fmt: skip
DESCRIPTIVE_COLUMNS = ("ONCOGENIC", "MUTATION_EFFECT", "HIGHEST_LEVEL")
_EMPTY = {"", ".", "NA", "N/A", "nan", "None"}


def has_oncokb_columns(header: list[str]) -> bool:
    """Whether the header carries at least one therapeutic-level column of oncokb-annotator."""
    return any(level in header for level in THERAPY_LEVELS)


def oncokb_levels(row: Mapping[str, str]) -> dict[str, str] | None:
    """The non-empty therapeutic levels of one annotated row (level -> drugs) with its
    ONCOGENIC, MUTATION_EFFECT and HIGHEST_LEVEL values; None when no level has drugs."""
    found = {
        level: drugs
        for level in THERAPY_LEVELS
        if (drugs := (row.get(level) or "").strip()) not in _EMPTY
    }
    if not found:
        return None
    for column in DESCRIPTIVE_COLUMNS:
        value = (row.get(column) or "").strip()
        if value not in _EMPTY:
            found[column] = value
    return found


__all__ = ["EXTRA_KEY", "THERAPY_LEVELS", "has_oncokb_columns", "oncokb_levels"]
