"""Entry point of rule score_expression_markers: see nenprofile.jobs.expression."""

from nenprofile.jobs.expression import score_expression_markers
from nenprofile.jobs.runner import run_stage

run_stage(snakemake, score_expression_markers)
