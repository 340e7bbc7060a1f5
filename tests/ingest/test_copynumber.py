"""Copy-number reader: format detection, call rules, segment-to-gene mapping, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from nenprofile.errors import InputError
from nenprofile.ingest.copynumber import (
    CopyNumberThresholds,
    Segment,
    copy_number_sample_ids,
    read_copy_number,
    read_copy_number_file,
    read_purity_ploidy,
    segment_chrom,
    segments_to_genes,
)
from nenprofile.reference.genes import GeneIndex

DATA = Path(__file__).parents[1] / "data" / "cna"

TINY_INDEX = GeneIndex(
    build="GRCh38",
    spans={
        "GENEA": ("chr1", 100, 200),
        "GENEB": ("chr1", 150, 400),
        "GENEC": ("chr2", 1000, 2000),
        "GENED": ("chr3", 10, 20),
        "GENEX": ("chrX", 50, 60),
        "GENEY": ("chr4", 1, 10),  # no segment covers it
        "GENEP": ("chr10", 1001, 110000),  # a large gene, like PTEN
    },
)


def calls_of(records) -> dict[str, str]:
    return {r.gene: r.call for r in records}


def by_gene(records) -> dict:
    return {r.gene: r for r in records}


def write(tmp_path: Path, text: str, name: str = "cna.tsv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


# --- call rules -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("copy_number", "ploidy", "call"),
    [
        (0.0, 2.0, "DEEPDEL"),
        (0.49, 2.0, "DEEPDEL"),
        (0.5, 2.0, "HETLOSS"),
        (1.0, 2.0, "HETLOSS"),
        (2.0, 2.0, "NEUTRAL"),
        (3.0, 2.0, "GAIN"),
        (5.9, 2.0, "GAIN"),
        (6.0, 2.0, "AMP"),
        (8.0, 3.0, "GAIN"),  # AMP at ploidy 3 needs 6 * 3 / 2 = 9 copies
        (9.0, 3.0, "AMP"),
        (2.0, 3.0, "HETLOSS"),
        (3.0, 3.0, "NEUTRAL"),
    ],
)
def test_absolute_copy_number_rule(copy_number, ploidy, call):
    assert CopyNumberThresholds().call_copy_number(copy_number, ploidy) == call


@pytest.mark.parametrize(
    ("log2", "call"),
    [
        (1.0, "AMP"),
        (0.99, "GAIN"),
        (0.3, "GAIN"),
        (0.29, "NEUTRAL"),
        (-0.29, "NEUTRAL"),
        (-0.3, "HETLOSS"),
        (-1.19, "HETLOSS"),
        (-1.2, "DEEPDEL"),
    ],
)
def test_log2_rule(log2, call):
    assert CopyNumberThresholds().call_log2(log2) == call


# --- gene-level tables ------------------------------------------------------------------


def test_gene_table_with_absolute_copy_number_and_minor_copy_number():
    records = read_copy_number(DATA / "gene_copy_number.tsv", build="GRCh38")
    assert calls_of(records) == {
        "MYC": "AMP",
        "ERBB2": "AMP",
        "CCND1": "GAIN",
        "TP53": "HETLOSS",
        "CDKN2A": "DEEPDEL",
        "RB1": "NEUTRAL",
        "MEN1": "NEUTRAL",
    }  # PTEN is NA: no call
    genes = by_gene(records)
    assert genes["RB1"].loh is True  # copy-neutral LOH
    assert genes["TP53"].loh is True
    assert genes["CDKN2A"].loh is False  # nothing left, so no LOH
    assert genes["MEN1"].loh is False
    assert genes["MYC"].copy_number == 12.0
    assert genes["MYC"].minor_copy_number == 2.0
    assert genes["MYC"].source == "gene table (copy number)"


def test_gene_table_calls_scale_with_ploidy_and_thresholds():
    at_ploidy_3 = read_copy_number(DATA / "gene_copy_number.tsv", build="GRCh38", ploidy=3.0)
    assert calls_of(at_ploidy_3)["ERBB2"] == "GAIN"
    assert calls_of(at_ploidy_3)["CCND1"] == "NEUTRAL"
    assert calls_of(at_ploidy_3)["RB1"] == "HETLOSS"
    strict = read_copy_number(
        DATA / "gene_copy_number.tsv",
        build="GRCh38",
        thresholds=CopyNumberThresholds(amp_copies=8),
    )
    assert calls_of(strict)["ERBB2"] == "GAIN"
    assert calls_of(strict)["MYC"] == "AMP"


def test_gene_table_with_log2_ratios():
    records = read_copy_number(DATA / "gene_log2.tsv", build="GRCh37")
    assert calls_of(records) == {
        "MYC": "AMP",
        "ERBB2": "AMP",
        "KRAS": "GAIN",
        "CCNE1": "GAIN",
        "ATRX": "NEUTRAL",
        "PTEN": "HETLOSS",
        "TP53": "HETLOSS",
        "SMAD4": "DEEPDEL",
        "CDKN2A": "DEEPDEL",
    }
    assert by_gene(records)["MYC"].log2_ratio == 1.6
    assert by_gene(records)["MYC"].copy_number is None


def test_gene_table_with_call_words():
    records = read_copy_number(DATA / "gene_calls.tsv", build="GRCh38")
    assert calls_of(records) == {
        "MYCN": "AMP",
        "RICTOR": "GAIN",
        "DAXX": "NEUTRAL",
        "TP53": "HETLOSS",
        "MEN1": "HETLOSS",
        "RB1": "DEEPDEL",
        "PTEN": "DEEPDEL",
        "CDKN2A": "DEEPDEL",
        "BRCA2": "DEEPDEL",
    }


def test_explicit_call_wins_over_numbers_and_conflicting_duplicates_keep_the_stronger(tmp_path):
    path = write(tmp_path, "Hugo_Symbol\tCN\tcall\nMYC\t3\tAMP\nMYC\t0\tDEEPDEL\nRB1\t1\tHETLOSS\n")
    result = read_copy_number_file(path, build="GRCh38")
    myc = by_gene(result.calls)["MYC"]
    assert (myc.call, myc.copy_number, myc.segment) == ("DEEPDEL", 0.0, "line 3")
    message = (
        "MYC is listed on 2 rows (lines 2, 3) with different calls (AMP, DEEPDEL): DEEPDEL "
        "kept, the stronger event"
    )
    assert myc.note == message
    assert result.warnings == [f"gene table (call): {message}"]
    assert result.disclosure["merged_duplicate_rows"] == 1


def test_duplicate_rows_with_the_same_call_merge_without_warning(tmp_path):
    path = write(tmp_path, "gene\tcopy_number\nTP53\t1\nTP53\t1.2\n")
    result = read_copy_number_file(path, build="GRCh38")
    assert [(c.gene, c.call, c.copy_number, c.note) for c in result.calls] == [
        ("TP53", "HETLOSS", 1.0, "")
    ]
    assert (result.warnings, result.disclosure["merged_duplicate_rows"]) == ([], 1)


# --- cBioPortal discrete ----------------------------------------------------------------


def test_cbioportal_discrete_picks_the_sample_column():
    nen01 = read_copy_number(DATA / "cbioportal_data_CNA.txt", build="GRCh37", sample="NEN01")
    assert calls_of(nen01) == {
        "MYC": "AMP",
        "TP53": "HETLOSS",
        "RB1": "DEEPDEL",
        "CCNE1": "GAIN",
        "PTEN": "NEUTRAL",
    }
    assert nen01[0].source == "cBioPortal discrete"
    nen02 = read_copy_number(DATA / "cbioportal_data_CNA.txt", build="GRCh37", sample="NEN02")
    assert calls_of(nen02) == {
        "MYC": "NEUTRAL",
        "TP53": "HETLOSS",
        "RB1": "NEUTRAL",
        "PTEN": "DEEPDEL",
    }  # CCNE1 is NA


def test_cbioportal_discrete_keyed_by_entrez_id_only():
    result = read_copy_number_file(
        DATA / "cbioportal_data_CNA_entrez.txt", build="GRCh37", sample="NEN01"
    )
    assert calls_of(result.calls) == {
        "MYC": "AMP",  # 4609
        "TP53": "HETLOSS",  # 7157
        "RB1": "DEEPDEL",  # 5925
        "CCNE1": "GAIN",  # 898
    }
    assert result.disclosure["format"] == "cBioPortal discrete"
    assert result.disclosure["genes_from_entrez_id"] == 4
    assert result.disclosure["skipped"] == {
        "Entrez_Gene_Id not a protein-coding gene of the bundled HGNC table": 1,
        "no gene name or value (empty or NA)": 1,
    }


def test_cbioportal_long_layout_with_empty_hugo_symbols_uses_entrez():
    result = read_copy_number_file(
        DATA / "cbioportal_data_cna_long_entrez.txt", build="GRCh38", sample="NEN01"
    )
    assert calls_of(result.calls) == {"MYC": "AMP", "RB1": "DEEPDEL", "PTEN": "DEEPDEL"}
    assert result.disclosure["genes_from_entrez_id"] == 2
    assert result.disclosure["skipped"] == {
        "Entrez_Gene_Id not a protein-coding gene of the bundled HGNC table": 1,
        "rows of other samples": 1,
    }


def test_bundled_entrez_table_names_every_knowledge_base_gene():
    from nenprofile.reference.genes import entrez_symbols
    from nenprofile.reference.knowledgebase import load_knowledge_base

    symbols = set(entrez_symbols().values())
    assert set(load_knowledge_base().genes) <= symbols
    assert (entrez_symbols()["5159"], entrez_symbols()["29126"]) == ("PDGFRB", "CD274")


def test_cbioportal_discrete_needs_a_sample_when_several_columns():
    with pytest.raises(InputError) as error:
        read_copy_number(DATA / "cbioportal_data_CNA.txt", build="GRCh37")
    assert "cannot tell which sample column to use; found: NEN01, NEN02" in str(error.value)
    with pytest.raises(InputError, match="'NEN09' is not among them; found: NEN01, NEN02"):
        read_copy_number(DATA / "cbioportal_data_CNA.txt", build="GRCh37", sample="NEN09")


def test_cbioportal_discrete_single_column_is_taken(tmp_path):
    path = write(tmp_path, "Hugo_Symbol\tTUMOR_X\nMYC\t2\nRB1\t-1.5\n")
    assert calls_of(read_copy_number(path, build="GRCh38", sample="other")) == {
        "MYC": "AMP",
        "RB1": "DEEPDEL",
    }


def test_cbioportal_discrete_rejects_values_outside_minus2_to_2(tmp_path):
    path = write(tmp_path, "Hugo_Symbol\tS1\nMYC\t2\nRB1\t3\n")
    with pytest.raises(InputError) as error:
        read_copy_number(path, build="GRCh38")
    assert (error.value.line, error.value.column) == (3, "S1")


# --- segments ---------------------------------------------------------------------------


def test_seg_file_maps_segments_to_genes_deletion_then_amplification_first():
    records = read_copy_number(
        DATA / "two_samples.seg", build="GRCh38", genes=TINY_INDEX, sample="S1"
    )
    # GENEA (100-200): 81 bp in seg.mean 1.5, 20 bp in -0.5 -> AMP
    # GENEB (150-400): 31 bp in 1.5, 220 bp in -0.5 -> AMP (the maximum decides gains);
    # chrom 23 -> chrX
    assert calls_of(records) == {
        "GENEA": "AMP",
        "GENEB": "AMP",
        "GENEC": "DEEPDEL",
        "GENEX": "GAIN",
    }
    geneb = by_gene(records)["GENEB"]
    assert (geneb.log2_ratio, geneb.segment, geneb.note) == (
        1.5,
        "chr1:1-180 log2 1.5, 31 of GENEB's 251 bp",
        "GENEB also overlaps a HETLOSS segment chr1:181-1000 log2 -0.5",
    )
    assert records[0].source == "SEG segments"
    other = read_copy_number(
        DATA / "two_samples.seg", build="GRCh38", genes=TINY_INDEX, sample="S2"
    )
    assert calls_of(other) == {"GENEA": "NEUTRAL", "GENEB": "NEUTRAL"}


def test_seg_file_with_several_ids_needs_a_sample():
    with pytest.raises(InputError, match="cannot tell which ID value to use; found: S1, S2"):
        read_copy_number(DATA / "two_samples.seg", build="GRCh38", genes=TINY_INDEX)


def test_allele_specific_segments_give_total_copy_number_and_loh():
    records = by_gene(
        read_copy_number(DATA / "allele_specific.tsv", build="GRCh38", genes=TINY_INDEX)
    )
    assert {g: r.call for g, r in records.items()} == {
        "GENEA": "AMP",  # 5 + 2 = 7 copies over 81 of its 101 bp
        "GENEB": "AMP",  # 31 bp at 7 copies, 220 bp at 1 copy: the amplification wins
        "GENEC": "NEUTRAL",
        "GENED": "DEEPDEL",
    }
    assert (records["GENEA"].copy_number, records["GENEA"].loh) == (7.0, False)
    assert (records["GENEB"].copy_number, records["GENEB"].loh) == (7.0, False)
    assert (records["GENEC"].copy_number, records["GENEC"].loh) == (2.0, True)
    assert (records["GENED"].copy_number, records["GENED"].loh) == (0.0, False)
    assert records["GENEA"].source == "allele-specific segments"


def test_segments_to_genes_directly():
    segments = [Segment("chr2", 1, 1500, copy_number=4.0), Segment("chr2", 1501, 3000, 1.0)]
    [record] = segments_to_genes(segments, TINY_INDEX, ploidy=2.0)
    assert (record.gene, record.call, record.copy_number) == ("GENEC", "GAIN", 4.0)


def test_segment_chrom_names():
    assert [segment_chrom(c) for c in ("1", "chr7", "23", "24", "x", "MT")] == [
        "chr1",
        "chr7",
        "chrX",
        "chrY",
        "chrX",
        "chrM",
    ]


def test_pcgr_brca_grch38_segments(shared_data):
    path = shared_data / "vcf" / "pcgr_T001-BRCA.grch38.cna.tsv"
    records = by_gene(read_copy_number(path, build="GRCh38"))
    # 17:39600010-40000000 nMajor 8 nMinor 1 covers all of ERBB2 (39700079-39728662)
    assert (records["ERBB2"].call, records["ERBB2"].copy_number) == ("AMP", 9.0)
    # 17:2045307-8701177 nMajor 2 nMinor 0: copy-neutral LOH over TP53
    assert (records["TP53"].call, records["TP53"].loh) == ("NEUTRAL", True)
    # 1:114430211-116197573 nMajor 23 nMinor 1 over NRAS
    assert (records["NRAS"].call, records["NRAS"].copy_number) == ("AMP", 24.0)
    # 13:23995352-64765321 nMajor 1 nMinor 0 over RB1
    assert (records["RB1"].call, records["RB1"].loh) == ("HETLOSS", True)
    # YWHAE (1344271-1400378): 5289 bp in a 1-copy segment, 48798 bp in a 0-copy segment
    assert (records["YWHAE"].call, records["YWHAE"].loh) == ("DEEPDEL", False)
    # 9:57539-1530874 nMajor 0 nMinor 0 over DOCK8
    assert records["DOCK8"].call == "DEEPDEL"


def test_pcgr_coad_grch37_segments(shared_data):
    path = shared_data / "vcf" / "pcgr_T001-COAD.grch37.cna.tsv"
    records = by_gene(read_copy_number(path, build="GRCh37"))
    assert (records["ERBB2"].call, records["ERBB2"].copy_number) == ("AMP", 9.0)
    assert (records["TP53"].call, records["TP53"].loh) == ("NEUTRAL", True)
    assert (records["BRCA2"].call, records["BRCA2"].loh) == ("HETLOSS", True)
    assert (records["MYC"].call, records["MYC"].copy_number) == ("GAIN", 5.0)


# --- bad input --------------------------------------------------------------------------


def test_unknown_format_lists_accepted_headers(tmp_path):
    path = write(tmp_path, "foo\tbar\n1\t2\n")
    with pytest.raises(InputError) as error:
        read_copy_number(path, build="GRCh38")
    message = str(error.value)
    assert "copy-number format not recognised from the header (foo, bar)" in message
    assert "SEG: ID, chrom, loc.start, loc.end, num.mark, seg.mean" in message
    assert "Chromosome, Start, End, nMajor, nMinor" in message


def test_non_numeric_copy_number_names_line_and_column(tmp_path):
    path = write(tmp_path, "gene\tcopy_number\nMYC\t8\nRB1\tlots\n")
    with pytest.raises(InputError) as error:
        read_copy_number(path, build="GRCh38")
    assert (error.value.line, error.value.column) == (3, "copy_number")
    assert "expected a number, found 'lots'" in str(error.value)


def test_non_numeric_segment_position_names_line_and_column(tmp_path):
    path = write(tmp_path, "Chromosome\tStart\tEnd\tnMajor\tnMinor\n1\t1\tten\t1\t1\n")
    with pytest.raises(InputError) as error:
        read_copy_number(path, build="GRCh38", genes=TINY_INDEX)
    assert (error.value.line, error.value.column) == (2, "End")


def test_unknown_call_word(tmp_path):
    path = write(tmp_path, "gene\tcall\nMYC\tvery high\n")
    with pytest.raises(InputError) as error:
        read_copy_number(path, build="GRCh38")
    assert "unknown copy-number call 'very high'" in str(error.value)
    assert (error.value.line, error.value.column) == (2, "call")


def test_segment_end_before_start(tmp_path):
    path = write(tmp_path, "Chromosome\tStart\tEnd\tnMajor\tnMinor\n1\t500\t100\t1\t1\n")
    with pytest.raises(InputError, match="segment end 100 is before start 500"):
        read_copy_number(path, build="GRCh38", genes=TINY_INDEX)


def test_non_positive_ploidy(tmp_path):
    with pytest.raises(InputError, match="ploidy must be positive"):
        read_copy_number(DATA / "gene_copy_number.tsv", build="GRCh38", ploidy=0)


# --- segments to genes: focal events, conflicts ----------------------------------------


def test_focal_homozygous_deletion_inside_a_large_gene_is_kept():
    segments = [
        Segment("chr10", 1, 89_999, copy_number=2.0),
        Segment("chr10", 90_000, 102_000, copy_number=0.0),
        Segment("chr10", 102_001, 200_000, copy_number=2.0),
    ]
    [record] = segments_to_genes(segments, TINY_INDEX)
    # 12,001 of 109,000 bp: the segment covering most of the gene (CN 2) no longer decides
    assert (record.gene, record.call, record.copy_number, record.segment, record.note) == (
        "GENEP",
        "DEEPDEL",
        0.0,
        "chr10:90000-102000 CN 0, 12,001 of GENEP's 109,000 bp",
        "",
    )


def test_gain_and_loss_in_one_gene_follow_the_larger_share():
    segments = [
        Segment("chr10", 1, 30_000, copy_number=3.0),
        Segment("chr10", 30_001, 200_000, copy_number=1.0),
    ]
    [record] = segments_to_genes(segments, TINY_INDEX)
    assert (record.call, record.copy_number, record.note) == (
        "HETLOSS",
        1.0,
        "GENEP also overlaps a GAIN segment chr10:1-30000 CN 3",
    )


# --- CNVkit (test files of etal/cnvkit, Apache-2.0; tests/data/cna/SOURCES.md) ----------


def test_cnvkit_cns_multi_gene_segments_give_every_gene_its_call():
    result = read_copy_number_file(DATA / "cnvkit_amplicon.cns", build="GRCh37")
    calls = by_gene(result.calls)
    wanted = {
        "CDKN2A": ("DEEPDEL", -30.7923),  # 'CDKN2A,RP11-145E5.5' segments, lost before
        "MLH1": ("AMP", 1.46547),  # 'RARB,MLH1'
        "ATM": ("AMP", 1.09647),
        "MYC": ("DEEPDEL", -2.27417),  # the minimum of MYC's three segments
        "PTEN": ("AMP", 1.37787),  # 'RET,PTEN,FGFR2'
        "FGFR2": ("AMP", 1.37787),
        "TP53": ("NEUTRAL", -0.139576),
        "KRAS": ("NEUTRAL", 0.289713),
    }
    assert {g: (calls[g].call, calls[g].log2_ratio) for g in wanted} == wanted
    braf = calls["BRAF"]
    assert (braf.call, braf.segment, braf.note) == (
        "AMP",
        "chr7:140439567-140449323 log2 2.70742 (2 probes), 9,757 of BRAF's 190,286 bp",
        "BRAF also overlaps a HETLOSS segment chr7:126746469-140434689 log2 -0.833465 (6 probes)",
    )
    assert result.disclosure["format"] == "CNVkit .cns (log2)"
    assert result.disclosure["skipped"] == {"CNVkit segment with 0 probes": 8}


def test_cnvkit_call_cns_uses_the_integer_cn():
    records = by_gene(read_copy_number(DATA / "cnvkit_p2-9_2.call.cns", build="GRCh37"))
    assert {g: (records[g].call, records[g].copy_number) for g in ("NOTCH2", "MTOR", "KDM6A")} == {
        "NOTCH2": ("GAIN", 3.0),
        "MTOR": ("NEUTRAL", 2.0),  # in 'NPHP4,CAMTA1,CA6,MTOR,MFN2'
        "KDM6A": ("GAIN", 3.0),
    }
    assert records["MTOR"].source == "CNVkit .call.cns (cn)"


def test_cnvkit_cnr_bins_are_refused_with_the_file_to_give():
    with pytest.raises(InputError) as error:
        read_copy_number(DATA / "cnvkit_amplicon_head.cnr", build="GRCh37")
    assert "CNVkit bin-level .cnr file" in str(error.value)
    assert error.value.fix == "give the CNVkit segments (.cns, or .call.cns from 'cnvkit.py call')"


def test_log10_seg_needs_seg_scale_and_is_converted():
    path = DATA / "cnvkit_acgh-log10.seg"
    with pytest.raises(InputError) as error:
        read_copy_number(path, build="GRCh37")
    assert "the file name says log10 but SEG values are read as log2" in str(error.value)
    result = read_copy_number_file(
        path, build="GRCh37", thresholds=CopyNumberThresholds(seg_scale="log10")
    )
    strn = by_gene(result.calls)["STRN"]
    # seg.mean 0.4485 (log10) = 1.4899 log2: AMP, read as log2 it was a GAIN
    assert (strn.call, round(strn.log2_ratio, 4)) == ("AMP", 1.4899)
    assert (result.disclosure["seg_scale"], result.disclosure["sample_id"]) == ("log10", "TR_28_T")


def test_seg_scale_must_be_log2_or_log10():
    with pytest.raises(InputError, match="seg_scale must be log2 or log10, got 'ln'"):
        read_copy_number(
            DATA / "two_samples.seg",
            build="GRCh38",
            thresholds=CopyNumberThresholds(seg_scale="ln"),
        )


# --- PURPLE, ASCAT, FACETS, Control-FREEC, GISTIC, cBioPortal long ----------------------


def test_purple_segments_clip_slightly_negative_copy_numbers_and_keep_focal_pten():
    result = read_copy_number_file(
        DATA / "sample.purple.cnv.somatic.tsv", build="GRCh37", ploidy=3.1
    )
    calls = by_gene(result.calls)
    assert (calls["PTEN"].call, calls["PTEN"].copy_number, calls["PTEN"].segment) == (
        "DEEPDEL",
        0.0,
        "chr10:89700300-89712340 CN 0, 12,041 of PTEN's 108,818 bp",
    )
    # at PURPLE's ploidy 3.1 an amplification needs 9.3 copies: BRAF at 6.03 is a gain
    assert (calls["BRAF"].call, calls["TP53"].call, calls["TP53"].loh) == (
        "GAIN",
        "HETLOSS",
        True,
    )
    assert result.disclosure["format"] == "PURPLE somatic copy number segments"
    assert result.disclosure["clipped_negative_copy_numbers"] == 1
    assert result.disclosure["most_negative_copy_number"] == -0.0194
    at_ploidy_2 = by_gene(read_copy_number(DATA / "sample.purple.cnv.somatic.tsv", build="GRCh37"))
    assert at_ploidy_2["BRAF"].call == "AMP"


def test_purple_gene_file_uses_min_for_losses_and_max_for_gains():
    result = read_copy_number_file(DATA / "sample.purple.cnv.gene.tsv", build="GRCh37", ploidy=3.1)
    assert [(c.gene, c.call, c.copy_number, c.loh, c.segment) for c in result.calls] == [
        ("BRAF", "GAIN", 6.0315, False, "line 2 maxCopyNumber 6.0315"),
        ("CDKN2A", "HETLOSS", 1.024, True, "line 3 minCopyNumber 1.024"),
        ("PTEN", "DEEPDEL", 0.0, False, "line 4 minCopyNumber 0"),
        ("TP53", "HETLOSS", 1.9874, True, "line 5 minCopyNumber 1.9874"),
    ]
    assert result.disclosure["clipped_negative_copy_numbers"] == 1


def test_copy_number_below_minus_one_is_refused_with_a_log2_hint(tmp_path):
    path = write(tmp_path, "chromosome\tstart\tend\tcopyNumber\n1\t1\t100\t-1.6\n")
    with pytest.raises(InputError) as error:
        read_copy_number(path, build="GRCh38", genes=TINY_INDEX)
    assert "copy number '-1.6' is below -1" in str(error.value)
    assert (error.value.line, error.value.column) == (2, "copyNumber")


def test_ascat_cnvs_startpos_endpos():
    result = read_copy_number_file(DATA / "sample.ascat.cnvs.txt", build="GRCh38", ploidy=3.2)
    calls = by_gene(result.calls)
    wanted = ("CDKN2A", "MYC", "MYCN", "RB1")
    assert {g: (calls[g].call, calls[g].copy_number, calls[g].loh) for g in wanted} == {
        "CDKN2A": ("DEEPDEL", 0.0, False),
        "MYC": ("NEUTRAL", 3.0, True),  # 3 copies at ASCAT's ploidy 3.2
        "MYCN": ("AMP", 10.0, False),
        "RB1": ("HETLOSS", 1.0, True),
    }
    assert result.disclosure["format"] == "ASCAT allele-specific segments"


def test_purity_and_ploidy_files():
    purple = read_purity_ploidy(DATA / "sample.purple.purity.tsv")
    assert (purple.purity, purple.ploidy, purple.source) == (
        0.72,
        3.1,
        "PURPLE/caller file sample.purple.purity.tsv",
    )
    ascat = read_purity_ploidy(DATA / "sample.ascat.purityploidy.txt")
    assert (ascat.purity, ascat.ploidy, ascat.source) == (
        0.54,
        3.2,
        "ASCAT file sample.ascat.purityploidy.txt",
    )
    with pytest.raises(InputError, match="this is a purity/ploidy file, not copy number"):
        read_copy_number(DATA / "sample.purple.purity.tsv", build="GRCh37")


def test_facets_run_summary_purity_and_ploidy():
    facets = read_purity_ploidy(DATA / "sample.facets.out")  # facets-suite wrapper layout
    assert (facets.purity, facets.ploidy, facets.source) == (
        0.415237,
        3.341452,
        "FACETS file sample.facets.out",
    )
    legacy = read_purity_ploidy(DATA / "sample.facets_legacy.out")  # '# Purity = NA '
    assert (legacy.purity, legacy.ploidy, legacy.source) == (
        None,
        2.01,
        "FACETS file sample.facets_legacy.out",
    )


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("Purity = 41\nPloidy = 3\n", "purity must be above 0 and at most 1, found 41", 1),
        ("Purity = 0.4\nPloidy = -2\n", "ploidy must be positive, found -2", 2),
        (
            "Purity = high\nPloidy = 3\n",
            "expected a number or NA after 'Purity =', found 'high'",
            1,
        ),
    ],
)
def test_facets_run_summary_bad_values(tmp_path, text, message, line):
    path = tmp_path / "T.out"
    path.write_text(text)
    with pytest.raises(InputError) as error:
        read_purity_ploidy(path)
    assert message in str(error.value)
    assert error.value.line == line


def test_facets_cncf_total_and_minor_copy_number():
    calls = by_gene(read_copy_number(DATA / "sample.facets.cncf.txt", build="GRCh37"))
    assert (calls["MYC"].call, calls["MYC"].copy_number) == ("AMP", 8.0)
    assert (calls["CDKN2A"].call, calls["CDKN2A"].minor_copy_number) == ("DEEPDEL", None)
    assert (calls["ATRX"].call, calls["ATRX"].loh) == ("NEUTRAL", True)  # chrom 23 -> chrX


def test_control_freec_cnvs_without_header_and_ratio_refused():
    result = read_copy_number_file(DATA / "sample.freec_CNVs", build="GRCh37")
    assert [(c.gene, c.call, c.copy_number) for c in result.calls] == [
        ("CDKN2A", "DEEPDEL", 0.0),
        ("MYCN", "AMP", 7.0),
        ("RB1", "HETLOSS", 1.0),
    ]
    assert (result.disclosure["format"], result.disclosure["rows"]) == ("Control-FREEC _CNVs", 3)
    with pytest.raises(InputError, match=r"Control-FREEC _ratio\.txt"):
        read_copy_number(DATA / "sample.freec_ratio.txt", build="GRCh37")


def test_gistic_all_thresholded_by_genes():
    result = read_copy_number_file(
        DATA / "all_thresholded.by_genes.txt", build="GRCh38", sample="S1"
    )
    assert calls_of(result.calls) == {"MYCN": "AMP", "CDKN2A": "DEEPDEL", "RB1": "HETLOSS"}
    assert result.warnings == [
        "GISTIC all_thresholded.by_genes: CDKN2A is listed on 2 rows (lines 3, 5) with "
        "different calls (DEEPDEL, HETLOSS): DEEPDEL kept, the stronger event"
    ]
    s2 = read_copy_number(DATA / "all_thresholded.by_genes.txt", build="GRCh38", sample="S2")
    assert calls_of(s2) == {"MYCN": "NEUTRAL", "CDKN2A": "HETLOSS", "RB1": "NEUTRAL"}


def test_cbioportal_long_layout_picks_the_sample_rows():
    result = read_copy_number_file(
        DATA / "cbioportal_data_cna_long.txt", build="GRCh38", sample="NEN01"
    )
    assert calls_of(result.calls) == {"MYC": "AMP", "RB1": "DEEPDEL"}
    assert result.disclosure["skipped"] == {
        "no gene name or value (empty or NA)": 1,
        "rows of other samples": 1,
    }
    with pytest.raises(InputError, match="'NEN09' is not among them; found: NEN01, NEN02"):
        read_copy_number(DATA / "cbioportal_data_cna_long.txt", build="GRCh38", sample="NEN09")


@pytest.mark.parametrize(
    ("name", "layout", "ids"),
    [
        ("cnvkit_amplicon.cns", "segments", []),
        ("cnvkit_amplicon_head.cnr", "segments", []),  # reading it says: give the .cns
        ("sample.freec_CNVs", "segments", []),
        ("sample.freec_ratio.txt", "segments", []),  # reading it says: give the _CNVs
        ("sample.purple.cnv.somatic.tsv", "segments", []),
        ("sample.ascat.cnvs.txt", "segments", []),
        ("sample.facets.cncf.txt", "segments", []),
        ("cnvkit_acgh-log10.seg", "segments", ["TR_28_T"]),
        ("sample.purple.cnv.gene.tsv", "gene table", []),
        ("all_thresholded.by_genes.txt", "cBioPortal discrete", ["S1", "S2"]),
        ("cbioportal_data_cna_long.txt", "cBioPortal discrete", ["NEN01", "NEN02"]),
        ("cbioportal_data_CNA_entrez.txt", "cBioPortal discrete", ["NEN01", "NEN02"]),
        ("cbioportal_data_cna_long_entrez.txt", "cBioPortal discrete", ["NEN01", "NEN02"]),
        ("sample.purple.purity.tsv", None, []),
    ],
)
def test_discovery_layout_and_sample_ids_of_each_format(name, layout, ids):
    assert copy_number_sample_ids(DATA / name) == (layout, ids)
