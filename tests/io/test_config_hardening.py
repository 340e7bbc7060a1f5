"""Config and path hardening: every number finite and bounded, configs never templated,
size and nesting limits, only regular files as inputs, bounded decompression, linear sheets."""

from __future__ import annotations

import gzip
import math
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from nenprofile.errors import InputError
from nenprofile.ingest.copynumber import read_copy_number
from nenprofile.ingest.sheet import (
    check_config_paths,
    load_cohort_config,
    load_sample_sheet,
    validate_config,
)
from nenprofile.io import textfiles
from nenprofile.io.validation import load_schema

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = REPO / "workflow" / "schemas"
CONFIG_SCHEMA = SCHEMAS / "config.schema.yaml"
SHEET_SCHEMA = SCHEMAS / "samples.schema.yaml"


def number_keys(schema: dict, prefix: str = "") -> list[tuple[str, dict]]:
    found = []
    for name, sub in schema.get("properties", {}).items():
        key = f"{prefix}{name}"
        types = sub.get("type")
        types = types if isinstance(types, list) else [types]
        if "number" in types or "integer" in types:
            found.append((key, sub))
        if sub.get("type") == "object":
            found += number_keys(sub, key + ".")
    return found


NUMBER_KEYS = number_keys(load_schema(CONFIG_SCHEMA))


def config_with(key: str, value: object) -> dict:
    config: dict = {"cohort": "c", "samples": "s.tsv"}
    *sections, name = key.split(".")
    target = config
    for section in sections:
        target = target.setdefault(section, {})
    target[name] = value
    return config


def test_the_schema_has_the_numbers_it_should():
    assert len(NUMBER_KEYS) >= 20  # the walk finds them all, so the tests below are real
    assert ("tmb.high_threshold", load_schema(CONFIG_SCHEMA)["properties"]["tmb"]["properties"]
            ["high_threshold"]) in NUMBER_KEYS  # fmt: skip


@pytest.mark.parametrize("key", [k for k, _ in NUMBER_KEYS])
def test_every_config_number_is_bounded_on_both_sides(key):
    schema = dict(NUMBER_KEYS)[key]
    assert {"minimum", "exclusiveMinimum"} & set(schema), key
    assert {"maximum", "exclusiveMaximum"} & set(schema), key


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf], ids=["nan", "inf", "-inf"])
@pytest.mark.parametrize("key", [k for k, _ in NUMBER_KEYS])
def test_every_config_number_refuses_nan_and_infinity(key, value):
    with pytest.raises(InputError) as caught:
        validate_config(config_with(key, value), CONFIG_SCHEMA, source="cohort.yaml")
    message = str(caught.value)
    assert message.startswith(f"cohort.yaml: key '{key}': {value} is not a finite number. Fix: ")
    assert message.endswith("(.nan and .inf are not allowed)")


def test_nan_tmb_threshold_names_the_key_and_the_range():
    with pytest.raises(InputError) as caught:
        validate_config(config_with("tmb.high_threshold", math.nan), CONFIG_SCHEMA, source="c.yaml")
    assert str(caught.value) == (
        "c.yaml: key 'tmb.high_threshold': nan is not a finite number. Fix: use a value above 0 "
        "to 1000 (.nan and .inf are not allowed)"
    )


@pytest.mark.parametrize(
    "key, value, words",
    [
        ("tmb.high_threshold", 1e9, "1000000000.0 is greater than the maximum of 1000"),
        ("copy_number.amp_copies", 1e6, "greater than the maximum of 1000"),
        ("copy_number.log2_deepdel", -1e6, "less than the minimum of -20"),
        ("filters.min_depth", 10**9, "greater than the maximum of 1000000"),
        ("profile_batch_size", 10**6, "greater than the maximum of 10000"),
    ],
)
def test_out_of_range_config_numbers_are_refused(key, value, words):
    with pytest.raises(InputError, match=words):
        validate_config(config_with(key, value), CONFIG_SCHEMA)


def test_profile_batch_size_is_auto_by_default_a_number_or_refused_with_the_fix():
    assert (
        validate_config({"cohort": "c", "samples": "s"}, CONFIG_SCHEMA)["profile_batch_size"]
        == "auto"
    )
    assert (
        validate_config(config_with("profile_batch_size", 20), CONFIG_SCHEMA)["profile_batch_size"]
        == 20
    )
    with pytest.raises(InputError) as caught:
        validate_config(config_with("profile_batch_size", "big"), CONFIG_SCHEMA, source="c.yaml")
    assert str(caught.value) == (
        "c.yaml: key 'profile_batch_size': 'big' does not match '^auto$'. Fix: give `auto` or "
        "a whole number of samples per job, 1 or more (for example 20)"
    )


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"pdl1": {"tps_low": 60, "tps_high": 50}},
         "key 'pdl1.tps_low' (60) is above 'pdl1.tps_high' (50). Fix: make pdl1.tps_low at "
         "most pdl1.tps_high"),
        ({"copy_number": {"log2_gain": 2.0, "log2_amp": 1.0}},
         "key 'copy_number.log2_gain' (2.0) is above 'copy_number.log2_amp' (1.0)."),
    ],
)  # fmt: skip
def test_thresholds_in_the_wrong_order_are_refused(settings, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        validate_config({"cohort": "c", "samples": "s", **settings}, CONFIG_SCHEMA)


def test_the_demo_config_loads_as_plain_yaml():
    config = load_cohort_config(REPO / "config" / "config.yaml")
    assert config["cohort"] == "demo"
    validate_config(config, CONFIG_SCHEMA)


YTE_CONFIG = """__use_yte__: true
cohort: ?__import__("pathlib").Path("{marker}").write_text("ran") and "demo"
samples: config/samples.tsv
"""


def test_a_yte_config_is_refused_without_running_its_code(tmp_path):
    marker = tmp_path / "code-ran"
    path = tmp_path / "cohort.yaml"
    path.write_text(YTE_CONFIG.format(marker=marker))
    with pytest.raises(InputError, match="key '__use_yte__': templating is not supported"):
        load_cohort_config(path)
    assert not marker.exists()


@pytest.mark.workflow
@pytest.mark.parametrize("how", ["default", "cohort_config"])
def test_the_workflow_never_runs_config_code_even_in_a_dry_run(tmp_path, how):
    """The old Snakefile read config/config.yaml (and --configfile) through YTE: code ran."""
    import shutil

    shutil.copytree(REPO / "config", tmp_path / "config")
    marker = tmp_path / "code-ran"
    config = tmp_path / "config" / ("config.yaml" if how == "default" else "evil.yaml")
    config.write_text(YTE_CONFIG.format(marker=marker))
    extra = [] if how == "default" else ["--config", f"cohort_config={config}"]
    done = subprocess.run(
        [sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"), "-d", str(tmp_path),
         "-n", "--cores", "1", *extra],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert not marker.exists()
    assert done.returncode != 0
    assert "templating is not supported" in done.stderr + done.stdout


def test_configfile_is_refused_with_the_safe_alternative(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"), "-d", str(tmp_path),
         "-n", "--configfile", str(REPO / "config" / "config.yaml")],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode != 0
    output = done.stdout + done.stderr
    assert "--configfile is not supported" in output
    assert "Fix: give the cohort config as --config cohort_config=PATH" in output


ALIAS_BOMB = "\n".join(
    ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 7)]
    + ["cohort: demo", "samples: s.tsv"]
)


@pytest.mark.parametrize(
    "text, words",
    [
        (ALIAS_BOMB, "more than 10000 values (aliases included)"),
        ("cohort: c\nsamples: s\nreport: " + "[" * 30 + "]" * 30, "nested more than 10 levels"),
        ("- just\n- a list\n", "must be a mapping"),
        ("cohort: [unclosed\n", "not valid YAML"),
        ("cohort: c\n# " + "x" * (1 << 20) + "\n", "larger than 1024 KiB"),
    ],
    ids=["alias_bomb", "nesting", "not_mapping", "bad_yaml", "too_large"],
)
def test_config_size_and_shape_limits(tmp_path, text, words):
    path = tmp_path / "cohort.yaml"
    path.write_text(text)
    started = time.perf_counter()
    with pytest.raises(InputError, match=re.escape(words)) as caught:
        load_cohort_config(path)
    assert time.perf_counter() - started < 5  # the bomb is 10^7 values when expanded
    assert str(path) in str(caught.value) and "Fix:" in str(caught.value)


def _fifo(tmp_path: Path) -> Path:
    fifo = tmp_path / "pipe.vcf"
    os.mkfifo(fifo)
    return fifo


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda tmp: tmp / "folder.vcf", "is a folder, not a file"),
        (_fifo, "is a named pipe (FIFO), not a file"),
        (lambda tmp: Path("/dev/zero"), "is a device, not a file"),
        (lambda tmp: tmp / "absent.vcf", "does not exist"),
    ],
    ids=["directory", "fifo", "device", "missing"],
)
def test_a_sheet_path_must_be_a_regular_file(tmp_path, make, words):
    (tmp_path / "folder.vcf").mkdir()
    target = make(tmp_path)
    sheet = tmp_path / "samples.tsv"
    sheet.write_text(f"sample\tvcf\nS1\t{target}\n")
    with pytest.raises(InputError) as caught:
        load_sample_sheet(sheet, SHEET_SCHEMA)
    assert str(caught.value) == (
        f"{sheet}, line 2, column 'vcf': '{target}' {words} (looked for {target}). "
        "Fix: correct the path; relative paths are relative to the sheet's folder"
    )


def test_a_fifo_given_as_the_sheet_is_refused_without_blocking(tmp_path):
    with pytest.raises(InputError, match=r"the sample sheet is a named pipe \(FIFO\)"):
        load_sample_sheet(_fifo(tmp_path), SHEET_SCHEMA)


def test_readers_refuse_a_device_without_reading_it():
    with pytest.raises(InputError, match="/dev/zero: the path is a device, not a file"):
        list(textfiles.iter_lines("/dev/zero"))


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-Infinity"])
def test_sheet_numbers_must_be_finite(tmp_path, value):
    (tmp_path / "a.vcf").write_text("")
    sheet = tmp_path / "samples.tsv"
    sheet.write_text(f"sample\tvcf\tki67\nS1\ta.vcf\t{value}\n")
    with pytest.raises(InputError, match=f"line 2, column 'ki67': '{value}' is not a number"):
        load_sample_sheet(sheet, SHEET_SCHEMA)


def test_a_gzip_bomb_copy_number_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(textfiles, "RATIO_CHECK_AFTER", 1 << 20)
    path = tmp_path / "S1.cns.gz"
    with gzip.open(path, "wb") as out:
        out.write(b"gene\tcopy_number\n")
        for _ in range(64):
            out.write(b"MYC\t8\n" * (1 << 16))
    assert path.stat().st_size < 40_000
    with pytest.raises(InputError, match="over 100 times its compressed size"):
        read_copy_number(path, build="GRCh38")


def test_ordinary_gzip_text_passes_the_ratio_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(textfiles, "RATIO_CHECK_AFTER", 1 << 10)
    path = tmp_path / "t.tsv.gz"
    text = "".join(f"chr1\t{i}\t{i * 7919 % 104729}\tGENE{i % 977}\n" for i in range(20_000))
    path.write_bytes(gzip.compress(text.encode()))
    assert [line for _, line in textfiles.iter_lines(path)] == text.splitlines()


def _sheet_parse_seconds(tmp_path: Path, columns: int) -> float:
    (tmp_path / "a.vcf").write_text("")
    names = [f"extra{i}" for i in range(columns)]
    sheet = tmp_path / f"wide{columns}.tsv"
    sheet.write_text("sample\tvcf\t" + "\t".join(names) + "\nS1\ta.vcf\t" + "\t".join(
        "x" for _ in names) + "\n")  # fmt: skip
    best = math.inf
    for _ in range(3):
        started = time.perf_counter()
        load_sample_sheet(sheet, SHEET_SCHEMA)
        best = min(best, time.perf_counter() - started)
    return best


def test_wide_sheets_parse_in_linear_time(tmp_path):
    """8x the columns must cost about 8x the time (quadratic would be 64x)."""
    small = _sheet_parse_seconds(tmp_path, 5_000)
    large = _sheet_parse_seconds(tmp_path, 40_000)
    assert large / small < 20, (small, large)


def test_yaml_dump_of_the_demo_config_round_trips():
    config = load_cohort_config(REPO / "config" / "config.yaml")
    assert yaml.safe_load(yaml.safe_dump(config)) == config


@pytest.mark.parametrize(
    "key, make, words",
    [
        ("expression.matrix", lambda tmp: tmp, "is a folder, not a file"),
        ("expression.reference", _fifo, "is a named pipe (FIFO), not a file"),
        ("annotation.gff3", lambda tmp: Path("/dev/zero"), "is a device, not a file"),
        ("knowledge_base.moalmanac", lambda tmp: tmp, "is a folder, not a file"),
        ("samples", lambda tmp: tmp / "absent.tsv", "does not exist"),
        ("knowledge_base.path", lambda tmp: REPO / "README.md", "is a file, not a folder"),
    ],
    ids=[
        "matrix_folder",
        "reference_fifo",
        "gff3_device",
        "moalmanac_folder",
        "missing_sheet",
        "kb_file",
    ],
)
def test_config_paths_must_be_regular_files(tmp_path, key, make, words):
    (tmp_path / "s.tsv").write_text("")
    target = make(tmp_path)
    config = config_with(key, str(target))
    if key != "samples":
        config["samples"] = str(tmp_path / "s.tsv")
    validate_config(config, CONFIG_SCHEMA)
    with pytest.raises(InputError) as caught:
        check_config_paths(config, source="cohort.yaml")
    assert str(caught.value).startswith(f"cohort.yaml: key '{key}': '{target}' {words}.")
    assert "Fix: set " + key in str(caught.value)


def test_the_demo_config_paths_pass(monkeypatch):
    monkeypatch.chdir(REPO)
    config = load_cohort_config(REPO / "config" / "config.yaml")
    validate_config(config, CONFIG_SCHEMA)
    check_config_paths(config)


def test_a_knowledge_base_alias_bomb_is_refused(tmp_path):
    from nenprofile.reference.knowledgebase import KB_FILES, load_knowledge_base

    kb_dir = REPO / "src" / "nenprofile" / "kb"
    for name in KB_FILES:
        (tmp_path / name).write_bytes((kb_dir / name).read_bytes())
    bomb = "\n".join(
        ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    )
    (tmp_path / "release.yaml").write_text((kb_dir / "release.yaml").read_text() + bomb + "\n")
    started = time.perf_counter()
    with pytest.raises(InputError, match="too large for a knowledge base: it holds more than"):
        load_knowledge_base(tmp_path)
    assert time.perf_counter() - started < 10
