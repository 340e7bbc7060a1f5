"""Entry point of rule combine_cohort_tables: see nenprofile.jobs.cohort.combine_cohort_tables."""

from nenprofile.jobs.cohort import combine_cohort_tables
from nenprofile.jobs.runner import run_stage

run_stage(snakemake, combine_cohort_tables)
