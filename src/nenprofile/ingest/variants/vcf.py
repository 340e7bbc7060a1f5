"""One streaming pass over a VCF into normalised Variants.

Records come from textvcf (raw text, the fast path) and, when that path meets something it
does not reproduce, from cyvcf2; both feed the same _stream, so they yield the same result.
"""

from __future__ import annotations

import gc
import os
import tempfile
from collections import Counter
from collections.abc import Collection
from pathlib import Path
from typing import Any

from nenprofile.errors import InputError
from nenprofile.ingest.variants._fast.columnar import (
    ColumnarFailed,
    RecordRules,
    columnar_reader,
)
from nenprofile.ingest.variants._fast.fastloop import vep_fast_loop
from nenprofile.ingest.variants._fast.overlaploop import overlap_fast_loop
from nenprofile.ingest.variants._fast.parallel import SplitFailed, read_split, worth_splitting
from nenprofile.ingest.variants._fast.textvcf import TextPathUnsupported, TextVCF, counts_function
from nenprofile.ingest.variants.annotation import (
    AnnParser,
    BcsqParser,
    CsqParser,
    position_bins,
)
from nenprofile.ingest.variants.build import (
    build_markers,
    check_build,
    pop_evidence,
    resolve_build,
)
from nenprofile.ingest.variants.callers import (
    ImpossibleVaf,
    choose_tumor_sample,
    detect_caller,
    extract_counts,
    header_value,
    plan_extractors,
    somatic_status_check,
)
from nenprofile.ingest.variants.consequences import variant_class
from nenprofile.ingest.variants.consumers import VariantConsumer, VariantList, direct_add
from nenprofile.ingest.variants.disclosure import skip_warnings
from nenprofile.ingest.variants.duplicates import is_duplicate, new_position_state
from nenprofile.ingest.variants.result import IngestResult
from nenprofile.ingest.variants.tools import annotate_csq, left_align
from nenprofile.model import Variant
from nenprofile.reference.genes import GeneIndex, normalise_chrom
from nenprofile.reference.positional import hotspot_positions

NO_ANNOTATION_WARNING = "consequences unknown: VCF has no CSQ/ANN/BCSQ annotation"


def _phase(genotype: list[Any], v: Any, s: int) -> dict[str, str] | None:
    """Variant.extra entries of a phased tumor genotype (cyvcf2's genotypes row) with a
    phase set: {'phased_genotype': '0|1', 'phase_set': '12345'}; None without a PS (the
    phase of two records is then unknown)."""
    phase_set = phase_set_text(_row_or_none(v, "PS", s))
    if phase_set is None:
        return None
    text = "|".join(str(a) if a >= 0 else "." for a in genotype[:-1])
    return {"phased_genotype": text, "phase_set": phase_set}


def _row_or_none(v: Any, tag: str, s: int) -> Any:
    try:
        values = v.format(tag)
    except KeyError:
        return None
    return None if values is None else values[s]


def phase_set_text(row: Any) -> str | None:
    """PS of one sample as text ('12345'); None when missing."""
    if row is None:
        return None
    value = row if isinstance(row, str) else row[0]
    if isinstance(value, str):
        return value if value not in ("", ".") else None
    number = int(value)
    return None if number < -2_000_000_000 else str(number)


def _open(path: str) -> Any:
    from cyvcf2 import VCF

    try:
        return VCF(path)
    except (OSError, Exception) as error:
        raise InputError(
            f"cannot read as VCF ({error})",
            path=path,
            fix="give a VCF or bgzipped VCF (.vcf, .vcf.gz) with a ##fileformat header",
        ) from error


def _header(path: str) -> tuple[list[str], list[str]]:
    """The header lines and sample names as cyvcf2 reads them; cyvcf2 (and numpy, about
    0.25 s) imported only for a file pysam cannot read."""
    known = pysam_header(path)
    if known is not None:
        return known
    vcf = _open(path)
    header_lines = vcf.raw_header.splitlines()
    try:
        samples = list(vcf.samples)
    except UnicodeDecodeError:  # cyvcf2 decodes sample names as UTF-8
        raise InputError(
            "the sample names of the #CHROM line are not UTF-8 text",
            path=path,
            fix="write the sample names in UTF-8 (or ASCII), e.g. with bcftools reheader -s",
        ) from None
    finally:
        vcf.close()
    return header_lines, samples


def pysam_header(path: str) -> tuple[list[str], list[str]] | None:
    """The header lines and sample names as pysam's htslib reads them: as cyvcf2's (another
    htslib version) reads them, which test_variants_header.py checks; None where pysam
    cannot read the file: cyvcf2 then reads or refuses it as it always did."""
    if "##idx##" in path:  # htslib reads the file named before this mark, pysam's open() not
        return None
    import pysam

    quiet = pysam.set_verbosity(0)  # htslib's warnings: cyvcf2 prints them if it reads the file
    try:
        # given an open file, pysam neither seeks (a plain gzip cannot) nor loads the index;
        # htslib still adds the contigs that the path's tabix index names, as cyvcf2's does
        with open(path, "rb") as handle, pysam.VariantFile(handle) as vcf:
            return str(vcf.header).splitlines(), list(vcf.header.samples)
    except Exception:  # whatever pysam raises (OSError, ValueError, UnicodeDecodeError ...)
        return None
    finally:
        pysam.set_verbosity(quiet)


def _declared_ids(header_lines: list[str], kind: str) -> dict[str, str]:
    """ID -> full header line for ##INFO / ##FORMAT declarations."""
    prefix = f"##{kind}=<ID="
    return {
        line[len(prefix) :].split(",", 1)[0]: line
        for line in header_lines
        if line.startswith(prefix)
    }


def declared_types(declared: dict[str, str]) -> dict[str, str]:
    """ID -> Type ('String', 'Float', 'Integer', 'Flag', 'Character') of header declarations."""
    types = {}
    for key, line in declared.items():
        kind = (
            line.split("Type=", 1)[1].split(",", 1)[0].split(">", 1)[0] if "Type=" in line else ""
        )
        types[key] = kind or "String"
    return types


def _annotation_parser(info: dict[str, str]) -> CsqParser | AnnParser | BcsqParser | None:
    if "CSQ" in info and "Format:" in info["CSQ"]:
        return CsqParser(info["CSQ"].split("Description=", 1)[1].rsplit(">", 1)[0])
    if "ANN" in info:
        return AnnParser()
    if "BCSQ" in info:
        return BcsqParser()
    return None


def _is_symbolic(alt: str) -> bool:
    return alt[0] in "<*." or alt[-1] == "." or "[" in alt or "]" in alt


def read_vcf(
    path: str,
    *,
    tumor_sample: str | None = None,
    normal_sample: str | None = None,
    build: str | None = None,
    pass_only: bool = True,
    allowed_filters: tuple[str, ...] = (),
    min_vaf: float = 0.0,
    min_depth: int = 0,
    reference_fasta: str | None = None,
    gff3: str | None = None,
    engine: str = "auto",
    workers: int = 1,
    consumer: VariantConsumer | None = None,
    genes: Collection[str] | None = None,
) -> IngestResult:
    """consumer: where each variant goes, in file order (consumers.py); IngestResult.variants
    is consumer.kept(): every variant with the default VariantList.
    workers: 2 lets a large bgzipped VEP file be read in two processes (parallel.py), each
    reading its share column-wise where the columnar engine applies.
    engine: 'auto' (fastloop's raw-text pass for VEP-annotated files with AF/AD/DP, read
    column-wise by _fast/columnar.py from 8 MB bgzipped on when polars is installed;
    cyvcf2 for everything else and whenever the text path cannot reproduce a record),
    'columnar' (as 'auto', the columnar engine whatever the size), 'text' (raw text for
    every file via textvcf.Record; raises TextPathUnsupported instead of falling back) or
    'cyvcf2'. All engines return the same IngestResult.
    genes: the genes of interest (default: every bundled gene of the build). A VEP entry of
    such a gene is never hidden by another gene's entry: each gets its own best transcript
    (annotation.CsqParser.parse_genes; the others in Variant.extra['other_genes'])."""
    path = str(path)
    if not Path(path).is_file():
        raise InputError("VCF file not found", path=path, fix="check the vcf path in the sheet")
    header_lines, samples = _header(path)
    choice = resolve_build(path, header_lines, build)
    build_used = choice.build
    warnings: list[str] = []
    tumor = choose_tumor_sample(path, samples, header_lines, tumor_sample)
    tumor_only = _tumor_only(path, samples, header_lines, tumor, normal_sample)
    info = _declared_ids(header_lines, "INFO")
    formats = _declared_ids(header_lines, "FORMAT")
    caller = detect_caller(header_lines, set(info))
    parser = _annotation_parser(info)
    annotation = parser.source if parser else "gene-overlap"

    with tempfile.TemporaryDirectory(prefix="nenprofile-") as tmp:
        source = path
        if reference_fasta:
            source = left_align(source, reference_fasta, os.path.join(tmp, "norm.vcf.gz"))
        if parser is None and reference_fasta and gff3:
            source = annotate_csq(source, reference_fasta, gff3, os.path.join(tmp, "csq.vcf.gz"))
            parser = BcsqParser()
            annotation = "bcftools-csq"
        if annotation == "gene-overlap":
            warnings.append(NO_ANNOTATION_WARNING)
        # the cyclic GC would rescan the growing variant list again and again (quadratic
        # on million-record files); nothing built here forms reference cycles
        gc_was_enabled = gc.isenabled()
        gc.disable()
        consumer = VariantList() if consumer is None else consumer
        of_interest = frozenset(genes if genes is not None else GeneIndex.load(build_used).genes)
        try:
            counts = _stream_records(
                path,
                len(header_lines),
                engine,
                source,
                samples,
                tumor,
                formats,
                info,
                caller,
                parser,
                annotation,
                build_used,
                pass_only,
                frozenset(allowed_filters),
                min_vaf,
                min_depth,
                consumer,
                of_interest,
                workers=workers,
            )
        finally:
            if gc_was_enabled:
                gc.enable()
    if reference_fasta:
        counts["left_aligned"] = 1
    checked = check_build(path, choice, pop_evidence(counts))
    warnings = checked.warnings + warnings + skip_warnings(counts, tumor)
    return IngestResult(
        variants=consumer.kept(),
        sample=tumor or "",
        input_format="VCF",
        caller=caller,
        annotation=annotation,
        build=build_used,
        tumor_only=tumor_only,
        counts=counts,
        warnings=warnings,
        build_evidence=checked.how,
    )


def _tumor_only(
    path: str,
    samples: list[str],
    header_lines: list[str],
    tumor: str | None,
    normal_sample: str | None,
) -> bool:
    if normal_sample:
        if normal_sample == tumor:
            raise InputError(
                f"normal_sample '{normal_sample}' is the tumor column too",
                path=path,
                column="normal_sample",
                fix="set normal_sample to the matched normal's column (or leave it empty for "
                "tumor-only) and tumor_sample to the tumor's",
            )
        if normal_sample not in samples:
            listed = ", ".join(samples) or "(none)"
            raise InputError(
                f"normal_sample '{normal_sample}' is not a column of this VCF; its sample "
                f"columns are: {listed}",
                path=path,
                column="normal_sample",
                fix=f"set normal_sample in the sample sheet to one of: {listed}, or leave it empty",
            )
        return False
    declared = header_value(header_lines, "normal_sample")
    others = [s for s in samples if s != tumor]
    return not (others or (declared and declared in samples))


class UnparsableRecord(Exception):
    """htslib could not parse the index-th data record (1-based)."""

    def __init__(self, index: int, reason: str) -> None:
        super().__init__(reason)
        self.index = index
        self.reason = reason


def _stream_records(path: str, n_header_lines: int, *args: Any, workers: int = 1) -> dict[str, int]:
    """_stream_any with htslib parse failures and impossible VAFs turned into InputError."""
    try:
        return _stream_any(*args, workers=workers)
    except ImpossibleVaf as error:
        raise InputError(
            str(error),
            path=path,
            fix="check the caller's AF/VF/FREQ values; an allele fraction lies between 0 and 1",
        ) from None
    except UnparsableRecord as error:
        raise InputError(
            f"data record {error.index} cannot be parsed ({error.reason})",
            path=path,
            line=n_header_lines + error.index,
            fix="each record needs 8 or more tab-separated columns, an integer POS, and values "
            "that match the Number/Type the header declares for each INFO and FORMAT field",
        ) from None
    except Exception as exc:  # htslib header/record errors surface as a bare Exception
        if type(exc) is not Exception:
            raise
        raise InputError(
            f"cannot be read as VCF ({exc})",
            path=path,
            fix="check the header's INFO/FORMAT definitions (Number, Type) and the records",
        ) from None


def _stream_any(engine: str, source: str, *args: Any, workers: int = 1) -> dict[str, int]:
    samples, tumor, formats, info_ids = args[0], args[1], args[2], args[3]
    if engine != "cyvcf2":
        tumor_index = samples.index(tumor) if tumor is not None else 0
        info_types = declared_types(info_ids)
        records = TextVCF(source, samples, tumor_index, info_types, declared_types(formats))
        # 'auto' keeps the text path only where fastloop applies; elsewhere cyvcf2 is faster
        # than textvcf's general Record adapter
        records.fast_loop_only = engine in ("auto", "columnar")
        records.split = workers >= 2
        columnar = engine if engine in ("auto", "columnar") else None
        try:
            try:
                return _stream(records, *args, columnar=columnar)
            except ColumnarFailed:
                if engine == "columnar":
                    raise
            except SplitFailed:
                pass
            # again in one pass of the fast loop, which reads (or refuses) the file as it is
            records.split = False
            return _stream(records, *args)
        except TextPathUnsupported:
            if engine == "text":
                raise
    return _stream(_open(source), *args)


def _stream(
    vcf: Any,
    samples: list[str],
    tumor: str | None,
    formats: dict[str, str],
    info_ids: dict[str, str],
    caller: str,
    parser: Any,
    annotation: str,
    build: str,
    pass_only: bool,
    allowed: frozenset[str],
    min_vaf: float,
    min_depth: int,
    consumer: VariantConsumer,
    of_interest: frozenset[str],
    *,
    columnar: str | None = None,
) -> dict[str, int]:
    """columnar: 'auto' or 'columnar' lets the columnar engine (_fast/columnar.py) read a
    file the fast loop reads ('auto' only a large one)."""
    consumer.restart()  # a second pass (another engine) starts from nothing
    add = consumer.add
    counts: Counter[str] = Counter()
    s = samples.index(tumor) if tumor is not None else 0
    plan = plan_extractors(set(formats), set(info_ids), caller)
    if tumor is None:
        plan = [p for p in plan if p.__name__ == "_info_tvaf"]
    counts_of = counts_function(vcf, plan) if isinstance(vcf, TextVCF) else extract_counts
    check_gt = tumor is not None and "GT" in formats
    status_of = somatic_status_check(caller, set(formats), set(info_ids), tumor is not None)
    tag = parser.tag if parser else None
    source = "bcftools-csq" if annotation == "bcftools-csq" else annotation
    is_ann = isinstance(parser, AnnParser)
    is_csq = isinstance(parser, CsqParser)
    genes: GeneIndex | None = None
    hotspots = hotspot_positions(build)
    markers = build_markers()
    marker_positions, span_genes = markers.positions, markers.span_genes
    chroms: dict[str, str] = {}
    tally = [0, 0]  # records read, records passed
    here = new_position_state()  # duplicates.py: the alleles added at the current position

    def one_record(v: Any) -> None:
        nonlocal genes
        tally[0] += 1
        alts = v.ALT
        if not alts:
            counts["reference_only_skipped"] += 1
            return
        flt = v.FILTER
        if flt is not None and pass_only and not (allowed and allowed.issuperset(flt.split(";"))):
            counts["filtered"] += 1
            return
        tally[1] += 1
        phase: dict[str, str] | None = None
        called: list[int] | None = None
        if check_gt:
            try:
                genotype = v.genotypes[s]
            except Exception:  # record without GT among records with GT
                genotype = None
            if genotype is not None:
                called = [a for a in genotype[:-1] if a >= 0]
                if not called:
                    counts["nocall_skipped"] += 1
                    return
                if not any(called):
                    counts["homref_skipped"] += 1
                    return
                if genotype[-1] and len(genotype) > 2:
                    phase = _phase(genotype, v, s)
        if status_of is not None:
            status = status_of(v, s)
            if status is not None:
                counts[status] += 1
                return
        raw_chrom = v.CHROM
        chrom = chroms.get(raw_chrom)
        if chrom is None:
            chrom = chroms[raw_chrom] = normalise_chrom(raw_chrom)
        pos, ref = v.POS, v.REF
        # build evidence from the first variant a record gives (as fastloop does)
        evidence_due = True
        if len(alts) > 1:
            counts["multiallelic_split"] += 1
        info_value = v.INFO.get(tag) if tag else None
        for i, alt in enumerate(alts):
            if _is_symbolic(alt):
                counts["symbolic_skipped"] += 1
                continue
            if called is not None and len(alts) > 1 and i + 1 not in called:
                counts["allele_not_in_genotype_skipped"] += 1
                continue
            vaf, depth, alt_reads = counts_of(plan, v, s, i + 1, ref, alt)
            if alt_reads == 0 and depth != 0:
                counts["no_alt_reads_skipped"] += 1
                continue
            if min_vaf and vaf is not None and vaf < min_vaf:
                counts["below_min_vaf"] += 1
                continue
            if min_depth and depth is not None and depth < min_depth:
                counts["below_min_depth"] += 1
                continue
            ann = None
            if info_value:
                if is_csq:
                    ann = parser.parse(info_value, ref, alts, i, of_interest)
                elif is_ann:
                    ann = parser.parse(
                        info_value, ref, alts, i, v.INFO.get("LOF"), v.INFO.get("NMD")
                    )
                else:
                    ann = parser.parse(info_value, ref, alts, i)
            if vaf is not None and not 0.0 <= vaf <= 1.0:
                raise ImpossibleVaf(chrom, pos, ref, alt, vaf)
            if is_duplicate(here, counts, chrom, pos, ref, alt):
                continue
            if evidence_due:
                evidence_due = False
                if pos in marker_positions:
                    markers.note_position(counts, chrom, pos, ref)
                # VEP files name their assembly in ##VEP; gene spans speak for the others
                if ann is not None and not is_csq and ann.gene in span_genes:
                    markers.note_gene(counts, chrom, pos, ann.gene)
            if ann is not None:
                extra = ann.extra
                if phase is not None:
                    extra = {**extra, **phase}
                add(Variant(
                    chrom, pos, ref, alt, gene=ann.gene,
                    variant_class=variant_class(ann.consequence), consequence=ann.consequence,
                    hgvsc=ann.hgvsc, hgvsp=ann.hgvsp, transcript=ann.transcript, exon=ann.exon,
                    vaf=vaf, depth=depth, alt_reads=alt_reads, population_af=ann.population_af,
                    clinvar=ann.clinvar, existing_variation=ann.existing_variation,
                    filter=flt or "PASS", annotation_source=source, extra=extra,
                ))  # fmt: skip
                continue
            if tag:
                counts["unannotated_records"] += 1
            if genes is None:
                genes = GeneIndex.load(build)
            variant = Variant(
                chrom, pos, ref, alt, vaf=vaf, depth=depth, alt_reads=alt_reads,
                filter=flt or "PASS", annotation_source="gene-overlap",
            )  # fmt: skip
            if phase is not None:
                variant.extra.update(phase)
            overlapping = genes.genes_at(chrom, pos)
            if overlapping:
                variant.gene = overlapping[0]
                if len(overlapping) > 1:
                    variant.extra["overlapping_genes"] = overlapping
            hotspot = hotspots.get((chrom, pos, ref, alt))
            if hotspot is not None:
                variant.gene = hotspot.gene
                variant.hgvsp = hotspot.hgvsp
                variant.variant_class = hotspot.variant_class
                variant.extra["positional_hotspot"] = hotspot.residue
                counts["positional_hotspot_matches"] += 1
            add(variant)

    fast = None
    loop_add, renaming = direct_add(consumer)
    # caller status (SS, STATUS) is read by one_record only: such files take the general route
    fast_possible = isinstance(vcf, TextVCF) and tumor is not None and status_of is None
    if fast_possible and isinstance(parser, CsqParser):
        slow_bins = position_bins(of_interest, build, (k for k in markers.bases))
        fast = vep_fast_loop(vcf, plan, parser, check_gt, pass_only, allowed, min_vaf, min_depth,
                             here, slow_bins, renaming, intern=consumer.keeps_all)  # fmt: skip
    elif fast_possible and parser is None:
        special = marker_positions | {key[1] for key in hotspots}
        fast = overlap_fast_loop(vcf, plan, check_gt, pass_only, allowed, min_vaf, min_depth,
                                 here, GeneIndex.load(build), special, renaming,
                                 consumer)  # fmt: skip
    columns = None
    if fast is not None and columnar is not None and isinstance(parser, CsqParser):
        rules = RecordRules(check_gt, pass_only, allowed, min_vaf, min_depth)
        columns = columnar_reader(vcf, parser, plan, rules, slow_bins, consumer,
                                  always=columnar == "columnar")  # fmt: skip
    split = worth_splitting(vcf) if fast is not None and vcf.split else None
    if fast is not None and split is not None:
        both = (columns, here) if columns is not None else None
        read_split(vcf, split, fast, one_record, counts, consumer, loop_add, tally, chroms, both)
    elif columns is not None:
        threads = 2 if vcf.split else 1  # read_vcf(workers=...): the job's cores
        columns.run(fast, one_record, counts, loop_add, tally, chroms, here, threads)  # type: ignore[arg-type]
    elif fast is not None:
        fast(vcf.blocks(), one_record, counts, loop_add, tally, chroms)
    elif isinstance(vcf, TextVCF) and vcf.fast_loop_only and parser is not None:
        # unannotated files (gene overlap) stay on the text path: its Records beat cyvcf2
        raise TextPathUnsupported("not the VEP + AF/AD/DP layout fastloop handles")
    else:
        iterator = iter(vcf)
        while True:
            try:
                v = next(iterator)
            except StopIteration:
                break
            except Exception as exc:  # cyvcf2 raises a bare Exception when htslib cannot parse
                if type(exc) is not Exception:
                    raise
                raise UnparsableRecord(tally[0] + 1, str(exc)) from None
            try:
                one_record(v)
            except UnicodeDecodeError:  # cyvcf2 decodes REF, ALT and IDs as UTF-8
                raise UnparsableRecord(tally[0], "bytes that are not UTF-8 text") from None
    records, passed = tally
    vcf.close()
    counts["records_read"] = records
    counts["passed"] = passed
    counts["variants"] = consumer.count()
    for key in (
        "filtered",
        "multiallelic_split",
        "symbolic_skipped",
        "reference_only_skipped",
        "nocall_skipped",
        "homref_skipped",
        "no_alt_reads_skipped",
        "duplicate_skipped",
    ):
        counts.setdefault(key, 0)
    return dict(counts)
