"""账户管理: county staff manage their county's accounts in the browser (issue 14).

Each action works, is written to the audit trail (账户管理, old → new), is refused to every
other role (403) and for an account of another county (404), and loses with a Chinese message
when another officer changed the account first.
"""

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.roles import Role
from accounts.users import services
from trail.models import AuditAction, AuditEvent
from tests.builders import PASSWORD, make_area, make_user
from tests.conftest import OTHER_COUNTY_VILLAGE, VILLAGE_A1, VILLAGE_A2, VILLAGE_B1

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Lantern-river-42x"


@pytest.fixture
def officer(client, world):
    client.force_login(world.county_staff)
    return world.county_staff


@pytest.fixture
def stranger(world):
    """A clerk of the other county."""
    return make_user("stranger", Role.VILLAGE_CLERK, OTHER_COUNTY_VILLAGE)


def stamp(account):
    return services.account_stamp(User.objects.get(pk=account.pk))


def account_events(username):
    return list(AuditEvent.objects.filter(action=AuditAction.ACCOUNT, subject=username).order_by("pk"))


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def page_text(response):
    return response.content.decode()


# The list -------------------------------------------------------------------------------------


def test_it_lists_the_accounts_of_the_county_and_no_other(client, officer, world, stranger):
    response = client.get(reverse("account_list"))
    listed = {account.username for account in response.context["page"].object_list}
    assert listed == {"clerk", "reviewer", "county", "inspector"}
    assert "stranger" not in page_text(response)


@pytest.mark.parametrize(("query", "expected"), [
    ({"role": Role.VILLAGE_CLERK}, {"clerk", "clerk_b"}),
    ({"township": VILLAGE_B1[:9]}, {"clerk_b", "retired"}),
    ({"active": "0"}, {"retired"}),
    ({"active": "1", "role": Role.TOWNSHIP_REVIEWER}, {"reviewer"}),
    ({"q": "王"}, {"clerk_b"}),
    ({"q": "insp"}, {"inspector"}),
])
def test_it_filters_by_role_township_state_and_name(client, officer, world, query, expected):
    other = make_user("clerk_b", Role.VILLAGE_CLERK, VILLAGE_B1)
    User.objects.filter(pk=other.pk).update(first_name="王芳")
    retired = make_user("retired", Role.TOWNSHIP_REVIEWER, VILLAGE_B1[:9])
    User.objects.filter(pk=retired.pk).update(is_active=False)
    response = client.get(reverse("account_list"), query)
    assert {account.username for account in response.context["page"].object_list} == expected


# Who may -------------------------------------------------------------------------------------


def _pages(account_pk):
    return [("get", reverse("account_list")), ("get", reverse("account_new")), ("post", reverse("account_new")),
            ("get", reverse("account_detail", args=[account_pk]))] + [
        ("post", reverse(name, args=[account_pk]))
        for name in ("account_update", "account_active", "account_password", "account_second_factor")]


@pytest.mark.parametrize("persona", ["clerk", "reviewer", "inspector", "no_role"])
def test_every_other_role_is_refused_with_403(client, world, persona):
    client.force_login(getattr(world, persona))
    answers = {url: getattr(client, method)(url).status_code for method, url in _pages(world.clerk.pk)}
    assert set(answers.values()) == {403}, answers
    assert not AuditEvent.objects.filter(action=AuditAction.ACCOUNT).exists()


def test_the_anonymous_visitor_is_sent_to_sign_in(client, world):
    response = client.get(reverse("account_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_an_account_of_another_county_answers_404(client, officer, stranger):
    answers = {url: getattr(client, method)(url, {"stamp": stamp(stranger)}).status_code
               for method, url in _pages(stranger.pk)[3:]}
    assert set(answers.values()) == {404}, answers
    assert User.objects.get(pk=stranger.pk).is_active


def test_a_site_administrators_account_is_not_managed_in_the_site(client, officer):
    admin = make_user("root", Role.COUNTY_STAFF, VILLAGE_A1[:6])
    User.objects.filter(pk=admin.pk).update(is_superuser=True)
    assert client.get(reverse("account_detail", args=[admin.pk])).status_code == 404


# Create --------------------------------------------------------------------------------------


def new_account(client, **fields):
    data = {"username": "zhangwei", "full_name": "张伟", "role": Role.VILLAGE_CLERK, "area": VILLAGE_A2,
            "password": "", **fields}
    return client.post(reverse("account_new"), data)


def test_it_creates_an_account_with_a_generated_password_shown_once(client, officer):
    response = new_account(client)
    assert response.status_code == 200
    password = response.context["password"]
    assert password and password in page_text(response)
    assert "no-store" in response["Cache-Control"]
    account = User.objects.get(username="zhangwei")
    assert (account.first_name, account.role, account.area_id, account.is_active) == (
        "张伟", Role.VILLAGE_CLERK, VILLAGE_A2, True)
    assert account.check_password(password)
    [event] = account_events("zhangwei")
    assert event.actor == officer and event.ip_address == "127.0.0.1"
    assert event.detail["action"] == "create"
    assert event.detail["changes"]["role"] == ["", "村级信息员"]
    assert password not in str(event.detail)


def test_it_creates_an_account_with_the_officers_temporary_password(client, officer):
    response = new_account(client, password=NEW_PASSWORD)
    assert response.context["password"] == ""  # the officer knows it: not shown again
    assert User.objects.get(username="zhangwei").check_password(NEW_PASSWORD)


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"area": OTHER_COUNTY_VILLAGE}, "area", "只能选择本县的区划"),
    ({"area": VILLAGE_A1[:9]}, "area", "村级信息员应绑定到行政村"),
    ({"role": Role.TOWNSHIP_REVIEWER}, "area", "乡镇审核员应绑定到乡镇"),
    ({"role": Role.INSPECTOR, "area": VILLAGE_A1[:9]}, "area", "督导应绑定到县级"),
    ({"username": "clerk"}, "username", "用户名 clerk 已存在"),
    ({"username": "张 伟"}, "username", "用户名只能包含字母、数字"),
    ({"full_name": ""}, "full_name", "请填写姓名"),
    ({"password": "12345678901234"}, "password", "密码不能全部是数字"),
    ({"password": "short"}, "password", "密码至少 12 个字符"),
])
def test_it_refuses_a_wrong_account_beside_the_field(client, officer, fields, field, message):
    make_area(OTHER_COUNTY_VILLAGE)
    before = User.objects.count()
    response = new_account(client, **fields)
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field]), response.context["form"].errors
    assert User.objects.count() == before
    assert not AuditEvent.objects.filter(action=AuditAction.ACCOUNT).exists()


def test_the_service_refuses_an_area_of_another_county_too(world):
    area = make_area(OTHER_COUNTY_VILLAGE)
    with pytest.raises(services.AccountError, match="只能绑定本县的区划"):
        services.user_create(officer=world.county_staff, username="x1", full_name="x", role=Role.VILLAGE_CLERK,
                             area=area)
    assert not User.objects.filter(username="x1").exists()


# Change role or area --------------------------------------------------------------------------


def test_it_changes_role_and_area_and_records_old_and_new(client, officer, world):
    response = client.post(reverse("account_update", args=[world.clerk.pk]), {
        "stamp": stamp(world.clerk), "full_name": "李娜", "role": Role.TOWNSHIP_REVIEWER, "area": VILLAGE_B1[:9]})
    assert response.status_code == 302
    clerk = User.objects.get(pk=world.clerk.pk)
    assert (clerk.first_name, clerk.role, clerk.area_id) == ("李娜", Role.TOWNSHIP_REVIEWER, VILLAGE_B1[:9])
    [event] = account_events("clerk")
    assert event.detail == {"action": "update", "changes": {
        "name": ["", "李娜"], "role": ["村级信息员", "乡镇审核员"],
        "area": [f"金湾村（{VILLAGE_A1}）", f"区划{VILLAGE_B1[:9]}（{VILLAGE_B1[:9]}）"]}}
    page = page_text(client.get(reverse("account_detail", args=[world.clerk.pk])))
    assert "角色 村级信息员 → 乡镇审核员" in page


def test_a_role_of_the_wrong_level_is_refused_beside_the_area(client, officer, world):
    response = client.post(reverse("account_update", args=[world.clerk.pk]), {
        "stamp": stamp(world.clerk), "full_name": "李娜", "role": Role.TOWNSHIP_REVIEWER, "area": VILLAGE_A1})
    assert response.status_code == 200
    assert "乡镇审核员应绑定到乡镇" in response.context["update_form"].errors["area"][0]
    assert User.objects.get(pk=world.clerk.pk).role == Role.VILLAGE_CLERK


def test_an_officer_cannot_strip_their_own_role(officer, world):
    area = world.clerk.area
    with pytest.raises(services.AccountError, match="不能修改自己的角色"):
        services.user_update(officer=officer, account=officer, stamp=stamp(officer), full_name="",
                             role=Role.VILLAGE_CLERK, area=area)
    assert User.objects.get(pk=officer.pk).role == Role.COUNTY_STAFF


def test_the_form_keeps_an_officers_own_role_whatever_is_posted(client, officer, world):
    client.post(reverse("account_update", args=[officer.pk]), {
        "stamp": stamp(officer), "full_name": "赵县", "role": Role.VILLAGE_CLERK, "area": VILLAGE_A1})
    me = User.objects.get(pk=officer.pk)
    assert (me.first_name, me.role, me.area_id) == ("赵县", Role.COUNTY_STAFF, VILLAGE_A1[:6])


# Deactivate and reactivate -------------------------------------------------------------------


def test_deactivation_signs_the_user_out_and_keeps_them_out(client, officer, world, django_user_model):
    from django.test import Client

    theirs = Client()
    assert sign_in(theirs, "clerk", PASSWORD).status_code == 302
    assert theirs.get(reverse("home")).status_code == 200
    response = client.post(reverse("account_active", args=[world.clerk.pk]),
                           {"stamp": stamp(world.clerk), "active": "0"}, follow=True)
    assert "已停用账户 clerk" in page_text(response)
    assert not User.objects.get(pk=world.clerk.pk).is_active
    assert not Session.objects.filter(session_key=theirs.session.session_key).exists()
    assert theirs.get(reverse("home")).status_code == 302
    assert "_auth_user_id" not in sign_in(Client(), "clerk", PASSWORD).wsgi_request.session
    assert [e.detail for e in account_events("clerk")] == [
        {"action": "deactivate", "changes": {"is_active": ["启用", "已停用"]}}]
    # The officer's own session goes on.
    assert client.get(reverse("account_list")).status_code == 200


def test_reactivation_lets_the_user_sign_in_again(client, officer, world):
    User.objects.filter(pk=world.clerk.pk).update(is_active=False)
    client.post(reverse("account_active", args=[world.clerk.pk]), {"stamp": stamp(world.clerk), "active": "1"})
    assert User.objects.get(pk=world.clerk.pk).is_active
    from django.test import Client
    assert sign_in(Client(), "clerk", PASSWORD).status_code == 302
    assert account_events("clerk")[-1].detail["action"] == "activate"


def test_an_officer_cannot_deactivate_themselves(client, officer):
    response = client.post(reverse("account_active", args=[officer.pk]), {"stamp": stamp(officer), "active": "0"},
                           follow=True)
    assert "不能停用自己的账户" in page_text(response)
    assert User.objects.get(pk=officer.pk).is_active
    assert account_events("county") == []


# Password reset ---------------------------------------------------------------------------------


def test_a_password_reset_by_the_officer_ends_the_users_sessions(client, officer, world):
    from django.test import Client

    theirs = Client()
    sign_in(theirs, "clerk", PASSWORD)
    response = client.post(reverse("account_password", args=[world.clerk.pk]),
                           {"stamp": stamp(world.clerk), "password": NEW_PASSWORD})
    assert response.status_code == 200 and response.context["password"] == ""
    assert theirs.get(reverse("home")).status_code == 302
    assert not Session.objects.filter(session_key=theirs.session.session_key).exists()
    assert sign_in(Client(), "clerk", PASSWORD).status_code == 200  # the old one no longer works
    assert sign_in(Client(), "clerk", NEW_PASSWORD).status_code == 302
    [event] = account_events("clerk")
    assert event.detail == {"action": "password_reset", "changes": {"password": ["", "已重置（管理员设定）"]}}


def test_a_generated_password_is_shown_once_and_works(client, officer, world):
    response = client.post(reverse("account_password", args=[world.clerk.pk]), {"stamp": stamp(world.clerk)})
    password = response.context["password"]
    assert len(password) == 16 and password in page_text(response)
    assert "no-store" in response["Cache-Control"]
    assert User.objects.get(pk=world.clerk.pk).check_password(password)
    assert password not in page_text(client.get(reverse("account_detail", args=[world.clerk.pk])))


def test_a_weak_temporary_password_is_refused_beside_the_field(client, officer, world):
    response = client.post(reverse("account_password", args=[world.clerk.pk]),
                           {"stamp": stamp(world.clerk), "password": "clerk"})
    assert response.status_code == 200
    assert "密码至少 12 个字符" in " ".join(response.context["password_form"].errors["password"])
    assert User.objects.get(pk=world.clerk.pk).check_password(PASSWORD)


def test_an_officer_does_not_reset_their_own_password_here(officer):
    with pytest.raises(services.AccountError, match="不能在这里重置自己的密码"):
        services.user_password_reset(officer=officer, account=officer, stamp=stamp(officer), password=NEW_PASSWORD)


# Second factor ----------------------------------------------------------------------------------


def test_resetting_the_second_factor_removes_the_devices_and_is_recorded(client, officer, world):
    TOTPDevice.objects.create(user=world.clerk, name="手机", confirmed=True)
    StaticDevice.objects.create(user=world.clerk, name="恢复码")
    response = client.post(reverse("account_second_factor", args=[world.clerk.pk]), {"stamp": stamp(world.clerk)},
                           follow=True)
    assert "已重置 clerk 的二次验证" in page_text(response)
    assert not TOTPDevice.objects.filter(user=world.clerk).exists()
    assert not StaticDevice.objects.filter(user=world.clerk).exists()
    assert account_events("clerk")[-1].detail == {
        "action": "second_factor_reset", "changes": {"second_factor": ["2 个设备", "已重置"]}}
    assert AuditEvent.objects.filter(action=AuditAction.SECOND_FACTOR, subject="clerk", actor=officer).exists()


def test_resetting_an_absent_second_factor_says_so(client, officer, world):
    response = client.post(reverse("account_second_factor", args=[world.clerk.pk]), {"stamp": stamp(world.clerk)},
                           follow=True)
    assert "该账户没有绑定二次验证" in page_text(response)


# Two officers at once -----------------------------------------------------------------------------


def test_the_second_of_two_officers_working_from_the_same_page_loses_with_a_message(client, officer, world):
    colleague = make_user("county2", Role.COUNTY_STAFF, VILLAGE_A1[:6])
    seen = stamp(world.clerk)  # both officers opened the clerk's page
    services.user_update(officer=colleague, account=world.clerk, stamp=seen, full_name="",
                         role=Role.VILLAGE_CLERK, area=make_area(VILLAGE_A2))
    response = client.post(reverse("account_update", args=[world.clerk.pk]), {
        "stamp": seen, "full_name": "李娜", "role": Role.TOWNSHIP_REVIEWER, "area": VILLAGE_A1[:9]}, follow=True)
    assert services.CONFLICT in page_text(response)
    clerk = User.objects.get(pk=world.clerk.pk)
    assert (clerk.role, clerk.area_id) == (Role.VILLAGE_CLERK, VILLAGE_A2)
    assert len(account_events("clerk")) == 1


@pytest.mark.parametrize("action", ["deactivate", "password", "second_factor"])
def test_every_action_checks_the_page_it_was_taken_from(client, officer, world, action):
    TOTPDevice.objects.create(user=world.clerk, name="手机", confirmed=True)
    seen = stamp(world.clerk)
    User.objects.filter(pk=world.clerk.pk).update(first_name="改过了")  # another officer's change
    url, data = {
        "deactivate": ("account_active", {"active": "0"}),
        "password": ("account_password", {"password": NEW_PASSWORD}),
        "second_factor": ("account_second_factor", {}),
    }[action]
    response = client.post(reverse(url, args=[world.clerk.pk]), {"stamp": seen, **data}, follow=True)
    assert services.CONFLICT in page_text(response)
    clerk = User.objects.get(pk=world.clerk.pk)
    assert clerk.is_active and clerk.check_password(PASSWORD)
    assert TOTPDevice.objects.filter(user=clerk).exists()
    assert account_events("clerk") == []
