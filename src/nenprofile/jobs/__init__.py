"""Job bodies of the workflow's rules: read a job's files, call the library, write outputs.
One module per rule family; `runner.run_stage` adapts a Snakemake `script:` job."""
