"""Bundled gene coordinates for both builds."""

from __future__ import annotations

import pytest

from nenprofile.errors import InputError
from nenprofile.reference.genes import GeneIndex, normalise_chrom

PANEL = [
    "MTOR",
    "TSC1",
    "TSC2",
    "PTEN",
    "PIK3CA",
    "PIK3R1",
    "AKT1",
    "AKT2",
    "AKT3",
    "STK11",
    "RICTOR",
    "RHEB",
    "BRCA1",
    "BRCA2",
    "PALB2",
    "ATM",
    "ATR",
    "CHEK1",
    "CHEK2",
    "RAD51B",
    "RAD51C",
    "RAD51D",
    "BRIP1",
    "BARD1",
    "FANCA",
    "CDK12",
    "MLH1",
    "MSH2",
    "MSH6",
    "PMS2",
    "EPCAM",
    "MUTYH",
    "POLE",
    "POLD1",
    "MEN1",
    "DAXX",
    "ATRX",
    "ARID1A",
    "ARID1B",
    "ARID2",
    "PBRM1",
    "SMARCA4",
    "SMARCB1",
    "KMT2A",
    "KMT2C",
    "KMT2D",
    "SETD2",
    "EZH2",
    "KDM6A",
    "CREBBP",
    "EP300",
    "DNMT3A",
    "TET2",
    "IDH1",
    "IDH2",
    "BAP1",
    "MGMT",
    "TP53",
    "RB1",
    "KRAS",
    "NRAS",
    "HRAS",
    "BRAF",
    "APC",
    "SMAD4",
    "CTNNB1",
    "MYC",
    "MYCL",
    "MYCN",
    "CDKN2A",
    "NTRK1",
    "NTRK2",
    "NTRK3",
    "RET",
    "ERBB2",
    "CD274",
    "PDCD1LG2",
    "JAK2",
    "VHL",
    "NF1",
    "KEAP1",
    "YAP1",
    "DEPDC5",
    "NPRL2",
    "NPRL3",
    "DLL3",
    "SSTR2",
    "SLFN11",
    "ASCL1",
    "NEUROD1",
    "POU2F3",
    "INSM1",
    "CHGA",
    "SYP",
]


@pytest.mark.parametrize("build", ["GRCh37", "GRCh38"])
def test_every_panel_gene_present(build):
    index = GeneIndex.load(build)
    assert [g for g in PANEL if g not in index.genes] == []


def test_lookups_both_builds():
    assert GeneIndex.load("GRCh37").genes_at("3", 178952085) == ["PIK3CA"]
    assert GeneIndex.load("GRCh38").genes_at("chr3", 179234297) == ["PIK3CA"]
    assert GeneIndex.load("GRCh38").genes_at("chr17", 7673806) == ["TP53"]
    # extra RefSeq gene, 0-based BED start 31754018 -> 1-based 31754019
    assert GeneIndex.load("GRCh38").span("DEPDC5") == ("chr22", 31754019, 31908033)
    assert GeneIndex.load("GRCh38").genes_at("chr22", 31754018) == []
    assert "TP53" in GeneIndex.load("GRCh37").genes_overlapping("17", 7500000, 7600000)


def test_unknown_build_and_chrom_names():
    with pytest.raises(InputError, match="unknown genome build 'hg18'"):
        GeneIndex.load("hg18")
    assert normalise_chrom("MT") == "chrM" and normalise_chrom("chrX") == "chrX"
