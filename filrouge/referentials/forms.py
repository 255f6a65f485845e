"""Choosing a ROME job title among 11,000 by typing a few letters; a service's own referential items."""

from django import forms
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from filrouge.referentials.models import (
    ActionKind,
    JobTitle,
    Objective,
    Situation,
    SituationKind,
    Theme,
    ThemeKind,
)


def search_status(context, url_name) -> dict:
    """A picker's search URL and the id of its announced number of results (`results_status`):
    the search names the region, so that its answer updates this picker's own."""
    status_id = f"{context['widget']['attrs'].get('id') or context['widget']['name']}_status"
    return {"status_id": status_id, "search_url": f"{reverse(url_name)}?{urlencode({'status': status_id})}"}


class JobTitleWidget(forms.Select):
    """A search box that fills the select beside it (htmx), so the page never lists 11,000 options.

    The select holds only the current choice until the user searches; the search box belongs to
    no form (`form` names none), so it is never submitted with the record.
    """

    template_name = "referentials/job_title_widget.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context.update(search_status(context, "referentials:job_titles"))
        return context

    def optgroups(self, name, value, attrs=None):
        # Only the chosen title (if any) is rendered; searches bring the others.
        chosen = {str(v) for v in value if v}
        self.choices = [("", "—")] + [(t.pk, t.label) for t in JobTitle.objects.filter(pk__in=chosen)]
        return super().optgroups(name, value, attrs)


class JobTitleField(forms.ModelChoiceField):
    widget = JobTitleWidget
    default_error_messages = {
        "invalid_choice": _("Cet intitulé de métier n'existe pas dans le référentiel ROME."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", JobTitle.objects.select_related("occupation"))
        super().__init__(**kwargs)


class LocalItemForm(forms.Form):
    """A barrier, objective or action of the service's own, beside the national ones."""

    KINDS = [
        ("freins", _("Situation (frein ou ressource)")),
        ("objectifs", _("Objectif")),
        ("actions", _("Action")),
    ]

    kind = forms.ChoiceField(label=_("Type"), choices=KINDS)
    theme = forms.ModelChoiceField(label=_("Thématique"), queryset=Theme.objects.all())
    label = forms.CharField(label=_("Intitulé"), max_length=200)
    # Read for a situation only; left out, it is a barrier, as most of the diagnostic's are.
    situation_kind = forms.ChoiceField(
        label=_("Nature de la situation"),
        choices=SituationKind.choices,
        initial=SituationKind.BARRIER,
        required=False,
        help_text=_(
            "Pour une situation : un frein qui peut freiner la personne, ou une ressource (« Permis B »)."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        theme = cleaned.get("theme")
        if cleaned.get("kind") == "freins" and theme and theme.kind != ThemeKind.PERSONAL:
            self.add_error(
                "theme", _("Les freins relèvent des dix thématiques de la situation personnelle et sociale.")
            )
        return cleaned

    def save(self, service):
        model = {"freins": Situation, "objectifs": Objective, "actions": ActionKind}[
            self.cleaned_data["kind"]
        ]
        extra = (
            {"kind": self.cleaned_data["situation_kind"] or SituationKind.BARRIER}
            if model is Situation
            else {}
        )
        return model.objects.create(
            theme=self.cleaned_data["theme"],
            label=self.cleaned_data["label"].strip(),
            organisation=service.organisation,
            service=service,
            **extra,
        )


class CommuneWidget(forms.TextInput):
    """The commune field, with a search by postal code or name whose choice fills the postal code
    and the commune together (`js/commune_picker.js`). The search box and the list belong to no
    form (`form` names none), so only the two fields are sent; both can still be typed."""

    template_name = "referentials/commune_widget.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context.update(search_status(context, "referentials:communes"))
        # The postal code field of the same form: "id_person-city" -> "id_person-postal_code".
        own_id = context["widget"]["attrs"].get("id", "")
        context["postal_code_id"] = own_id.removesuffix("city") + "postal_code"
        return context
