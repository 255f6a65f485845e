"""A person proposed to an opening, and the answer: the trace of the job search."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from filrouge.core.crypto import EncryptedTextField


class Answer(models.TextChoices):
    PENDING = "pending", _("En attente de réponse")
    PERSON_DECLINED = "person_declined", _("La personne n'a pas donné suite")
    EMPLOYER_DECLINED = "employer_declined", _("L'employeur n'a pas retenu la candidature")
    INTERVIEW = "interview", _("Entretien d'embauche obtenu")
    HIRED = "hired", _("Recrutement")


class Proposal(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    enrolment = models.ForeignKey("pathways.Enrolment", on_delete=models.CASCADE, related_name="proposals")
    opening = models.ForeignKey(
        "employers.Opening", on_delete=models.PROTECT, related_name="proposals", verbose_name=_("offre")
    )
    proposed_on = models.DateField(_("proposée le"))
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(_("réponse"), max_length=20, choices=Answer.choices, default=Answer.PENDING)
    answered_on = models.DateField(_("date de la réponse"), null=True, blank=True)
    comment = EncryptedTextField(_("commentaire"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("candidature proposée")
        ordering = ["-proposed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "opening"], name="proposed_once_per_opening"),
            models.CheckConstraint(condition=Q(answer__in=Answer.values), name="proposal_answer_known"),
            models.CheckConstraint(
                condition=Q(answer=Answer.PENDING, answered_on__isnull=True)
                | (~Q(answer=Answer.PENDING) & Q(answered_on__isnull=False)),
                name="proposal_answer_dated",
            ),
        ]

    def __str__(self):
        return f"{self.opening} ({self.get_answer_display()})"
