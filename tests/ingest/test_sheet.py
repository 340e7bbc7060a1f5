"""Sample sheet and config validation: defaults, exact error messages, path resolution."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from nenprofile.errors import InputError
from nenprofile.ingest.sheet import load_sample_sheet, path_for_sheet, sample_info, validate_config
from nenprofile.ingest.sites import normalise_site

SCHEMAS = Path(__file__).resolve().parents[2] / "workflow" / "schemas"
SHEET_SCHEMA = SCHEMAS / "samples.schema.yaml"
CONFIG_SCHEMA = SCHEMAS / "config.schema.yaml"


def write_sheet(tmp_path: Path, text: str, files: tuple[str, ...] = ("a.vcf",)) -> Path:
    for name in files:
        (tmp_path / name).write_text("")
    sheet = tmp_path / "samples.tsv"
    sheet.write_text(text)
    return sheet


def load(sheet: Path):
    return load_sample_sheet(sheet, SHEET_SCHEMA)


def test_valid_sheet_resolves_paths_and_fills_defaults(tmp_path):
    sheet = write_sheet(
        tmp_path,
        "# comment line\nsample\tvcf\ttumor_site\tki67\tpdl1_tps\nP1\ta.vcf\tColon\t35%\t60\n",
    )
    loaded = load(sheet)
    row = loaded.rows["P1"]
    assert row["vcf"] == str(tmp_path / "a.vcf")
    assert row["tumor_site"] == "colorectal"
    assert row["tumor_site_input"] == "Colon"
    assert row["ki67"] == 35.0
    assert row["differentiation"] == "unknown"
    assert row["msi_status"] == "unknown"
    assert row["genome_build"] == "GRCh38"
    assert row["expression_id"] == "P1"
    assert row["expression_id_explicit"] is False
    assert loaded.line_of == {"P1": 3}
    info = sample_info(row)
    assert info.tumor_only is True
    assert info.pdl1_tps == 60.0


def test_crlf_and_bom_are_accepted(tmp_path):
    sheet = tmp_path / "samples.tsv"
    (tmp_path / "a.vcf").write_text("")
    sheet.write_bytes("\ufeffsample\tvcf\r\nP1\ta.vcf\r\n".encode())
    assert load(sheet).samples == ["P1"]


def test_unknown_site_is_kept_as_other_with_warning(tmp_path):
    sheet = write_sheet(tmp_path, "sample\tvcf\ttumor_site\nP1\ta.vcf\tadrenal\n")
    loaded = load(sheet)
    assert loaded.rows["P1"]["tumor_site"] == "other"
    assert loaded.rows["P1"]["tumor_site_input"] == "adrenal"
    assert "line 2: tumor_site 'adrenal' is not in the vocabulary" in loaded.warnings[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "sample\tvcf\nP1\ta.vcf\nP1\ta.vcf\n",
            "line 3, column 'sample': sample 'P1' appears twice (first on line 2). "
            "Fix: give every row a unique sample id",
        ),
        (
            "sample\tvcf\n../evil\ta.vcf\n",
            "line 2, column 'sample': '../evil' does not match",
        ),
        (
            "sample\tvcf\tdifferentiation\nP1\ta.vcf\tmoderate\n",
            "line 2, column 'differentiation': 'moderate' is not one of ['well', 'poor', 'unknown']. "
            "Fix: write well, poor or unknown",
        ),
        (
            "sample\tvcf\tki67\nP1\ta.vcf\t120\n",
            "line 2, column 'ki67': 120.0 is greater than the maximum of 100. "
            "Fix: give Ki-67 as a percentage between 0 and 100",
        ),
        (
            "sample\tvcf\tpdl1_tps\nP1\ta.vcf\thigh\n",
            "line 2, column 'pdl1_tps': 'high' is not a number.",
        ),
        (
            "sample\ttumor_site\nP1\tlung\n",
            "line 2: the row has neither a vcf nor a maf path. Fix: fill the 'vcf' or the 'maf' column",
        ),
        (
            "sample\tvcf\nP1\tmissing.vcf\n",
            "line 2, column 'vcf': 'missing.vcf' does not exist",
        ),
        (
            "sample,vcf\nP1,a.vcf\n",
            "line 1: the header has no 'sample' column (the file does not look tab-separated).",
        ),
        ("sample\tvcf\n", "the sample sheet has a header but no sample rows."),
        ("", "the sample sheet is empty."),
        (
            "sample\tvcf\tmsi_status\nP1\ta.vcf\tMSI-high\n",
            "line 2, column 'msi_status': 'MSI-high' is not one of",
        ),
        (
            "sample\tvcf\nP1\ta.vcf\textra\n",
            "line 2: the row has 3 fields but the header has 2.",
        ),
    ],
)
def test_bad_sheets_name_line_column_and_fix(tmp_path, text, expected):
    sheet = write_sheet(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load(sheet)
    message = str(caught.value)
    assert message.startswith(str(sheet))
    assert expected in message


def test_non_utf8_sheet_names_the_line(tmp_path):
    sheet = tmp_path / "samples.tsv"
    (tmp_path / "a.vcf").write_text("")
    sheet.write_bytes(b"sample\tvcf\ttumor_site\nP1\ta.vcf\tpancr\xe9as\n")
    with pytest.raises(InputError, match=r"line 2: the file is not UTF-8 text \(byte 0xe9\)"):
        load(sheet)


def test_missing_sheet_names_the_config_key(tmp_path):
    with pytest.raises(InputError, match=r"sample sheet not found\. Fix: check the 'samples' path"):
        load(tmp_path / "nope.tsv")


def test_config_defaults_are_filled():
    config = validate_config({"cohort": "c1", "samples": "s.tsv"}, CONFIG_SCHEMA)
    assert config["genome_build"] == "GRCh38"
    assert config["tmb"] == {"target_size_mb": 33.0, "high_threshold": 10, "min_vaf": 0.05}
    assert config["pdl1"] == {"tps_low": 1, "tps_high": 50, "cps_low": 1, "cps_high": 10}
    assert config["filters"]["pass_only"] is True
    assert config["expression"]["matrix"] is None
    assert config["report"]["pdf"] is True


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (
            {"cohort": "c1", "samples": "s.tsv", "tmb": {"target_size_mb": 0}},
            "cfg.yaml: key 'tmb.target_size_mb': 0 is less than or equal to the minimum of 0. "
            "Fix: give the assay's coding territory in megabases, a number above 0",
        ),
        (
            {"cohort": "c 1", "samples": "s.tsv"},
            "key 'cohort': 'c 1' does not match",
        ),
        ({"samples": "s.tsv"}, "key '(top level)': 'cohort' is required but missing."),
        (
            {"cohort": "c1", "samples": "s.tsv", "genome_build": "hg38"},
            "key 'genome_build': 'hg38' is not one of ['GRCh37', 'GRCh38']. Fix: write GRCh37 or GRCh38",
        ),
        (
            {"cohort": "c1", "samples": "s.tsv", "tmbb": {}},
            "Additional properties are not allowed ('tmbb' was unexpected). Fix: remove or rename",
        ),
        (
            {"cohort": "c1", "samples": "s.tsv", "report": {"date": "15/01/2026"}},
            "key 'report.date': '15/01/2026' does not match",
        ),
    ],
)
def test_bad_configs_name_the_key_and_fix(config, expected):
    with pytest.raises(InputError) as caught:
        validate_config(config, CONFIG_SCHEMA, source="cfg.yaml")
    assert expected in str(caught.value)


def test_demo_config_is_valid(repo_root):
    config = yaml.safe_load((repo_root / "config" / "config.yaml").read_text())
    validate_config(config, CONFIG_SCHEMA)
    assert config["cohort"] == "demo"


@pytest.mark.parametrize(
    ("text", "site", "known"),
    [
        ("Colon", "colorectal", True),
        ("rectum", "colorectal", True),
        ("Pancreatic", "pancreas", True),
        ("small bowel", "small_intestine", True),
        ("Small_Intestine", "small_intestine", True),
        ("ileum", "small_intestine", True),
        ("gastric", "stomach", True),
        ("Pulmonary", "lung", True),
        ("unknown primary", "unknown_primary", True),
        (None, "unknown", True),
        ("thymic", "thymus", True),
        ("adrenal", "other", False),
    ],
)
def test_site_synonyms(text, site, known):
    assert normalise_site(text) == (site, known)


CLINICAL_HEADER = (
    "sample\tvcf\ttumor_site\tdifferentiation\thistology\tstage\tline\tprior_therapies"
    "\tsstr_imaging\tgermline_findings\n"
)


def test_clinical_fields_map_synonyms_and_derive_differentiation_and_site(tmp_path):
    sheet = write_sheet(
        tmp_path,
        CLINICAL_HEADER
        + "P1\ta.vcf\t\t\tSmall cell lung cancer\tES-SCLC\t2L\tCarboplatin; atezolizumab; RT"
        "\tnot done\tnone\n"
        + "P2\tb.vcf\tpancreas\t\tNET G3\tmetastatic\tfirst\t\tSSTR+\tMEN1 c.249_252del\n",
        files=("a.vcf", "b.vcf"),  # one file per tumor: two rows on one file are warned about
    )
    loaded = load(sheet)
    assert loaded.warnings == []
    p1 = sample_info(loaded.rows["P1"])
    assert (p1.histology, p1.histology_input, p1.tumor_site) == (
        "sclc",
        "Small cell lung cancer",
        "lung",
    )
    assert (p1.differentiation, p1.differentiation_from_histology) == ("poor", True)
    assert (p1.stage, p1.line, p1.sstr_imaging) == ("extensive", 2, "unknown")
    assert p1.prior_therapies == ("platinum", "immunotherapy", "radiotherapy")
    assert p1.germline_findings == ()
    p2 = sample_info(loaded.rows["P2"])
    assert (p2.histology, p2.differentiation, p2.stage, p2.line) == (
        "net_g3",
        "well",
        "metastatic",
        1,
    )
    assert (p2.sstr_imaging, p2.germline_findings) == ("positive", ("MEN1 c.249_252del",))


def test_unknown_clinical_values_are_kept_with_a_warning(tmp_path):
    sheet = write_sheet(
        tmp_path,
        CLINICAL_HEADER
        + "P1\ta.vcf\tstomach\twell\tsmall cell\tearly\tsalvage\tPRRT; homeopathy\tmaybe"
        "\tfamily history of cancer\n",
    )
    loaded = load(sheet)
    row = loaded.rows["P1"]
    assert (row["histology"], row["histology_input"]) == ("nec_small_cell", "small cell")
    assert (row["stage"], row["line"], row["sstr_imaging"]) == ("unknown", None, "unknown")
    assert row["prior_therapies"] == ("prrt",)
    assert row["differentiation"] == "well"  # the sheet's value wins over the histology
    prefix = f"{sheet}: line 2: "
    assert loaded.warnings == [
        prefix + "stage 'early' is not in the vocabulary; kept as entered and treated as unknown "
        "(accepted: limited, extensive, localized, locally_advanced, metastatic; see "
        "config/README.md)",
        prefix + "line 'salvage' is not in the vocabulary; kept as entered and treated as "
        "unknown (accepted: a number such as 1 or 2L, or first/second/third; see "
        "config/README.md)",
        prefix + "prior_therapies entry 'homeopathy' is not in the vocabulary; kept as entered "
        "and treated as unknown (accepted: platinum, etoposide, immunotherapy, prrt, ssa, "
        "everolimus, sunitinib, cabozantinib, temozolomide, tarlatamab, lurbinectedin, topotecan, "
        "irinotecan, parp_inhibitor, radiotherapy, surgery, androgen_deprivation; see "
        "config/README.md)",
        prefix + "sstr_imaging 'maybe' is not in the vocabulary; kept as entered and treated as "
        "unknown (accepted: positive, negative, unknown; see config/README.md)",
        prefix + "germline_findings entry 'family history of cancer' is not in the vocabulary; "
        "kept as entered and treated as unknown (accepted: 'GENE description' entries or none; "
        "see config/README.md)",
        prefix + "differentiation 'well' disagrees with histology 'nec_small_cell' (poorly "
        "differentiated); the sheet's differentiation is used",
    ]


def test_unknown_histology_is_kept_as_entered(tmp_path):
    sheet = write_sheet(tmp_path, "sample\tvcf\thistology\nP1\ta.vcf\tpheochromocytoma\n")
    loaded = load(sheet)
    info = sample_info(loaded.rows["P1"])
    assert (info.histology, info.histology_input) == ("unknown", "pheochromocytoma")
    assert info.differentiation == "unknown"
    assert "histology 'pheochromocytoma' is not in the vocabulary" in loaded.warnings[0]


def test_line_column_is_schema_validated(tmp_path):
    sheet = write_sheet(tmp_path, "sample\tvcf\tline\nP1\ta.vcf\t=1+1\n")
    with pytest.raises(InputError) as info:
        load(sheet)
    assert info.value.line == 2
    assert info.value.column == "line"
    assert "2L or second" in str(info.value)


def test_small_and_large_cell_nec_of_the_lung_are_sclc_and_lcnec(tmp_path):
    sheet = write_sheet(
        tmp_path,
        "sample\tvcf\ttumor_site\thistology\nP1\ta.vcf\tlung\tsmall cell\n"
        "P2\ta.vcf\tpulmonary\tlarge cell NEC\nP3\ta.vcf\tbladder\tsmall cell\n",
    )
    rows = load(sheet).rows
    assert [rows[s]["histology"] for s in ("P1", "P2", "P3")] == ["sclc", "lcnec", "nec_small_cell"]


def test_path_for_sheet_round_trips_through_the_reader(tmp_path):
    folder = tmp_path / "cohort"
    (folder / "in").mkdir(parents=True)
    below, formula, outside = folder / "in" / "a.vcf", folder / "=b.vcf", tmp_path / "c.vcf"
    for path in (below, formula, outside):
        path.write_text("")
    cells = [path_for_sheet(p, folder) for p in (below, formula, outside)]
    assert cells == ["in/a.vcf", "./=b.vcf", str(outside)]
    sheet = folder / "samples.tsv"
    sheet.write_text("sample\tvcf\n" + "".join(f"S{i}\t{c}\n" for i, c in enumerate(cells)))
    rows = load(sheet).rows
    assert [rows[f"S{i}"]["vcf"] for i in range(3)] == [str(below), str(formula), str(outside)]


def test_sheet_columns_come_from_the_schema_and_reach_sample_info():
    """A sheet column is declared once, in the schema; SampleInfo takes it by name."""
    from dataclasses import fields

    from nenprofile.ingest.sheet import KNOWN_COLUMNS, NUMBER_COLUMNS, PATH_COLUMNS, sample_info
    from nenprofile.io.validation import load_schema
    from nenprofile.model import SampleInfo
    from nenprofile.settings import SAMPLES_SCHEMA

    properties = load_schema(SAMPLES_SCHEMA)["properties"]
    assert tuple(properties) == KNOWN_COLUMNS
    assert (
        set(PATH_COLUMNS) == {"vcf", "maf", "cna", "purity_file", "fusions"} <= set(KNOWN_COLUMNS)
    )
    assert {"ki67", "pdl1_tps", "purity"} <= set(NUMBER_COLUMNS)
    # set by the sheet loader, not a column
    derived = {
        "tumor_only",
        "tumor_site_input",
        "histology_input",
        "differentiation_from_histology",
    }
    assert {f.name for f in fields(SampleInfo)} - derived <= set(KNOWN_COLUMNS)
    info = sample_info({"sample": "S1", "ki67": 42.0, "her2_ihc": "2+", "normal_sample": "N"})
    assert (info.sample, info.ki67, info.her2_ihc, info.tumor_only) == ("S1", 42.0, "2+", False)


def test_two_rows_on_one_file_and_column_are_warned_about(tmp_path):
    sheet = write_sheet(
        tmp_path,
        "sample\tvcf\ttumor_sample\nS1\ta.vcf\tT1\nS2\ta.vcf\tT1\nS3\ta.vcf\tT2\nS4\ta.vcf\t\n",
    )
    loaded = load(sheet)
    text = (
        f"sample 'S2' (line 3) reads the same vcf file and tumor column (T1) as sample 'S1' "
        f"(line 2): {tmp_path / 'a.vcf'}. Fix: correct the sample sheet unless both rows are "
        "meant to be the same tumor"
    )
    assert loaded.warnings == [f"{sheet}: {text}"]
    # both samples' reports carry it (the profile job adds the row's sheet_warnings)
    assert loaded.rows["S1"]["sheet_warnings"] == [text]
    assert loaded.rows["S2"]["sheet_warnings"] == [text]
    assert "sheet_warnings" not in loaded.rows["S3"]


def test_a_vcf_cell_lists_several_files_each_resolved_and_checked(tmp_path):
    from nenprofile.ingest.sheet import sheet_files

    (tmp_path / "snvs.vcf").write_text("x")
    sheet = write_sheet(tmp_path, "sample\tvcf\nS1\tsnvs.vcf ; indels.vcf\n")
    with pytest.raises(InputError) as missing:
        load(sheet)
    assert "'indels.vcf' does not exist" in str(missing.value)
    assert missing.value.column == "vcf"
    (tmp_path / "indels.vcf").write_text("x")
    record = load(sheet).rows["S1"]
    assert sheet_files(record, "vcf") == [str(tmp_path / "snvs.vcf"), str(tmp_path / "indels.vcf")]
    assert record["vcf"] == f"{tmp_path / 'snvs.vcf'};{tmp_path / 'indels.vcf'}"


@pytest.mark.parametrize(
    ("cell", "message"),
    [("a.vcf;;b.vcf", "has an empty file name"), ("a.vcf;a.vcf", "lists the same file twice")],
)
def test_a_bad_list_of_files_is_refused(tmp_path, cell, message):
    (tmp_path / "a.vcf").write_text("x")
    (tmp_path / "b.vcf").write_text("x")
    sheet = write_sheet(tmp_path, f"sample\tvcf\nS1\t{cell}\n")
    with pytest.raises(InputError, match=message):
        load(sheet)


def test_two_rows_sharing_one_of_several_files_are_warned_about(tmp_path):
    sheet = write_sheet(tmp_path, "sample\tvcf\nS1\ta.vcf;b.vcf\nS2\tb.vcf\n", ("a.vcf", "b.vcf"))
    assert [w.split(": ", 1)[1][:60] for w in load(sheet).warnings] == [
        "sample 'S2' (line 3) reads the same vcf file and tumor colum"
    ]
