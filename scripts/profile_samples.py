"""Entry point of the profile_samples_<k> batch rules: see nenprofile.stages.profile_samples."""

from nenprofile.stages import profile_samples, run_stage

run_stage(snakemake, profile_samples)
