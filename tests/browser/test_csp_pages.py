"""No page of the site breaks its content security policy: every main page, for each role
that uses it, with the charts hovered, reports no CSP violation.

Violations are collected twice: by a `securitypolicyviolation` listener that the browser's
devtools protocol installs before any page script runs (an init script is not subject to the
page's CSP), and from the console messages Chromium prints ("Refused to apply inline style…").
"""

import re

import pytest
from playwright.sync_api import expect

from households.changes import services as change_services
from monitoring_objects.models import ApplicationStatus
from tests.audits.builders import make_ticket
from tests.builders import PASSWORD
from tests.monitoring_objects.builders import make_application, make_clue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COLLECT = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "") + " " + (e.sample || "") + " @" + e.sourceFile + ":" + e.lineNumber);
});
"""


class Visitor:
    """A signed-in browser page that records every CSP violation of every page it visits."""

    def __init__(self, browser, live_server, username):
        self.live_server = live_server
        self.console: list[str] = []
        self.seen: dict[str, list[str]] = {}
        self.page = browser.new_page(viewport={"width": 1366, "height": 900})
        self.page.add_init_script(COLLECT)
        self.page.on("console", lambda message: self.console.append(message.text)
                     if "Content Security Policy" in message.text or "Refused to" in message.text else None)
        if username:
            self.page.goto(live_server.url + "/accounts/login/")
            self.page.get_by_label("用户名").fill(username)
            self.page.get_by_label("密码").fill(PASSWORD)
            self.page.get_by_role("button", name="登录").click()
            expect(self.page).not_to_have_url(re.compile(r"/accounts/login/"))
            self.record("/accounts/login/ → home")

    def record(self, name: str) -> None:
        self.page.wait_for_load_state("networkidle")
        self.seen[name] = self.page.evaluate("window.__csp || []")

    def visit(self, path: str) -> None:
        response = self.page.goto(self.live_server.url + path)
        assert response is not None and response.status == 200, (path, response and response.status)
        self.record(path)

    def hover_charts(self, name: str) -> int:
        """Move the mouse across every chart, so that each draws its tooltip; returns how many charts."""
        charts = self.page.locator("[data-chart] svg")
        count = charts.count()
        for index in range(count):
            charts.nth(index).scroll_into_view_if_needed()
            box = charts.nth(index).bounding_box()
            for step in range(1, 10):
                for row in (0.3, 0.5, 0.7):
                    self.page.mouse.move(box["x"] + box["width"] * step / 10, box["y"] + box["height"] * row)
                    self.page.wait_for_timeout(20)
            self.page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
            tooltip = self.page.locator("[data-chart]").nth(index).locator(
                ".chart-tooltip", has=self.page.locator(".chart-tooltip-row"))
            expect(tooltip).to_be_visible()
            expect(tooltip.locator(".chart-tooltip-row")).to_have_count(2)
        self.record(name + " (charts hovered)")
        return count

    def violations(self) -> dict[str, list[str]]:
        found = {name: found for name, found in self.seen.items() if found}
        if self.console:
            found["console"] = self.console
        return found


@pytest.fixture
def busy_world(world):
    """The world with something on every page: tickets, a change request, a clue, an application."""
    make_ticket(world.home, due_in_days=-1)
    make_ticket(world.other_township)
    change = change_services.change_request_submit(user=world.clerk, household=world.home, data={"address": "3 组"})
    clue = make_clue(world.home)
    application = make_application(world.home, status=ApplicationStatus.DRAFT)
    world.change, world.clue, world.application = change, clue, application
    return world


def test_no_main_page_breaks_the_content_security_policy(live_server, browser, busy_world):
    world = busy_world
    county = Visitor(browser, live_server, "county")
    assert county.hover_charts("/") == 2
    for path in [
        "/households/", f"/households/{world.home.number}/", "/changes/", f"/changes/{world.change.pk}/",
        "/tickets/", f"/tickets/{world.home.tickets.first().pk}/", "/tickets/deadlines/", "/ledger/",
        "/monitoring/", "/monitoring/settings/", "/clues/", f"/clues/{world.clue.pk}/", "/applications/",
        f"/applications/{world.application.pk}/", "/rules/", "/rules/batches/", "/registry/imports/",
        "/departments/", "/report/codes/", "/dashboard/", "/analysis/income/", "/analysis/assessment/",
        "/analysis/map/", "/analysis/outliers/",
    ]:
        county.visit(path)

    clerk = Visitor(browser, live_server, "clerk")
    for path in [
        "/", f"/households/{world.home.number}/", f"/households/{world.home.number}/change/",
        f"/households/{world.home.number}/income/", "/collection-sheet/", "/tickets/", "/changes/",
        f"/applications/{world.application.pk}/edit/", "/clues/new/", "/dashboard/", "/analysis/income/",
        "/analysis/map/",
    ]:
        clerk.visit(path)

    reviewer = Visitor(browser, live_server, "reviewer")
    for path in ["/", "/changes/", f"/changes/{world.change.pk}/", "/tickets/", "/monitoring/"]:
        reviewer.visit(path)

    public = Visitor(browser, live_server, None)
    for path in ["/accounts/login/", f"/report/{world.home.village_id[:6]}/"]:
        public.visit(path)

    assert {"county": county.violations(), "clerk": clerk.violations(), "reviewer": reviewer.violations(),
            "public": public.violations()} == {"county": {}, "clerk": {}, "reviewer": {}, "public": {}}
