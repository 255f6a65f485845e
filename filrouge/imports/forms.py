"""The forms of the import pages: the upload (service, up to three files with their content) and
the columns' mapping."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from filrouge.imports import uploads
from filrouge.imports.columns import kind_of, missing_required
from filrouge.imports.errors import FileRefused
from filrouge.imports.models import SourceKind

ACCEPTED = ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


GUESS = ""


def kind_choices():
    return [(GUESS, _("Reconnaître d'après le fichier"))] + [
        (kind, SourceKind(kind).label) for kind in uploads.IMPORTABLE
    ]


class UploadForm(forms.Form):
    """The service and up to `uploads.MAX_FILES` files, each with its content (chosen, or
    recognised from a workbook's sheet names or from the headers). Clean, it gives `files`:
    [(upload, [uploads.Inspected])], one source per kind in all."""

    service = forms.ModelChoiceField(
        label=gettext_lazy("Service"), queryset=None, empty_label=gettext_lazy("— Choisir un service —")
    )

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        only = list(services[:2])
        if len(only) == 1:
            self.fields["service"].initial = only[0].pk
            self.fields["service"].empty_label = None
        for number in range(1, uploads.MAX_FILES + 1):
            file_name, kind_name = self.names(number)
            self.fields[file_name] = forms.FileField(
                label=_("Fichier %(number)s (.csv ou .xlsx)") % {"number": number},
                required=number == 1,
                widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED}),
            )
            self.fields[kind_name] = forms.ChoiceField(
                label=_("Contenu du fichier %(number)s") % {"number": number},
                choices=kind_choices(),
                required=False,
            )
        self.fields["file"].help_text = _(
            "Un classeur dont les feuilles portent les noms du modèle complet (« Personnes », "
            "« Entreprises », « Emplois et immersions ») est lu feuille par feuille."
        )

    @staticmethod
    def names(number: int) -> tuple[str, str]:
        """The first file keeps the plain names ("file", "kind")."""
        return ("file", "kind") if number == 1 else (f"file_{number}", f"kind_{number}")

    def pairs(self):
        """(file field, kind field) per file, for the template."""
        return [tuple(self[name] for name in self.names(n)) for n in range(1, uploads.MAX_FILES + 1)]

    def clean(self):
        cleaned = super().clean()
        files, kinds = [], {}
        for number in range(1, uploads.MAX_FILES + 1):
            file_name, kind_name = self.names(number)
            upload = cleaned.get(file_name)
            if upload is None:
                continue
            try:
                inspected = uploads.inspect(upload, upload.name, cleaned.get(kind_name) or None)
            except FileRefused as error:
                self.add_error(file_name, error.message)
                continue
            for found in inspected:
                kinds.setdefault(found.kind, []).append(number)
            files.append((upload, inspected))
        for kind, numbers in kinds.items():
            if len(numbers) > 1:
                self.add_error(
                    None,
                    _(
                        "Il y a plusieurs fichiers ou feuilles « %(kind)s » : un seul par contenu. "
                        "Rassemblez leurs lignes ou importez-les l'un après l'autre."
                    )
                    % {"kind": SourceKind(kind).label},
                )
        cleaned["files"] = files
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
