"""A sample interpreted and matched end to end (interpret_sample then match_sample) on
constructed samples with the bundled knowledge base."""

from __future__ import annotations

from pathlib import Path

import pytest

from nenprofile.ingest.fusions import FusionEvidence, read_fusions
from nenprofile.ingest.variants import read_variants
from nenprofile.ingest.variants.result import IngestResult
from nenprofile.interpret.sample import (
    immune_score,
    interpret_sample,
)
from nenprofile.match.sample import SampleProfile, match_sample
from nenprofile.model import (
    ALTERATION_COLUMNS,
    ALTERATION_TABLE_COLUMNS,
    Fusion,
    GeneCopyNumber,
    SampleInfo,
    Variant,
)
from nenprofile.reference.knowledgebase import load_knowledge_base
from nenprofile.settings import Settings


def profile_of(sample, ingest, cna, fusions, markers, kb, config, **kwargs) -> SampleProfile:
    interpretation = interpret_sample(sample, ingest, cna, fusions, markers, kb, config, **kwargs)
    return match_sample(interpretation, sample, kb)


BIOMARKER_KEYS = [
    "sample",
    "tmb",
    "msi",
    "pdl1",
    "hrr",
    "mmr",
    "differentiation_pattern",
    "expression_markers",
    "immune_score",
    "standard_of_care",
]
CONFIG = Settings.from_partial({"tmb": {"target_size_mb": 1.0, "high_threshold": 10}})


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base()


def ingest(variants: list[Variant], *, tumor_only: bool = True, annotation: str = "VEP"):
    return IngestResult(
        variants=variants,
        sample="T",
        input_format="VCF",
        caller="Mutect2",
        annotation=annotation,
        build="GRCh38",
        tumor_only=tumor_only,
    )


def mutation(gene: str, klass: str, hgvsp: str | None, pos: int, **kw) -> Variant:
    ref, alt = ("CA", "C") if klass == "frameshift" else ("C", "T")
    return Variant("chr1", pos, ref, alt, gene=gene, variant_class=klass, hgvsp=hgvsp, **kw)


def pancreatic_net_g3() -> tuple[SampleInfo, IngestResult, list[GeneCopyNumber]]:
    sample = SampleInfo("NET01", tumor_site="pancreas", differentiation="well", ki67=30.0)
    variants = [
        mutation("MEN1", "frameshift", "p.L10fs", 500, vaf=0.45, depth=200),
        mutation("DAXX", "nonsense", "p.Q20*", 300, vaf=0.4, depth=150),
        mutation("TP53", "missense", "p.P72R", 100, vaf=0.5, population_af=0.6),
        mutation("KRAS", "synonymous", "p.G10=", 50, vaf=0.3),
        mutation("NOTKB", "missense", "p.A1T", 40, vaf=0.3),
    ]
    cna = [
        GeneCopyNumber("TSC2", "DEEPDEL", copy_number=0.0),
        GeneCopyNumber("MEN1", "HETLOSS", loh=True),
    ]
    return sample, ingest(variants), cna


def test_pancreatic_net_g3_case(kb) -> None:
    sample, result, cna = pancreatic_net_g3()
    profile = profile_of(sample, result, cna, [], None, kb, CONFIG)

    rows = [alteration.to_row() for alteration in profile.alterations]
    # group order (mTOR pathway before Epigenetic/chromatin), then gene name
    assert [(r["gene"], r["alteration_type"], r["oncogenicity"]) for r in rows] == [
        ("TSC2", "deep_deletion", "Oncogenic"),
        ("DAXX", "mutation", "Oncogenic"),
        ("MEN1", "mutation", "Oncogenic"),
    ]
    assert ALTERATION_TABLE_COLUMNS[: len(ALTERATION_COLUMNS)] == ALTERATION_COLUMNS
    assert set(rows[0]) == set(ALTERATION_TABLE_COLUMNS)
    men1 = next(r for r in rows if r["gene"] == "MEN1")
    assert men1["evidence"] == (
        "OVS1: frameshift in tumor suppressor MEN1; biallelic: second hit LOH (copy number)"
    )
    assert men1["biallelic"] is True and men1["pathway"] == "Histone modification"
    tsc2 = rows[0]
    assert tsc2["pathway"] == "PI3K/AKT/mTOR" and tsc2["copy_number"] == 0.0
    assert tsc2["biallelic"] is True

    biomarkers = profile.biomarkers
    assert list(biomarkers) == BIOMARKER_KEYS
    assert biomarkers["sample"] == "NET01"
    # MEN1, DAXX and the non-KB missense count; TP53 P72R (population AF 0.6) and the
    # synonymous KRAS change do not
    assert biomarkers["tmb"]["n_mutations"] == 3 and biomarkers["tmb"]["value"] == 3.0
    assert biomarkers["tmb"]["call"] == "TMB-low"
    assert biomarkers["msi"]["call"] == "unknown"
    assert biomarkers["mmr"]["call"] == "MMR intact"
    assert biomarkers["hrr"]["call"] == "no HRR alteration"
    pattern = biomarkers["differentiation_pattern"]
    assert pattern["value"] == "NET-G3-like"
    assert pattern["evidence"] == ["MEN1 oncogenic alteration", "DAXX oncogenic alteration"]
    assert biomarkers["immune_score"]["call"] == "not_available"
    assert {"setting", "option", "citations"} == set(biomarkers["standard_of_care"][0])

    rule_ids = {option.rule_id for option in profile.therapies}
    assert {"everolimus_net", "everolimus_tsc_biallelic"} <= rule_ids
    everolimus = next(
        r.to_row() for r in profile.therapies if r.rule_id == "everolimus_tsc_biallelic"
    )
    assert "TSC2 deep deletion" in everolimus["biomarker"]
    soc = {row["option"] for row in biomarkers["standard_of_care"]}
    assert "Everolimus" in soc and "Sunitinib" in soc
    assert not any("etoposide" in option.lower() for option in soc)  # NEC regimen not offered
    assert profile.warnings[0].startswith("tumor-only input")


def test_interpretation_is_deterministic(kb) -> None:
    sample, result, cna = pancreatic_net_g3()
    first = profile_of(sample, result, cna, [], None, kb, CONFIG)
    second = profile_of(sample, result, list(reversed(cna)), [], None, kb, CONFIG)
    assert first.alterations == second.alterations
    assert first.biomarkers == second.biomarkers
    assert first.therapies == second.therapies


def test_likely_benign_and_non_coding_are_not_reported(kb) -> None:
    sample, result, cna = pancreatic_net_g3()
    profile = profile_of(sample, result, cna, [], None, kb, CONFIG)
    genes = {alteration.gene for alteration in profile.alterations}
    assert "TP53" not in genes and "KRAS" not in genes and "NOTKB" not in genes


def test_nec_case_with_fusion_and_dmmr(kb) -> None:
    sample = SampleInfo(
        "NEC01", tumor_site="colorectal", differentiation="poor", msi_status="MSI-H"
    )
    variants = [
        mutation("TP53", "missense", "p.R175H", 10, vaf=0.6),
        mutation("RB1", "nonsense", "p.Q20*", 20, vaf=0.5),
        mutation("DNMT3A", "missense", "p.R882H", 30, vaf=0.1),
    ]
    profile = profile_of(
        sample, ingest(variants), [], [Fusion("ETV6", "NTRK3", in_frame=True)], None, kb, CONFIG
    )
    fusion = next(r.to_row() for r in profile.alterations if r.alteration_type == "fusion")
    assert (fusion["gene"], fusion["partner"], fusion["oncogenicity"]) == (
        "NTRK3",
        "ETV6",
        "Oncogenic",
    )
    assert profile.biomarkers["differentiation_pattern"]["value"] == "NEC-like"
    assert profile.biomarkers["mmr"]["call"] == "dMMR (MSI-H)"
    rule_ids = {option.rule_id for option in profile.therapies}
    assert {"larotrectinib_ntrk_fusion", "pembrolizumab_msi_h_dmmr"} <= rule_ids
    dnmt3a = next(r.to_row() for r in profile.alterations if r.gene == "DNMT3A")
    assert dnmt3a["caveats"] == (
        "DNMT3A variant may arise from clonal haematopoiesis; confirm with matched normal"
    )
    assert dnmt3a["caveats"] in profile.warnings


def test_immune_score_from_markers() -> None:
    markers = {"TCELL_INFLAMED_GEP": {"zscore": 0.8, "percentile": 70.0, "call": "high"}}
    score = immune_score(markers)
    assert (score["value"], score["percentile"], score["call"], score["research_only"]) == (
        0.8,
        70.0,
        "inflamed",
        True,
    )
    assert immune_score(None)["call"] == "not_available"


def test_zero_read_fusion_is_low_support_and_drives_no_therapy(kb, tmp_path) -> None:
    sample = SampleInfo("NEC02", tumor_site="colorectal", differentiation="poor")
    table = tmp_path / "star-fusion.fusion_predictions.tsv"
    table.write_text("#FusionName\tJunctionReadCount\tSpanningFragCount\nETV6--NTRK3\t0\t0\n")
    evidence = FusionEvidence.from_settings(Settings.defaults())
    [fusion] = read_fusions(table, evidence=evidence)
    profile = profile_of(sample, ingest([]), [], [fusion], None, kb, CONFIG)
    row = next(r for r in profile.alterations if r.alteration_type == "fusion")
    assert (row.gene, row.oncogenicity) == ("NTRK3", "VUS")
    assert (row.evidence or "").startswith("ETV6::NTRK3: low-support fusion (0 supporting reads")
    assert not [t for t in profile.therapies if "ntrk" in t.rule_id]
    assert row.caveats in profile.warnings


def test_oncogenic_met_exon14_splice_region_variant_is_reported(kb) -> None:
    sample = SampleInfo("NEC03", tumor_site="lung", differentiation="poor")
    met = Variant("chr7", 116771936, "A", "G", gene="MET", variant_class="splice_region", vaf=0.3)
    met.hgvsc = "c.3082+3A>G"
    intronic_other = Variant("chr7", 116772046, "C", "T", gene="MET", variant_class="intronic")
    intronic_other.hgvsc = "c.3082+57C>T"
    profile = profile_of(sample, ingest([met, intronic_other]), [], [], None, kb, CONFIG)
    rows = [r for r in profile.alterations if r.gene == "MET"]
    assert [(r.hgvsc, r.oncogenicity) for r in rows] == [("c.3082+3A>G", "Likely oncogenic")]


def met_variant(pos: int, ref: str, alt: str, klass: str, **annotation: str) -> Variant:
    return Variant("chr7", pos, ref, alt, gene="MET", variant_class=klass, vaf=0.3, **annotation)


# each DNA route to MET exon 14 skipping, as the records of the tools that report it
MET_EXON14_ROUTES = {
    "VEP RefSeq HGVSc donor": (
        met_variant(116771990, "G", "T", "splice_site", hgvsc="c.3082+1G>T",
                    transcript="NM_001127500.3", consequence="splice_donor_variant"),
        "GRCh38", "VEP", "Oncogenic",
        "exon 14 skipping (c.3082+1G>T on NM_001127500 disrupts the exon 14 donor; "
        "splice_donor_variant)",
        "MET exon 14 skipping (c.3082+1G>T)",
    ),
    "unannotated VCF acceptor GRCh38": (
        met_variant(116771848, "G", "A", "unknown"),
        "GRCh38", "gene-overlap", "Oncogenic",
        "exon 14 skipping (chr7:116771848 G>A on GRCh38 disrupts the exon 14 acceptor)",
        "MET exon 14 skipping",
    ),
    "unannotated VCF donor GRCh37": (
        met_variant(116412045, "T", "C", "unknown"),
        "GRCh37", "gene-overlap", "Oncogenic",
        "exon 14 skipping (chr7:116412045 T>C on GRCh37 disrupts the exon 14 donor)",
        "MET exon 14 skipping",
    ),
    "deletion across the acceptor": (
        met_variant(116771840, "ACCCCCCCCCCCCCC", "A", "unknown"),
        "GRCh38", "gene-overlap", "Oncogenic",
        "exon 14 skipping (chr7:116771840 ACCCCCCCCCCCCCC>A on GRCh38 disrupts the exon 14 "
        "acceptor)",
        "MET exon 14 skipping",
    ),
    "D1028N on ENST00000318493": (
        met_variant(116771989, "G", "A", "missense", hgvsp="p.D1028N", hgvsc="c.3082G>A",
                    transcript="ENST00000318493", consequence="missense_variant"),
        "GRCh38", "VEP", "Likely oncogenic",
        "exon 14 skipping (D1028N on NM_001127500 = D1010N on NM_000245: exon 14 residue "
        "D1010; missense_variant)",
        "MET exon 14 skipping (D1028N)",
    ),
    "in-frame deletion at MANE residue 970": (
        met_variant(116771870, "GAAA", "G", "inframe_deletion", hgvsp="p.E970del",
                    transcript="ENST00000397752", consequence="inframe_deletion"),
        "GRCh38", "VEP", "Likely oncogenic",
        "exon 14 skipping (E970del on NM_000245 (MANE Select): in-frame deletion in exon 14 "
        "residues 963-1010; inframe_deletion)",
        "MET exon 14 skipping (E970del)",
    ),
}  # fmt: skip


@pytest.mark.parametrize("route", sorted(MET_EXON14_ROUTES))
def test_every_met_exon14_dna_route_meets_the_met_exon14_rule(kb, route) -> None:
    variant, build, annotation, call, consequence, biomarker = MET_EXON14_ROUTES[route]
    sample = SampleInfo("NEC06", tumor_site="stomach", differentiation="poor")
    result = ingest([variant], annotation=annotation)
    result.build = build
    profile = profile_of(sample, result, [], [], None, kb, CONFIG)
    [row] = [r for r in profile.alterations if r.gene == "MET"]
    assert (row.variant_class, row.consequence, row.oncogenicity) == (
        "exon_skipping",
        consequence,
        call,
    )
    [option] = [t for t in profile.therapies if t.rule_id == "met_inhibitor_met_exon14"]
    assert (option.therapy, option.amp_tier, option.escat_tier, option.context) == (
        "MET inhibitor (capmatinib, tepotinib)",
        "II-C",
        "III-A",
        "other tumor type",
    )
    assert option.biomarker == biomarker
    assert "confirm skipping by RNA" in option.caveats


@pytest.mark.parametrize(
    ("name", "rows"),
    [
        (
            "met_exon14.unannotated.grch38.vcf",
            [
                (116771840, "Oncogenic", "exon 14 skipping (chr7:116771840 ACCCCCCCCCCCCCC>A on "
                 "GRCh38 disrupts the exon 14 acceptor)"),
                (116771990, "Oncogenic", "exon 14 skipping (chr7:116771990 G>T on GRCh38 "
                 "disrupts the exon 14 donor)"),
                # 110 bp into intron 14: not exon 14 skipping, reported as of unknown effect
                (116772100, "VUS", "unknown"),
            ],
        ),
        (
            "met_exon14.vep_refseq.grch38.vcf",
            [
                (116771989, "Likely oncogenic", "exon 14 skipping (D1028N on NM_001127500 = "
                 "D1010N on NM_000245: exon 14 residue D1010; missense_variant&splice_region_variant)"),
                (116771990, "Oncogenic", "exon 14 skipping (c.3082+1G>T on NM_001127500 disrupts "
                 "the exon 14 donor; splice_donor_variant)"),
            ],
        ),
    ],
)  # fmt: skip
def test_met_exon14_from_vcf_records_drives_the_met_exon14_rule(kb, name, rows) -> None:
    path = Path(__file__).parents[1] / "data" / "vcf" / name
    result = read_variants(str(path), build="GRCh38")
    sample = SampleInfo("NEC08", tumor_site="stomach", differentiation="poor")
    profile = profile_of(sample, result, [], [], None, kb, CONFIG)
    met = [(r.pos, r.oncogenicity, r.consequence) for r in profile.alterations if r.gene == "MET"]
    assert met == rows
    [option] = [t for t in profile.therapies if t.rule_id == "met_inhibitor_met_exon14"]
    assert (option.amp_tier, option.escat_tier, option.context) == (
        "II-C",
        "III-A",
        "other tumor type",
    )


def test_in_frame_deletion_at_residue_970_of_the_1408_aa_isoform_meets_no_met_rule(kb) -> None:
    """Residue 970 of NM_001127500 is exon 13 (residue 952 of NM_000245)."""
    sample = SampleInfo("NEC07", tumor_site="stomach", differentiation="poor")
    deletion = met_variant(116771600, "GAAA", "G", "inframe_deletion", hgvsp="p.E970del",
                           transcript="ENST00000318493")  # fmt: skip
    profile = profile_of(sample, ingest([deletion]), [], [], None, kb, CONFIG)
    assert not [t for t in profile.therapies if "met" in t.rule_id]
    assert not [r for r in profile.alterations if r.variant_class == "exon_skipping"]


def test_monoallelic_mutyh_end_to_end_is_a_vus_with_a_germline_referral(kb):
    mutyh = Variant("chr1", 45797228, "C", "A", gene="MUTYH", variant_class="nonsense",
                    hgvsp="p.Y179*", vaf=0.46, depth=200)  # fmt: skip
    sample = SampleInfo("S1", tumor_site="pancreas", differentiation="well")
    profile = profile_of(sample, ingest([mutyh]), [], [], None, kb, CONFIG)
    [row] = [a for a in profile.alterations if a.gene == "MUTYH"]
    assert row.oncogenicity == "VUS"
    assert row.evidence.endswith("one hit is not a somatic driver")
    assert row.germline_carrier is True
    [referral] = [t for t in profile.therapies if t.rule_id == "germline_testing_referral"]
    assert referral.biomarker == "MUTYH Y179* (monoallelic or phase unknown)"
    assert any("possible germline carrier finding" in w for w in profile.warnings)


def test_met_exon14_skipping_from_rna_junctions_meets_the_met_exon14_rule(kb) -> None:
    sample = SampleInfo("NEC04", tumor_site="lung", differentiation="poor")
    data = Path(__file__).parents[1] / "data" / "fusions"
    evidence = FusionEvidence.from_settings(Settings.defaults())
    fusions = read_fusions(data / "arriba.met_exon14.fusions.tsv", evidence=evidence)
    profile = profile_of(sample, ingest([]), [], fusions, None, kb, CONFIG)
    met = [r for r in profile.alterations if r.gene == "MET"]
    assert [(r.alteration_type, r.variant_class, r.consequence, r.oncogenicity) for r in met] == [
        (
            "mutation",
            "exon_skipping",
            "exon 14 skipping (exon 13 joined to exon 15; Arriba)",
            "Oncogenic",
        ),
        ("fusion", None, "MET::MET", "VUS"),  # exon 13 to inside exon 15
        ("fusion", None, "MET::MET", "VUS"),  # exon 14 to exon 15: normal splicing
    ]
    [option] = [t for t in profile.therapies if t.rule_id == "met_inhibitor_met_exon14"]
    assert option.biomarker.startswith("MET exon 14 skipping")
    # the other MET::MET junctions alone meet no MET rule
    others = profile_of(sample, ingest([]), [], fusions[1:], None, kb, CONFIG)
    assert not [t for t in others.therapies if "met" in t.rule_id]


def test_pdgfrb_fusion_and_amplification_are_reported_with_the_gene_entry(kb) -> None:
    sample = SampleInfo("NEC05", tumor_site="lung", differentiation="poor")
    fusion = Fusion("ETV6", "PDGFRB", 30, "Arriba", True, split_reads=20, confidence="high")
    fusion.support, fusion.support_note = "supported", "Arriba confidence high"
    amplified = GeneCopyNumber("PDGFRB", "AMP", copy_number=12.0)
    profile = profile_of(sample, ingest([]), [amplified], [fusion], None, kb, CONFIG)
    rows = [r for r in profile.alterations if r.gene == "PDGFRB"]
    assert [(r.alteration_type, r.pathway, r.oncogenicity, r.partner) for r in rows] == [
        ("amplification", "Receptor tyrosine kinase", "Likely oncogenic", None),
        ("fusion", "Receptor tyrosine kinase", "Oncogenic", "ETV6"),
    ]
