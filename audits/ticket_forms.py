"""The forms of ticket review: the clerk's explanation, a reviewer's return reason, the list filters."""

from django import forms

from households.models import Area
from rules import registry

from .models import Severity, TicketStatus
from .ticket_selectors import ALL
from .ticket_services import EXPLANATION_REQUIRED, REASON_REQUIRED


class ExplainForm(forms.Form):
    explanation = forms.CharField(
        label="核实情况说明", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": EXPLANATION_REQUIRED},
        help_text="写明入户核实的情况，说明数据为什么是对的，乡镇审核时会看到。",
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="退回原因", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": REASON_REQUIRED},
        help_text="写明要村级重新核实的内容，村级信息员会看到。",
    )


class TicketFilterForm(forms.Form):
    """The list's filters, read from the URL so that a filtered list can be bookmarked."""

    status = forms.ChoiceField(label="状态", required=False)
    rule = forms.ChoiceField(label="规则", required=False)
    severity = forms.ChoiceField(label="严重程度", required=False,
                                 choices=[("", "全部")] + list(Severity.choices))
    village = forms.ChoiceField(label="行政村", required=False)
    overdue = forms.BooleanField(label="只看审核超时", required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "我的待办"), (ALL, "全部状态")] + list(TicketStatus.choices)
        self.fields["rule"].choices = [("", "全部规则")] + [
            (rule.id, f"{rule.id} {rule.name}") for rule in registry.all_rules()
        ]
        villages = Area.objects.in_scope(user).villages().select_related("parent").order_by("code")
        self.fields["village"].choices = [("", "全部行政村")] + [
            (area.code, f"{area.parent.name} {area.name}" if area.parent_id else area.name) for area in villages
        ]
        for field in self.fields.values():
            if not isinstance(field, forms.BooleanField):
                field.widget.attrs.setdefault("class", "form-select")

    @property
    def filters(self) -> dict:
        """The valid filters; an invalid value is ignored rather than showing nothing."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}
