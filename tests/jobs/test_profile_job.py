"""Job-level stages called without Snakemake."""

from __future__ import annotations

import csv
from pathlib import Path

from nenprofile.ingest.sheet import load_sample_sheet, validate_config
from nenprofile.jobs.profile import profile_sample

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = REPO / "workflow" / "schemas"


def test_profile_sample_adds_civic_evidence_when_configured(tmp_path, shared_data):
    civic = shared_data / "knowledgebase" / "civic_01-Aug-2021-ClinicalEvidenceSummaries.tsv"
    config = validate_config(
        {"cohort": "t", "samples": "s.tsv", "knowledge_base": {"civic": str(civic)}},
        SCHEMAS / "config.schema.yaml",
    )
    record = load_sample_sheet(REPO / "config" / "samples.tsv", SCHEMAS / "samples.schema.yaml")
    outputs = {
        name: str(tmp_path / f"NEN09.{name}.{ext}")
        for name, ext in (
            ("variants", "tsv.gz"),
            ("alterations", "tsv"),
            ("biomarkers", "json"),
            ("therapies", "tsv"),
            ("ingest", "json"),
        )
    }
    profile_sample(
        inputs={"variants": record.rows["NEN09"]["vcf"]},
        outputs=outputs,
        params={"record": record.rows["NEN09"]},
        config=config,
        wildcards={"sample": "NEN09"},
    )
    with open(outputs["therapies"], newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    civic_rows = [r for r in rows if r["rule_id"].startswith("CIViC:")]
    assert "CIViC:EID1401" in {r["rule_id"] for r in civic_rows}
    assert all(r["context"] in ("other tumor type", "NEN-specific") for r in civic_rows)
    assert "capivasertib_pi3k_akt_pten" in {r["rule_id"] for r in rows}
