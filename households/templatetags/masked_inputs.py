"""The "显示" button beside a masked field of an edit form, and the small reveal forms it submits.

The button sits inside the edit form but belongs (HTML `form=` attribute) to a reveal form
rendered after it: forms do not nest. The reveal is the logged POST of the household page
or of the change request (households/masked_forms.py `reveal_target`).
"""

from django import template

from households.masked_forms import KEPT_HELP, reveal_target

register = template.Library()


def _targets(context, form) -> dict:
    kept = getattr(form, "kept", {})
    place = {key: context.get(key) for key in ("household", "member", "change")}
    return {name: reveal_target(name, **place) for name in kept if name in form.fields}


def _can_reveal(context) -> bool:
    request = context.get("request")
    return bool(request and request.user.is_authenticated and request.user.can_reveal)


@register.inclusion_tag("households/_masked_field_reveal.html", takes_context=True)
def masked_field_reveal(context, form, name: str):
    """Under a masked field: the old value is hidden, a "显示" button to see it (logged)."""
    kept = name in getattr(form, "kept", {})
    target = _targets(context, form).get(name) if kept else None
    return {"kept": kept, "help": KEPT_HELP, "target": target, "can_reveal": target is not None and _can_reveal(context)}


@register.inclusion_tag("households/_masked_reveal_forms.html", takes_context=True)
def masked_reveal_forms(context, form):
    """The reveal forms of a form's masked fields; place it after the edit form's </form>."""
    targets = [target for target in _targets(context, form).values() if target is not None]
    return {"targets": targets if _can_reveal(context) else [], "csrf_token": context.get("csrf_token")}
