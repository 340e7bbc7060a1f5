# nenprofile: molecular profiling of high-grade neuroendocrine neoplasms.
# Run the embedded demo:  snakemake --cores 2
# Run a cohort:           snakemake --cores 8 --config cohort_config=cohorts/<name>/config.yaml
# (the cohort config is read by workflow/rules/common.smk as plain YAML, never with
# Snakemake's --configfile, whose YTE templating runs code written in the file)

from snakemake.utils import min_version

min_version("9.20.0")


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/expression.smk"
include: "workflow/rules/maf.smk"
include: "workflow/rules/profile.smk"
include: "workflow/rules/cohort.smk"
include: "workflow/rules/report.smk"
include: "workflow/rules/provenance.smk"


rule all:
    default_target: True
    input:
        get_final_outputs(),


onsuccess:
    end_run_promptly()


onerror:
    report_failed_samples()
    end_run_promptly()
