"""The forms of member, measure and household-roll change requests.

Validation refuses what cannot be true (an ID of the wrong shape, a birth date in the
future, more than 12 months of work) and warns about what may be true but is unusual (an
ID whose check character, birth date or gender disagrees, a head younger than 16): the
form then shows the warnings and asks for "已核实，仍要提交" before it is valid.
"""

import datetime

from django import forms
from django.forms.models import fields_for_model
from django.utils import timezone

from households import id_numbers
from households.changes import fields as change_fields
from households.changes.forms import PHONE, PHONE_MESSAGE
from households.choices import Gender, Relationship
from households.expressions import assessment_year, shown_age_of
from households.masked_forms import MaskedInitialForm
from households.names import validate_name
from households.models import AssistanceMeasure, Household, Member, YearParameters
from households.scope import county_of

CONFIRM_LABEL = "已核实，仍要提交"
CONFIRM_REQUIRED = "请逐条核实上面的提示；确认无误请勾选“已核实，仍要提交”。"
MONTHS = "务工时间应为 0 到 12 个月。"
FUTURE = "日期不能晚于今天。"
ID_CHECK = "{problem}（请核对身份证原件；如证件本身如此，可核实后仍提交）"
ID_BIRTH = "出生日期 {given} 与证件号码中的出生日期 {from_id} 不一致"
ID_GENDER = "性别“{given}”与证件号码第17位（{from_id}）不一致"
YOUNG = "{relationship}年龄仅 {age} 岁，请核实与户主关系和出生日期"
# Where the other holder is stays unsaid: it may be outside the clerk's scope.
ID_TAKEN = "该证件号码已登记在另一名正常状态的成员名下，请核实是否重复登记"


def _note(help_text: str) -> forms.CharField:
    return forms.CharField(label="申请说明", required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 3}), help_text=help_text)


def _date_input() -> forms.DateInput:
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})  # a date input reads ISO only


def _not_future(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError(FUTURE)
    return value


class ChangeForm(MaskedInitialForm):
    """A change request's form: `names` are its request keys; `warnings()` the unusual values.

    ID numbers and phones given as initial are shown masked (masked_forms). `user` bounds
    what the duplicate-ID warning looks at to the user's scope."""

    names: tuple[str, ...] = ()
    note_help = "说明变更的原因和依据。"

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["note"] = _note(self.note_help)
        self.warning_texts: list[str] = []

    def warnings(self, cleaned: dict) -> list[str]:
        return []

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            self.warning_texts = self.warnings(cleaned)
            if self.warning_texts and not cleaned.get("confirm_warnings"):
                self.add_error("confirm_warnings" if "confirm_warnings" in self.fields else None, CONFIRM_REQUIRED)
        return cleaned

    @property
    def data_for_request(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.names}

    @property
    def confirmed_warnings(self) -> list[str]:
        return self.warning_texts

    def sections(self, title: str) -> list[tuple[str, list]]:
        """The cards of the form page: (heading, bound fields), less the note and the confirmation."""
        return [(title, [field for field in self.visible_fields()
                         if field.name not in ("note", "confirm_warnings")])]


class MemberForm(ChangeForm):
    """修改成员信息: a member's fields, the ID checked against the birth date and gender."""

    names = change_fields.MEMBER_FIELDS
    note_help = "说明修改的原因和依据，例如“入户核实，身份证号码登记有误”。"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model_fields = fields_for_model(Member, fields=change_fields.MEMBER_FIELDS)
        self.fields = {**model_fields, **self.fields}
        self.fields["name"].required = True
        self.fields["name"].validators.append(validate_name)
        self.fields["id_number"].help_text = "18位居民身份证号码，末位 X 请大写。"
        self.fields["birth_date"].widget = _date_input()
        self.fields["birth_date"].validators.append(_not_future)
        self.fields["months_worked"].error_messages.update({"max_value": MONTHS, "min_value": MONTHS})
        self.fields["months_worked"].widget.attrs.update({"inputmode": "numeric", "min": "0", "max": "12"})
        self.fields["public_welfare_job"].widget = forms.Select(
            choices=[("unknown", "未采集"), ("true", "是"), ("false", "否")])
        self.fields["confirm_warnings"] = forms.BooleanField(label=CONFIRM_LABEL, required=False)

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_id_number(self):
        value = id_numbers.normalise(self.cleaned_data.get("id_number"))
        if not value:
            return value
        problem = id_numbers.problem(value)
        # Only the check character may be wrong on a real card; any other shape cannot be an ID.
        if problem and not problem.startswith("证件号码第18位校验码"):
            raise forms.ValidationError(problem + "。")
        return value

    def clean_months_worked(self):
        value = self.cleaned_data.get("months_worked")
        if value is not None and not 0 <= value <= 12:
            raise forms.ValidationError(MONTHS)
        return value

    def warnings(self, cleaned: dict) -> list[str]:
        found = []
        number, born, gender = cleaned.get("id_number") or "", cleaned.get("birth_date"), cleaned.get("gender")
        # a kept number is not being entered: which check character it calls for stays unsaid
        problem = id_numbers.problem(number, tell_check=not self.left_masked("id_number")) if number else None
        if problem:
            found.append(ID_CHECK.format(problem=problem))
        from_id = id_numbers.birth_date(number) if number else None
        if from_id and born and born != from_id:
            found.append(ID_BIRTH.format(given=born.isoformat(), from_id=from_id.isoformat()))
        if number and from_id and gender:
            male = id_numbers.is_male(number)
            if (gender == Gender.MALE) != male:
                found.append(ID_GENDER.format(given=Gender(gender).label, from_id="男" if male else "女"))
        if self._held_by_another(number):
            found.append(ID_TAKEN)
        relationship = cleaned.get("relationship", Relationship.HEAD)
        born = born or from_id
        if born and relationship in (Relationship.HEAD, Relationship.SPOUSE):
            age = _age(born, self.user)
            if age < 16:
                found.append(YOUNG.format(relationship=Relationship(relationship).label, age=age))
        return found


    def _held_by_another(self, number: str) -> bool:
        """Whether an active member of an active household in the user's scope already holds
        `number` (the member being edited keeps their own number without a warning). Outside
        the scope it stays unsaid: the warning would tell that the number is registered there."""
        if not number or number == (self.initial_value("id_number") or "") or self.user is None:
            return False
        return Member.objects.in_scope(self.user).active().filter(
            id_number=number, household__removed_on__isnull=True).exists()


def _age(born: datetime.date, user) -> int:
    """The age B08 reads (rules.md: whole years on the reference date of the year evaluated):
    on 30 September of the user's county's current year, or of the assessment year today is in."""
    current = YearParameters.current(county_of(user))
    year = current.year if current else assessment_year(timezone.localdate())
    return shown_age_of(born, year)


class MemberAddForm(MemberForm):
    """新增成员: the member's fields and why and when they joined (出生, 婚入, 其他迁入)."""

    names = change_fields.MEMBER_FIELDS + change_fields.MEMBER_JOIN_FIELDS
    note_help = "说明增员的依据，例如“出生医学证明”“结婚登记”。"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        join = fields_for_model(Member, fields=change_fields.MEMBER_JOIN_FIELDS)
        for name, field in join.items():
            field.required = True
        join["joined_on"].widget = _date_input()
        join["joined_on"].validators.append(_not_future)
        self.fields = {**join, **self.fields}


class MemberRemoveForm(ChangeForm):
    """减员: why and when the member left (死亡 → 死亡; 迁出, 婚出, 其他 → 迁出)."""

    names = change_fields.MEMBER_LEAVE_FIELDS
    note_help = "说明减员的依据，例如“死亡证明”“户口迁出证明”。"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        leave = fields_for_model(Member, fields=self.names)
        for field in leave.values():
            field.required = True
        leave["left_on"].widget = _date_input()
        leave["left_on"].validators.append(_not_future)
        self.fields = {**leave, **self.fields}


class MeasureForm(ChangeForm):
    """新增帮扶措施: the year, the type and what was done."""

    names = change_fields.MEASURE_FIELDS
    note_help = "说明措施的依据，例如“帮扶手册记录”。"

    def __init__(self, *args, county: str, **kwargs):
        super().__init__(*args, **kwargs)
        fields = fields_for_model(AssistanceMeasure, fields=self.names)
        fields["year"] = forms.TypedChoiceField(label="年度", coerce=int, choices=_year_choices(county))
        fields["content"].required = True
        fields["content"].widget = forms.Textarea(attrs={"rows": 3})
        fields["content"].help_text = "写明具体措施，例如“发放肉牛 2 头”“安排公益性岗位（护林员）”。"
        self.fields = {**fields, **self.fields}

    @staticmethod
    def initial_year(county: str) -> int | None:
        current = YearParameters.current(county)
        return current.year if current else timezone.localdate().year


def _year_choices(county: str) -> list[tuple[int, str]]:
    this_year = timezone.localdate().year
    years = set(YearParameters.objects.filter(county=county).values_list("year", flat=True)) | {this_year, this_year + 1}
    return [(year, f"{year} 年度") for year in sorted(years, reverse=True)]


class HouseholdRemoveForm(ChangeForm):
    """农户核减: why and when the household leaves the roll."""

    names = change_fields.HOUSEHOLD_REMOVE_FIELDS
    note_help = "说明核减的依据，例如“全户死亡”“全户迁往外省”。"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = fields_for_model(Household, fields=self.names)
        for field in fields.values():
            field.required = True
        fields["removed_on"].widget = _date_input()
        fields["removed_on"].validators.append(_not_future)
        self.fields = {**fields, **self.fields}


class HouseholdAddForm(MemberForm):
    """新增农户: the household's type, address and phone, and its head (户主)."""

    names = change_fields.NEW_HOUSEHOLD_FIELDS + change_fields.HEAD_FIELDS
    note_help = "说明新增的依据，例如“分户”“新识别监测对象”。"

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["relationship"]
        self.fields["name"].label = "户主姓名"
        household = fields_for_model(Household, fields=change_fields.NEW_HOUSEHOLD_FIELDS)
        village = forms.ModelChoiceField(label="行政村", queryset=villages, empty_label=None)
        self.fields = {"village": village, **household, **self.fields}

    def sections(self, title: str) -> list[tuple[str, list]]:
        [(_title, fields)] = super().sections(title)
        household = ("village", *change_fields.NEW_HOUSEHOLD_FIELDS)
        return [("农户", [f for f in fields if f.name in household]),
                ("户主", [f for f in fields if f.name not in household])]

    def clean_phone(self):
        value = self.cleaned_data.get("phone", "").strip()
        if value and not PHONE.match(value):
            raise forms.ValidationError(PHONE_MESSAGE)
        return value

    @property
    def data_for_request(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.names}


def initial_from(values: dict) -> dict:
    initial = dict(values)
    if "public_welfare_job" in initial:
        initial["public_welfare_job"] = {True: "true", False: "false"}.get(values.get("public_welfare_job"), "unknown")
    return initial
