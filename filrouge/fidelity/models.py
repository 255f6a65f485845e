"""IPS fidelity reviews of a service: one row per item of the scale, and an improvement plan.

A review is a draft while it is scored; once final it is read-only (its improvement plan goes on
living). Reviews are never deleted: a draft given up is marked abandoned. The invariants are
database constraints: scores between 1 and 5, one row per item and review, a justification
whenever a score differs from the one the data suggested.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from filrouge.fidelity import scale


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("En cours de notation")
    FINAL = "final", _("Définitive")
    ABANDONED = "abandoned", _("Abandonnée")


class ReviewQuerySet(models.QuerySet):
    def kept(self):
        """The reviews that count: drafts and final ones, not those abandoned."""
        return self.exclude(status=ReviewStatus.ABANDONED)


def score_constraint(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True})
        | Q(**{f"{field}__gte": scale.MIN_SCORE, f"{field}__lte": scale.MAX_SCORE}),
        name=name,
    )


class Review(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(
        "organisations.Service",
        on_delete=models.PROTECT,
        related_name="fidelity_reviews",
        verbose_name=_("service"),
    )
    period_start = models.DateField(_("début de la période observée"))
    period_end = models.DateField(_("fin de la période observée"))
    reviewed_on = models.DateField(_("date de la revue"))
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("évaluateurs de l'organisation"),
    )
    external_reviewers = models.CharField(
        _("évaluateurs extérieurs"),
        max_length=300,
        blank=True,
        help_text=_("Les noms des évaluateurs qui n'ont pas de compte, séparés par des virgules."),
    )
    status = models.CharField(
        _("statut"), max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    evidence_computed_at = models.DateTimeField(_("données calculées le"), null=True, editable=False)
    finalised_at = models.DateTimeField(_("finalisée le"), null=True, blank=True, editable=False)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    abandoned_at = models.DateTimeField(_("abandonnée le"), null=True, blank=True, editable=False)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("revue de fidélité")
        ordering = ["-reviewed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="fidelity_review_period_in_order"
            ),
            models.CheckConstraint(
                condition=Q(status=ReviewStatus.FINAL, finalised_at__isnull=False)
                | (~Q(status=ReviewStatus.FINAL) & Q(finalised_at__isnull=True)),
                name="fidelity_review_final_has_a_date",
            ),
        ]

    def __str__(self):
        return f"{self.service} — {self.reviewed_on:%d/%m/%Y}"

    @property
    def is_draft(self) -> bool:
        return self.status == ReviewStatus.DRAFT

    @property
    def is_final(self) -> bool:
        return self.status == ReviewStatus.FINAL


class ReviewItem(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="items")
    code = models.CharField(_("item"), max_length=20, choices=scale.item_choices)
    suggested_score = models.PositiveSmallIntegerField(
        _("note proposée par les données"), null=True, blank=True
    )
    evidence = models.TextField(_("ce que montrent les données"), blank=True)
    score = models.PositiveSmallIntegerField(_("note"), null=True, blank=True)
    justification = models.TextField(_("justification de l'écart avec la note proposée"), blank=True)
    notes = models.TextField(_("éléments observés"), blank=True)

    class Meta:
        verbose_name = _("item de la revue")
        constraints = [
            models.UniqueConstraint(fields=["review", "code"], name="fidelity_item_once_per_review"),
            score_constraint("score", "fidelity_item_score_1_to_5"),
            score_constraint("suggested_score", "fidelity_item_suggested_score_1_to_5"),
            models.CheckConstraint(
                condition=Q(score__isnull=True)
                | Q(suggested_score__isnull=True)
                | Q(score=F("suggested_score"))
                | ~Q(justification=""),
                name="fidelity_item_override_is_justified",
            ),
        ]

    def __str__(self):
        return self.code

    @property
    def item(self) -> scale.Item:
        return scale.ITEMS[self.code]

    @property
    def overridden(self) -> bool:
        return (
            self.score is not None and self.suggested_score is not None and self.score != self.suggested_score
        )


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("À faire")
    IN_PROGRESS = "in_progress", _("En cours")
    DONE = "done", _("Réalisée")
    DROPPED = "dropped", _("Abandonnée")


class ImprovementAction(models.Model):
    """One action of a review's improvement plan: what, who, by when, and where it stands."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="actions")
    item_code = models.CharField(_("item concerné"), max_length=20, choices=scale.item_choices, blank=True)
    what = models.TextField(_("action"))
    who = models.CharField(_("qui s'en charge"), max_length=200)
    due_on = models.DateField(_("échéance"), null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    completed_on = models.DateField(_("réalisée le"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("action d'amélioration")
        ordering = [F("due_on").asc(nulls_last=True), "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ActionStatus.DONE, completed_on__isnull=False)
                | (~Q(status=ActionStatus.DONE) & Q(completed_on__isnull=True)),
                name="fidelity_action_done_has_a_date",
            ),
        ]

    def __str__(self):
        return self.what[:60]

    @property
    def item(self) -> scale.Item | None:
        return scale.ITEMS.get(self.item_code)
