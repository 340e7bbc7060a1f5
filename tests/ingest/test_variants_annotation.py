"""VEP CSQ, SnpEff ANN and BCSQ parsing: transcript choice, class, short HGVSp."""

from __future__ import annotations

from pathlib import Path

import pytest

from nenprofile.ingest.variants import read_variants
from nenprofile.ingest.variants.consequences import variant_class
from nenprofile.ingest.variants.hgvs import bcsq_hgvsp, short_hgvsp

VCF = Path(__file__).parents[1] / "data" / "vcf"


def test_vep_pick_canonical_severity_and_fields():
    r = read_variants(VCF / "vep.vcf", build="GRCh38")
    assert r.annotation == "VEP"
    braf, tp53, pik3ca, pten_fs, pten_mis = r.variants
    assert (braf.gene, braf.variant_class, braf.hgvsp, braf.hgvsc) == (
        "BRAF", "missense", "p.V600E", "c.1799T>A"
    )  # fmt: skip
    assert braf.transcript == "ENST00000646891" and braf.exon == "15/18"
    assert braf.population_af == 0.0003 and braf.clinvar == "pathogenic"
    assert braf.existing_variation == "rs113488022&COSV56056643"
    assert (braf.vaf, braf.depth) == (0.3, 100)
    assert (tp53.transcript, tp53.hgvsp) == ("ENST00000269305", "p.V272M")  # CANONICAL=YES
    # no flags: most severe consequence wins, Ter -> *
    assert (pik3ca.variant_class, pik3ca.hgvsp) == ("nonsense", "p.R34*")
    # multiallelic: each allele gets its own CSQ entry (VEP trims the shared base)
    assert (pten_fs.alt, pten_fs.variant_class, pten_fs.hgvsp) == ("CA", "frameshift", "p.L2Pfs*10")
    assert (pten_mis.alt, pten_mis.variant_class, pten_mis.hgvsp) == ("T", "missense", "p.A2V")


def test_snpeff_ann_first_entry_lof_and_cancer_entries_skipped():
    r = read_variants(VCF / "snpeff.vcf", build="GRCh38")
    assert r.annotation == "SnpEff"
    egfr, tsc2 = r.variants
    assert (egfr.gene, egfr.variant_class, egfr.hgvsp) == (
        "EGFR", "inframe_deletion", "p.E746_A750del"
    )  # fmt: skip
    assert egfr.consequence == "conservative_inframe_deletion"
    assert (tsc2.gene, tsc2.variant_class, tsc2.hgvsp) == ("TSC2", "nonsense", "p.R751*")
    assert tsc2.extra == {"lof": True}


def test_bcsq_terms_star_and_at():
    r = read_variants(VCF / "bcsq.vcf", build="GRCh38")
    assert r.annotation == "BCSQ"
    braf, downstream, men1 = r.variants
    assert (braf.gene, braf.variant_class, braf.hgvsp) == ("BRAF", "missense", "p.V600E")
    assert (downstream.gene, downstream.hgvsp) == ("GENEX", "p.R20W")
    assert downstream.extra == {"downstream_of_stop": True, "bcsq_dna_change": "2000C>T"}
    assert (men1.variant_class, men1.hgvsp, men1.transcript) == ("nonsense", "p.Q31*", "ENST10")


@pytest.mark.parametrize(
    ("consequence", "expected"),
    [
        ("splice_donor_variant&intron_variant", "splice_site"),
        ("disruptive_inframe_insertion", "inframe_insertion"),
        ("splice_region_variant&synonymous_variant", "splice_region"),
        ("5_prime_UTR_variant", "utr"),
        ("*missense", "missense"),
        ("inframe_altering", "missense"),
        ("intergenic_region", "intergenic"),
        ("start_lost", "start_lost"),
        ("NMD_transcript_variant", "noncoding"),
        ("", "unknown"),
    ],
)
def test_variant_class_mapping(consequence, expected):
    assert variant_class(consequence) == expected


def test_short_hgvsp_forms():
    assert short_hgvsp("ENSP00000288602.6:p.Val600Glu") == "p.V600E"
    assert short_hgvsp("ENSP1:p.Leu14%3D") == "p.L14="
    assert short_hgvsp("p.(Arg213Ter)") == "p.R213*"
    assert short_hgvsp("") is None
    assert bcsq_hgvsp("1047H>1047R", "missense") == "p.H1047R"
    assert bcsq_hgvsp("21P>21X", "frameshift") == "p.P21fs"


def test_unannotated_vcf_with_reference_and_gff3_runs_bcftools_csq():
    r = read_variants(
        VCF / "toy_unannotated.vcf", build="GRCh38", reference_fasta=str(VCF / "toy_ref.fa"),
        gff3=str(VCF / "toy.gff3"),
    )  # fmt: skip
    assert r.annotation == "bcftools-csq"
    # a toy contig: nothing confirms the build, which is said
    assert [w.split(" could not")[0] for w in r.warnings] == ["genome build GRCh38 (configured)"]
    assert [(v.gene, v.variant_class, v.hgvsp, v.vaf) for v in r.variants] == [
        ("TOYG", "missense", "p.V2E", 0.25),
        ("TOYG", "nonsense", "p.K3*", 0.5),
    ]
    assert r.counts["left_aligned"] == 1
