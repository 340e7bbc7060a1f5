# Provenance: versions, resolved config, knowledge-base version and input checksums.


rule record_provenance:
    input:
        [path for _, _, path in get_provenance_inputs()],
    output:
        provenance=f"{RESULTS}/provenance/provenance.json",
        config=f"{RESULTS}/provenance/config.resolved.yaml",
        checksums=f"{RESULTS}/provenance/inputs.sha256.tsv",
        versions=f"{RESULTS}/provenance/versions.tsv",
    params:
        inputs=get_provenance_inputs(),
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
