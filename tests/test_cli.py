"""The `nenprofile` command: init (inputs told apart by content), validate, run, --help."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from nenprofile import cli

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "config" / "demo"


def read_sheet(path: Path) -> dict[str, dict[str, str]]:
    with open(path, newline="") as handle:
        return {row["sample"]: row for row in csv.DictReader(handle, delimiter="\t")}


def copy_as(source: str, folder: Path, name: str) -> Path:
    target = folder / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(DEMO / source, target)
    return target


@pytest.fixture
def neutral_folder(tmp_path: Path) -> Path:
    """Demo files under names that say nothing about their format."""
    folder = tmp_path / "in"
    copy_as("NEN01.vep.vcf.gz", folder, "a.dat")
    copy_as("NEN03.mutect2.vep.vcf.gz", folder, "b.dat")
    copy_as("NEN10.maf", folder, "c.dat")
    copy_as("NEN06.vep.vcf.gz", folder, "sub/d.dat")
    copy_as("expression/salmon.merged.gene_tpm.tsv", folder, "e.dat")
    copy_as("NEN01.vep.vcf.gz.tbi", folder, "f.dat")
    copy_as("cna/NEN01.gene_cn.tsv", folder, "NEN01.dat")
    copy_as("cna/NEN06.segments.tsv", folder, "sub/NEN06_cn.dat")
    copy_as("cna/NEN04.gene_cn.tsv", folder, "zzz.dat")
    copy_as("fusions/NEN10.arriba.fusions.tsv", folder, "NEN10-x.dat")
    (folder / "notes.dat").write_text("free text, not a table\n")
    return folder


def test_init_recognises_inputs_by_content_and_pairs_by_sample(neutral_folder, tmp_path, capsys):
    out = tmp_path / "cohort"
    status = cli.main(["init", str(neutral_folder), "--cohort", "t1", "--out", str(out)])
    captured = capsys.readouterr()
    assert status == 0, captured.err

    sheet = read_sheet(out / "samples.tsv")
    assert list(sheet) == ["NEN01", "NEN03_T", "NEN10", "NEN06"]

    def used(row: dict[str, str]) -> dict[str, str]:
        return {k: v for k, v in row.items() if v}

    # the input folder is not below the config folder, so paths are absolute
    assert used(sheet["NEN01"]) == {
        "sample": "NEN01",
        "vcf": str(neutral_folder / "a.dat"),
        "cna": str(neutral_folder / "NEN01.dat"),
        "genome_build": "GRCh38",
    }
    assert used(sheet["NEN03_T"]) == {
        "sample": "NEN03_T",
        "vcf": str(neutral_folder / "b.dat"),
        "tumor_sample": "NEN03_T",
        "normal_sample": "NEN03_N",
        "genome_build": "GRCh38",
    }
    assert used(sheet["NEN10"]) == {
        "sample": "NEN10",
        "maf": str(neutral_folder / "c.dat"),
        "fusions": str(neutral_folder / "NEN10-x.dat"),
        "genome_build": "GRCh38",
    }
    assert used(sheet["NEN06"]) == {
        "sample": "NEN06",
        "vcf": str(neutral_folder / "sub" / "d.dat"),
        "cna": str(neutral_folder / "sub" / "NEN06_cn.dat"),
        "genome_build": "GRCh38",
    }
    config = yaml.safe_load((out / "config.yaml").read_text())
    assert config == {
        "cohort": "t1",
        "samples": str(out / "samples.tsv"),
        "genome_build": "GRCh38",
        "expression": {"matrix": str(neutral_folder / "e.dat")},
    }

    assert "f.dat: tabix index, not an input" in captured.err
    assert (
        "zzz.dat: gene table (cna): neither the file nor its name names a sample of a VCF or "
        "MAF here (samples: NEN01, NEN03_T, NEN10, NEN06); start its name with the sample id"
    ) in captured.err
    assert "notes.dat: not a VCF (no ##fileformat=VCF first line)" in captured.err
    assert f"no expression column for NEN03_T, NEN10 in {neutral_folder / 'e.dat'}" in captured.err
    assert "expression column(s) NEN02, NEN03, NEN04" in captured.err
    # what init wrote passes the workflow's validation
    assert "OK: cohort 't1', 4 samples" in captured.out
    _config, loaded = cli.load_cohort(out / "config.yaml", tmp_path)
    assert loaded.samples == ["NEN01", "NEN03_T", "NEN10", "NEN06"]


def test_init_refuses_to_overwrite_without_force(neutral_folder, tmp_path, capsys):
    out = tmp_path / "cohort"
    out.mkdir()
    (out / "config.yaml").write_text("mine\n")
    assert cli.main(["init", str(neutral_folder), "--out", str(out)]) == 1
    assert (out / "config.yaml").read_text() == "mine\n"
    assert not (out / "samples.tsv").exists()
    assert (
        f"nenprofile init: error: {out / 'config.yaml'} already exist(s). Fix: add --force to "
        "overwrite, or choose another folder with --out"
    ) in capsys.readouterr().err
    assert cli.main(["init", str(neutral_folder), "--out", str(out), "--force"]) == 0
    assert (out / "config.yaml").read_text().startswith("# Cohort 'in', written by")


def test_init_refuses_a_cohort_name_the_schema_rejects(neutral_folder, tmp_path, capsys):
    assert cli.main(["init", str(neutral_folder), "--cohort", "my cohort"]) == 1
    assert capsys.readouterr().err == (
        "nenprofile init: error: cohort name 'my cohort'. Fix: use letters, digits, '_', '-' "
        "or '.' only (it becomes a folder name)\n"
    )


def test_init_without_variant_files_writes_nothing(tmp_path, capsys):
    folder = tmp_path / "only_cn"
    copy_as("cna/NEN01.gene_cn.tsv", folder, "NEN01.tsv")
    out = tmp_path / "cohort"
    assert cli.main(["init", str(folder), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "NEN01.tsv: gene table (cna): neither the file nor its name names a sample" in err
    assert f"ERROR: no VCF or MAF in {folder}; every sample needs one. Nothing written." in err
    assert not out.exists()


def write_vcf(path: Path, columns: list[str], header: tuple[str, ...] = ()) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fixed = "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO"
    names = "\tFORMAT\t" + "\t".join(columns) if columns else ""
    path.write_text("\n".join(["##fileformat=VCFv4.2", *header, fixed + names, ""]))
    return path


def test_generic_tumor_column_takes_the_id_from_the_file_name(tmp_path, capsys):
    folder = tmp_path / "in"
    write_vcf(folder / "P7.strelka.vcf", ["NORMAL", "TUMOR"])
    write_vcf(folder / "P8.vcf", [])
    assert cli.main(["init", str(folder), "--out", str(tmp_path / "c")]) == 0
    sheet = read_sheet(tmp_path / "c" / "samples.tsv")
    assert [(r["sample"], r["tumor_sample"], r["normal_sample"]) for r in sheet.values()] == [
        ("P7", "TUMOR", "NORMAL"),
        ("P8", "", ""),
    ]
    err = capsys.readouterr().err
    assert "P7.strelka.vcf names its tumour 'TUMOR': sample id 'P7' taken from the file" in err
    assert "P8.vcf has no sample column: sample id 'P8' taken from the file name" in err


def test_second_variant_file_of_a_sample_and_unclear_tumor_are_listed(tmp_path, capsys):
    folder = tmp_path / "in"
    write_vcf(folder / "x1.vcf", ["S1"])
    write_vcf(folder / "x2.vcf", ["S1"])
    write_vcf(folder / "x3.vcf", ["A", "B"])
    assert cli.main(["init", str(folder), "--out", str(tmp_path / "c")]) == 0
    assert list(read_sheet(tmp_path / "c" / "samples.tsv")) == ["S1"]
    err = capsys.readouterr().err
    assert f"x2.vcf: sample S1 already has a variant file ({folder / 'x1.vcf'}); one per" in err
    assert (
        "x3.vcf: cannot tell which of the 2 sample columns is the tumor; the columns are: A, B; "
        "add its row by hand with tumor_sample"
    ) in err


def test_multi_sample_copy_number_pairs_by_its_columns(tmp_path):
    folder = tmp_path / "in"
    write_vcf(folder / "v1.vcf", ["S1"])
    write_vcf(folder / "v2.vcf", ["S2"])
    (folder / "cn.txt").write_text("Hugo_Symbol\tEntrez_Gene_Id\tS1\tS2\tS9\nRB1\t5925\t-2\t0\t1\n")
    assert cli.main(["init", str(folder), "--out", str(tmp_path / "c")]) == 0
    sheet = read_sheet(tmp_path / "c" / "samples.tsv")
    assert sheet["S1"]["cna"] == sheet["S2"]["cna"] == str(folder / "cn.txt")


def test_validate_demo_config(monkeypatch, capsys):
    monkeypatch.chdir(REPO)
    assert cli.main(["validate", "--configfile", "config/config.yaml"]) == 0
    assert capsys.readouterr().out == (
        "OK: cohort 'demo', 10 samples from config/samples.tsv\n"
        "  inputs: 9 VCF, 1 MAF, 5 copy number, 1 fusions; expression matrix: "
        "config/demo/expression/salmon.merged.gene_tpm.tsv\n"
        "  results go to results/demo/\n"
    )


def demo_copy(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "config", tmp_path / "config")
    return tmp_path


BROKEN_LINE = (
    "config/samples.tsv, line 5, column 'differentiation': 'poorly' is not one of "
    "['well', 'poor', 'unknown']. Fix: write well, poor or unknown"
)


@pytest.mark.workflow
def test_validate_broken_sheet_gives_line_and_fix_as_the_workflow_does(tmp_path, capsys):
    workdir = demo_copy(tmp_path)
    sheet = workdir / "config" / "samples.tsv"
    lines = sheet.read_text().split("\n")
    assert lines[4].startswith("NEN04\t")
    lines[4] = lines[4].replace("\tpoor\t90\t", "\tpoorly\t90\t")
    sheet.write_text("\n".join(lines))
    status = cli.main(
        [
            "validate",
            "--configfile",
            str(workdir / "config" / "config.yaml"),
            "--directory",
            str(workdir),
        ]
    )
    assert status == 1
    assert capsys.readouterr().err == f"ERROR: {workdir}/{BROKEN_LINE}\n"
    workflow = subprocess.run(
        [sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"), "-n"],
        cwd=workdir,
        capture_output=True,
        text=True,
        check=False,
    )
    assert workflow.returncode == 1
    assert f"\n{BROKEN_LINE}\n" in workflow.stdout + workflow.stderr


def test_validate_yaml_error_names_the_line(tmp_path, capsys):
    config = tmp_path / "c.yaml"
    config.write_text("cohort: x\nsamples: [a\n")
    assert cli.main(["validate", "--configfile", str(config)]) == 1
    assert capsys.readouterr().err == (
        f"ERROR: {config}, line 3: not valid YAML (did not find expected ',' or ']'). "
        "Fix: correct the YAML at that line (indent with spaces, 'key: value')\n"
    )


def nenprofile(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nenprofile.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.workflow
def test_run_dry_run_on_a_demo_copy(tmp_path):
    workdir = demo_copy(tmp_path)
    result = nenprofile(
        "run", "--configfile", "config/config.yaml", "-n", "--cores", "1", cwd=workdir
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert re.search(r"^profile_sample\s+10$", result.stdout, re.MULTILINE)
    assert re.search(r"^score_expression_markers\s+1$", result.stdout, re.MULTILINE)
    assert f"--snakefile {REPO / 'Snakefile'}" in result.stderr
    assert not (workdir / "results").exists()


@pytest.mark.workflow
def test_run_configfile_replaces_the_demo_config(tmp_path):
    """Plain `snakemake --configfile` merges onto config/config.yaml of the working folder,
    so a cohort without an expression block would score the demo's matrix."""
    workdir = demo_copy(tmp_path)
    (workdir / "cohort.yaml").write_text("cohort: mine\nsamples: config/samples.tsv\n")
    result = nenprofile("run", "--configfile", "cohort.yaml", "-n", cwd=workdir)
    assert result.returncode == 0, result.stderr[-2000:]
    assert re.search(r"^profile_sample\s+10$", result.stdout, re.MULTILINE)
    assert "score_expression_markers" not in result.stdout
    assert "results/mine/" in result.stdout and "results/demo/" not in result.stdout


def test_run_without_a_config_explains(tmp_path):
    result = nenprofile("run", "-n", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == (
        "nenprofile run: error: no --configfile given and no config/config.yaml here. Fix: "
        "nenprofile run --configfile cohorts/<name>/config.yaml (nenprofile init writes one)\n"
    )


def test_snakemake_command_passes_other_arguments_through(tmp_path):
    config = tmp_path / "c.yaml"
    assert cli.snakemake_command(Path("/x/Snakefile"), config, ["--cores", "2", "-n"]) == [
        *(sys.executable, "-m", "snakemake", "--snakefile", "/x/Snakefile"),
        *("--configfile", str(config.resolve()), "--replace-workflow-config"),
        *("--cores", "2", "-n"),
    ]


def test_run_needs_the_checkout_but_validate_only_the_packaged_schemas(monkeypatch, tmp_path):
    monkeypatch.setattr(cli, "__file__", str(tmp_path / "site-packages" / "nenprofile" / "cli.py"))
    with pytest.raises(cli.CommandError, match=r"Fix: install nenprofile from a source checkout"):
        cli.workflow_root()
    monkeypatch.chdir(REPO)
    assert cli.main(["validate", "--configfile", "config/config.yaml"]) == 0


def test_installed_console_script_help():
    script = shutil.which("nenprofile")
    assert script, "the nenprofile console script is not installed (pip install -e .)"
    top = subprocess.run([script, "--help"], capture_output=True, text=True, check=False)
    assert top.returncode == 0, top.stderr
    for command in ("init", "validate", "run"):
        assert re.search(rf"^    {command} ", top.stdout, re.MULTILINE), top.stdout
    init = subprocess.run([script, "init", "--help"], capture_output=True, text=True, check=False)
    assert init.returncode == 0
    assert "nenprofile init /data/nen_cohort --cohort nen2026 --out cohorts/nen2026" in init.stdout
