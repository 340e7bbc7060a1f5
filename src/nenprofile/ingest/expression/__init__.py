"""RNA expression input: matrix and per-sample quantification readers, log2 TPM."""

from nenprofile.ingest.expression.normalise import log2_tpm, percentile_weak, zscores
from nenprofile.ingest.expression.readers import (
    ExpressionMatrix,
    assemble_matrix,
    detect_layout,
    read_expression_matrix,
    read_sample_quant,
)

__all__ = [
    "ExpressionMatrix",
    "assemble_matrix",
    "detect_layout",
    "log2_tpm",
    "percentile_weak",
    "read_expression_matrix",
    "read_sample_quant",
    "zscores",
]
