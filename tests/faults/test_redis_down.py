"""Redis down: every page still answers, and what needs a worker says in Chinese that it cannot start.

Nothing is left 排队中/校验中/导入中 for a task that was never sent.
"""

import time
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.urls import reverse

from audits.models import Ticket
from households.models import Area
from households.workbook import messages as msg
from households.workbook.models import ImportStatus, RegistryImport
from rules import services
from rules.models import Batch, BatchRuleResult, BatchStatus, RiskScore
from rules.receivers import recheck_changed_household
from tests.builders import make_household, make_income
from tests.households.workbook.test_import_views import upload_file
from tests.households.workbook.workbooks import write_workbook
from tests.rules.departments.lists import SAMPLES, header, list_file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_the_cache_misses_and_drops_writes_instead_of_failing(redis_down):
    started = time.monotonic()
    cache.set("k", 1)
    assert cache.get("k") is None and cache.get("k", "默认") == "默认"
    assert cache.add("k", 1) is False and cache.get_many(["k"]) == {}
    with pytest.raises(ValueError):
        cache.incr("k")
    assert time.monotonic() - started < 5


def test_the_cache_being_down_is_logged_once_a_minute_not_on_every_call(redis_down, caplog, monkeypatch):
    from monitoring import cache as forgiving

    monkeypatch.setattr(forgiving, "_last_warning", 0.0)
    clock = [1000.0]
    monkeypatch.setattr(forgiving, "time", SimpleNamespace(monotonic=lambda: clock[0]))
    with caplog.at_level("WARNING", logger="monitoring.cache"):
        cache.get("a")
        cache.set("a", 1)
        clock[0] += 59
        cache.get("a")
        assert len(caplog.records) == 1 and "cache unavailable" in caplog.records[0].getMessage()
        clock[0] += 1
        cache.get("a")
        assert len(caplog.records) == 2


def test_sessions_do_not_live_in_redis(settings):
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


def test_the_pages_work(client, world, redis_down):
    batch = Batch.objects.create(county_id="230381", area_id="230381", year=2025, rule_ids=["B06"],
                                 groups_total=1, status=BatchStatus.RUNNING)
    client.force_login(world.county_staff)
    for name, args in [("home", []), ("household_list", []), ("household_detail", [world.home.number]),
                       ("rules_batches", []), ("rules_batch", [batch.pk]), ("rules_batch_progress", [batch.pk]),
                       ("registry_import_list", []), ("registry_import_new", []), ("department_list", []),
                       ("department_upload", [])]:
        assert client.get(reverse(name, args=args)).status_code == 200, name


def test_a_batch_started_with_the_queue_down_fails_at_once_and_says_why(
        client, world, redis_down, django_capture_on_commit_callbacks):
    client.force_login(world.county_staff)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("rules_batches"), {"area": "230381", "rules": ["B06"]})
    assert time.monotonic() - started < 10  # gives up quickly, no hanging request
    batch = Batch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("rules_batch", args=[batch.pk])
    assert (batch.status, batch.error) == (BatchStatus.FAILED, services.QUEUE_UNAVAILABLE)
    page = client.get(response["Location"]).content.decode()
    assert "任务队列（Redis）暂时无法连接，批次未能启动" in page and "失败" in page
    assert not BatchRuleResult.objects.exists() and not Ticket.objects.exists() and not RiskScore.objects.exists()


def test_a_registry_upload_with_the_queue_down_is_failed_and_its_file_deleted(
        client, world, tmp_path, redis_down, django_capture_on_commit_callbacks):
    client.force_login(world.county_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registry_import_new"),
                               {"workbook": upload_file(write_workbook(tmp_path / "good.xlsx"))})
    record = RegistryImport.objects.get()
    assert response.status_code == 302
    assert (record.status, record.message, bool(record.file)) == (
        ImportStatus.FAILED, msg.QUEUE_UNAVAILABLE_UPLOAD, False)
    assert not any((tmp_path / "media").rglob("*.xlsx"))
    page = client.get(response["Location"]).content.decode()
    assert "任务队列（Redis）暂时无法连接" in page and "重新上传" in page


@pytest.mark.django_db(transaction=True)  # on commit at once, as in a real request
def test_confirming_with_the_queue_down_leaves_the_import_waiting_for_confirmation(
        client, world, tmp_path, redis_down):
    from monitoring.celery import app
    app.conf.task_always_eager = True  # the dry run ran while Redis was up
    client.force_login(world.county_staff)
    client.post(reverse("registry_import_new"), {"workbook": upload_file(write_workbook(tmp_path / "good.xlsx"))})
    record = RegistryImport.objects.get()
    assert record.status == ImportStatus.VALID
    app.conf.task_always_eager = False  # then Redis went down

    response = client.post(reverse("registry_import_confirm", args=[record.pk]), follow=True)
    record.refresh_from_db()
    assert (record.status, record.confirmed_by, bool(record.file)) == (ImportStatus.VALID, None, True)
    page = response.content.decode()
    assert msg.QUEUE_UNAVAILABLE_CONFIRM in page and "确认导入" in page
    assert not world.home.__class__.objects.filter(number="H0001").exists()


def test_a_department_list_is_imported_with_redis_down(client, world, redis_down):
    """It is read and stored in the request itself, with no worker."""
    member = world.home.members.first()
    written, _ = SAMPLES["残联-持证残疾人"]
    client.force_login(world.county_staff)
    response = client.post(reverse("department_upload"), {"source": "残联-持证残疾人", "year": 2025, "file": list_file(
        "xlsx", "残联-持证残疾人", [header("残联-持证残疾人"), [member.id_number, member.name, written]])})
    assert response.status_code == 302, response.content.decode()[:500]


def test_an_approved_change_rechecks_its_household_here_when_the_queue_is_down(world, redis_down):
    household = make_household(Area.objects.get(code=world.home.village_id), members=2, phone="")
    make_income(household, 2025, wage="1000")
    recheck_changed_household(sender=None, household_id=household.pk)
    assert Ticket.objects.filter(household=household).exists()
