"""Panels other apps add to a household's page.

The registry does not know the procedure that decides who is monitored (monitoring_objects
sits above it): an app registers a callable at start-up (its AppConfig.ready()), and the
household page shows what each returns, in the order registered. A panel is
`panel(request, household) -> str`: rendered HTML (a `<section>` of the page's grid), or ""
to show nothing.
"""

from collections.abc import Callable

HouseholdPanel = Callable[..., str]

_PANELS: list[HouseholdPanel] = []


def register_household_panel(panel: HouseholdPanel) -> None:
    if panel not in _PANELS:
        _PANELS.append(panel)


def household_panels(request, household) -> list[str]:
    """The HTML of every registered panel for this household and user, in order."""
    return [html for html in (panel(request, household) for panel in _PANELS) if html]
