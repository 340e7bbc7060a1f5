"""One sample matched: its interpretation, the therapy options it supports (knowledge base,
plus CIViC evidence, MOAlmanac assertions and OncoKB levels of an annotated MAF when the user
brings them), in rank order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from nenprofile.interpret.sample import SampleInterpretation
from nenprofile.match.civic import CivicEvidence, civic_options
from nenprofile.match.moalmanac import MoaAssertion, moalmanac_options
from nenprofile.match.oncokb import oncokb_options
from nenprofile.match.therapies import match_therapies, sort_options
from nenprofile.model import Alteration, SampleInfo, TherapyOption, Variant
from nenprofile.reference.knowledgebase import KnowledgeBase


@dataclass
class SampleProfile:
    """Everything profiling writes for one sample but the variant table."""

    interpretation: SampleInterpretation
    therapies: list[TherapyOption]

    @property
    def alterations(self) -> list[Alteration]:
        return self.interpretation.alterations

    @property
    def biomarkers(self) -> dict[str, Any]:
        return self.interpretation.biomarkers

    @property
    def warnings(self) -> list[str]:
        return self.interpretation.warnings


def match_sample(
    interpretation: SampleInterpretation,
    sample: SampleInfo,
    kb: KnowledgeBase,
    civic: Sequence[CivicEvidence] | None = None,
    moalmanac: Sequence[MoaAssertion] | None = None,
    oncokb: Sequence[Variant] = (),
) -> SampleProfile:
    """Therapy options for an interpreted sample; biomarkers.json gains its standard of care.
    oncokb: the sample's MAF rows with OncoKB levels (IngestResult.oncokb_variants)."""
    findings = interpretation.findings
    therapies = match_therapies(findings, sample, kb)
    if civic is not None:
        therapies += civic_options(findings, list(civic), sample, kb)
    if moalmanac is not None:
        therapies += moalmanac_options(findings, list(moalmanac), sample, kb)
    therapies += oncokb_options(oncokb)
    therapies = sort_options(therapies)
    interpretation.biomarkers["standard_of_care"] = standard_of_care(therapies)
    return SampleProfile(interpretation, therapies)


def standard_of_care(therapies: Sequence[TherapyOption]) -> list[dict[str, Any]]:
    """The standard-of-care entries of biomarkers.json."""
    return [
        {"setting": option.biomarker, "option": option.therapy, "citations": option.citations}
        for option in therapies
        if option.direction == "standard_of_care"
    ]
