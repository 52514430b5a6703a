"""Edit forms show ID numbers and phones masked, like every page (docs/masking.md).

A form given a full value as initial shows its mask instead and keeps the value aside.
Submitted with the mask unchanged, the field cleans to the kept value (nothing changes and
nothing is checked again); anything else is a new value, typed in full and checked as
before. The kept value reaches the screen only through the logged reveal (`reveal_target`).
"""

from dataclasses import dataclass

from django import forms
from django.urls import reverse

from households import id_numbers

MASKERS = {
    "id_number": id_numbers.mask,
    "phone": id_numbers.mask_phone,
    "helper_phone": id_numbers.mask_phone,
}
KEPT_HELP = "不修改请保持原样；如需修改，请删除后输入完整的新号码。"


class MaskedInitialForm(forms.Form):
    """A form whose ID-number and phone initials are shown masked and kept aside."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial = dict(self.initial)
        self.kept: dict[str, tuple[str, str]] = {}  # name: (full value, its mask)
        for name, masker in MASKERS.items():
            value = self.initial.get(name)
            if value:
                self.kept[name] = (str(value), masker(str(value)))
                self.initial[name] = self.kept[name][1]

    def initial_value(self, name: str):
        """The full initial value of `name` (the kept one when it is shown masked)."""
        return self.kept[name][0] if name in self.kept else self.initial.get(name)

    def left_masked(self, name: str) -> bool:
        """Whether `name` was submitted as the mask it was shown with."""
        if name not in self.kept or name not in self.fields:
            return False
        return (self.data.get(self.add_prefix(name)) or "").strip() == self.kept[name][1]

    def _clean_fields(self):
        super()._clean_fields()
        for name, (value, _masked) in self.kept.items():
            if self.left_masked(name):
                self._errors.pop(name, None)  # the mask itself is no ID number or phone
                self.cleaned_data[name] = value


@dataclass(frozen=True)
class RevealTarget:
    """Where the "显示" button of a masked form field posts: the household page's reveal for a
    live value, the change request's for a value the request proposes. Both are logged."""

    key: str  # the element id the reveal's answer replaces is "reveal-<key>"
    url: str
    fields: dict


def reveal_target(name: str, *, household=None, member=None, change=None) -> RevealTarget | None:
    if change is not None and name in (change.changes or {}):
        return RevealTarget(f"change-{name}-new", reverse("change_reveal", args=[change.pk]),
                            {"field": name, "which": "new"})
    if household is None:
        return None
    url = reverse("household_reveal", args=[household.number])
    if name == "id_number" and member is not None:
        return RevealTarget(f"member-{member.pk}-id_number", url, {"field": name, "member": member.pk})
    if name in ("phone", "helper_phone"):
        return RevealTarget(f"household-{name}", url, {"field": name})
    return None
