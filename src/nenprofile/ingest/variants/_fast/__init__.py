"""Private fast path for large VCFs: raw-text parsing, the inlined VEP loop and the
two-process read. Only `ingest.variants.vcf` uses it; tests pin it to the cyvcf2 path."""
