"""core.forms.Rebinder: one form per class, re-bound per input, validates as a new form would."""

from django import forms

from filrouge.core.forms import Rebinder
from filrouge.pathways.forms import EntrySituationForm
from filrouge.pathways.models import EntrySituation


class AgeForm(forms.Form):
    name = forms.CharField(max_length=5)
    age = forms.IntegerField(min_value=0)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("name") == "Zoé" and cleaned.get("age") == 0:
            raise forms.ValidationError("Zoé n'a pas zéro an.")
        return cleaned


def test_each_input_is_validated_alone_as_by_a_new_form():
    forms_ = Rebinder()
    inputs = [
        {"name": "Zoé", "age": "0"},
        {"name": "Lou", "age": "7"},
        {"name": "Trop long", "age": "-1"},
        {},
    ]

    bound = [forms_.bind(AgeForm, data) for data in inputs]

    for form, data in zip(bound, inputs, strict=True):
        fresh = AgeForm(data)
        assert form.is_valid() == fresh.is_valid()
        assert form.errors == fresh.errors
        assert form.cleaned_data == fresh.cleaned_data
    assert bound[1].cleaned_data == {"name": "Lou", "age": 7}
    assert len(forms_.built) == 1  # built once


def test_a_model_form_gets_a_new_instance_per_input():
    forms_ = Rebinder()
    data = {"employment_status": "job_seeker", "rqth_status": "none"}

    first, second = forms_.bind(EntrySituationForm, data), forms_.bind(EntrySituationForm, dict(data))

    assert first.is_valid() == EntrySituationForm(data).is_valid()
    assert first.instance is not second.instance
    assert isinstance(first.instance, EntrySituation) and first.instance.pk is None
    given = EntrySituation()
    assert forms_.bind(EntrySituationForm, data, given).instance is given
