from django import forms
from django.utils import timezone

from households.models import Household

from audits import rule_facts
from audits.exemptions.models import ExemptionState
from audits.exemptions.services import latest_end
from audits.models import Ticket

MEMBER_UNKNOWN = "该户没有这个证件号码的成员"
HOUSEHOLD_UNKNOWN = "您的辖区内没有这个户编号的农户，请核对后重新填写"


def _rule_choices():
    return [(facts.id, f"{facts.id} {facts.name}（{facts.scope_label}）") for facts in rule_facts.all_facts()]


class ExemptionForm(forms.Form):
    """Exempt a record: from a ticket (its rule, household and member), or typed in."""

    ticket = forms.IntegerField(required=False, widget=forms.HiddenInput)
    rule = forms.ChoiceField(label="规则")
    household_number = forms.CharField(label="户编号", max_length=32)
    member_id_number = forms.CharField(
        label="成员证件号码", max_length=32, required=False,
        help_text="按成员检查的规则（范围为“成员”）填写被豁免成员的证件号码；按户检查的规则留空")
    reason = forms.CharField(label="豁免理由", widget=forms.Textarea(attrs={"rows": 3}), max_length=500,
                             help_text="例如：经入户核实，两户为同一家庭分户后共用一部电话")
    ends_on = forms.DateField(label="豁免截止日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                              help_text="含当日；到期后自动失效，下次清洗重新检查。最长一年")

    def __init__(self, *args, user, ticket: Ticket | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.ticket = ticket
        self.fields["rule"].choices = [("", "请选择规则")] + _rule_choices()
        self.fields["ends_on"].widget.attrs.update(min=timezone.localdate().isoformat(),
                                                   max=latest_end().isoformat())
        if ticket is not None:
            # The record is the ticket's: nothing of it is typed (nor a full ID number put in the page).
            for name in ("rule", "household_number", "member_id_number"):
                del self.fields[name]
            self.fields["ticket"].initial = ticket.pk

    def clean(self):
        data = super().clean()
        if self.ticket is not None:
            data.update(rule=self.ticket.rule_id, household=self.ticket.household, member=self.ticket.member)
            return data
        number = (data.get("household_number") or "").strip()
        household = None
        if number:
            household = Household.objects.in_scope(self.user).filter(number=number).first()
            if household is None:
                # Not echoed back: a number outside the user's area never appears on their page.
                self.data = self.data.copy()
                self.data["household_number"] = ""
                self.add_error("household_number", HOUSEHOLD_UNKNOWN)
        member = None
        id_number = (data.get("member_id_number") or "").strip().upper()
        if household is not None and id_number:
            member = household.members.filter(id_number=id_number).first()
            if member is None:
                self.add_error("member_id_number", MEMBER_UNKNOWN)
        data.update(household=household, member=member)
        return data


class RevokeForm(forms.Form):
    reason = forms.CharField(label="撤销理由", widget=forms.Textarea(attrs={"rows": 2}), max_length=500)


class ExemptionFilterForm(forms.Form):
    rule = forms.ChoiceField(label="规则", required=False)
    state = forms.ChoiceField(label="状态", required=False,
                              choices=[("", "全部状态")] + list(ExemptionState.choices))
    q = forms.CharField(label="户编号", required=False, max_length=32)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [("", "全部规则")] + _rule_choices()
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("class", "form-control" if name == "q" else "form-select")

    @property
    def filters(self) -> dict:
        return self.cleaned_data if self.is_valid() else {}
