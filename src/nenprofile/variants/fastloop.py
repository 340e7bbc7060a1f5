"""The tight loop for the common VCF: VEP CSQ, one ALT, tumor FORMAT AF/AD/DP, raw text.

Only the work vcf._stream does for such records, inlined: no per-record Record object, the
tumor column split once, FORMAT tag positions cached per FORMAT string, CSQ parsed by the
shared CsqParser. Every record that is not that simple case (several or no ALTs, symbolic
alleles aside, records without a CSQ entry for the allele) goes through vcf._stream's own
per-record function with a textvcf.Record, so both routes count and build identically.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable
from typing import Any

from nenprofile.genes import normalise_chrom
from nenprofile.model import Variant
from nenprofile.variants.annotation import CsqParser
from nenprofile.variants.callers import NO_COUNTS, Extractor
from nenprofile.variants.consequences import variant_class
from nenprofile.variants.textvcf import (
    Record,
    TextPathUnsupported,
    TextVCF,
    _fraction_and_depths,
    info_text,
    usual_counts_tags,
)

# Variant is built positionally here (kwargs cost 2.5x per object); only if the model's
# field order is the one this loop writes
VARIANT_FIELDS = ("chrom", "pos", "ref", "alt", "gene", "variant_class", "consequence",
                  "hgvsc", "hgvsp", "transcript", "exon", "vaf", "depth", "alt_reads",
                  "population_af", "clinvar", "existing_variation", "filter",
                  "annotation_source", "extra")  # fmt: skip
POSITIONAL_VARIANT = tuple(f.name for f in dataclasses.fields(Variant)) == VARIANT_FIELDS

Loop = Callable[
    [Callable[[Any], None], Counter[str], list[Variant], list[int], dict[str, str]], None
]


def _symbolic(alt: str) -> bool:
    return alt[0] in "<*." or alt[-1] == "." or "[" in alt or "]" in alt


def vep_fast_loop(
    reader: TextVCF,
    plan: list[Extractor],
    parser: CsqParser,
    check_gt: bool,
    pass_only: bool,
    allowed: frozenset[str],
    min_vaf: float,
    min_depth: int,
) -> Loop | None:
    """The loop for this file, or None when the file is not the common case."""
    tags = usual_counts_tags(reader, plan)
    if tags is None or not POSITIONAL_VARIANT or reader.n_samples == 0:
        return None
    if reader.info_types.get("CSQ", "String") != "String":
        return None
    wanted = ("GT", *tags)
    column = 9 + reader.tumor_index
    parse = parser.parse_fields
    source = parser.source

    def loop(
        one_record: Callable[[Any], None],
        counts: Counter[str],
        variants: list[Variant],
        tally: list[int],
        chroms: dict[str, str],
    ) -> None:
        layouts: dict[str, tuple[int | None, ...]] = {}
        append = variants.append
        records = passed = 0
        for fields in reader.lines():
            alt = fields[4]
            if "," in alt or alt == ".":
                one_record(Record(fields, reader))
                continue
            records += 1
            flt = fields[6]
            if flt == "PASS" or flt == ".":
                flt = "PASS"
            elif pass_only and not (allowed and allowed.issuperset(flt.split(";"))):
                counts["filtered"] += 1
                continue
            elif not flt:
                flt = "PASS"
            passed += 1
            fmt = fields[8]
            where = layouts.get(fmt)
            if where is None:
                positions = {tag: i for i, tag in enumerate(fmt.split(":"))}
                where = layouts[fmt] = tuple(positions.get(t) if t else None for t in wanted)
            parts = fields[column].split(":")
            if check_gt and where[0] is not None:
                gt = parts[where[0]] if where[0] < len(parts) else "."
                if not gt.strip("./|"):
                    counts["nocall_skipped"] += 1
                    continue
            if _symbolic(alt):
                counts["symbolic_skipped"] += 1
                continue
            vaf, depth, alt_reads = (
                _fraction_and_depths(parts, where[1], where[2], where[3], 1) or NO_COUNTS
            )
            if min_vaf and vaf is not None and vaf < min_vaf:
                counts["below_min_vaf"] += 1
                continue
            if min_depth and depth is not None and depth < min_depth:
                counts["below_min_depth"] += 1
                continue
            value = info_text(fields[7], "CSQ")
            ann = parse(value, fields[3], [alt], 0) if value else None
            if ann is None:  # gene-overlap fallback and its counters: the general route
                records -= 1
                passed -= 1
                one_record(Record(fields, reader))
                continue
            raw_chrom = fields[0]
            chrom = chroms.get(raw_chrom)
            if chrom is None:
                chrom = chroms[raw_chrom] = normalise_chrom(raw_chrom)
            try:
                pos = int(fields[1])
            except ValueError as error:
                raise TextPathUnsupported(f"POS {fields[1]!r}") from error
            gene, consequence, hgvsc, hgvsp, transcript, exon, pop_af, clinvar, existing = ann
            append(Variant(
                chrom, pos, fields[3], alt, gene, variant_class(consequence), consequence, hgvsc,
                hgvsp, transcript, exon, vaf, depth, alt_reads, pop_af, clinvar, existing, flt,
                source, {},
            ))  # type: ignore[call-arg]  # fmt: skip
        tally[0] += records
        tally[1] += passed

    return loop
