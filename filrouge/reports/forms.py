"""The choosers of the reports pages: they gather values; the period is chosen with the dashboard's
own chooser (`outcomes.forms.PeriodForm`)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from filrouge.organisations.models import ProgrammeType
from filrouge.outcomes.forms import PeriodForm


class ActivityForm(PeriodForm):
    """A service or a programme (every service of that programme the user may see), and a period.

    Clean, it gives `services` (a list), `scope_label` and `period` (a `periods.Period`)."""

    field_order = ("service", "programme", "periode", "du", "au")

    service = forms.ModelChoiceField(
        label=_("Service"), queryset=None, required=False, empty_label=_("— Choisir un service —")
    )
    programme = forms.ChoiceField(label=_("Ou tout un programme"), required=False)

    def __init__(self, data=None, *, services, today, **kwargs):
        super().__init__(data, today=today, **kwargs)
        self.fields["periode"].required = True
        self.services = services
        self.fields["service"].queryset = services
        present = set(services.values_list("programme_type", flat=True))
        self.fields["programme"].choices = [("", _("— Choisir un programme —"))] + [
            (value, label) for value, label in ProgrammeType.choices if value in present
        ]

    def clean(self):
        cleaned = super().clean()
        service, programme = cleaned.get("service"), cleaned.get("programme")
        if service and programme:
            raise ValidationError(_("Choisissez un service ou un programme, pas les deux."))
        if service:
            cleaned["services"], cleaned["scope_label"] = [service], service.name
        elif programme:
            cleaned["services"] = list(self.services.filter(programme_type=programme).order_by("name"))
            cleaned["scope_label"] = str(ProgrammeType(programme).label)
        elif not self.has_error("service") and not self.has_error("programme"):
            raise ValidationError(_("Choisissez un service ou un programme."))
        return cleaned


class ExportForm(forms.Form):
    """The service whose lists are exported; empty, every service where the user may export."""

    service = forms.ModelChoiceField(label=_("Service"), queryset=None, required=False)

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        self.fields["service"].empty_label = _("Tous mes services") if services.count() > 1 else None
