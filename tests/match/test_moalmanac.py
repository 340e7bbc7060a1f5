"""MOAlmanac assertions a user brings: labelled extra rows, curated rules win, skips counted."""

from __future__ import annotations

from pathlib import Path

import pytest

from nenprofile.errors import InputError
from nenprofile.match.moalmanac import load_moalmanac, moalmanac_options
from nenprofile.match.sample import match_sample
from nenprofile.match.therapies import SampleFindings
from nenprofile.model import Alteration, SampleInfo
from nenprofile.reference.knowledgebase import load_knowledge_base

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "kb" / "moalmanac_small.json"


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base()


def alt(gene, kind="mutation", hgvsp=None, **extra):
    return Alteration(sample="S1", gene=gene, pathway="", alteration_type=kind, hgvsp=hgvsp,
                      oncogenicity="Oncogenic", variant_class="missense" if hgvsp else None,
                      **extra)  # fmt: skip


def test_load_counts_skipped_assertions():
    assertions, skipped = load_moalmanac(FIXTURE)
    assert [a.assertion_id for a in assertions] == ["901", "902", "903", "904", "905"]
    assert skipped == {"deprecated": 1, "feature type not matched (e.g. signatures, MSI, TMB)": 1}
    assert assertions[0].protein_change == "G12C"
    assert (assertions[2].gene, assertions[2].partner) == ("ALK", "EML4")


def test_options_are_labelled_tiered_and_curated_rules_win(kb):
    assertions, _ = load_moalmanac(FIXTURE)
    findings = SampleFindings(
        alterations=[
            alt("KRAS", hgvsp="p.G12C"),
            alt("ERBB2", "amplification"),
            alt("ALK", "fusion", partner="EML4"),
            alt("KIT", hgvsp="p.T670I"),
        ]
    )
    sample = SampleInfo("S1", germline_findings=("BRCA2 c.5946del",))
    options = moalmanac_options(findings, assertions, sample, kb)
    rows = {option.rule_id: option.to_row() for option in options}
    # alectinib + ALK is already a curated rule
    assert set(rows) == {"MOAlmanac:901", "MOAlmanac:902", "MOAlmanac:904", "MOAlmanac:905"}
    kras = rows["MOAlmanac:901"]
    assert (kras["therapy"], kras["biomarker"], kras["amp_tier"], kras["escat_tier"]) == (
        "Avutometinib + Defactinib",
        "KRAS G12C",
        "II-C",
        "III-A",
    )
    assert kras["context"] == "other tumor type"
    assert kras["citations"] == "NCT04625270;REF:MOAlmanac assertion 901 (FDA-Approved)"
    assert kras["caveats"].startswith("MOAlmanac assertion (user-supplied database)")
    assert rows["MOAlmanac:904"]["biomarker"] == "germline BRCA2 c.5946del"
    kit = rows["MOAlmanac:905"]
    assert (kit["direction"], kit["amp_tier"], kit["escat_tier"]) == ("resistance", "II-D", "IV")
    assert kit["citations"].startswith("PMID:12345678;")


def test_match_sample_ranks_moalmanac_rows_with_the_curated_ones(kb):
    from nenprofile.interpret.sample import SampleInterpretation

    assertions, _ = load_moalmanac(FIXTURE)
    findings = SampleFindings(alterations=[alt("KRAS", hgvsp="p.G12C")])
    interpretation = SampleInterpretation([], {}, [], classification=None, findings=findings)
    sample = SampleInfo("S1", tumor_site="lung", differentiation="poor", histology="sclc",
                        stage="extensive", line=1)  # fmt: skip
    profile = match_sample(interpretation, sample, kb, moalmanac=assertions)
    ids = [option.rule_id for option in profile.therapies]
    assert ids == [
        "chemo_immunotherapy_sclc",
        "serplulimab_sclc_eu",
        "lurbinectedin_atezolizumab_maintenance_sclc",
        "adagrasib_kras_g12c",  # other tumor type II-C / III-A, then by therapy name
        "MOAlmanac:901",
        "sotorasib_kras_g12c",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json", "not a MOAlmanac JSON export"), ('{"a": 1}', "expected a list of assertions")],
)
def test_bad_files_are_refused(tmp_path, content, message):
    path = tmp_path / "moa.json"
    path.write_text(content)
    with pytest.raises(InputError, match=message):
        load_moalmanac(path)
    with pytest.raises(InputError, match="MOAlmanac file not found"):
        load_moalmanac(tmp_path / "absent.json")


MOA_2025 = "knowledgebase/moalmanac-db_molecular-oncology-almanac_2025-12-26.json"


def test_real_2025_release_loads_and_matches(shared_data, kb):
    assertions, skipped = load_moalmanac(shared_data / MOA_2025)
    assert (len(assertions), sum(skipped.values())) == (734, 284)
    assert skipped["deprecated"] == 3
    findings = SampleFindings(alterations=[alt("KRAS", hgvsp="p.G12C")])
    rows = moalmanac_options(findings, assertions, SampleInfo("S1", tumor_site="lung"), kb)
    therapies = {option.therapy for option in rows}
    # the curated sotorasib/adagrasib rules win over the label assertions for the same drugs
    assert "Avutometinib + Defactinib" in therapies
    assert not {"Sotorasib", "Adagrasib"} & therapies
    assert all(option.rule_id.startswith("MOAlmanac:") for option in rows)
