"""The action plan (*plan d'action*): the guiding thread of a pathway.

A plan belongs to one pathway and is versioned: the current version is the one with no
`superseded_at`; older versions stay readable, never changed. A plan holds objectives (from
the service's referential, or written freely), each with its actions, who carries them, their
dates and their status.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filrouge.core.crypto import EncryptedTextField


class AgreementMethod(models.TextChoices):
    SIGNED_PAPER = "signed_paper", _("Signé sur papier")
    AGREED_IN_MEETING = "agreed_in_meeting", _("Accepté en entretien")
    SIGNED_ON_SCREEN = "signed_on_screen", _("Signé à l'écran")


class Carrier(models.TextChoices):
    PERSON = "person", _("La personne")
    COACH = "coach", _("Le ou la job coach")
    PARTNER = "partner", _("Un partenaire")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Prévue")
    IN_PROGRESS = "in_progress", _("En cours")
    DONE = "done", _("Réalisée")
    ABANDONED = "abandoned", _("Abandonnée par la personne")
    CANCELLED = "cancelled", _("Annulée par le service")
    ON_HOLD = "on_hold", _("En attente")


# Finished actions: the timeline records them on the day their status changed.
FINISHED_STATUSES = frozenset({ActionStatus.DONE, ActionStatus.ABANDONED, ActionStatus.CANCELLED})
# An action is late when its due date has passed while it is still planned or under way. An
# action "on hold" waits, by the coach's choice, on something outside the plan (a decision of
# the MDPH, a place in a training): it is not counted late, or the alert would cry wolf.
OVERDUE_STATUSES = frozenset({ActionStatus.PLANNED, ActionStatus.IN_PROGRESS})


class ActionPlanQuerySet(models.QuerySet):
    def current(self):
        return self.filter(superseded_at__isnull=True)


class ActionPlan(models.Model):
    """One version of a pathway's action plan."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    enrolment = models.ForeignKey("pathways.Enrolment", on_delete=models.CASCADE, related_name="plans")
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    agreed_on = models.DateField(_("date de l'accord"), null=True, blank=True)
    agreement_method = models.CharField(
        _("forme de l'accord"), max_length=20, choices=AgreementMethod.choices, blank=True
    )
    agreement_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    superseded_at = models.DateTimeField(_("remplacée le"), null=True, blank=True)

    objects = ActionPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan d'action")
        ordering = ["enrolment", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "version"], name="plan_version_once_per_enrolment"),
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=Q(superseded_at__isnull=True),
                name="one_current_plan_per_enrolment",
            ),
            models.CheckConstraint(
                condition=Q(agreed_on__isnull=True, agreement_method="")
                | Q(agreed_on__isnull=False) & ~Q(agreement_method=""),
                name="plan_agreement_has_date_and_method",
                violation_error_message=_("Un accord a une date et une forme, ou ni l'une ni l'autre."),
            ),
        ]

    def __str__(self):
        return f"plan {self.enrolment_id} v{self.version}"

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None

    @property
    def is_agreed(self) -> bool:
        return self.agreed_on is not None

    @property
    def is_editable(self) -> bool:
        """The current version of a pathway still under way; needs `enrolment` loaded."""
        return self.is_current and self.enrolment.is_current

    @property
    def is_content_editable(self) -> bool:
        """Objectives and actions may change: once the person has agreed to a version, its content
        stays as agreed (a change needs a new version); only the actions' progress moves on."""
        return self.is_editable and not self.is_agreed

    @property
    def created_on(self):
        return timezone.localdate(self.created_at)


class PlanObjectiveQuerySet(models.QuerySet):
    def in_plan(self):
        """The objectives still part of their plan: not withdrawn."""
        return self.filter(withdrawn_at__isnull=True)


class PlanObjective(models.Model):
    """An objective of the plan, under a theme: from the referential, or written freely."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="objectives")
    theme = models.ForeignKey(
        "referentials.Theme", on_delete=models.PROTECT, related_name="+", verbose_name=_("thématique")
    )
    objective = models.ForeignKey(
        "referentials.Objective",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("objectif du référentiel"),
    )
    custom_label = models.CharField(_("autre objectif"), max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)
    # Withdrawn from the plan, never deleted: it stays readable with its actions, and can come back.
    withdrawn_at = models.DateTimeField(_("retiré le"), null=True, blank=True, editable=False)

    objects = PlanObjectiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("objectif du plan")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(objective__isnull=False, custom_label="")
                | Q(objective__isnull=True) & ~Q(custom_label=""),
                name="plan_objective_referential_or_custom",
                violation_error_message=_(
                    "Choisissez un objectif du référentiel, ou écrivez-en un : pas les deux."
                ),
            )
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return self.objective.label if self.objective_id else self.custom_label

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class PlanActionQuerySet(models.QuerySet):
    def in_plan(self):
        """The actions of objectives still part of their plan (a withdrawn one takes its actions)."""
        return self.filter(objective__withdrawn_at__isnull=True)

    def overdue_on(self, day):
        """Actions late on `day`: in the current version of a plan, towards an objective still in
        it, past their due date while planned or under way (the rule of `PlanAction.is_overdue`)."""
        return self.in_plan().filter(
            objective__plan__superseded_at__isnull=True, status__in=OVERDUE_STATUSES, due_date__lt=day
        )


class PlanAction(models.Model):
    """One action towards an objective: who carries it, when, and where it stands."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    objective = models.ForeignKey(PlanObjective, on_delete=models.CASCADE, related_name="actions")
    action_kind = models.ForeignKey(
        "referentials.ActionKind",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("action du référentiel"),
    )
    custom_label = models.CharField(_("autre action"), max_length=200, blank=True)
    carrier = models.CharField(
        _("portée par"), max_length=10, choices=Carrier.choices, default=Carrier.PERSON
    )
    partner = models.ForeignKey(
        "people.Contact",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partenaire"),
    )
    planned_start = models.DateField(_("début prévu"), null=True, blank=True)
    due_date = models.DateField(_("échéance"), null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    # How an action went often tells about health or life (a treatment, a refusal): encrypted.
    outcome_note = EncryptedTextField(_("résultat, commentaire"), blank=True)
    status_changed_on = models.DateField(_("statut changé le"))
    # The action of an earlier version this one was copied from (the first of the chain), so
    # that a finished action copied into later versions counts once on the timeline.
    origin = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = PlanActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("action du plan")
        # By start, or due date when the start is not set; undated actions last.
        ordering = [
            Coalesce("planned_start", "due_date").asc(nulls_last=True),
            F("due_date").asc(nulls_last=True),
            "pk",
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_date__isnull=True)
                | Q(planned_start__isnull=True)
                | Q(due_date__gte=F("planned_start")),
                name="plan_action_due_not_before_start",
                violation_error_message=_("L'échéance ne peut pas précéder le début prévu."),
            ),
            models.CheckConstraint(
                condition=Q(action_kind__isnull=False, custom_label="")
                | Q(action_kind__isnull=True) & ~Q(custom_label=""),
                name="plan_action_referential_or_custom",
                violation_error_message=_(
                    "Choisissez une action du référentiel, ou écrivez-en une : pas les deux."
                ),
            ),
            models.CheckConstraint(
                condition=Q(carrier="partner", partner__isnull=False)
                | ~Q(carrier="partner") & Q(partner__isnull=True),
                name="plan_action_partner_iff_carried_by_partner",
                violation_error_message=_("Un partenaire est indiqué seulement pour une action qu'il porte."),
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="plan_action_status_due_idx")]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return self.action_kind.label if self.action_kind_id else self.custom_label

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def is_overdue(self) -> bool:
        """Needs `objective` loaded; a withdrawn objective's actions are no longer awaited."""
        return (
            self.due_date is not None
            and self.status in OVERDUE_STATUSES
            and self.due_date < timezone.localdate()
            and not self.objective.is_withdrawn
        )

    @property
    def timeline_date(self):
        """Where the action sits on the plan's timeline: its start, or else its due date."""
        return self.planned_start or self.due_date
