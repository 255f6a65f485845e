"""The fidelity review's forms: they gather values; the rules are `fidelity.domain`'s."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from filrouge.core.dates import add_months
from filrouge.core.forms import DateInput
from filrouge.fidelity import scale
from filrouge.fidelity.models import ActionStatus, ImprovementAction
from filrouge.outcomes import periods
from filrouge.pathways.domain import today


class ReviewerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return user.full_name or user.email


class ReviewDetailsForm(forms.Form):
    reviewed_on = forms.DateField(label=_("Date de la revue"), widget=DateInput)
    reviewers = ReviewerChoiceField(
        label=_("Évaluateurs de l'organisation"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    external_reviewers = forms.CharField(
        label=_("Évaluateurs extérieurs"),
        max_length=300,
        required=False,
        help_text=_("Les noms des évaluateurs qui n'ont pas de compte, séparés par des virgules."),
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].queryset = staff

    def clean_reviewed_on(self):
        value = self.cleaned_data["reviewed_on"]
        if value > today():
            raise ValidationError(_("Une revue ne peut être datée d'un jour à venir."))
        return value


class ReviewCreateForm(ReviewDetailsForm):
    period_start = forms.DateField(label=_("Début de la période observée"), widget=DateInput)
    period_end = forms.DateField(
        label=_("Fin de la période observée"),
        widget=DateInput,
        help_text=_(
            "Les chiffres proposés par les données portent sur cette période (en général les 12 derniers mois)."
        ),
    )
    field_order = ["period_start", "period_end", "reviewed_on", "reviewers", "external_reviewers"]

    @staticmethod
    def defaults(day: date) -> dict:
        """The last twelve months up to today, reviewed today."""
        return {"period_start": add_months(day, -12), "period_end": day, "reviewed_on": day}

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end:
            if start > today():
                self.add_error("period_start", _("La période observée ne peut commencer dans l'avenir."))
            try:
                periods.span(start, end)
            except periods.PeriodError as error:
                self.add_error("period_end", str(error))
        return cleaned


SCORE_CHOICES = [("", _("Pas encore noté"))]
FIELDS = ("score", "justification", "notes")


class SectionForm(forms.Form):
    """The score, justification and notes of every item of one section, prefixed by item code."""

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items  # the review's ReviewItem rows of this section, in the scale's order
        for row in items:
            item = row.item
            choices = [*SCORE_CHOICES, *((str(s), f"{s} — {item.anchor(s)}") for s in scale.SCORES)]
            self.fields[f"{row.code}-score"] = forms.TypedChoiceField(
                label=_("Note de l'item « %(title)s »") % {"title": item.title},
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                initial="" if row.score is None else str(row.score),
            )
            self.fields[f"{row.code}-justification"] = forms.CharField(
                label=_("Justification de l'écart avec la note proposée"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=row.justification,
                help_text=_("Obligatoire si la note diffère de la note proposée par les données.")
                if row.suggested_score is not None
                else "",
            )
            self.fields[f"{row.code}-notes"] = forms.CharField(
                label=_("Éléments observés"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=row.notes,
            )

    def rows(self):
        """For the template: each item with its bound fields."""
        for row in self.items:
            score, justification, notes = (self[f"{row.code}-{name}"] for name in FIELDS)
            yield {
                "row": row,
                "item": row.item,
                "score": score,
                "justification": justification,
                "notes": notes,
                "fields": [score, justification, notes],
            }

    def changed_items(self):
        """The rows with the values typed (not saved)."""
        for row in self.items:
            row.score = self.cleaned_data[f"{row.code}-score"]
            row.justification = self.cleaned_data[f"{row.code}-justification"]
            row.notes = self.cleaned_data[f"{row.code}-notes"]
        return self.items


class CompareForm(forms.Form):
    revues = forms.TypedMultipleChoiceField(
        label=_("Revues à comparer"), coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, reviews, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["revues"].choices = [(review.pk, review_label(review)) for review in reviews]

    def clean_revues(self):
        chosen = self.cleaned_data["revues"]
        if len(chosen) < 2:
            raise ValidationError(_("Choisissez au moins deux revues."))
        return chosen


def review_label(review) -> str:
    from django.utils.formats import date_format

    return _("Revue du %(day)s (période du %(start)s au %(end)s)") % {
        "day": date_format(review.reviewed_on, "j F Y"),
        "start": date_format(review.period_start, "SHORT_DATE_FORMAT"),
        "end": date_format(review.period_end, "SHORT_DATE_FORMAT"),
    }


class ImprovementActionForm(forms.ModelForm):
    class Meta:
        model = ImprovementAction
        fields = ["item_code", "what", "who", "due_on", "status"]
        widgets = {"due_on": DateInput, "what": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item_code"].choices = [("", _("Aucun item en particulier")), *scale.item_choices()]
        self.fields["status"].choices = ActionStatus.choices
