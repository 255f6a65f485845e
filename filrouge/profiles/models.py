"""The person's professional profile and barriers, edited in one form, kept as dated snapshots."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from filrouge.core.crypto import EncryptedCharField, EncryptedJSONField, EncryptedTextField
from filrouge.pathways.models import EducationLevel
from filrouge.referentials.models import ContractType

MAX_TARGETS = 6


class WorkingTime(models.TextChoices):
    FULL = "full", _("Temps plein")
    PART = "part", _("Temps partiel")
    EITHER = "either", _("Temps plein ou partiel")


class TransportMode(models.TextChoices):
    WALKING = "walking", _("À pied")
    BICYCLE = "bicycle", _("Vélo")
    PUBLIC = "public", _("Transports en commun")
    CAR = "car", _("Voiture")
    TWO_WHEELER = "two_wheeler", _("Deux-roues motorisé")
    CARPOOL = "carpool", _("Covoiturage")
    ADAPTED = "adapted", _("Transport adapté (PAM, TPMR)")


class BarrierStatus(models.TextChoices):
    NOT_DISCUSSED = "not_discussed", _("Pas encore abordé")
    PRESENT = "present", _("Présent")
    WORKING_ON = "working_on", _("En cours de traitement")
    RESOLVED = "resolved", _("Levé")
    ABSENT = "absent", _("Absente")  # a resource the person does not have


# A resource ("Permis B") is there or not: it is never worked on nor lifted.
RESOURCE_STATUSES = [
    (BarrierStatus.NOT_DISCUSSED, _("Pas encore abordé")),
    (BarrierStatus.PRESENT, _("Présente : c'est un atout")),
    (BarrierStatus.ABSENT, _("Absente")),
]
BARRIER_STATUSES = [choice for choice in BarrierStatus.choices if choice[0] != BarrierStatus.ABSENT]


def status_choices(situation) -> list:
    """The statuses a situation can take: those of a barrier, or those of a resource."""
    return RESOURCE_STATUSES if situation.is_resource else BARRIER_STATUSES


def status_label(kind: str | None, status: str) -> str:
    """A status in words; `kind` is absent from snapshots written before resources existed."""
    choices = RESOURCE_STATUSES if kind == "resource" else BarrierStatus.choices
    return str(dict(choices).get(status, status))


@deconstructible
class ChoicesListValidator:
    """A list of values, each one of `choices`: an unknown value is refused by name."""

    def __init__(self, choices):
        self.choices = choices

    def __call__(self, values):
        if not isinstance(values, list):
            raise ValidationError(_("Liste de valeurs attendue."))
        unknown = [v for v in values if v not in self.choices.values]
        if unknown:
            raise ValidationError(
                _("Valeur inconnue : %(values)s."), params={"values": ", ".join(map(str, unknown))}
            )

    def __eq__(self, other):
        return isinstance(other, ChoicesListValidator) and self.choices is other.choices


class Profile(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    person = models.OneToOneField("people.Person", on_delete=models.CASCADE, related_name="profile")
    # The texts about the person (what they can do, how, what they seek or avoid and why) are
    # encrypted, like the barriers' comments; nothing searches them.
    skills = EncryptedTextField(_("compétences"), blank=True)
    soft_skills = EncryptedTextField(_("savoir-être"), blank=True)
    expectations = EncryptedTextField(
        _("attentes et préférences"),
        blank=True,
        help_text=_("Ce que la personne recherche dans un emploi, ce qu'elle veut éviter."),
    )
    dream_job = models.ForeignKey(
        "referentials.JobTitle",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("métier rêvé"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("profil professionnel")

    def __str__(self):
        return f"profile of person {self.person_id}"


class Experience(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="experiences")
    job_title = models.ForeignKey(
        "referentials.JobTitle", on_delete=models.PROTECT, related_name="+", verbose_name=_("métier")
    )
    employer = models.CharField(_("employeur"), max_length=200, blank=True)
    started_on = models.DateField(_("début"))
    ended_on = models.DateField(_("fin"), null=True, blank=True, help_text=_("Laissez vide si en cours."))
    description = EncryptedTextField(_("description"), blank=True)  # why a job ended, say

    class Meta:
        ordering = ["-started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="experience_ends_after_it_starts",
            )
        ]

    def __str__(self):
        return str(self.job_title)


class Training(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="trainings")
    title = models.CharField(_("formation ou diplôme"), max_length=200)
    institution = models.CharField(_("organisme"), max_length=200, blank=True)
    obtained_on = models.DateField(_("date"), null=True, blank=True)
    diploma = models.BooleanField(_("diplôme obtenu"), default=False)
    level = models.CharField(_("niveau"), max_length=8, choices=EducationLevel.choices, blank=True)

    class Meta:
        ordering = ["-obtained_on", "pk"]

    def __str__(self):
        return self.title


class TargetJob(models.Model):
    """A job the person aims at, with the conditions they can work in (used for matching openings)."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="targets")
    job_title = models.ForeignKey(
        "referentials.JobTitle", on_delete=models.PROTECT, related_name="+", verbose_name=_("métier visé")
    )
    position = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_TARGETS)]
    )
    contract_types = models.JSONField(
        _("contrats acceptés"), default=list, blank=True, validators=[ChoicesListValidator(ContractType)]
    )
    working_time = models.CharField(
        _("temps de travail"), max_length=8, choices=WorkingTime.choices, default=WorkingTime.EITHER
    )
    hours_per_week = models.PositiveSmallIntegerField(
        _("heures par semaine supportables"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(48)],
    )
    mobility_km = models.PositiveSmallIntegerField(
        _("rayon de mobilité (km)"), null=True, blank=True, validators=[MaxValueValidator(300)]
    )
    transport = models.JSONField(
        _("moyens de transport"), default=list, blank=True, validators=[ChoicesListValidator(TransportMode)]
    )
    # Constraints often follow care or family (a treatment on Wednesdays): encrypted.
    availability = EncryptedCharField(
        _("contraintes de disponibilité"),
        max_length=200,
        blank=True,
        help_text=_("Par exemple : pas avant 10 h, pas le mercredi."),
    )

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours_per_week__isnull=True) | Q(hours_per_week__gte=1, hours_per_week__lte=48),
                name="target_hours_within_a_week",
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1, position__lte=MAX_TARGETS), name="at_most_six_targets"
            ),
            models.UniqueConstraint(fields=["profile", "position"], name="one_target_per_position"),
        ]

    def __str__(self):
        return str(self.job_title)

    def contract_type_labels(self) -> list[str]:
        return [str(ContractType(v).label) for v in self.contract_types]

    def transport_labels(self) -> list[str]:
        return [str(TransportMode(v).label) for v in self.transport]


class Barrier(models.Model):
    """Where one person stands on one situation of the diagnostic."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="barriers")
    situation = models.ForeignKey("referentials.Situation", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("statut"), max_length=16, choices=BarrierStatus.choices, default=BarrierStatus.NOT_DISCUSSED
    )
    comment = EncryptedCharField(_("commentaire"), max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["situation__theme__label", "situation__label"]
        constraints = [
            models.UniqueConstraint(fields=["person", "situation"], name="one_status_per_situation")
        ]

    def __str__(self):
        return f"{self.situation}: {self.get_status_display()}"


class ProfileRevision(models.Model):
    """The whole profile and barriers as saved at one moment: never changed afterwards.
    Encrypted, like the barriers' comments it copies."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="profile_revisions")
    recorded_at = models.DateTimeField(auto_now_add=True, db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    data = EncryptedJSONField()

    class Meta:
        ordering = ["-recorded_at", "-pk"]

    def __str__(self):
        return f"profile revision {self.pk}"
