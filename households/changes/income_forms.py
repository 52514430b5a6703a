"""The income change form (年度收入): one assessment year's amounts, with the clerk's note."""

from decimal import Decimal

from django import forms
from django.forms.models import fields_for_model

from households import expressions
from households.changes.fields import INCOME_FIELDS
from households.models import TRANSFER_PARTS, AnnualIncome, YearParameters

NEGATIVE = "金额不能为负数：请填写 0 或正数（元，最多两位小数）。"
NOT_A_NUMBER = "请填写金额数字（元，最多两位小数），例如 12345.60。"
# How each amount counts in 纯收入, from the one definition in expressions: the form's script reads it.
SIGNS = {**{name: "+" for name in expressions.INCOME_FIELDS}, **{name: "-" for name in expressions.EXPENSE_FIELDS}}


def year_choices(household) -> list[int]:
    """The years a clerk may enter: the years of the household's county and the household's income years."""
    years = set(YearParameters.objects.filter(county=household.county_code).values_list("year", flat=True))
    years |= set(household.incomes.values_list("year", flat=True))
    return sorted(years, reverse=True)


def default_year(years: list[int], *, county: str) -> int | None:
    current = YearParameters.current(county)
    if current and current.year in years:
        return current.year
    return years[0] if years else None


class IncomeYearForm(forms.Form):
    """The year picker above the income form (a GET: it only chooses which year's row is shown)."""

    year = forms.TypedChoiceField(label="收入年度", coerce=int)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, f"{y} 年度") for y in years]
        self.fields["year"].widget.attrs["data-autosubmit"] = ""


class IncomeForm(forms.Form):
    """The amounts of one year (empty counts as 0 in 纯收入). Values are checked here; nothing is saved."""

    year = forms.TypedChoiceField(coerce=int, widget=forms.HiddenInput)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, y) for y in years]
        self.fields.update(fields_for_model(AnnualIncome, fields=INCOME_FIELDS))
        for name in INCOME_FIELDS:
            field = self.fields[name]
            field.error_messages.update({"invalid": NOT_A_NUMBER, "min_value": NEGATIVE})
            field.widget.attrs.update({"inputmode": "decimal", "step": "0.01", "min": "0"})
            if name in SIGNS:
                field.widget.attrs["data-income-sign"] = SIGNS[name]
        self.fields["transfer_total"].help_text = "计入纯收入的转移性收入合计；下列各项为其中的明细。"
        self.fields["operating_expense"].help_text = "从生产经营性收入中扣除。"
        for name in ("medical_expense", "education_expense"):
            self.fields[name].help_text = "不计入纯收入，供分析支出型风险。"
        self.fields["note"] = forms.CharField(
            label="申请说明", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
            help_text="说明收入的来源和依据，例如“入户核实，务工收入按工资条”。",
        )

    def clean(self):
        cleaned = super().clean()
        # Decimal validators already refuse negatives; keep the message the clerk reads.
        for name in INCOME_FIELDS:
            value = cleaned.get(name)
            if value is not None and value < Decimal("0") and name not in self.errors:
                self.add_error(name, NEGATIVE)
        return cleaned

    @property
    def data_for_request(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in INCOME_FIELDS}

    def transfer_parts(self):
        return [self[name] for name in TRANSFER_PARTS]

    def earnings(self):
        return [self[name] for name in ("wage", "public_welfare_income", "operating_income",
                                        "operating_expense", "property_income", "transfer_total")]

    def expenses(self):
        return [self[name] for name in ("medical_expense", "education_expense")]
