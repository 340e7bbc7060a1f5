# Provenance: versions, resolved config, knowledge-base version and input checksums.

PROVENANCE_INPUTS = get_provenance_inputs()


rule record_provenance:
    input:
        [path for _, _, path in PROVENANCE_INPUTS],
    output:
        **provenance_outputs(),
    log:
        LAYOUT.log("record_provenance", "cohort"),
    # after the profiling jobs when both are ready: Snakemake's scheduler otherwise prefers
    # the job with the most input bytes, and this one checksums every input, so a one-sample
    # run whose profiling job takes both cores waited for it; it runs beside the cohort
    # tables job instead (only the reports need it)
    priority: -1
    conda:
        "../envs/nenprofile.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb_cohort,
        runtime=30,
    params:
        inputs=PROVENANCE_INPUTS,
    script:
        "../../scripts/record_provenance.py"
