"""Tumour-only germline guard input: population AF from every column the common tools write,
overall and per population, in a MAF (vcf2maf, Funcotator) and in VEP's CSQ; the largest
wins, and columns that only look alike (allele counts, ClinVar's copies) are not read."""

from __future__ import annotations

from pathlib import Path

import pytest

from nenprofile.ingest.variants import read_variants
from nenprofile.ingest.variants.annotation import is_population_af

POPULATION_AF_COLUMNS = (
    # gnomAD as VEP and vcf2maf write it, and Funcotator's
    "gnomAD_AF", "gnomADe_AF", "gnomADg_AF", "gnomAD_NFE_AF", "gnomADe_AFR_AF",
    "gnomADg_ASJ_AF", "gnomAD_exome_AF", "gnomAD_genome_AF", "gnomAD_exome_AF_afr",
    # ExAC, 1000 Genomes (VEP 84-style *_MAF, VEP 90+ *_AF), ESP, VEP's maximum
    "ExAC_AF", "ExAC_AF_NFE", "ExAC_AF_Adj", "AF", "GMAF", "EUR_MAF", "SAS_AF", "AA_MAF",
    "EA_AF", "MAX_AF",
)  # fmt: skip
NOT_POPULATION_AF = ("ClinVar_AF_ESP", "MAX_AF_POPS", "gnomAD_AFR_AC", "tumor_vaf", "t_AF")


def test_which_names_are_population_frequencies():
    assert [c for c in POPULATION_AF_COLUMNS if not is_population_af(c)] == []
    assert [c for c in NOT_POPULATION_AF if is_population_af(c)] == []


@pytest.mark.parametrize("column", POPULATION_AF_COLUMNS)
def test_each_maf_population_column_is_read(tmp_path: Path, column: str):
    maf = tmp_path / "af.maf"
    maf.write_text(
        "Hugo_Symbol\tNCBI_Build\tChromosome\tStart_Position\tReference_Allele\t"
        f"Tumor_Seq_Allele2\tVariant_Classification\tTumor_Sample_Barcode\t{column}\tGMAF_x\n"
        "ATM\t37\t11\t108175462\tG\tA\tMissense_Mutation\tT1\t0.0213\t0.9\n"
    )
    assert [v.population_af for v in read_variants(str(maf)).variants] == [0.0213]


def test_vcf2maf_1000_genomes_allele_prefix_and_the_largest_of_several(tmp_path: Path):
    maf = tmp_path / "af.maf"
    maf.write_text(
        "Hugo_Symbol\tNCBI_Build\tChromosome\tStart_Position\tReference_Allele\t"
        "Tumor_Seq_Allele2\tVariant_Classification\tTumor_Sample_Barcode\tGMAF\tEUR_MAF\t"
        "gnomAD_AF\tClinVar_AF_ESP\n"
        "ATM\t37\t11\t108175462\tG\tA\tMissense_Mutation\tT1\tA:0.0012\tA:0.0310\t0.004\t0.5\n"
    )
    assert [v.population_af for v in read_variants(str(maf)).variants] == [0.031]


def test_vep_csq_per_population_fields_are_read(tmp_path: Path):
    fields = "Allele|Consequence|SYMBOL|Feature|HGVSp|AF|EUR_AF|gnomAD_NFE_AF|ClinVar_AF_ESP"
    vcf = tmp_path / "af.vcf"
    vcf.write_text(
        "##fileformat=VCFv4.2\n##contig=<ID=chr11,length=135086622>\n"
        f'##INFO=<ID=CSQ,Number=.,Type=String,Description="Ensembl VEP. Format: {fields}">\n'
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
        "chr11\t108304735\t.\tG\tA\t.\tPASS\t"
        "CSQ=A|missense_variant|ATM|ENST00000675843|p.Asp1853Asn|0.004|0.009|0.0172|0.6\n"
    )
    assert [v.population_af for v in read_variants(str(vcf), build="GRCh38").variants] == [0.0172]
