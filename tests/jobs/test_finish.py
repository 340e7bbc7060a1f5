"""jobs.finish: Snakemake's process does not wait out its re-selection timer on exit."""

from __future__ import annotations

import gc
import threading
from types import SimpleNamespace

from snakemake.scheduling.job_scheduler import JobScheduler

from nenprofile.jobs.finish import end_promptly


def test_snakemakes_reselection_timer_is_cancelled_and_other_timers_are_left():
    scheduler = SimpleNamespace(_open_jobs=threading.Semaphore(0))
    before = set(threading.enumerate())
    # Snakemake's own method starts the timer, as after each scheduling round
    JobScheduler._schedule_reevalutation(scheduler, 60)
    (reselection,) = set(threading.enumerate()) - before
    unrelated = threading.Timer(60, lambda: None)
    unrelated.start()
    try:
        assert end_promptly() == 1
        reselection.join(timeout=5)
        assert not reselection.is_alive()
        # cancelled, not fired: the finished scheduler is not woken
        assert scheduler._open_jobs.acquire(blocking=False) is False
        assert unrelated.is_alive()
    finally:
        unrelated.cancel()
        gc.unfreeze()


def test_the_heap_is_frozen_so_the_exit_does_not_collect_it():
    gc.unfreeze()
    try:
        assert end_promptly() == 0
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
