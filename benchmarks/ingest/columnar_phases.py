"""CPU of the columnar engine's phases on one real chunk, per million lines.

    PYTHONPATH=src python benchmarks/ingest/columnar_phases.py FILE.vcf.gz [--reps N]

Reads FILE with engine='columnar' into a ProfileSink with a variant table (what the
profiling job does) until the first full chunk (columnar.CHUNK_BYTES of text), then runs
each phase on that chunk N times in this process with one polars thread and prints the
least CPU seconds of each, scaled to a million lines. The least of several runs is what
compares on a loaded machine; run it for two trees in turn (PYTHONPATH) for an A/B.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
from collections.abc import Callable
from typing import Any

os.environ.setdefault("POLARS_MAX_THREADS", "1")

from nenprofile.ingest.variants._fast import columnar
from nenprofile.ingest.variants.table import VariantTableWriter, part_path_for
from nenprofile.ingest.variants.vcf import read_vcf
from nenprofile.interpret.biomarkers import BiomarkerSettings
from nenprofile.jobs.profile_sink import ProfileSink
from nenprofile.reference.knowledgebase import load_knowledge_base


class _Caught(Exception):
    pass


def first_full_chunk(path: str, out: str) -> tuple[Any, bytes]:
    """The engine's reader of path and the first chunk of a full CHUNK_BYTES."""
    caught: dict[str, Any] = {}
    real = columnar.ColumnarReader._chunk

    def catch(self: Any, data: bytes, route: Any) -> None:
        if len(data) < columnar.CHUNK_BYTES * 0.9:
            real(self, data, route)
            return
        caught.update(reader=self, data=data)
        raise _Caught

    columnar.ColumnarReader._chunk = catch  # type: ignore[method-assign]
    genes = load_knowledge_base().genes
    with open(out, "wb") as raw:
        sink = ProfileSink(genes, BiomarkerSettings(), VariantTableWriter(raw, part_path_for(out)))
        try:
            read_vcf(path, engine="columnar", workers=1, consumer=sink, genes=genes)
        except _Caught:
            pass
        finally:
            columnar.ColumnarReader._chunk = real  # type: ignore[method-assign]
    if not caught:
        raise SystemExit(f"{path}: no chunk of {columnar.CHUNK_BYTES} bytes read column-wise")
    return caught["reader"], caught["data"]


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def phases(reader: Any, data: bytes, reps: int) -> dict[str, float]:
    """The least CPU seconds of each phase over reps runs."""
    best: dict[str, float] = {}

    def timed(phase: Callable[..., Any], *args: Any) -> Any:
        start = cpu()
        result = phase(*args)
        name = phase.__name__
        best[name] = min(best.get(name, float("inf")), cpu() - start)
        return result

    for _ in range(reps):
        frame = timed(reader._frame, data)
        kept = frame.filter(~timed(reader._filtered, frame))
        plain, rows = timed(reader._plain_rows, kept, [None] * 5)
        timed(reader._bulk_runs, plain, rows)
    best["lines"] = data.count(b"\n")
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("vcf")
    parser.add_argument("--reps", type=int, default=6)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        reader, data = first_full_chunk(args.vcf, os.path.join(tmp, "variants.tsv.gz"))
        best = phases(reader, data, args.reps)
    scale = 1_000_000 / best.pop("lines")
    figures = {name: seconds * scale for name, seconds in best.items()}
    print(" ".join(f"{name}={seconds:.2f}" for name, seconds in figures.items()),
          f"all={sum(figures.values()):.2f} CPU-s per million lines")  # fmt: skip


if __name__ == "__main__":
    main()
