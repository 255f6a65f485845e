from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from filrouge.core.forms import DateInput, DateTimeInput, VersionedModelForm
from filrouge.journal.models import MAX_DURATION, MIN_DURATION, Attendance, Meeting, MeetingKind, Note
from filrouge.journal.selectors import confidentiality_choices

MEETING_FIELDS = [
    "starts_at",
    "duration_minutes",
    "kind",
    "place",
    "staff",
    "others",
    "attendance",
    "summary",
    "confidentiality",
]
MEETING_WIDGETS = {
    "starts_at": DateTimeInput(),
    "duration_minutes": forms.NumberInput(attrs={"step": 5, "inputmode": "numeric"}),
    "staff": forms.CheckboxSelectMultiple,
    "summary": forms.Textarea(attrs={"rows": 8}),
    "confidentiality": forms.RadioSelect,
}


class ReadersMixin:
    """The confidentiality choice names who will read the writing (`selectors.confidentiality_choices`)."""

    def name_readers(self, user, service) -> None:
        self.fields["confidentiality"].choices = confidentiality_choices(user, service)
        self.fields["confidentiality"].help_text = ""  # the choices now say it, with the names


class GroupedFieldsMixin:
    """Fields shown by group, each group a fieldset with its legend."""

    fieldsets: list[tuple[str, list[str]]] = []

    def grouped(self):
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in self.fieldsets
        ]


class MeetingFieldsMixin(ReadersMixin, GroupedFieldsMixin):
    fieldsets = [
        (
            _("L'entretien"),
            ["starts_at", "duration_minutes", "kind", "place", "staff", "others", "attendance"],
        ),
        (_("Compte rendu"), ["summary", "confidentiality"]),
        (_("Prochain rendez-vous (facultatif)"), ["next_starts_at", "next_kind"]),
    ]

    def setup(self, team):
        self.fields["staff"].queryset = team
        self.fields["duration_minutes"].widget.attrs.update(min=MIN_DURATION, max=MAX_DURATION)
        self.fields["attendance"].choices = [("", _("Pas encore renseignée (rendez-vous à venir)"))] + list(
            Attendance.choices
        )
        self.fields["attendance"].help_text = _(
            "Se note une fois l'heure du rendez-vous passée ; un rendez-vous à venir peut être annulé."
        )


class MeetingForm(MeetingFieldsMixin, forms.ModelForm):
    next_starts_at = forms.DateTimeField(
        label=_("Date et heure du prochain rendez-vous"),
        widget=DateTimeInput(),
        required=False,
        help_text=_("Un rendez-vous est alors prévu dans le même parcours."),
    )
    next_kind = forms.ChoiceField(
        label=_("Type du prochain rendez-vous"),
        choices=[("", _("Le même que cet entretien"))] + list(MeetingKind.choices),
        required=False,
    )

    class Meta:
        model = Meeting
        fields = MEETING_FIELDS
        widgets = MEETING_WIDGETS

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup(team)


class MeetingEditForm(MeetingFieldsMixin, VersionedModelForm):
    class Meta:
        model = Meeting
        fields = MEETING_FIELDS
        widgets = MEETING_WIDGETS

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        # Someone who left the service stays listed on the meetings they attended.
        attended = self.instance.staff.values("pk")
        self.setup(
            team.model.objects.filter(Q(pk__in=team.values("pk")) | Q(pk__in=attended)).order_by("full_name")
        )


NOTE_FIELDS = ["written_on", "text", "confidentiality"]
NOTE_WIDGETS = {
    "written_on": DateInput(),
    "text": forms.Textarea(attrs={"rows": 10}),
    "confidentiality": forms.RadioSelect,
}


class NoteForm(ReadersMixin, forms.ModelForm):
    class Meta:
        model = Note
        fields = NOTE_FIELDS
        widgets = NOTE_WIDGETS


class NoteEditForm(ReadersMixin, VersionedModelForm):
    class Meta:
        model = Note
        fields = NOTE_FIELDS
        widgets = NOTE_WIDGETS


class JournalSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Rechercher dans les entretiens, les notes et le suivi dans l'emploi"),
        max_length=100,
        required=False,
    )
    type = forms.ChoiceField(
        label=_("Afficher"),
        choices=[
            ("", _("Tout l'historique")),
            ("meetings", _("Entretiens")),
            ("notes", _("Notes")),
            ("support", _("Suivi dans l'emploi")),
        ],
        required=False,
    )


class PersonPickerForm(forms.Form):
    q = forms.CharField(
        label=_("Personne"),
        max_length=100,
        required=False,
        help_text=_("Nom, prénom (dans n'importe quel ordre) ou téléphone."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
