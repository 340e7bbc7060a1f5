"""Adapter between a Snakemake `script:` job and a job function of this package.

Input errors become one readable paragraph in the log and exit 1; anything else is an
internal error with a traceback and exit 2. Either way the runner leaves a structured record
of the failure beside the log (layout.error_record_path), which the workflow's onerror
handler reads to say why each sample failed.
"""

from __future__ import annotations

import inspect
import json
import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nenprofile.errors import BatchInputError, InputError
from nenprofile.layout import error_record_path

log = logging.getLogger("nenprofile")


def run_stage(smk: Any, stage: Callable[..., None]) -> None:
    """Run a job function with the job's inputs, outputs, params, config and wildcards."""
    log_path = smk.log[0] if len(smk.log) else None
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_path:
        Path(log_path).parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_path, mode="w", encoding="utf-8"))
        error_record_path(log_path).unlink(missing_ok=True)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s", handlers=handlers)
    extra = {"threads": smk.threads} if "threads" in inspect.signature(stage).parameters else {}
    try:
        stage(
            inputs=dict(smk.input.items()),
            outputs=dict(smk.output.items()),
            params=dict(smk.params.items()),
            config=smk.config,
            wildcards=dict(smk.wildcards.items()),
            **extra,
        )
    except InputError as error:
        log.error("input error: %s", error)
        _record_failure(log_path, error=str(error), internal=False, error_obj=error)
        sys.exit(1)
    except Exception:
        log.error("internal error (please report with this log):\n%s", traceback.format_exc())
        _record_failure(log_path, error="internal error", internal=True)
        sys.exit(2)


def _record_failure(
    log_path: str | None, *, error: str, internal: bool, error_obj: Exception | None = None
) -> None:
    if not log_path:
        return
    sample_errors = error_obj.sample_errors if isinstance(error_obj, BatchInputError) else {}
    record = {"error": error, "internal": internal, "log": str(log_path), "samples": sample_errors}
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
