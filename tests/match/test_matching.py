"""Therapy matching against the bundled knowledge base."""

from __future__ import annotations

from typing import Any

import pytest

from nenprofile.match.therapies import (
    ROW_COLUMNS,
    SampleFindings,
    match_therapies,
    protein_change,
    variant_matches,
)
from nenprofile.model import Alteration, SampleInfo
from nenprofile.reference.knowledgebase import load_knowledge_base
from nenprofile.vocab import therapy_rank


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base()


def alt(gene, kind="mutation", hgvsp=None, onc="Oncogenic", biallelic=False, **extra):
    return Alteration(
        sample="S1",
        gene=gene,
        pathway="",
        alteration_type=kind,
        hgvsp=hgvsp,
        variant_class=extra.pop("variant_class", "missense" if hgvsp else None),
        oncogenicity=onc,
        biallelic=biallelic,
        **extra,
    )


def run(kb, site="unknown", diff="unknown", her2=None, **findings: Any) -> dict[str, dict]:
    sample = SampleInfo(sample="S1", tumor_site=site, differentiation=diff, her2_ihc=her2)
    options = match_therapies(SampleFindings(**findings), sample, kb)
    return {option.rule_id: option.to_row() for option in options}


# (rule_id, findings, site, differentiation, her2, therapy, amp, escat, context)
CASES = [
    (
        "pembrolizumab_msi_h_dmmr",
        {"msi_call": "MSI-H"},
        "small_intestine",
        "poor",
        None,
        "Pembrolizumab",
        "I-A",
        "I-C",
        "tissue-agnostic",
    ),
    (
        "dostarlimab_dmmr",
        {"mmr_deficient": True},
        "stomach",
        "poor",
        None,
        "Dostarlimab",
        "I-A",
        "I-C",
        "tissue-agnostic",
    ),
    (
        "pembrolizumab_tmb_high",
        {"tmb_call": "TMB-high"},
        "lung",
        "poor",
        None,
        "Pembrolizumab",
        "I-A",
        "I-C",
        "tissue-agnostic",
    ),
    (
        "larotrectinib_ntrk_fusion",
        {"alterations": [alt("NTRK1", "fusion", partner="TPM3")]},
        "pancreas",
        "well",
        None,
        "Larotrectinib",
        "I-A",
        "I-C",
        "tissue-agnostic",
    ),
    (
        "entrectinib_ntrk_fusion",
        {"alterations": [alt("NTRK3", "fusion", partner="ETV6")]},
        "lung",
        "poor",
        None,
        "Entrectinib",
        "I-A",
        "I-C",
        "tissue-agnostic",
    ),
    (
        "repotrectinib_ntrk_fusion",
        {"alterations": [alt("NTRK2", "fusion")]},
        "stomach",
        "poor",
        None,
        "Repotrectinib",
        "I-A",
        "I-C",
        "tissue-agnostic",
    ),
    (
        "selpercatinib_ret_fusion",
        {"alterations": [alt("RET", "fusion", partner="KIF5B")]},
        "lung",
        "poor",
        None,
        "Selpercatinib",
        "I-A",
        "I-C",
        "tissue-agnostic",
    ),
    (
        "dabrafenib_trametinib_braf_v600e",
        {"alterations": [alt("BRAF", hgvsp="p.V600E")]},
        "gallbladder_biliary",
        "poor",
        None,
        "Dabrafenib + trametinib",
        "I-A",
        "I-C",
        "tissue-agnostic",
    ),
    (
        "trastuzumab_deruxtecan_her2_ihc3",
        {},
        "stomach",
        "poor",
        "3+",
        "Trastuzumab deruxtecan",
        "I-A",
        "I-C",
        "tissue-agnostic",
    ),
    (
        "platinum_etoposide_nec",
        {},
        "pancreas",
        "poor",
        None,
        "Carboplatin (or cisplatin) + etoposide",
        "I-A",
        "NA",
        "NEN-specific",
    ),
    (
        "chemo_immunotherapy_sclc",
        {},
        "lung",
        "poor",
        None,
        "Atezolizumab or durvalumab + platinum-etoposide",
        "I-A",
        "NA",
        "NEN-specific",
    ),
    (
        "irinotecan_fluoropyrimidine_2l_nec",
        {},
        "colorectal",
        "poor",
        None,
        "FOLFIRI or nal-IRI + 5-FU (second line)",
        "I-B",
        "NA",
        "NEN-specific",
    ),
    (
        "capecitabine_temozolomide_net",
        {},
        "pancreas",
        "well",
        None,
        "Capecitabine + temozolomide (CAPTEM)",
        "I-B",
        "NA",
        "NEN-specific",
    ),
    (
        "everolimus_net",
        {},
        "small_intestine",
        "well",
        None,
        "Everolimus",
        "I-A",
        "NA",
        "NEN-specific",
    ),
    ("sunitinib_pnet", {}, "pancreas", "well", None, "Sunitinib", "I-A", "NA", "NEN-specific"),
    ("cabozantinib_net", {}, "lung", "well", None, "Cabozantinib", "I-A", "NA", "NEN-specific"),
    (
        "somatostatin_analogue_net",
        {},
        "small_intestine",
        "well",
        None,
        "Somatostatin analogue (octreotide LAR or lanreotide)",
        "I-A",
        "NA",
        "NEN-specific",
    ),
    (
        "lutetium_dotatate_gep_net",
        {},
        "pancreas",
        "well",
        None,
        "Lu-177 dotatate (PRRT)",
        "I-A",
        "NA",
        "NEN-specific",
    ),
    (
        "tarlatamab_sclc",
        {},
        "lung",
        "poor",
        None,
        "Tarlatamab (second line)",
        "I-A",
        "NA",
        "NEN-specific",
    ),
    (
        "nivolumab_ipilimumab_hg_nen",
        {},
        "stomach",
        "poor",
        None,
        "Nivolumab + ipilimumab (clinical trial)",
        "II-C",
        "NA",
        "NEN-specific",
    ),
    (
        "pembrolizumab_unselected_net_negative",
        {"tmb_call": "TMB-low", "msi_call": "MSS"},
        "pancreas",
        "well",
        None,
        "Pembrolizumab monotherapy (biomarker-unselected)",
        "II-C",
        "NA",
        "NEN-specific",
    ),
    (
        "capivasertib_pi3k_akt_pten",
        {"alterations": [alt("PIK3CA", hgvsp="p.H1047R")]},
        "pancreas",
        "well",
        None,
        "Capivasertib (+ fulvestrant in breast cancer)",
        "II-C",
        "III-A",
        "other tumor type",
    ),
    (
        "parp_inhibitor_brca_palb2",
        {
            "alterations": [
                alt("BRCA2", hgvsp="p.S1982Rfs*22", biallelic=True, variant_class="frameshift")
            ]
        },
        "pancreas",
        "poor",
        None,
        "PARP inhibitor (e.g. olaparib)",
        "II-C",
        "III-A",
        "other tumor type",
    ),
    (
        "ivosidenib_idh1_r132",
        {"alterations": [alt("IDH1", hgvsp="p.R132C")]},
        "gallbladder_biliary",
        "poor",
        None,
        "Ivosidenib",
        "II-C",
        "III-A",
        "other tumor type",
    ),
    (
        "tazemetostat_ezh2_gof",
        {"alterations": [alt("EZH2", hgvsp="p.Y646N")]},
        "lung",
        "poor",
        None,
        "Tazemetostat",
        "II-C",
        "III-A",
        "other tumor type",
    ),
    (
        "sotorasib_kras_g12c",
        {"alterations": [alt("KRAS", hgvsp="p.G12C")]},
        "lung",
        "poor",
        None,
        "Sotorasib",
        "II-C",
        "III-A",
        "other tumor type",
    ),
    (
        "adagrasib_kras_g12c",
        {"alterations": [alt("KRAS", hgvsp="p.G12C")]},
        "lung",
        "poor",
        None,
        "Adagrasib",
        "II-C",
        "III-A",
        "other tumor type",
    ),
    (
        "rapalog_mtor_activating",
        {"alterations": [alt("MTOR", hgvsp="p.E2014K")]},
        "bladder",
        "poor",
        None,
        "Everolimus or temsirolimus",
        "II-C",
        "III-A",
        "other tumor type",
    ),
    (
        "everolimus_tsc_loss",
        {"alterations": [alt("TSC2", hgvsp="p.R611*", variant_class="nonsense")]},
        "pancreas",
        "well",
        None,
        "Everolimus",
        "II-D",
        "III-B",
        "other tumor type",
    ),
    (
        "atr_inhibitor_arid1a_atm",
        {"alterations": [alt("ARID1A", hgvsp="p.Q372*", variant_class="nonsense")]},
        "stomach",
        "poor",
        None,
        "ATR inhibitor (clinical trial)",
        "II-D",
        "IV",
        "other tumor type",
    ),
    (
        "checkpoint_inhibitor_cd274_amplification",
        {"alterations": [alt("CD274", "amplification")]},
        "lung",
        "poor",
        None,
        "PD-1/PD-L1 inhibitor (investigational)",
        "II-D",
        "III-A",
        "other tumor type",
    ),
    (
        "dll3_t_cell_engager_trials",
        {"expression": {"DLL3": "high"}},
        "colorectal",
        "poor",
        None,
        "DLL3-directed T-cell engager (clinical trial)",
        "II-D",
        "II-B",
        "NEN-specific",
    ),
    (
        "slfn11_platinum_parp_temozolomide",
        {"expression": {"SLFN11": "high"}},
        "lung",
        "poor",
        None,
        "Platinum chemotherapy or PARP inhibitor + temozolomide (exploratory)",
        "II-D",
        "IV",
        "NEN-specific",
    ),
    (
        "mgmt_low_temozolomide",
        {"expression": {"MGMT": "low"}},
        "pancreas",
        "well",
        None,
        "Temozolomide-based therapy (CAPTEM)",
        "II-D",
        "II-B",
        "NEN-specific",
    ),
    (
        "sstr2_high_supportive_ssa_prrt",
        {"expression": {"SSTR2": {"call": "high", "tpm": 80.0}}},
        "small_intestine",
        "well",
        None,
        "Somatostatin analogue / Lu-177 dotatate (supportive finding)",
        "II-D",
        "IV",
        "NEN-specific",
    ),
]


@pytest.mark.parametrize(
    ("rule_id", "findings", "site", "diff", "her2", "therapy", "amp", "escat", "context"),
    CASES,
    ids=[case[0] for case in CASES],
)
def test_curated_case(kb, rule_id, findings, site, diff, her2, therapy, amp, escat, context):
    rows = run(kb, site=site, diff=diff, her2=her2, **findings)
    assert rule_id in rows, sorted(rows)
    row = rows[rule_id]
    assert (row["therapy"], row["amp_tier"], row["escat_tier"], row["context"]) == (
        therapy,
        amp,
        escat,
        context,
    )
    assert row["citations"] == ";".join(kb.rule(rule_id).citations)
    assert row["research_only"] is kb.rule(rule_id).research_only


def test_cases_cover_every_rule(kb):
    assert {case[0] for case in CASES} == {rule.id for rule in kb.rules}


def test_row_columns_are_the_therapies_tsv_columns(kb):
    options = match_therapies(SampleFindings(msi_call="MSI-H"), SampleInfo("S1"), kb)
    assert options
    assert all(list(option.to_row()) == ROW_COLUMNS for option in options)


@pytest.mark.parametrize("oncogenicity", ["VUS", "Likely benign", None])
def test_vus_and_benign_never_match(kb, oncogenicity):
    findings = {
        "alterations": [
            alt("BRAF", hgvsp="p.V600E", onc=oncogenicity),
            alt("KRAS", hgvsp="p.G12C", onc=oncogenicity),
            alt("NTRK1", "fusion", onc=oncogenicity),
            alt("BRCA2", hgvsp="p.K3326*", onc=oncogenicity, biallelic=True),
        ]
    }
    rows = run(kb, site="lung", diff="poor", **findings)
    matched_by_alteration = {
        r.id for r in kb.rules if any(c.type == "alteration" for c in r.any_of)
    }
    assert not matched_by_alteration & set(rows)


def test_likely_oncogenic_matches(kb):
    rows = run(kb, alterations=[alt("BRAF", hgvsp="p.V600E", onc="Likely oncogenic")])
    assert rows["dabrafenib_trametinib_braf_v600e"]["biomarker"] == "BRAF V600E"


def test_colorectal_braf_v600e_gets_exclusion_caveat_and_lower_tier(kb):
    row = run(kb, site="colorectal", diff="poor", alterations=[alt("BRAF", hgvsp="p.V600E")])[
        "dabrafenib_trametinib_braf_v600e"
    ]
    assert (row["amp_tier"], row["escat_tier"], row["context"]) == (
        "II-C",
        "III-A",
        "other tumor type",
    )
    assert row["caveats"].startswith("The tissue-agnostic label excludes colorectal cancer")
    other = run(kb, site="lung", diff="poor", alterations=[alt("BRAF", hgvsp="p.V600E")])
    assert "colorectal" not in other["dabrafenib_trametinib_braf_v600e"]["caveats"]


def test_braf_non_v600e_does_not_match(kb):
    rows = run(kb, alterations=[alt("BRAF", hgvsp="p.G469A")])
    assert "dabrafenib_trametinib_braf_v600e" not in rows


NET_ONLY = {
    "everolimus_net",
    "sunitinib_pnet",
    "cabozantinib_net",
    "somatostatin_analogue_net",
    "lutetium_dotatate_gep_net",
    "capecitabine_temozolomide_net",
}
NEC_ONLY = {"platinum_etoposide_nec", "irinotecan_fluoropyrimidine_2l_nec"}


def test_nec_gets_chemotherapy_not_net_options(kb):
    rows = run(kb, site="pancreas", diff="poor")
    assert set(rows) >= NEC_ONLY
    assert not NET_ONLY & set(rows)


def test_net_gets_net_options_not_nec_chemotherapy(kb):
    rows = run(kb, site="pancreas", diff="well")
    assert set(rows) >= NET_ONLY
    assert not NEC_ONLY & set(rows)
    assert all("Differentiation unknown" not in r["caveats"] for r in rows.values())


def test_unknown_differentiation_keeps_both_with_caveat(kb):
    rows = run(kb, site="pancreas", diff="unknown")
    assert set(rows) >= (NET_ONLY | NEC_ONLY)
    assert rows["everolimus_net"]["caveats"].endswith(
        "Differentiation unknown: this option applies to well-differentiated NET only."
    )
    assert rows["platinum_etoposide_nec"]["caveats"] == (
        "Differentiation unknown: this option applies to poorly differentiated NEC only."
    )


def test_site_restrictions(kb):
    assert "sunitinib_pnet" not in run(kb, site="small_intestine", diff="well")
    assert "lutetium_dotatate_gep_net" not in run(kb, site="lung", diff="well")
    assert "chemo_immunotherapy_sclc" not in run(kb, site="colorectal", diff="poor")
    assert "irinotecan_fluoropyrimidine_2l_nec" not in run(kb, site="lung", diff="poor")
    assert "nivolumab_ipilimumab_hg_nen" not in run(kb, site="pancreas", diff="poor")
    unknown_site = run(kb, site="unknown", diff="well")["sunitinib_pnet"]
    assert (
        "Primary site unknown: this option applies to pancreas primaries only."
        in (unknown_site["caveats"])
    )


def test_parp_inhibitor_needs_biallelic_loss(kb):
    mono = [alt("BRCA2", hgvsp="p.K3326fs", variant_class="frameshift")]
    assert "parp_inhibitor_brca_palb2" not in run(kb, alterations=mono)
    deletion = run(kb, alterations=[alt("PALB2", "deep_deletion")])
    assert deletion["parp_inhibitor_brca_palb2"]["biomarker"] == "PALB2 deep deletion"


def test_residue_and_exact_variant_matching(kb):
    assert "ivosidenib_idh1_r132" in run(kb, alterations=[alt("IDH1", hgvsp="p.R132H")])
    assert "ivosidenib_idh1_r132" not in run(kb, alterations=[alt("IDH1", hgvsp="p.R100Q")])
    assert "sotorasib_kras_g12c" not in run(kb, alterations=[alt("KRAS", hgvsp="p.G12D")])
    assert variant_matches("R132H", "R132")
    assert not variant_matches("R1320H", "R132")
    assert not variant_matches("G12D", "G12C")
    assert protein_change("ENSP00000288602.6:p.V600E") == "V600E"
    assert protein_change(None) is None


def test_negative_pembrolizumab_row_suppressed_by_msi_or_tmb(kb):
    assert "pembrolizumab_unselected_net_negative" not in run(kb, msi_call="MSI-H")
    assert "pembrolizumab_unselected_net_negative" not in run(kb, tmb_call="TMB-high")
    assert "pembrolizumab_unselected_net_negative" not in run(kb, mmr_deficient=True)
    assert run(kb)["pembrolizumab_unselected_net_negative"]["direction"] == "resistance"


def test_suspected_msi_and_her2_2plus_do_not_match(kb):
    rows = run(kb, msi_call="suspected MSI-H", her2="2+")
    assert "pembrolizumab_msi_h_dmmr" not in rows
    assert "trastuzumab_deruxtecan_her2_ihc3" not in rows


def test_one_row_per_rule_collecting_all_evidence(kb):
    rows = match_therapies(
        SampleFindings(alterations=[alt("PIK3CA", hgvsp="p.E545K"), alt("PTEN", "deep_deletion")]),
        SampleInfo("S1"),
        kb,
    )
    capivasertib = [r for r in rows if r.rule_id == "capivasertib_pi3k_akt_pten"]
    assert len(capivasertib) == 1
    assert capivasertib[0].biomarker == "PIK3CA E545K; PTEN deep deletion"
    assert len({r.rule_id for r in rows}) == len(rows)


def test_rows_sorted_by_amp_then_escat_then_therapy(kb):
    findings = SampleFindings(
        alterations=[alt("KRAS", hgvsp="p.G12C"), alt("ARID1A", "deep_deletion")],
        msi_call="MSI-H",
        expression={"DLL3": "high"},
    )
    rows = match_therapies(
        findings, SampleInfo("S1", tumor_site="lung", differentiation="poor"), kb
    )
    assert [r.rule_id for r in rows] == [
        "dostarlimab_dmmr",  # I-A / I-C, then therapy name
        "pembrolizumab_msi_h_dmmr",
        "chemo_immunotherapy_sclc",  # I-A / NA (histology-based) after I-A / I-C
        "platinum_etoposide_nec",
        "tarlatamab_sclc",
        "adagrasib_kras_g12c",  # II-C / III-A
        "sotorasib_kras_g12c",
        "nivolumab_ipilimumab_hg_nen",  # II-C / NA
        "dll3_t_cell_engager_trials",  # II-D / II-B
        "atr_inhibitor_arid1a_atm",  # II-D / IV
    ]
    assert rows == sorted(rows, key=therapy_rank)
    again = match_therapies(
        findings, SampleInfo("S1", tumor_site="lung", differentiation="poor"), kb
    )
    assert again == rows
