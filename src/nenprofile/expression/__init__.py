"""RNA expression: matrix readers, log2 TPM, reference ranks, marker calls and scores."""

from nenprofile.expression.genesets import (
    MARKER_GENES,
    MTOR_PI3K_GENES,
    SCLC_SUBTYPE_GENES,
    SCORE_NAMES,
    TCELL_INFLAMED_GEP_GENES,
)
from nenprofile.expression.markers import (
    MARKER_TABLE_COLUMNS,
    markers_for_sample,
    read_marker_table,
    score_cohort,
    score_matrix,
)
from nenprofile.expression.normalise import log2_tpm, percentile_weak, zscores
from nenprofile.expression.readers import (
    ExpressionMatrix,
    assemble_matrix,
    detect_layout,
    read_expression_matrix,
    read_sample_quant,
)
from nenprofile.expression.settings import ExpressionSettings

__all__ = [
    "MARKER_GENES",
    "MARKER_TABLE_COLUMNS",
    "MTOR_PI3K_GENES",
    "SCLC_SUBTYPE_GENES",
    "SCORE_NAMES",
    "TCELL_INFLAMED_GEP_GENES",
    "ExpressionMatrix",
    "ExpressionSettings",
    "assemble_matrix",
    "detect_layout",
    "log2_tpm",
    "markers_for_sample",
    "percentile_weak",
    "read_expression_matrix",
    "read_marker_table",
    "read_sample_quant",
    "score_cohort",
    "score_matrix",
    "zscores",
]
