"""A person's consents to share (what may go to whom) and their disclosure decisions for employers.

Both are append-only histories: giving, withdrawing or deciding again writes a new row, and the
latest row of a subject is what applies (`domain.current_consent`, `domain.current_disclosure`).
No row is ever changed or deleted by the application.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import DateField, Exists, OuterRef, Q, Value
from django.utils.translation import gettext_lazy as _

from filrouge.core.dates import span_end, span_reached


class Purpose(models.TextChoices):
    PLAN_TO_PARTNER = "plan_partner", _("Partager le plan d'action avec le prescripteur")
    REPORT_TO_PARTNER = "report_partner", _("Partager le bilan et la progression avec le prescripteur")
    MEDICAL_EXCHANGE = "medical", _("Échanger avec le référent médical")
    EMPLOYER_PROGRESS = "employer", _("Partager la progression avec l'employeur ou le tuteur")
    FUNDER_FIGURES = "funder", _("Partager des chiffres avec le financeur")


# The purposes whose recipient is a partner of the person's record (the documents are checked
# against that contact), the one whose recipient may also be a name typed in, and the one with
# no recipient to name (the funder of the programme).
CONTACT_PURPOSES = frozenset({Purpose.PLAN_TO_PARTNER, Purpose.REPORT_TO_PARTNER, Purpose.MEDICAL_EXCHANGE})
NAMED_PURPOSES = CONTACT_PURPOSES | {Purpose.EMPLOYER_PROGRESS}


class ConsentStatus(models.TextChoices):
    GIVEN = "given", _("Donné")
    WITHDRAWN = "withdrawn", _("Retiré ou refusé")


class ConsentMethod(models.TextChoices):
    SIGNED_FORM = "signed_form", _("Formulaire signé")
    ORAL = "oral", _("Oralement, lors d'un entretien, devant un témoin")


def recipient_key(purpose, recipient=None, label: str = "") -> str:
    """What makes two decisions about the same sharing: the purpose's recipient, a partner or a
    name (compared without accents or case); the funder's purpose has none."""
    from filrouge.core.text import fold

    if purpose not in NAMED_PURPOSES:
        return ""
    if recipient is not None:
        return f"contact:{recipient.pk if hasattr(recipient, 'pk') else recipient}"
    folded = fold(label)
    return f"label:{folded}" if folded else ""


# A consent given is reviewed with the person once a year: the EDPB recommends refreshing consent
# "at appropriate intervals" (Guidelines 05/2020 on consent, § 110), and a year is the cycle of the
# support itself. The register has no expiry: a consent still applies after its year (`may_share`
# reads the latest decision); the work list only reminds the coach to ask again.
REVIEW_MONTHS = 12


class ConsentQuerySet(models.QuerySet):
    def latest_decisions(self):
        """The decisions that apply: no later decision about the same sharing (the order of
        `domain.latest`)."""
        same = {name: OuterRef(name) for name in ("person", "purpose", "recipient_key")}
        day, at = OuterRef("decided_on"), OuterRef("recorded_at")
        later = Consent.objects.filter(**same).filter(
            Q(decided_on__gt=day)
            | Q(decided_on=day, recorded_at__gt=at)
            | Q(decided_on=day, recorded_at=at, pk__gt=OuterRef("pk"))
        )
        return self.exclude(Exists(later))

    def to_review_by(self, day: date):
        """Consents given and in force whose year (de date à date) ends on or before `day`
        (`Consent.review_on`)."""
        return (
            self.latest_decisions()
            .filter(status=ConsentStatus.GIVEN)
            .filter(span_reached(Value(day, output_field=DateField()), "decided_on", months=REVIEW_MONTHS))
        )


class Consent(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("objet"), max_length=16, choices=Purpose.choices)
    recipient = models.ForeignKey(
        "people.Contact",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
        verbose_name=_("destinataire"),
    )
    recipient_label = models.CharField(_("autre destinataire"), max_length=200, blank=True)
    recipient_key = models.CharField(max_length=220, editable=False, blank=True)
    status = models.CharField(_("décision"), max_length=10, choices=ConsentStatus.choices)
    decided_on = models.DateField(_("date de la décision"))
    method = models.CharField(_("recueilli"), max_length=12, choices=ConsentMethod.choices)
    signed_form = models.ForeignKey(
        "documents.Attachment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
        verbose_name=_("formulaire signé"),
    )
    witness = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("témoin (membre de l'équipe)"),
    )
    witness_name = models.CharField(_("autre témoin"), max_length=150, blank=True)
    meeting = models.ForeignKey(
        "journal.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entretien"),
    )
    comment = models.TextField(_("commentaire"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consentement")
        ordering = ["-decided_on", "-recorded_at", "-pk"]
        indexes = [
            models.Index(
                fields=["person", "purpose", "recipient_key", "decided_on"], name="consent_subject_idx"
            )
        ]
        constraints = [
            models.CheckConstraint(condition=Q(purpose__in=Purpose.values), name="consent_purpose_known"),
            models.CheckConstraint(condition=Q(status__in=ConsentStatus.values), name="consent_status_known"),
            models.CheckConstraint(condition=Q(method__in=ConsentMethod.values), name="consent_method_known"),
            models.CheckConstraint(
                condition=~Q(method=ConsentMethod.SIGNED_FORM) | Q(signed_form__isnull=False),
                name="consent_signed_form_attached",
            ),
            models.CheckConstraint(
                condition=~Q(method=ConsentMethod.ORAL) | Q(witness__isnull=False) | ~Q(witness_name=""),
                name="consent_oral_has_witness",
            ),
            models.CheckConstraint(
                condition=~Q(purpose__in=sorted(CONTACT_PURPOSES)) | Q(recipient__isnull=False),
                name="consent_partner_purpose_names_contact",
            ),
            models.CheckConstraint(
                condition=~Q(purpose=Purpose.EMPLOYER_PROGRESS)
                | Q(recipient__isnull=False)
                | ~Q(recipient_label=""),
                name="consent_employer_purpose_names_recipient",
            ),
            models.CheckConstraint(
                condition=~Q(purpose=Purpose.FUNDER_FIGURES) | Q(recipient__isnull=True),
                name="consent_funder_purpose_has_no_contact",
            ),
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} — {self.recipient_display} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("A consent is a dated decision: record a new one instead of changing it.")
        self.recipient_key = recipient_key(self.purpose, self.recipient_id, self.recipient_label)
        super().save(*args, **kwargs)

    @property
    def is_given(self) -> bool:
        return self.status == ConsentStatus.GIVEN

    @property
    def review_on(self) -> date:
        """The last day of the consent's year, by which the person is asked again (`to_review_by`)."""
        return span_end(self.decided_on, months=REVIEW_MONTHS)

    @property
    def recipient_display(self) -> str:
        if self.recipient_id is not None:
            return str(self.recipient)
        return self.recipient_label or str(_("le financeur"))

    @property
    def witness_display(self) -> str:
        return self.witness.full_name if self.witness_id else self.witness_name


class DisclosureLevel(models.TextChoices):
    """What the person lets employers know, each level including the ones before it."""

    NOTHING = "nothing", _("Rien : l'employeur ne sait pas que la personne est accompagnée")
    SUPPORT = "support", _("L'accompagnement par le service, sans aucune information de santé")
    RQTH = "rqth", _("La reconnaissance de travailleur handicapé (RQTH)")
    ADJUSTMENTS = "adjustments", _("Les aménagements de poste nécessaires")
    CONDITION = "condition", _("La maladie ou le handicap lui-même")


LEVEL_ORDER = list(DisclosureLevel.values)


class Disclosure(models.Model):
    """The person's decision about what employers may be told: for one employer, or for all
    (`employer` empty)."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="disclosures")
    level = models.CharField(
        _("ce que l'employeur peut savoir"), max_length=12, choices=DisclosureLevel.choices
    )
    employer = models.ForeignKey(
        "people.Contact",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disclosures",
        verbose_name=_("employeur"),
    )
    decided_on = models.DateField(_("date de la décision"))
    comment = models.TextField(_("commentaire"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("choix de divulgation")
        ordering = ["-decided_on", "-recorded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=DisclosureLevel.values), name="disclosure_level_known"
            ),
        ]

    def __str__(self):
        return f"{self.get_level_display()} ({self.decided_on})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("A disclosure decision is dated: record a new one instead of changing it.")
        super().save(*args, **kwargs)

    def covers(self, level) -> bool:
        """May the employer be told `level`? Each level includes those before it."""
        return LEVEL_ORDER.index(level) <= LEVEL_ORDER.index(self.level)
