"""Support after hiring (follow-along): the coach's contacts with the person at work, the tutor
or the manager, for each job."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from filrouge.core.crypto import EncryptedTextField
from filrouge.core.text import fold


class Party(models.TextChoices):
    PERSON = "person", _("La personne")
    TUTOR = "tutor", _("Le tuteur ou la tutrice")
    MANAGER = "manager", _("Le ou la responsable")
    TOGETHER = "together", _("La personne et l'employeur ensemble")


class SupportKind(models.TextChoices):
    FACE_TO_FACE = "face_to_face", _("Rencontre en face à face")
    PHONE = "phone", _("Appel téléphonique")
    VIDEO = "video", _("Visioconférence")
    MESSAGE = "message", _("Message écrit (SMS, e-mail)")


class SupportPlace(models.TextChoices):
    WORKPLACE = "workplace", _("Sur le lieu de travail")
    OFFICE = "office", _("Dans les locaux du service")
    ELSEWHERE = "elsewhere", _("Ailleurs (café, domicile…)")
    REMOTE = "remote", _("À distance")


class SupportContact(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    placement = models.ForeignKey(
        "placements.Placement", on_delete=models.CASCADE, related_name="support_contacts"
    )
    party = models.CharField(_("avec"), max_length=10, choices=Party.choices)
    kind = models.CharField(_("type de contact"), max_length=14, choices=SupportKind.choices)
    place = models.CharField(_("lieu"), max_length=10, choices=SupportPlace.choices)
    contacted_on = models.DateField(_("date"))
    notes = EncryptedTextField(_("notes"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("par")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contact de suivi dans l'emploi")
        ordering = ["-contacted_on", "-pk"]
        indexes = [models.Index(fields=["placement", "kind", "contacted_on"], name="support_contact_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(party__in=Party.values), name="support_party_known"),
            models.CheckConstraint(condition=Q(kind__in=SupportKind.values), name="support_kind_known"),
            # Face to face is somewhere; anything else is at a distance.
            models.CheckConstraint(
                condition=(Q(kind=SupportKind.FACE_TO_FACE) & ~Q(place=SupportPlace.REMOTE))
                | (~Q(kind=SupportKind.FACE_TO_FACE) & Q(place=SupportPlace.REMOTE)),
                name="support_face_to_face_has_a_place",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.get_party_display()} ({self.contacted_on})"

    @property
    def is_face_to_face(self) -> bool:
        return self.kind == SupportKind.FACE_TO_FACE

    def matches(self, folded_query: str) -> bool:
        """As a journal writing (`journal.selectors.search_writings`): the notes are encrypted, so
        the person's journal searches them in Python, with what the contact was about."""
        placement = self.placement
        text = f"{self.notes} {self.get_kind_display()} {self.get_party_display()} {placement.job_title} {placement.company.name}"
        return folded_query in fold(text)
