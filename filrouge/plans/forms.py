from django import forms
from django.utils.translation import gettext_lazy as _

from filrouge.core.forms import DateInput, VersionedModelForm
from filrouge.pathways.domain import today
from filrouge.plans.models import ActionStatus, AgreementMethod, Carrier, PlanAction
from filrouge.referentials.models import ActionKind, Objective, Theme


def grouped_by_theme(items, first_theme_id=None) -> list:
    """Choices for a select with one <optgroup> per theme (the given theme first)."""
    groups: dict[int, tuple[str, list]] = {}
    for item in items:
        groups.setdefault(item.theme_id, (item.theme.label, []))[1].append((item.pk, item.label))
    ordered = sorted(groups.items(), key=lambda kv: (kv[0] != first_theme_id, kv[1][0]))
    return [("", "—")] + [(label, options) for _theme_id, (label, options) in ordered]


class ReferentialChoiceField(forms.ModelChoiceField):
    """A referential item, offered grouped by theme; anything outside the service's list is refused."""

    def __init__(self, *, unknown_message, **kwargs):
        super().__init__(queryset=None, required=False, **kwargs)
        self.error_messages["invalid_choice"] = unknown_message

    def set_items(self, queryset, first_theme_id=None):
        self.queryset = queryset.select_related("theme")
        self.choices = grouped_by_theme(self.queryset, first_theme_id)


class ObjectiveForm(forms.Form):
    theme = forms.ModelChoiceField(
        label=_("Thématique"),
        queryset=Theme.objects.order_by("kind", "label"),
        required=False,
        help_text=_("Déduite de l'objectif si vous en choisissez un dans le référentiel."),
    )
    objective = ReferentialChoiceField(
        label=_("Objectif du référentiel"),
        unknown_message=_("Cet objectif n'existe pas dans le référentiel de ce service."),
    )
    custom_label = forms.CharField(
        label=_("Ou un autre objectif"),
        max_length=200,
        required=False,
        help_text=_("Écrivez-le seulement s'il n'est pas dans la liste."),
    )

    def __init__(self, *args, service, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objective"].set_items(Objective.objects.for_service(service))


class ActionFieldsMixin:
    """What the add and edit forms of an action share: the referential choice and the partners."""

    def setup(self, *, service, contacts, first_theme_id=None):
        self.fields["action_kind"].set_items(ActionKind.objects.for_service(service), first_theme_id)
        self.fields["partner"].queryset = contacts
        self.fields["partner"].required = False


ACTION_KIND = {
    "label": _("Action du référentiel"),
    "unknown_message": _("Cette action n'existe pas dans le référentiel de ce service."),
}
CUSTOM_LABEL_HELP = _("Écrivez-la seulement si elle n'est pas dans la liste.")
PARTNER_HELP = _("Seulement pour une action portée par un partenaire.")


class ActionForm(ActionFieldsMixin, forms.Form):
    action_kind = ReferentialChoiceField(**ACTION_KIND)
    custom_label = forms.CharField(
        label=_("Ou une autre action"), max_length=200, required=False, help_text=CUSTOM_LABEL_HELP
    )
    carrier = forms.ChoiceField(
        label=_("Portée par"), choices=Carrier.choices, initial=Carrier.PERSON, widget=forms.RadioSelect
    )
    partner = forms.ModelChoiceField(
        label=_("Partenaire"), queryset=None, required=False, help_text=PARTNER_HELP
    )
    planned_start = forms.DateField(label=_("Début prévu"), widget=DateInput(), required=False)
    due_date = forms.DateField(label=_("Échéance"), widget=DateInput(), required=False)
    status = forms.ChoiceField(label=_("Statut"), choices=ActionStatus.choices, initial=ActionStatus.PLANNED)
    outcome_note = PlanAction._meta.get_field("outcome_note").formfield(
        widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, service, contacts, first_theme_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup(service=service, contacts=contacts, first_theme_id=first_theme_id)
        self.fields["planned_start"].initial = today()


class ActionEditForm(ActionFieldsMixin, VersionedModelForm):
    action_kind = ReferentialChoiceField(**ACTION_KIND)

    class Meta:
        model = PlanAction
        fields = [
            "action_kind",
            "custom_label",
            "carrier",
            "partner",
            "planned_start",
            "due_date",
            "status",
            "outcome_note",
        ]
        widgets = {
            "carrier": forms.RadioSelect,
            "planned_start": DateInput(),
            "due_date": DateInput(),
            "outcome_note": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"custom_label": _("Ou une autre action")}
        help_texts = {"custom_label": CUSTOM_LABEL_HELP, "partner": PARTNER_HELP}

    def __init__(self, *args, service, contacts, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup(service=service, contacts=contacts, first_theme_id=self.instance.objective.theme_id)

    def validate_constraints(self):
        """Left to the domain, which checks the same rules and names the field at fault (the
        database keeps the constraints as a last guard)."""


class ActionProgressForm(VersionedModelForm):
    """The follow-up of an action on a version the person has agreed to: the action itself stays
    as agreed, its progress moves on."""

    class Meta:
        model = PlanAction
        fields = ["status", "outcome_note"]
        widgets = {"outcome_note": forms.Textarea(attrs={"rows": 3})}


class AgreementForm(forms.Form):
    agreed_on = forms.DateField(label=_("Date de l'accord"), widget=DateInput())
    agreement_method = forms.ChoiceField(
        label=_("Comment la personne a donné son accord"),
        choices=AgreementMethod.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreed_on"].initial = today()
