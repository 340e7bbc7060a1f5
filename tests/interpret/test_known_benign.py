"""Known benign truncating variants (data/known_benign.tsv): BRCA2 K3326* read from a VEP VCF
or from a MAF is Likely benign with its reason and citations, not an OVS1 null variant; a
BRCA2 stop elsewhere still is."""

from __future__ import annotations

from pathlib import Path

from nenprofile.ingest.variants import read_variants
from nenprofile.interpret.oncogenicity import classify_variant
from nenprofile.reference.benign import find_known_benign, known_benign_variants, stop_as_star
from nenprofile.reference.knowledgebase import load_knowledge_base
from nenprofile.vocab import LIKELY_BENIGN, ONCOGENIC

CSQ_FIELDS = "Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|BIOTYPE|EXON|INTRON|"
CSQ_FIELDS += "HGVSc|HGVSp|Existing_variation|MANE_SELECT"
VCF_HEADER = (
    "##fileformat=VCFv4.2\n##contig=<ID=chr13,length=114364328>\n"
    f'##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl '
    f'VEP. Format: {CSQ_FIELDS}">\n'
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">\n'
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR\n"
)
TRANSCRIPT = "stop_gained|HIGH|BRCA2|ENSG00000139618|Transcript|ENST00000380152|protein_coding"


def vep_record(pos: int, ref: str, alt: str, exon: str, hgvsc: str, hgvsp: str, ids: str) -> str:
    csq = f"{alt}|{TRANSCRIPT}|{exon}||ENST00000380152.8:{hgvsc}|ENSP00000369497.3:{hgvsp}|{ids}|"
    csq += "NM_000059.4"
    return f"chr13\t{pos}\t.\t{ref}\t{alt}\t.\tPASS\tCSQ={csq}\tGT:AD\t0/1:60,40\n"


BRCA2_EXPECTED_EVIDENCE = (
    "known benign truncating variant BRCA2 K3326* (c.9976A>T, rs11571833): polymorphic stop "
    "codon that removes the last 93 amino acids: not a high-penetrance pathogenic allele, at "
    "most a low-risk one (iCOGS: breast cancer ORw 1.28, invasive ovarian cancer ORw 1.26); in "
    "vitro no difference from wild type in cell viability, protein localisation, homologous "
    "recombination repair or response to DNA damage. Not evidence of BRCA2 loss (Meeks HD et "
    "al., J Natl Cancer Inst 2016;108(2); Sci Rep article srep14800 "
    "(https://www.nature.com/articles/srep14800); Higgs JE et al., J Med Genet 52(9):642)"
)


def classify_all(result) -> dict[str, tuple[str, list[str]]]:
    brca2 = load_knowledge_base().genes["BRCA2"]
    calls = {}
    for variant in result.variants:
        found = classify_variant(variant, brca2, tumor_only=result.tumor_only)
        calls[variant.hgvsp or variant.existing_variation] = (found.oncogenicity, found.evidence)
    return calls


def test_brca2_k3326_stop_from_a_vep_vcf_is_likely_benign_and_other_stops_stay_oncogenic(
    tmp_path: Path,
) -> None:
    vcf = tmp_path / "brca2.vep.vcf"
    vcf.write_text(
        VCF_HEADER
        + vep_record(32356550, "C", "T", "11/27", "c.3847C>T", "p.Gln1283Ter", "")
        + vep_record(32398489, "A", "T", "27/27", "c.9976A>T", "p.Lys3326Ter", "rs11571833")
    )
    calls = classify_all(read_variants(str(vcf), build="GRCh38"))
    assert calls["p.K3326*"] == (LIKELY_BENIGN, [BRCA2_EXPECTED_EVIDENCE])
    assert calls["p.Q1283*"][0] == ONCOGENIC


def test_brca2_k3326_stop_from_a_maf_by_protein_change_or_dbsnp_id(tmp_path: Path) -> None:
    maf = tmp_path / "brca2.maf"
    maf.write_text(
        "Hugo_Symbol\tNCBI_Build\tChromosome\tStart_Position\tReference_Allele\t"
        "Tumor_Seq_Allele2\tVariant_Classification\tTumor_Sample_Barcode\tProtein_Change\t"
        "dbSNP_RS\n"
        "BRCA2\t37\t13\t32972626\tA\tT\tNonsense_Mutation\tT1\tp.K3326X\trs11571833\n"
        "BRCA2\t37\t13\t32914336\tC\tT\tNonsense_Mutation\tT2\tp.Q1283*\t\n"
        "BRCA2\t37\t13\t32972626\tA\tT\tNonsense_Mutation\tT3\t\trs11571833\n"
    )
    t1 = classify_all(read_variants(str(maf), sample_id="T1", build="GRCh37"))
    assert t1 == {"p.K3326X": (LIKELY_BENIGN, [BRCA2_EXPECTED_EVIDENCE])}
    assert classify_all(read_variants(str(maf), sample_id="T2"))["p.Q1283*"][0] == ONCOGENIC
    # no protein change written: the dbSNP id identifies it
    t3 = classify_all(read_variants(str(maf), sample_id="T3", build="GRCh37"))
    assert t3 == {"rs11571833": (LIKELY_BENIGN, [BRCA2_EXPECTED_EVIDENCE])}


def test_table_entries_and_matching_rules() -> None:
    assert [(e.gene, e.protein_change, e.hgvsc, e.dbsnp) for e in known_benign_variants()] == [
        ("BRCA2", "K3326*", "c.9976A>T", "rs11571833")
    ]
    assert [stop_as_star(c) for c in ("K3326X", "K3326Ter", "K3326*")] == ["K3326*"] * 3
    assert find_known_benign("BRCA1", "K3326*", None, None) is None
    # a known protein change decides: another change at the same dbSNP id is not the entry
    assert find_known_benign("BRCA2", "K3326E", None, "rs11571833") is None
    assert find_known_benign("BRCA2", None, "c.9976A>T", None) is not None
