"""Form building blocks shared by the apps."""

import copy
from datetime import date, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.timezone import localtime

from filrouge.core.phones import PhoneFormField, format_phone
from filrouge.core.versioning import VersionConflict, claim


def add_domain_errors(form, error: ValidationError) -> None:
    """A refusal of a domain rule, shown on the field it names (or above the form); a record
    saved meanwhile, as the comparison of the two versions."""
    if isinstance(error, VersionConflict) and isinstance(form, VersionedModelForm):
        form.show_conflict(error)
        return
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class Rebinder:
    """Validates many inputs through the same form classes (an import's rows) without building a
    form per input: Django deep-copies every field of every form it builds, which costs more than
    the validation itself. A form is built once per class, then each input gets a shallow copy
    bound to it, sharing the fields (validation reads them, never changes them).

    Only for forms whose construction depends on nothing but their class: a plain form, or a model
    form of a new record (each input gets a fresh instance)."""

    def __init__(self):
        self.built: dict[type, forms.BaseForm] = {}

    def bind(self, form_class: type[forms.BaseForm], data: dict, instance=None) -> forms.BaseForm:
        template = self.built.get(form_class)
        if template is None:
            template = self.built[form_class] = form_class()
        form = copy.copy(template)
        form.data, form.files, form.is_bound = data, {}, True
        form._errors, form._bound_fields_cache = None, {}
        if isinstance(form, forms.BaseModelForm):
            form.instance = instance if instance is not None else form_class._meta.model()
        return form


class DateInput(forms.DateInput):
    """The browser's date picker; the value travels as ISO 8601 whatever the display language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class VersionedModelForm(forms.ModelForm):
    """Refuses to overwrite a record that someone else saved since this form was displayed.

    The form carries the version it was built from. When the record has moved on, the form is
    shown again with the user's input kept, an error, and `conflict`: the fields that differ,
    with the saved value beside the one typed. Sending it again then overwrites knowingly.

    `clean()` compares early, without a lock; the write itself claims the version
    (`core.versioning.claim`), which catches a save committed in between. `save()` claims it;
    `save(commit=False)` leaves on the instance the version the change was built from, and the
    domain function that writes it claims before writing. A `VersionConflict` raised there goes
    through `add_domain_errors`, which shows it like the one found by `clean()`.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        self.conflict: list[dict] = []

    def clean(self):
        cleaned = super().clean()
        submitted = cleaned.get("version")
        if self.instance.pk and submitted is not None:
            saved = self.saved_record()
            if saved is not None and saved.version != submitted:
                self.compare_with(saved)
                raise VersionConflict()
        return cleaned

    def saved_record(self):
        return type(self.instance)._base_manager.filter(pk=self.instance.pk).first()

    def compare_with(self, saved) -> None:
        """Fills `conflict` with the fields that differ, and moves the form to the saved version:
        resending it is then a deliberate overwrite of that version."""
        self.conflict = [
            {
                "label": self.fields[name].label,
                "saved": self.shown(name, self.saved_value(saved, name)),
                "yours": self.shown(name, self.typed_value(name)),
            }
            for name in self.Meta.fields
            if self.saved_value(saved, name) != self.typed_value(name)
        ]
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = saved.version

    def show_conflict(self, error: VersionConflict) -> None:
        """A conflict found when writing, shown like the one `clean()` finds."""
        saved = self.saved_record()
        if saved is not None:
            self.compare_with(saved)
        self.add_error(None, error)

    def saved_value(self, obj, name):
        value = getattr(obj, name)
        return frozenset(value.all()) if hasattr(value, "all") else value

    def typed_value(self, name):
        value = self.cleaned_data.get(name)
        if isinstance(self.fields[name], forms.ModelMultipleChoiceField):
            return frozenset(value or ())
        return value

    def shown(self, name, value) -> str:
        """A value as a person reads it: dates in French, choices by their label, lists joined."""
        field = self.fields[name]
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            value = dict(field.choices).get(value, value)
        if isinstance(value, frozenset):
            return ", ".join(sorted(str(item) for item in value))
        if isinstance(value, datetime):
            return date_format(localtime(value), "SHORT_DATETIME_FORMAT")
        if isinstance(value, date):
            return date_format(value, "SHORT_DATE_FORMAT")
        if isinstance(field, PhoneFormField):
            return format_phone(value)
        return "" if value is None else str(value)

    def save(self, commit=True):
        if self.instance.pk:
            self.instance.version = self.cleaned_data["version"]
            if commit:
                claim(self.instance)
        return super().save(commit)
