"""What a user sees when something is wrong: Chinese pages in the site's layout, a way back,
never Django's technical or bare English pages (the suite runs with DEBUG off)."""

import pytest
from django.test import Client
from django.urls import reverse

from monitoring.errors import server_error

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.errors.error_urls")]

TECHNICAL = ("Traceback", "Using the URLconf", "Not Found", "Server Error (500)", "Forbidden",
             "CSRF verification failed", "The requested resource")


def assert_friendly(response, status: int, *words: str) -> str:
    page = response.content.decode()
    assert response.status_code == status
    assert "防止返贫动态监测信息系统" in page and 'data-testid="error-page"' in page
    for word in words:
        assert word in page
    for technical in TECHNICAL:
        assert technical not in page
    return page


def test_it_answers_an_unknown_address_with_a_chinese_404_and_a_way_home(client):
    page = assert_friendly(client.get("/no/such/page/"), 404, "页面不存在", "返回首页")
    assert f'href="{reverse("home")}"' in page


def test_an_unknown_chinese_address_never_shows_the_patterns_tried(client):
    page = assert_friendly(client.get("/农户/金湾村/"), 404, "页面不存在")
    assert "tried" not in page and "households/" not in page


def test_it_tells_a_clerk_following_an_out_of_scope_link_why_and_where_to_look(client, world):
    client.force_login(world.clerk)
    response = client.get(reverse("household_detail", args=[world.other_county.number]))
    page = assert_friendly(response, 404, "不在您的管辖范围内", "查找农户", "联系县级数据管理员")
    assert f'href="{reverse("household_list")}"' in page
    assert world.clerk.display_name in page  # the layout with the user's menu


def test_it_shows_our_own_reason_but_never_djangos_english_one(client, world):
    client.force_login(world.clerk)
    page = assert_friendly(client.get(reverse("change_detail", args=[999999])), 404)
    assert "该申请不存在或不在您的管辖范围内。" in page
    client.force_login(world.no_role)
    page = assert_friendly(client.get(reverse("household_detail", args=["nope"])), 404)
    assert "matches the given query" not in page


def test_it_answers_a_forbidden_action_with_a_chinese_403(client, world):
    client.force_login(world.clerk)
    assert_friendly(client.get("/test/forbidden/"), 403, "您无权进行此操作",
                    "只有县级数据管理员可以执行此操作", "返回首页")


def test_it_answers_a_crash_with_a_chinese_500_in_the_layout(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.clerk)
    page = assert_friendly(client.get("/test/broken/"), 500, "系统出错了", "返回首页")
    assert "database is locked" not in page


def test_the_500_page_needs_no_database_and_no_signed_in_user(rf, django_db_blocker):
    with django_db_blocker.block():  # any query would raise
        response = server_error(rf.get("/"))
    assert_friendly(response, 500, "系统出错了", "返回首页")


def test_the_500_page_falls_back_to_plain_chinese_when_its_template_fails(rf, settings):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [], "APP_DIRS": False}]
    response = server_error(rf.get("/"))
    page = response.content.decode()
    assert response.status_code == 500 and "系统出错了" in page and 'href="/"' in page


def test_a_form_refused_by_the_csrf_check_says_to_reload_it(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.clerk)
    form = reverse("household_change_new", args=[world.home.number])
    response = client.post(form, {"phone": "13911112222"}, HTTP_REFERER="http://testserver" + form)
    page = assert_friendly(response, 403, "表单已过期", "刷新后再提交", "重新打开表单", "返回首页")
    assert f'href="http://testserver{form}"' in page


def test_the_csrf_page_never_links_back_to_another_site(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.clerk)
    form = reverse("household_change_new", args=[world.home.number])
    page = client.post(form, {}, HTTP_REFERER="https://evil.example/").content.decode()
    assert "evil.example" not in page and f'href="{form}"' in page
