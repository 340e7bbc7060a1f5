# Tumor board reports: per-sample HTML, PDF and JSON; the cohort report.


# Reports in batches of up to REPORT_BATCH_SIZE samples, one job per batch: one interpreter
# start-up per batch, not per sample, and per-job bookkeeping (Snakemake records input
# checksums for every output) stays linear in the cohort size.
for batch, batch_samples in enumerate(REPORT_BATCHES, start=1):

    rule:
        name:
            f"render_sample_reports_{batch}"
        input:
            **sample_reports_inputs(batch_samples),
        output:
            html=sample_report_html_outputs(batch_samples),
            json=[sample_path(s, "report.json") for s in batch_samples],
            pdf=[sample_path(s, "report.pdf") for s in batch_samples if WANT_PDF],
            manifest=report_batch_manifest(batch),
        params:
            samples=batch_samples,
        conda:
            "../envs/nenprofile.yaml"
        log:
            f"{LOGS}/render_sample_reports/batch{batch}.log",
        threads: 1
        resources:
            mem_mb=mem_mb_profile,
            runtime=runtime_sample_reports,
        script:
            "../../scripts/render_sample_reports.py"


rule render_cohort_report:
    input:
        alterations=f"{RESULTS}/cohort/alterations.tsv",
        biomarkers=f"{RESULTS}/cohort/biomarkers.tsv",
        therapies=f"{RESULTS}/cohort/therapies.tsv",
        provenance=f"{RESULTS}/provenance/provenance.json",
        reports=REPORT_BATCH_MANIFESTS,
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
