"""The one vocabulary and ranking: pinned order, the KB schema agrees, every consumer uses it."""

from __future__ import annotations

import random

import yaml

from nenprofile.interpret.sample import SampleFindings
from nenprofile.match.therapies import match_therapies
from nenprofile.model import Alteration, SampleInfo
from nenprofile.reference.knowledgebase import load_knowledge_base
from nenprofile.report.data import ranked_therapies, summary_options
from nenprofile.vocab import (
    AMP_TIERS,
    CONTEXTS,
    DIRECTIONS,
    ESCAT_TIERS,
    RANK_GROUPS,
    is_oncogenic,
    rank_group,
    therapy_rank,
    tier_rank,
)


def option(amp, escat, therapy="T", direction="sensitivity", rule_id="r", **extra):
    return {
        "amp_tier": amp,
        "escat_tier": escat,
        "therapy": therapy,
        "direction": direction,
        "rule_id": rule_id,
        "biomarker": "",
        **extra,
    }


def test_tiers_rank_strongest_first_amp_before_escat():
    expected = [
        ("I-A", "I-A"),
        ("I-A", "I-B"),
        ("I-A", "I-C"),
        ("I-A", "NA"),
        ("I-A", None),
        ("I-B", "I-A"),
        ("I-B", "IV"),
        ("II-C", "III-A"),
        ("II-C", "V"),
        ("II-D", "II-B"),
        ("II-D", "X"),
        (None, "I-A"),
        (None, None),
    ]
    shuffled = expected[:]
    random.Random(7).shuffle(shuffled)
    assert sorted(shuffled, key=lambda pair: tier_rank(*pair)) == expected


def test_groups_first_then_tiers_then_line_then_names():
    rows = [
        option("I-A", "I-A", "Zeta", "resistance", "z", context="NEN-specific"),
        option("I-A", "I-C", "beta", "sensitivity", "agnostic", context="tissue-agnostic"),
        option("I-B", "NA", "Beta", "standard_of_care", "soc_ib", context="NEN-specific"),
        option("I-A", "NA", "Later", "standard_of_care", "soc_later", line="later"),
        option("I-A", "NA", "Zfirst", "standard_of_care", "soc_first", line="first"),
        option("II-C", "III-A", "Alpha", "sensitivity", "other", context="other tumor type"),
        option("II-C", "II-A", "Nen", "sensitivity", "nen_iic", context="NEN-specific"),
        option("I-A", "I-A", "Alpha", "sensitivity", "research", research_only="True"),
        option("NA", "NA", "Counselling", "germline_referral", "germ", context="germline"),
    ]
    assert [r["rule_id"] for r in sorted(rows, key=therapy_rank)] == [
        "soc_first",  # standard of care, I-A, first line
        "soc_later",
        "soc_ib",
        "agnostic",  # tissue-agnostic accelerated approval after the standard of care
        "nen_iic",  # NEN-specific below AMP tier I ranks with other tumor type, by tier
        "other",
        "z",  # resistance
        "germ",  # germline referral
        "research",  # research-only never leads
    ]
    assert [rank_group(r) for r in sorted(rows, key=therapy_rank)] == [0, 0, 0, 1, 2, 2, 3, 4, 5]
    assert len(RANK_GROUPS) == 6


def test_kb_schema_tier_enums_are_the_vocabulary():
    from importlib import resources

    schema = yaml.safe_load(
        (resources.files("nenprofile") / "kb" / "schema.yaml").read_text(encoding="utf-8")
    )
    assert tuple(schema["$defs"]["amp_tier"]["enum"]) == AMP_TIERS
    assert tuple(schema["$defs"]["escat_tier"]["enum"]) == ESCAT_TIERS
    assert tuple(schema["$defs"]["context"]["enum"]) == CONTEXTS
    rule = schema["therapies"]["properties"]["rules"]["items"]["properties"]
    assert tuple(rule["direction"]["enum"]) == DIRECTIONS


def test_oncogenic_labels_as_tables_spell_them():
    assert is_oncogenic("Likely oncogenic") and is_oncogenic("likely_oncogenic")
    assert is_oncogenic(" Oncogenic ")
    assert not is_oncogenic("VUS") and not is_oncogenic(None) and not is_oncogenic("")


def test_therapies_tsv_report_table_and_summary_share_one_order():
    """A sample with standard-of-care, tissue-agnostic and other-tumor-type options:
    therapies.tsv follows therapy_rank, and the report's table and summary keep exactly that
    order (one ranking, three consumers)."""
    kb = load_knowledge_base()
    findings = SampleFindings(
        alterations=[
            Alteration("S1", "BRAF", "MAPK", "mutation", hgvsp="p.V600E", oncogenicity="Oncogenic"),
            Alteration("S1", "TSC2", "", "mutation", hgvsp="p.Q1178*", oncogenicity="Oncogenic"),
        ],
        tmb_call="TMB-high",
        msi_call="MSI-H",
        mmr_deficient=True,
    )
    sample = SampleInfo("S1", tumor_site="pancreas", differentiation="well")
    rows = [option.to_row() for option in match_therapies(findings, sample, kb)]
    assert rows == sorted(rows, key=therapy_rank)
    assert {r["amp_tier"] for r in rows} == {"I-A", "I-B", "II-D", "NA"}  # NA: germline referral
    first_agnostic = next(i for i, r in enumerate(rows) if r["context"] == "tissue-agnostic")
    assert all(r["direction"] == "standard_of_care" for r in rows[:first_agnostic])
    # the report re-ranks rows read back from the TSV, given here in reverse
    report_rows = ranked_therapies(list(reversed(rows)))
    assert [r["rule_id"] for r in report_rows] == [r["rule_id"] for r in rows]
    summary = summary_options(report_rows)
    tiered = [r for r in report_rows if r["amp_tier"] and not r["research_only"]]
    tiered = [r for r in tiered if r["direction"] in ("standard_of_care", "sensitivity")]
    assert [r["rule_id"] for r in summary] == [r["rule_id"] for r in tiered][: len(summary)]
