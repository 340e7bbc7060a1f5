# nenprofile: molecular profiling of high-grade neuroendocrine neoplasms.
# Run the embedded demo:  snakemake --cores 2
# Run a cohort:           snakemake --cores 8 --configfile cohorts/<name>/config.yaml

from snakemake.utils import min_version

min_version("9.20.0")


# the demo's config only when the user gives none: a cohort config is never merged onto it
if not workflow.configfiles:

    configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/expression.smk"
include: "workflow/rules/profile.smk"
include: "workflow/rules/cohort.smk"
include: "workflow/rules/report.smk"
include: "workflow/rules/provenance.smk"


rule all:
    default_target: True
    input:
        get_final_outputs(),


onerror:
    report_failed_samples()
