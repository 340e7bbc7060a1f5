"""The `nenprofile` command: init a cohort from a folder, validate its config, run the workflow."""

from __future__ import annotations

import argparse
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from nenprofile.errors import InputError
from nenprofile.ingest.sheet import (
    KNOWN_COLUMNS,
    SampleSheet,
    load_sample_sheet,
    path_for_sheet,
    validate_config,
)
from nenprofile.io.outputs import atomic_write, write_tsv
from nenprofile.io.validation import load_schema
from nenprofile.io.yamltext import load_yaml
from nenprofile.layout import Layout
from nenprofile.settings import CONFIG_SCHEMA, SAMPLES_SCHEMA, schema_default

if TYPE_CHECKING:  # the readers behind discovery load pandas: only `init` imports them
    from nenprofile.ingest.discover import CohortPlan, Recognised, SheetRow, Unused

# config keys naming files or folders the jobs read: (dotted key, must be a folder)
CONFIG_PATHS = (
    ("expression.matrix", False),
    ("expression.reference", False),
    ("knowledge_base.path", True),
    ("knowledge_base.civic", False),
    ("annotation.reference_fasta", False),
    ("annotation.gff3", False),
)
CLINICAL_COLUMNS = ("tumor_site", "differentiation", "ki67", "pdl1_tps", "pdl1_cps", "msi_status")


class CommandError(Exception):
    """A problem with how the command was called or installed; printed without a traceback."""


def workflow_root() -> Path:
    """The checkout holding the Snakefile (a source or editable install: src/nenprofile/cli.py
    is two folders below it). The schemas are package data and need no checkout."""
    root = Path(__file__).resolve().parents[2]
    if (root / "Snakefile").is_file() and (root / "workflow" / "rules").is_dir():
        return root
    raise CommandError(
        f"the nenprofile workflow (Snakefile, workflow/rules) is not beside the installed "
        f"package (looked in {root}). Fix: install nenprofile from a source checkout: "
        "git clone <nenprofile repository> && cd nenprofile && pip install -e ."
    )


# ---------------------------------------------------------------------------------- validate


def read_config_file(path: Path) -> dict[str, Any]:
    """The cohort config as Snakemake loads it (YAML), or InputError naming the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(
            "config file not found.",
            path=str(path),
            fix="give the path of a cohort config.yaml (nenprofile init writes one)",
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(
            f"cannot read the config file ({error}).", path=str(path), fix="save it as UTF-8 text"
        ) from None
    try:
        config = load_yaml(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        raise InputError(
            f"not valid YAML ({error.problem}).",
            path=str(path),
            line=mark.line + 1 if mark else None,
            fix="correct the YAML at that line (indent with spaces, 'key: value')",
        ) from None
    if not isinstance(config, dict):
        raise InputError(
            "the config is not a mapping of keys.",
            path=str(path),
            fix="write one 'key: value' per line, at least 'cohort:' and 'samples:'",
        )
    return config


def load_cohort(configfile: Path, directory: Path) -> tuple[dict[str, Any], SampleSheet]:
    """The workflow's start-up validation (workflow/rules/common.smk: validate_config, then
    load_sample_sheet), then the files the config names. Relative paths in the config
    resolve against `directory`, the folder the workflow runs in."""
    config = read_config_file(configfile)
    validate_config(config, CONFIG_SCHEMA, source=str(configfile))
    sheet = load_sample_sheet(
        directory / config["samples"],
        SAMPLES_SCHEMA,
        default_build=config["genome_build"],
    )
    for key, is_folder in CONFIG_PATHS:
        section, name = key.split(".")
        value = config[section][name]
        target = directory / value if value else None
        if target is not None and not (target.is_dir() if is_folder else target.is_file()):
            raise InputError(
                f"key '{key}': {'folder' if is_folder else 'file'} '{value}' does not exist "
                f"(looked for {target}).",
                path=str(configfile),
                fix="correct the path; relative paths are relative to the folder you run from",
            )
    return config, sheet


def cohort_summary(config: dict[str, Any], sheet: SampleSheet) -> str:
    rows = sheet.rows.values()

    def count(column: str) -> int:
        return sum(1 for row in rows if column in row)

    matrix = config["expression"]["matrix"] or "none"
    return (
        f"OK: cohort '{config['cohort']}', {len(sheet.samples)} samples from {sheet.path}\n"
        f"  inputs: {count('vcf')} VCF, {count('maf')} MAF, {count('cna')} copy number, "
        f"{count('fusions')} fusions; expression matrix: {matrix}\n"
        f"  results go to {Layout(config['cohort']).results}/"
    )


def validate_command(configfile: Path, directory: Path) -> int:
    try:
        config, sheet = load_cohort(configfile, directory)
    except InputError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    for warning in sheet.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(cohort_summary(config, sheet))
    return 0


# ---------------------------------------------------------------------------------- init


def cohort_name(folder: Path, pattern: str) -> str:
    """The folder's name as a cohort name the config schema accepts."""
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", folder.resolve().name).strip("_") or "cohort"
    return name if re.match(pattern, name) else "cohort"


def sheet_rows(plan: CohortPlan, sheet_folder: Path) -> list[dict[str, Any]]:
    """Sheet rows with paths relative to the sheet's folder, every known column present."""
    rows = []
    for row in plan.rows:
        cells: dict[str, Any] = dict.fromkeys(KNOWN_COLUMNS, "")
        for column in KNOWN_COLUMNS:
            value = getattr(row, column, None)
            if isinstance(value, Path):
                value = path_for_sheet(value, sheet_folder)
            if value is not None:
                cells[column] = value
        rows.append(cells)
    return rows


def config_text(cohort: str, source: Path, sheet: Path, plan: CohortPlan) -> str:
    config = {
        "cohort": cohort,
        "samples": str(sheet.resolve()),
        "genome_build": plan.genome_build,
        "expression": {"matrix": str(plan.matrix.resolve()) if plan.matrix else None},
    }
    header = (
        f"# Cohort '{cohort}', written by `nenprofile init {source}`.\n"
        "# Every other key has its default; each key, its default and its meaning:\n"
        "# config/README.md. Set tmb.target_size_mb to the assay's coding territory.\n"
    )
    return header + yaml.safe_dump(config, sort_keys=False, default_flow_style=False)


def describe_row(row: SheetRow, found: dict[Path, Recognised], folder: Path) -> str:
    parts = []
    for column in ("vcf", "maf", "cna", "fusions"):
        path = getattr(row, column)
        if path is not None:
            parts.append(f"{column} {path_for_sheet(path, folder)} ({found[path].layout})")
    build = f", {row.genome_build}" if row.genome_build else ""
    return f"  {row.sample}{build}: " + "; ".join(parts)


def print_unused(unused: list[Unused], notes: list[str], folder: Path) -> None:
    if unused:
        print(f"not used ({len(unused)}):", file=sys.stderr)
        for entry in unused:
            print(f"  {path_for_sheet(entry.path, folder)}: {entry.reason}", file=sys.stderr)
    if notes:
        print(f"check ({len(notes)}):", file=sys.stderr)
        for note in notes:
            print(f"  {note}", file=sys.stderr)


def init_command(folder: Path, cohort: str | None, out: Path | None, force: bool) -> int:
    if not folder.is_dir():
        raise CommandError(f"{folder} is not a folder. Fix: give the folder holding the inputs")
    properties = load_schema(CONFIG_SCHEMA)["properties"]
    cohort_pattern = properties["cohort"]["pattern"]
    cohort = cohort or cohort_name(folder, cohort_pattern)
    if not re.match(cohort_pattern, cohort):
        raise CommandError(f"cohort name '{cohort}'. Fix: {properties['cohort']['x-fix']}")
    out = out or Path("cohorts") / cohort
    config_path, sheet_path = out / "config.yaml", out / "samples.tsv"
    existing = [str(p) for p in (config_path, sheet_path) if p.exists()]
    if existing and not force:
        raise CommandError(
            f"{' and '.join(existing)} already exist(s). Fix: add --force to overwrite, or "
            "choose another folder with --out"
        )
    from nenprofile.ingest.discover import plan_cohort, scan_folder

    default_build = schema_default("genome_build")
    found, unused = scan_folder(folder, default_build)
    pattern = load_schema(SAMPLES_SCHEMA)["properties"]["sample"]["pattern"]
    plan = plan_cohort(found, default_build=default_build, sample_pattern=pattern)
    plan.unused[:0] = unused
    print_unused(plan.unused, plan.notes, folder)
    if not plan.rows:
        print(
            f"ERROR: no VCF or MAF in {folder}; every sample needs one. Nothing written.",
            file=sys.stderr,
        )
        return 1
    out.mkdir(parents=True, exist_ok=True)
    write_tsv(sheet_path, sheet_rows(plan, out), KNOWN_COLUMNS)
    with atomic_write(config_path) as handle:
        handle.write(config_text(cohort, folder, sheet_path, plan))
    by_path = {f.path: f for f in found}
    print(f"{len(plan.rows)} samples from {folder}:")
    for row in plan.rows:
        print(describe_row(row, by_path, folder))
    if plan.matrix:
        print(f"  expression matrix: {path_for_sheet(plan.matrix, folder)}")
    print(f"wrote {config_path} and {sheet_path} ({len(plan.rows)} samples)")
    status = validate_command(config_path, Path.cwd())
    if status == 0:
        print(
            f"next: fill {', '.join(CLINICAL_COLUMNS)} in {sheet_path} (config/README.md), "
            f"then: nenprofile run --configfile {config_path} --cores 4"
        )
    return status


# ---------------------------------------------------------------------------------- run


def snakemake_command(snakefile: Path, configfile: Path | None, extra: list[str]) -> list[str]:
    """Snakemake on `snakefile`; a given configfile replaces the Snakefile's default config
    (config/config.yaml) instead of being merged onto it, so no demo setting leaks in."""
    command = [sys.executable, "-m", "snakemake", "--snakefile", str(snakefile)]
    if configfile is not None:
        command += ["--configfile", str(configfile.resolve()), "--replace-workflow-config"]
    return command + extra


def run_command(configfile: Path | None, extra: list[str]) -> int:
    snakefile = workflow_root() / "Snakefile"
    sets_directory = any(a in ("-d", "--directory") or a.startswith("--directory=") for a in extra)
    if configfile is None and not sets_directory and not Path("config/config.yaml").is_file():
        raise CommandError(
            "no --configfile given and no config/config.yaml here. Fix: nenprofile run "
            "--configfile cohorts/<name>/config.yaml (nenprofile init writes one)"
        )
    if configfile is not None and not configfile.is_file():
        raise CommandError(f"config file {configfile} not found. Fix: check the path")
    command = snakemake_command(snakefile, configfile, extra)
    print(f"nenprofile run: {shlex.join(command)}", file=sys.stderr)
    return subprocess.run(command, check=False).returncode


# ---------------------------------------------------------------------------------- parser

TOP_EXAMPLE = """\
a cohort in three steps (each command's --help explains it):
  nenprofile init /data/nen_cohort --out cohorts/nen2026    # config + sample sheet
  nenprofile validate --configfile cohorts/nen2026/config.yaml
  nenprofile run --configfile cohorts/nen2026/config.yaml --cores 8"""

INIT_HELP = """\
Write a cohort config.yaml and samples.tsv from the input files found in DIR (and its
subfolders). Files are recognised by their content, never by name:
  VCF (plain or bgzipped, first line ##fileformat=VCF): one sample, the tumour column
    (Mutect2 ##tumor_sample, a column named TUMOR, or the only column)
  MAF (Hugo_Symbol ... Tumor_Sample_Barcode header): one sample per barcode
  copy number (gene table, cBioPortal discrete, SEG or allele-specific segments),
  fusions (Arriba, STAR-Fusion, gene5/gene3 table): paired to the sample named in the file,
    else to the sample id the file name starts with (NEN01.cns, NEN01_cn.tsv)
  expression: one genes x samples TPM matrix (nf-core salmon.merged.gene_tpm.tsv, ...)
Files not used, and why, are listed on stderr. Clinical columns (tumor_site, ki67, PD-L1,
MSI) are left empty for you to fill. Existing files are not overwritten without --force."""

INIT_EXAMPLE = """\
example:
  nenprofile init /data/nen_cohort --cohort nen2026 --out cohorts/nen2026
  nenprofile validate --configfile cohorts/nen2026/config.yaml"""

VALIDATE_HELP = """\
Check a cohort config and its sample sheet exactly as the workflow does when it starts
(schema, every sheet row, that each input file exists), without running anything.
Prints a summary and exits 0, or prints the first problem (file, line, column, fix) and
exits 1. Relative paths in the config resolve against --directory (default: here), the
folder you run the workflow from."""

VALIDATE_EXAMPLE = """\
example:
  nenprofile validate --configfile cohorts/nen2026/config.yaml"""

RUN_HELP = """\
Run the nenprofile Snakemake workflow (the Snakefile of this installation). Every option
nenprofile does not know is passed to Snakemake (--cores, -n, --profile, --keep-going,
--directory, ...). With --configfile the file replaces the demo config instead of being
merged onto it. Results go to results/<cohort>/ in the folder you run from."""

RUN_EXAMPLE = """\
examples:
  nenprofile run --configfile cohorts/nen2026/config.yaml -n          # dry run: list the jobs
  nenprofile run --configfile cohorts/nen2026/config.yaml --cores 8
  nenprofile run --configfile cohorts/nen2026/config.yaml --cores 8 --keep-going"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nenprofile",
        description="Molecular tumor board reports for high-grade neuroendocrine neoplasms.",
        epilog=TOP_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, summary: str, description: str, epilog: str) -> argparse.ArgumentParser:
        return commands.add_parser(
            name,
            help=summary,
            description=description,
            epilog=epilog,
            formatter_class=argparse.RawDescriptionHelpFormatter,
            allow_abbrev=False,
        )

    init = command(
        "init", "write a cohort config and sample sheet from a folder", INIT_HELP, INIT_EXAMPLE
    )
    init.add_argument("folder", metavar="DIR", type=Path, help="folder with the input files")
    init.add_argument("--cohort", metavar="NAME", help="cohort name (default: DIR's name)")
    init.add_argument(
        "--out",
        metavar="CONFIGDIR",
        type=Path,
        help="folder for config.yaml and samples.tsv (default: cohorts/NAME)",
    )
    init.add_argument("--force", action="store_true", help="overwrite existing files")
    validate = command(
        "validate",
        "check a config and sample sheet without running",
        VALIDATE_HELP,
        VALIDATE_EXAMPLE,
    )
    validate.add_argument("--configfile", metavar="F", type=Path, required=True)
    validate.add_argument(
        "--directory",
        metavar="DIR",
        type=Path,
        default=Path(),
        help="folder the workflow will run from (default: the current folder)",
    )
    run = command("run", "run the workflow (other options go to Snakemake)", RUN_HELP, RUN_EXAMPLE)
    run.add_argument(
        "--configfile",
        metavar="F",
        type=Path,
        help="cohort config (default: config/config.yaml, the demo)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "run":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        if args.command == "init":
            return init_command(args.folder, args.cohort, args.out, args.force)
        if args.command == "validate":
            return validate_command(args.configfile, args.directory)
        return run_command(args.configfile, extra)
    except CommandError as error:
        print(f"nenprofile {args.command}: error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
