"""Entry point of rule render_cohort_report: see nenprofile.jobs.reports.render_cohort_report."""

from nenprofile.jobs.reports import render_cohort_report
from nenprofile.jobs.runner import run_stage

run_stage(snakemake, render_cohort_report)
