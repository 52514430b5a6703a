import html

from django.urls import get_script_prefix, reverse
from django.utils.safestring import SafeString, mark_safe

from accounts import permissions

# (url name, label, icon, the permission that shows it, url-name prefix that marks it active).
# Each entry's permission is the one its view's guard asks, so the menu offers exactly the
# pages that open (tests/accounts/test_permissions.py requests every entry as every role).
MENU = [
    ("home", "首页", "bi-house", None, "home"),
    ("household_list", "农户信息", "bi-people", permissions.can_view_registry, "household"),
    ("monitoring_list", "监测对象", "bi-binoculars", permissions.can_view_monitoring, "monitoring"),
    ("change_list", "变更申请", "bi-pencil-square", permissions.can_view_change_requests, "change"),
    ("ticket_list", "问题线索", "bi-clipboard-check", permissions.can_view_tickets, "ticket"),
    ("clue_list", "预警线索", "bi-exclamation-triangle", permissions.can_view_monitoring, "clue"),
    ("application_list", "纳入与消除申请", "bi-journal-check", permissions.can_view_monitoring, "application"),
    ("ledger", "问题台账", "bi-journal-text", permissions.can_view_ledger, "ledger"),
    ("report_codes_mine", "申报二维码", "bi-qr-code", permissions.can_print_report_codes, "report_codes"),
    ("collection_sheet", "信息采集对照表", "bi-printer", permissions.can_view_collection_sheet, "collection_sheet"),
    ("rules_catalog", "清洗规则", "bi-funnel", permissions.can_view_settings, "rules_catalog"),
    ("rules_batches", "清洗批次", "bi-play-circle", permissions.can_view_settings, "rules_batch"),
    ("registry_import_list", "登记数据导入", "bi-upload", permissions.can_import_registry, "registry_import"),
    ("department_list", "部门数据", "bi-building", permissions.can_view_departments, "department"),
    ("audit_log", "审计日志", "bi-shield-check", permissions.can_view_audit_log, "audit_log"),
    ("account_list", "账户管理", "bi-person-gear", permissions.can_manage_accounts, "account"),
    ("dashboard", "数据看板", "bi-speedometer2", permissions.can_view_dashboard, "dashboard"),
    ("income_analysis", "收入分析研判", "bi-graph-up", permissions.can_view_income_analysis, "income_analysis"),
    ("assessment", "数据质量月考评", "bi-award", permissions.can_view_assessment, "assessment"),
    ("household_map", "监测一张图", "bi-geo-alt", permissions.can_view_map, "household_map"),
    ("income_outliers", "收入异常值", "bi-exclamation-diamond", permissions.can_view_map, "income_outliers"),
]


def menu_entries(user) -> list[tuple[str, str, str, str]]:
    """The menu entries `user` may open: (url name, label, icon, active prefix)."""
    return [(name, label, icon, prefix) for name, label, icon, check, prefix in MENU
            if check is None or check(user)]


# The entries a user may open, with their URLs, by (role, area, is_active, script prefix): the
# permissions asked without an object read only these (accounts.permissions), so every request
# of a user, and of every user of the same role and area, gets the same entries. Asking the 21
# checks and reverse()s anew was a twentieth of the household list's CPU.
_MENUS: dict = {}
MENUS_AT_MOST = 1024  # one per role and area in use: a county's villages, townships and itself


def _menu_of(user) -> list[tuple[str, str, str, str]]:
    """menu_entries(user), each with its URL instead of its url name: (url, label, icon, prefix)."""
    key = (user.role, user.area_id, user.is_active, get_script_prefix())
    menu = _MENUS.get(key)
    if menu is None:
        menu = [(reverse(name), label, icon, prefix) for name, label, icon, prefix in menu_entries(user)]
        if len(_MENUS) >= MENUS_AT_MOST:
            _MENUS.clear()
        _MENUS[key] = menu
    return menu


def navigation(request):
    """The side menu: only what the signed-in user may open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if getattr(request, "second_factor_pending", None):
        return {}  # nothing opens before the second factor (accounts.middleware)
    current = (request.resolver_match.url_name if request.resolver_match else "") or ""
    entries = _menu_of(user)
    # The longest prefix that matches wins: household_map is 监测一张图, not 农户信息 ("household").
    active = max((prefix for *_, prefix in entries if current.startswith(prefix)), key=len, default=None)
    return {
        "nav_items": [
            {"url": url, "label": label, "icon": icon, "active": prefix == active}
            for url, label, icon, prefix in entries
        ],
        "nav_menu": _menu_html(entries, active),
    }


# The menu's `<li>`s by (entries, active prefix): what base.html's loop over nav_items rendered,
# some 130 template nodes per page for county staff (tests/accounts/test_navigation_html.py
# holds them equal to that loop).
_MENU_HTML: dict = {}


def _menu_html(entries: list, active: str | None) -> SafeString:
    key = (id(entries), active)
    cached = _MENU_HTML.get(key)
    if cached is not None and cached[0] is entries:
        return cached[1]
    items = []
    for url, label, icon, prefix in entries:
        current = prefix == active
        aria_current = ' aria-current="page"' if current else ""
        items.append(
            "\n        <li class=\"nav-item\">\n"
            f'          <a class="nav-link{" active" if current else ""}" href="{html.escape(url)}"'
            f"{aria_current}>\n"
            f'            <i class="bi {html.escape(icon)}" aria-hidden="true"></i> {html.escape(label)}\n'
            "          </a>\n"
            "        </li>\n"
            "        "
        )
    menu = mark_safe("".join(items))
    if len(_MENU_HTML) >= MENUS_AT_MOST:
        _MENU_HTML.clear()
    _MENU_HTML[key] = (entries, menu)
    return menu
