"""Entry point of rule profile_sample: see nenprofile.stages.profile_sample."""

from nenprofile.stages import profile_sample, run_stage

run_stage(snakemake, profile_sample)
