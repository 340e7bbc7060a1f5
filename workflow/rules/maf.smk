# A MAF that several sheet rows read (a cohort MAF) is read once: one job per such file
# writes each sample's rows to its own part, which that sample's profiling job reads.


for cohort_maf, maf_samples in COHORT_MAFS.items():

    rule:
        name:
            f"split_{maf_key(cohort_maf)}"
        input:
            maf=cohort_maf,
        output:
            list(maf_parts(cohort_maf).values()),
        log:
            split_maf_log(cohort_maf),
        conda:
            "../envs/nenprofile.yaml"
        threads: 1
        resources:
            mem_mb=mem_mb_split_maf,
            runtime=runtime_split_maf,
        params:
            parts=maf_parts(cohort_maf),
            barcodes=maf_barcodes(maf_samples),
        script:
            "../../scripts/split_maf.py"
