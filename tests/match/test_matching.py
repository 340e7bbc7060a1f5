"""Therapy matching against the bundled knowledge base: one case per rule, per entity and per
biomarker family, asserting therapy, context, both tiers and the caveats."""

from __future__ import annotations

from dataclasses import dataclass, field
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
from nenprofile.vocab import rank_group, therapy_rank


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


def sample(**info: Any) -> SampleInfo:
    return SampleInfo(sample="S1", **info)


def rows_for(kb, findings: dict[str, Any] | None = None, **info: Any) -> list[dict[str, Any]]:
    options = match_therapies(SampleFindings(**(findings or {})), sample(**info), kb)
    return [option.to_row() for option in options]


def run(kb, findings: dict[str, Any] | None = None, **info: Any) -> dict[str, dict]:
    return {row["rule_id"]: row for row in rows_for(kb, findings, **info)}


@dataclass
class Case:
    rule_id: str
    findings: dict[str, Any]
    info: dict[str, Any]
    therapy: str
    tiers: tuple[str, str]
    context: str
    caveat: str | None = None  # a text the caveats must contain
    extra: dict[str, Any] = field(default_factory=dict)


NEC = {"differentiation": "poor"}
SCLC_ES = {
    "tumor_site": "lung",
    "histology": "sclc",
    "differentiation": "poor",
    "stage": "extensive",
}
SCLC_LS = {**SCLC_ES, "stage": "limited"}
SCLC_2L = {"tumor_site": "lung", "histology": "sclc", "differentiation": "poor", "line": 2}
LCNEC = {"tumor_site": "lung", "histology": "lcnec", "differentiation": "poor"}
MERKEL = {"tumor_site": "skin", "histology": "merkel_cell_carcinoma", "differentiation": "poor"}
PNET = {"tumor_site": "pancreas", "differentiation": "well", "sstr_imaging": "positive"}
GERMLINE_VHL = {**PNET, "germline_findings": ("VHL c.499C>T p.R167W",)}

CASES = [
    # ----------------------------------------------------------- tissue-agnostic
    Case(
        "pembrolizumab_msi_h_dmmr",
        {"msi_call": "MSI-H"},
        {"tumor_site": "small_intestine", **NEC},
        "Pembrolizumab",
        ("I-A", "I-C"),
        "tissue-agnostic",
        "minority finding in GEP-NEC",
    ),
    Case(
        "dostarlimab_dmmr",
        {"mmr_deficient": True},
        {"tumor_site": "stomach", **NEC},
        "Dostarlimab",
        ("I-A", "I-C"),
        "tissue-agnostic",
        "Ventana MMR RxDx",
    ),
    Case(
        "pembrolizumab_tmb_high",
        {"tmb_call": "TMB-high"},
        SCLC_ES,
        "Pembrolizumab",
        ("I-A", "I-C"),
        "tissue-agnostic",
        "SCLC monotherapy indication was withdrawn",
    ),
    Case(
        "larotrectinib_ntrk_fusion",
        {"alterations": [alt("NTRK1", "fusion", partner="TPM3")]},
        {"tumor_site": "pancreas", "differentiation": "well"},
        "Larotrectinib",
        ("I-A", "I-C"),
        "tissue-agnostic",
        "in-frame fusion",
    ),
    Case(
        "entrectinib_ntrk_fusion",
        {"alterations": [alt("NTRK3", "fusion", partner="ETV6")]},
        NEC,
        "Entrectinib",
        ("I-A", "I-C"),
        "tissue-agnostic",
        "in-frame fusion",
    ),
    Case(
        "repotrectinib_ntrk_fusion",
        {"alterations": [alt("NTRK2", "fusion")]},
        NEC,
        "Repotrectinib",
        ("I-A", "I-C"),
        "tissue-agnostic",
        "prior TRK inhibitor",
    ),
    Case(
        "selpercatinib_ret_fusion",
        {"alterations": [alt("RET", "fusion", partner="KIF5B")]},
        NEC,
        "Selpercatinib",
        ("I-A", "I-C"),
        "tissue-agnostic",
    ),
    Case(
        "dabrafenib_trametinib_braf_v600e",
        {"alterations": [alt("BRAF", hgvsp="p.V600E")]},
        {"tumor_site": "colorectal", **NEC},
        "Dabrafenib + trametinib",
        ("II-C", "III-A"),
        "other tumor type",
        "label excludes colorectal cancer",
    ),
    Case(
        "trastuzumab_deruxtecan_her2_ihc3",
        {},
        {"her2_ihc": "3+", **NEC},
        "Trastuzumab deruxtecan",
        ("I-A", "I-C"),
        "tissue-agnostic",
        "ERBB2 amplification alone",
    ),
    # ----------------------------------------------------------- SCLC by stage and line
    Case(
        "sclc_limited_chemoradiation",
        {},
        SCLC_LS,
        "Cisplatin (or carboplatin) + etoposide with concurrent thoracic radiotherapy",
        ("I-A", "NA"),
        "NEN-specific",
        "Multimodality decision",
    ),
    Case(
        "sclc_limited_durvalumab_consolidation",
        {},
        SCLC_LS,
        "Durvalumab consolidation after chemoradiotherapy",
        ("I-A", "NA"),
        "NEN-specific",
    ),
    Case(
        "chemo_immunotherapy_sclc",
        {},
        SCLC_ES,
        "Atezolizumab or durvalumab + platinum-etoposide",
        ("I-A", "NA"),
        "NEN-specific",
        "No predictive biomarker",
    ),
    Case(
        "serplulimab_sclc_eu",
        {},
        SCLC_ES,
        "Serplulimab + carboplatin-etoposide (EU)",
        ("I-A", "NA"),
        "NEN-specific",
        "not by the FDA",
    ),
    Case(
        "lurbinectedin_atezolizumab_maintenance_sclc",
        {},
        SCLC_ES,
        "Lurbinectedin + atezolizumab maintenance",
        ("I-A", "NA"),
        "NEN-specific",
        "without progression after four cycles",
    ),
    Case(
        "tarlatamab_sclc",
        {},
        SCLC_2L,
        "Tarlatamab (second line)",
        ("I-A", "NA"),
        "NEN-specific",
        "LCNEC and extrapulmonary NEC are not covered",
    ),
    Case(
        "lurbinectedin_sclc_second_line",
        {},
        SCLC_2L,
        "Lurbinectedin (second line)",
        ("I-B", "NA"),
        "NEN-specific",
    ),
    Case(
        "topotecan_or_platinum_rechallenge_sclc",
        {},
        SCLC_2L,
        "Topotecan, or platinum-etoposide re-challenge for sensitive relapse",
        ("I-A", "NA"),
        "NEN-specific",
        "at least 3 months",
    ),
    # ----------------------------------------------------------- LCNEC
    Case(
        "lcnec_chemotherapy",
        {},
        LCNEC,
        "Platinum-etoposide (SCLC-type) or platinum + gemcitabine/taxane (NSCLC-type), "
        "chosen by RB1 status",
        ("I-B", "NA"),
        "NEN-specific",
        "extrapolations",
    ),
    Case(
        "lcnec_rb1_intact_nsclc_doublet",
        {},
        LCNEC,
        "Platinum + gemcitabine or taxane (NSCLC-type chemotherapy)",
        ("II-C", "II-A"),
        "NEN-specific",
        "confirm RB1 (and p16) by IHC",
    ),
    # ----------------------------------------------------------- Merkel cell carcinoma
    Case(
        "avelumab_merkel",
        {},
        MERKEL,
        "Avelumab",
        ("I-A", "NA"),
        "NEN-specific",
        "No biomarker selection",
    ),
    Case("pembrolizumab_merkel", {}, MERKEL, "Pembrolizumab", ("I-A", "NA"), "NEN-specific"),
    Case("retifanlimab_merkel", {}, MERKEL, "Retifanlimab", ("I-A", "NA"), "NEN-specific"),
    Case(
        "merkel_chemotherapy_after_ici",
        {},
        {**MERKEL, "prior_therapies": ("immunotherapy",)},
        "Platinum-etoposide or topotecan (after immunotherapy)",
        ("I-B", "NA"),
        "NEN-specific",
        "Not first line",
    ),
    # ----------------------------------------------------------- NEC of other sites
    Case(
        "platinum_etoposide_nec",
        {},
        {"tumor_site": "bladder", **NEC},
        "Carboplatin (or cisplatin) + etoposide",
        ("I-A", "NA"),
        "NEN-specific",
        "Small-cell carcinoma of bladder, cervix or head and neck",
    ),
    Case(
        "nepc_carboplatin_docetaxel",
        {},
        {"tumor_site": "prostate", "histology": "nepc", **NEC},
        "Carboplatin + docetaxel (platinum-etoposide second line)",
        ("I-B", "NA"),
        "NEN-specific",
        "PARP-inhibitor labels",
    ),
    Case(
        "cabazitaxel_carboplatin_avpc",
        {},
        {"tumor_site": "prostate", "histology": "nepc", **NEC},
        "Cabazitaxel + carboplatin",
        ("II-C", "NA"),
        "NEN-specific",
        "Not an approved indication; evidence from a subgroup of one randomised phase II trial",
    ),
    Case(
        "irinotecan_fluoropyrimidine_2l_nec",
        {},
        {"tumor_site": "unknown_primary", "line": 2, **NEC},
        "FOLFIRI or nal-IRI + 5-FU (second line)",
        ("I-B", "NA"),
        "NEN-specific",
    ),
    Case(
        "minen_most_aggressive_component",
        {},
        {"tumor_site": "colorectal", "histology": "minen"},
        "Treat by the most aggressive component (usually the NEC)",
        ("I-B", "NA"),
        "NEN-specific",
        "non-neuroendocrine component",
    ),
    # ----------------------------------------------------------- well-differentiated NET
    Case(
        "somatostatin_analogue_net",
        {},
        {**PNET, "histology": "net_g3", "ki67": 30.0},
        "Somatostatin analogue (lanreotide or octreotide LAR)",
        ("II-C", "NA"),
        "NEN-specific",
        "NET G3 (Ki-67 >20%)",
    ),
    Case(
        "lutetium_dotatate_net",
        {},
        {**PNET, "ki67": 60.0},
        "Lu-177 dotatate (PRRT)",
        ("I-A", "NA"),
        "NEN-specific",
        "outside the NETTER-2 population",
    ),
    Case(
        "everolimus_net",
        {},
        {"tumor_site": "unknown_primary", "differentiation": "well"},
        "Everolimus",
        ("I-A", "NA"),
        "NEN-specific",
        "benefit in NET G3 is extrapolated",
    ),
    Case(
        "sunitinib_pnet",
        {},
        PNET,
        "Sunitinib",
        ("I-A", "NA"),
        "NEN-specific",
        "Pancreatic NET only",
    ),
    Case(
        "cabozantinib_net",
        {},
        {"tumor_site": "lung", "differentiation": "well", "line": 2},
        "Cabozantinib",
        ("I-A", "NA"),
        "NEN-specific",
        "previously treated",
    ),
    Case(
        "capecitabine_temozolomide_net",
        {},
        PNET,
        "Capecitabine + temozolomide (CAPTEM)",
        ("I-B", "NA"),
        "NEN-specific",
        "extrapolated",
    ),
    Case(
        "belzutifan_germline_vhl_pnet",
        {},
        GERMLINE_VHL,
        "Belzutifan",
        ("I-A", "I-B"),
        "NEN-specific",
        "somatic VHL alteration does not qualify",
    ),
    Case(
        "nivolumab_ipilimumab_hg_nen",
        {},
        {"tumor_site": "stomach", **NEC},
        "Nivolumab + ipilimumab (clinical trial)",
        ("II-C", "NA"),
        "NEN-specific",
        "Trial evidence only",
    ),
    Case(
        "pembrolizumab_unselected_net_negative",
        {},
        {"tumor_site": "stomach", **NEC},
        "Pembrolizumab monotherapy (biomarker-unselected)",
        ("II-C", "NA"),
        "NEN-specific",
    ),
    # ----------------------------------------------------------- other tumor type
    Case(
        "pembrolizumab_first_line_msi_h_colorectal",
        {"msi_call": "MSI-H"},
        {"tumor_site": "colorectal", "line": 1, **NEC},
        "Pembrolizumab (first line)",
        ("II-C", "III-A"),
        "other tumor type",
        "KEYNOTE-177 enrolled colorectal adenocarcinoma",
    ),
    Case(
        "encorafenib_cetuximab_braf_v600e_colorectal",
        {"alterations": [alt("BRAF", hgvsp="p.V600E")]},
        {"tumor_site": "colorectal", **NEC},
        "Encorafenib + cetuximab (+ mFOLFOX6 first line)",
        ("II-C", "III-A"),
        "other tumor type",
        "no responses to platinum-etoposide",
    ),
    Case(
        "braf_mek_inhibitor_braf_v600k",
        {"alterations": [alt("BRAF", hgvsp="p.V600K")]},
        NEC,
        "BRAF + MEK inhibitor (encorafenib + binimetinib, dabrafenib + trametinib)",
        ("II-C", "III-A"),
        "other tumor type",
    ),
    Case(
        "alk_inhibitor_alk_fusion",
        {"alterations": [alt("ALK", "fusion", partner="EML4")]},
        {"tumor_site": "lung", **NEC},
        "ALK inhibitor (alectinib, lorlatinib, brigatinib, crizotinib)",
        ("II-C", "III-A"),
        "other tumor type",
        "transformation from ALK-positive adenocarcinoma",
    ),
    Case(
        "ros1_inhibitor_ros1_fusion",
        {"alterations": [alt("ROS1", "fusion", partner="CD74")]},
        NEC,
        "ROS1 inhibitor (repotrectinib, taletrectinib, entrectinib, crizotinib)",
        ("II-C", "III-A"),
        "other tumor type",
    ),
    Case(
        "pralsetinib_ret_fusion",
        {"alterations": [alt("RET", "fusion", partner="CCDC6")]},
        NEC,
        "Pralsetinib",
        ("II-C", "III-A"),
        "other tumor type",
    ),
    Case(
        "selpercatinib_ret_mutation",
        {"alterations": [alt("RET", hgvsp="p.M918T")]},
        NEC,
        "Selpercatinib",
        ("II-C", "III-A"),
        "other tumor type",
        "MEN2",
    ),
    Case(
        "zenocutuzumab_nrg1_fusion",
        {"alterations": [alt("NRG1", "fusion", partner="CD74")]},
        {"tumor_site": "pancreas", **NEC},
        "Zenocutuzumab",
        ("II-C", "III-A"),
        "other tumor type",
    ),
    Case(
        "fgfr2_inhibitor_fgfr2_fusion",
        {"alterations": [alt("FGFR2", "fusion", partner="BICC1")]},
        NEC,
        "FGFR inhibitor (pemigatinib, futibatinib)",
        ("II-C", "III-A"),
        "other tumor type",
    ),
    Case(
        "erdafitinib_fgfr3_alteration",
        {"alterations": [alt("FGFR3", hgvsp="p.S249C")]},
        {"tumor_site": "bladder", **NEC},
        "Erdafitinib",
        ("II-C", "III-A"),
        "other tumor type",
        "same organ but a different histology",
    ),
    Case(
        "pemigatinib_fgfr1_rearrangement",
        {"alterations": [alt("FGFR1", "fusion")]},
        NEC,
        "Pemigatinib",
        ("II-C", "III-A"),
        "other tumor type",
        "Haematological label",
    ),
    Case(
        "met_inhibitor_met_exon14",
        {"alterations": [alt("MET", hgvsp="p.D963_D1010del", variant_class="exon_skipping")]},
        NEC,
        "MET inhibitor (capmatinib, tepotinib)",
        ("II-C", "III-A"),
        "other tumor type",
        "confirm skipping by RNA",
    ),
    Case(
        "met_inhibitor_met_amplification",
        {"alterations": [alt("MET", "amplification", onc="Likely oncogenic")]},
        NEC,
        "MET inhibitor (capmatinib; clinical trial or off-label)",
        ("II-D", "III-A"),
        "other tumor type",
        "gene copy number >= 10",
    ),
    Case(
        "egfr_inhibitor_egfr_sensitizing",
        {"alterations": [alt("EGFR", hgvsp="p.E746_A750del", variant_class="inframe_deletion")]},
        {"tumor_site": "lung", "histology": "sclc", **NEC},
        "EGFR inhibitor (osimertinib)",
        ("II-C", "III-A"),
        "other tumor type",
        "transformation of EGFR-mutant adenocarcinoma",
    ),
    Case(
        "osimertinib_egfr_t790m",
        {"alterations": [alt("EGFR", hgvsp="p.T790M")]},
        {"tumor_site": "lung", **NEC},
        "Osimertinib",
        ("II-C", "III-A"),
        "other tumor type",
        "prior EGFR-inhibitor exposure",
    ),
    Case(
        "amivantamab_egfr_exon20_insertion",
        {"alterations": [alt("EGFR", hgvsp="p.A767_V769dup", variant_class="inframe_insertion")]},
        NEC,
        "Amivantamab",
        ("II-C", "III-A"),
        "other tumor type",
    ),
    Case(
        "tucatinib_trastuzumab_erbb2_amplification",
        {"alterations": [alt("ERBB2", "amplification", onc="Likely oncogenic")]},
        {"tumor_site": "colorectal", **NEC},
        "HER2-directed therapy (tucatinib + trastuzumab; trastuzumab-based regimens)",
        ("II-C", "III-A"),
        "other tumor type",
        "confirm HER2 by IHC",
    ),
    Case(
        "her2_tki_adc_erbb2_mutation",
        {"alterations": [alt("ERBB2", hgvsp="p.S310F")]},
        NEC,
        "Zongertinib or trastuzumab deruxtecan",
        ("II-C", "III-A"),
        "other tumor type",
    ),
    Case(
        "imatinib_kit_mutation",
        {"alterations": [alt("KIT", hgvsp="p.W557_K558del")]},
        NEC,
        "Imatinib (other KIT inhibitors after imatinib)",
        ("II-C", "III-A"),
        "other tumor type",
        "exon 11 best",
    ),
    Case(
        "avapritinib_pdgfra_exon18",
        {"alterations": [alt("PDGFRA", hgvsp="p.D842V")]},
        NEC,
        "Avapritinib",
        ("II-C", "III-A"),
        "other tumor type",
    ),
    Case(
        "sotorasib_kras_g12c",
        {"alterations": [alt("KRAS", hgvsp="p.G12C")]},
        {"tumor_site": "lung", **NEC},
        "Sotorasib",
        ("II-C", "III-A"),
        "other tumor type",
    ),
    Case(
        "adagrasib_kras_g12c",
        {"alterations": [alt("KRAS", hgvsp="p.G12C")]},
        {"tumor_site": "lung", **NEC},
        "Adagrasib",
        ("II-C", "III-A"),
        "other tumor type",
    ),
    Case(
        "kras_g12c_colorectal_combinations",
        {"alterations": [alt("KRAS", hgvsp="p.G12C")]},
        {"tumor_site": "colorectal", **NEC},
        "Adagrasib + cetuximab or sotorasib + panitumumab",
        ("II-C", "III-A"),
        "other tumor type",
        "same organ but a different histology",
    ),
    Case(
        "ivosidenib_idh1_r132",
        {"alterations": [alt("IDH1", hgvsp="p.R132C")]},
        NEC,
        "Ivosidenib",
        ("II-C", "III-A"),
        "other tumor type",
    ),
    Case(
        "vorasidenib_idh1_idh2",
        {"alterations": [alt("IDH2", hgvsp="p.R172K")]},
        NEC,
        "Vorasidenib",
        ("II-C", "III-A"),
        "other tumor type",
    ),
    Case(
        "enasidenib_idh2",
        {"alterations": [alt("IDH2", hgvsp="p.R140W")]},
        NEC,
        "Enasidenib",
        ("II-C", "III-A"),
        "other tumor type",
        "Haematological label",
    ),
    Case(
        "capivasertib_pi3k_akt_pten",
        {"alterations": [alt("AKT1", hgvsp="p.E17K")]},
        NEC,
        "Capivasertib (+ fulvestrant in breast cancer)",
        ("II-C", "III-A"),
        "other tumor type",
        "hormone-receptor-positive breast cancer only",
    ),
    Case(
        "pi3k_alpha_inhibitor_pik3ca",
        {"alterations": [alt("PIK3CA", hgvsp="p.H1047R")]},
        NEC,
        "PI3K-alpha inhibitor (alpelisib or inavolisib, breast cancer regimens)",
        ("II-C", "III-A"),
        "other tumor type",
    ),
    Case(
        "elacestrant_esr1",
        {"alterations": [alt("ESR1", hgvsp="p.D538G")]},
        NEC,
        "Elacestrant",
        ("II-C", "III-A"),
        "other tumor type",
        "check the diagnosis",
    ),
    Case(
        "parp_inhibitor_brca_palb2",
        {
            "alterations": [
                alt("BRCA2", hgvsp="p.S1982Rfs*22", biallelic=True, variant_class="frameshift")
            ]
        },
        {"tumor_site": "prostate", "histology": "nepc", **NEC},
        "PARP inhibitor (olaparib; prostate-cancer combinations)",
        ("II-C", "III-A"),
        "other tumor type",
        "pure small-cell prostate carcinoma is not covered",
    ),
    Case(
        "parp_inhibitor_brca_palb2_monoallelic",
        {"alterations": [alt("BRCA2", hgvsp="p.K3326fs", variant_class="frameshift")]},
        {"tumor_site": "pancreas", **NEC},
        "PARP inhibitor (olaparib; prostate-cancer combinations)",
        ("II-D", "III-B"),
        "other tumor type",
        "No second hit",
    ),
    Case(
        "parp_inhibitor_other_hrr_genes",
        {"alterations": [alt("ATM", hgvsp="p.R35*", variant_class="nonsense")]},
        NEC,
        "PARP inhibitor (olaparib; talazoparib + enzalutamide in prostate cancer)",
        ("II-C", "III-B"),
        "other tumor type",
        "often passengers",
    ),
    Case(
        "tazemetostat_ezh2_gof",
        {"alterations": [alt("EZH2", hgvsp="p.Y646N")]},
        NEC,
        "Tazemetostat",
        ("II-C", "III-A"),
        "other tumor type",
        "overexpression is not actionable",
    ),
    Case(
        "everolimus_tsc_biallelic",
        {"alterations": [alt("TSC2", "deep_deletion")]},
        {"tumor_site": "pancreas", "differentiation": "well"},
        "Everolimus",
        ("II-C", "III-A"),
        "other tumor type",
        "approved irrespective of genotype",
    ),
    Case(
        "everolimus_tsc_monoallelic",
        {"alterations": [alt("TSC2", hgvsp="p.R611*", variant_class="nonsense")]},
        NEC,
        "Everolimus",
        ("II-D", "III-B"),
        "other tumor type",
        "ORR 7%",
    ),
    Case(
        "rapalog_mtor_activating",
        {"alterations": [alt("MTOR", hgvsp="p.E2014K")]},
        NEC,
        "Everolimus or temsirolimus",
        ("II-D", "III-B"),
        "other tumor type",
        "ORR was 7%",
    ),
    Case(
        "cdk4_6_inhibitor_cdk4_amplification",
        {"alterations": [alt("CDK4", "amplification", onc="Likely oncogenic")]},
        {"differentiation": "well"},
        "CDK4/6 inhibitor (clinical trial)",
        ("II-D", "III-B"),
        "other tumor type",
        "Requires intact RB1",
    ),
    Case(
        "atr_inhibitor_arid1a_atm",
        {"alterations": [alt("ARID1A", hgvsp="p.Q372*", variant_class="nonsense")]},
        NEC,
        "ATR inhibitor (clinical trial)",
        ("II-D", "IV"),
        "other tumor type",
        "Trial-only",
    ),
    Case(
        "checkpoint_inhibitor_cd274_amplification",
        {"alterations": [alt("CD274", "amplification")]},
        NEC,
        "PD-1/PD-L1 inhibitor (investigational)",
        ("II-D", "III-B"),
        "other tumor type",
        "focal high-level amplification",
    ),
    # ----------------------------------------------------------- germline and expression
    Case(
        "germline_testing_referral",
        {"alterations": [alt("MEN1", hgvsp="p.R98*", variant_class="nonsense", vaf=0.48)]},
        PNET,
        "Consider germline testing and genetic counselling",
        ("NA", "NA"),
        "germline",
        "30% VAF screen is a pipeline heuristic",
    ),
    Case(
        "dll3_t_cell_engager_trials",
        {"expression": {"DLL3": "high"}},
        NEC,
        "DLL3-directed T-cell engager (clinical trial)",
        ("II-D", "IV"),
        "NEN-specific",
        "RNA-only call",
    ),
    Case(
        "slfn11_platinum_parp_temozolomide",
        {"expression": {"SLFN11": "high"}},
        NEC,
        "Platinum chemotherapy or PARP inhibitor + temozolomide (exploratory)",
        ("II-D", "IV"),
        "NEN-specific",
        "mRNA cut-offs are not validated",
    ),
    Case(
        "mgmt_low_temozolomide",
        {"expression": {"MGMT": {"call": "low", "tpm": 1.0}}},
        {"differentiation": "well"},
        "Temozolomide-based therapy (CAPTEM)",
        ("II-D", "IV"),
        "NEN-specific",
        "surrogate",
    ),
    Case(
        "sstr2_high_supportive_ssa_prrt",
        {"expression": {"SSTR2": {"call": "high"}}},
        {"tumor_site": "small_intestine", "differentiation": "well"},
        "Somatostatin analogue / Lu-177 dotatate (supportive finding)",
        ("II-D", "IV"),
        "NEN-specific",
        "never by RNA",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.rule_id for case in CASES])
def test_curated_case(kb, case):
    rows = run(kb, case.findings, **case.info)
    assert case.rule_id in rows, sorted(rows)
    row = rows[case.rule_id]
    assert (row["therapy"], (row["amp_tier"], row["escat_tier"]), row["context"]) == (
        case.therapy,
        case.tiers,
        case.context,
    )
    if case.caveat is not None:
        assert case.caveat in row["caveats"], row["caveats"]
    assert row["citations"] == ";".join(kb.rule(case.rule_id).citations)
    assert row["research_only"] is kb.rule(case.rule_id).research_only


@pytest.mark.parametrize(
    "alteration",
    [
        # residue numbers alone say nothing: 970 is exon 13 on NM_001127500 (only interpretation
        # knows the transcript and marks exon 14 skipping)
        alt("MET", hgvsp="p.E970del", variant_class="inframe_deletion", onc="Likely oncogenic"),
        alt("MET", hgvsp="p.D1010N", variant_class="missense", onc="Likely oncogenic"),
        alt("EGFR", hgvsp="p.D963_D1010del", variant_class="exon_skipping"),
    ],
)
def test_met_exon14_rule_is_met_only_by_exon_skipping_alterations_of_met(kb, alteration):
    rows = run(kb, {"alterations": [alteration]}, **NEC)
    assert "met_inhibitor_met_exon14" not in rows


def test_met_exon14_rule_names_the_dna_change_that_skips(kb):
    splice = alt("MET", variant_class="exon_skipping", hgvsc="c.3082+1G>T")
    rows = run(kb, {"alterations": [splice]}, **NEC)
    assert rows["met_inhibitor_met_exon14"]["biomarker"] == "MET exon 14 skipping (c.3082+1G>T)"


def test_every_rule_fires_on_a_generated_case(kb):
    assert {case.rule_id for case in CASES} == {rule.id for rule in kb.rules}


def test_row_columns_are_the_therapies_tsv_columns(kb):
    rows = rows_for(kb, {"msi_call": "MSI-H"})
    assert rows
    assert all(list(row) == ROW_COLUMNS for row in rows)
    assert ROW_COLUMNS[-1] == "line"


# ------------------------------------------------------------------- entities (tumor board)


def ids(rows: list[dict[str, Any]]) -> list[str]:
    return [row["rule_id"] for row in rows]


def test_merkel_gets_anti_pd_l1_first_and_no_pembrolizumab_resistance_row(kb):
    rows = rows_for(kb, {"tmb_call": "TMB-low", "msi_call": "MSS"}, **MERKEL)
    assert ids(rows) == [
        "avelumab_merkel",
        "pembrolizumab_merkel",
        "retifanlimab_merkel",
        "merkel_chemotherapy_after_ici",
    ]
    assert {row["direction"] for row in rows} == {"standard_of_care"}


def test_skin_nec_without_histology_gets_merkel_rows_with_caveat_not_chemo_first(kb):
    rows = rows_for(kb, tumor_site="skin", differentiation="poor")
    assert ids(rows)[0] == "avelumab_merkel"
    assert "platinum_etoposide_nec" not in ids(rows)
    assert "pembrolizumab_unselected_net_negative" not in ids(rows)
    assert rows[0]["caveats"].endswith(
        "Histology not given: this option applies to merkel cell carcinoma only."
    )


def test_merkel_after_immunotherapy_gets_chemotherapy_only(kb):
    rows = rows_for(kb, **MERKEL, prior_therapies=("immunotherapy",))
    assert ids(rows) == [
        "avelumab_merkel",
        "pembrolizumab_merkel",
        "retifanlimab_merkel",
        "merkel_chemotherapy_after_ici",
    ]
    first_line_only = rows_for(kb, **MERKEL, line=1)
    assert "merkel_chemotherapy_after_ici" not in ids(first_line_only)


def test_sclc_extensive_first_line_and_tmb_high_never_above_chemo_immunotherapy(kb):
    rows = rows_for(kb, {"tmb_call": "TMB-high"}, **SCLC_ES, line=1)
    assert ids(rows) == [
        "chemo_immunotherapy_sclc",
        "serplulimab_sclc_eu",
        "lurbinectedin_atezolizumab_maintenance_sclc",
        "pembrolizumab_tmb_high",
    ]


def test_sclc_limited_stage_gets_chemoradiation_then_durvalumab(kb):
    rows = rows_for(kb, **SCLC_LS, line=1)
    assert ids(rows) == ["sclc_limited_chemoradiation", "sclc_limited_durvalumab_consolidation"]


def test_sclc_later_lines(kb):
    assert ids(rows_for(kb, **SCLC_2L)) == [
        "tarlatamab_sclc",
        "topotecan_or_platinum_rechallenge_sclc",
        "lurbinectedin_sclc_second_line",
    ]
    by_prior = rows_for(kb, **SCLC_ES, prior_therapies=("platinum", "immunotherapy"))
    assert "chemo_immunotherapy_sclc" not in ids(by_prior)
    assert "tarlatamab_sclc" in ids(by_prior)


def test_sclc_unknown_stage_and_line_keeps_every_option_with_caveats(kb):
    rows = run(kb, tumor_site="lung", histology="sclc", differentiation="poor")
    assert rows["chemo_immunotherapy_sclc"]["caveats"].endswith(
        "Stage not given: this option applies to extensive disease."
    )
    assert "sclc_limited_chemoradiation" in rows
    assert "platinum_etoposide_nec" not in rows
    assert "pembrolizumab_unselected_net_negative" not in rows
    assert "nivolumab_ipilimumab_hg_nen" not in rows


def test_lcnec_subtype_rows(kb):
    intact = run(kb, **LCNEC)
    assert {"lcnec_chemotherapy", "lcnec_rb1_intact_nsclc_doublet"} <= set(intact)
    assert "chemo_immunotherapy_sclc" not in intact
    rb1_lost = run(kb, {"alterations": [alt("RB1", "deep_deletion")]}, **LCNEC)
    assert "lcnec_rb1_intact_nsclc_doublet" not in rb1_lost
    assert "lcnec_chemotherapy" in rb1_lost


def test_nepc_and_small_cell_of_other_sites(kb):
    nepc = run(kb, tumor_site="prostate", histology="nepc", differentiation="poor", line=1)
    assert nepc["platinum_etoposide_nec"]["caveats"].startswith(
        "Neuroendocrine prostate cancer - carboplatin + docetaxel"
    )
    assert "nepc_carboplatin_docetaxel" in nepc
    for site in ("cervix", "head_and_neck"):
        row = run(kb, tumor_site=site, differentiation="poor")["platinum_etoposide_nec"]
        assert row["caveats"].startswith("Small-cell carcinoma of bladder, cervix or head and neck")


def test_new_rules_apply_only_where_their_evidence_does(kb):
    crc_later = run(kb, {"msi_call": "MSI-H"}, tumor_site="colorectal", line=2, **NEC)
    assert "pembrolizumab_first_line_msi_h_colorectal" not in crc_later
    assert "pembrolizumab_msi_h_dmmr" in crc_later  # the tissue-agnostic label, after therapy
    pancreas = run(kb, {"msi_call": "MSI-H"}, tumor_site="pancreas", line=1, **NEC)
    assert "pembrolizumab_first_line_msi_h_colorectal" not in pancreas
    assert "cabazitaxel_carboplatin_avpc" not in run(kb, tumor_site="bladder", **NEC)
    met_mutation = {"alterations": [alt("MET", hgvsp="p.D963_D1010del",
                                        variant_class="inframe_deletion")]}  # fmt: skip
    assert "met_inhibitor_met_amplification" not in run(kb, met_mutation, **NEC)
    nepc = rows_for(kb, tumor_site="prostate", histology="nepc", **NEC)
    order = ids(nepc)
    assert order.index("nepc_carboplatin_docetaxel") < order.index("cabazitaxel_carboplatin_avpc")


def test_gep_nec_and_unknown_primary_nec(kb):
    for site in ("pancreas", "unknown_primary"):
        rows = run(kb, tumor_site=site, differentiation="poor", line=1)
        assert rows["platinum_etoposide_nec"]["caveats"] == ""
        assert "irinotecan_fluoropyrimidine_2l_nec" not in rows
    second = run(kb, tumor_site="pancreas", differentiation="poor", line=2)
    assert "irinotecan_fluoropyrimidine_2l_nec" in second
    assert "platinum_etoposide_nec" not in second


def test_colorectal_nec_braf_v600e(kb):
    rows = rows_for(
        kb,
        {"alterations": [alt("BRAF", hgvsp="p.V600E")]},
        tumor_site="colorectal",
        differentiation="poor",
        line=1,
    )
    assert ids(rows) == [
        "platinum_etoposide_nec",
        "dabrafenib_trametinib_braf_v600e",  # other tumor type for colorectal, then by name
        "encorafenib_cetuximab_braf_v600e_colorectal",
        "pembrolizumab_unselected_net_negative",
        "nivolumab_ipilimumab_hg_nen",
    ]
    by_id = {row["rule_id"]: row for row in rows}
    assert by_id["platinum_etoposide_nec"]["caveats"].startswith("BRAF V600E-mutant colorectal")
    assert (
        by_id["encorafenib_cetuximab_braf_v600e_colorectal"]["amp_tier"],
        by_id["dabrafenib_trametinib_braf_v600e"]["amp_tier"],
    ) == ("II-C", "II-C")
    lung = run(kb, {"alterations": [alt("BRAF", hgvsp="p.V600E")]}, tumor_site="lung")
    assert "encorafenib_cetuximab_braf_v600e_colorectal" not in lung
    assert lung["dabrafenib_trametinib_braf_v600e"]["context"] == "tissue-agnostic"


def test_minen_only_when_histology_says_so(kb):
    assert "minen_most_aggressive_component" not in run(kb, tumor_site="colorectal")
    rows = run(kb, tumor_site="colorectal", histology="minen")
    assert rows["platinum_etoposide_nec"]["caveats"].startswith("MiNEN - treat according")


@pytest.mark.parametrize(
    "site", ["pancreas", "small_intestine", "lung", "thymus", "unknown_primary"]
)
def test_net_g3_of_every_site_gets_ssa_prrt_everolimus(kb, site):
    rows = run(
        kb,
        tumor_site=site,
        differentiation="well",
        histology="net_g3",
        ki67=25.0,
        sstr_imaging="positive",
    )
    assert {
        "somatostatin_analogue_net",
        "lutetium_dotatate_net",
        "everolimus_net",
        "cabozantinib_net",
        "capecitabine_temozolomide_net",
    } <= set(rows)
    assert rows["somatostatin_analogue_net"]["amp_tier"] == "II-C"
    assert ("sunitinib_pnet" in rows) is (site == "pancreas")
    assert "nivolumab_ipilimumab_hg_nen" not in rows
    assert "platinum_etoposide_nec" not in rows


def test_ssa_tier_follows_ki67(kb):
    def ssa(ki67):
        return run(kb, **PNET, ki67=ki67)["somatostatin_analogue_net"]

    assert (ssa(5.0)["amp_tier"], ssa(5.0)["caveats"].startswith("Ki-67")) == ("I-A", False)
    assert (ssa(15.0)["amp_tier"], ssa(15.0)["caveats"].startswith("Ki-67 above the CLARINET")) == (
        "I-A",
        True,
    )
    assert ssa(25.0)["amp_tier"] == "II-C"
    lung = run(kb, tumor_site="lung", differentiation="well", sstr_imaging="positive")
    assert lung["somatostatin_analogue_net"]["amp_tier"] == "I-B"
    assert lung["lutetium_dotatate_net"]["amp_tier"] == "II-C"


def test_sstr_imaging_decides_ssa_and_prrt(kb):
    negative = run(kb, tumor_site="pancreas", differentiation="well", sstr_imaging="negative")
    assert not {"somatostatin_analogue_net", "lutetium_dotatate_net"} & set(negative)
    unknown = run(kb, tumor_site="pancreas", differentiation="well")
    assert unknown["lutetium_dotatate_net"]["caveats"].endswith(
        "SSTR imaging not recorded: this option requires SSTR-positive imaging."
    )


def test_germline_vhl_needs_germline_finding_not_somatic(kb):
    somatic = run(kb, {"alterations": [alt("VHL", hgvsp="p.R167W")]}, **PNET)
    assert "belzutifan_germline_vhl_pnet" not in somatic
    germline = run(kb, **GERMLINE_VHL)
    assert germline["belzutifan_germline_vhl_pnet"]["biomarker"] == "germline VHL c.499C>T p.R167W"
    assert germline["germline_testing_referral"]["biomarker"] == "germline VHL c.499C>T p.R167W"


def test_germline_referral_only_tumor_only_and_heterozygous_vaf(kb):
    men1 = alt("MEN1", hgvsp="p.R98*", variant_class="nonsense", vaf=0.48)
    assert "germline_testing_referral" in run(kb, {"alterations": [men1]}, **PNET)
    low = alt("MEN1", hgvsp="p.R98*", variant_class="nonsense", vaf=0.12)
    assert "germline_testing_referral" not in run(kb, {"alterations": [low]}, **PNET)
    paired = run(kb, {"alterations": [men1]}, **PNET, tumor_only=False)
    assert "germline_testing_referral" not in paired
    not_predisposition = alt("ARID1A", hgvsp="p.Q372*", variant_class="nonsense", vaf=0.5)
    assert "germline_testing_referral" not in run(kb, {"alterations": [not_predisposition]})


def test_monoallelic_mutyh_is_referred_for_germline_testing_as_a_carrier_finding(kb):
    carrier = alt("MUTYH", hgvsp="p.Y179*", variant_class="nonsense", vaf=0.47, onc="VUS",
                  germline_carrier=True)  # fmt: skip
    row = run(kb, {"alterations": [carrier]}, **PNET)["germline_testing_referral"]
    assert row["biomarker"] == "MUTYH Y179* (monoallelic or phase unknown)"
    assert (row["amp_tier"], row["escat_tier"], row["context"]) == ("NA", "NA", "germline")
    # a VUS that is no carrier finding is no germline question
    vus = alt("MUTYH", hgvsp="p.Y179*", variant_class="nonsense", vaf=0.47, onc="VUS")
    assert "germline_testing_referral" not in run(kb, {"alterations": [vus]}, **PNET)
    biallelic = alt("MUTYH", hgvsp="p.Y179*", variant_class="nonsense", vaf=0.47, biallelic=True)
    row = run(kb, {"alterations": [biallelic]}, **PNET)["germline_testing_referral"]
    assert row["biomarker"] == "MUTYH Y179* (biallelic)"


# ------------------------------------------------------------------- biomarker families


def test_monoallelic_brca2_frameshift_gets_lower_tier_parp_line(kb):
    mono = [alt("BRCA2", hgvsp="p.K3326fs", variant_class="frameshift")]
    rows = run(kb, {"alterations": mono})
    assert "parp_inhibitor_brca_palb2" not in rows
    row = rows["parp_inhibitor_brca_palb2_monoallelic"]
    assert row["biomarker"] == "BRCA2 K3326fs (monoallelic or phase unknown)"
    biallelic = run(kb, {"alterations": [alt("PALB2", "deep_deletion")]})
    assert biallelic["parp_inhibitor_brca_palb2"]["biomarker"] == "PALB2 deep deletion"
    assert "parp_inhibitor_brca_palb2_monoallelic" not in biallelic


def test_kras_g12c_colorectal_gets_combinations_not_monotherapy(kb):
    rows = run(kb, {"alterations": [alt("KRAS", hgvsp="p.G12C")]}, tumor_site="colorectal")
    assert "kras_g12c_colorectal_combinations" in rows
    assert not {"sotorasib_kras_g12c", "adagrasib_kras_g12c"} & set(rows)


@pytest.mark.parametrize("oncogenicity", ["VUS", "Likely benign", None])
def test_vus_and_benign_never_match(kb, oncogenicity):
    findings = {
        "alterations": [
            alt("BRAF", hgvsp="p.V600E", onc=oncogenicity),
            alt("KRAS", hgvsp="p.G12C", onc=oncogenicity),
            alt("NTRK1", "fusion", onc=oncogenicity),
            alt("BRCA2", hgvsp="p.K3326*", onc=oncogenicity, biallelic=True),
            alt("EGFR", hgvsp="p.L858R", onc=oncogenicity, vaf=0.5),
            alt("MEN1", hgvsp="p.R98*", onc=oncogenicity, vaf=0.5),
        ]
    }
    rows = run(kb, findings, tumor_site="lung", differentiation="poor")
    matched_by_alteration = {
        r.id
        for r in kb.rules
        if any(c.type in ("alteration", "germline_relevant") for c in r.any_of)
    }
    assert not matched_by_alteration & set(rows)


def test_likely_oncogenic_matches(kb):
    rows = run(kb, {"alterations": [alt("BRAF", hgvsp="p.V600E", onc="Likely oncogenic")]})
    assert rows["dabrafenib_trametinib_braf_v600e"]["biomarker"] == "BRAF V600E"


def test_braf_non_v600e_does_not_match(kb):
    rows = run(kb, {"alterations": [alt("BRAF", hgvsp="p.G469A")]})
    assert "dabrafenib_trametinib_braf_v600e" not in rows


def test_nec_gets_chemotherapy_not_net_options(kb):
    rows = run(kb, tumor_site="pancreas", differentiation="poor")
    assert {"platinum_etoposide_nec", "irinotecan_fluoropyrimidine_2l_nec"} <= set(rows)
    assert not {"everolimus_net", "sunitinib_pnet", "capecitabine_temozolomide_net"} & set(rows)


def test_unknown_differentiation_keeps_both_with_caveat(kb):
    rows = run(kb, tumor_site="pancreas")
    assert rows["everolimus_net"]["caveats"].endswith(
        "Differentiation unknown: this option applies to well-differentiated NET only."
    )
    assert rows["platinum_etoposide_nec"]["caveats"] == (
        "Differentiation unknown: this option applies to poorly differentiated NEC only."
    )


def test_site_restrictions(kb):
    assert "sunitinib_pnet" not in run(kb, tumor_site="small_intestine", differentiation="well")
    assert "chemo_immunotherapy_sclc" not in run(
        kb, tumor_site="colorectal", differentiation="poor"
    )
    assert "nivolumab_ipilimumab_hg_nen" not in run(
        kb, tumor_site="pancreas", differentiation="poor"
    )
    unknown_site = run(kb, differentiation="well")["sunitinib_pnet"]
    assert (
        "Primary site unknown: this option applies to pancreas primaries only."
        in (unknown_site["caveats"])
    )


def test_residue_range_and_exact_variant_matching(kb):
    assert "ivosidenib_idh1_r132" in run(kb, {"alterations": [alt("IDH1", hgvsp="p.R132H")]})
    assert "ivosidenib_idh1_r132" not in run(kb, {"alterations": [alt("IDH1", hgvsp="p.R100Q")]})
    assert "sotorasib_kras_g12c" not in run(kb, {"alterations": [alt("KRAS", hgvsp="p.G12D")]})
    assert variant_matches("R132H", "R132")
    assert not variant_matches("R1320H", "R132")
    assert not variant_matches("G12D", "G12C")
    assert variant_matches("E746_A750del", "729-761:del")
    assert variant_matches("L747_P753delinsS", "729-761:del")
    assert not variant_matches("L858R", "729-761:del")
    assert variant_matches("A767_V769dup", "762-775:ins")
    assert not variant_matches("S768I", "762-775:ins")
    assert variant_matches("D842V", "814-852")
    assert protein_change("ENSP00000288602.6:p.V600E") == "V600E"
    assert protein_change(None) is None


def test_negative_pembrolizumab_row_suppressed_by_msi_or_tmb(kb):
    assert "pembrolizumab_unselected_net_negative" not in run(kb, {"msi_call": "MSI-H"})
    assert "pembrolizumab_unselected_net_negative" not in run(kb, {"tmb_call": "TMB-high"})
    assert "pembrolizumab_unselected_net_negative" not in run(kb, {"mmr_deficient": True})
    assert run(kb)["pembrolizumab_unselected_net_negative"]["direction"] == "resistance"


def test_suspected_msi_and_her2_2plus_do_not_match(kb):
    rows = run(kb, {"msi_call": "suspected MSI-H"}, her2_ihc="2+")
    assert "pembrolizumab_msi_h_dmmr" not in rows
    assert "trastuzumab_deruxtecan_her2_ihc3" not in rows


def test_one_row_per_rule_collecting_all_evidence(kb):
    rows = rows_for(
        kb, {"alterations": [alt("PIK3CA", hgvsp="p.E545K"), alt("PTEN", "deep_deletion")]}
    )
    capivasertib = [r for r in rows if r["rule_id"] == "capivasertib_pi3k_akt_pten"]
    assert len(capivasertib) == 1
    assert capivasertib[0]["biomarker"] == "PIK3CA E545K; PTEN deep deletion"
    assert len({r["rule_id"] for r in rows}) == len(rows)


# ------------------------------------------------------------------- the one ranking


def test_ranking_groups_then_amp_escat_line(kb):
    findings = {
        "alterations": [alt("KRAS", hgvsp="p.G12C"), alt("ARID1A", "deep_deletion")],
        "msi_call": "MSI-H",
        "expression": {"DLL3": "high"},
    }
    rows = rows_for(kb, findings, **SCLC_ES, line=1)
    assert ids(rows) == [
        "chemo_immunotherapy_sclc",  # standard of care first, I-A / NA, first line
        "serplulimab_sclc_eu",
        "lurbinectedin_atezolizumab_maintenance_sclc",  # maintenance after first line
        "dostarlimab_dmmr",  # tissue-agnostic I-A / I-C
        "pembrolizumab_msi_h_dmmr",
        "adagrasib_kras_g12c",  # other tumor type II-C / III-A
        "sotorasib_kras_g12c",
        "atr_inhibitor_arid1a_atm",  # other tumor type II-D / IV
        "dll3_t_cell_engager_trials",  # research-only last
    ]
    assert [rank_group(row) for row in rows] == [0, 0, 0, 1, 1, 2, 2, 2, 5]
    assert rows == sorted(rows, key=therapy_rank)
    assert rows_for(kb, findings, **SCLC_ES, line=1) == rows


def test_resistance_and_germline_rows_rank_after_options(kb):
    men1 = alt("MEN1", hgvsp="p.R98*", variant_class="nonsense", vaf=0.5)
    rows = rows_for(
        kb,
        {"alterations": [men1], "expression": {"SSTR2": "high"}},
        tumor_site="stomach",
        differentiation="well",
    )
    assert [rank_group(r) for r in rows] == sorted(rank_group(r) for r in rows)
    assert ids(rows)[-3:] == [
        "pembrolizumab_unselected_net_negative",
        "germline_testing_referral",
        "sstr2_high_supportive_ssa_prrt",
    ]


def test_rank_group_reads_tsv_strings():
    row = {"research_only": "True", "direction": "sensitivity", "context": "NEN-specific"}
    assert rank_group(row) == 5
    assert rank_group({"research_only": "False", "direction": "standard_of_care"}) == 0
    assert rank_group({"direction": "sensitivity", "context": "other tumor type"}) == 2
