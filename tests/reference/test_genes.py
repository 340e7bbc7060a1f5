"""Bundled gene coordinates for both builds."""

from __future__ import annotations

import pytest

from nenprofile.errors import InputError
from nenprofile.ingest.genenames import GeneRenamer
from nenprofile.reference.genes import GeneIndex, normalise_chrom
from nenprofile.reference.knowledgebase import load_knowledge_base


@pytest.mark.parametrize("build", ["GRCh37", "GRCh38"])
def test_every_knowledge_base_gene_has_a_span_under_its_hgnc_symbol(build):
    """Gene-overlap annotation names genes from these spans; on GRCh37 some spans carry a
    previous symbol (MRE11A), which the HGNC renamer must turn into the KB's symbol."""
    rename = GeneRenamer()
    spanned = {rename(gene) for gene in GeneIndex.load(build).genes}
    kb_genes = set(load_knowledge_base().genes)
    assert sorted(kb_genes - spanned) == []


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
