from django import forms
from django.utils.translation import gettext_lazy as _

from filrouge.documents.models import AttachmentKind


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier"),
        help_text=_("PDF, image (PNG, JPEG, WebP) ou document bureautique ; 10 Mo au plus."),
    )
    kind = forms.ChoiceField(label=_("Type de document"), choices=AttachmentKind.choices)
    title = forms.CharField(
        label=_("Titre"), max_length=200, required=False, help_text=_("Par défaut : le nom du fichier.")
    )
    enrolment = forms.ModelChoiceField(
        label=_("Parcours"), queryset=None, required=False, empty_label=_("Aucun en particulier")
    )

    def __init__(self, *args, enrolments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrolment"].queryset = enrolments
        self.fields["enrolment"].label_from_instance = lambda e: str(e.service)
