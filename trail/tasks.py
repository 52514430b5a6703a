from celery import shared_task

from trail.services import audit_purge


@shared_task
def audit_purge_task() -> dict:
    """The daily purge of the audit trail (rows older than the retention, 184 days)."""
    return audit_purge()
