"""Caller detection, tumor column choice and per-allele VAF / depth / alt-read extraction.

Callers disagree on where allele fractions live: Mutect2, VarDict, DRAGEN (FORMAT AF),
MuTect1 (FA), Pisces/TSO500 (VF), VarScan2 (FREQ percent string, RD/AD counts), Strelka
(no fraction: tier-1 AU/CU/GU/TU for SNVs, TAR/TIR for indels), MuSE (AD), PCGR-style
INFO TVAF/TDP. Merged files mix FORMAT layouts per record, so every record tries the
sources in order and the first one that yields a fraction wins.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from typing import Any

from nenprofile.errors import InputError

Counts = tuple[float | None, int | None, int | None]  # vaf, depth, alt_reads
NO_COUNTS: Counts = (None, None, None)


class ImpossibleVaf(Exception):
    """An allele fraction outside 0..1 (vcf.read_vcf names the file and the fix)."""

    def __init__(self, chrom: str, pos: int | str, ref: str, alt: str, vaf: float) -> None:
        super().__init__(
            f"the variant at {chrom}:{pos} {ref}>{alt} has a variant allele fraction of "
            f"{vaf:g}, outside 0 to 1"
        )


_CALLER_PATTERNS: tuple[tuple[str, str], ...] = (
    ("Mutect2", r"^##tumor_sample=|^##source=Mutect2|^##GATKCommandLine.*ID=Mutect2"),
    ("MuTect", r"^##GATKCommandLine.*ID=MuTect,"),
    ("Strelka2", r"^##source=.*strelka|^##content=strelka|configureStrelka"),
    ("VarDict", r"^##source=.*VarDict|^##FORMAT=<ID=VD,"),
    ("VarScan2", r"^##source=.*VarScan"),
    ("MuSE", r"^##MuSE|^##source=MuSE"),
    ("Pisces", r"^##source=Pisces|^##Pisces|^##FORMAT=<ID=VF,"),
    ("DRAGEN", r"^##DRAGENCommandLine|^##source=DRAGEN"),
    ("SomaticSniper", r"^##source=.*Sniper"),
)


def detect_caller(header_lines: Sequence[str], info_ids: set[str]) -> str:
    """Caller name from header lines; 'merged' when several callers left their mark."""
    found = []
    for name, pattern in _CALLER_PATTERNS:
        rx = re.compile(pattern, re.IGNORECASE)
        if any(rx.search(line) for line in header_lines):
            found.append(name)
    if "CALLERS" in info_ids or "set" in info_ids or len(found) > 1:
        return "merged"
    if found:
        if found[0] == "Strelka2" and any(
            line.startswith("##source_version=1") for line in header_lines
        ):
            return "Strelka"
        return found[0]
    if {"TVAF", "TDP"} <= info_ids:
        return "PCGR-style (TVAF/TDP)"
    return "unknown"


def header_value(header_lines: Sequence[str], key: str) -> str | None:
    prefix = f"##{key}="
    for line in header_lines:
        if line.startswith(prefix):
            return line[len(prefix) :].strip().strip('"')
    return None


def _bcbio_tumor(header_lines: Sequence[str]) -> str | None:
    for line in header_lines:
        if line.startswith("##SAMPLE=<") and "Genomes=Tumor" in line:
            return line.split("ID=", 1)[1].split(",", 1)[0].rstrip(">")
    return None


def choose_tumor_sample(
    path: str, samples: Sequence[str], header_lines: Sequence[str], tumor_sample: str | None
) -> str | None:
    """Sheet's tumor_sample; else ##tumor_sample; else a column named TUMOR/tumor; else
    bcbio's ##SAMPLE Genomes=Tumor; else the only column. None for sites-only files."""
    listed = ", ".join(samples) if samples else "(none: sites-only VCF)"
    if tumor_sample:
        if tumor_sample in samples:
            return tumor_sample
        raise InputError(
            f"tumor_sample '{tumor_sample}' is not a column of this VCF; its sample columns "
            f"are: {listed}",
            path=path,
            column="tumor_sample",
            fix=f"set tumor_sample in the sample sheet to one of: {listed}",
        )
    if not samples:
        return None
    for candidate in (header_value(header_lines, "tumor_sample"), _bcbio_tumor(header_lines)):
        if candidate and candidate in samples:
            return candidate
    for name in samples:
        if name.lower() == "tumor":
            return name
    if len(samples) == 1:
        return samples[0]
    raise InputError(
        f"cannot tell which of the {len(samples)} sample columns is the tumor; the columns "
        f"are: {listed}",
        path=path,
        column="tumor_sample",
        fix=f"set tumor_sample in the sample sheet to one of: {listed}",
    )


def _number(value: Any) -> float | None:
    """A numeric FORMAT value; None for missing (nan, int missing sentinel, '.')."""
    if isinstance(value, str):
        if not value or value == ".":
            return None
        try:
            return float(value.split(",", 1)[0])
        except ValueError:
            return None
    number = float(value)
    if math.isnan(number) or number < -2_000_000_000:
        return None
    return number


def _fmt(v: Any, tag: str) -> Any:
    """FORMAT values of one tag; None when absent (KeyError if the header never saw it)."""
    try:
        return v.format(tag)
    except KeyError:
        return None


def _row(array: Any, s: int) -> list[Any] | None:
    """One sample's values of a FORMAT array (numeric 2-D, or strings from undeclared tags)."""
    if array is None:
        return None
    row = array[s]
    if isinstance(row, str):
        return row.split(",")
    return row.tolist()  # python floats/ints: much cheaper to test than numpy scalars


def _depth(v: Any, s: int) -> int | None:
    dp = _row(_fmt(v, "DP"), s)
    if dp:
        value = _number(dp[0])
        if value is not None:
            return int(value)
    return None


def _allelic_depths(v: Any, s: int) -> list[float | None] | None:
    ad = _row(_fmt(v, "AD"), s)
    if not ad:
        return None
    return [_number(x) for x in ad]


def _fraction_field(tag: str) -> Callable[[Any, int, int, str, str], Counts | None]:
    def extract(v: Any, s: int, a: int, ref: str, alt: str) -> Counts | None:
        values = _row(_fmt(v, tag), s)
        if not values:
            return None
        vaf = _number(values[a - 1] if len(values) >= a else values[0])
        if vaf is None:
            return None
        ad = _allelic_depths(v, s)
        alt_reads = None
        ad_total = None
        allele_reads = ad[a] if ad and len(ad) > a else None
        if ad and allele_reads is not None:
            alt_reads = int(allele_reads)
            ad_total = int(sum(x for x in ad if x is not None))
        depth = _depth(v, s)
        if depth is None:
            depth = ad_total
        return round(vaf, 6), depth, alt_reads

    extract.fraction_tag = tag  # type: ignore[attr-defined] # read by textvcf's fast counts
    return extract


def _varscan_freq(v: Any, s: int, a: int, ref: str, alt: str) -> Counts | None:
    values = _row(_fmt(v, "FREQ"), s)
    if not values or values[0] in ("", "."):
        return None
    text = str(values[0]).rstrip("%")
    try:
        vaf = round(float(text) / 100.0, 6)
    except ValueError:
        return None
    ad = _allelic_depths(v, s)
    alt_reads = None
    if ad:
        # VarScan2 AD is the alt count alone (Number=1); VCF-standard AD is per allele
        value = ad[0] if len(ad) == 1 else (ad[a] if len(ad) > a else None)
        alt_reads = None if value is None else int(value)
    depth = _depth(v, s)
    if depth is None and ad and len(ad) == 1 and alt_reads is not None:
        rd = _row(_fmt(v, "RD"), s)
        ref_reads = _number(rd[0]) if rd else None
        depth = None if ref_reads is None else int(ref_reads) + alt_reads
    return vaf, depth, alt_reads


def _strelka_tiers(v: Any, s: int, a: int, ref: str, alt: str) -> Counts | None:
    if len(ref) == 1 and len(alt) == 1:
        counts = {}
        for base in "ACGT":
            row = _row(_fmt(v, f"{base}U"), s)
            if not row:
                return None
            counts[base] = _number(row[0]) or 0.0
        total = int(sum(counts.values()))
        alt_reads = int(counts.get(alt, 0.0))
        return (round(alt_reads / total, 6) if total else None), total, alt_reads
    tar, tir = _row(_fmt(v, "TAR"), s), _row(_fmt(v, "TIR"), s)
    if not tar or not tir:
        return None
    ref_reads, alt_count = _number(tar[0]), _number(tir[0])
    if ref_reads is None or alt_count is None:
        return None
    total = int(ref_reads + alt_count)
    return (round(alt_count / total, 6) if total else None), total, int(alt_count)


def _allelic_depth_only(v: Any, s: int, a: int, ref: str, alt: str) -> Counts | None:
    ad = _allelic_depths(v, s)
    allele_reads = ad[a] if ad and len(ad) > a else None
    if not ad or allele_reads is None:
        return None
    total = int(sum(x for x in ad if x is not None))
    depth = _depth(v, s)
    alt_reads = int(allele_reads)
    return (round(alt_reads / total, 6) if total else None), depth or total, alt_reads


def _info_tvaf(v: Any, s: int, a: int, ref: str, alt: str) -> Counts | None:
    tvaf = v.INFO.get("TVAF")
    if tvaf is None:
        return None
    tdp = v.INFO.get("TDP")
    vaf = _number(tvaf[a - 1] if isinstance(tvaf, tuple) else tvaf)
    depth = None if tdp is None else int(_number(tdp) or 0)
    alt_reads = round(vaf * depth) if vaf is not None and depth else None
    return (None if vaf is None else round(vaf, 6)), depth, alt_reads


Extractor = Callable[[Any, int, int, str, str], Counts | None]


def plan_extractors(format_ids: set[str], info_ids: set[str], caller: str) -> list[Extractor]:
    """Sources to try per record, in order. Undeclared FORMAT tags (old Strelka) still
    work: htslib adds them as strings when it meets them."""
    plan: list[Extractor] = []
    if caller in ("Strelka", "Strelka2"):
        plan.append(_strelka_tiers)
    for tag in ("AF", "FA", "VF"):
        if tag in format_ids:
            plan.append(_fraction_field(tag))
    if "FREQ" in format_ids:
        plan.append(_varscan_freq)
    tiers_possible = caller == "merged" or bool({"AU", "TAR"} & format_ids)
    if _strelka_tiers not in plan and tiers_possible:
        plan.append(_strelka_tiers)
    plan.append(_allelic_depth_only)
    if "TVAF" in info_ids:
        plan.append(_info_tvaf)
    return plan


def extract_counts(plan: list[Extractor], v: Any, s: int, a: int, ref: str, alt: str) -> Counts:
    for extractor in plan:
        counts = extractor(v, s, a, ref, alt)
        if counts is not None:
            return counts
    return NO_COUNTS


# Somatic status some callers write on every record, FILTER PASS included: VarScan2 INFO SS
# and MuTect1 / SomaticSniper / TCGA merges FORMAT SS (0 wild type/reference, 1 germline,
# 2 somatic, 3 LOH, 4 post-transcriptional, 5 unknown); VarDict INFO STATUS.
_SS_SKIPPED = {0: "wildtype_status_skipped", 1: "germline_status_skipped",
               3: "loh_status_skipped"}  # fmt: skip
_STATUS_SKIPPED = {"Germline": "germline_status_skipped", "LikelyLOH": "loh_status_skipped",
                   "StrongLOH": "loh_status_skipped"}  # fmt: skip
STATUS_CALLERS = frozenset({"VarScan2", "MuTect", "SomaticSniper", "VarDict", "merged"})
StatusCheck = Callable[[Any, int], str | None]


def somatic_status_check(
    caller: str, format_ids: set[str], info_ids: set[str], has_tumor: bool
) -> StatusCheck | None:
    """A function giving the count key of a record the caller marks as not somatic (None
    for somatic or unknown), or None when the file carries no such status."""
    use_format = has_tumor and "SS" in format_ids
    if not (use_format or {"SS", "STATUS"} & info_ids or caller in STATUS_CALLERS):
        return None

    def status(v: Any, s: int) -> str | None:
        if use_format:
            row = _row(_fmt(v, "SS"), s)
            value = _number(row[0]) if row else None
            if value is not None:
                return _SS_SKIPPED.get(int(value))
        info = v.INFO
        ss = info.get("SS")
        if ss is not None:
            value = _number(ss)
            return None if value is None else _SS_SKIPPED.get(int(value))
        label = info.get("STATUS")
        return _STATUS_SKIPPED.get(label) if isinstance(label, str) else None

    return status
