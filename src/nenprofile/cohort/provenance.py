"""Provenance: what produced a run, so a report can be traced and reproduced."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import json
import os
import platform
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import nenprofile

TOOLS = ("snakemake", "pysam", "cyvcf2", "pandas", "numpy", "jinja2", "jsonschema", "weasyprint")


def sha256_file(path: str | Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def config_checksum(config: dict[str, Any]) -> str:
    canonical = json.dumps(config, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def run_date(config: dict[str, Any], environ: dict[str, str] | None = None) -> str:
    """The date printed on reports: config report.date, else SOURCE_DATE_EPOCH, else today.

    Reports are byte-identical across reruns when either of the first two is set.
    """
    environ = dict(os.environ) if environ is None else environ
    configured = (config.get("report") or {}).get("date")
    if configured:
        return str(configured)
    epoch = environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date().isoformat()
        except ValueError:
            pass
    return dt.date.today().isoformat()


def tool_versions() -> dict[str, str]:
    versions = {"python": platform.python_version(), "nenprofile": nenprofile.__version__}
    for tool in TOOLS:
        try:
            versions[tool] = importlib.metadata.version(tool)
        except importlib.metadata.PackageNotFoundError:
            versions[tool] = "not installed"
    try:
        import pysam

        htslib = getattr(pysam, "__htslib_version__", None)
        if htslib is not None:
            versions["htslib"] = str(htslib)
    except ImportError:
        pass
    return versions


def input_checksums(paths: Iterable[tuple[str, str, str]]) -> list[dict[str, str]]:
    """(sample, role, path) triples to rows with the file's sha256, in the given order. Each
    file is hashed once, however many rows name it (a cohort MAF of every sample)."""
    digests: dict[str, str] = {}
    rows = []
    for sample, role, path in paths:
        if path not in digests:
            digests[path] = sha256_file(path)
        rows.append({"sample": sample, "role": role, "path": path, "sha256": digests[path]})
    return rows


def collect_provenance(
    config: dict[str, Any],
    inputs: Iterable[tuple[str, str, str]],
    knowledge_base: dict[str, Any],
) -> dict[str, Any]:
    return {
        "pipeline": "nenprofile",
        "pipeline_version": nenprofile.__version__,
        "run_date": run_date(config),
        "config_sha256": config_checksum(config),
        "knowledge_base": knowledge_base,
        "tools": tool_versions(),
        "inputs": input_checksums(inputs),
    }
