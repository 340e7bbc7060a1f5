# Cohort tables: per-sample outputs concatenated in sample-sheet order.


rule combine_cohort_tables:
    input:
        alterations=expand(sample_path("{sample}", "alterations.tsv"), sample=SAMPLES),
        biomarkers=expand(sample_path("{sample}", "biomarkers.json"), sample=SAMPLES),
        therapies=expand(sample_path("{sample}", "therapies.tsv"), sample=SAMPLES),
    output:
        alterations=report(
            f"{RESULTS}/cohort/alterations.tsv",
            caption="../report/cohort_tables.rst",
            category="Cohort",
            labels={"table": "alterations"},
        ),
        biomarkers=report(
            f"{RESULTS}/cohort/biomarkers.tsv",
            caption="../report/cohort_tables.rst",
            category="Cohort",
            labels={"table": "biomarkers"},
        ),
        therapies=report(
            f"{RESULTS}/cohort/therapies.tsv",
            caption="../report/cohort_tables.rst",
            category="Cohort",
            labels={"table": "therapies"},
        ),
    params:
        samples=SAMPLES,
        records=SHEET.rows,
    conda:
        "../envs/nenprofile.yaml"
    log:
        f"{LOGS}/combine_cohort_tables/cohort.log",
    threads: 1
    resources:
        mem_mb=mem_mb_cohort,
        runtime=30,
    script:
        "../../scripts/combine_cohort_tables.py"
