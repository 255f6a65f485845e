"""The forms of experiences in work. They gather values only: every rule is the domain's
(`placements.domain`), which reports every mistake at once, by field."""

from django import forms
from django.utils.translation import gettext_lazy as _

from filrouge.core.forms import DateInput
from filrouge.documents.models import Attachment
from filrouge.employers.models import Company, Opening
from filrouge.pathways.domain import today
from filrouge.pathways.models import Phase
from filrouge.people.models import Contact
from filrouge.placements.domain import KEEP_PHASE, long_day
from filrouge.placements.models import (
    AdjustmentKind,
    AdjustmentStatus,
    EmployerDisclosure,
    EndReason,
    ImmersionAssessment,
    ImmersionObjective,
    PlacementKind,
    ReviewOutcome,
)
from filrouge.referentials.forms import JobTitleField
from filrouge.referentials.models import ContractType

YES_NO = [("yes", _("Oui")), ("no", _("Non"))]


class TutorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, contact):
        company = contact.company.name if contact.company_id else contact.partner_name
        return f"{company} — {contact.full_name}"


class PlacementForm(forms.Form):
    """The details of an immersion, an internship or a job; the fields follow the kind."""

    company = forms.ModelChoiceField(label=_("Entreprise"), queryset=Company.objects.none())
    tutor = TutorChoiceField(
        label=_("Tuteur ou tutrice"),
        queryset=Contact.objects.none(),
        required=False,
        help_text=_(
            "Un contact de l'entreprise choisie (ajoutez-le d'abord dans les contacts de l'entreprise)."
        ),
    )
    job_title = JobTitleField(label=_("Poste"))
    objective = forms.ChoiceField(label=_("Objectif de l'immersion"), choices=ImmersionObjective.choices)
    contract_type = forms.ChoiceField(
        label=_("Type de contrat"), choices=[("", "—"), *ContractType.choices], required=False
    )
    started_on = forms.DateField(label=_("Début"), widget=DateInput())
    planned_end_on = forms.DateField(label=_("Fin prévue"), widget=DateInput(), required=False)
    hours_per_week = forms.IntegerField(label=_("Heures par semaine"))
    agreement = forms.ModelChoiceField(
        label=_("Convention signée, déjà dans les documents de la personne"),
        queryset=Attachment.objects.none(),
        required=False,
    )
    agreement_file = forms.FileField(
        label=_("Ou la convention signée à joindre"),
        required=False,
        help_text=_("PDF, image ou document scanné ; elle sera ajoutée aux documents de la personne."),
    )
    opening = forms.ModelChoiceField(
        queryset=Opening.objects.none(), required=False, widget=forms.HiddenInput
    )
    move_to_employment = forms.BooleanField(
        label=_("Passer le parcours à l'étape « En emploi (suivi) » à la date de début de l'emploi"),
        required=False,
        help_text=_(
            "Laissez décoché pour un emploi qui commence plus tard, ou déjà terminé : l'étape se change "
            "le jour de son début."
        ),
    )

    def __init__(self, *args, kind, companies, tutors, attachments, creating: bool, openings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if openings is None:
            del self.fields["opening"]
        else:
            self.fields["opening"].queryset = openings
        self.fields["company"].queryset = companies
        self.fields["tutor"].queryset = tutors
        self.fields["agreement"].queryset = attachments
        self.fields["agreement"].label_from_instance = lambda a: f"{a.title} ({a.original_name})"
        if kind == PlacementKind.IMMERSION:
            del self.fields["contract_type"]
            self.fields["planned_end_on"].label = _("Fin")
            self.fields["planned_end_on"].help_text = _("Une immersion dure au plus un mois.")
        else:
            del self.fields["objective"]
        if kind == PlacementKind.EMPLOYMENT:
            del self.fields["agreement"], self.fields["agreement_file"]
            self.fields["planned_end_on"].help_text = _(
                "Laissez vide pour un CDI, une titularisation ou une création d'entreprise."
            )
        if kind != PlacementKind.EMPLOYMENT or not creating:
            del self.fields["move_to_employment"]
        if kind == PlacementKind.INTERNSHIP:
            self.fields["contract_type"].help_text = _("Si le stage se fait sous contrat.")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("agreement") and cleaned.get("agreement_file"):
            self.add_error(
                "agreement_file", _("Choisissez une convention déjà jointe ou envoyez-en une, pas les deux.")
            )
        return cleaned

    def details(self) -> dict:
        """The values the domain takes (the file aside, which the view stores first)."""
        names = ("company", "tutor", "job_title", "objective", "contract_type", "started_on")
        names += ("planned_end_on", "hours_per_week", "agreement", "opening")
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}


def phase_choices(enrolment) -> list[tuple[str, str]]:
    current = enrolment.get_phase_display()
    keep = (KEEP_PHASE, _("Garder l'étape actuelle (%(phase)s)") % {"phase": current})
    others = [(p.value, p.label) for p in Phase if p not in (Phase.EXIT, enrolment.phase)]
    return [keep, *others]


class EndForm(forms.Form):
    ended_on = forms.DateField(label=_("Date de fin"), widget=DateInput(), initial=today)
    reason = forms.ChoiceField(label=_("Motif de fin"), choices=EndReason.choices)
    assessment = forms.ChoiceField(
        label=_("Bilan de l'immersion"), choices=ImmersionAssessment.choices, widget=forms.RadioSelect
    )
    led_to_job = forms.ChoiceField(
        label=_("L'immersion a-t-elle débouché sur un emploi ?"), choices=YES_NO, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Commentaire sur la fin"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    next_phase = forms.ChoiceField(label=_("Étape du parcours ensuite"), choices=(), required=False)

    def __init__(self, *args, placement, **kwargs):
        super().__init__(*args, **kwargs)
        if placement.kind != PlacementKind.IMMERSION:
            del self.fields["assessment"], self.fields["led_to_job"]
        enrolment = placement.enrolment
        if enrolment.is_current:
            self.fields["next_phase"].choices = phase_choices(enrolment)
            self.fields["next_phase"].required = True
        else:
            del self.fields["next_phase"]

    def values(self) -> dict:
        data = self.cleaned_data
        values = {"ended_on": data["ended_on"], "reason": data["reason"], "comment": data["comment"]}
        if "assessment" in data:
            values["assessment"] = data["assessment"]
            values["led_to_job"] = {"yes": True, "no": False}.get(data.get("led_to_job"))
        values["next_phase"] = data.get("next_phase") or KEEP_PHASE
        return values


class DisclosureForm(forms.Form):
    disclosure = forms.ChoiceField(
        label=_("Ce que la personne a choisi de dire à cet employeur"),
        choices=EmployerDisclosure.choices,
        widget=forms.RadioSelect,
    )
    decided_on = forms.DateField(label=_("Décidé par la personne le"), widget=DateInput(), initial=today)


class AdjustmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type d'aménagement"), choices=AdjustmentKind.choices)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))
    with_occupational_physician = forms.BooleanField(
        label=_("Décidé avec la médecine du travail"), required=False
    )
    agreed_on = forms.DateField(label=_("Décidé le"), widget=DateInput(), initial=today)
    status = forms.ChoiceField(label=_("Statut"), choices=AdjustmentStatus.choices)


class AdjustmentStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Nouveau statut"), choices=AdjustmentStatus.choices)


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(label=_("Date du point"), widget=DateInput(), initial=today)
    outcome = forms.ChoiceField(label=_("Constat"), choices=ReviewOutcome.choices)
    comment = forms.CharField(
        label=_("Commentaire"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class RenewalForm(forms.Form):
    """The one renewal of an immersion: its end and its reason (it begins the day after the
    immersion's planned end, shown, not typed). Both are needed: the domain says so, with every
    other mistake at once; the browser is told they are required."""

    ends_on = forms.DateField(
        label=_("Fin du renouvellement"), widget=DateInput(attrs={"required": True}), required=False
    )
    reason = forms.CharField(
        label=_("Motif du renouvellement"),
        widget=forms.Textarea(attrs={"rows": 3, "required": True}),
        help_text=_("Les objectifs de l'immersion qui ne sont pas encore atteints."),
        required=False,
    )

    def __init__(self, *args, starts_on, latest_end, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ends_on"].help_text = _(
            "Le renouvellement commence le %(start)s ; il dure au plus un mois, de date à date : "
            "au plus tard le %(end)s."
        ) % {"start": long_day(starts_on), "end": long_day(latest_end)}


class JobRenewalForm(forms.Form):
    """A job's contract renewed: its new planned end, the day it was decided, a comment."""

    new_end_on = forms.DateField(label=_("Nouvelle fin prévue"), widget=DateInput())
    decided_on = forms.DateField(label=_("Renouvelé le"), widget=DateInput(), initial=today)
    comment = forms.CharField(
        label=_("Commentaire"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )
