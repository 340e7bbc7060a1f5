# Per sample: ingest variants, copy number and fusions; classify; biomarkers; therapies.
# One job per sample for small cohorts; with profile_batch_size > 1 (by default from 100
# samples on), one job per batch of samples, which declares one manifest for the batch.


if PROFILE_BATCH_SIZE == 1:

    rule profile_sample:
        input:
            unpack(get_profile_inputs),
        output:
            **LAYOUT.profile_outputs("{sample}"),
        log:
            profile_log("{sample}"),
        group:
            "profile"
        conda:
            "../envs/nenprofile.yaml"
        threads: profile_threads
        resources:
            mem_mb=mem_mb_profile,
            runtime=20,
        params:
            record=get_sample_record,
        script:
            "../../scripts/profile_sample.py"

else:
    for batch, batch_samples in enumerate(PROFILE_BATCHES, start=1):
        inherit_resource_overrides("profile_sample", f"profile_samples_{batch}")

        rule:
            name:
                f"profile_samples_{batch}"
            input:
                profile_batch_inputs(batch_samples),
            output:
                **profile_batch_outputs(batch),
            log:
                profile_batch_log(batch),
            conda:
                "../envs/nenprofile.yaml"
            threads: 1
            resources:
                mem_mb=mem_mb_profile,
                runtime=runtime_profile_batch,
            params:
                samples=batch_samples,
                inputs={s: profile_inputs(s) for s in batch_samples},
                outputs={s: LAYOUT.profile_outputs(s) for s in batch_samples},
                records={s: SHEET.rows[s] for s in batch_samples},
            script:
                "../../scripts/profile_samples.py"
