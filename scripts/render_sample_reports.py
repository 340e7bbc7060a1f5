"""Entry point of the render_sample_reports_<k> batch rules: see nenprofile.jobs.reports."""

from nenprofile.jobs.reports import render_sample_reports
from nenprofile.jobs.runner import run_stage

run_stage(snakemake, render_sample_reports)
