"""RNA expression interpreted: reference ranks, marker calls and gene-set scores."""

from nenprofile.interpret.expression.genesets import (
    MARKER_GENES,
    MTOR_PI3K_GENES,
    SCLC_SUBTYPE_GENES,
    SCORE_NAMES,
    TCELL_INFLAMED_GEP_GENES,
)
from nenprofile.interpret.expression.markers import (
    MARKER_TABLE_COLUMNS,
    markers_by_sample,
    markers_for_sample,
    read_marker_table,
    score_cohort,
    score_matrix,
)
from nenprofile.interpret.expression.settings import ExpressionSettings

__all__ = [
    "MARKER_GENES",
    "MARKER_TABLE_COLUMNS",
    "MTOR_PI3K_GENES",
    "SCLC_SUBTYPE_GENES",
    "SCORE_NAMES",
    "TCELL_INFLAMED_GEP_GENES",
    "ExpressionSettings",
    "markers_by_sample",
    "markers_for_sample",
    "read_marker_table",
    "score_cohort",
    "score_matrix",
]
