"""The tight loop for unannotated VCFs (genes from overlap): one ALT, tumor FORMAT AF/AD/DP.

vcf._stream's work for such records, inlined as fastloop.py does for VEP files: lines split
from text blocks, the tumor column split once, FORMAT tag positions cached per FORMAT
string, allele fractions cached per AF string, the overlapping genes found by bisection
and kept while the records stay in the same stretch between gene starts and ends. Every
record that is not the plain case (several or no ALTs, a POS that is not a number, a build
marker or hotspot position, a phased or unusual genotype) goes through the general
function, so both routes count and build identically.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from nenprofile.ingest.variants._fast.columnar import BulkSink
from nenprofile.ingest.variants._fast.fastloop import (
    POSITIONAL_VARIANT,
    Loop,
    _general_route,
    tumor_counts,
)
from nenprofile.ingest.variants._fast.textvcf import (
    Record,
    TextPathUnsupported,
    TextVCF,
    usual_counts_tags,
)
from nenprofile.ingest.variants.callers import Extractor, ImpossibleVaf
from nenprofile.ingest.variants.consumers import GeneRenaming, VariantConsumer
from nenprofile.ingest.variants.duplicates import DUPLICATE_KEY, UNSORTED_KEY, seen_here
from nenprofile.ingest.variants.table import CHUNK_LINES, VariantTableWriter, overlap_line
from nenprofile.model import Variant
from nenprofile.reference.genes import GeneIndex, GeneSegments, normalise_chrom

# tumor genotypes of a one-ALT record that the loop decides itself; any other (phased,
# multi-digit, malformed) takes the general route
CALLED_GENOTYPES = frozenset({"0/1", "1/0", "1/1", "1", "./1", "1/."})
HOMREF_GENOTYPES = frozenset({"0/0", "0"})
NOCALL_GENOTYPES = frozenset({"./.", "."})


def overlap_fast_loop(
    reader: TextVCF,
    plan: list[Extractor],
    check_gt: bool,
    pass_only: bool,
    allowed: frozenset[str],
    min_vaf: float,
    min_depth: int,
    here: list[Any],
    genes: GeneIndex,
    special_positions: frozenset[int],
    renaming: GeneRenaming,
    consumer: VariantConsumer | None = None,
) -> Loop | None:
    """The loop for this file, or None when its counts are not the usual AF/AD/DP layout.
    special_positions: positions the general route must see (build markers, hotspots);
    renaming: the gene names the loop renames before it adds a variant (consumers.py).
    consumer: a single-file ProfileSink (columnar.BulkSink) takes a variant outside its
    genes as a table line and tally counts, without a Variant built."""
    tags = usual_counts_tags(reader, plan)
    if tags is None or not POSITIONAL_VARIANT or reader.n_samples == 0:
        return None
    wanted = ("GT", *tags)
    column = 9 + reader.tumor_index
    expected = reader.n_columns
    renamed_names, rename = renaming
    bulk = BulkSink.of(consumer) if consumer is not None else None
    excluded = bulk.excluded if bulk is not None else frozenset()

    def loop(
        blocks: Iterable[list[str]],
        one_record: Callable[[Any], None],
        counts: Counter[str],
        append: Callable[[Any], None],
        tally: list[int],
        chroms: dict[str, str],
    ) -> None:
        layouts: dict[str, tuple[Any, ...]] = {}
        route = partial(_general_route, one_record, here)
        d_chrom, d_pos, d_more = here[0], here[1], here[4]
        d_fields: Any = (None, None, None, here[2], here[3])
        fractions: dict[str, float | None] = {}
        # the current stretch of one chromosome with the same overlapping genes
        seg_chrom: str | None = None
        segments = GeneSegments([], [])
        low = high = 0
        seg_genes: tuple[str, ...] = ()
        records = passed = 0
        # variants that went to the bulk sink, and those of them eligible for TMB (indels)
        n_bulk = eligible = eligible_indels = 0
        table: VariantTableWriter | None = bulk.sink.table if bulk is not None else None
        tmb_min_vaf = bulk.sink.tmb_settings.tmb_min_vaf if bulk is not None else 0.0
        for block in blocks:
            for line in block:
                fields = line.split("\t")
                if len(fields) != expected:
                    if line[:1] == "#":
                        reader.header_line(line)
                        continue
                    raise TextPathUnsupported(f"{len(fields)} columns, expected {expected}")
                raw_chrom = fields[0]
                chrom = chroms.get(raw_chrom)
                if chrom is None:
                    if raw_chrom[:1] == "#":
                        reader.header_line(line)
                        continue
                    chrom = chroms[raw_chrom] = normalise_chrom(raw_chrom)
                alt = fields[4]
                try:
                    pos = int(fields[1])
                except ValueError:
                    pos = -1
                if "," in alt or alt == "." or pos < 0 or pos in special_positions:
                    d_chrom, d_pos, d_fields, d_more = route(
                        Record(fields, reader), d_chrom, d_pos, d_fields, d_more
                    )
                    continue
                flt = fields[6]
                if flt == "PASS" or flt == ".":
                    flt = "PASS"
                elif pass_only and not (allowed and allowed.issuperset(flt.split(";"))):
                    records += 1
                    counts["filtered"] += 1
                    continue
                elif not flt:
                    flt = "PASS"
                fmt = fields[8]
                where = layouts.get(fmt)
                if where is None:
                    tags_here = fmt.split(":")
                    positions = {tag: i for i, tag in enumerate(tags_here)}
                    found = tuple(positions.get(t) if t else None for t in wanted)
                    width = len(tags_here) if None not in found[1:] else -1
                    where = layouts[fmt] = (*found, width)
                i_gt, i_frac, i_ad, i_dp, width = where
                parts = fields[column].split(":")
                if check_gt and i_gt is not None:
                    gt = parts[i_gt] if i_gt < len(parts) else "."
                    if gt not in CALLED_GENOTYPES:
                        if gt in HOMREF_GENOTYPES:
                            records += 1
                            passed += 1
                            counts["homref_skipped"] += 1
                        elif gt in NOCALL_GENOTYPES:
                            records += 1
                            passed += 1
                            counts["nocall_skipped"] += 1
                        else:  # phased (PS), unusual or malformed: the general route
                            d_chrom, d_pos, d_fields, d_more = route(
                                Record(fields, reader), d_chrom, d_pos, d_fields, d_more
                            )
                        continue
                records += 1
                passed += 1
                if alt[0] in "<*." or alt[-1] == "." or "[" in alt or "]" in alt:
                    counts["symbolic_skipped"] += 1  # vcf._is_symbolic, inlined
                    continue
                vaf, depth, alt_reads, skip = tumor_counts(
                    parts, width, i_frac, i_ad, i_dp, fractions, min_vaf, min_depth
                )
                if skip is not None:
                    counts[skip] += 1
                    continue
                ref = fields[3]
                if vaf is not None and not 0.0 <= vaf <= 1.0:
                    raise ImpossibleVaf(chrom, pos, ref, alt, vaf)
                # duplicates.is_duplicate, inlined on local state
                if pos == d_pos and chrom == d_chrom:
                    here[0], here[1], here[2], here[3], here[4] = (
                        d_chrom, d_pos, d_fields[3], d_fields[4], d_more
                    )  # fmt: skip
                    repeated = seen_here(here, chrom, pos, ref, alt)
                    d_more = here[4]
                    if repeated:
                        counts[DUPLICATE_KEY] += 1
                        continue
                else:
                    if pos < d_pos and chrom == d_chrom:
                        counts[UNSORTED_KEY] += 1
                    d_chrom = chrom
                    d_pos = pos
                    d_fields = fields
                    d_more = None
                if chrom is not seg_chrom or not low <= pos < high:
                    if chrom is not seg_chrom:
                        seg_chrom = chrom
                        segments = genes.segments(chrom)
                    i = segments.index(pos)
                    low, high = segments.bounds(i)
                    seg_genes = segments.genes[i] if i >= 0 else ()
                first = seg_genes[0] if seg_genes else None
                if bulk is not None and first not in excluded:
                    row = "" if table is None else overlap_line(
                        chrom, pos, ref, alt, first, vaf, depth, alt_reads, flt
                    )  # fmt: skip
                    if row is not None:  # None: a cell to escape, the Variant's way
                        if table is not None:
                            table.lines.append(row)
                            if len(table.lines) >= CHUNK_LINES:
                                table.flush()
                        # TmbTally.add of the Variant, inlined
                        n_bulk += 1
                        if vaf is None or vaf >= tmb_min_vaf:
                            eligible += 1
                            eligible_indels += len(ref) != len(alt)
                        continue
                if not seg_genes:
                    append(Variant(
                        chrom, pos, ref, alt, None, "unknown", None, None, None, None, None,
                        vaf, depth, alt_reads, None, None, None, flt, "gene-overlap",
                    ))  # fmt: skip
                    continue
                gene: str | None = seg_genes[0]
                if gene in renamed_names:
                    gene = rename(gene)
                variant = Variant(
                    chrom, pos, ref, alt, gene, "unknown", None, None, None, None, None,
                    vaf, depth, alt_reads, None, None, None, flt, "gene-overlap",
                )  # fmt: skip
                if len(seg_genes) > 1:
                    variant.extra["overlapping_genes"] = list(seg_genes)
                append(variant)
        tally[0] += records
        tally[1] += passed
        if bulk is not None and n_bulk:  # class 'unknown', no population AF: never coding
            bulk.add_tally({"variants": n_bulk, "unknown_class": n_bulk, "any_class": eligible,
                            "any_class_indels": eligible_indels})  # fmt: skip

    return loop


__all__ = ["overlap_fast_loop"]
