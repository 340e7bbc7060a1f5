"""OncoKB levels of an oncokb-annotator MAF: read, shown as labelled lines, never curated."""

from __future__ import annotations

from pathlib import Path

import pytest

from nenprofile.ingest.variants import read_variants
from nenprofile.ingest.variants.maf import read_maf
from nenprofile.ingest.variants.maf_split import split_maf
from nenprofile.interpret.sample import SampleInterpretation
from nenprofile.match.oncokb import oncokb_options
from nenprofile.match.sample import match_sample
from nenprofile.match.therapies import SampleFindings
from nenprofile.model import Alteration, SampleInfo
from nenprofile.reference.knowledgebase import load_knowledge_base

DATA = Path(__file__).parents[1] / "data" / "maf"
ANNOTATED = DATA / "oncokb_annotated.maf"
LABEL = "OncoKB (user-supplied annotation)"


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base()


def test_reader_keeps_the_therapeutic_levels_of_kept_rows_in_any_gene():
    result = read_maf(ANNOTATED, sample=None)
    assert [(v.gene, v.hgvsp) for v in result.oncokb_variants] == [
        ("BRAF", "p.V600E"),
        ("MAP2K1", "p.K57N"),  # not a knowledge-base gene: kept all the same
        ("EGFR", "p.T790M"),
    ]
    assert result.oncokb_variants[0].extra["oncokb"] == {
        "LEVEL_1": "Dabrafenib+Trametinib",
        "LEVEL_3B": "Encorafenib+Cetuximab",
        "ONCOGENIC": "Oncogenic",
        "MUTATION_EFFECT": "Gain-of-function",
        "HIGHEST_LEVEL": "LEVEL_1",
    }  # diagnostic levels (LEVEL_Dx2) are not therapy claims and are not read
    assert result.counts["oncokb_level_rows"] == 3
    assert (
        "the MAF carries oncokb-annotator columns: 3 kept row(s) with a therapeutic level are "
        f"shown as '{LABEL}' lines, apart from the curated options"
    ) in result.warnings


def test_a_maf_without_oncokb_columns_has_no_levels():
    result = read_maf(DATA / "multi_sample.maf", sample="NEN01")
    assert result.oncokb_variants == []
    assert "oncokb_level_rows" not in result.counts


def test_each_non_empty_level_is_one_labelled_line():
    rows = {
        option.rule_id: option
        for option in oncokb_options(read_maf(ANNOTATED, sample=None).oncokb_variants)
    }
    assert list(rows) == [
        "OncoKB:LEVEL_1:BRAF:V600E",
        "OncoKB:LEVEL_3B:BRAF:V600E",
        "OncoKB:LEVEL_4:MAP2K1:K57N",
        "OncoKB:LEVEL_R1:EGFR:T790M",
    ]
    level1 = rows["OncoKB:LEVEL_1:BRAF:V600E"]
    assert level1.therapy == f"Dabrafenib + Trametinib [{LABEL}, Level 1]"
    assert level1.biomarker == "BRAF V600E"
    assert (level1.amp_tier, level1.escat_tier) == ("II-C", "III-A")
    assert (level1.context, level1.direction, level1.research_only) == (
        "other tumor type",
        "sensitivity",
        False,
    )
    assert level1.rationale == (
        f"{LABEL}: OncoKB Level 1 for Dabrafenib + Trametinib with BRAF V600E (ONCOGENIC "
        "Oncogenic; MUTATION_EFFECT Gain-of-function; HIGHEST_LEVEL LEVEL_1)."
    )
    assert level1.citations == "REF:OncoKB annotation in the user's MAF (line 5)"
    assert "not reviewed by the nenprofile curators" in level1.caveats
    level4 = rows["OncoKB:LEVEL_4:MAP2K1:K57N"]
    assert level4.therapy == f"Trametinib, Cobimetinib [{LABEL}, Level 4]"
    assert (level4.amp_tier, level4.escat_tier, level4.research_only) == ("II-D", "IV", True)
    resistance = rows["OncoKB:LEVEL_R1:EGFR:T790M"]
    assert (resistance.direction, resistance.amp_tier, resistance.escat_tier) == (
        "resistance",
        "II-C",
        "III-A",
    )
    assert resistance.rationale.startswith(
        f"{LABEL}: OncoKB Level R1 resistance to Gefitinib, Erlotinib with EGFR T790M"
    )


def test_oncokb_lines_rank_below_the_curated_lines_and_never_replace_them(kb):
    ingest = read_variants(str(ANNOTATED), file_format="maf")
    braf = Alteration("S1", "BRAF", "MAPK", "mutation", hgvsp="p.V600E",
                      oncogenicity="Oncogenic", variant_class="missense")  # fmt: skip
    findings = SampleFindings(alterations=[braf])
    interpretation = SampleInterpretation([], {}, [], classification=None, findings=findings)
    sample = SampleInfo("S1", tumor_site="pancreas", differentiation="poor",
                        histology="nec_large_cell", stage="metastatic", line=2)  # fmt: skip
    profile = match_sample(interpretation, sample, kb, oncokb=ingest.oncokb_variants)
    ids = [option.rule_id for option in profile.therapies]
    curated_braf = ids.index("dabrafenib_trametinib_braf_v600e")
    oncokb_rows = [i for i, rule in enumerate(ids) if rule.startswith("OncoKB:")]
    assert len(oncokb_rows) == 4
    assert curated_braf < min(oncokb_rows)
    assert all(
        option.direction != "standard_of_care"
        for option in profile.therapies
        if option.rule_id.startswith("OncoKB:")
    )
    assert ids[-1] == "OncoKB:LEVEL_4:MAP2K1:K57N"  # research-only ranks last
    assert all(
        entry["option"].find(LABEL) == -1
        for entry in profile.biomarkers.get("standard_of_care", [])
    )


def test_levels_survive_the_cohort_maf_split_with_the_cohort_line_numbers(tmp_path):
    parts = {"OKB": tmp_path / "parts" / "OKB.maf"}
    split_maf(ANNOTATED, parts, {"OKB": "NEC-OKB"})
    from_part = read_variants(str(parts["OKB"]), file_format="maf")
    rows = oncokb_options(from_part.oncokb_variants)
    assert [(o.rule_id, o.citations) for o in rows] == [
        (o.rule_id, o.citations)
        for o in oncokb_options(read_maf(ANNOTATED, sample=None).oncokb_variants)
    ]
    assert rows[0].citations == "REF:OncoKB annotation in the user's MAF (line 5)"
