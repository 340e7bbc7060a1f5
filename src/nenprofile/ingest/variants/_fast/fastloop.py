"""The tight loop for the common VCF: VEP CSQ, one ALT, tumor FORMAT AF/AD/DP, raw text.

Only the work vcf._stream does for such records, inlined: no per-record Record object, lines
split from ~1 MB text blocks, the tumor column split once, FORMAT tag positions cached per
FORMAT string, allele fractions cached per AF string, the transcript taken from the first
CSQ entry when that entry is the PICK one (else CsqParser's own choice). Every record that
is not that simple case (several or no ALTs, records without a CSQ entry for the allele,
unusual counts) goes through the general function for that step, so both routes count and
build identically.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from nenprofile.ingest.variants._fast.textvcf import (
    Record,
    TextPathUnsupported,
    TextVCF,
    _fraction_and_depths,
    float32,
    info_text,
    usual_counts_tags,
)
from nenprofile.ingest.variants.annotation import (
    BIN_SHIFT,
    CsqParser,
    PositionBins,
    largest_population_af,
)
from nenprofile.ingest.variants.callers import NO_COUNTS, Extractor, ImpossibleVaf
from nenprofile.ingest.variants.consequences import variant_class
from nenprofile.ingest.variants.consumers import GeneRenaming
from nenprofile.ingest.variants.duplicates import DUPLICATE_KEY, UNSORTED_KEY, seen_here
from nenprofile.ingest.variants.hgvs import short_hgvsp
from nenprofile.model import Variant
from nenprofile.reference.genes import normalise_chrom

# Variant is built positionally here (kwargs cost 2.5x per object); only if the model's
# field order is the one this loop writes
VARIANT_FIELDS = ("chrom", "pos", "ref", "alt", "gene", "variant_class", "consequence",
                  "hgvsc", "hgvsp", "transcript", "exon", "vaf", "depth", "alt_reads",
                  "population_af", "clinvar", "existing_variation", "filter",
                  "annotation_source", "extra")  # fmt: skip
POSITIONAL_VARIANT = tuple(f.name for f in dataclasses.fields(Variant)) == VARIANT_FIELDS
_CACHE_LIMIT = 200_000  # entries per per-file cache; cleared beyond (pathological files)

Loop = Callable[
    [
        Iterable[list[str]],
        Callable[[Any], None],
        Counter[str],
        Callable[[Any], None],
        list[int],
        dict[str, str],
    ],
    None,
]


def _plain_fraction(text: str) -> float | None:
    """The allele fraction _fraction_and_depths returns for one plain AF string; None when
    that function would look elsewhere (missing, nan, several values, not a number)."""
    if "," in text or text == "." or not text:
        return None
    try:
        vaf = float32(float(text))
    except ValueError:
        return None
    return round(vaf, 6) if vaf == vaf and vaf >= -2_000_000_000 else None


def tumor_counts(
    parts: list[str],
    width: int,
    i_frac: int | None,
    i_ad: int | None,
    i_dp: int | None,
    fractions: dict[str, float | None],
    min_vaf: float,
    min_depth: int,
) -> tuple[float | None, int | None, int | None, str | None]:
    """(vaf, depth, alt reads, skip count key or None) of a one-ALT record from the tumor
    column's FORMAT values (parts; width: how many the FORMAT names when the fraction, AD
    and DP are all there, else -1), as vcf._stream's counts and read filters give them: the
    allele fraction cached per AF string in fractions, AD and DP read directly when they are
    plain digits, _fraction_and_depths otherwise."""
    vaf = None
    if len(parts) == width:
        af = parts[i_frac]  # type: ignore[index]
        vaf = fractions.get(af)
        if vaf is None and af not in fractions:
            if len(fractions) > _CACHE_LIMIT:
                fractions.clear()
            vaf = fractions[af] = _plain_fraction(af)
    if vaf is not None:
        alt_text = parts[i_ad].partition(",")[2]  # type: ignore[index]
        depth_text = parts[i_dp]  # type: ignore[index]
        if alt_text.isdigit() and depth_text.isdigit():
            depth: int | None = int(depth_text)
            alt_reads: int | None = int(alt_text)
        else:
            vaf = None
    if vaf is None:
        vaf, depth, alt_reads = _fraction_and_depths(parts, i_frac, i_ad, i_dp, 1) or NO_COUNTS
    skip = None
    if alt_reads == 0 and depth != 0:
        skip = "no_alt_reads_skipped"
    elif min_vaf and vaf is not None and vaf < min_vaf:
        skip = "below_min_vaf"
    elif min_depth and depth is not None and depth < min_depth:
        skip = "below_min_depth"
    return vaf, depth, alt_reads, skip


def _general_route(
    one_record: Callable[[Any], None],
    here: list[Any],
    record: Record,
    d_chrom: Any,
    d_pos: int,
    d_fields: Any,
    d_more: Any,
) -> tuple[Any, int, Any, Any]:
    """one_record on a record, with the loop's duplicate state (duplicates.py) handed over
    through `here` and back: (chrom, pos, fields-like, other alleles) of the position."""
    here[0], here[1], here[2], here[3], here[4] = d_chrom, d_pos, d_fields[3], d_fields[4], d_more
    one_record(record)
    return here[0], here[1], (None, None, None, here[2], here[3]), here[4]


def vep_fast_loop(
    reader: TextVCF,
    plan: list[Extractor],
    parser: CsqParser,
    check_gt: bool,
    pass_only: bool,
    allowed: frozenset[str],
    min_vaf: float,
    min_depth: int,
    here: list[Any],
    slow_bins: PositionBins,
    renaming: GeneRenaming,
    *,
    intern: bool = True,
) -> Loop | None:
    """The loop for this file, or None when the file is not the common case. renaming: the
    gene names the loop renames before it adds a variant (consumers.direct_add). intern: share
    equal gene / consequence / transcript / exon strings between the Variants (memory, when
    every variant is kept; it costs about a sixth of the loop's time)."""
    tags = usual_counts_tags(reader, plan)
    if tags is None or not POSITIONAL_VARIANT or reader.n_samples == 0:
        return None
    if reader.info_types.get("CSQ", "String") != "String":
        return None
    wanted = ("GT", "PS", *tags)
    column = 9 + reader.tumor_index
    expected = reader.n_columns
    parse = parser.parse_fields
    bins_of = slow_bins.bins
    no_bins: frozenset[int] = frozenset()
    source = parser.source
    bars = parser.n - 1
    pick = parser.pick
    first_rule = parser._rules[0] if parser._rules else None
    pick_first = first_rule is not None and first_rule == (pick, "1")
    get_fields = parser._fields
    get_pop = parser._pop_fields
    residues = parser._hgvsp_from_residues
    interned = parser._interned
    renamed_names, rename = renaming
    # absent Protein_position / Amino_acids read the '' appended to the entry
    i_pp = -1 if parser.protein_position is None else parser.protein_position
    i_aa = -1 if parser.amino_acids is None else parser.amino_acids

    def loop(
        blocks: Iterable[list[str]],
        one_record: Callable[[Any], None],
        counts: Counter[str],
        append: Callable[[Any], None],
        tally: list[int],
        chroms: dict[str, str],
    ) -> None:
        layouts: dict[str, tuple[Any, ...]] = {}
        bins_chrom = None
        chrom_bins = no_bins
        bin_shift = BIN_SHIFT
        route = partial(_general_route, one_record, here)
        # the current position's first variant and other alleles (duplicates.py); shared
        # with one_record through `here` around its calls
        d_chrom, d_pos, d_more = here[0], here[1], here[4]
        d_fields: Any = (None, None, None, here[2], here[3])
        classes: dict[str | None, str] = {}
        fractions: dict[str, float | None] = {}
        records = passed = 0
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
                if "," in alt or alt == ".":
                    d_chrom, d_pos, d_fields, d_more = route(
                        Record(fields, reader), d_chrom, d_pos, d_fields, d_more
                    )
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
                    tags_here = fmt.split(":")
                    positions = {tag: i for i, tag in enumerate(tags_here)}
                    found = tuple(positions.get(t) if t else None for t in wanted)
                    simple = None not in found[2:]
                    where = layouts[fmt] = (*found, len(tags_here) if simple else -1)
                i_gt, i_ps, i_frac, i_ad, i_dp, width = where
                parts = fields[column].split(":")
                if check_gt and i_gt is not None:
                    gt = parts[i_gt] if i_gt < len(parts) else "."
                    if "1" not in gt:  # one ALT: no allele 1 is a no-call or reference
                        if not gt.strip("./|"):
                            counts["nocall_skipped"] += 1
                        else:
                            counts["homref_skipped"] += 1
                        continue
                    if i_ps is not None and "|" in gt:  # phase: the general route keeps it
                        records -= 1
                        passed -= 1
                        d_chrom, d_pos, d_fields, d_more = route(
                            Record(fields, reader), d_chrom, d_pos, d_fields, d_more
                        )
                        continue
                if (
                    alt[0] in "<*." or alt[-1] == "." or "[" in alt or "]" in alt
                ):  # vcf._is_symbolic, inlined
                    counts["symbolic_skipped"] += 1
                    continue
                vaf, depth, alt_reads, skip = tumor_counts(
                    parts, width, i_frac, i_ad, i_dp, fractions, min_vaf, min_depth
                )
                if skip is not None:
                    counts[skip] += 1
                    continue
                if vaf is not None and not 0.0 <= vaf <= 1.0:
                    raise ImpossibleVaf(chrom, fields[1], fields[3], alt, vaf)
                try:
                    pos = int(fields[1])
                except ValueError as error:
                    raise TextPathUnsupported(f"POS {fields[1]!r}") from error
                if chrom is not bins_chrom:
                    bins_chrom = chrom
                    chrom_bins = bins_of.get(chrom, no_bins)
                if pos >> bin_shift in chrom_bins:
                    # near a gene of interest or a build marker: the general route gives
                    # each gene its own transcript and notes the build evidence
                    records -= 1
                    passed -= 1
                    d_chrom, d_pos, d_fields, d_more = route(
                        Record(fields, reader), d_chrom, d_pos, d_fields, d_more
                    )
                    continue
                info = fields[7]
                if info.startswith("CSQ="):
                    start, stop = 4, info.find(";")
                else:  # CSQ elsewhere in INFO (or absent: '')
                    info, start, stop = info_text(info, "CSQ") or "", 0, -1
                e = None
                if pick_first:
                    # the first entry, cut from INFO directly: the rest of CSQ is not copied
                    end = info.find(",", start)
                    if end == -1 or -1 < stop < end:
                        end = stop
                    e = (info[start:] if end == -1 else info[start:end]).split("|")
                    if len(e) <= bars or pick is None or e[pick] != "1":
                        e = None
                if e is None:
                    value = info[start:] if stop == -1 else info[start:stop]
                    ann = parse(value, fields[3], [alt], 0) if value else None
                    if ann is None:  # gene-overlap fallback and its counters: the general route
                        records -= 1
                        passed -= 1
                        d_chrom, d_pos, d_fields, d_more = route(
                            Record(fields, reader), d_chrom, d_pos, d_fields, d_more
                        )
                        continue
                    gene, consequence, hgvsc, hgvsp, transcript, exon, pop_af, clinvar, existing = (
                        ann
                    )
                else:
                    # CsqParser.parse_fields on the chosen entry, inlined
                    e.append("")
                    consequence, gene, hgvsc, hgvsp, transcript, exon, clinvar, existing = (
                        get_fields(e)
                    )
                    pop_af = None
                    if get_pop is not None:
                        texts = get_pop(e)
                        try:  # the usual case: every population field one plain number
                            pop_af = max(map(float, texts[:-1]))
                        except ValueError:
                            pop_af = largest_population_af(texts)
                    if intern:
                        if len(interned) > 500_000:
                            interned.clear()
                        gene = interned.setdefault(gene, gene)
                        consequence = interned.setdefault(consequence, consequence)
                        transcript = interned.setdefault(transcript, transcript)
                        exon = interned.setdefault(exon, exon)
                    gene = gene or None
                    consequence = consequence or None
                    transcript = transcript or None
                    exon = exon or None
                    hgvsc = (hgvsc.rpartition(":")[2] or None) if hgvsc else None
                    if hgvsp:
                        hgvsp = short_hgvsp(hgvsp)
                    if not hgvsp:
                        hgvsp = residues(e) if e[i_pp] and e[i_aa] else None
                    clinvar = clinvar or None
                    existing = existing or None
                ref = fields[3]
                # duplicates.is_duplicate, inlined on local state
                if pos == d_pos and chrom == d_chrom:
                    here[0], here[1], here[2], here[3], here[4] = (
                        d_chrom,
                        d_pos,
                        d_fields[3],
                        d_fields[4],
                        d_more,
                    )
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
                cls = classes.get(consequence)
                if cls is None:
                    cls = classes[consequence] = variant_class(consequence)
                if gene in renamed_names:
                    gene = rename(gene)
                append(Variant(
                    chrom, pos, ref, alt, gene, cls, consequence,
                    hgvsc, hgvsp, transcript, exon, vaf, depth, alt_reads, pop_af, clinvar,
                    existing, flt, source,
                ))  # fmt: skip
        tally[0] += records
        tally[1] += passed
        # the position state for whoever reads on (the columnar engine calls the loop on the
        # lines between its own runs)
        here[:] = [d_chrom, d_pos, d_fields[3], d_fields[4], d_more]

    return loop
