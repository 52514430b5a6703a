"""Long work (cleansing batches, registry imports) that a worker may die in the middle of.

A job's work runs in one transaction that holds a shared PostgreSQL advisory lock on the job
(`job_hold`); the lock goes with the transaction, and so with the connection of a worker that
was killed. A job that still says it is queued or running, whose last sign of life is older
than STUCK_JOB_MINUTES and whose lock nobody holds, is stuck: `job_mark_if_unheld` marks it
failed while holding the lock itself, so a late delivery of its task sees the failure and stops.
SQLite has no such locks: there the age alone decides (tasks run in-process there anyway).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction

logger = logging.getLogger(__name__)

# The first key of every job lock (the second is the job's id), "MJ" + a kind number.
KINDS = {"batch": 0x4D4A0001, "registry_import": 0x4D4A0002}


def stuck_after() -> timedelta:
    return timedelta(minutes=settings.STUCK_JOB_MINUTES)


def job_hold(kind: str, pk: int) -> None:
    """Inside the job's transaction: mark it as being worked on until the transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, %s)", [KINDS[kind], pk])


def job_mark_if_unheld(kind: str, pk: int, mark) -> bool:
    """Call `mark()` (which writes the failure) if no transaction is working on the job; True if it did."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [KINDS[kind], pk])
                if not cursor.fetchone()[0]:
                    return False
        return bool(mark())


def job_send(task, *args, on_unavailable, task_id: str | None = None) -> bool:
    """Queue `task(*args)`; if the broker cannot be reached, call `on_unavailable()` and return False.

    In-process (no broker) the task runs here and its own errors propagate as always.
    """
    if task.app.conf.task_always_eager:
        task.apply_async(args, task_id=task_id)
        return True
    try:
        # Nobody waits for these results (progress is stored by the task itself): not subscribing
        # to them keeps the sending off the result backend, which, down, retries for many seconds.
        task.apply_async(args, task_id=task_id, ignore_result=True)
    except Exception:  # noqa: BLE001  Redis down, refused, timed out: the job must not stay queued
        logger.exception("could not queue %s%r", task.name, args)
        on_unavailable()
        return False
    return True
