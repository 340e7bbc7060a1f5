"""The one vocabulary and ranking: pinned order, the KB schema agrees, every consumer uses it."""

from __future__ import annotations

import random

import yaml

from nenprofile.interpret.sample import SampleFindings
from nenprofile.match.therapies import match_therapies
from nenprofile.model import Alteration, SampleInfo
from nenprofile.reference.knowledgebase import load_knowledge_base
from nenprofile.report.data import ranked_therapies, summary_options
from nenprofile.vocab import AMP_TIERS, ESCAT_TIERS, is_oncogenic, therapy_rank, tier_rank


def option(amp, escat, therapy="T", direction="sensitivity", rule_id="r"):
    return {
        "amp_tier": amp,
        "escat_tier": escat,
        "therapy": therapy,
        "direction": direction,
        "rule_id": rule_id,
        "biomarker": "",
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


def test_direction_then_names_break_ties_and_resistance_follows_at_equal_tiers():
    rows = [
        option("I-A", "I-A", "Zeta", "resistance", "z"),
        option("I-A", "I-A", "beta", "sensitivity", "b2"),
        option("I-A", "I-A", "Beta", "standard_of_care", "b1"),
        option("I-B", "I-A", "Alpha", "sensitivity", "a"),
    ]
    assert [r["rule_id"] for r in sorted(rows, key=therapy_rank)] == ["b1", "b2", "z", "a"]


def test_kb_schema_tier_enums_are_the_vocabulary():
    from importlib import resources

    schema = yaml.safe_load(
        (resources.files("nenprofile") / "kb" / "schema.yaml").read_text(encoding="utf-8")
    )
    assert tuple(schema["$defs"]["amp_tier"]["enum"]) == AMP_TIERS
    assert tuple(schema["$defs"]["escat_tier"]["enum"]) == ESCAT_TIERS


def test_oncogenic_labels_as_tables_spell_them():
    assert is_oncogenic("Likely oncogenic") and is_oncogenic("likely_oncogenic")
    assert is_oncogenic(" Oncogenic ")
    assert not is_oncogenic("VUS") and not is_oncogenic(None) and not is_oncogenic("")


def test_therapies_tsv_report_table_and_summary_share_one_order():
    """A sample with I-A, I-B and II-C options: therapies.tsv order is strongest first, and
    the report's table and summary keep exactly that order (one ranking, three consumers)."""
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
    tiers = [(r["amp_tier"], r["escat_tier"]) for r in rows]
    assert tiers == sorted(tiers, key=lambda pair: tier_rank(*pair))
    assert {r["amp_tier"] for r in rows} == {"I-A", "I-B", "II-D"}
    # the report re-ranks rows read back from the TSV, given here in reverse
    report_rows = ranked_therapies(list(reversed(rows)))
    assert [r["rule_id"] for r in report_rows] == [r["rule_id"] for r in rows]
    summary = summary_options(report_rows)
    tiered = [r for r in report_rows if r["direction"] == "sensitivity" and r["amp_tier"]]
    assert [r["rule_id"] for r in summary] == [r["rule_id"] for r in tiered][: len(summary)]
