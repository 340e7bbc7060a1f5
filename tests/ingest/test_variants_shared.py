"""Every real VCF in ../shared/data/vcf ingests; specific calls asserted."""

from __future__ import annotations

import csv

import pytest

from nenprofile.ingest.variants import read_variants

pytestmark = pytest.mark.shared

TUMOR_COLUMN = {"umccr_MB_test-strelka2": "tumor_downsample",
                "umccr_MB_test-vardict": "tumor_downsample",
                "umccr_MB_test-ensemble": "tumor_downsample"}  # fmt: skip


def _call(result, chrom, pos):
    return next(v for v in result.variants if (v.chrom, v.pos) == (chrom, pos))


def test_every_shared_vcf_ingests(shared_data):
    files = sorted((shared_data / "vcf").glob("*.vcf*"))
    assert len(files) == 17
    for path in files:
        stem = path.name.split(".")[0]
        build = "GRCh38" if "grch38" in path.name else "GRCh37"
        result = read_variants(path, tumor_sample=TUMOR_COLUMN.get(stem), build=build)
        assert result.counts["records_read"] > 0, path.name
        assert result.variants, path.name
        assert all(v.chrom.startswith("chr") for v in result.variants), path.name


@pytest.mark.parametrize(
    ("build", "pik3ca", "tp53"),
    [("GRCh37", ("chr3", 178952085), ("chr17", 7577124)),
     ("GRCh38", ("chr3", 179234297), ("chr17", 7673806))],
)  # fmt: skip
def test_pcgr_brca_hotspots_by_position(shared_data, build, pik3ca, tp53):
    path = shared_data / "vcf" / f"pcgr_T001-BRCA.{build.lower()}.vcf.gz"
    r = read_variants(path, build=build)
    assert r.annotation == "gene-overlap" and r.caller == "PCGR-style (TVAF/TDP)"
    assert r.counts["variants"] == 196
    h1047r = _call(r, *pik3ca)
    assert (h1047r.gene, h1047r.hgvsp, h1047r.variant_class) == ("PIK3CA", "p.H1047R", "missense")
    assert (h1047r.vaf, h1047r.depth) == (0.418919, 74)
    v272m = _call(r, *tp53)
    assert (v272m.gene, v272m.hgvsp, v272m.variant_class) == ("TP53", "p.V272M", "missense")


@pytest.mark.parametrize(("build", "pos"), [("GRCh37", 140453136), ("GRCh38", 140753336)])
def test_pcgr_coad_braf_v600e(shared_data, build, pos):
    r = read_variants(shared_data / "vcf" / f"pcgr_T001-COAD.{build.lower()}.vcf.gz", build=build)
    braf = _call(r, "chr7", pos)
    assert (braf.gene, braf.hgvsp) == ("BRAF", "p.V600E")


def test_hotspot_table_grch38_positions_agree_with_liftover_pairs(shared_data, repo_root):
    """Every hotspot hit in the GRCh37 PCGR files is hit at its lifted position on GRCh38."""
    for tumor in ("BRCA", "COAD"):
        old = read_variants(
            shared_data / "vcf" / f"pcgr_T001-{tumor}.grch37.vcf.gz", build="GRCh37"
        )
        new = read_variants(
            shared_data / "vcf" / f"pcgr_T001-{tumor}.grch38.vcf.gz", build="GRCh38"
        )
        hits_old = sorted(
            (v.gene, v.hgvsp) for v in old.variants if "positional_hotspot" in v.extra
        )
        hits_new = sorted(
            (v.gene, v.hgvsp) for v in new.variants if "positional_hotspot" in v.extra
        )
        assert hits_old == hits_new and hits_old
    table = repo_root / "src" / "nenprofile" / "data" / "hotspot_positions.tsv"
    rows = list(csv.DictReader(table.open(), delimiter="\t"))
    assert {
        "gene": "PIK3CA",
        "build": "GRCh38",
        "pos": "179234297",
        "aa_change": "H1047R",
    }.items() <= next(
        r for r in rows if r["build"] == "GRCh38" and r["aa_change"] == "H1047R"
    ).items()


def test_vep85_read_file(shared_data):
    r = read_variants(shared_data / "vcf" / "pcgr_TCGA-AG-3891.READ.vep85.grch37.vcf")
    assert r.annotation == "VEP" and r.build == "GRCh37"
    arid1a = _call(r, "chr1", 27106803)
    assert (arid1a.gene, arid1a.variant_class, arid1a.hgvsp) == (
        "ARID1A",
        "frameshift",
        "p.F2141Sfs*59",
    )
    apc = _call(r, "chr5", 112154771)
    assert (apc.gene, apc.variant_class, apc.hgvsp) == ("APC", "nonsense", "p.R348*")


def test_dinglab_vep100_grch38(shared_data):
    r = read_variants(
        shared_data / "vcf" / "dinglab_CPTAC_ccRCC_tindaisy.vep100.grch38.vcf", build="GRCh38"
    )
    assert r.sample == "TUMOR" and r.caller == "merged" and r.counts["variants"] == 251
    vhl = _call(r, "chr3", 10146567)
    assert (vhl.gene, vhl.consequence, vhl.variant_class, vhl.hgvsp) == (
        "VHL", "stop_gained", "nonsense", "p.Q132*"
    )  # fmt: skip
    assert (vhl.vaf, vhl.depth, vhl.alt_reads) == (0.2059, 306, 63)
    bap1 = _call(r, "chr3", 52407200)
    assert (bap1.gene, bap1.variant_class, bap1.hgvsp) == ("BAP1", "missense", "p.G185E")


def test_dinglab_grch37_claim_is_rejected(shared_data):
    from nenprofile.errors import InputError

    with pytest.raises(InputError, match="set genome_build to GRCh38"):
        read_variants(
            shared_data / "vcf" / "dinglab_CPTAC_ccRCC_tindaisy.vep100.grch38.vcf", build="GRCh37"
        )


def test_snpeff_umccr_mutect2(shared_data):
    r = read_variants(shared_data / "vcf" / "umccr_MB_test-mutect2.snpeff.grch37.vcf.gz")
    assert (r.caller, r.annotation, r.sample, r.tumor_only) == (
        "Mutect2",
        "SnpEff",
        "tumor_downsample",
        False,
    )
    assert (r.counts["records_read"], r.counts["filtered"], r.counts["variants"]) == (24, 23, 1)
    v = r.variants[0]
    assert (v.chrom, v.pos, v.gene, v.variant_class, v.vaf, v.depth) == (
        "chr16", 93961, "POLR3K", "upstream_downstream", 0.58, 106
    )  # fmt: skip


def test_vcf2maf_mutect_filters(shared_data):
    r = read_variants(shared_data / "vcf" / "vcf2maf_test_mutect.vcf", build="GRCh37")
    assert (r.counts["records_read"], r.counts["filtered"], r.counts["variants"]) == (500, 495, 3)
    assert all(v.filter == "PASS" for v in r.variants)
    # two PASS calls sit in the NORMAL column (TUMOR GT '0', AD 8,0 / 14,0): not tumor variants
    assert r.counts["homref_skipped"] == 2
    assert ("chrX", 77041551) not in {(v.chrom, v.pos) for v in r.variants}


def test_muse_tier_filters(shared_data):
    path = shared_data / "vcf" / "vcf2maf_test_muse.vcf"
    strict = read_variants(path, build="GRCh37")
    assert strict.caller == "MuSE" and strict.sample == "TUMOR"
    assert (strict.counts["filtered"], strict.counts["variants"]) == (336, 98)
    tier1 = read_variants(path, build="GRCh37", allowed_filters=("Tier1",))
    brca1 = _call(tier1, "chr17", 41244840)
    assert (brca1.gene, brca1.filter) == ("BRCA1", "Tier1")
    assert tier1.counts["variants"] > strict.counts["variants"]


def test_vardict_sample_order(shared_data):
    path = shared_data / "vcf" / "umccr_MB_test-vardict.snpeff.grch37.vcf.gz"
    r = read_variants(path)  # bcbio ##SAMPLE Genomes=Tumor names the tumor column
    assert r.sample == "tumor_downsample" and r.caller == "VarDict"
    first = _call(r, "chr16", 63549)
    assert (first.vaf, first.depth, first.alt_reads) == (0.1739, 23, 4)
