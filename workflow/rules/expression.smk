# Cohort expression: markers, signatures and reference ranks for every sample with RNA.


rule score_expression_markers:
    input:
        unpack(get_expression_inputs),
    output:
        markers=LAYOUT.cohort_file("expression_markers"),
        disclosure=LAYOUT.cohort_file("expression_input"),
    log:
        LAYOUT.log("score_expression_markers", "cohort"),
    conda:
        "../envs/nenprofile.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb_cohort,
        runtime=30,
    params:
        expression_ids=get_expression_ids,
        explicit=get_explicit_expression_ids,
    script:
        "../../scripts/score_expression_markers.py"
