"""The import's Celery tasks: ids in, a service call out; progress goes to the result backend."""

from types import SimpleNamespace

import pytest

from households import tasks
from households.workbook.services import registry_import_progress
from households.workbook.models import ImportStatus, RegistryImport


def fake_task(eager: bool):
    states = []
    return SimpleNamespace(request=SimpleNamespace(is_eager=eager),
                           update_state=lambda **kwargs: states.append(kwargs)), states


def test_progress_is_reported_under_a_worker_at_most_once_a_second_and_at_the_end():
    task, states = fake_task(eager=False)
    report = tasks.task_progress(task)
    for done in range(1, 101):
        report(done, 100)
    assert states[0] == {"state": "PROGRESS", "meta": {"done": 1, "total": 100}}
    assert states[-1] == {"state": "PROGRESS", "meta": {"done": 100, "total": 100}}
    assert len(states) == 2


def test_in_process_runs_report_no_progress():
    task, _ = fake_task(eager=True)
    assert tasks.task_progress(task) is None


@pytest.mark.django_db
def test_the_page_reads_progress_only_from_a_real_result_backend(settings, monkeypatch):
    record = RegistryImport(status=ImportStatus.IMPORTING, task_id="t-1", file_name="a.xlsx")
    assert registry_import_progress(record) is None  # tests run tasks in-process
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_RESULT_BACKEND = "redis://127.0.0.1:1/0"

    class Result:
        def __init__(self, task_id):
            self.info = {"done": 250, "total": 1000}

    monkeypatch.setattr("households.workbook.services.AsyncResult", Result)
    assert registry_import_progress(record) == (250, 1000)
    record.status = ImportStatus.IMPORTED
    assert registry_import_progress(record) is None
