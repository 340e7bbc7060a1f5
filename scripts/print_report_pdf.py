"""Entry point of rule print_report_pdf: see nenprofile.stages.print_report_pdf."""

from nenprofile.stages import print_report_pdf, run_stage

run_stage(snakemake, print_report_pdf)
