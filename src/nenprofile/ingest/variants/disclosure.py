"""Report lines for what a reader skipped and why (the counts themselves go to ingest.json)."""

from __future__ import annotations

from collections.abc import Mapping


def skip_warnings(counts: Mapping[str, int], tumor: str | None) -> list[str]:
    """Report lines for records skipped because the tumor column or the caller says they
    are not tumor variants (the counts are in ingest.json too)."""
    notes = []
    absent = {key: counts.get(f"{key}_skipped", 0) for key in ("homref", "nocall", "no_alt_reads")}
    if sum(absent.values()):
        notes.append(
            f"{sum(absent.values())} PASS record(s) skipped: the tumor column '{tumor}' shows no "
            f"variant (reference genotype {absent['homref']}, no-call {absent['nocall']}, zero "
            f"alt reads {absent['no_alt_reads']}). Fix: if the caller wrote the tumor in another "
            "column (MuTect1 does at times), set tumor_sample in the sample sheet"
        )
    status = {
        key: counts.get(f"{key}_status_skipped", 0) for key in ("germline", "loh", "wildtype")
    }
    if sum(status.values()):
        notes.append(
            f"{sum(status.values())} record(s) skipped that the caller marks as not somatic "
            f"(germline {status['germline']}, LOH {status['loh']}, wild type "
            f"{status['wildtype']}; VarScan2/MuTect SS, VarDict STATUS)"
        )
    if counts.get("duplicate_skipped"):
        notes.append(
            f"{counts['duplicate_skipped']} duplicated record(s) (same position, REF and ALT as "
            "a record before) read as one variant"
        )
    if counts.get("unsorted_records"):
        notes.append(
            f"the VCF is not sorted ({counts['unsorted_records']} record(s) go back in "
            "position): duplicated records were looked for among neighbouring records and, "
            "for reported genes, in the whole file. Fix: bcftools sort"
        )
    return notes
