"""bcftools steps run through pysam: left-align (norm) and consequence calling (csq)."""

from __future__ import annotations

import os
from typing import Any

from nenprofile.errors import InputError


def _bcftools() -> Any:
    import pysam.bcftools  # plain `import pysam` does not expose the bcftools module

    return pysam.bcftools


def left_align(path: str, reference_fasta: str, out_path: str) -> str:
    """bcftools norm -f REF (left-align, normalise indels; REF mismatches warned, not fatal)."""
    _run("norm", path, ["-f", reference_fasta, "-c", "w", "-Oz", "-o", out_path, path])
    return out_path


def annotate_csq(path: str, reference_fasta: str, gff3: str, out_path: str) -> str:
    """bcftools csq with per-record (local) consequences written to INFO/BCSQ."""
    args = ["-f", reference_fasta, "-g", gff3, "--force", "-l", "-p", "a", "-s", "-",
            "-Oz", "-o", out_path, path]  # fmt: skip
    _run("csq", path, args)
    return out_path


def _run(command: str, path: str, args: list[str]) -> None:
    import pysam.utils

    try:
        getattr(_bcftools(), command)(*args, catch_stdout=False)
    except pysam.utils.SamtoolsError as error:
        raise InputError(
            f"bcftools {command} failed: {str(error).strip()[:500]}",
            path=path,
            fix="check that the reference FASTA (and GFF3) match this VCF's build and "
            "chromosome names (chr1 vs 1)",
        ) from error
    if not os.path.exists(args[-2]):
        raise InputError(f"bcftools {command} wrote no output", path=path)
