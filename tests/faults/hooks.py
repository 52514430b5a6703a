"""Loaded into a worker process by the fault tests (never by the product): it makes the worker stop
half-way through a batch or an import, with rows already written in the open transaction, writes
the file named by FAULT_PAUSE_FILE and waits there (tests/faults/pausing.py), so that the test can
kill it, or restart PostgreSQL and let it go on, at that point."""

from celery import signals

from tests.faults.pausing import pause as _pause

_installed = False


@signals.task_prerun.connect
def _install(**kwargs) -> None:
    global _installed
    if _installed:
        return
    _installed = True
    from households.models import Household
    from households.workbook import importer
    from rules import services

    tickets_sync = services.tickets_sync

    def tickets_then_pause(**kwargs):
        outcome = tickets_sync(**kwargs)  # the group's tickets written, its transaction still open
        _pause()
        return outcome

    services.tickets_sync = tickets_then_pause

    write = importer._write

    def write_then_pause(handlers, context, counts, spools, ticker):
        before = Household.objects.count()
        advance = ticker.advance

        def advance_then_pause(n):
            advance(n)
            if Household.objects.count() > before:  # some households written, the rest not yet
                _pause()

        ticker.advance = advance_then_pause
        return write(handlers, context, counts, spools, ticker)

    importer._write = write_then_pause
