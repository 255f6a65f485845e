from django import forms
from django.utils.translation import gettext_lazy as _

from filrouge.core.forms import DateInput
from filrouge.matching.models import Answer
from filrouge.pathways.domain import today


class ProposeForm(forms.Form):
    """Proposing a person to an opening: through which pathway, on which day."""

    enrolment = forms.ModelChoiceField(label=_("Parcours"), queryset=None, empty_label=None)
    proposed_on = forms.DateField(label=_("Proposée le"), widget=DateInput(), initial=today)
    comment = forms.CharField(
        label=_("Commentaire"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Facultatif : comment la candidature a été présentée, à qui."),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput, max_length=500)

    def __init__(self, *args, enrolments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrolment"].queryset = enrolments
        self.fields["enrolment"].label_from_instance = lambda e: e.service.name
        self.only = enrolments[0] if len(enrolments) == 1 else None
        if self.only is not None:  # nothing to choose
            self.fields["enrolment"].initial = self.only.pk
            self.fields["enrolment"].widget = forms.HiddenInput()
            self.fields["enrolment"].required = False

    def clean_enrolment(self):
        return self.cleaned_data.get("enrolment") or self.only


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Réponse"),
        choices=[(value, label) for value, label in Answer.choices if value != Answer.PENDING],
    )
    answered_on = forms.DateField(label=_("Date de la réponse"), widget=DateInput(), initial=today)
    comment = forms.CharField(
        label=_("Commentaire"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
