from django.urls import reverse


def navigation(request):
    """The side menu: only what the signed-in user's role can use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = [("home", "首页", "bi-house"), ("household_list", "农户信息", "bi-people")]
    current = request.resolver_match.url_name if request.resolver_match else ""
    return {
        "nav_items": [
            {"url": reverse(name), "label": label, "icon": icon, "active": current == name
             or (name == "household_list" and current.startswith("household"))}
            for name, label, icon in items
        ]
    }
