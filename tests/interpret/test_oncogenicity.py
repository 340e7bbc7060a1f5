"""Oncogenicity rules (Horak 2022, reduced), germline guard, CHIP caveat, biallelic inference."""

from __future__ import annotations

import pytest

from nenprofile.interpret.oncogenicity import (
    CHIP_CAVEAT,
    LIKELY_BENIGN,
    LIKELY_ONCOGENIC,
    ONCOGENIC,
    VUS,
    OncogenicitySettings,
    classify_copy_number,
    classify_fusion,
    classify_sample,
    classify_variant,
    fusion_driver_gene,
    infer_biallelic,
    matches_listed_change,
)
from nenprofile.model import Fusion, GeneCopyNumber, Variant
from nenprofile.reference.knowledgebase import GeneEntry


def gene(
    symbol: str,
    role: str,
    *,
    activating: tuple[str, ...] = (),
    lof_missense: tuple[str, ...] = (),
    polymorphisms: tuple[str, ...] = (),
    pathway: str = "test",
) -> GeneEntry:
    return GeneEntry(
        symbol=symbol,
        role=role,
        pathway=pathway,
        group="Other drivers",
        activating=activating,
        lof_missense=lof_missense,
        polymorphisms=polymorphisms,
        citations=("PMID:1",),
    )


MEN1 = gene("MEN1", "tumor_suppressor")
TP53 = gene("TP53", "tumor_suppressor", polymorphisms=("P72R",))
PTEN = gene("PTEN", "tumor_suppressor", lof_missense=("L42R",))
BRAF = gene("BRAF", "oncogene", activating=("V600E",))
KRAS = gene("KRAS", "oncogene", activating=("G12",))
PIK3CA = gene("PIK3CA", "oncogene")
POLE = gene("POLE", "oncogene", activating=("268-471",))
DNMT3A = gene("DNMT3A", "tumor_suppressor")
MYC = gene("MYC", "oncogene")
BRCA2 = gene("BRCA2", "tumor_suppressor", polymorphisms=("N372H",))


def variant(
    gene_symbol: str,
    hgvsp: str | None,
    variant_class: str,
    *,
    vaf: float | None = 0.3,
    population_af: float | None = None,
    clinvar: str | None = None,
    ref: str = "C",
    alt: str = "T",
    pos: int = 100,
) -> Variant:
    return Variant(
        chrom="chr1",
        pos=pos,
        ref=ref,
        alt=alt,
        gene=gene_symbol,
        variant_class=variant_class,
        hgvsp=hgvsp,
        vaf=vaf,
        population_af=population_af,
        clinvar=clinvar,
    )


def classify(v: Variant, g: GeneEntry, tumor_only: bool = True):
    return classify_variant(v, g, tumor_only=tumor_only)


@pytest.mark.parametrize(
    ("variant_class", "hgvsp"),
    [
        ("frameshift", "p.L10fs"),
        ("nonsense", "p.Q20*"),
        ("splice_site", None),
        ("start_lost", "p.M1?"),
    ],
)
def test_truncating_in_tumor_suppressor_is_oncogenic_ovs1(variant_class: str, hgvsp) -> None:
    result = classify(variant("MEN1", hgvsp, variant_class), MEN1)
    assert result.oncogenicity == ONCOGENIC
    assert result.evidence[0] == f"OVS1: {variant_class} in tumor suppressor MEN1"


def test_truncation_in_oncogene_is_vus() -> None:
    result = classify(variant("PIK3CA", "p.Q20*", "nonsense"), PIK3CA)
    assert result.oncogenicity == VUS
    assert result.evidence == ["nonsense in oncogene PIK3CA: usually not activating"]


def test_kb_activating_variant_is_oncogenic_os1() -> None:
    result = classify(variant("BRAF", "p.V600E", "missense"), BRAF)
    assert result.oncogenicity == ONCOGENIC
    assert result.evidence[0] == "OS1: known activating variant BRAF V600E (KB)"
    assert result.evidence[1].startswith("OS3: cancer hotspot BRAF V600 (897 tumors")


def test_kb_activating_residue_matches_any_change() -> None:
    result = classify(variant("KRAS", "p.G12D", "missense"), KRAS)
    assert result.oncogenicity == ONCOGENIC
    assert "OS1: known activating variant KRAS G12 (KB)" in result.evidence


def test_kb_activating_region_is_only_likely_oncogenic() -> None:
    result = classify(variant("POLE", "p.L424V", "missense"), POLE)
    assert result.oncogenicity == LIKELY_ONCOGENIC
    assert result.evidence == ["OM1: in KB activating region POLE 268-471 (residues)"]


def test_os3_hotspot_in_oncogene_without_kb_entry_is_oncogenic() -> None:
    result = classify(variant("PIK3CA", "p.E545K", "missense"), PIK3CA)
    assert result.oncogenicity == ONCOGENIC
    assert result.evidence[0].startswith("OS3: cancer hotspot PIK3CA E545")


def test_rare_hotspot_change_is_likely_oncogenic() -> None:
    result = classify(variant("BRAF", "p.V600R", "missense"), BRAF)
    assert result.oncogenicity == LIKELY_ONCOGENIC
    assert result.evidence == [
        "OP3: cancer hotspot BRAF V600 (897 tumors at the residue, 4 with this change)"
    ]


def test_hotspot_in_tumor_suppressor_per_os3() -> None:
    os3 = classify(variant("TP53", "p.R175H", "missense"), TP53)
    assert os3.oncogenicity == ONCOGENIC
    rare = classify(variant("TP53", "p.R175L", "missense"), TP53)  # 8 with this change
    assert rare.oncogenicity == LIKELY_ONCOGENIC


def test_known_lof_missense_is_likely_oncogenic() -> None:
    result = classify(variant("PTEN", "p.L42R", "missense"), PTEN)
    assert result.oncogenicity == LIKELY_ONCOGENIC
    assert result.evidence == ["known loss-of-function missense PTEN L42R (KB)"]


def test_other_missense_is_vus() -> None:
    result = classify(variant("MEN1", "p.A300T", "missense"), MEN1)
    assert result.oncogenicity == VUS
    assert result.evidence == ["missense in MEN1: no oncogenicity rule met"]


def test_inframe_indel_outside_hotspot_is_vus_om2() -> None:
    result = classify(variant("MEN1", "p.A300del", "inframe_deletion"), MEN1)
    assert result.oncogenicity == VUS
    assert result.evidence == ["OM2: in-frame indel in MEN1 (moderate only)"]


def test_inframe_indel_in_hotspot_region_is_likely_oncogenic() -> None:
    result = classify(variant("TP53", "p.P177_C182del", "inframe_deletion"), TP53)
    assert result.oncogenicity == LIKELY_ONCOGENIC
    assert result.evidence[0].startswith("OM2: in-frame indel inside hotspot region; cancer")


def test_clinvar_pathogenic_raises_to_likely_oncogenic() -> None:
    result = classify(variant("MEN1", "p.A300T", "missense", clinvar="Pathogenic"), MEN1)
    assert result.oncogenicity == LIKELY_ONCOGENIC
    assert result.evidence == ["ClinVar: Pathogenic"]


@pytest.mark.parametrize(
    "clinvar", ["Conflicting_interpretations_of_pathogenicity", "Benign/Likely_benign", None]
)
def test_clinvar_conflicting_or_benign_does_not_count(clinvar) -> None:
    assert (
        classify(variant("MEN1", "p.A300T", "missense", clinvar=clinvar), MEN1).oncogenicity == VUS
    )


def test_kb_polymorphism_is_likely_benign_even_if_truncating_class() -> None:
    result = classify(variant("TP53", "p.P72R", "missense", clinvar="Pathogenic"), TP53)
    assert result.oncogenicity == LIKELY_BENIGN
    assert result.evidence == ["known polymorphism TP53 P72R (KB): never oncogenic"]
    assert classify(variant("BRCA2", "p.N372H", "missense"), BRCA2).oncogenicity == LIKELY_BENIGN


def test_population_af_guard_tumor_only() -> None:
    result = classify(variant("MEN1", "p.Q20*", "nonsense", population_af=0.2), MEN1)
    assert result.oncogenicity == LIKELY_BENIGN
    assert result.evidence == ["population AF 0.20 (tumor-only: likely germline polymorphism)"]


def test_population_af_guard_threshold_is_configurable() -> None:
    v = variant("MEN1", "p.Q20*", "nonsense", population_af=0.02)
    strict = classify_variant(v, MEN1, tumor_only=False)
    assert strict.oncogenicity == LIKELY_BENIGN
    assert strict.evidence == ["population AF 0.02 (likely germline polymorphism)"]
    loose = classify_variant(
        v, MEN1, tumor_only=False, settings=OncogenicitySettings(max_population_af=0.05)
    )
    assert loose.oncogenicity == ONCOGENIC


def test_chip_caveat_only_for_tumor_only() -> None:
    v = variant("DNMT3A", "p.R882H", "missense")
    tumor_only = classify_variant(v, DNMT3A, tumor_only=True)
    assert tumor_only.caveats == [f"DNMT3A variant {CHIP_CAVEAT}"]
    assert classify_variant(v, DNMT3A, tumor_only=False).caveats == []


def test_matches_listed_change() -> None:
    assert matches_listed_change("H1047R", ["H1047"]) == "H1047"
    assert matches_listed_change("H10470R", ["H1047"]) is None
    assert matches_listed_change("V600E", ["V600K"]) is None
    assert matches_listed_change("S297F", ["268-471"]) == "268-471"
    assert matches_listed_change("P500L", ["268-471"]) is None


def test_copy_number_rules() -> None:
    deep = classify_copy_number(GeneCopyNumber("TSC2", "DEEPDEL"), gene("TSC2", "tumor_suppressor"))
    assert deep is not None and deep.oncogenicity == ONCOGENIC
    assert deep.evidence == ["OVS1: deep (homozygous) deletion of tumor suppressor TSC2"]
    amp = classify_copy_number(GeneCopyNumber("MYC", "AMP", copy_number=12), MYC)
    assert amp is not None and amp.oncogenicity == LIKELY_ONCOGENIC
    amp_tsg = classify_copy_number(GeneCopyNumber("MEN1", "AMP"), MEN1)
    assert amp_tsg is not None and amp_tsg.oncogenicity == VUS
    assert classify_copy_number(GeneCopyNumber("MEN1", "HETLOSS"), MEN1) is None
    assert classify_copy_number(GeneCopyNumber("MYC", "GAIN"), MYC) is None


def test_fusion_rules() -> None:
    ntrk = classify_fusion(Fusion("ETV6", "NTRK3"))
    assert ntrk.oncogenicity == ONCOGENIC
    assert ntrk.evidence == ["ETV6::NTRK3: NTRK3 kinase fusion with kinase as 3' partner"]
    assert classify_fusion(Fusion("RET", "CCDC6")).oncogenicity == VUS
    assert classify_fusion(Fusion("KIF5B", "RET", in_frame=False)).oncogenicity == VUS
    assert classify_fusion(Fusion("EWSR1", "FLI1")).oncogenicity == VUS


def fusion_call(fusion: Fusion) -> tuple[str | None, str, list[str]]:
    result = classify_fusion(fusion)
    return fusion_driver_gene(fusion, {}), result.oncogenicity, result.evidence


@pytest.mark.parametrize(
    ("fusion", "expected"),
    [
        (
            Fusion("FGFR2", "BICC1", in_frame=True),
            (
                "FGFR2",
                ONCOGENIC,
                ["FGFR2::BICC1: FGFR2 kinase retained as 5' partner, in frame"],
            ),
        ),
        (
            Fusion("FGFR2", "BICC1", in_frame=False),
            ("FGFR2", VUS, ["FGFR2::BICC1: out-of-frame fusion of FGFR2"]),
        ),
        (
            Fusion("CD74", "NRG1", in_frame=True),
            (
                "NRG1",
                ONCOGENIC,
                ["CD74::NRG1: NRG1 EGF-like domain retained as 3' partner, in frame"],
            ),
        ),
        (
            Fusion("ETV6", "PDGFRB"),
            ("PDGFRB", ONCOGENIC, ["ETV6::PDGFRB: PDGFRB kinase fusion with kinase as 3' partner"]),
        ),
        (
            Fusion("ZMYM2", "FGFR1", in_frame=True),
            (
                "FGFR1",
                ONCOGENIC,
                ["ZMYM2::FGFR1: FGFR1 kinase fusion with kinase as 3' partner, in frame"],
            ),
        ),
        (
            Fusion("BICC1", "FGFR2"),
            (None, VUS, ["BICC1::FGFR2: functional effect unknown"]),
        ),
    ],
)
def test_kinase_and_ligand_fusions_by_partner_position(fusion, expected) -> None:
    assert fusion_call(fusion) == expected


def test_low_support_fusion_is_vus_with_caveat_whatever_the_partners() -> None:
    fusion = Fusion(
        "ETV6",
        "NTRK3",
        0,
        "STAR-Fusion",
        True,
        split_reads=0,
        support="low-support",
        support_note="0 supporting reads, 0 split (needs >= 2 with >= 1 split)",
    )
    result = classify_fusion(fusion)
    assert (result.oncogenicity, result.evidence, result.caveats) == (
        VUS,
        [
            "ETV6::NTRK3: low-support fusion (0 supporting reads, 0 split (needs >= 2 with >= 1 "
            "split)); not called oncogenic"
        ],
        [
            "ETV6::NTRK3 is low-support (0 supporting reads, 0 split (needs >= 2 with >= 1 "
            "split)): confirm by an orthogonal assay"
        ],
    )
    supported = Fusion("ETV6", "NTRK3", 25, "Arriba", True, support="supported")
    supported.support_note = "Arriba confidence high"
    assert classify_fusion(supported).evidence == [
        "ETV6::NTRK3: NTRK3 kinase fusion with kinase as 3' partner, in frame",
        "support: Arriba confidence high",
    ]


@pytest.mark.parametrize(
    ("fusion", "driver", "call", "evidence"),
    [
        (Fusion("FGFR2", "BICC1"), "FGFR2", ONCOGENIC, "FGFR2::BICC1: FGFR2 kinase retained as 5' partner"),
        (Fusion("FGFR3", "TACC3"), "FGFR3", ONCOGENIC, "FGFR3::TACC3: FGFR3 kinase retained as 5' partner"),
        (Fusion("CD74", "NRG1"), "NRG1", ONCOGENIC, "CD74::NRG1: NRG1 EGF-like domain retained as 3' partner"),
        (Fusion("FGFR2", "BICC1", in_frame=False), "FGFR2", VUS, "FGFR2::BICC1: out-of-frame fusion of FGFR2"),
        (Fusion("EML4", "ALK"), "ALK", ONCOGENIC, "EML4::ALK: ALK kinase fusion with kinase as 3' partner"),
    ],
)  # fmt: skip
def test_fgfr_and_nrg1_fusions_are_reported_and_oncogenic(fusion, driver, call, evidence) -> None:
    assert fusion_driver_gene(fusion, {}) == driver
    result = classify_fusion(fusion)
    assert (result.oncogenicity, result.evidence) == (call, [evidence])


def test_essential_kinase_truncation_is_not_ovs1() -> None:
    atr = GeneEntry(
        symbol="ATR",
        role="both",
        pathway="DNA damage response",
        group="DNA repair",
        activating=(),
        lof_missense=(),
        polymorphisms=(),
        citations=("PMID:1",),
        null_variant_oncogenic=False,
    )
    result = classify_variant(variant("ATR", "p.R100*", "nonsense"), atr, tumor_only=True)
    assert result.oncogenicity == VUS
    assert result.evidence[0] == (
        "nonsense in ATR: essential gene, null variants are not evidence of oncogenicity (KB)"
    )
    men1 = classify_variant(variant("MEN1", "p.R98*", "nonsense"), MEN1, tumor_only=True)
    assert men1.oncogenicity == ONCOGENIC


# ----------------------------------------------------------------------------- biallelic


def test_biallelic_two_hits() -> None:
    hits = [
        variant("MEN1", "p.Q20*", "nonsense", pos=100),
        variant("MEN1", "p.L10fs", "frameshift", pos=130),
    ]
    call = infer_biallelic("MEN1", hits, None, purity=None)
    assert call is not None and call.rule == "two oncogenic hits (2 variants; phase unknown)"


def test_the_same_hit_twice_is_one_hit() -> None:
    stop = variant("MLH1", "p.Q20*", "nonsense", vaf=0.4)
    twice = [stop, variant("MLH1", "p.Q20*", "nonsense", vaf=0.4)]
    assert infer_biallelic("MLH1", twice, None, purity=None) is None


def _phased(hgvsp: str, pos: int, genotype: str, phase_set: str = "95") -> Variant:
    hit = variant("MEN1", hgvsp, "nonsense", pos=pos)
    hit.extra.update({"phased_genotype": genotype, "phase_set": phase_set})
    return hit


def test_two_hits_on_one_haplotype_are_not_biallelic() -> None:
    cis = [_phased("p.Q20*", 100, "0|1"), _phased("p.W30*", 130, "0|1")]
    assert infer_biallelic("MEN1", cis, None, purity=None) is None


def test_two_hits_in_trans_are_biallelic_and_other_phase_sets_are_unknown() -> None:
    trans = [_phased("p.Q20*", 100, "0|1"), _phased("p.W30*", 130, "1|0")]
    call = infer_biallelic("MEN1", trans, None, purity=None)
    assert call is not None and call.rule == "two oncogenic hits (2 variants; in trans (phased))"
    apart = [_phased("p.Q20*", 100, "0|1", "95"), _phased("p.W30*", 130, "0|1", "7000")]
    call = infer_biallelic("MEN1", apart, None, purity=None)
    assert call is not None and call.rule == "two oncogenic hits (2 variants; phase unknown)"


def test_biallelic_hit_plus_loh() -> None:
    hit = [variant("MEN1", "p.Q20*", "nonsense")]
    loh = GeneCopyNumber("MEN1", "NEUTRAL", loh=True)
    call = infer_biallelic("MEN1", hit, loh, purity=None)
    assert call is not None and call.rule == "second hit LOH (copy number)"
    hetloss = infer_biallelic("MEN1", hit, GeneCopyNumber("MEN1", "HETLOSS"), purity=None)
    assert hetloss is not None and hetloss.rule.startswith("second hit heterozygous deletion")


def test_biallelic_from_vaf_and_purity() -> None:
    high = [variant("MEN1", "p.Q20*", "nonsense", vaf=0.55)]
    call = infer_biallelic("MEN1", high, None, purity=0.6)
    assert call is not None
    assert call.rule == "second hit LOH inferred: VAF 0.55 > purity/2 + margin (0.40)"
    low = [variant("MEN1", "p.Q20*", "nonsense", vaf=0.35)]
    assert infer_biallelic("MEN1", low, None, purity=0.6) is None


def test_biallelic_vaf_without_purity_needs_0_8() -> None:
    assert (
        infer_biallelic("MEN1", [variant("MEN1", "p.Q20*", "nonsense", vaf=0.7)], None, purity=None)
        is None
    )
    call = infer_biallelic(
        "MEN1", [variant("MEN1", "p.Q20*", "nonsense", vaf=0.85)], None, purity=None
    )
    assert call is not None and call.rule.startswith("second hit LOH suggested: VAF 0.85 >= 0.8")


def test_deep_deletion_alone_is_biallelic() -> None:
    call = infer_biallelic("TSC2", [], GeneCopyNumber("TSC2", "DEEPDEL"), purity=None)
    assert call is not None and call.rule == "deep deletion"
    assert infer_biallelic("TSC2", [], GeneCopyNumber("TSC2", "HETLOSS"), purity=None) is None


def test_classify_sample_marks_biallelic_and_ignores_non_kb_genes() -> None:
    genes = {"MEN1": MEN1, "PIK3CA": PIK3CA, "TSC2": gene("TSC2", "tumor_suppressor")}
    result = classify_sample(
        [
            variant("MEN1", "p.Q20*", "nonsense"),
            variant("OTHER", "p.Q20*", "nonsense"),
            variant("PIK3CA", "p.H1047R", "missense"),
        ],
        [GeneCopyNumber("MEN1", "HETLOSS", loh=True), GeneCopyNumber("TSC2", "DEEPDEL")],
        [Fusion("ETV6", "NTRK3"), Fusion("EWSR1", "FLI1")],
        genes,
        tumor_only=True,
        purity=None,
    )
    assert [item.variant.gene for item in result.variants] == ["MEN1", "PIK3CA"]
    assert result.variants[0].classification.evidence == [
        "OVS1: nonsense in tumor suppressor MEN1",
        "biallelic: second hit LOH (copy number)",
    ]
    assert sorted(result.biallelic) == ["MEN1", "TSC2"]
    assert [item.call.gene for item in result.copy_numbers] == ["TSC2"]
    assert [(item.gene, item.classification.oncogenicity) for item in result.fusions] == [
        ("NTRK3", ONCOGENIC)
    ]
    assert result.oncogenic_genes() == {"MEN1", "PIK3CA", "TSC2", "NTRK3"}
    assert result.copy_loss("MEN1") and result.deep_deleted("TSC2")


MET = gene("MET", "oncogene")


@pytest.mark.parametrize(
    ("hgvsc", "variant_class", "call"),
    [
        ("c.3028+1G>T", "splice_site", ONCOGENIC),  # NM_000245 donor
        ("ENST00000318493.11:c.3082+2T>C", "splice_site", ONCOGENIC),  # NM_001127500 donor
        ("ENST00000397752.8:c.3082+2T>C", "intronic", VUS),  # inside exon 15 on NM_000245
        ("c.2888-1G>C", "splice_site", ONCOGENIC),  # acceptor
        ("c.3024_3028+8del", "splice_site", ONCOGENIC),  # deletion from exon into intron
        ("c.2888-18_2888-7del", "intronic", LIKELY_ONCOGENIC),  # acceptor polypyrimidine tract
        ("c.3082+3A>G", "splice_region", LIKELY_ONCOGENIC),
        ("c.3028+45A>G", "intronic", VUS),  # beyond 30 bp
        ("c.3000G>A", "synonymous", VUS),
    ],
)
def test_met_exon14_splice_variants(hgvsc, variant_class, call) -> None:
    met = Variant("chr7", 116412044, "G", "T", gene="MET", variant_class=variant_class)
    met.hgvsc = hgvsc
    result = classify_variant(met, MET, tumor_only=False)
    assert result.oncogenicity == call
    if call != VUS:
        assert result.evidence[-1].startswith(
            "MET exon 14 skipping (Frampton et al. Cancer Discov 2015, PMID:25971938): "
        )


@pytest.mark.parametrize(
    ("build", "pos", "ref", "alt", "call", "skipping"),
    [
        ("GRCh38", 116771990, "G", "T", ONCOGENIC, "chr7:116771990 G>T on GRCh38 disrupts the exon 14 donor"),
        ("GRCh37", 116411902, "G", "A", ONCOGENIC, "chr7:116411902 G>A on GRCh37 disrupts the exon 14 acceptor"),
        ("GRCh38", 116771840, "ACCCCCCCCCCCCCC", "A", ONCOGENIC, "chr7:116771840 ACCCCCCCCCCCCCC>A on GRCh38 disrupts the exon 14 acceptor"),
        ("GRCh38", 116771830, "T", "C", LIKELY_ONCOGENIC, "chr7:116771830 T>C on GRCh38 in the exon 14 acceptor splice region"),
        ("GRCh37", 116771990, "G", "T", VUS, None),  # a GRCh38 site read on GRCh37
        (None, 116771990, "G", "T", VUS, None),
    ],
)  # fmt: skip
def test_met_exon14_splice_site_from_genomic_position_without_hgvsc(
    build, pos, ref, alt, call, skipping
) -> None:
    met = Variant("chr7", pos, ref, alt, gene="MET", variant_class="unknown")
    result = classify_variant(met, MET, tumor_only=True, build=build)
    assert (result.oncogenicity, result.exon14_skipping) == (call, skipping)


@pytest.mark.parametrize(
    ("hgvsp", "transcript", "call", "skipping"),
    [
        # MANE NM_000245 numbering: D1010 is the hotspot (OP3) and the exon 14 donor codon
        ("p.D1010N", "ENST00000397752", LIKELY_ONCOGENIC, "D1010N on NM_000245 (MANE Select): exon 14 residue D1010"),
        # the same change on the 1408-aa isoform: hotspot and exon 14 found by renumbering
        ("p.D1028N", "ENST00000318493", LIKELY_ONCOGENIC, "D1028N on NM_001127500 = D1010N on NM_000245: exon 14 residue D1010"),
        ("p.D1028N", "ENST00000397752", VUS, None),
        ("p.E970del", "ENST00000397752", LIKELY_ONCOGENIC, "E970del on NM_000245 (MANE Select): in-frame deletion in exon 14 residues 963-1010"),
        ("p.E970del", "ENST00000318493", VUS, None),  # exon 13 of NM_001127500
    ],
)  # fmt: skip
def test_met_exon14_protein_change_is_read_on_its_transcript(
    hgvsp, transcript, call, skipping
) -> None:
    klass = "inframe_deletion" if hgvsp.endswith("del") else "missense"
    met = Variant("chr7", 1, "G", "A", gene="MET", variant_class=klass, hgvsp=hgvsp)
    met.transcript = transcript
    result = classify_variant(met, MET, tumor_only=False, build="GRCh38")
    assert (result.oncogenicity, result.exon14_skipping) == (call, skipping)
    hotspot = result.hotspot.describe() if result.hotspot else None
    assert hotspot == (
        "cancer hotspot MET D1010 (14 tumors at the residue, 6 with this change)"
        if "D1010" in (skipping or "")
        else None
    )


def test_met_exon14_skipping_reported_by_linx_as_exon_13_to_15() -> None:
    fusion = Fusion("MET", "MET", None, "LINX", True, confidence="reported", exon5=13, exon3=15)
    fusion.support, fusion.support_note = "supported", "LINX confidence reported"
    result = classify_fusion(fusion)
    assert (fusion_driver_gene(fusion, {"MET": MET}), result.oncogenicity) == ("MET", ONCOGENIC)
    assert result.evidence[0] == (
        "MET::MET: exon 13 joined to exon 15, MET exon 14 skipping (Frampton et al. Cancer "
        "Discov 2015, PMID:25971938)"
    )
    other = Fusion("MET", "MET", None, "LINX", True, exon5=12, exon3=15)
    assert classify_fusion(other).oncogenicity == VUS


def test_copy_number_evidence_names_the_deciding_segment_and_the_conflict() -> None:
    call = GeneCopyNumber(
        "PTEN",
        "DEEPDEL",
        copy_number=0.0,
        segment="chr10:89700300-89712340 CN 0, 12,041 of PTEN's 108,818 bp",
        note="PTEN also overlaps a GAIN segment chr10:89712341-135534747 CN 3.0201",
    )
    result = classify_copy_number(call, PTEN)
    assert result is not None
    assert (result.oncogenicity, result.evidence, result.caveats) == (
        ONCOGENIC,
        [
            "OVS1: deep (homozygous) deletion of tumor suppressor PTEN",
            "decided by chr10:89700300-89712340 CN 0, 12,041 of PTEN's 108,818 bp",
        ],
        ["PTEN also overlaps a GAIN segment chr10:89712341-135534747 CN 3.0201"],
    )


MUTYH = GeneEntry(
    symbol="MUTYH",
    role="tumor_suppressor",
    pathway="Base excision repair",
    group="DNA repair",
    activating=(),
    lof_missense=(),
    polymorphisms=(),
    citations=("PMID:17031395",),
    germline_relevant=True,
    biallelic_only=True,
)


def _mutyh_sample(variants, copy_numbers=()):
    return classify_sample(
        variants, list(copy_numbers), [], {"MUTYH": MUTYH}, tumor_only=True, purity=None
    )


def test_monoallelic_mutyh_is_a_carrier_finding_not_a_somatic_driver() -> None:
    result = _mutyh_sample([variant("MUTYH", "p.Y179*", "nonsense", vaf=0.45)])
    call = result.variants[0].classification
    assert (call.oncogenicity, call.germline_carrier) == (VUS, True)
    assert call.evidence == [
        "OVS1: nonsense in tumor suppressor MUTYH",
        "monoallelic MUTYH: a recessive gene whose loss needs both alleles; one hit is not a "
        "somatic driver",
    ]
    assert call.caveats == [
        "MUTYH Y179* is a single hit in a recessive gene: a possible germline carrier finding, "
        "not a somatic driver; consider germline testing"
    ]
    assert result.oncogenic_genes() == set()


@pytest.mark.parametrize(
    ("variants", "copy_numbers", "rule"),
    [
        (
            [variant("MUTYH", "p.Y179*", "nonsense", pos=100),
             variant("MUTYH", "p.G396fs", "frameshift", pos=200)],
            [],
            "two oncogenic hits (2 variants; phase unknown)",
        ),
        (
            [variant("MUTYH", "p.Y179*", "nonsense")],
            [GeneCopyNumber("MUTYH", "HETLOSS", loh=True)],
            "second hit LOH (copy number)",
        ),
    ],
)  # fmt: skip
def test_biallelic_mutyh_stays_oncogenic(variants, copy_numbers, rule) -> None:
    result = _mutyh_sample(variants, copy_numbers)
    assert result.biallelic["MUTYH"].rule == rule
    for item in result.variants:
        assert (item.classification.oncogenicity, item.classification.germline_carrier) == (
            ONCOGENIC,
            False,
        )
        assert item.classification.evidence[-1] == f"biallelic: {rule}"


def test_tmprss2_erg_is_likely_oncogenic_and_other_erg_fusions_are_not() -> None:
    call = classify_fusion(Fusion("TMPRSS2", "ERG"))
    assert (call.oncogenicity, call.evidence) == (
        LIKELY_ONCOGENIC,
        ["TMPRSS2::ERG: ERG overexpressed from the androgen-regulated TMPRSS2 promoter "
         "(PMID:16254181)"],
    )  # fmt: skip
    assert classify_fusion(Fusion("ERG", "TMPRSS2")).oncogenicity == VUS
    genes = {"ERG": gene("ERG", "oncogene")}
    assert fusion_driver_gene(Fusion("TMPRSS2", "ERG"), genes) == "ERG"
