"""The end of a workflow run in Snakemake's own process (the Snakefile's onsuccess/onerror).

Two costs come after the last job, both Snakemake's and neither doing any work for a
finished run (py-spy on a one-sample run: 0.9 s in `threading._shutdown`, then about 1 s
with no Python frame, under load):
- the job rate limiter's re-selection timer: after each scheduling round Snakemake starts a
  non-daemon `threading.Timer` of the `--max-jobs-per-timespan` timespan (1 s by default)
  to select jobs again, and the interpreter waits for it before it exits;
- the interpreter's final garbage collection, which walks every object of the loaded
  modules (Snakemake, pandas, SQLAlchemy...) to free memory the process is about to return.
"""

from __future__ import annotations

import gc
import threading

# the qualified name of the function of Snakemake's re-selection timer
# (snakemake.scheduling.job_scheduler.JobScheduler._schedule_reevalutation)
RESELECTION_TIMER = "_schedule_reevalutation.<locals>.<lambda>"


def end_promptly() -> int:
    """Cancel Snakemake's pending job re-selection timers (the scheduler has returned: nothing
    is left to select) and move every object to the collector's permanent generation, so the
    interpreter neither waits for the timers nor walks the heap on exit. Returns the number
    of timers cancelled."""
    cancelled = 0
    for thread in threading.enumerate():
        function = getattr(thread, "function", None)
        if isinstance(thread, threading.Timer) and getattr(function, "__qualname__", "").endswith(
            RESELECTION_TIMER
        ):
            thread.cancel()
            cancelled += 1
    gc.freeze()
    return cancelled
