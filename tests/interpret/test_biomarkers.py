"""TMB, MSI inference, MMR/HRR status and the NET-G3-like vs NEC-like pattern."""

from __future__ import annotations

import pytest

from nenprofile.interpret.biomarkers import (
    HISTOLOGY_NOTE,
    BiomarkerSettings,
    TmbTally,
    compute_biomarkers,
    compute_tmb,
    differentiation_pattern,
    hrr_status,
    indel_fraction,
    infer_msi,
    mmr_status,
)
from nenprofile.interpret.oncogenicity import classify_sample
from nenprofile.model import GeneCopyNumber, SampleInfo, Variant
from nenprofile.reference.knowledgebase import GeneEntry

ROLES = {
    "MEN1": ("tumor_suppressor", "Histone modification"),
    "DAXX": ("tumor_suppressor", "Chromatin remodelling"),
    "ATRX": ("tumor_suppressor", "Chromatin remodelling"),
    "TP53": ("tumor_suppressor", "Cell cycle / p53"),
    "RB1": ("tumor_suppressor", "Cell cycle / p53"),
    "KRAS": ("oncogene", "MAPK"),
    "BRAF": ("oncogene", "MAPK"),
    "APC": ("tumor_suppressor", "WNT"),
    "STK11": ("tumor_suppressor", "PI3K/AKT/mTOR"),
    "KEAP1": ("tumor_suppressor", "NRF2/oxidative stress"),
    "MLH1": ("tumor_suppressor", "Mismatch repair"),
    "MSH2": ("tumor_suppressor", "Mismatch repair"),
    "BRCA1": ("tumor_suppressor", "Homologous recombination"),
    "BRCA2": ("tumor_suppressor", "Homologous recombination"),
    "RAD51C": ("tumor_suppressor", "Homologous recombination"),
    "ATM": ("tumor_suppressor", "DNA damage response"),
}
GENES = {
    symbol: GeneEntry(symbol, role, pathway, "Other drivers", (), (), (), ("PMID:1",))
    for symbol, (role, pathway) in ROLES.items()
}
SETTINGS = BiomarkerSettings(target_size_mb=2.0)


def snv(gene: str | None, klass: str = "missense", hgvsp: str | None = None, **kw) -> Variant:
    return Variant(
        "chr1", kw.pop("pos", 100), "C", "T", gene=gene, variant_class=klass, hgvsp=hgvsp, **kw
    )


def indel(gene: str | None, klass: str = "frameshift", **kw) -> Variant:
    return Variant("chr1", kw.pop("pos", 100), "CA", "C", gene=gene, variant_class=klass, **kw)


def truncating(gene: str) -> Variant:
    return snv(gene, "nonsense", "p.Q20*", vaf=0.3)


def classified(variants=(), cna=(), purity=None):
    return classify_sample(list(variants), list(cna), [], GENES, tumor_only=True, purity=purity)


# ----------------------------------------------------------------------------- TMB


def test_tmb_counts_protein_changing_somatic_variants_per_mb() -> None:
    variants = [
        snv("A", "missense"),
        snv("B", "nonsense"),
        indel("C", "frameshift"),
        indel("D", "inframe_deletion"),
        snv("E", "synonymous"),  # not protein-changing
        snv("F", "intronic"),
        snv("G", "missense", population_af=0.2),  # likely germline
        snv("H", "missense", vaf=0.02),  # below min VAF 0.05
        snv("I", "missense", vaf=None),  # unknown VAF is kept
    ]
    tmb = compute_tmb(variants, annotation="VEP", tumor_only=False, settings=SETTINGS)
    assert tmb["n_mutations"] == 5
    assert tmb["value"] == 2.5
    assert tmb["call"] == "TMB-low"
    assert tmb["territory_mb"] == 2.0 and tmb["threshold"] == 10.0 and tmb["unit"] == "mut/Mb"
    assert tmb["source"].startswith("coding non-synonymous somatic variants;")
    assert "tumor-only" not in tmb["source"]


def test_tmb_high_and_rounding() -> None:
    variants = [snv("A", pos=i) for i in range(10)]
    tmb = compute_tmb(
        variants, annotation="VEP", tumor_only=True, settings=BiomarkerSettings(target_size_mb=0.9)
    )
    assert tmb["value"] == 11.11
    assert tmb["call"] == "TMB-high"
    assert "tumor-only: residual germline variants and CHIP may inflate TMB" in tmb["source"]
    equal = compute_tmb(
        variants, annotation="VEP", tumor_only=False, settings=BiomarkerSettings(target_size_mb=1.0)
    )
    assert equal["value"] == 10.0 and equal["call"] == "TMB-high"  # >= threshold


def test_tmb_with_unknown_consequences_counts_all_variants() -> None:
    variants = [snv("A", "unknown"), snv(None, "unknown"), snv("B", "unknown", population_af=0.5)]
    tmb = compute_tmb(variants, annotation="gene-overlap", tumor_only=False, settings=SETTINGS)
    assert tmb["n_mutations"] == 2 and tmb["value"] == 1.0
    assert tmb["source"].startswith("consequences unknown: all coding-territory variants counted")


def test_tmb_tally_merges_shares_and_counts_both_ways() -> None:
    variants = [
        snv("A", "missense"),
        indel("B", "frameshift"),
        indel("C", "intronic"),
        snv("D", "unknown"),
        snv("E", "missense", population_af=0.2),
        indel("F", "inframe_deletion", vaf=0.01),
    ]
    first, second = TmbTally.of(variants[:2], SETTINGS), TmbTally.of(variants[2:], SETTINGS)
    first.merge(second)
    assert first == TmbTally.of(variants, SETTINGS)
    assert (first.variants, first.unknown_class) == (6, 1)
    assert (first.coding, first.coding_indels, first.any_class, first.any_class_indels) == (
        2, 1, 4, 2,
    )  # fmt: skip
    assert first.counted("VEP") == (2, 1) and first.counted("gene-overlap") == (4, 2)
    assert not first.consequences_unknown("VEP")
    unknown = TmbTally.of([snv("A", "unknown"), indel("B", "unknown")], SETTINGS)
    assert unknown.consequences_unknown("VEP") and unknown.counted("VEP") == (2, 1)
    assert not TmbTally(SETTINGS).consequences_unknown("VEP")  # no variants: not unknown


def test_indel_fraction() -> None:
    variants = [snv("A"), indel("B"), indel("C"), snv("D", "synonymous")]
    assert indel_fraction(variants, annotation="VEP", settings=SETTINGS) == pytest.approx(2 / 3)
    assert indel_fraction([], annotation="VEP", settings=SETTINGS) is None


# ----------------------------------------------------------------------------- MSI / MMR


def test_msi_from_sheet_wins() -> None:
    sample = SampleInfo("S1", msi_status="MSS")
    msi = infer_msi(sample, classified(), {"call": "TMB-high", "value": 50}, 0.5, SETTINGS)
    assert msi == {"value": "MSS", "call": "MSS", "source": "sample sheet"}


def test_msi_suspected_needs_biallelic_mmr_tmb_high_and_indels() -> None:
    mlh1 = classified([truncating("MLH1"), indel("MLH1", pos=200)])
    sample = SampleInfo("S1")
    high = {"call": "TMB-high", "value": 40.0}
    msi = infer_msi(sample, mlh1, high, 0.25, SETTINGS)
    assert msi["call"] == "suspected MSI-H"
    assert msi["source"].startswith("inferred, not a validated MSI test: biallelic MLH1 loss")
    assert infer_msi(sample, mlh1, high, 0.1, SETTINGS)["call"] == "unknown"
    assert (
        infer_msi(sample, mlh1, {"call": "TMB-low", "value": 3.0}, 0.5, SETTINGS)["call"]
        == "unknown"
    )
    mono = classified([truncating("MLH1")])
    assert infer_msi(sample, mono, high, 0.5, SETTINGS)["call"] == "unknown"


def test_mmr_status_calls() -> None:
    unknown = {"call": "unknown", "source": "x"}
    biallelic = mmr_status(classified([truncating("MSH2"), indel("MSH2", pos=300)]), unknown)
    assert biallelic.call == "dMMR (biallelic MSH2)" and biallelic.value == ["MSH2"]
    assert biallelic.deficient
    mono = mmr_status(classified([truncating("MLH1")]), unknown)
    assert mono.call == "MMR alteration (monoallelic MLH1)" and not mono.deficient
    assert mono.source.startswith("a single MMR mutation is not dMMR")
    by_msi = mmr_status(classified(), {"call": "MSI-H", "source": "sample sheet"})
    assert by_msi.call == "dMMR (MSI-H)" and by_msi.value == [] and by_msi.deficient
    intact = mmr_status(classified(), unknown)
    assert intact.call == "MMR intact" and intact.value == [] and not intact.deficient


def test_hrr_status_calls() -> None:
    deficient = hrr_status(classified(cna=[GeneCopyNumber("BRCA2", "DEEPDEL")]), GENES)
    assert deficient.call == "HRR-deficient (biallelic BRCA2)" and deficient.deficient
    assert deficient.value == ["BRCA2"]
    assert deficient.source == "sequencing: BRCA2: deep deletion"
    mono = hrr_status(classified([truncating("BRCA1"), truncating("RAD51C")]), GENES)
    assert mono.call == "HRR alteration (BRCA1 monoallelic, RAD51C monoallelic)"
    assert not mono.deficient
    # ATM is DNA damage response, not homologous recombination in the KB
    assert hrr_status(classified([truncating("ATM")]), GENES).call == "no HRR alteration"
    loh = classified([truncating("BRCA1")], [GeneCopyNumber("BRCA1", "HETLOSS", loh=True)])
    assert hrr_status(loh, GENES).call == "HRR-deficient (biallelic BRCA1)"
    assert hrr_status(loh, GENES).deficient


# ----------------------------------------------------------------------------- pattern


@pytest.mark.parametrize(
    ("site", "variants", "cna", "expected"),
    [
        ("pancreas", [truncating("MEN1"), truncating("DAXX")], [], "NET-G3-like"),
        ("pancreas", [truncating("TP53"), truncating("RB1")], [], "NEC-like"),
        ("stomach", [truncating("TP53")], [GeneCopyNumber("RB1", "DEEPDEL")], "NEC-like"),
        ("stomach", [truncating("TP53")], [GeneCopyNumber("RB1", "HETLOSS")], "NEC-like"),
        ("stomach", [truncating("TP53")], [], "indeterminate"),
        (
            "colorectal",
            [truncating("TP53"), snv("BRAF", "missense", "p.V600E")],
            [],
            "adenocarcinoma-like NEC/MiNEN",
        ),
        ("colorectal", [snv("KRAS", "missense", "p.G12D")], [], "adenocarcinoma-like NEC/MiNEN"),
        ("prostate", [snv("KRAS", "missense", "p.G12D")], [], "indeterminate"),
        ("pancreas", [truncating("MEN1"), truncating("TP53")], [], "indeterminate"),
        ("lung", [truncating("TP53"), truncating("RB1")], [], "SCLC-like"),
        ("lung", [truncating("TP53"), truncating("STK11")], [], "NSCLC-like"),
        ("lung", [truncating("MEN1")], [], "carcinoid-like"),
        ("lung", [], [], "indeterminate"),
    ],
)
def test_pattern_branches(site, variants, cna, expected) -> None:
    sample = SampleInfo("S1", tumor_site=site)
    pattern = differentiation_pattern(sample, classified(variants, cna))
    assert pattern["value"] == expected == pattern["call"]
    assert pattern["note"] == HISTOLOGY_NOTE
    assert pattern["source"] == "molecular pattern; histology decides"
    assert "PMID:30140036" in pattern["citations"]
    assert "conflict" not in pattern


def test_pattern_evidence_and_conflict_with_sheet() -> None:
    sample = SampleInfo("S1", tumor_site="pancreas", differentiation="poor")
    pattern = differentiation_pattern(sample, classified([truncating("MEN1"), truncating("ATRX")]))
    assert pattern["value"] == "NET-G3-like"
    assert pattern["evidence"] == ["MEN1 oncogenic alteration", "ATRX oncogenic alteration"]
    assert pattern["conflict"].startswith(
        "NET-G3-like genotype but sample sheet differentiation 'poor'"
    )
    well = SampleInfo("S2", tumor_site="pancreas", differentiation="well")
    nec = differentiation_pattern(well, classified([truncating("TP53"), truncating("RB1")]))
    assert "conflict" in nec


def test_compute_biomarkers_keys() -> None:
    sample = SampleInfo("S1", tumor_site="pancreas")
    variants = [truncating("MEN1")]
    result = compute_biomarkers(
        sample,
        variants,
        classified(variants),
        GENES,
        annotation="VEP",
        tumor_only=True,
        settings=SETTINGS,
    )
    assert list(result) == ["tmb", "msi", "mmr", "hrr", "differentiation_pattern"]
    assert result["tmb"]["value"] == 0.5
    assert result["differentiation_pattern"]["value"] == "NET-G3-like"
