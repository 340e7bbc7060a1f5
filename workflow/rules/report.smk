# Tumor board reports: per-sample HTML, PDF and JSON; the cohort report.


# Reports in batches of up to REPORT_BATCH_SIZE samples, one job per batch: one interpreter
# start-up per batch, not per sample, and per-job bookkeeping (Snakemake records input
# checksums for every output) stays linear in the cohort size.
for batch, batch_samples in enumerate(REPORT_BATCHES, start=1):
    inherit_resource_overrides("render_sample_reports", f"render_sample_reports_{batch}")

    rule:
        name:
            f"render_sample_reports_{batch}"
        input:
            **sample_reports_inputs(batch_samples),
        output:
            # the manifest first: what rules downstream ask for, and Snakemake finds a rule's
            # output for a path by compiling its outputs' patterns in order until one matches
            manifest=LAYOUT.report_batch_manifest(batch),
            html=sample_report_html_outputs(batch_samples),
            json=sample_report_files(batch_samples, "json"),
            pdf=sample_report_files(batch_samples if WANT_PDF else [], "pdf"),
        log:
            LAYOUT.log("render_sample_reports", f"batch{batch}"),
        conda:
            "../envs/nenprofile.yaml"
        threads: 1
        resources:
            mem_mb=mem_mb_profile,
            runtime=runtime_sample_reports,
        params:
            samples=batch_samples,
        script:
            "../../scripts/render_sample_reports.py"


# Beside the sample reports, not after them: the cohort page only links to them. When a
# report batch fails, the workflow's onerror handler (jobs.recovery) replaces this page with
# one listing every sample whose report is missing or stale as failed.
rule render_cohort_report:
    input:
        alterations=LAYOUT.cohort_file("alterations"),
        biomarkers=LAYOUT.cohort_file("biomarkers"),
        therapies=LAYOUT.cohort_file("therapies"),
        provenance=LAYOUT.provenance_file("provenance"),
    output:
        html=report(
            LAYOUT.cohort_file("report"),
            caption="../report/cohort_report.rst",
            category="Cohort",
            labels={"table": "cohort report"},
        ),
    log:
        LAYOUT.log("render_cohort_report", "cohort"),
    conda:
        "../envs/nenprofile.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb_cohort,
        runtime=30,
    params:
        records=SHEET.rows,
    script:
        "../../scripts/render_cohort_report.py"
