"""Entry point of rule combine_cohort_tables: see nenprofile.stages.combine_cohort_tables."""

from nenprofile.stages import combine_cohort_tables, run_stage

run_stage(snakemake, combine_cohort_tables)
