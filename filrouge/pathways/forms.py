from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from filrouge.core.forms import DateInput, DateTimeInput, VersionedModelForm
from filrouge.pathways.domain import today
from filrouge.pathways.models import (
    EmploymentStatus,
    Enrolment,
    EntrySituation,
    ExitOutcome,
    Phase,
    RqthStatus,
    SuspensionReason,
)
from filrouge.people.models import Contact


class EnrolmentStartForm(forms.Form):
    """Where and how a pathway starts: the service, the referral, the intake, the coach."""

    service = forms.ModelChoiceField(label=_("Service"), queryset=None)
    referral_date = forms.DateField(label=_("Date d'orientation"), widget=DateInput())
    referred_by = forms.ModelChoiceField(
        label=_("Orienté·e par"), queryset=Contact.objects.none(), required=False
    )
    referral_reason = forms.CharField(
        label=_("Motif de l'orientation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
    intake_date = forms.DateField(
        label=_("Date de l'entretien d'accueil"),
        widget=DateInput(),
        required=False,
        help_text=_("Laissez vide s'il n'a pas encore eu lieu."),
    )
    primary_coach = forms.ModelChoiceField(label=_("Job coach référent·e"), queryset=None, required=False)

    def __init__(self, *args, services, contacts, coaches, lead_coach=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        self.fields["referred_by"].queryset = contacts
        self.fields["primary_coach"].queryset = coaches
        if lead_coach is not None:  # `domain.default_lead_coach`: the coach recording the person
            self.fields["primary_coach"].initial = lead_coach
            self.fields["primary_coach"].help_text = _(
                "Vous serez son job coach référent·e. Choisissez un·e collègue, ou laissez vide pour "
                "que le parcours soit pris en charge plus tard (il apparaît alors à la cheffe ou au "
                "chef de service)."
            )
        if services.count() == 1:
            self.fields["service"].initial = services.first()
        self.fields["referral_date"].initial = today()


class EntrySituationForm(forms.ModelForm):
    class Meta:
        model = EntrySituation
        fields = [
            "employment_status",
            "out_of_work_since",
            "education_level",
            "receives_rsa",
            "receives_aah",
            "receives_unemployment_benefit",
            "rqth_status",
            "rqth_requested_on",
            "rqth_granted_on",
            "mdph_file",
            "housing",
        ]
        widgets = {
            name: DateInput() for name in ("out_of_work_since", "rqth_requested_on", "rqth_granted_on")
        }

    def clean(self):
        cleaned = super().clean()
        for name in ("out_of_work_since", "rqth_requested_on", "rqth_granted_on"):
            if cleaned.get(name) and cleaned[name] > today():
                self.add_error(name, _("Cette date ne peut pas être dans le futur."))
        status = cleaned.get("employment_status")
        if cleaned.get("out_of_work_since") and status != EmploymentStatus.OUT_OF_WORK:
            self.add_error("out_of_work_since", _("Seulement pour une personne sans emploi."))
        rqth = cleaned.get("rqth_status")
        if rqth == RqthStatus.NONE and (cleaned.get("rqth_requested_on") or cleaned.get("rqth_granted_on")):
            self.add_error(
                "rqth_status", _("Une date de RQTH est indiquée : choisissez « Demandée » ou « Obtenue ».")
            )
        if rqth == RqthStatus.REQUESTED and cleaned.get("rqth_granted_on"):
            self.add_error("rqth_granted_on", _("La RQTH est seulement demandée : pas de date d'obtention."))
        requested, granted = cleaned.get("rqth_requested_on"), cleaned.get("rqth_granted_on")
        if requested and granted and granted < requested:
            self.add_error("rqth_granted_on", _("L'obtention ne peut pas précéder la demande."))
        return cleaned


class EnrolmentEditForm(VersionedModelForm):
    class Meta:
        model = Enrolment
        fields = ["referral_reason", "referred_by", "team", "last_contact_on", "next_appointment_at"]
        widgets = {
            "last_contact_on": DateInput(),
            "next_appointment_at": DateTimeInput(),
            "team": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, contacts, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referred_by"].queryset = contacts
        self.fields["team"].queryset = team

    def clean_last_contact_on(self):
        day = self.cleaned_data.get("last_contact_on")
        if day and day > today():
            raise ValidationError(_("Le dernier contact ne peut pas être dans le futur."))
        if day and day < self.instance.referral_date:
            raise ValidationError(_("Le dernier contact ne peut pas précéder l'orientation."))
        return day


class PhaseForm(forms.Form):
    phase = forms.ChoiceField(
        label=_("Nouvelle étape"), choices=[(p.value, p.label) for p in Phase if p != Phase.EXIT]
    )
    changed_on = forms.DateField(label=_("Date"), widget=DateInput())
    comment = forms.CharField(
        label=_("Commentaire"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )


class ExitForm(forms.Form):
    exit_date = forms.DateField(label=_("Date de sortie"), widget=DateInput())
    outcome = forms.ChoiceField(
        label=_("Motif de sortie"),
        choices=ExitOutcome.choices,
        help_text=_(
            "Emploi durable ou de transition : l'emploi doit être enregistré dans l'onglet « Emploi » "
            "et en cours à la date de sortie."
        ),
    )
    reoriented_to = forms.CharField(
        label=_("Réorientation vers"),
        max_length=200,
        required=False,
        help_text=_("Pour une réorientation : le service, l'ESAT ou l'entreprise adaptée."),
    )
    comment = forms.CharField(
        label=_("Commentaire"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )


class ExitConfirmForm(ExitForm):
    """The exit, with one choice for each thing still open (`pathways.closing.open_items`)."""

    def __init__(self, *args, items=(), **kwargs):
        from filrouge.pathways.closing import CHOICE_LABELS

        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"item_{item.key}"] = forms.ChoiceField(
                label=item.label,
                choices=[(choice, CHOICE_LABELS[choice]) for choice in item.choices],
                initial=item.default,
                widget=forms.RadioSelect,
            )

    def exit_fields(self):
        return [self[name] for name in ("exit_date", "outcome", "reoriented_to", "comment")]

    def item_groups(self):
        """The choices' fields by kind of thing, in the page's order: [(title, [field, ...])]."""
        from filrouge.pathways.closing import GROUPS

        groups = {}
        for item in self.items:
            groups.setdefault(item.group, []).append(self[f"item_{item.key}"])
        return [(GROUPS[group], fields) for group, fields in groups.items()]

    def choices(self) -> dict[str, str]:
        return {item.key: self.cleaned_data[f"item_{item.key}"] for item in self.items}


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Pourquoi rouvrir ce parcours ?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Par exemple : sortie enregistrée par erreur, ou sur le mauvais parcours."),
    )


class SuspensionForm(forms.Form):
    start_date = forms.DateField(label=_("Début"), widget=DateInput())
    end_date = forms.DateField(
        label=_("Fin"),
        widget=DateInput(),
        required=False,
        help_text=_("Laissez vide si la suspension continue."),
    )
    reason = forms.ChoiceField(label=_("Motif"), choices=SuspensionReason.choices)
    comment = forms.CharField(
        label=_("Commentaire"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )


class EndSuspensionForm(forms.Form):
    end_date = forms.DateField(label=_("Fin de la suspension"), widget=DateInput())


class RenewalForm(forms.Form):
    decided_on = forms.DateField(label=_("Date de la décision"), widget=DateInput())
    renewed = forms.TypedChoiceField(
        label=_("Décision"),
        choices=[("yes", _("Renouvelé")), ("no", _("Non renouvelé"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    new_end_date = forms.DateField(label=_("Nouvelle fin prévue"), widget=DateInput(), required=False)
    comment = forms.CharField(
        label=_("Commentaire"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )


class ReassignForm(forms.Form):
    primary_coach = forms.ModelChoiceField(label=_("Job coach référent·e"), queryset=None)

    def __init__(self, *args, coaches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["primary_coach"].queryset = coaches


class CaseloadFilterForm(forms.Form):
    SORTS = {
        "name": ("person__sort_name",),
        "phase": ("phase_order", "person__sort_name"),
        "contact": ("contact_reference", "person__sort_name"),
        # Those with no appointment or no planned end come last, on SQLite as on PostgreSQL.
        "appointment": (F("next_appointment_at").asc(nulls_last=True), "person__sort_name"),
        "end": (F("planned_end_date").asc(nulls_last=True), "person__sort_name"),
    }
    q = forms.CharField(label=_("Rechercher un nom"), max_length=100, required=False)
    phase = forms.ChoiceField(
        label=_("Étape"),
        choices=[("", _("Toutes"))] + [(p.value, p.label) for p in Phase if p != Phase.EXIT],
        required=False,
    )
    alert = forms.ChoiceField(
        label=_("Alertes"),
        choices=[
            ("", _("Toutes les personnes")),
            ("any", _("Avec une alerte")),
            ("contact", _("Sans contact récent")),
            ("end_soon", _("Fin de programme proche")),
            ("overdue", _("Actions du plan en retard")),
            ("follow_along", _("Pas de contact en face à face dans l'emploi depuis 30 jours")),
            ("employer_contact", _("Aucun contact employeur depuis l'entrée (plus de 30 jours)")),
            ("job_past_end", _("Emploi : fin prévue dépassée")),
        ],
        required=False,
    )
    sort = forms.ChoiceField(
        label=_("Trier par"),
        choices=[
            ("name", _("Nom")),
            ("phase", _("Étape")),
            ("contact", _("Dernier contact (le plus ancien d'abord)")),
            ("appointment", _("Prochain rendez-vous")),
            ("end", _("Fin prévue")),
        ],
        required=False,
    )

    def apply(self, enrolments):
        from filrouge.pathways.caseload import ALERT_FILTERS

        data = self.cleaned_data if self.is_valid() else {}
        if data.get("q"):
            enrolments = enrolments.filter(
                person__in=enrolments.model.person.field.related_model.objects.search(data["q"])
            )
        if data.get("phase"):
            enrolments = enrolments.filter(phase=data["phase"])
        if data.get("alert"):
            enrolments = enrolments.filter(ALERT_FILTERS[data["alert"]])
        return enrolments.order_by(*self.SORTS[data.get("sort") or "name"], "pk")
