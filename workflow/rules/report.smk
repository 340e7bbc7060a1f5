# Tumor board reports: per-sample HTML, PDF and JSON; the cohort report.


rule render_sample_reports:
    input:
        unpack(get_sample_reports_inputs),
    output:
        html=sample_report_html_outputs(),
        json=expand(sample_path("{sample}", "report.json"), sample=SAMPLES),
        pdf=expand(sample_path("{sample}", "report.pdf"), sample=PDF_SAMPLES),
        manifest=SAMPLE_REPORTS_MANIFEST,
    params:
        samples=SAMPLES,
    conda:
        "../envs/nenprofile.yaml"
    log:
        f"{LOGS}/render_sample_reports/reports.log",
    threads: 4
    resources:
        mem_mb=mem_mb_cohort,
        runtime=runtime_sample_reports,
    script:
        "../../scripts/render_sample_reports.py"


rule render_cohort_report:
    input:
        alterations=f"{RESULTS}/cohort/alterations.tsv",
        biomarkers=f"{RESULTS}/cohort/biomarkers.tsv",
        therapies=f"{RESULTS}/cohort/therapies.tsv",
        provenance=f"{RESULTS}/provenance/provenance.json",
        reports=SAMPLE_REPORTS_MANIFEST,
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
