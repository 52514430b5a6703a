"""Who may see what: the one definition of a user's scope.

Area codes are hierarchical (a village's 12 digits start with its township's 9 and
its county's 6), so a user's scope is the set of records whose village code starts
with the code of the user's area. Every queryset's `in_scope(user)` calls this.
"""


def scope_prefix(user) -> str | None:
    """The area-code prefix bounding what `user` may see, or None when they may see nothing."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if not getattr(user, "role", "") or not getattr(user, "area_id", None):
        return None
    return user.area_id


def county_code(area_code: str) -> str:
    """The 6-digit code of the county an area (or a household's village) lies in: settings
    (yearly lines, deadlines, rule switches) are per county and looked up by it."""
    return area_code[:6]


def county_of(user) -> str | None:
    """The 6-digit code of the county whose settings (yearly lines, deadlines, rules) `user` works under."""
    prefix = scope_prefix(user)
    return county_code(prefix) if prefix else None
