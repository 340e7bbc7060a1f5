"""MAF protein change from VEP's Amino_acids + Protein_position when no HGVSp column is
filled, and a Splice_Site call with a synonymous change is not a canonical-splice null
variant (no OVS1) in a tumor suppressor."""

from __future__ import annotations

from pathlib import Path

from nenprofile.ingest.variants import read_variants
from nenprofile.interpret.oncogenicity import classify_variant
from nenprofile.reference.knowledgebase import load_knowledge_base
from nenprofile.vocab import ONCOGENIC, VUS

HEADER = (
    "Hugo_Symbol\tNCBI_Build\tChromosome\tStart_Position\tReference_Allele\tTumor_Seq_Allele2\t"
    "Variant_Classification\tTumor_Sample_Barcode\tHGVSp_Short\tAmino_acids\tProtein_position\n"
)


def test_protein_change_from_amino_acids_and_position(tmp_path: Path):
    maf = tmp_path / "aa.maf"
    maf.write_text(
        HEADER + "PIK3CA\t37\t3\t178936091\tG\tA\tMissense_Mutation\tT1\t\tE/K\t545/1068\n"
        "MEN1\t37\t11\t64575500\tG\tA\tNonsense_Mutation\tT1\t\tQ/*\t100/610\n"
        "RB1\t37\t13\t48916800\tA\tG\tSilent\tT1\t\tL\t14/928\n"
        "ATM\t37\t11\t108175462\tG\tA\tMissense_Mutation\tT1\t\tEK/-\t10-11/3056\n"
    )
    result = read_variants(str(maf))
    assert [v.hgvsp for v in result.variants] == ["p.E545K", "p.Q100*", "p.L14=", None]


def test_splice_site_with_a_synonymous_change_is_no_null_variant(tmp_path: Path):
    maf = tmp_path / "splice.maf"
    maf.write_text(
        HEADER + "MEN1\t37\t11\t64575010\tC\tT\tSplice_Site\tT1\tp.Q260=\t\t\n"
        "MEN1\t37\t11\t64575011\tC\tT\tSplice_Site\tT1\tp.X261_splice\t\t\n"
    )
    men1 = load_knowledge_base().genes["MEN1"]
    calls = [
        (v.variant_class, classify_variant(v, men1, tumor_only=True).oncogenicity)
        for v in read_variants(str(maf)).variants
    ]
    assert calls == [("splice_region", VUS), ("splice_site", ONCOGENIC)]
