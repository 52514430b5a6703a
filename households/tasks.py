"""Celery tasks of the registry: ids in, a service call out."""

import time

from celery import shared_task

from households.workbook import services as import_services
from households.workbook.importer import Progress


def task_progress(task) -> Progress | None:
    """Report (done, total) as the task's PROGRESS state, at most once a second.

    Only under a real worker: in-process (eager) runs have nobody polling them, and the
    state lives in the result backend, outside the import's transaction, so a page can
    read it while the rows are being written.
    """
    if task.request.is_eager:
        return None
    last = 0.0

    def report(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= 1 or done >= total:
            last = now
            task.update_state(state="PROGRESS", meta={"done": done, "total": total})

    return report


@shared_task(bind=True)
def registry_import_validate_task(self, import_id: int) -> None:
    import_services.registry_import_validate(import_id=import_id, progress=task_progress(self))


@shared_task(bind=True)
def registry_import_run_task(self, import_id: int) -> None:
    # Safe to deliver twice: a lost worker's transaction was rolled back, and a finished
    # import is no longer IMPORTING, so the service returns without doing anything.
    import_services.registry_import_run(import_id=import_id, progress=task_progress(self))


@shared_task
def registry_import_expire_task() -> int:
    """Hourly: the workbooks of uploads never confirmed within a day are deleted."""
    return import_services.registry_import_expire_unconfirmed()
