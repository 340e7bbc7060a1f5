"""Adapter between a Snakemake `script:` job and a job function of this package.

Input errors become one readable paragraph in the log and exit 1; anything else is an
internal error with a traceback and exit 2. Either way the runner leaves a structured record
of the failure beside the log (layout.error_record_path), which the workflow's onerror
handler reads to say why each sample failed.
"""

from __future__ import annotations

import contextlib
import errno
import inspect
import json
import logging
import os
import resource
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from nenprofile.errors import BatchInputError, InputError
from nenprofile.io.outputs import read_tsv
from nenprofile.layout import SAMPLE_TABLES, error_record_path

log = logging.getLogger("nenprofile")


def run_stage(smk: Any, stage: Callable[..., None]) -> None:
    """Run a job function with the job's inputs, outputs, params, config and wildcards; on
    success its log ends with where the job's seconds went (job_timing)."""
    startup_cpu = time.process_time()
    started = time.perf_counter()
    log_path = smk.log[0] if len(smk.log) else None
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_path:
        Path(log_path).parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_path, mode="w", encoding="utf-8"))
        error_record_path(log_path).unlink(missing_ok=True)
    logging.basicConfig(
        level=logging.INFO, format="%(levelname)s %(message)s", handlers=handlers, force=True
    )
    extra = {"threads": smk.threads} if "threads" in inspect.signature(stage).parameters else {}
    try:
        params = dict(smk.params.items())
        stage(
            inputs=expand_profile_manifests(dict(smk.input.items()), params.get("samples", [])),
            outputs=dict(smk.output.items()),
            params=params,
            config=smk.config,
            wildcards=dict(smk.wildcards.items()),
            **extra,
        )
    except InputError as error:
        log.error("input error: %s", error)
        _record_failure(log_path, error=str(error), internal=False, error_obj=error)
        sys.exit(1)
    except OSError as error:
        message = system_error_message(error)
        if message is None:
            raise_internal(log_path)
        log.error("system error: %s", message)
        _record_failure(log_path, error=message, internal=False)
        sys.exit(1)
    except Exception:
        raise_internal(log_path)
    log.info("%s", job_timing(startup_cpu, started))


def expand_profile_manifests(inputs: dict[str, Any], samples: list[str]) -> dict[str, Any]:
    """Inputs as the job function takes them: a job downstream of batched profiling depends
    on the batches' manifests (input `profiled`) rather than on every sample's tables (what
    Snakemake is told about, it stats, tracks and checks per job), and gets, per table name
    (layout.SAMPLE_TABLES), its samples' paths in the order of `samples`, each one checked.
    """
    if "profiled" not in inputs:
        return inputs
    expanded = {k: v for k, v in inputs.items() if k != "profiled"}
    manifests = inputs["profiled"]
    listed: dict[str, tuple[str, dict[str, str]]] = {}
    for manifest in [manifests] if isinstance(manifests, str) else manifests:
        for row in read_tsv(manifest)[1]:
            listed[row["sample"]] = (manifest, row)
    for name in SAMPLE_TABLES:
        expanded[name] = []
        for sample in samples:
            manifest, row = listed[sample]
            path = row[name]
            if not Path(path).is_file():
                raise InputError(
                    f"sample {sample}'s table is missing, though the profiling manifest "
                    f"{manifest} lists it",
                    path=path,
                    fix=f"delete {manifest} and run again (its samples are profiled again)",
                )
            expanded[name].append(path)
    return expanded


def job_timing(startup_cpu: float, started: float) -> str:
    """The timing line of a finished job: the interpreter's start-up CPU (Python, the
    Snakemake script preamble and imports, before run_stage), then the job's wall seconds and
    CPU seconds, its child processes (bgzip, a forked reader) included."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    job_cpu = time.process_time() - startup_cpu + children.ru_utime + children.ru_stime
    return (
        f"timing: start-up {startup_cpu:.2f} CPU-s; job {time.perf_counter() - started:.2f} s "
        f"wall, {job_cpu:.2f} CPU-s"
    )


def raise_internal(log_path: str | None) -> NoReturn:
    log.error("internal error (please report with this log):\n%s", traceback.format_exc())
    _record_failure(log_path, error="internal error", internal=True)
    sys.exit(2)


# errno -> what the person running the workflow can do about it
_SYSTEM_FIXES = {
    errno.ENOSPC: "free space on that file system (or point the run at a larger disk), "
    "then run the same command again; finished outputs are kept",
    errno.EDQUOT: "free space within your disk quota or ask for a larger one, then run the "
    "same command again",
    errno.EACCES: "give your user read (inputs) or write (results/, logs/) permission on it, "
    "or run from a folder you own",
    errno.EPERM: "give your user permission on it, or run from a folder you own",
    errno.EROFS: "run from a writable folder (results/ and logs/ are written in the working "
    "directory)",
    errno.EMFILE: "raise the open-file limit (ulimit -n) or run fewer jobs at once (--cores)",
}


def system_error_message(error: OSError) -> str | None:
    """A disk-full, quota or permission error as a sentence naming the path and the fix;
    None for other OS errors (bugs until shown otherwise)."""
    fix = _SYSTEM_FIXES.get(error.errno or 0)
    if fix is None:
        return None
    where = error.filename or "a file this job writes"
    return f"{where}: {error.strerror or os.strerror(error.errno or 0)}. Fix: {fix}"


def _record_failure(
    log_path: str | None, *, error: str, internal: bool, error_obj: Exception | None = None
) -> None:
    if not log_path:
        return
    sample_errors = error_obj.sample_errors if isinstance(error_obj, BatchInputError) else {}
    record = {"error": error, "internal": internal, "log": str(log_path), "samples": sample_errors}
    with contextlib.suppress(OSError):  # best effort: the disk may be the problem
        error_record_path(log_path).write_text(json.dumps(record, indent=1), encoding="utf-8")


def read_failure(log_path: str | Path) -> dict[str, Any] | None:
    """The runner's record of a failed job, or None when the job left none."""
    path = error_record_path(log_path)
    if not path.is_file():
        return None
    try:
        record: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record
