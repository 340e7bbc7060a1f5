"""Entry point of rule profile_sample: see nenprofile.jobs.profile.profile_sample."""

from nenprofile.jobs.profile import profile_sample
from nenprofile.jobs.runner import run_stage

run_stage(snakemake, profile_sample)
