# Per sample: ingest variants, copy number and fusions; classify; biomarkers; therapies.


rule profile_sample:
    input:
        unpack(get_profile_inputs),
    output:
        variants=f"{RESULTS}/samples/{{sample}}/{{sample}}.variants.tsv.gz",
        alterations=f"{RESULTS}/samples/{{sample}}/{{sample}}.alterations.tsv",
        biomarkers=f"{RESULTS}/samples/{{sample}}/{{sample}}.biomarkers.json",
        therapies=f"{RESULTS}/samples/{{sample}}/{{sample}}.therapies.tsv",
        ingest=f"{RESULTS}/samples/{{sample}}/{{sample}}.ingest.json",
    params:
        record=get_sample_record,
    conda:
        "../envs/nenprofile.yaml"
    log:
        f"{LOGS}/profile_sample/{{sample}}.log",
    threads: profile_threads
    resources:
        mem_mb=mem_mb_profile,
        runtime=20,
    group:
        "profile"
    script:
        "../../scripts/profile_sample.py"
