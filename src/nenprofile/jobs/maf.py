"""Job of the split_maf_<key> rules: one pass over a cohort MAF that several sheet rows read,
writing each sample's rows to its own part (ingest.variants.maf_split), so that no profile
job reads the whole cohort's file."""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger("nenprofile")


def split_cohort_maf(
    *,
    inputs: dict[str, str],
    outputs: dict[str, str],
    params: dict[str, Any],
    config: dict[str, Any],
    wildcards: dict[str, str],
) -> None:
    from nenprofile.ingest.variants.maf_split import split_maf

    summary = split_maf(inputs["maf"], params["parts"], params["barcodes"])
    log.info(
        "%s: %d rows; %d sample(s) of the sheet, %d of them without rows; %d row(s) of %d "
        "barcode(s) that no sheet row names",
        summary.source,
        summary.source_rows,
        len(params["parts"]),
        len(summary.barcodes_without_rows),
        summary.unmatched_rows,
        len(summary.unmatched_barcodes),
    )
    for barcode in summary.barcodes_without_rows:
        log.warning("no row for Tumor_Sample_Barcode '%s' (its report says so)", barcode)
