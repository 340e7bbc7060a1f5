"""Entry point of rule record_provenance: see nenprofile.stages.record_provenance."""

from nenprofile.stages import record_provenance, run_stage

run_stage(snakemake, record_provenance)
