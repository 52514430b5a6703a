"""The resident's self-report form and the receipt lookup: plain text only, no links or markup."""

import re
import unicodedata

from django import forms

from households import id_numbers
from households.models import Area

DESCRIPTION_MAX = 300

# Scripts and links: nothing a resident describing hardship needs, everything a spammer does.
# Checked after NFKC, so full-width ＜ and ｈｔｔｐ：／／ are caught too.
FORBIDDEN = re.compile(r"[<>]|https?://|www\.|javascript:", re.IGNORECASE)
NO_LINKS = "请只填写文字，不要包含网址、链接或 < > 符号。"
PHONE = re.compile(r"1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8}", re.ASCII)
PHONE_WRONG = "请填写11位手机号码，或带区号的固定电话（如 0467-5812345）。"
CHOOSE_VILLAGE = "请选择您家所在的行政村。"
RECEIPT_SHAPE = re.compile(r"[A-Z0-9]{6,16}", re.ASCII)


def _plain(value: str) -> str:
    return unicodedata.normalize("NFKC", value or "")


def villages_by_township(county: Area) -> list[tuple[str, list[tuple[str, str]]]]:
    """The county's villages as select option groups, one per township (two queries)."""
    townships = dict(Area.objects.townships().filter(parent=county).values_list("code", "name"))
    groups: dict[str, list[tuple[str, str]]] = {}
    for code, name in Area.objects.villages().filter(code__startswith=county.code).values_list("code", "name"):
        groups.setdefault(code[:9], []).append((code, name))
    return [(townships.get(township, township), villages) for township, villages in sorted(groups.items())]


class SelfReportForm(forms.Form):
    reporter_name = forms.CharField(
        label="户主姓名", max_length=32, error_messages={"required": "请填写户主姓名。",
                                                       "max_length": "姓名最多32个字。"})
    reporter_phone = forms.CharField(
        label="联系电话", max_length=20, error_messages={"required": "请填写联系电话，村里核查时会联系您。"})
    reporter_id_number = forms.CharField(
        label="户主身份证号码", max_length=30, error_messages={"required": "请填写户主的18位身份证号码。"})
    village = forms.ChoiceField(label="所在行政村", error_messages={
        "required": CHOOSE_VILLAGE, "invalid_choice": CHOOSE_VILLAGE})
    description = forms.CharField(
        label="困难情况", max_length=DESCRIPTION_MAX, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=f"简要说明家里遇到的困难，如因病、因灾、因意外、失业等，不超过{DESCRIPTION_MAX}字。",
        error_messages={"required": "请简要说明家里遇到的困难。",
                        "max_length": f"困难情况最多{DESCRIPTION_MAX}字，请精简。"})

    TEXT_FIELDS = ("reporter_name", "reporter_phone", "reporter_id_number", "description")

    def __init__(self, *args, county: Area, **kwargs):
        super().__init__(*args, **kwargs)
        self.county = county
        self.fields["village"].choices = [("", "请选择行政村")] + villages_by_township(county)
        self.fields["reporter_phone"].widget.attrs.update(inputmode="tel", autocomplete="tel")
        self.fields["reporter_id_number"].widget.attrs.update(autocomplete="off", spellcheck="false")
        self.fields["reporter_name"].widget.attrs.update(autocomplete="name")
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-lg" if isinstance(
                field, forms.ChoiceField) else "form-control form-control-lg"

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:  # every way an error arrives: a field, clean(), the service
            widget = self.fields[name].widget if name in self.fields else None
            if widget is not None and "is-invalid" not in widget.attrs["class"]:
                widget.attrs["class"] += " is-invalid"
                widget.attrs["aria-describedby"] = " ".join(
                    [f"id_{name}_error"] + ([f"id_{name}_helptext"] if self.fields[name].help_text else []))

    def clean(self):
        cleaned = super().clean()
        # Checked on the raw input, whatever another check already said about the field.
        for name in self.TEXT_FIELDS:
            raw = _plain(self.data.get(self.add_prefix(name), ""))
            if FORBIDDEN.search(raw):
                self.errors.pop(name, None)
                self.add_error(name, NO_LINKS)
                cleaned.pop(name, None)
        return cleaned

    def clean_reporter_name(self):
        return _plain(self.cleaned_data["reporter_name"]).strip()

    def clean_reporter_phone(self):
        phone = "".join(_plain(self.cleaned_data["reporter_phone"]).split())
        if not PHONE.fullmatch(phone):
            raise forms.ValidationError(PHONE_WRONG)
        return phone

    def clean_reporter_id_number(self):
        number = id_numbers.normalise(self.cleaned_data["reporter_id_number"])
        problem = id_numbers.problem(number)
        if problem:
            raise forms.ValidationError(f"{problem}，请核对户主身份证。")
        return number

    def clean_description(self):
        return _plain(self.cleaned_data["description"]).strip()

    def clean_village(self):
        code = self.cleaned_data["village"]
        village = Area.objects.villages().filter(code=code, code__startswith=self.county.code).first()
        if village is None:
            raise forms.ValidationError(CHOOSE_VILLAGE)
        return village


class ReceiptLookupForm(forms.Form):
    number = forms.CharField(label="回执编号", max_length=32, required=False)

    def clean_number(self):
        return "".join(_plain(self.cleaned_data["number"]).split()).upper()

    @property
    def looks_like_a_receipt(self) -> bool:
        return self.is_valid() and bool(RECEIPT_SHAPE.fullmatch(self.cleaned_data["number"]))
