from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from filrouge.core.forms import DateInput, VersionedModelForm
from filrouge.profiles.models import (
    MAX_TARGETS,
    BarrierStatus,
    Experience,
    Profile,
    TargetJob,
    Training,
    TransportMode,
    status_choices,
)
from filrouge.referentials.forms import JobTitleField
from filrouge.referentials.models import ContractType


class ProfileForm(VersionedModelForm):
    dream_job = JobTitleField(label=_("Métier rêvé"), required=False)

    class Meta:
        model = Profile
        fields = ["skills", "soft_skills", "expectations", "dream_job"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3}) for name in ("skills", "soft_skills", "expectations")
        }


class ExperienceForm(forms.ModelForm):
    job_title = JobTitleField(label=_("Métier"))

    class Meta:
        model = Experience
        fields = ["job_title", "employer", "started_on", "ended_on", "description"]
        widgets = {
            "started_on": DateInput,
            "ended_on": DateInput,
            "description": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("started_on"), cleaned.get("ended_on")
        if start and end and end < start:
            self.add_error("ended_on", _("La fin ne peut pas précéder le début."))
        return cleaned


class TrainingForm(forms.ModelForm):
    class Meta:
        model = Training
        fields = ["title", "institution", "obtained_on", "diploma", "level"]
        widgets = {"obtained_on": DateInput}


class TargetForm(forms.ModelForm):
    job_title = JobTitleField(label=_("Métier visé"))
    contract_types = forms.MultipleChoiceField(
        label=_("Contrats acceptés"),
        choices=ContractType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    transport = forms.MultipleChoiceField(
        label=_("Moyens de transport"),
        choices=TransportMode.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = TargetJob
        fields = [
            "job_title",
            "contract_types",
            "working_time",
            "hours_per_week",
            "mobility_km",
            "transport",
            "availability",
        ]


class TargetBaseFormSet(BaseInlineFormSet):
    default_error_messages = {
        "too_many_forms": _("Six métiers visés au plus : retirez-en un avant d'en ajouter un autre.")
    }


def formset(model, form, max_num=1000, extra=1, base=BaseInlineFormSet):
    return inlineformset_factory(
        Profile,
        model,
        form=form,
        formset=base,
        extra=extra,
        can_delete=True,
        max_num=max_num,
        validate_max=True,
    )


ExperienceFormSet = formset(Experience, ExperienceForm)
TrainingFormSet = formset(Training, TrainingForm)
TargetFormSet = formset(TargetJob, TargetForm, max_num=MAX_TARGETS, base=TargetBaseFormSet)


class BarrierGridForm(forms.Form):
    """One status and one comment per situation offered, grouped by theme in the template."""

    def __init__(self, *args, situations, barriers, **kwargs):
        super().__init__(*args, **kwargs)
        self.situations = list(situations)
        current = {b.situation_id: b for b in barriers}
        for situation in self.situations:
            barrier = current.get(situation.pk)
            choices = status_choices(situation)
            if barrier and barrier.status not in dict(choices):
                # Recorded before the situation was read as a resource: kept until changed.
                choices = [*choices, (barrier.status, barrier.get_status_display())]
            self.fields[f"status_{situation.pk}"] = forms.ChoiceField(
                label=_("Statut"),
                choices=choices,
                required=False,  # a row not sent is left as it is
                initial=barrier.status if barrier else BarrierStatus.NOT_DISCUSSED,
            )
            self.fields[f"comment_{situation.pk}"] = forms.CharField(
                label=_("Commentaire"),
                max_length=500,
                required=False,
                initial=barrier.comment if barrier else "",
            )

    def clean(self):
        cleaned = super().clean()
        # A row for a situation not offered here (unknown, archived, another service's own) would
        # otherwise be dropped without a word: refuse the whole form instead.
        offered = {str(s.pk) for s in self.situations}
        unknown = sorted(
            {
                key.removeprefix(prefix)
                for key in self.data
                for prefix in (self.add_prefix("status_"), self.add_prefix("comment_"))
                if key.startswith(prefix) and key.removeprefix(prefix) not in offered
            }
        )
        if unknown:
            raise forms.ValidationError(
                _(
                    "Le formulaire contient des situations qui ne sont pas proposées pour cette personne "
                    "(n° %(ids)s) : rechargez la page, puis saisissez à nouveau les freins."
                ),
                code="unknown_situation",
                params={"ids": ", ".join(unknown)},
            )
        return cleaned

    def themes(self, resources: bool = False):
        """[(theme, [(situation, status field, comment field, recorded?)])], for the template: the
        barriers, or the resources."""
        grouped: dict = {}
        for situation in self.situations:
            if situation.is_resource != resources:
                continue
            status = self[f"status_{situation.pk}"]
            recorded = status.value() != BarrierStatus.NOT_DISCUSSED or bool(
                self[f"comment_{situation.pk}"].value()
            )
            grouped.setdefault(situation.theme, []).append(
                (situation, status, self[f"comment_{situation.pk}"], recorded)
            )
        return [(theme, rows, any(r[3] for r in rows)) for theme, rows in grouped.items()]

    def resource_themes(self):
        return self.themes(resources=True)

    def statuses(self) -> dict:
        """The rows sent, as {situation: (status, comment)}."""
        return {
            s: (self.cleaned_data[f"status_{s.pk}"], self.cleaned_data[f"comment_{s.pk}"].strip())
            for s in self.situations
            if self.cleaned_data.get(f"status_{s.pk}")
        }
