"""Entry point of rule record_provenance: see nenprofile.jobs.provenance.record_provenance."""

from nenprofile.jobs.provenance import record_provenance
from nenprofile.jobs.runner import run_stage

run_stage(snakemake, record_provenance)
