# Provenance: versions, resolved config, knowledge-base version and input checksums.

PROVENANCE_INPUTS = get_provenance_inputs()


rule record_provenance:
    input:
        [path for _, _, path in PROVENANCE_INPUTS],
    output:
        **provenance_outputs(),
    log:
        LAYOUT.log("record_provenance", "cohort"),
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
