"""Entry point of rule render_sample_report: see nenprofile.stages.render_sample_report."""

from nenprofile.stages import render_sample_report, run_stage

run_stage(snakemake, render_sample_report)
