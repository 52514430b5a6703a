from django.urls import reverse

from accounts.roles import Role

EVERYONE = tuple(Role)
COUNTY = (Role.COUNTY_STAFF, Role.INSPECTOR)

# (url name, label, icon, roles that see it, url-name prefix that marks it active)
MENU = [
    ("home", "首页", "bi-house", EVERYONE, "home"),
    ("household_list", "农户信息", "bi-people", EVERYONE, "household"),
    ("change_list", "变更申请", "bi-pencil-square", (Role.VILLAGE_CLERK, Role.TOWNSHIP_REVIEWER, Role.COUNTY_STAFF), "change"),
    ("ticket_list", "问题线索", "bi-clipboard-check", EVERYONE, "ticket"),
    ("ledger", "问题台账", "bi-journal-text", (Role.COUNTY_STAFF, Role.TOWNSHIP_REVIEWER, Role.INSPECTOR), "ledger"),
    ("collection_sheet", "信息采集对照表", "bi-printer", EVERYONE, "collection_sheet"),
    ("rules_catalog", "清洗规则", "bi-funnel", COUNTY, "rules_catalog"),
    ("rules_batches", "清洗批次", "bi-play-circle", COUNTY, "rules_batch"),
    ("registry_import_list", "登记数据导入", "bi-upload", (Role.COUNTY_STAFF,), "registry_import"),
]


def navigation(request):
    """The side menu: only what the signed-in user's role can use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    current = request.resolver_match.url_name if request.resolver_match else ""
    return {
        "nav_items": [
            {"url": reverse(name), "label": label, "icon": icon, "active": (current or "").startswith(prefix)}
            for name, label, icon, roles, prefix in MENU
            if user.role in roles or (name in ("home", "household_list"))
        ]
    }
