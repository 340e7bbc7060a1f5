"""A tumour-only PanNET-style cohort MAF (cBioPortal layout) split once and read per sample:
the drivers stay oncogenic and no common polymorphism (population AF >= 0.01, or a known
benign truncating variant) is called oncogenic."""

from __future__ import annotations

from pathlib import Path

from nenprofile.ingest.variants import read_variants
from nenprofile.ingest.variants.maf_split import split_maf
from nenprofile.interpret.oncogenicity import classify_variant
from nenprofile.reference.knowledgebase import load_knowledge_base
from nenprofile.vocab import LIKELY_BENIGN, ONCOGENIC

COHORT = Path(__file__).resolve().parents[1] / "data" / "maf" / "tumor_only_pannet_style.txt"
SAMPLES = ("PNET-1", "PNET-2", "PNET-3")


def test_no_common_polymorphism_of_a_tumor_only_cohort_is_called_oncogenic(tmp_path: Path):
    parts = {s: tmp_path / f"{s}.maf" for s in SAMPLES}
    split_maf(COHORT, parts, {s: s for s in SAMPLES})
    genes = load_knowledge_base().genes
    calls = {}
    for sample in SAMPLES:
        result = read_variants(str(parts[sample]), file_format="maf", build="GRCh37")
        assert result.tumor_only
        for v in result.variants:
            call = classify_variant(v, genes[v.gene], tumor_only=True).oncogenicity
            calls[(sample, v.gene, v.hgvsp)] = (call, v.population_af)
    assert {key: call for key, (call, _) in calls.items()} == {
        ("PNET-1", "MEN1", "p.L10Wfs*20"): ONCOGENIC,
        ("PNET-1", "TP53", "p.P72R"): LIKELY_BENIGN,
        ("PNET-1", "ATM", "p.D1853N"): LIKELY_BENIGN,
        ("PNET-2", "DAXX", "p.Q334*"): ONCOGENIC,
        ("PNET-2", "BRCA2", "p.N372H"): LIKELY_BENIGN,
        ("PNET-2", "BRCA2", "p.K3326*"): LIKELY_BENIGN,  # AF below 0.01: the benign table
        ("PNET-3", "ATRX", "p.K1334fs"): ONCOGENIC,
    }
    common_called_oncogenic = [
        key for key, (call, af) in calls.items() if af is not None and af >= 0.01
        and call == ONCOGENIC
    ]  # fmt: skip
    assert common_called_oncogenic == []
