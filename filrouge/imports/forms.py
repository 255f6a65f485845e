"""The forms of the import pages: the upload (service, kind, file) and the columns' mapping."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from filrouge.imports import uploads
from filrouge.imports.columns import kind_of, missing_required
from filrouge.imports.errors import FileRefused
from filrouge.imports.models import SourceKind

ACCEPTED = ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    service = forms.ModelChoiceField(
        label=gettext_lazy("Service"), queryset=None, empty_label=gettext_lazy("— Choisir un service —")
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Contenu du fichier"),
        choices=[(kind, SourceKind(kind).label) for kind in uploads.IMPORTABLE],
        initial=uploads.IMPORTABLE[0],
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=gettext_lazy("Fichier à importer (.csv ou .xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED}),
    )

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        only = list(services[:2])
        if len(only) == 1:
            self.fields["service"].initial = only[0].pk
            self.fields["service"].empty_label = None
        self.fields["file"].help_text = _(
            "%(mb)s Mo et %(rows)s lignes de données au plus ; un fichier plus grand est refusé pour l'instant."
        ) % {"mb": uploads.max_mb(), "rows": number_format(uploads.SYNC_MAX_ROWS, force_grouping=True)}

    def clean(self):
        cleaned = super().clean()
        upload, kind = cleaned.get("file"), cleaned.get("kind")
        if upload is not None and kind:
            try:
                cleaned["inspected"] = uploads.inspect(upload, upload.name, kind)
            except FileRefused as error:
                self.add_error("file", error.message)
        return cleaned


NOT_IMPORTED = ""


class MappingForm(forms.Form):
    """One choice per header of the file: the filrouge column it feeds, or none. Clean, it gives
    `mapping` ({position: column key or None})."""

    def __init__(self, *args, header: list[str], kind: str, initial_mapping: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.header, self.kind = header, kind
        spec = kind_of(kind)
        choices = [(NOT_IMPORTED, _("— Ne pas importer —"))] + [
            (
                column.key,
                _("%(column)s (obligatoire)") % {"column": column.label} if column.required else column.label,
            )
            for column in spec.columns
        ]
        for position, text in enumerate(header):
            self.fields[self.name_of(position)] = forms.ChoiceField(
                label=text or _("Colonne sans en-tête n° %(number)s") % {"number": position + 1},
                choices=choices,
                required=False,
                initial=initial_mapping.get(position) or NOT_IMPORTED,
            )

    @staticmethod
    def name_of(position: int) -> str:
        return f"colonne_{position}"

    def rows(self):
        """(position, bound field) per header, in the file's order."""
        return [(position, self[self.name_of(position)]) for position in range(len(self.header))]

    def clean(self):
        cleaned = super().clean()
        mapping = {
            position: cleaned.get(self.name_of(position)) or None for position in range(len(self.header))
        }
        spec = kind_of(self.kind)
        chosen: dict[str, list[int]] = {}
        for position, key in mapping.items():
            if key:
                chosen.setdefault(key, []).append(position)
        for key, positions in chosen.items():
            if len(positions) > 1:
                headers = ", ".join(f"« {self.header[p]} »" for p in positions)
                raise ValidationError(
                    _(
                        "« %(column)s » est choisie pour plusieurs colonnes du fichier : %(headers)s. Gardez-en une."
                    )
                    % {"column": spec.column(key).label, "headers": headers}
                )
        missing = missing_required(mapping, self.kind)
        if missing:
            raise ValidationError(missing)
        cleaned["mapping"] = mapping
        return cleaned
