"""Caller shapes: exact VAF / depth / alt reads, filters, splitting and skips."""

from __future__ import annotations

from pathlib import Path

import pytest

from nenprofile.errors import InputError
from nenprofile.ingest.variants import read_variants

VCF = Path(__file__).parents[1] / "data" / "vcf"


def by_pos(result):
    return {(v.chrom, v.pos, v.alt): v for v in result.variants}


def test_mutect2_tumor_normal_counts_and_skips():
    r = read_variants(VCF / "mutect2_tn.vcf")
    assert r.sample == "T1" and r.caller == "Mutect2" and r.tumor_only is False
    assert r.build == "GRCh38"
    got = by_pos(r)
    assert sorted(got) == [
        ("chr1", 100, "G"), ("chr1", 200, "A"), ("chr1", 200, "T"), ("chr17", 700, "A")
    ]  # fmt: skip
    assert (got["chr1", 100, "G"].vaf, got["chr1", 100, "G"].depth) == (0.4, 100)
    assert got["chr1", 100, "G"].alt_reads == 40
    # multiallelic split with per-allele AF and AD
    assert (got["chr1", 200, "A"].vaf, got["chr1", 200, "A"].alt_reads) == (0.3, 30)
    assert (got["chr1", 200, "T"].vaf, got["chr1", 200, "T"].alt_reads) == (0.2, 20)
    assert got["chr17", 700, "A"].filter == "PASS"  # FILTER '.' counts as pass
    assert r.counts["records_read"] == 7
    assert r.counts["filtered"] == 1
    assert r.counts["nocall_skipped"] == 1
    assert r.counts["symbolic_skipped"] == 1
    assert r.counts["reference_only_skipped"] == 1
    assert r.counts["multiallelic_split"] == 1
    assert r.counts["variants"] == 4


def test_allowed_filters_and_pass_only_off():
    allowed = read_variants(VCF / "mutect2_tn.vcf", allowed_filters=("weak_evidence",))
    assert ("chr1", 300, "C") in by_pos(allowed)
    assert by_pos(allowed)["chr1", 300, "C"].filter == "weak_evidence"
    everything = read_variants(VCF / "mutect2_tn.vcf", pass_only=False)
    assert everything.counts["filtered"] == 0 and everything.counts["variants"] == 5


def test_min_vaf_and_depth():
    r = read_variants(VCF / "mutect2_tn.vcf", min_vaf=0.25, min_depth=100)
    assert sorted(by_pos(r)) == [("chr1", 100, "G"), ("chr1", 200, "A"), ("chr17", 700, "A")]
    assert r.counts["below_min_vaf"] == 1


def test_strelka2_snv_tier1_counts():
    v = read_variants(VCF / "strelka2_snv.vcf").variants[0]
    assert (v.vaf, v.depth, v.alt_reads) == (0.25, 40, 10)


def test_strelka2_indel_tar_tir():
    r = read_variants(VCF / "strelka2_indel.vcf")
    assert r.caller == "Strelka2" and r.sample == "TUMOR"
    v = r.variants[0]
    assert (v.vaf, v.depth, v.alt_reads) == (0.25, 60, 15)


def test_vardict_tumor_first_needs_sheet_choice():
    with pytest.raises(InputError) as info:
        read_variants(VCF / "vardict.vcf")
    assert "S1_T, S1_N" in str(info.value)
    assert "set tumor_sample in the sample sheet to one of" in str(info.value)
    r = read_variants(VCF / "vardict.vcf", tumor_sample="S1_T")
    assert r.caller == "VarDict"
    assert (r.variants[0].vaf, r.variants[0].depth, r.variants[0].alt_reads) == (0.125, 80, 10)


def test_unknown_tumor_sample_lists_columns():
    with pytest.raises(InputError) as info:
        read_variants(VCF / "mutect2_tn.vcf", tumor_sample="TUMOR_X")
    text = str(info.value)
    assert "mutect2_tn.vcf" in text and "'TUMOR_X'" in text and "N1, T1" in text


def test_varscan_freq_percent():
    r = read_variants(VCF / "varscan.vcf")
    assert r.caller == "VarScan2"
    v = r.variants[0]
    assert (v.vaf, v.depth, v.alt_reads) == (0.3, 50, 15)


def test_tso500_vf():
    r = read_variants(VCF / "tso500.vcf", build="GRCh38")
    assert r.caller == "Pisces" and r.tumor_only is True and r.sample == "TSO_S1"
    v = r.variants[0]
    assert (v.vaf, v.depth, v.alt_reads) == (0.1, 200, 20)


def test_dragen_af_and_chrom_naming():
    r = read_variants(VCF / "dragen.vcf", build="GRCh38")
    assert r.caller == "DRAGEN"
    assert [(v.chrom, v.pos, v.vaf, v.depth) for v in r.variants] == [
        ("chr7", 140753336, 0.25, 200),
        ("chrM", 3000, 0.9, 100),
    ]
    braf = r.variants[0]  # unannotated: positional hotspot fills gene/hgvsp/class
    assert (braf.gene, braf.hgvsp, braf.variant_class) == ("BRAF", "p.V600E", "missense")
    assert r.annotation == "gene-overlap"
    assert "consequences unknown: VCF has no CSQ/ANN/BCSQ annotation" in r.warnings


def test_sites_only_info_tvaf():
    r = read_variants(VCF / "sites_tvaf.vcf", build="GRCh37")
    assert r.sample == "" and r.tumor_only is True
    v = r.variants[0]
    assert (v.chrom, v.vaf, v.depth, v.alt_reads) == ("chr3", 0.418919, 74, 31)
    assert (v.gene, v.hgvsp) == ("PIK3CA", "p.H1047R")


def test_build_mismatch_names_contig_and_fix():
    with pytest.raises(InputError) as info:
        read_variants(VCF / "mutect2_tn.vcf", build="GRCh37")
    text = str(info.value)
    assert "mutect2_tn.vcf" in text
    assert "chr1 with length 248956422, which is GRCh38" in text
    assert "Fix: set genome_build to GRCh38" in text


def test_missing_file_and_not_a_vcf(tmp_path):
    with pytest.raises(InputError, match="VCF file not found"):
        read_variants(tmp_path / "absent.vcf")
    bad = tmp_path / "bad.vcf"
    bad.write_text("this is not a vcf\n")
    with pytest.raises(InputError, match="cannot read as VCF"):
        read_variants(bad)
