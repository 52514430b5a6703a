"""The household list's filters: every one a query parameter, so a filtered list can be shared."""

import copy
from functools import cached_property

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import QueryDict
from django.utils.safestring import SafeString, mark_safe

from households import id_numbers, list_extensions
from households.compiled import EXACT, STARTSWITH
from households.choices import AreaLevel, HouseholdType, IdentificationSource, MonitoringType, RiskStatus
from households.list_rows import escaped
from households.models import Area, Household, Member
from households.scope import county_of
from monitoring.forms import ChoosingBoundField

SORTS = {
    "number": ("number",),
    "-number": ("-number",),
    "village": ("village_id", "number"),
    "-village": ("-village_id", "-number"),
    "head": ("head_name", "number"),
    "-head": ("-head_name", "-number"),
    "size": ("size", "number"),
    "-size": ("-size", "-number"),
    "income": ("income_per_capita", "number"),
    "-income": ("-income_per_capita", "-number"),
}
SORT_LABELS = {"number": "户编号", "village": "行政村", "head": "户主", "size": "人口", "income": "人均纯收入"}


class RememberedWidgetBoundField(ChoosingBoundField):
    """A filter whose widget, attributes, choices and value are the same renders the same HTML:
    that HTML is remembered in the process instead of rendered through Django's form templates
    on every request (the list's eight filter widgets were a third of its template time).
    Model choices (areas, which change) and fields with errors are always rendered afresh."""

    _remembered: dict = {}
    REMEMBER_AT_MOST = 512  # a crafted query string cannot grow it without bound

    def as_widget(self, widget=None, attrs=None, only_initial=False):
        field = self.field
        if widget is not None or attrs or only_initial or isinstance(field, forms.ModelChoiceField) or self.errors:
            return super().as_widget(widget, attrs, only_initial)
        value = self.value()
        key = (
            type(field.widget), self.html_name, self.auto_id, field.localize, repr(value),
            tuple(sorted((k, str(v)) for k, v in field.widget.attrs.items())),
            tuple(sorted((k, str(v)) for k, v in self.build_widget_attrs({}).items())),
            tuple((str(v), str(label)) for v, label in getattr(field, "choices", ())),
        )
        html = self._remembered.get(key)
        if html is None:
            html = super().as_widget()
            if len(self._remembered) >= self.REMEMBER_AT_MOST:
                self._remembered.clear()
            self._remembered[key] = html
        return html


class AreaChoiceField(forms.ModelChoiceField):
    """A township or village chosen among the areas its filter set read for both selects (one
    query for the options and the validation of both, instead of a query each): `areas`, set on
    each form's own copy of the field, gives them."""

    areas = None  # a callable returning the areas offered; without it, validated by a query

    def to_python(self, value):
        if self.areas is None or value in self.empty_values:
            return super().to_python(value)
        code = value.pk if isinstance(value, Area) else str(value)
        for area in self.areas():
            if area.code == code:
                return area
        raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})


class AreaChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = AreaChoiceField


def _own_copy(filter_: django_filters.Filter) -> django_filters.Filter:
    """A filter set's own copy of a declared filter: its attributes (parent, model, queryset) and
    `extra` its own, its method bound to the copy (a method filter's FilterMethod points at the
    filter it was made for, and through it at that filter's filter set), no form field built
    from another instance's values; the choices, widget and labels shared, never changed."""
    own = copy.copy(filter_)
    own.extra = dict(filter_.extra)
    own.__dict__.pop("_field", None)
    if filter_.method is not None:
        own.method = filter_.method  # a FilterMethod of the copy
    return own


class HouseholdFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="搜索", method="filter_text",
        widget=forms.TextInput(attrs={"placeholder": "户编号 / 姓名 / 证件号码", "type": "search"}),
    )
    township = AreaChoiceFilter(
        label="乡镇", queryset=Area.objects.none(), method="filter_township", empty_label="全部乡镇"
    )
    village = AreaChoiceFilter(
        label="行政村", queryset=Area.objects.none(), empty_label="全部行政村"
    )
    household_type = django_filters.ChoiceFilter(
        label="户类型", choices=HouseholdType.choices, empty_label="全部户类型"
    )
    monitoring_type = django_filters.ChoiceFilter(
        label="监测对象类别",
        choices=[("any", "全部监测对象"), ("none", "非监测对象"), *MonitoringType.choices],
        method="filter_monitoring_type", empty_label="不限",
    )
    risk_status = django_filters.ChoiceFilter(
        label="风险状态", choices=RiskStatus.choices, empty_label="全部风险状态"
    )
    identification_source = django_filters.ChoiceFilter(
        label="识别来源", choices=IdentificationSource.choices, empty_label="全部识别来源"
    )
    # B07: a household is located when both its longitude and latitude are recorded.
    located = django_filters.ChoiceFilter(
        label="家庭位置", choices=[("yes", "已采集位置"), ("no", "未采集位置")],
        method="filter_located", empty_label="不限",
    )
    sort = django_filters.ChoiceFilter(
        label="排序", choices=[(key, key) for key in SORTS], method="filter_sort", empty_label=None,
    )

    class Meta:
        model = Household
        fields = ["q", "township", "village", "household_type", "monitoring_type", "risk_status",
                  "identification_source", "located"]

    def __init__(self, data=None, queryset=None, *, user, request=None, prefix=None):
        # django_filters.FilterSet.__init__, with each filter copied shallowly instead of
        # deep-copied (their choices and widgets, lazy labels included: 0.19 ms of the filter
        # set's 0.8 ms on every request): what an instance sets on its filters is its own.
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {name: _own_copy(filter_) for name, filter_ in self.base_filters.items()}
        for filter_ in self.filters.values():
            filter_.model = queryset.model
            filter_.parent = self

        self.county = county_of(user)
        areas = Area.objects.in_scope(user)
        self.filters["township"].queryset = areas.townships()
        # A county has hundreds of villages: they are offered once a township is chosen.
        # A township reviewer's scope is one township, so theirs are offered at once.
        villages = areas.villages()
        township = (data or {}).get("township")
        if township:
            villages = villages.filter(parent_id=township)
        elif getattr(user, "is_county_staff", False) or getattr(user, "is_inspector", False):
            villages = villages.none() if not (data or {}).get("village") else villages.filter(
                code=(data or {}).get("village"))
        self.filters["village"].queryset = villages
        for name in ("household_type", "monitoring_type", "risk_status", "identification_source", "located"):
            self.form.fields[name].widget.attrs["class"] = "form-select"

    # The form class, built once per process and filter set class (a new class and fresh
    # fields on every request were a tenth of the list's CPU). Its area fields' querysets are
    # the first user's: `form` gives every instance the querysets of its own user.
    _form_classes: dict = {}

    def get_form_class(self):
        """The form of the declared filters and of those other apps registered (list_extensions)."""
        form_class = self._form_classes.get(type(self))
        if form_class is None:
            form_class = super().get_form_class()
            form_class = type(form_class.__name__, (form_class,),
                              {"bound_field_class": RememberedWidgetBoundField, **list_extensions.filter_fields()})
            self._form_classes[type(self)] = form_class
        return form_class

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            for name in ("township", "village"):  # the form's own copies of the fields
                form.fields[name].queryset = self.filters[name].queryset
                form.fields[name].areas = lambda name=name: self.area_choices[name]
        return self._form

    @cached_property
    def area_choices(self) -> dict[str, list[Area]]:
        """The areas each select offers, by filter name: the townships and the villages (of the
        chosen township, or the chosen one) read in one query, in code order."""
        chosen = {"township": [], "village": []}
        for area in self.filters["township"].queryset | self.filters["village"].queryset:
            chosen["township" if area.level == AreaLevel.TOWNSHIP else "village"].append(area)
        return chosen

    def township_options(self) -> SafeString:
        """The township select's `<option>`s (households/_area_filter.html): the user's townships,
        the chosen one selected. Built here, not by a template loop over the areas (a county's
        townships were a tenth of the list page's template time)."""
        return self._area_options("township")

    def village_options(self) -> SafeString:
        return self._area_options("village")

    def _area_options(self, name: str) -> SafeString:
        chosen = self.form[name].value()
        return mark_safe("".join(
            f'<option value="{escaped(area.code)}"{" selected" if area.code == chosen else ""}>{escaped(area.name)}</option>'
            for area in self.area_choices[name]
        ))

    def filter_queryset(self, queryset):
        return self.filter_with(queryset, self.form.cleaned_data)

    def filter_with(self, queryset, cleaned_data: dict):
        """The declared filters (as django-filter does), then the registered ones, with these values
        (the form's, or the list's compiled statement's stand-ins: households.selectors)."""
        for name, value in cleaned_data.items():
            if name in self.filters:
                queryset = self.filters[name].filter(queryset, value)
        return list_extensions.apply_filters(queryset, cleaned_data, county=self.county)

    # The filters whose value can be a parameter of the list's compiled statement, and the lookup
    # it goes through (households.compiled); any other filter's value is part of the statement's key.
    BOUND_LOOKUPS = {"q": STARTSWITH, "township": EXACT, "village": EXACT}

    def bound_value(self, name: str, value) -> str | None:
        """`value` of the filter `name` as its compiled statement binds it, or None when the
        value changes the statement itself (a search by a whole ID number adds a condition)."""
        if name == "q":
            text = value.strip()
            return text if text and len(id_numbers.normalise(text)) != 18 else None
        if name in ("township", "village"):
            return value.code
        return None

    def filter_text(self, queryset, name, value):
        """Household number or member name matched from the start; an ID number in full.

        Clerks type a household number, a surname or full name, or the ID number on the card.
        An ID number matches only whole: found by its first digits, the list would answer,
        digit after digit, what the mask hides (docs/masking.md). Prefix and exact matches use
        the indexes, so a search stays fast in a county of 100,000 households (the members
        are looked up once, not once per household).
        """
        text = value.strip()
        if not text:
            return queryset
        matches = Q(name__startswith=text)
        id_number = id_numbers.normalise(text)
        if len(id_number) == 18:  # an ID matches only in full: a prefix would answer the masked digits
            matches |= Q(id_number=id_number)
        members = Member.objects.filter(matches)
        if self.county:  # a county's members only (index member_county_name), however many counties share the database
            members = members.filter(county=self.county)
        members = members.values("household_id")
        return queryset.filter(Q(number__startswith=text) | Q(pk__in=members))

    def filter_township(self, queryset, name, value):
        return queryset.filter(village__parent=value)

    def filter_monitoring_type(self, queryset, name, value):
        if value == "any":
            return queryset.exclude(monitoring_type="")
        if value == "none":
            return queryset.filter(monitoring_type="")
        return queryset.filter(monitoring_type=value)

    def filter_located(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(longitude__isnull=False, latitude__isnull=False)
        return queryset.filter(Q(longitude__isnull=True) | Q(latitude__isnull=True))

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORTS.get(value, SORTS["number"]))
