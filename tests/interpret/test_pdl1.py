"""Integrated PD-L1 status: precedence, IHC threshold boundaries, evidence and discordance."""

from __future__ import annotations

import pytest

from nenprofile.errors import InputError
from nenprofile.interpret.pdl1 import pdl1_status
from nenprofile.model import GeneCopyNumber, SampleInfo

AMP = [GeneCopyNumber("CD274", "AMP", copy_number=9.0), GeneCopyNumber("JAK2", "AMP", 8.0)]
MRNA_HIGH = {"CD274": {"call": "high", "tpm": 40.0, "percentile": 90.0, "reference": "cohort"}}


@pytest.mark.parametrize(
    ("tps", "call"),
    [
        (55, "positive (TPS ≥ 50%)"),
        (50, "positive (TPS ≥ 50%)"),
        (49.9, "positive (TPS 1-49%)"),
        (5, "positive (TPS 1-49%)"),
        (1, "positive (TPS 1-49%)"),
        (0.99, "negative (TPS < 1%)"),
        (0, "negative (TPS < 1%)"),
    ],
)
def test_tps_boundaries(tps: float, call: str) -> None:
    status = pdl1_status(SampleInfo("S", pdl1_tps=tps), [], None)
    assert (status["value"], status["call"], status["source"]) == (tps, call, "IHC TPS")
    assert "PMID:31980466" in status["limits"]
    assert status["research_only"] is False


@pytest.mark.parametrize(
    ("cps", "call"),
    [
        (10, "positive (CPS ≥ 10)"),
        (9.5, "positive (CPS 1-9)"),
        (1, "positive (CPS 1-9)"),
        (0.5, "negative (CPS < 1)"),
    ],
)
def test_cps_boundaries(cps: float, call: str) -> None:
    status = pdl1_status(SampleInfo("S", pdl1_cps=cps), [], None)
    assert (status["call"], status["source"]) == (call, "IHC CPS")


def test_custom_thresholds() -> None:
    sample = SampleInfo("S", pdl1_tps=20, pdl1_cps=20)
    assert pdl1_status(sample, [], None, {"tps_high": 20})["call"] == "positive (TPS ≥ 20%)"
    status = pdl1_status(SampleInfo("S", pdl1_cps=4), [], None, {"cps": [5, 20]})
    assert status["call"] == "negative (CPS < 5)"
    assert status["thresholds"]["cps_low"] == 5.0


@pytest.mark.parametrize(
    "thresholds", [{"tps_low": 60}, {"cps": [10]}, {"tps_middle": 5}, {"cps_high": 120}]
)
def test_bad_thresholds_raise(thresholds: dict) -> None:
    with pytest.raises(InputError):
        pdl1_status(SampleInfo("S", pdl1_tps=5), [], None, thresholds)


def test_out_of_range_ihc_names_column() -> None:
    with pytest.raises(InputError) as error:
        pdl1_status(SampleInfo("S", pdl1_tps=120), [], None)
    assert error.value.column == "pdl1_tps"


def test_ihc_beats_amplification_beats_mrna() -> None:
    everything = pdl1_status(SampleInfo("S", pdl1_tps=0, pdl1_cps=3), AMP, MRNA_HIGH)
    assert everything["source"] == "IHC TPS"
    assert [e["source"] for e in everything["evidence"]] == [
        "IHC TPS",
        "IHC CPS",
        "CD274 copy number",
        "CD274 mRNA",
    ]
    assert everything["discordance"] == [
        "IHC negative but CD274 amplified (discordant sources)",
        "IHC negative but CD274 mRNA high (research-only; bulk RNA includes immune cells)",
    ]
    assert everything["citations"] == [
        "PMID:31980466",
        "PMID:29902298",
        "Kang et al., Front Oncol 2022",
    ]

    amplified = pdl1_status(SampleInfo("S"), AMP, MRNA_HIGH)
    assert amplified["source"] == "CD274 copy number"
    assert amplified["call"] == "CD274 amplification"
    assert amplified["value"] == 9.0
    assert amplified["evidence"][0]["note"] == "co-amplified JAK2: 9p24.1 amplicon"
    assert "PMID:29902298" in amplified["limits"]
    assert amplified["discordance"] == []

    mrna = pdl1_status(SampleInfo("S"), [], MRNA_HIGH)
    assert mrna["source"] == "CD274 mRNA"
    assert mrna["call"] == "CD274 mRNA high (research-only surrogate)"
    assert mrna["value"] == 40.0
    assert mrna["research_only"] is True
    assert "no validated cut-off" in mrna["limits"]
    assert "Kang et al., Front Oncol 2022" in mrna["limits"]


def test_cps_used_when_tps_absent_and_positive_ihc_not_discordant() -> None:
    status = pdl1_status(SampleInfo("S", pdl1_cps=12), AMP, None)
    assert status["source"] == "IHC CPS"
    assert status["discordance"] == []


def test_non_amplified_cd274_ranks_below_mrna() -> None:
    neutral = [GeneCopyNumber("CD274", "NEUTRAL", copy_number=2.0)]
    assert pdl1_status(SampleInfo("S"), neutral, MRNA_HIGH)["source"] == "CD274 mRNA"
    status = pdl1_status(SampleInfo("S"), neutral, None)
    assert status["source"] == "CD274 copy number"
    assert status["call"] == "CD274 not amplified (copy-number call NEUTRAL)"


def test_not_available() -> None:
    unavailable_mrna = {"CD274": {"call": "not_available", "tpm": None}}
    status = pdl1_status(SampleInfo("S"), [GeneCopyNumber("TP53", "HETLOSS")], unavailable_mrna)
    assert (status["value"], status["call"], status["source"]) == (
        None,
        "not available",
        "not available",
    )
    assert status["evidence"] == []
    assert status["citations"] == ["PMID:31980466"]


def test_amplification_without_partners_says_so() -> None:
    status = pdl1_status(SampleInfo("S"), [GeneCopyNumber("CD274", "AMP")], None)
    assert status["value"] == "AMP"
    assert status["evidence"][0]["note"] == "PDCD1LG2/JAK2 not co-amplified"
