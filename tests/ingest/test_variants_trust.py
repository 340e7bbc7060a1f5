"""Small-variant input read right or refused (issue 14): genome build from the data, tumor
genotype and reads, caller somatic status, duplicated records and phase."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from nenprofile.errors import InputError
from nenprofile.ingest.variants import read_variants
from nenprofile.ingest.variants.build import SUPPORT, build_markers
from nenprofile.ingest.variants.vcf import NO_ANNOTATION_WARNING, read_vcf
from nenprofile.interpret.biomarkers import BiomarkerSettings
from nenprofile.jobs.profile_sink import ProfileSink

VCF = Path(__file__).resolve().parents[1] / "data" / "vcf"
GRCH37_HOTSPOTS = VCF / "grch37_hotspots_nocontig.vcf"


# ------------------------------------------------------------------ 1. genome build


def test_grch37_file_without_contigs_under_grch38_is_refused_with_the_evidence():
    with pytest.raises(InputError) as error:
        read_variants(GRCH37_HOTSPOTS, build="GRCh38")
    assert str(error.value) == (
        f"{GRCH37_HOTSPOTS}, column 'genome_build': the records are on GRCh37, but the sample "
        "sheet / config says GRCh38: 3 record(s) fit GRCh37 and 0 fit GRCh38 (REF bases at "
        "known positions of both builds, and annotated genes that lie inside that gene only "
        "on GRCh37) Fix: set genome_build to GRCh37 for this sample, or give a GRCh38 file "
        "(check the ##contig / ##reference header lines)"
    )


def test_grch37_file_under_grch37_is_confirmed_by_its_records():
    result = read_variants(GRCH37_HOTSPOTS, build="GRCh37")
    assert result.build == "GRCh37"
    assert result.build_evidence == (
        "GRCh37 (configured; confirmed by 3 record(s) at known GRCh37 positions or genes)"
    )
    assert result.warnings == [NO_ANNOTATION_WARNING]
    assert [(v.gene, v.hgvsp) for v in result.variants] == [
        ("PIK3CA", "p.H1047R"), ("BRAF", "p.V600E"), ("TP53", "p.V272M"),
    ]  # fmt: skip


def test_no_build_given_and_records_on_grch37_is_refused():
    with pytest.raises(InputError, match="the records are on GRCh37, but the reader assumed"):
        read_variants(GRCH37_HOTSPOTS)


def test_too_little_evidence_is_a_warning():
    result = read_variants(VCF / "varscan_status.vcf", build="GRCh37")
    assert result.build_evidence == "GRCh37 (configured)"
    assert result.warnings[0] == (
        "genome build GRCh37 (configured) could not be confirmed from the file: no ##contig "
        "lengths, no ##reference/##assembly text, and 0 record(s) fit GRCh38 and 0 fit GRCh37. "
        "Fix: check that the file is on this build, or add the ##contig lines of its reference"
    )


def test_an_annotated_gene_outside_its_span_is_evidence():
    # TP53 is at chr17:7,571,720-7,590,868 on GRCh37 and 7,668,402-7,687,550 on GRCh38
    counts: Counter[str] = Counter()
    markers = build_markers()
    assert "TP53" in markers.span_genes
    markers.note_gene(counts, "chr17", 7577124, "TP53")
    markers.note_gene(counts, "chr17", 7673802, "TP53")
    markers.note_gene(counts, "chr1", 7673802, "TP53")
    assert counts == {SUPPORT + "GRCh37": 1, SUPPORT + "GRCh38": 1}


def test_header_text_is_read_when_a_build_is_configured(shared_data):
    path = shared_data / "vcf" / "vcf2maf_test_pindel.vep.vcf"
    with pytest.raises(InputError) as error:
        read_variants(path, build="GRCh38")
    assert "the sample sheet says GRCh38 but the VCF header names GRCh37: ##reference=HG19" in (
        str(error.value)
    )
    assert read_variants(path, build="GRCh37").build_evidence.startswith(
        "GRCh37 (configured; confirmed by header ##reference=HG19 (GRCh37)"
    )


def test_real_grch37_vcfs_without_contigs_are_refused_under_grch38(shared_data):
    # audit #16: exit 0 and lost hotspots before; evidence not from the file's own markers
    for name, fits in (("pcgr_T001-COAD.grch37.vcf.gz", 1), ("vcf2maf_test_strelka.vcf", 1)):
        with pytest.raises(InputError) as error:
            read_variants(shared_data / "vcf" / name, build="GRCh38")
        assert f"{fits} record(s) fit GRCh37 and 0 fit GRCh38" in str(error.value)
    grch38 = read_variants(shared_data / "vcf" / "pcgr_T001-COAD.grch38.vcf.gz", build="GRCh38")
    assert grch38.build_evidence.startswith("GRCh38 (configured; confirmed by")


# ------------------------------------------------------------------ 3. genotype and reads


@pytest.mark.parametrize("engine", ["auto", "text", "cyvcf2"])
def test_tumor_genotype_and_reads_decide_what_is_a_tumor_variant(engine):
    result = read_vcf(str(VCF / "tumor_genotypes.vep.vcf"), engine=engine)
    counts = result.counts
    assert (counts["homref_skipped"], counts["nocall_skipped"], counts["no_alt_reads_skipped"]) == (
        1, 1, 1,
    )  # fmt: skip
    assert counts["allele_not_in_genotype_skipped"] == 1
    assert [(v.pos, v.alt, v.vaf) for v in result.variants] == [
        (7674220, "T", 0.4), (7674260, "T", 0.375), (7674270, "T", 0.4), (7674280, "T", 0.4),
    ]  # fmt: skip
    assert result.warnings == [
        "3 PASS record(s) skipped: the tumor column 'TUMOR' shows no variant (reference "
        "genotype 1, no-call 1, zero alt reads 1). Fix: if the caller wrote the tumor in "
        "another column (MuTect1 does at times), set tumor_sample in the sample sheet"
    ]


# ------------------------------------------------------------------ 4. caller somatic status


def test_varscan_germline_and_loh_records_are_skipped_and_counted():
    result = read_variants(VCF / "varscan_status.vcf", build="GRCh37")
    assert (result.counts["germline_status_skipped"], result.counts["loh_status_skipped"]) == (1, 1)
    assert [v.pos for v in result.variants] == [133212000, 133213000]
    assert result.warnings[-1] == (
        "2 record(s) skipped that the caller marks as not somatic (germline 1, LOH 1, wild "
        "type 0; VarScan2/MuTect SS, VarDict STATUS)"
    )


def test_real_varscan_file_keeps_only_somatic_calls(shared_data):
    # audit #4: 500 PASS records were all read as somatic (SS 425x1, 42x3, 31x2)
    result = read_variants(shared_data / "vcf" / "vcf2maf_test_varscan.vcf", build="GRCh37")
    counts = result.counts
    assert (counts["germline_status_skipped"], counts["loh_status_skipped"]) == (425, 24)
    assert (counts["homref_skipped"], counts["variants"]) == (19, 32)
    assert ("chr12", 133210985) not in {(v.chrom, v.pos) for v in result.variants}  # POLE SS=1


# ------------------------------------------------------------------ 5. duplicates and phase


@pytest.mark.parametrize("engine", ["auto", "text", "cyvcf2"])
def test_the_same_record_twice_is_one_variant(engine):
    result = read_vcf(str(VCF / "mlh1_stop_twice.vcf"), engine=engine)
    assert [(v.gene, v.hgvsp) for v in result.variants] == [("MLH1", "p.R67*")]
    assert (result.counts["duplicate_skipped"], result.counts["variants"]) == (1, 1)


def test_phased_genotype_and_phase_set_are_kept():
    result = read_vcf(str(VCF / "tumor_genotypes.vep.vcf"))
    assert [v.extra for v in result.variants[2:]] == [
        {"phased_genotype": "0|1", "phase_set": "7674270"},
        {"phased_genotype": "1|0", "phase_set": "7674270"},
    ]


# ------------------------------------------------------------------ 2. VEP without PICK


@pytest.mark.parametrize("engine", ["auto", "text", "cyvcf2"])
def test_neighbouring_gene_listed_first_does_not_hide_tp53(engine):
    # sarek --per_gene: one entry per gene, no PICK; WRAP53's MANE entry comes first
    result = read_vcf(str(VCF / "vep_per_gene_tp53.vcf"), engine=engine)
    assert [(v.gene, v.hgvsp, v.variant_class, v.transcript) for v in result.variants] == [
        ("TP53", "p.R248Q", "missense", "ENST00000269305")
    ]


def test_each_gene_of_interest_gets_its_own_variant_in_the_profile():
    sink = ProfileSink({"TP53", "WRAP53"}, BiomarkerSettings())
    read_variants(VCF / "vep_per_gene_tp53.vcf", genes={"TP53", "WRAP53"}, consumer=sink)
    assert [(v.gene, v.variant_class, v.transcript) for v in sink.kept()] == [
        ("TP53", "missense", "ENST00000269305"),
        ("WRAP53", "upstream_downstream", "ENST00000357449"),
    ]
    assert sink.tally.variants == 1  # one record, counted once


def test_vardict_germline_and_loh_status_are_skipped():
    result = read_variants(VCF / "vardict_status.vcf", tumor_sample="S1_T", build="GRCh38")
    assert [v.pos for v in result.variants] == [3000]
    assert (result.counts["germline_status_skipped"], result.counts["loh_status_skipped"]) == (1, 1)


# ------------------------------------------------------------------ 6, 7. MAF as people have it

FUNCOTATOR_STYLE = Path(__file__).resolve().parents[1] / "data" / "maf" / "funcotator_style.maf"


def test_maf_in_funcotator_and_oncotator_columns_is_read_right():
    # Start_position (Oncotator case), Protein_Change (Funcotator), dbSNP_CAF / gnomAD AF;
    # two samples, none named: the sheet's sample id picks its barcode
    result = read_variants(FUNCOTATOR_STYLE, sample_id="TUMOR_1", build="GRCh37")
    assert result.sample == "TUMOR_1"
    assert [(v.gene, v.hgvsp, v.vaf, v.population_af) for v in result.variants] == [
        ("PIK3CA", "p.E545K", 22 / 43, None),
        ("PIK3CA", "p.H1047R", 0.3, None),  # no protein change: the hotspot position gives it
        ("TP53", "p.V272M", 0.4, None),
        ("ATM", "p.D1853N", 0.5, 0.38),
        ("MEN1", "p.Q260=", 0.3, None),
    ]
    # Splice_Site with a synonymous change (last exonic base) is no canonical splice site
    assert result.variants[-1].variant_class == "splice_region"
    assert result.variants[1].extra["positional_hotspot"] == "H1047"
    counts = result.counts
    assert (counts["duplicate_skipped"], counts["positional_hotspot_matches"]) == (1, 1)
    assert result.build_evidence.startswith("GRCh37 (configured; confirmed by NCBI_Build GRCh37")


def test_maf_alt_reads_above_depth_is_an_input_error(tmp_path):
    path = tmp_path / "bad.maf"
    path.write_text(
        "Hugo_Symbol\tChromosome\tStart_Position\tReference_Allele\tTumor_Seq_Allele2\t"
        "Variant_Classification\tTumor_Sample_Barcode\tt_alt_count\tt_depth\n"
        "TP53\t17\t7577124\tC\tT\tMissense_Mutation\tT1\t60\t50\n"
    )
    with pytest.raises(InputError) as error:
        read_variants(path, build="GRCh37")
    assert str(error.value) == (
        f"{path}, line 2, column 't_alt_count': t_alt_count 60 is above the depth 50 "
        "Fix: check the read-count columns (t_alt_count, t_ref_count, t_depth)"
    )


# ------------------------------------------------------------------ 9. identity


def test_normal_sample_equal_to_the_tumor_column_is_an_error():
    path = VCF / "mlh1_stop_twice.vcf"
    with pytest.raises(InputError) as error:
        read_variants(path, tumor_sample="TUMOR", normal_sample="TUMOR")
    assert str(error.value) == (
        f"{path}, column 'normal_sample': normal_sample 'TUMOR' is the tumor column too "
        "Fix: set normal_sample to the matched normal's column (or leave it empty for "
        "tumor-only) and tumor_sample to the tumor's"
    )
