# Cohort tables: per-sample outputs concatenated in sample-sheet order.


rule combine_cohort_tables:
    input:
        unpack(cohort_tables_inputs),
    output:
        alterations=report(
            LAYOUT.cohort_file("alterations"),
            caption="../report/cohort_tables.rst",
            category="Cohort",
            labels={"table": "alterations"},
        ),
        biomarkers=report(
            LAYOUT.cohort_file("biomarkers"),
            caption="../report/cohort_tables.rst",
            category="Cohort",
            labels={"table": "biomarkers"},
        ),
        therapies=report(
            LAYOUT.cohort_file("therapies"),
            caption="../report/cohort_tables.rst",
            category="Cohort",
            labels={"table": "therapies"},
        ),
        report_context=LAYOUT.cohort_file("report_context"),
    log:
        LAYOUT.log("combine_cohort_tables", "cohort"),
    conda:
        "../envs/nenprofile.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb_cohort,
        runtime=30,
    params:
        samples=SAMPLES,
        records=SHEET.rows,
    script:
        "../../scripts/combine_cohort_tables.py"
