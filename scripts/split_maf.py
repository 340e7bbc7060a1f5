"""Entry point of the split_maf_<key> rules: see nenprofile.jobs.maf."""

from nenprofile.jobs.maf import split_cohort_maf
from nenprofile.jobs.runner import run_stage

run_stage(snakemake, split_cohort_maf)
