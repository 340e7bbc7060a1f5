# Tumor board reports: per-sample HTML, PDF and JSON; the cohort report.


rule render_sample_report:
    input:
        unpack(get_report_inputs),
    output:
        html=report(
            f"{RESULTS}/samples/{{sample}}/{{sample}}.report.html",
            caption="../report/sample_report.rst",
            category="Tumor board reports",
            labels={"sample": "{sample}"},
        ),
        json=f"{RESULTS}/samples/{{sample}}/{{sample}}.report.json",
    params:
        record=get_sample_record,
    conda:
        "../envs/nenprofile.yaml"
    log:
        f"{LOGS}/render_sample_report/{{sample}}.log",
    threads: 1
    resources:
        mem_mb=mem_mb_profile,
        runtime=10,
    group:
        "sample_report"
    script:
        "../../scripts/render_sample_report.py"


rule print_sample_report_pdf:
    input:
        html=f"{RESULTS}/samples/{{sample}}/{{sample}}.report.html",
    output:
        pdf=f"{RESULTS}/samples/{{sample}}/{{sample}}.report.pdf",
    conda:
        "../envs/nenprofile.yaml"
    log:
        f"{LOGS}/print_sample_report_pdf/{{sample}}.log",
    threads: 1
    resources:
        mem_mb=mem_mb_profile,
        runtime=10,
    group:
        "sample_report"
    script:
        "../../scripts/print_report_pdf.py"


rule render_cohort_report:
    input:
        alterations=f"{RESULTS}/cohort/alterations.tsv",
        biomarkers=f"{RESULTS}/cohort/biomarkers.tsv",
        therapies=f"{RESULTS}/cohort/therapies.tsv",
        provenance=f"{RESULTS}/provenance/provenance.json",
        reports=expand(sample_path("{sample}", "report.json"), sample=SAMPLES),
    output:
        html=report(
            f"{RESULTS}/cohort/cohort_report.html",
            caption="../report/cohort_report.rst",
            category="Cohort",
            labels={"table": "cohort report"},
        ),
    params:
        records=SHEET.rows,
    conda:
        "../envs/nenprofile.yaml"
    log:
        f"{LOGS}/render_cohort_report/cohort.log",
    threads: 1
    resources:
        mem_mb=mem_mb_cohort,
        runtime=30,
    script:
        "../../scripts/render_cohort_report.py"
