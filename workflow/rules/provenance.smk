# Provenance: versions, resolved config, knowledge-base version and input checksums.

PROVENANCE_INPUTS = get_provenance_inputs()


rule record_provenance:
    input:
        [path for _, _, path in PROVENANCE_INPUTS],
    output:
        provenance=f"{RESULTS}/provenance/provenance.json",
        config=f"{RESULTS}/provenance/config.resolved.yaml",
        checksums=f"{RESULTS}/provenance/inputs.sha256.tsv",
        versions=f"{RESULTS}/provenance/versions.tsv",
    params:
        inputs=PROVENANCE_INPUTS,
    conda:
        "../envs/nenprofile.yaml"
    log:
        f"{LOGS}/record_provenance/cohort.log",
    threads: 1
    resources:
        mem_mb=mem_mb_cohort,
        runtime=30,
    script:
        "../../scripts/record_provenance.py"
