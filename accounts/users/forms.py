"""One small form per action on an account. The services check again; the forms give the
officer their errors beside the field."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError

from households.choices import AreaLevel

from accounts.roles import Role
from accounts.services import AccountError, role_area_check
from accounts.users.selectors import areas_of_county

User = get_user_model()

PASSWORD_HELP = "留空则由系统生成一个临时密码（只显示一次）。自己设定的临时密码至少 12 个字符，不能全是数字或常见密码。"


class AreaChoiceField(forms.ModelChoiceField):
    """An area of the county, labelled with its township so that villages of the same name differ."""

    def label_from_instance(self, area):
        if area.level == AreaLevel.VILLAGE:
            return f"{area.parent.name} · {area.name}（{area.code}）"
        if area.level == AreaLevel.TOWNSHIP:
            return f"{area.name}（乡镇，{area.code}）"
        return f"{area.name}（县级，{area.code}）"


def _area_field():
    return AreaChoiceField(
        label="所属区划", queryset=None, empty_label="请选择",
        help_text="村级信息员选择行政村，乡镇审核员选择乡镇，县级数据管理员和督导选择本县。",
        error_messages={"invalid_choice": "只能选择本县的区划。", "required": "请选择所属区划。"},
        widget=forms.Select(attrs={"class": "form-select"}),
    )


def _password_field():
    return forms.CharField(
        label="临时密码", required=False, strip=False, help_text=PASSWORD_HELP,
        widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "new-password"}),
    )


class AccountFieldsForm(forms.Form):
    full_name = forms.CharField(label="姓名", max_length=150,
                                error_messages={"required": "请填写姓名。"},
                                widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}))
    role = forms.ChoiceField(label="角色", choices=[("", "请选择"), *Role.choices],
                             error_messages={"required": "请选择角色。", "invalid_choice": "请选择列表中的角色。"},
                             widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, officer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"] = _area_field()
        self.fields["area"].queryset = areas_of_county(officer)

    def clean(self):
        cleaned = super().clean()
        role, area = cleaned.get("role"), cleaned.get("area")
        if role and area:
            try:
                role_area_check(role=role, area=area)
            except AccountError as error:
                self.add_error("area", str(error))
        return cleaned


class AccountCreateForm(AccountFieldsForm):
    field_order = ["username", "full_name", "role", "area", "password"]

    username = forms.CharField(
        label="用户名", max_length=150, validators=[UnicodeUsernameValidator(
            message="用户名只能包含字母、数字和 @ . + - _ 这几个符号。")],
        help_text="登录时使用，创建后不能修改。", error_messages={"required": "请填写用户名。"},
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off", "autocapitalize": "none"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"] = _password_field()
        self.order_fields(self.field_order)

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(f"用户名 {username} 已存在，请换一个。")
        return username

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            candidate = User(username=cleaned.get("username", ""), first_name=cleaned.get("full_name", ""))
            try:
                validate_password(password, candidate)
            except ValidationError as error:
                self.add_error("password", error)
        return cleaned


class StampForm(forms.Form):
    """The account as the officer's page saw it (accounts.users.services.account_stamp)."""

    stamp = forms.CharField(widget=forms.HiddenInput, max_length=64)


class AccountUpdateForm(StampForm, AccountFieldsForm):
    def __init__(self, *args, lock_role: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # An officer's own role and area are shown, not editable (the service refuses them too).
        self.fields["role"].disabled = self.fields["area"].disabled = lock_role


class PasswordResetForm(StampForm):
    password = _password_field()

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account

    def clean_password(self):
        password = self.cleaned_data["password"]
        if password:
            validate_password(password, self.account)
        return password
