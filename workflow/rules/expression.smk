# Cohort expression: markers, signatures and reference ranks for every sample with RNA.


rule score_expression_markers:
    input:
        unpack(get_expression_inputs),
    output:
        markers=f"{RESULTS}/cohort/expression_markers.tsv",
    params:
        expression_ids=get_expression_ids,
        explicit=get_explicit_expression_ids,
    conda:
        "../envs/nenprofile.yaml"
    log:
        f"{LOGS}/score_expression_markers/cohort.log",
    threads: 1
    resources:
        mem_mb=mem_mb_cohort,
        runtime=30,
    script:
        "../../scripts/score_expression_markers.py"
