"""CIViC importer: both TSV layouts, tier mapping and curated-rule precedence."""

from __future__ import annotations

from pathlib import Path

import pytest

from nenprofile.errors import InputError
from nenprofile.interpret.sample import SampleFindings
from nenprofile.match.civic import (
    accepted_predictive,
    amp_tier,
    civic_options,
    escat_tier,
    is_nen_disease,
    load_civic_evidence,
)
from nenprofile.model import Alteration, SampleInfo
from nenprofile.reference.knowledgebase import load_knowledge_base

FIXTURE = Path(__file__).parents[1] / "data" / "kb" / "civic_current_layout.tsv"
CIVIC_2021 = "knowledgebase/civic_01-Aug-2021-ClinicalEvidenceSummaries.tsv"


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base()


def alt(gene, kind="mutation", hgvsp=None, onc="Oncogenic"):
    return Alteration("S1", gene, "", kind, hgvsp=hgvsp, oncogenicity=onc)


def test_current_layout_fixture_parses_multiline_fields():
    items = load_civic_evidence(FIXTURE)
    assert [i.evidence_id for i in items] == ["9001", "9002", "9003", "9004", "9005"]
    first = items[0]
    assert (first.gene, first.variant, first.therapies) == ("AKT1", "E17K", ("Capivasertib",))
    assert first.significance == "Sensitivity/Response"
    assert items[1].line == 4  # the first record spans lines 2-3
    assert items[2].therapies == ("Ipatasertib", "Abiraterone")
    assert items[3].variant == ""  # multi-variant molecular profile never matches
    assert [i.evidence_id for i in accepted_predictive(items)] == ["9001", "9002", "9003", "9004"]


def test_fixture_options_tiers_context_and_curated_precedence(kb):
    findings = SampleFindings(
        alterations=[alt("AKT1", hgvsp="p.E17K"), alt("PTEN", "deep_deletion")]
    )
    rows = civic_options(findings, load_civic_evidence(FIXTURE), SampleInfo("S1"), kb)
    by_id = {row.rule_id: row.to_row() for row in rows}
    # EID9001 (capivasertib + AKT1) duplicates the curated capivasertib rule; EID9004 is a
    # combined profile; EID9005 is not accepted
    assert set(by_id) == {"CIViC:EID9002", "CIViC:EID9003"}
    nen = by_id["CIViC:EID9002"]
    assert (nen["amp_tier"], nen["escat_tier"], nen["context"]) == ("II-D", "IV", "NEN-specific")
    assert nen["citations"] == "PMID:22222222;NCT01234567"
    assert nen["biomarker"] == "AKT1 E17K"
    prostate = by_id["CIViC:EID9003"]
    assert prostate["therapy"] == "Ipatasertib + Abiraterone"
    assert (prostate["amp_tier"], prostate["escat_tier"], prostate["context"]) == (
        "II-C",
        "III-A",
        "other tumor type",
    )
    assert prostate["biomarker"] == "PTEN deep deletion"
    assert "Prostate Cancer" in prostate["caveats"]
    assert [r.rule_id for r in rows] == ["CIViC:EID9003", "CIViC:EID9002"]


def test_vus_never_matches_civic(kb):
    findings = SampleFindings(alterations=[alt("AKT1", hgvsp="p.E17K", onc="VUS")])
    assert civic_options(findings, load_civic_evidence(FIXTURE), SampleInfo("S1"), kb) == []


@pytest.mark.parametrize(
    ("level", "nen", "amp", "escat"),
    [
        ("A", True, "I-A", "I-A"),
        ("A", False, "II-C", "III-A"),
        ("B", True, "I-B", "II-B"),
        ("B", False, "II-C", "III-A"),
        ("C", False, "II-D", "IV"),
        ("D", True, "II-D", "IV"),
        ("E", False, "II-D", "IV"),
    ],
)
def test_level_to_tier_mapping(level, nen, amp, escat):
    assert (amp_tier(level, nen), escat_tier(level, nen)) == (amp, escat)


def test_nen_disease_names():
    assert is_nen_disease("Lung Small Cell Carcinoma")
    assert is_nen_disease("Gastrointestinal Neuroendocrine Tumor")
    assert not is_nen_disease("Non-small Cell Lung Carcinoma")
    assert not is_nen_disease("Breast Cancer")


def test_unknown_layout_and_bad_row(tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("a\tb\n1\t2\n")
    with pytest.raises(InputError, match="not a CIViC") as info:
        load_civic_evidence(bad)
    assert info.value.line == 1
    short = tmp_path / "short.tsv"
    lines = FIXTURE.read_text().splitlines(keepends=True)
    short.write_text(lines[0] + "AKT1 E17K\tonly two\n")
    with pytest.raises(InputError, match="expected 25 tab-separated fields") as info:
        load_civic_evidence(short)
    assert info.value.line == 2
    with pytest.raises(InputError, match="not found"):
        load_civic_evidence(tmp_path / "absent.tsv")


@pytest.fixture(scope="module")
def civic_2021(shared_data):
    return load_civic_evidence(shared_data / CIVIC_2021)


def test_real_2021_file_counts(civic_2021):
    assert len(civic_2021) == 3650
    assert sum(item.evidence_type == "Predictive" for item in civic_2021) == 2333
    accepted = accepted_predictive(civic_2021)
    assert len(accepted) == 1974
    assert sum(item.significance == "Resistance" for item in accepted) == 740


def test_real_2021_pik3ca_h1047r(civic_2021, kb):
    findings = SampleFindings(alterations=[alt("PIK3CA", hgvsp="p.H1047R")])
    rows = civic_options(findings, civic_2021, SampleInfo("S1", tumor_site="pancreas"), kb)
    by_id = {row.rule_id: row.to_row() for row in rows}
    # EID1360: dactolisib, level D, PubMed 23619167 (read from the file)
    dactolisib = by_id["CIViC:EID1360"]
    assert dactolisib["therapy"] == "Dactolisib"
    assert dactolisib["citations"] == "PMID:23619167"
    assert (dactolisib["amp_tier"], dactolisib["escat_tier"]) == ("II-D", "IV")
    assert dactolisib["context"] == "other tumor type"
    assert dactolisib["direction"] == "sensitivity"
    # alpelisib evidence (EID1401) is covered by the curated PI3K-alpha inhibitor rule (KB v2)
    assert "CIViC:EID1401" not in by_id
    # capivasertib evidence (EID1505, EID1506) is covered by the curated rule
    assert "CIViC:EID1505" not in by_id
    assert "CIViC:EID1506" not in by_id
    assert len(rows) == len(by_id)
    assert all(row.citations for row in rows)
