"""How every form of the site renders: a select's empty choice says 请选择.

Django labels the empty choice of a model field with choices, and a ModelChoiceField's, as
"---------". The project's form renderer binds fields through `ChoosingBoundField`, which
relabels that choice once per form, whatever the form (change requests, tickets, settings,
the admin). Filters (django-filter) say 全部 instead: settings.FILTERS_EMPTY_CHOICE_LABEL, or
their own `empty_label` (全部乡镇 …).
"""

from django import forms
from django.forms.renderers import DjangoTemplates

CHOOSE = "请选择"
DJANGO_BLANK = "---------"


def say_choose(field: forms.Field) -> None:
    """Relabel `field`'s "---------" empty choice as 请选择 (the field is the form's own copy)."""
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == DJANGO_BLANK:
            field.empty_label = CHOOSE
    elif isinstance(field, forms.ChoiceField) and any(label == DJANGO_BLANK for _value, label in field.choices):
        field.choices = [(value, CHOOSE if label == DJANGO_BLANK else label) for value, label in field.choices]


class ChoosingBoundField(forms.BoundField):
    def __init__(self, form, field, name):
        say_choose(field)
        super().__init__(form, field, name)


class FormRenderer(DjangoTemplates):
    """settings.FORM_RENDERER: Django's renderer, binding fields as `ChoosingBoundField`."""

    bound_field_class = ChoosingBoundField
