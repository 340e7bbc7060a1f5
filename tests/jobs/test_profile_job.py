"""Job-level stages called without Snakemake."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from nenprofile.ingest.sheet import load_sample_sheet, validate_config
from nenprofile.jobs.profile import profile_sample, read_other_inputs, resolve_purity_ploidy
from nenprofile.layout import SAMPLE_TABLES
from nenprofile.model import SampleInfo
from nenprofile.settings import Settings

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = REPO / "workflow" / "schemas"
VCF = REPO / "tests" / "data" / "vcf"


def profile_one(folder: Path, record: dict, config: dict) -> dict[str, str]:
    """Run the profile job on one sheet row, outputs in `folder`; returns the output paths."""
    sample = record["sample"]
    outputs = {name: str(folder / f"{sample}.{suffix}") for name, suffix in SAMPLE_TABLES.items()}
    profile_sample(
        inputs={"variants": record.get("vcf") or record["maf"]},
        outputs=outputs,
        params={"record": record},
        config=config,
        wildcards={"sample": sample},
    )
    return outputs


def test_profile_sample_adds_civic_evidence_when_configured(tmp_path, shared_data):
    civic = shared_data / "knowledgebase" / "civic_01-Aug-2021-ClinicalEvidenceSummaries.tsv"
    config = validate_config(
        {"cohort": "t", "samples": "s.tsv", "knowledge_base": {"civic": str(civic)}},
        SCHEMAS / "config.schema.yaml",
    )
    record = load_sample_sheet(REPO / "config" / "samples.tsv", SCHEMAS / "samples.schema.yaml")
    outputs = profile_one(tmp_path, record.rows["NEN09"], config)
    with open(outputs["therapies"], newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    civic_rows = [r for r in rows if r["rule_id"].startswith("CIViC:")]
    assert "CIViC:EID1360" in {r["rule_id"] for r in civic_rows}
    # a gene + drug the curated knowledge base already covers is not repeated from CIViC
    assert "CIViC:EID1401" not in {r["rule_id"] for r in civic_rows}
    assert all(r["context"] in ("other tumor type", "NEN-specific") for r in civic_rows)
    assert "capivasertib_pi3k_akt_pten" in {r["rule_id"] for r in rows}


CNA = REPO / "tests" / "data" / "cna"
FUSIONS = REPO / "tests" / "data" / "fusions"


def default_settings() -> Settings:
    return Settings.defaults()


def test_purity_and_ploidy_from_the_caller_file_unless_the_sheet_gives_them():
    sample = SampleInfo("S1", genome_build="GRCh37")
    used = resolve_purity_ploidy(sample, str(CNA / "sample.purple.purity.tsv"))
    assert used == {
        "purity": {"value": 0.72, "source": "PURPLE/caller file sample.purple.purity.tsv"},
        "ploidy": {"value": 3.1, "source": "PURPLE/caller file sample.purple.purity.tsv"},
    }
    assert (sample.purity, sample.ploidy) == (0.72, 3.1)
    from_sheet = SampleInfo("S2", purity=0.4)
    used = resolve_purity_ploidy(from_sheet, str(CNA / "sample.ascat.purityploidy.txt"))
    assert used["purity"] == {
        "value": 0.4,
        "source": "sample sheet (overrides 0.54 in the ASCAT file sample.ascat.purityploidy.txt)",
    }
    assert used["ploidy"] == {"value": 3.2, "source": "ASCAT file sample.ascat.purityploidy.txt"}
    facets = resolve_purity_ploidy(SampleInfo("S4"), str(CNA / "sample.facets_legacy.out"))
    assert facets == {
        "purity": {
            "value": None,
            "source": "not given (NA in the FACETS file sample.facets_legacy.out)",
        },
        "ploidy": {"value": 2.01, "source": "FACETS file sample.facets_legacy.out"},
    }
    assert resolve_purity_ploidy(SampleInfo("S3"), None) == {
        "purity": {"value": None, "source": "not given"},
        "ploidy": {"value": None, "source": "not given; calls assume ploidy 2"},
    }


def test_other_inputs_use_the_caller_ploidy_and_disclose_what_was_read():
    sample = SampleInfo("S1", genome_build="GRCh37")
    inputs = {
        "cna": str(CNA / "sample.purple.cnv.somatic.tsv"),
        "purity_file": str(CNA / "sample.purple.purity.tsv"),
        "fusions": str(FUSIONS / "arriba.fusions.tsv"),
    }
    other = read_other_inputs(sample, {}, inputs, default_settings())
    calls = {c.gene: c.call for c in other.copy_numbers}
    # PURPLE's ploidy 3.1: BRAF at 6.03 copies is a gain, not the amplification of ploidy 2
    assert (calls["BRAF"], calls["PTEN"]) == ("GAIN", "DEEPDEL")
    assert other.copy_number_input["format"] == "PURPLE somatic copy number segments"
    assert other.copy_number_input["clipped_negative_copy_numbers"] == 1
    assert other.fusion_input["skipped"] == {"Arriba confidence low": 1}
    assert [f.support for f in other.fusions] == ["supported"] * 4
    assert other.purity_ploidy["ploidy"]["value"] == 3.1


def _profile_one(tmp_path: Path, vcf: Path) -> tuple[dict, list[dict[str, str]], dict]:
    sheet = tmp_path / "samples.tsv"
    sheet.write_text(
        "sample\tvcf\ttumor_sample\tnormal_sample\ttumor_site\tdifferentiation\n"
        f"S1\t{vcf}\tTUMOR\tNORMAL\tcolon\tpoor\n"
    )
    config = validate_config({"cohort": "t", "samples": str(sheet)}, SCHEMAS / "config.schema.yaml")
    record = load_sample_sheet(sheet, SCHEMAS / "samples.schema.yaml").rows["S1"]
    outputs = {
        name: str(tmp_path / f"S1.{name}.{ext}")
        for name, ext in (("variants", "tsv.gz"), ("alterations", "tsv"),
                          ("biomarkers", "json"), ("therapies", "tsv"), ("ingest", "json"))
    }  # fmt: skip
    profile_sample(inputs={"variants": str(vcf)}, outputs=outputs, params={"record": record},
                   config=config, wildcards={"sample": "S1"})  # fmt: skip
    with open(outputs["therapies"], newline="") as handle:
        therapies = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    biomarkers = json.loads(Path(outputs["biomarkers"]).read_text())
    return biomarkers, therapies, json.loads(Path(outputs["ingest"]).read_text())


@pytest.mark.parametrize("name", ["mlh1_stop_twice.vcf", "mlh1_stop_twice_unsorted.vcf"])
def test_one_mlh1_stop_written_twice_is_not_dmmr(tmp_path, name):
    biomarkers, therapies, ingest = _profile_one(tmp_path, VCF / name)
    assert not biomarkers["mmr"]["call"].startswith("dMMR")
    drugs = " ".join(row["therapy"] for row in therapies).lower()
    assert "dostarlimab" not in drugs
    assert ingest["counts"]["duplicate_skipped"] == 1
    assert ingest["build_evidence"] == (
        "GRCh38 (configured; confirmed by ##contig chr3 length 198295559 (GRCh38))"
    )


def test_the_sheet_column_decides_maf_whatever_the_file_name(tmp_path):
    """A MAF in the 'maf' column is read as a MAF even when named c.dat (nenprofile init
    pairs files by content, so names need not say the format)."""
    (tmp_path / "c.dat").write_bytes((REPO / "config" / "demo" / "NEN10.maf").read_bytes())
    (tmp_path / "s.tsv").write_text("sample\tmaf\nNEN10\tc.dat\n")
    config = validate_config({"cohort": "t", "samples": "s.tsv"}, SCHEMAS / "config.schema.yaml")
    sheet = load_sample_sheet(tmp_path / "s.tsv", SCHEMAS / "samples.schema.yaml")
    outputs = profile_one(tmp_path, sheet.rows["NEN10"], config)
    ingest = json.loads(Path(outputs["ingest"]).read_text())
    assert ingest["input_format"] == "MAF"
    with open(outputs["alterations"], newline="") as handle:
        genes = {r["gene"] for r in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)}
    assert "TP53" in genes


def test_oncokb_levels_of_an_annotated_maf_reach_therapies_tsv_and_ingest_json(tmp_path):
    maf = REPO / "tests" / "data" / "maf" / "oncokb_annotated.maf"
    (tmp_path / "s.tsv").write_text(
        f"sample\tmaf\ttumor_site\tdifferentiation\tgenome_build\nOKB\t{maf}\tpancreas\tpoor\tGRCh37\n"
    )
    config = validate_config({"cohort": "t", "samples": "s.tsv"}, SCHEMAS / "config.schema.yaml")
    sheet = load_sample_sheet(tmp_path / "s.tsv", SCHEMAS / "samples.schema.yaml")
    outputs = profile_one(tmp_path, sheet.rows["OKB"], config)
    ingest = json.loads(Path(outputs["ingest"]).read_text())
    assert ingest["counts"]["oncokb_level_rows"] == 3
    with open(outputs["therapies"], newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    oncokb = [r["rule_id"] for r in rows if r["rule_id"].startswith("OncoKB:")]
    assert oncokb == [
        "OncoKB:LEVEL_1:BRAF:V600E",
        "OncoKB:LEVEL_3B:BRAF:V600E",
        "OncoKB:LEVEL_R1:EGFR:T790M",
        "OncoKB:LEVEL_4:MAP2K1:K57N",
    ]
    assert "dabrafenib_trametinib_braf_v600e" in [r["rule_id"] for r in rows]
