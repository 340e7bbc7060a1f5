"""MAF input (TCGA / GDC, cBioPortal, vcf2maf) to normalised Variant records.

Coordinates: MAF writes indels without an anchor base ('-' for the empty allele); the
reference base before the event is not in the file, so it cannot be added. Variants keep
MAF's alleles with '-' replaced by the empty string and pos = Start_Position:

- insertion  (Reference_Allele '-'): pos = Start_Position (the base before the inserted
  bases, which is also the VCF position), ref = '', alt = inserted bases;
- deletion   (Tumor_Seq_Allele '-'): pos = Start_Position (the first deleted base, one
  after the VCF anchor position), ref = deleted bases, alt = '';
- SNV / MNV: unchanged, as in a VCF.

Such records carry extra['anchorless'] = True so later stages (hotspot position look-up,
output writers) can tell them apart from VCF-derived indels.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from nenprofile.errors import InputError
from nenprofile.ingest.variants.annotation import is_population_af, largest_population_af
from nenprofile.ingest.variants.build import (
    BuildChoice,
    BuildMarkers,
    build_markers,
    check_build,
    data_evidence,
)
from nenprofile.ingest.variants.consequences import variant_class as consequence_class
from nenprofile.ingest.variants.disclosure import skip_warnings
from nenprofile.ingest.variants.duplicates import DUPLICATE_KEY, variant_key
from nenprofile.ingest.variants.hgvs import short_hgvsp, strip_transcript
from nenprofile.ingest.variants.maf_split import SOURCE_LINE_COLUMN, MafPart
from nenprofile.ingest.variants.oncokb import EXTRA_KEY, has_oncokb_columns, oncokb_levels
from nenprofile.ingest.variants.result import IngestResult
from nenprofile.io.textfiles import MAX_RATIO, iter_lines
from nenprofile.model import Variant
from nenprofile.reference.positional import hotspot_positions

REQUIRED_COLUMNS = (
    "Hugo_Symbol",
    "Chromosome",
    "Start_Position",
    "Reference_Allele",
    "Tumor_Seq_Allele2",
    "Variant_Classification",
    "Tumor_Sample_Barcode",
)

# MAF Variant_Classification -> model.VARIANT_CLASSES
VARIANT_CLASSIFICATION_TO_CLASS = {
    "Missense_Mutation": "missense",
    "Nonsense_Mutation": "nonsense",
    "Frame_Shift_Del": "frameshift",
    "Frame_Shift_Ins": "frameshift",
    "Splice_Site": "splice_site",
    "In_Frame_Del": "inframe_deletion",
    "In_Frame_Ins": "inframe_insertion",
    "Silent": "synonymous",
    "Translation_Start_Site": "start_lost",
    "Start_Codon_SNP": "start_lost",
    "Start_Codon_Del": "start_lost",
    "Start_Codon_Ins": "start_lost",
    "Nonstop_Mutation": "stop_lost",
    "Stop_Codon_Del": "stop_lost",
    "Stop_Codon_Ins": "stop_lost",
    "3'UTR": "utr",
    "5'UTR": "utr",
    "De_novo_Start_InFrame": "utr",
    "De_novo_Start_OutOfFrame": "utr",
    "Intron": "intronic",
    "RNA": "noncoding",
    "lincRNA": "noncoding",
    "5'Flank": "upstream_downstream",
    "3'Flank": "upstream_downstream",
    "IGR": "intergenic",
    "Splice_Region": "splice_region",
}

BUILD_ALIASES = {
    "37": "GRCh37",
    "grch37": "GRCh37",
    "hg19": "GRCh37",
    "grch37-lite": "GRCh37",
    "b37": "GRCh37",
    "38": "GRCh38",
    "grch38": "GRCh38",
    "hg38": "GRCh38",
}

DBSNP_CAF = "dbSNP_CAF"  # Funcotator: comma list of allele frequencies, reference first
# column names some tools spell in another case (Oncotator: Start_position, End_position)
_CANONICAL_COLUMNS = {
    name.lower(): name
    for name in (
        "Hugo_Symbol", "Chromosome", "Start_Position", "End_Position", "Reference_Allele",
        "Tumor_Seq_Allele1", "Tumor_Seq_Allele2", "Variant_Classification",
        "Tumor_Sample_Barcode", "Matched_Norm_Sample_Barcode", "NCBI_Build", "t_alt_count",
        "t_ref_count", "t_depth", "HGVSp_Short", "HGVSp", "HGVSc", "Protein_Change",
        "Amino_acids", "Protein_position", "Variant_Type", "FILTER",
    )
}  # fmt: skip
_MISSING = {"", ".", "NA", "N/A", "NaN", "nan", "None", "__UNKNOWN__"}
_PASSING_FILTERS = {"PASS", ".", ""}
_MAX_LISTED_BARCODES = 20


def normalise_build(value: str) -> str | None:
    """'37' / 'GRCh37' / 'hg19' -> 'GRCh37'; '38' / 'GRCh38' / 'hg38' -> 'GRCh38'; else None."""
    return BUILD_ALIASES.get(value.strip().lower())


def maf_chrom(value: str) -> str:
    """MAF Chromosome ('1', 'chr1', 'X', 'MT', '23') -> 'chr'-prefixed name."""
    bare = value.strip()
    if bare.lower().startswith("chr"):
        bare = bare[3:]
    bare = {"23": "X", "24": "Y", "MT": "M"}.get(bare.upper(), bare)
    if bare.lower() in ("x", "y", "m"):
        bare = bare.upper()
    return f"chr{bare}"


def maf_alleles(ref: str, alt: str) -> tuple[str, str, bool]:
    """MAF alleles -> (ref, alt, anchorless); '-' becomes the empty allele."""
    ref_bases = "" if ref == "-" else ref
    alt_bases = "" if alt == "-" else alt
    return ref_bases, alt_bases, ref_bases == "" or alt_bases == ""


def read_maf(
    path: str | Path,
    *,
    sample: str | None,
    build: str | None = None,
    pass_only: bool = True,
    allowed_filters: tuple[str, ...] = (),
    min_vaf: float = 0.0,
    min_depth: int = 0,
    default_sample: str | None = None,
    max_ratio: float = MAX_RATIO,
) -> IngestResult:
    """Read the rows of one tumor sample (Tumor_Sample_Barcode == sample) from a MAF.

    With sample None the MAF must hold exactly one barcode, which is then used.

    The build comes from NCBI_Build (37/GRCh37/hg19, 38/GRCh38/hg38) and must agree with
    `build` when both are given. Rows whose FILTER is not PASS/'.'/empty are counted as
    filtered and dropped when pass_only is set (unless every value of a ';'-separated FILTER
    is in allowed_filters); then rows below min_vaf or min_depth are dropped and counted, as
    for VCFs. VAF = t_alt_count / t_depth, or
    t_alt_count / (t_alt_count + t_ref_count) when t_depth is absent. See the module
    docstring for how indel coordinates are represented.
    """
    path = Path(path)
    part = _part_mark(path)
    # what messages name: the user's cohort MAF, not the part a split wrote from it
    source = Path(part.source) if part else path
    header = _read_header(path)
    missing = missing_maf_columns(header)
    if missing:
        raise InputError(
            f"MAF is missing required column(s): {', '.join(missing)}",
            path=str(source),
            column=missing[0],
            fix=f"a MAF needs the columns {', '.join(REQUIRED_COLUMNS)} (tab-separated header)",
        )
    if part is not None:
        sample = part.barcode
    elif sample is None:
        sample = _only_barcode(path, default_sample, max_ratio)

    variants: list[Variant] = []
    barcodes_seen: dict[str, None] = {}
    builds_seen: dict[str, int] = {}
    unknown_classes: dict[str, None] = {}
    counts = {"records_read": 0, "passed": 0, "filtered": 0, "other_samples_skipped": 0,
              "no_alt_reads_skipped": 0, DUPLICATE_KEY: 0}  # fmt: skip
    if min_vaf:
        counts["below_min_vaf"] = 0
    if min_depth:
        counts["below_min_depth"] = 0
    allowed = frozenset(allowed_filters)
    has_normal = False
    added: set[tuple[str, int, str, str, str | None]] = set()
    evidence: Counter[str] = Counter()
    markers = build_markers()

    for line_number, row in _read_rows(path, max_ratio):
        barcode = row.get("Tumor_Sample_Barcode", "").strip()
        barcodes_seen.setdefault(barcode, None)
        if barcode != sample:
            counts["other_samples_skipped"] += 1
            continue
        counts["records_read"] += 1
        row_build = _row_build(row, source, line_number)
        if row_build is not None:
            builds_seen.setdefault(row_build, line_number)
        if _value(row, "Matched_Norm_Sample_Barcode") is not None:
            has_normal = True
        variant = _row_to_variant(row, source, line_number, unknown_classes)
        if (
            pass_only
            and variant.filter not in _PASSING_FILTERS
            and not (allowed and allowed.issuperset(variant.filter.split(";")))
        ):
            counts["filtered"] += 1
            continue
        counts["passed"] += 1
        if min_vaf and variant.vaf is not None and variant.vaf < min_vaf:
            counts["below_min_vaf"] += 1
            continue
        if min_depth and variant.depth is not None and variant.depth < min_depth:
            counts["below_min_depth"] += 1
            continue
        if variant.alt_reads == 0 and variant.depth:
            counts["no_alt_reads_skipped"] += 1
            continue
        key = variant_key(variant)
        if key in added:
            counts[DUPLICATE_KEY] += 1
            continue
        added.add(key)
        _note_build_evidence(markers, evidence, variant)
        variants.append(variant)

    if counts["records_read"] == 0 and part is None:
        raise InputError(
            f"no MAF rows with Tumor_Sample_Barcode '{sample}'; "
            f"barcodes present: {_list_barcodes(list(barcodes_seen))}",
            path=str(path),
            column="Tumor_Sample_Barcode",
            fix="set tumor_sample in the sample sheet to one of the barcodes present",
        )

    resolved_build = _resolve_build(source, builds_seen, build)
    counts["positional_hotspot_matches"] = _positional_hotspots(variants, resolved_build)
    header_evidence = [f"NCBI_Build {resolved_build}"] if builds_seen else []
    choice = BuildChoice(resolved_build, build is not None, header_evidence)
    checked = check_build(str(source), choice, data_evidence(evidence))
    # a sample without rows has nothing on a wrong build; its own warning says why
    warnings = (checked.warnings if counts["records_read"] else []) + skip_warnings(counts, sample)
    if part is not None:
        warnings += _note_cohort_part(part, counts)
    if unknown_classes:
        warnings.append(
            "Variant_Classification value(s) not recognised, class set to 'unknown': "
            + ", ".join(unknown_classes)
        )
    oncokb_annotated = [v for v in variants if EXTRA_KEY in v.extra]
    if has_oncokb_columns(header):
        counts["oncokb_level_rows"] = len(oncokb_annotated)
        warnings.append(
            f"the MAF carries oncokb-annotator columns: {len(oncokb_annotated)} kept row(s) "
            "with a therapeutic level are shown as 'OncoKB (user-supplied annotation)' lines, "
            "apart from the curated options"
        )
    return IngestResult(
        variants=variants,
        sample=sample,
        input_format="MAF",
        caller="unknown",
        annotation="MAF",
        build=resolved_build,
        tumor_only=not has_normal,
        counts=counts,
        warnings=warnings,
        build_evidence=checked.how,
        oncokb_variants=oncokb_annotated,
        source=part.source if part else "",
        cohort_maf=part.disclosure() if part else None,
    )


def _part_mark(path: Path) -> MafPart | None:
    """The split's record when `path` is a per-sample part of a cohort MAF (maf_split)."""
    return MafPart.of_file(path) if path.is_file() else None


def _note_cohort_part(part: MafPart, counts: dict[str, int]) -> list[str]:
    """Counts and report lines for a sample read from its part of a cohort MAF."""
    counts["cohort_maf_rows"] = part.source_rows
    counts["other_samples_skipped"] = part.source_rows - part.rows - part.unmatched_rows
    counts["unmatched_barcode_rows"] = part.unmatched_rows
    counts["unmatched_barcodes"] = part.n_unmatched_barcodes
    notes = []
    unmatched = ""
    if part.unmatched_rows:
        listed = _list_barcodes(part.unmatched_barcodes)
        if part.n_unmatched_barcodes > len(part.unmatched_barcodes):
            listed = f"{listed} and {part.n_unmatched_barcodes - len(part.unmatched_barcodes)} more"
        unmatched = (
            f"; {part.unmatched_rows} row(s) of the MAF carry a barcode that no sheet row "
            f"names ({listed})"
        )
    if part.rows == 0:
        notes.append(
            f"the cohort MAF {part.source} has no row for Tumor_Sample_Barcode "
            f"'{part.barcode}': this report shows no small variants because the MAF lists none "
            f"for this sample, not because sequencing found none{unmatched}. Fix: check the "
            "barcode (sample id, or tumor_sample in the sheet), and that the sample was "
            "sequenced and called"
        )
    elif unmatched:
        notes.append(
            f"cohort MAF {part.source}: {part.rows} row(s) read for '{part.barcode}'"
            f"{unmatched}; check that no sample of this cohort is named differently there"
        )
    return notes


def _positional_hotspots(variants: list[Variant], build: str) -> int:
    """Rows without a protein change at a known hotspot nucleotide change get its protein
    change (as unannotated VCF records do); the number of such rows."""
    table = hotspot_positions(build)
    matched = 0
    for variant in variants:
        if variant.hgvsp:
            continue
        hotspot = table.get((variant.chrom, variant.pos, variant.ref, variant.alt))
        if hotspot is None or (variant.gene and variant.gene != hotspot.gene):
            continue
        variant.gene = hotspot.gene
        variant.hgvsp = hotspot.hgvsp
        if variant.variant_class in ("unknown", "missense", "nonsense", "synonymous"):
            variant.variant_class = hotspot.variant_class
        variant.extra["positional_hotspot"] = hotspot.residue
        matched += 1
    return matched


def _note_build_evidence(markers: BuildMarkers, evidence: Counter[str], variant: Variant) -> None:
    if variant.pos in markers.positions:
        markers.note_position(evidence, variant.chrom, variant.pos, variant.ref)
    if variant.gene in markers.span_genes:
        markers.note_gene(evidence, variant.chrom, variant.pos, variant.gene)


def missing_maf_columns(header: list[str]) -> list[str]:
    """The REQUIRED_COLUMNS this header lacks, in their order."""
    return [c for c in REQUIRED_COLUMNS if c not in header]


def maf_header(path: str | Path) -> list[str]:
    """The column names of the first line that is neither empty nor a '#' comment."""
    return _read_header(Path(path))


def maf_sample_builds(path: str | Path) -> dict[str, str | None]:
    """Tumor_Sample_Barcode -> its NCBI_Build (GRCh37/GRCh38, None when absent or several),
    in order of first appearance."""
    builds: dict[str, set[str]] = {}
    for _line, row in _read_rows(Path(path)):
        barcode = row.get("Tumor_Sample_Barcode", "").strip()
        build = normalise_build(row.get("NCBI_Build", "").strip())
        seen = builds.setdefault(barcode, set())
        if build:
            seen.add(build)
    return {b: next(iter(s)) if len(s) == 1 else None for b, s in builds.items() if b}


def _list_barcodes(barcodes: list[str]) -> str:
    listed = ", ".join(barcodes[:_MAX_LISTED_BARCODES]) or "none"
    if len(barcodes) > _MAX_LISTED_BARCODES:
        listed += f" and {len(barcodes) - _MAX_LISTED_BARCODES} more"
    return listed


def _only_barcode(
    path: Path, default_sample: str | None = None, max_ratio: float = MAX_RATIO
) -> str:
    """The MAF's one barcode, else default_sample (the sheet's sample id) when it is one of
    the barcodes (a cohort MAF keyed by the same ids)."""
    barcodes = list(
        dict.fromkeys(
            row.get("Tumor_Sample_Barcode", "").strip() for _, row in _read_rows(path, max_ratio)
        )
    )
    if len(barcodes) != 1 and default_sample in barcodes:
        return default_sample
    if len(barcodes) != 1:
        raise InputError(
            f"the MAF holds {len(barcodes)} tumor samples and none was named; "
            f"barcodes present: {_list_barcodes(barcodes)}",
            path=str(path),
            column="Tumor_Sample_Barcode",
            fix="set tumor_sample in the sample sheet to one of the barcodes present",
        )
    return barcodes[0]


def _data_lines(path: Path, max_ratio: float = MAX_RATIO) -> Iterator[tuple[int, list[str]]]:
    """(line number, tab-split fields) of non-empty, non-'#' lines; the first is the header."""
    for number, line in iter_lines(path, max_ratio):
        if line.startswith("#") or not line.strip():
            continue
        yield number, line.split("\t")


def _canonical_header(fields: list[str]) -> list[str]:
    names = [h.strip() for h in fields]
    return [_CANONICAL_COLUMNS.get(name.lower(), name) for name in names]


def _read_header(path: Path) -> list[str]:
    if not path.is_file():
        raise InputError("MAF file not found", path=str(path), fix="check the maf path")
    for _number, fields in _data_lines(path):
        return _canonical_header(fields)
    raise InputError("MAF has no header line", path=str(path), fix="provide a tab-separated MAF")


def _read_rows(path: Path, max_ratio: float = MAX_RATIO) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, column -> value) for every data row; '#' comment lines skipped."""
    lines = _data_lines(path, max_ratio)
    _number, header_fields = next(lines)
    header = _canonical_header(header_fields)
    from_part = header[0] == SOURCE_LINE_COLUMN
    for number, fields in lines:
        if len(fields) < len(header):
            fields += [""] * (len(header) - len(fields))
        row = dict(zip(header, fields, strict=False))
        # a part of a cohort MAF (maf_split): name the line of the user's file
        yield (int(row.pop(SOURCE_LINE_COLUMN)) if from_part else number), row


def _value(row: dict[str, str], column: str) -> str | None:
    text = row.get(column)
    if text is None:
        return None
    text = text.strip()
    return None if text in _MISSING else text


def _first_value(row: dict[str, str], columns: tuple[str, ...]) -> tuple[str, str] | None:
    for column in columns:
        text = _value(row, column)
        if text is not None:
            return column, text
    return None


def _int(row: dict[str, str], column: str, path: Path, line: int) -> int | None:
    text = _value(row, column)
    if text is None:
        return None
    try:
        number = float(text)
    except ValueError:
        number = float("nan")
    if not math.isfinite(number) or number < 0 or number != int(number):
        raise InputError(
            f"expected a whole non-negative number, found '{text}'",
            path=str(path),
            line=line,
            column=column,
            fix="read counts must be integers (or empty / NA when unknown)",
        )
    return int(number)


def _float(row: dict[str, str], column: str, path: Path, line: int) -> float | None:
    text = _value(row, column)
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        raise InputError(
            f"expected a number, found '{text}'",
            path=str(path),
            line=line,
            column=column,
            fix="use a decimal number, or leave the cell empty / NA",
        ) from None


def _row_build(row: dict[str, str], path: Path, line: int) -> str | None:
    text = _value(row, "NCBI_Build")
    if text is None:
        return None
    resolved = normalise_build(text)
    if resolved is None:
        raise InputError(
            f"unknown NCBI_Build '{text}'",
            path=str(path),
            line=line,
            column="NCBI_Build",
            fix="use 37, GRCh37, hg19, 38, GRCh38 or hg38",
        )
    return resolved


def _resolve_build(path: Path, builds_seen: dict[str, int], requested: str | None) -> str:
    if len(builds_seen) > 1:
        described = ", ".join(f"{b} (first at line {n})" for b, n in builds_seen.items())
        raise InputError(
            f"rows of one sample use more than one NCBI_Build: {described}",
            path=str(path),
            column="NCBI_Build",
            fix="lift all rows of the sample to one build",
        )
    requested_build = None
    if requested is not None:
        requested_build = normalise_build(requested)
        if requested_build is None:
            raise InputError(
                f"unknown genome build '{requested}'",
                path=str(path),
                column="genome_build",
                fix="use GRCh37 or GRCh38",
            )
    file_build = next(iter(builds_seen), None)
    if file_build and requested_build and file_build != requested_build:
        raise InputError(
            f"MAF NCBI_Build is {file_build} but the sample's genome_build is {requested_build}",
            path=str(path),
            line=builds_seen[file_build],
            column="NCBI_Build",
            fix="set genome_build in the sample sheet to the MAF's build, or lift over the MAF",
        )
    resolved = file_build or requested_build
    if resolved is None:
        raise InputError(
            "the MAF has no NCBI_Build values and no genome build was given",
            path=str(path),
            column="NCBI_Build",
            fix="set genome_build in the sample sheet or config",
        )
    return resolved


def _existing_variation(row: dict[str, str]) -> str | None:
    rs = _value(row, "dbSNP_RS")
    if rs is not None and rs.lower() != "novel":
        return rs
    return _value(row, "Existing_variation")


def _protein_change(row: dict[str, str]) -> str | None:
    """p.E545K from HGVSp_Short / HGVSp (vcf2maf), Protein_Change (Funcotator, Oncotator),
    or Amino_acids 'E/K' + Protein_position '545/1068' (single residues)."""
    for column in ("HGVSp_Short", "HGVSp", "Protein_Change"):
        change = short_hgvsp(_value(row, column))
        if change:
            return change
    residues, position = _value(row, "Amino_acids"), _value(row, "Protein_position")
    if not residues or not position:
        return None
    number = position.split("/", 1)[0]
    ref, _, alt = residues.partition("/")
    if not number.isdigit() or len(ref) != 1 or len(alt) > 1 or "-" in (ref, alt):
        return None
    return f"p.{ref}{number}{alt if alt and alt != ref else '='}"


def _population_af(row: dict[str, str]) -> float | None:
    """The largest population allele frequency among the columns present (vcf2maf carries
    VEP's, Funcotator its gnomAD columns and dbSNP CAF); the largest wins."""
    texts = [text for c in row if is_population_af(c) and (text := _value(row, c)) is not None]
    caf = _value(row, DBSNP_CAF)
    if caf is not None:
        texts.extend(caf.replace("|", ",").split(",")[1:])
    return largest_population_af(tuple(texts))


def _row_to_variant(
    row: dict[str, str], path: Path, line: int, unknown_classes: dict[str, None]
) -> Variant:
    start = _int(row, "Start_Position", path, line)
    if start is None or start == 0:
        raise InputError(
            "Start_Position is empty or 0",
            path=str(path),
            line=line,
            column="Start_Position",
            fix="MAF positions are 1-based integers",
        )
    chrom_text = _value(row, "Chromosome")
    if chrom_text is None:
        raise InputError(
            "Chromosome is empty",
            path=str(path),
            line=line,
            column="Chromosome",
            fix="fill in the chromosome (1-22, X, Y, MT)",
        )
    ref_text = (row.get("Reference_Allele") or "").strip()
    alt_text = (row.get("Tumor_Seq_Allele2") or "").strip()
    allele1 = (row.get("Tumor_Seq_Allele1") or "").strip()
    if alt_text in ("", ref_text) and allele1 not in ("", ref_text):
        alt_text = allele1  # some MAFs put the tumor allele in Allele1 only
    if not ref_text or not alt_text or ref_text == alt_text:
        raise InputError(
            f"no tumor allele: Reference_Allele '{ref_text}', Tumor_Seq_Allele2 '{alt_text}'",
            path=str(path),
            line=line,
            column="Tumor_Seq_Allele2",
            fix="give the somatic allele in Tumor_Seq_Allele2 ('-' for a deletion)",
        )
    ref, alt, anchorless = maf_alleles(ref_text.upper(), alt_text.upper())

    classification = (row.get("Variant_Classification") or "").strip()
    consequence = _value(row, "Consequence")  # vcf2maf keeps VEP's terms
    variant_class = VARIANT_CLASSIFICATION_TO_CLASS.get(classification)
    if variant_class is None:
        variant_class = consequence_class(consequence)
        if variant_class == "unknown" and classification:
            unknown_classes.setdefault(classification, None)
    hgvsp = _protein_change(row)
    if variant_class == "splice_site" and hgvsp and hgvsp.endswith("="):
        # a synonymous change at the last exonic base: a splice region variant, not the
        # canonical +/-1,2 intronic change a null (OVS1) call needs
        variant_class = "splice_region"

    alt_reads = _int(row, "t_alt_count", path, line)
    ref_reads = _int(row, "t_ref_count", path, line)
    depth = _int(row, "t_depth", path, line)
    if depth is None and alt_reads is not None and ref_reads is not None:
        depth = alt_reads + ref_reads
    vaf = None
    if alt_reads is not None and depth:
        vaf = alt_reads / depth

    if alt_reads is not None and depth and alt_reads > depth:
        raise InputError(
            f"t_alt_count {alt_reads} is above the depth {depth}",
            path=str(path),
            line=line,
            column="t_alt_count",
            fix="check the read-count columns (t_alt_count, t_ref_count, t_depth)",
        )

    gene = _value(row, "Hugo_Symbol")
    if gene == "Unknown":  # TCGA convention for intergenic rows
        gene = None
    hgvsc = strip_transcript(_value(row, "HGVSc"))
    transcript_hit = _first_value(row, ("Transcript_ID", "Feature"))
    extra: dict[str, object] = {"maf_line": line}
    if anchorless:
        extra["anchorless"] = True
    variant_type = _value(row, "Variant_Type")
    if variant_type:
        extra["variant_type"] = variant_type
    levels = oncokb_levels(row)
    if levels:
        extra[EXTRA_KEY] = levels

    return Variant(
        chrom=maf_chrom(chrom_text),
        pos=start,
        ref=ref,
        alt=alt,
        gene=gene,
        variant_class=variant_class,
        consequence=consequence or classification or None,
        hgvsc=hgvsc,
        hgvsp=hgvsp,
        transcript=transcript_hit[1] if transcript_hit else None,
        exon=_value(row, "Exon_Number") or _value(row, "EXON"),
        vaf=vaf,
        depth=depth,
        alt_reads=alt_reads,
        population_af=_population_af(row),
        clinvar=_value(row, "CLIN_SIG"),
        existing_variation=_existing_variation(row),
        filter=_value(row, "FILTER") or "PASS",
        annotation_source="MAF",
        extra=extra,
    )
