"""Entry point of rule score_expression_markers: see nenprofile.stages.score_expression_markers."""

from nenprofile.stages import run_stage, score_expression_markers

run_stage(snakemake, score_expression_markers)
