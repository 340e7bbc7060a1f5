"""Entry point of rule render_cohort_report: see nenprofile.stages.render_cohort_report."""

from nenprofile.stages import render_cohort_report, run_stage

run_stage(snakemake, render_cohort_report)
