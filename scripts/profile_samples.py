"""Entry point of the profile_samples_<k> batch rules: see nenprofile.jobs.profile."""

from nenprofile.jobs.profile import profile_samples
from nenprofile.jobs.runner import run_stage

run_stage(snakemake, profile_samples)
