"""Panels other apps add to the review of a change request.

The registry does not know what else a reviewer should see before approving (the rules
app's preview of the tickets an approval would resolve or raise): an app registers a
template at start-up (its AppConfig.ready()), and the change page includes each, in the
order registered, for the reviewer of a pending request. A panel's template gets the page's
context (`change` is the request).
"""

_REVIEW_PANELS: list[str] = []


def register_review_panel(template_name: str) -> None:
    if template_name not in _REVIEW_PANELS:
        _REVIEW_PANELS.append(template_name)


def review_panels() -> list[str]:
    return list(_REVIEW_PANELS)
