"""The period chooser (`PeriodForm`, shared by the dashboard and the activity report) and the
dashboard's filters, sent by GET: the period, the service, whose pathways, the trend's step.

Every field of the dashboard may be left out (a link may carry only some of them): what is
missing takes its default, the current year, every service, by month.
"""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from filrouge.core.forms import DateInput
from filrouge.outcomes import periods

DATES = "dates"  # the period's choice meaning "the two dates below"
MINE, SERVICE = "moi", "service"
STEPS = {"mois": "month", "trimestre": "quarter"}
RECENT_YEARS = 3


def period_choices(today: date) -> list:
    """This year and the two before, the quarters of this year and of the last one, or two dates."""
    years = [periods.year(today.year - back) for back in range(RECENT_YEARS)]
    current_quarter = (today.month - 1) // 3 + 1
    quarters = [periods.quarter(today.year, index) for index in range(current_quarter, 0, -1)]
    quarters += [periods.quarter(today.year - 1, index) for index in range(4, 0, -1)]
    return [
        (_("Années"), [(period.key, period.label) for period in years]),
        (_("Trimestres"), [(period.key, period.label) for period in quarters]),
        (DATES, _("Autres dates (du … au …)")),
    ]


class PeriodForm(forms.Form):
    """A period: a year or a quarter from the list, a month or a span sent by a link (then listed
    and shown chosen), or two dates with "Autres dates". Clean, it gives `period` when one was
    chosen (a `periods.Period`)."""

    periode = forms.CharField(label=_("Période"), required=False, widget=forms.Select)
    du = forms.DateField(
        label=_("Du"),
        widget=DateInput(),
        required=False,
        help_text=_("Avec « Autres dates » choisi comme période."),
    )
    au = forms.DateField(label=_("Au"), widget=DateInput(), required=False)

    def __init__(self, data=None, *, today: date, **kwargs):
        if data is not None and data.get("periode", DATES) != DATES:
            data = data.copy()
            data.pop("du", None)  # dates are read only with "Autres dates": stale ones are dropped
            data.pop("au", None)
        super().__init__(data, **kwargs)
        self.today = today
        choices = period_choices(today)
        listed = {key for _group, keys in choices[:2] for key, _label in keys}
        sent = self.data.get("periode") if self.is_bound else None
        if sent and sent != DATES and sent not in listed:
            # A period sent by a link (a month, a span) joins the list, so the page shows it chosen.
            try:
                chosen = periods.parse(sent)
            except periods.PeriodError:
                pass
            else:
                choices.insert(0, (chosen.key, chosen.label))
        self.fields["periode"].widget.choices = choices

    def clean_periode(self):
        key = self.cleaned_data["periode"]
        if key and key != DATES:
            try:
                periods.parse(key)
            except periods.PeriodError as error:
                raise forms.ValidationError(str(error)) from None
        return key

    def clean(self):
        cleaned = super().clean()
        key, start, end = cleaned.get("periode"), cleaned.get("du"), cleaned.get("au")
        if key == DATES or (not key and (start or end)):
            if not (start and end):
                self.add_error("au" if start else "du", _("Indiquez les deux dates de la période."))
            else:
                try:
                    cleaned["period"] = periods.span(start, end)
                except periods.PeriodError as error:
                    self.add_error("au", str(error))
        elif key:
            cleaned["period"] = periods.parse(key)
        return cleaned


class DashboardFilterForm(PeriodForm):
    service = forms.ModelChoiceField(label=_("Service"), queryset=None, required=False)
    portee = forms.ChoiceField(
        label=_("Parcours"),
        choices=[(MINE, _("Mon portefeuille")), (SERVICE, _("Tout le service"))],
        required=False,
    )
    tendance = forms.ChoiceField(
        label=_("Évolution"),
        choices=[("mois", _("Par mois")), ("trimestre", _("Par trimestre"))],
        required=False,
    )

    def __init__(self, data=None, *, services, today: date, default_scope: str | None):
        """`services`: the queryset of those the user may see in figures; `default_scope`: MINE or
        SERVICE for someone who leads pathways in them, None for anyone else (no choice offered)."""
        initial = {"periode": periods.current_year(today).key, "tendance": "mois", "portee": default_scope}
        if data is not None:
            data = data.copy()
            # A link may carry only some filters: the others show their default, as computed.
            for key in ("tendance", "portee"):
                if not data.get(key) and initial[key]:
                    data[key] = initial[key]
        super().__init__(data, today=today, initial=initial)
        self.default_scope = default_scope
        if len(services) > 1:
            self.fields["service"].queryset = services.order_by("name")
            self.fields["service"].empty_label = _("Tous les services")
        else:
            del self.fields["service"]
        if default_scope is None:
            del self.fields["portee"]

    def choices(self) -> dict:
        """What to compute: the period, the services chosen (None: all), mine or the service's
        pathways, the trend's step; the defaults for what is missing or was refused."""
        cleaned = {}
        if self.is_bound:
            self.is_valid()  # runs the checks once
            cleaned = self.cleaned_data  # a refused field is missing here: it takes its default
        return {
            "period": cleaned.get("period") or periods.current_year(self.today),
            "service": cleaned.get("service"),
            "mine": (cleaned.get("portee") or self.default_scope) == MINE,
            "by": STEPS[cleaned.get("tendance") or "mois"],
        }
