"""The forms of a right-of-access request: opening it, a professional's review, the extension.
Their rules live in `privacy.access`; these forms only gather the input."""

from django import forms
from django.utils.translation import gettext_lazy as _

from filrouge.core.forms import DateInput
from filrouge.privacy.models import AccessRequest, Decision, Ground, WritingReview


class OpenRequestForm(forms.ModelForm):
    class Meta:
        model = AccessRequest
        fields = ["received_on", "requested_by"]
        widgets = {"received_on": DateInput()}


class ReviewForm(forms.Form):
    """A professional's decision on one writing (the model's labels and help)."""

    decision = forms.ChoiceField(label=_("Décision"), choices=Decision.choices, widget=forms.RadioSelect)
    ground = forms.ChoiceField(
        label=_("Motif légal (si tout ou partie n'est pas communiqué)"),
        choices=Ground.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    explanation = WritingReview._meta.get_field("explanation").formfield(
        widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    withheld_passages = WritingReview._meta.get_field("withheld_passages").formfield(
        widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    # The version of the writing the reviewer read: a correction made meanwhile is read first.
    writing_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ExtendForm(forms.Form):
    extension_reason = forms.CharField(
        label=_("Motif de la prolongation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Il est communiqué à la personne, qui doit être informée de la prolongation avant la fin "
            "du premier mois (RGPD, art. 12, § 3)."
        ),
    )
