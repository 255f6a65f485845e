"""Experiences in work: immersions (PMSMP), internships and jobs, with what the person chose to
disclose to the employer, the workplace adjustments, and how each one ended."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.utils.translation import gettext_lazy as _

from filrouge.core.crypto import EncryptedTextField
from filrouge.core.dates import span_end, span_reached
from filrouge.employers.models import CompanyKind, hours_constraint, hours_validators
from filrouge.referentials.models import ContractType

IMMERSION_MAX_MONTHS = 1  # a PMSMP lasts at most one month, renewable once (Code du travail D5135-3)
DURABLE_MONTHS = 6  # DGEFP / DARES: a CDD or a temporary mission of 6 months or more is durable

# Kinds of exit into employment (DGEFP / DARES, as the Plateforme de l'inclusion restates them;
# docs/measures.md). A contract kind in ALWAYS_DURABLE is durable employment; one in BY_LENGTH is
# durable when planned to last 6 months or more (de date à date), transition employment otherwise
# (or without a planned end); one in TRANSITION is transition employment. An insertion contract,
# an "other" contract and any job in an SIAE or an ESAT are no exit into employment.
ALWAYS_DURABLE = frozenset(
    {ContractType.CDI, ContractType.CDD_LONG, ContractType.TENURE, ContractType.BUSINESS_CREATION}
)
BY_LENGTH = frozenset({ContractType.TEMPORARY, ContractType.WORK_STUDY})
TRANSITION = frozenset({ContractType.CDD_SHORT, ContractType.SUBSIDISED})
NO_EXIT_EMPLOYERS = CompanyKind.siae() | {CompanyKind.ESAT}
DURABLE, TRANSITIONAL = "durable", "transition"


class PlacementKind(models.TextChoices):
    IMMERSION = "immersion", _("Immersion (PMSMP)")
    INTERNSHIP = "internship", _("Stage")
    EMPLOYMENT = "employment", _("Emploi")


class ImmersionObjective(models.TextChoices):
    DISCOVER = "discover", _("Découvrir un métier ou un secteur")
    CONFIRM = "confirm", _("Confirmer un projet professionnel")
    RECRUIT = "recruit", _("Initier une démarche de recrutement")


class ImmersionAssessment(models.TextChoices):
    COMPLETED = "completed", _("Réalisée")
    PARTLY = "partly", _("Réalisée en partie")
    NO_SHOW = "no_show", _("Non réalisée (absence)")


class EmployerDisclosure(models.TextChoices):
    """Whom, at this employer, the person chose to tell about their disability or illness."""

    NOT_DISCLOSED = "not_disclosed", _("Non divulgué")
    MANAGER = "manager", _("Divulgué au ou à la responsable")
    TEAM = "team", _("Divulgué à l'équipe")


class EndReason(models.TextChoices):
    END_OF_TERM = "end_of_term", _("Fin prévue (contrat, stage ou immersion)")
    RESIGNATION = "resignation", _("Démission")
    DISMISSAL = "dismissal", _("Licenciement")
    END_OF_TRIAL = "end_of_trial", _("Fin de période d'essai")
    HEALTH = "health", _("Raisons de santé")
    OTHER = "other", _("Autre")


class ImmersionRenewal(models.Model):
    """The one renewal a PMSMP may have (Code du travail, D5135-3): at most one more month, de
    date à date, from the day after the first period, when its objectives are not yet met."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    # One-to-one: renewable once, and the database refuses a second renewal.
    placement = models.OneToOneField("Placement", on_delete=models.CASCADE, related_name="renewal")
    starts_on = models.DateField(_("début du renouvellement"))
    ends_on = models.DateField(_("fin du renouvellement"))
    reason = EncryptedTextField(_("motif du renouvellement"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("renouvellement d'immersion")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="immersion_renewal_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.starts_on} – {self.ends_on}"


class JobRenewal(models.Model):
    """A job's contract renewed (a CDD, a temporary mission): its new planned end, the one it
    replaces, and who recorded it. The job's `planned_end_on` follows the latest one; these rows
    keep the history."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    placement = models.ForeignKey("Placement", on_delete=models.CASCADE, related_name="job_renewals")
    decided_on = models.DateField(_("renouvelé le"))
    previous_end_on = models.DateField(_("fin prévue précédente"))
    new_end_on = models.DateField(_("nouvelle fin prévue"))
    comment = EncryptedTextField(_("commentaire"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("renouvellement de contrat")
        ordering = ["-decided_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(new_end_on__gt=F("previous_end_on")), name="job_renewal_moves_the_end_later"
            ),
        ]

    def __str__(self):
        return f"{self.previous_end_on} → {self.new_end_on}"


def held_through(day, prefix: str = "") -> Q:
    """The placement has not ended before `day` (a date or an expression): no end recorded, or
    one on or after it; and when no end is recorded but a planned end is, that planned end is on
    or after `day`. A job past its planned end with no end recorded is not held after it: the
    coach confirms its end or its renewal (docs/measures.md, "Holding a job on a day D")."""
    ended, planned = f"{prefix}ended_on", f"{prefix}planned_end_on"
    return (
        Q(**{f"{ended}__gte": day})
        | Q(**{f"{ended}__isnull": True, f"{planned}__isnull": True})
        | Q(**{f"{ended}__isnull": True, f"{planned}__gte": day})
    )


class PlacementQuerySet(models.QuerySet):
    def ongoing_on(self, day: date):
        return self.filter(started_on__lte=day).filter(held_through(day))

    def past_planned_end(self, day: date):
        """Placements with no end recorded whose planned end is before `day`."""
        return self.filter(ended_on__isnull=True, planned_end_on__lt=day)

    def jobs(self):
        return self.filter(kind=PlacementKind.EMPLOYMENT)

    @staticmethod
    def _counts_as_exit(prefix: str = "") -> Q:
        return Q(**{f"{prefix}kind": PlacementKind.EMPLOYMENT}) & ~Q(
            **{f"{prefix}company__kind__in": sorted(NO_EXIT_EMPLOYERS)}
        )

    @classmethod
    def durable_condition(cls, prefix: str = "") -> Q:
        """`Placement.employment_outcome == DURABLE` as a condition the database evaluates (the
        same rule); `prefix` reads the placement through a relation ("placements__")."""
        long_enough = Q(**{f"{prefix}planned_end_on__isnull": False}) & span_reached(
            f"{prefix}planned_end_on", f"{prefix}started_on", months=DURABLE_MONTHS
        )
        return cls._counts_as_exit(prefix) & (
            Q(**{f"{prefix}contract_type__in": sorted(ALWAYS_DURABLE)})
            | (Q(**{f"{prefix}contract_type__in": sorted(BY_LENGTH)}) & long_enough)
        )

    @classmethod
    def transition_condition(cls, prefix: str = "") -> Q:
        """`Placement.employment_outcome == TRANSITIONAL`, in the database."""
        return (
            cls._counts_as_exit(prefix)
            & (
                Q(**{f"{prefix}contract_type__in": sorted(TRANSITION)})
                | Q(**{f"{prefix}contract_type__in": sorted(BY_LENGTH)})
            )
            & ~cls.durable_condition(prefix)
        )

    def with_durable(self):
        """Annotates `durable`, the database's reading of `Placement.is_durable`."""
        return self.annotate(durable=ExpressionWrapper(self.durable_condition(), output_field=BooleanField()))


class Placement(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    enrolment = models.ForeignKey("pathways.Enrolment", on_delete=models.CASCADE, related_name="placements")
    kind = models.CharField(_("type d'expérience"), max_length=12, choices=PlacementKind.choices)
    company = models.ForeignKey(
        "employers.Company", on_delete=models.PROTECT, related_name="placements", verbose_name=_("entreprise")
    )
    tutor = models.ForeignKey(
        "people.Contact",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tutored_placements",
        verbose_name=_("tuteur ou tutrice"),
    )
    opening = models.ForeignKey(
        "employers.Opening",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="placements",
        verbose_name=_("offre d'origine"),
    )
    job_title = models.ForeignKey(
        "referentials.JobTitle", on_delete=models.PROTECT, related_name="+", verbose_name=_("poste")
    )
    contract_type = models.CharField(
        _("type de contrat"), max_length=20, choices=ContractType.choices, blank=True
    )
    started_on = models.DateField(_("début"))
    planned_end_on = models.DateField(
        _("fin prévue"),
        null=True,
        blank=True,
        help_text=_("Laissez vide pour un CDI, une titularisation ou une création d'entreprise."),
    )
    hours_per_week = models.PositiveSmallIntegerField(_("heures par semaine"), validators=hours_validators())
    # Immersions only
    objective = models.CharField(
        _("objectif de l'immersion"), max_length=10, choices=ImmersionObjective.choices, blank=True
    )
    agreement = models.ForeignKey(
        "documents.Attachment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("convention signée"),
    )
    assessment = models.CharField(
        _("bilan de l'immersion"), max_length=10, choices=ImmersionAssessment.choices, blank=True
    )
    led_to_job = models.BooleanField(_("a débouché sur un emploi"), null=True, blank=True)
    # What the person chose to tell this employer, and when they decided it
    disclosure = models.CharField(
        _("divulgation à l'employeur"),
        max_length=14,
        choices=EmployerDisclosure.choices,
        default=EmployerDisclosure.NOT_DISCLOSED,
    )
    disclosure_decided_on = models.DateField(_("décidé par la personne le"), null=True, blank=True)
    # The end
    ended_on = models.DateField(_("date de fin"), null=True, blank=True)
    end_reason = models.CharField(_("motif de fin"), max_length=14, choices=EndReason.choices, blank=True)
    end_comment = EncryptedTextField(_("commentaire sur la fin"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = _("expérience en emploi")
        ordering = ["-started_on", "-pk"]
        indexes = [models.Index(fields=["enrolment", "kind", "started_on"], name="placement_enrolment_idx")]
        constraints = [
            hours_constraint("hours_per_week", "placement_hours_within_a_week"),
            models.CheckConstraint(condition=Q(kind__in=PlacementKind.values), name="placement_kind_known"),
            models.CheckConstraint(
                condition=Q(planned_end_on__isnull=True) | Q(planned_end_on__gte=F("started_on")),
                name="placement_planned_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="placement_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True, end_reason="")
                | (Q(ended_on__isnull=False) & ~Q(end_reason="")),
                name="placement_end_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(kind=PlacementKind.IMMERSION)
                | (~Q(objective="") & Q(planned_end_on__isnull=False)),
                name="immersion_has_objective_and_end",
            ),
            models.CheckConstraint(
                condition=~Q(kind=PlacementKind.EMPLOYMENT) | ~Q(contract_type=""),
                name="employment_has_contract_type",
            ),
            models.CheckConstraint(
                condition=Q(disclosure=EmployerDisclosure.NOT_DISCLOSED)
                | Q(disclosure_decided_on__isnull=False),
                name="placement_disclosure_dated",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.job_title} ({self.company})"

    @property
    def employment_outcome(self) -> str:
        """The kind of exit into employment this job is (DGEFP / DARES): DURABLE, TRANSITIONAL,
        or "" (not a job, an insertion contract, an "other" contract, a job in an SIAE or an
        ESAT). The database's reading is `durable_condition` / `transition_condition`."""
        if self.kind != PlacementKind.EMPLOYMENT or self.company.kind in NO_EXIT_EMPLOYERS:
            return ""
        if self.contract_type in ALWAYS_DURABLE:
            return DURABLE
        if self.contract_type in BY_LENGTH:
            long_enough = self.planned_end_on is not None and self.planned_end_on >= span_end(
                self.started_on, months=DURABLE_MONTHS
            )
            return DURABLE if long_enough else TRANSITIONAL
        return TRANSITIONAL if self.contract_type in TRANSITION else ""

    @property
    def is_durable(self) -> bool:
        return self.employment_outcome == DURABLE

    @property
    def held_until(self) -> date | None:
        """The last day the placement counts as held: its end, else its planned end (`held_through`)."""
        return self.ended_on or self.planned_end_on

    def is_ongoing(self, on: date) -> bool:
        return self.started_on <= on and (self.held_until is None or self.held_until >= on)

    def is_past_planned_end(self, on: date) -> bool:
        return self.ended_on is None and self.planned_end_on is not None and self.planned_end_on < on


class AdjustmentKind(models.TextChoices):
    HOURS = "hours", _("Horaires")
    TASKS = "tasks", _("Tâches")
    PACE = "pace", _("Rythme")
    EQUIPMENT = "equipment", _("Matériel ou poste de travail")
    OTHER = "other", _("Autre")


class AdjustmentStatus(models.TextChoices):
    PLANNED = "planned", _("Prévu")
    IN_PLACE = "in_place", _("En place")
    STOPPED = "stopped", _("Arrêté")


class Adjustment(models.Model):
    """A workplace adjustment agreed for a placement (with the occupational physician or not)."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="adjustments")
    kind = models.CharField(_("type d'aménagement"), max_length=10, choices=AdjustmentKind.choices)
    description = EncryptedTextField(_("description"))
    with_occupational_physician = models.BooleanField(_("avec la médecine du travail"), default=False)
    agreed_on = models.DateField(_("décidé le"))
    status = models.CharField(
        _("statut"), max_length=10, choices=AdjustmentStatus.choices, default=AdjustmentStatus.PLANNED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("aménagement de poste")
        ordering = ["agreed_on", "pk"]

    def __str__(self):
        return self.get_kind_display()


class ReviewOutcome(models.TextChoices):
    WORKS = "works", _("Adapté, à poursuivre")
    TO_ADAPT = "to_adapt", _("À ajuster")
    NO_LONGER_NEEDED = "no_longer_needed", _("N'est plus nécessaire")


class AdjustmentReview(models.Model):
    """The follow-up of an adjustment: a dated review of how it works."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    adjustment = models.ForeignKey(Adjustment, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField(_("date du point"))
    outcome = models.CharField(_("constat"), max_length=20, choices=ReviewOutcome.choices)
    comment = EncryptedTextField(_("commentaire"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("point sur un aménagement")
        ordering = ["-reviewed_on", "-pk"]

    def __str__(self):
        return f"{self.get_outcome_display()} ({self.reviewed_on})"
