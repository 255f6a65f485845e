from datetime import datetime, time, timedelta

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from filrouge.core.forms import DateInput, DateTimeInput
from filrouge.pathways.domain import today
from filrouge.workshops.models import Attendance, WorkshopSession, WorkshopType

WEEKDAYS = [
    (0, _("Lundi")),
    (1, _("Mardi")),
    (2, _("Mercredi")),
    (3, _("Jeudi")),
    (4, _("Vendredi")),
    (5, _("Samedi")),
    (6, _("Dimanche")),
]


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class TypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({_('ESAT')})" if obj.for_esat else obj.name


class SessionEditForm(forms.ModelForm):
    """The time, place, facilitator and places of a session; the domain checks them."""

    class Meta:
        model = WorkshopSession
        fields = ["starts_at", "duration_minutes", "place", "facilitator", "capacity"]
        widgets = {"starts_at": DateTimeInput()}

    def __init__(self, *args, service, facilitators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facilitator"].queryset = facilitators


class SessionForm(SessionEditForm):
    """A single session, of one of the service's workshop types."""

    type = TypeChoiceField(label=_("Type d'atelier"), queryset=WorkshopType.objects.none())

    class Meta(SessionEditForm.Meta):
        fields = ["type", *SessionEditForm.Meta.fields]

    def __init__(self, *args, service, facilitators, **kwargs):
        super().__init__(*args, service=service, facilitators=facilitators, **kwargs)
        self.fields["type"].queryset = WorkshopType.objects.for_service(service)
        self.fields["duration_minutes"].initial = 120
        self.fields["capacity"].initial = 8


class SeriesForm(forms.Form):
    type = TypeChoiceField(label=_("Type d'atelier"), queryset=WorkshopType.objects.none())
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Jours de la semaine"),
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choisissez au moins un jour de la semaine.")},
    )
    first_date = forms.DateField(label=_("Première date"), widget=DateInput())
    last_date = forms.DateField(label=_("Dernière date"), widget=DateInput())
    start_time = forms.TimeField(label=_("Heure de début"), widget=TimeInput())
    duration_minutes = forms.IntegerField(
        label=_("Durée (minutes)"), min_value=15, max_value=480, initial=120, help_text=_("De 15 à 480.")
    )
    place = forms.CharField(label=_("Lieu"), max_length=200, required=False)
    facilitator = forms.ModelChoiceField(label=_("Animé par"), queryset=None, required=False)
    capacity = forms.IntegerField(
        label=_("Places par séance"), min_value=1, max_value=100, initial=8, help_text=_("De 1 à 100.")
    )

    def __init__(self, *args, service, facilitators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].queryset = WorkshopType.objects.for_service(service)
        self.fields["facilitator"].queryset = facilitators
        self.fields["first_date"].initial = today()
        self.fields["last_date"].initial = today() + timedelta(weeks=4)


class CancelSessionForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de l'annulation"),
        max_length=300,
        help_text=_("Par exemple : animatrice absente, salle indisponible."),
    )


class RegisterForm(forms.Form):
    enrolment = forms.ModelChoiceField(
        label=_("Personne à inscrire"),
        queryset=None,
        error_messages={"invalid_choice": _("Choisissez une personne accompagnée par ce service.")},
    )

    def __init__(self, *args, enrolments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrolment"].queryset = enrolments
        self.fields["enrolment"].label_from_instance = lambda e: e.person.full_name


class SessionChoiceField(forms.ModelChoiceField):
    """A session named by its workshop, date, service and what is left: places or the waiting list."""

    def label_from_instance(self, obj):
        local = timezone.localtime(obj.starts_at)
        when = f"{date_format(local, 'DATE_FORMAT')}, {date_format(local, 'TIME_FORMAT')}"
        if obj.places_left > 0:
            left = ngettext("%(count)s place restante", "%(count)s places restantes", obj.places_left) % {
                "count": obj.places_left
            }
        else:
            left = _("complet : liste d'attente")
        return f"{obj.type.name} — {when} — {obj.service.name} ({left})"


class PersonRegisterForm(forms.Form):
    """From the person's record: one of the sessions to come of the services following them."""

    session = SessionChoiceField(
        label=_("Séance"),
        queryset=None,
        help_text=_(
            "Les séances des trois prochains mois. Une séance complète inscrit la personne sur la "
            "liste d'attente."
        ),
        error_messages={
            "required": _("Choisissez une séance."),
            "invalid_choice": _("Choisissez une séance à venir d'un service qui suit la personne."),
        },
    )

    def __init__(self, *args, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions


class AttendanceForm(forms.Form):
    """One select per person with a place; the field names carry the registration's id."""

    def __init__(self, *args, registrations, **kwargs):
        super().__init__(*args, **kwargs)
        self.registrations = {}
        for registration in registrations:
            name = f"r{registration.pk}"
            self.registrations[name] = registration
            self.fields[name] = forms.ChoiceField(
                label=registration.enrolment.person.full_name,
                choices=[("", _("Non renseignée"))] + Attendance.choices,
                required=False,
                initial=registration.attendance,
            )

    def marks(self) -> dict:
        return {self.registrations[name]: value for name, value in self.cleaned_data.items()}


class WorkshopTypeForm(forms.Form):
    name = forms.CharField(label=_("Intitulé du nouvel atelier"), max_length=120)
    for_esat = forms.BooleanField(label=_("Atelier d'ESAT"), required=False)


class SessionFilterForm(forms.Form):
    service = forms.ModelChoiceField(label=_("Service"), queryset=None, required=False, empty_label=_("Tous"))
    type = TypeChoiceField(label=_("Type d'atelier"), queryset=None, required=False, empty_label=_("Tous"))
    period = forms.ChoiceField(
        label=_("Période"),
        choices=[("upcoming", _("À venir")), ("past", _("Passées"))],
        required=False,
    )

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        self.fields["type"].queryset = WorkshopType.objects.filter(
            Q(service__isnull=True) | Q(service__in=services)
        )

    def apply(self, sessions):
        start_of_today = timezone.make_aware(datetime.combine(today(), time.min))
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("service"):
            sessions = sessions.filter(service=data["service"])
        if data.get("type"):
            sessions = sessions.filter(type=data["type"])
        if data.get("period") == "past":
            return sessions.filter(starts_at__lt=start_of_today).order_by("-starts_at", "-pk")
        return sessions.filter(starts_at__gte=start_of_today).order_by("starts_at", "pk")
