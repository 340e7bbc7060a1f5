"""Entry point of rule render_sample_reports: see nenprofile.stages.render_sample_reports."""

from nenprofile.stages import render_sample_reports, run_stage

run_stage(snakemake, render_sample_reports)
