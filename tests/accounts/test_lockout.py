"""Login lock-out: per account whatever the address, per address across accounts, recorded."""

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.lockout import Failures, failures_counted
from trail.models import AuditAction, AuditEvent
from tests.builders import PASSWORD, make_user

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.66"
OFFICE = "198.51.100.10"
HOME = "192.0.2.20"


def client_from(address, **headers):
    return Client(REMOTE_ADDR=address, **headers)


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def signed_in(client):
    return "_auth_user_id" in client.session


def test_the_limits_are_five_per_account_and_twenty_five_per_address():
    assert (settings.AXES_FAILURE_LIMIT, settings.LOGIN_FAILURES_PER_ADDRESS) == (5, 25)
    assert settings.AXES_COOLOFF_TIME == 0.5


# Per account ------------------------------------------------------------------------------------


def test_it_refuses_the_right_password_from_another_address_after_five_failures(world):
    attacker = client_from(ATTACKER)
    for _ in range(5):
        login(attacker, "clerk", "wrong")
    owner = client_from(HOME)
    response = login(owner, "clerk", PASSWORD)
    assert response.status_code == 429
    assert not signed_in(owner)


def test_four_failures_leave_the_account_open_from_another_address(world):
    attacker = client_from(ATTACKER)
    for _ in range(4):
        login(attacker, "clerk", "wrong")
    owner = client_from(HOME)
    assert login(owner, "clerk", PASSWORD).status_code == 302
    assert signed_in(owner)


def test_failures_on_one_account_from_five_addresses_lock_it(world):
    for n in range(5):
        login(client_from(f"203.0.113.{n + 1}"), "clerk", "wrong")
    assert login(client_from(HOME), "clerk", PASSWORD).status_code == 429


def test_a_success_clears_the_accounts_failures(world):
    owner = client_from(HOME)
    for _ in range(4):
        login(owner, "clerk", "wrong")
    assert login(owner, "clerk", PASSWORD).status_code == 302
    owner.post(reverse("logout"))
    for _ in range(4):
        login(owner, "clerk", "wrong")
    assert login(owner, "clerk", PASSWORD).status_code == 302  # 8 failures in all, 4 since the success


# Per address ------------------------------------------------------------------------------------


def _staff(count):
    return [make_user(f"staff{n:02}").username for n in range(count)]


def test_eighty_failures_across_twenty_accounts_lock_the_address(world):
    attacker = client_from(ATTACKER)
    for username in _staff(20):
        for _ in range(4):  # each account stays under its own limit
            login(attacker, username, "wrong")
    response = login(attacker, "clerk", PASSWORD)
    assert response.status_code == 429 and not signed_in(attacker)
    # The accounts themselves are not locked: their owners sign in from elsewhere.
    owner = client_from(HOME)
    assert login(owner, "staff00", PASSWORD).status_code == 302


@pytest.mark.parametrize("failures, locked", [(24, False), (25, True)])
def test_the_address_locks_at_its_twenty_fifth_failure_across_accounts(world, failures, locked):
    office = client_from(OFFICE)
    usernames = _staff(7)
    for n in range(failures):
        login(office, usernames[n % 7], "wrong")
    assert (login(office, "clerk", PASSWORD).status_code == 429) is locked


def test_a_success_from_the_address_does_not_clear_its_failures_on_other_accounts(world):
    office = client_from(OFFICE)
    usernames = _staff(6)
    for n in range(24):
        login(office, usernames[n % 6], "wrong")
    assert login(office, "clerk", PASSWORD).status_code == 302
    office.post(reverse("logout"))
    login(office, "staff00", "wrong")  # the 25th
    assert login(office, "reviewer", PASSWORD).status_code == 429


# Cool-off, the page, the audit trail -------------------------------------------------------------


def test_the_lock_ends_thirty_minutes_after_the_failures_stop(world):
    start = datetime.datetime(2026, 3, 2, 1, 0, tzinfo=datetime.UTC)
    attacker, owner = client_from(ATTACKER), client_from(HOME)
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            login(attacker, "clerk", "wrong")
    with time_machine.travel(start + datetime.timedelta(minutes=29), tick=False):
        response = login(owner, "clerk", PASSWORD)
        assert response.status_code == 429
        assert "3月2日 09:30" in response.content.decode()  # Beijing time
    with time_machine.travel(start + datetime.timedelta(minutes=31), tick=False):
        assert login(owner, "clerk", PASSWORD).status_code == 302
        assert signed_in(owner)


def test_failures_during_the_lock_keep_it_going(world):
    start = datetime.datetime(2026, 3, 2, 1, 0, tzinfo=datetime.UTC)
    attacker, owner = client_from(ATTACKER), client_from(HOME)
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            login(attacker, "clerk", "wrong")
    with time_machine.travel(start + datetime.timedelta(minutes=20), tick=False):
        login(attacker, "clerk", "wrong")
    with time_machine.travel(start + datetime.timedelta(minutes=31), tick=False):
        response = login(owner, "clerk", PASSWORD)
        assert response.status_code == 429
        assert "3月2日 09:50" in response.content.decode()
    with time_machine.travel(start + datetime.timedelta(minutes=51), tick=False):
        assert login(owner, "clerk", PASSWORD).status_code == 302


def test_the_locked_out_page_says_in_chinese_which_lock_and_when_to_retry(world):
    attacker = client_from(ATTACKER)
    with time_machine.travel(datetime.datetime(2026, 3, 2, 1, 0, 20, tzinfo=datetime.UTC), tick=False):
        for _ in range(5):
            login(attacker, "clerk", "wrong")
        response = login(attacker, "clerk", PASSWORD)
    page = response.content.decode()
    assert response.status_code == 429
    assert "该账号密码连续输错5次" in page
    assert "3月2日 09:31" in page  # Beijing time, 30 minutes after the failures, rounded up
    assert "来自该地址的登录已暂时停止" not in page


def test_the_locked_out_page_names_the_address_lock(world):
    attacker = client_from(ATTACKER)
    for n in range(25):
        login(attacker, f"nobody{n}", "wrong")
    page = login(attacker, "clerk", PASSWORD).content.decode()
    assert "来自该地址的登录已暂时停止" in page and "该账号密码连续输错" not in page


def test_every_failure_and_every_lock_is_in_the_audit_trail(world):
    attacker = client_from(ATTACKER)
    for _ in range(6):
        login(attacker, "clerk", "wrong")
    failed = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, username="clerk")
    assert failed.count() == 6
    assert set(failed.values_list("ip_address", flat=True)) == {ATTACKER}
    locks = AuditEvent.objects.filter(action=AuditAction.LOCKED_OUT).order_by("pk")
    assert locks.count() == 2  # the fifth failure locked it; the sixth was refused by the lock
    first = locks.first()
    assert (first.username, first.ip_address) == ("clerk", ATTACKER)
    assert first.detail == {"locked": ["account"], "account_failures": 5, "address_failures": 5}


def test_an_address_lock_is_recorded_as_such(world):
    attacker = client_from(ATTACKER)
    for n in range(25):
        login(attacker, f"nobody{n}", "wrong")
    lock = AuditEvent.objects.get(action=AuditAction.LOCKED_OUT)
    assert lock.detail["locked"] == ["address"] and lock.detail["address_failures"] == 25
    assert lock.at <= timezone.now()


# The client's address ----------------------------------------------------------------------------


def test_without_a_proxy_a_forged_forwarded_header_cannot_lock_another_address(world, settings):
    settings.BEHIND_PROXY = False
    forger = client_from(ATTACKER, HTTP_X_FORWARDED_FOR=OFFICE)
    for n in range(25):
        login(forger, f"nobody{n}", "wrong")
    assert login(client_from(OFFICE), "clerk", PASSWORD).status_code == 302
    logged = set(AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).values_list("ip_address", flat=True))
    assert logged == {ATTACKER}
    assert login(forger, "reviewer", PASSWORD).status_code == 429  # the forger's own address is locked


def test_behind_the_proxy_the_address_is_the_one_the_proxy_saw(world, settings):
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXY_COUNT = 1

    def via_proxy(forwarded):
        return client_from("10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)

    # The attacker forges entries before the proxy's own: they change nothing.
    for n in range(25):
        login(via_proxy(f"{OFFICE}, {ATTACKER}"), f"nobody{n}", "wrong")
    assert login(via_proxy(ATTACKER), "clerk", PASSWORD).status_code == 429
    office = via_proxy(OFFICE)
    assert login(office, "clerk", PASSWORD).status_code == 302  # the proxy's own address is not locked
    assert AuditEvent.objects.get(action=AuditAction.LOGIN).ip_address == OFFICE
    assert set(AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED)
               .values_list("ip_address", flat=True)) == {ATTACKER}


def test_behind_two_proxies_the_address_is_the_second_entry_from_the_right(world, settings):
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXY_COUNT = 2
    client = client_from("10.0.0.2", HTTP_X_FORWARDED_FOR=f"192.0.2.99, {HOME}, 10.0.0.1")
    login(client, "clerk", PASSWORD)
    assert AuditEvent.objects.get(action=AuditAction.LOGIN).ip_address == HOME


def test_an_attempt_without_a_username_counts_for_the_address_only(world, rf):
    AccessAttempt.objects.create(username=None, ip_address=ATTACKER, user_agent="x", failures_since_start=3,
                                 attempt_time=timezone.now(), get_data="", post_data="", http_accept="",
                                 path_info="")
    request = rf.post(reverse("login"), {})
    request.axes_ip_address, request.axes_attempt_time = ATTACKER, timezone.now()
    assert failures_counted(request) == Failures(account=0, address=3)
