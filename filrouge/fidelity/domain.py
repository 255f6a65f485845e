"""The rules of a fidelity review: creating it with the data's suggestions, scoring, recalculating,
finalising, abandoning, and its totals.

Rows are saved one by one (never `bulk_create` or `update()`): the audit trail follows these
models through their signals.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from filrouge.fidelity import prefill, scale
from filrouge.fidelity.models import ActionStatus, Review, ReviewItem, ReviewStatus


def evidence_for(service, start, end):
    """The figures of the service over the period, from the one module that defines them."""
    from filrouge.outcomes import measures

    scope = measures.Scope(
        organisation_id=service.organisation_id, service_ids=(service.pk,), start=start, end=end
    )
    return measures.fidelity_evidence(scope)


def require_draft(review: Review) -> None:
    if not review.is_draft:
        raise ValidationError(
            _("Cette revue n'est plus en cours de notation : elle ne peut plus être modifiée.")
        )


@transaction.atomic
def create_review(
    service, *, start, end, reviewed_on, by, reviewers=(), external_reviewers="", evidence=None
):
    """A draft review of the service over [start, end], every item pre-filled where the data can."""
    if end < start:
        raise ValidationError({"period_end": _("La fin de la période précède son début.")})
    review = Review.objects.create(
        organisation_id=service.organisation_id,
        service=service,
        period_start=start,
        period_end=end,
        reviewed_on=reviewed_on,
        external_reviewers=external_reviewers,
        created_by=by,
        evidence_computed_at=timezone.now(),
    )
    review.reviewers.set(reviewers)
    suggestions = prefill.suggest(evidence if evidence is not None else evidence_for(service, start, end))
    for code in scale.ITEMS:
        suggestion = suggestions.get(code)
        ReviewItem.objects.create(
            organisation_id=review.organisation_id,
            review=review,
            code=code,
            suggested_score=suggestion.score if suggestion else None,
            evidence=suggestion.evidence if suggestion else "",
        )
    return review


@transaction.atomic
def recalculate(review: Review, evidence=None) -> list[ReviewItem]:
    """Reads the data again and replaces the suggestions and their evidence. A score that now
    differs from the new suggestion without a justification is emptied, to be scored again:
    returns those items."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    require_draft(review)
    if evidence is None:
        evidence = evidence_for(review.service, review.period_start, review.period_end)
    suggestions = prefill.suggest(evidence)
    reset = []
    for item in review.items.filter(code__in=list(suggestions)):
        suggestion = suggestions[item.code]
        item.suggested_score, item.evidence = suggestion.score, suggestion.evidence
        if item.overridden and not item.justification.strip():
            item.score = None
            reset.append(item)
        item.save()
    review.evidence_computed_at = timezone.now()
    review.save(update_fields=["evidence_computed_at"])
    return reset


def check_item(item: ReviewItem) -> None:
    """The rules of one item's score, as messages on its fields."""
    if item.score is not None and item.score not in scale.SCORES:
        raise ValidationError({"score": _("Une note va de 1 à 5.")})
    if item.overridden and not item.justification.strip():
        raise ValidationError(
            {
                "justification": _(
                    "La note diffère de la note proposée par les données (%(suggested)s) : dites pourquoi."
                )
                % {"suggested": item.suggested_score}
            }
        )


@transaction.atomic
def save_scores(review: Review, items: list[ReviewItem]) -> None:
    """Saves the scores, justifications and notes of some items of a draft review."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    require_draft(review)
    errors = {}
    for item in items:
        if item.review_id != review.pk:
            raise ValueError("an item of another review")
        try:
            check_item(item)
        except ValidationError as error:
            errors.update(
                {f"{item.code}-{field}": messages for field, messages in error.message_dict.items()}
            )
    if errors:
        # Named after the scoring form's fields ("services_4-justification"): nothing is saved.
        raise ValidationError(errors)
    for item in items:
        item.justification = item.justification.strip()
        item.save(update_fields=["score", "justification", "notes"])


@transaction.atomic
def finalise(review: Review, by) -> Review:
    review = Review.objects.select_for_update().get(pk=review.pk)
    require_draft(review)
    missing = [
        scale.ITEMS[code] for code in review.items.filter(score__isnull=True).values_list("code", flat=True)
    ]
    if missing:
        raise ValidationError(
            _("Tous les items doivent être notés avant de finaliser la revue ; il en reste %(count)s.")
            % {"count": len(missing)}
        )
    review.status, review.finalised_at, review.finalised_by = ReviewStatus.FINAL, timezone.now(), by
    review.save(update_fields=["status", "finalised_at", "finalised_by"])
    return review


@transaction.atomic
def abandon(review: Review) -> Review:
    """A draft given up: kept, read-only, left out of comparisons."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    require_draft(review)
    review.status, review.abandoned_at = ReviewStatus.ABANDONED, timezone.now()
    review.save(update_fields=["status", "abandoned_at"])
    return review


@transaction.atomic
def edit_details(review: Review, *, reviewed_on, reviewers, external_reviewers) -> Review:
    require_draft(review)
    review.reviewed_on, review.external_reviewers = reviewed_on, external_reviewers
    review.save(update_fields=["reviewed_on", "external_reviewers"])
    review.reviewers.set(reviewers)
    return review


# --- The improvement plan ----------------------------------------------------------------------


def may_plan(review: Review) -> bool:
    """The plan of a draft or a final review is kept up; an abandoned review's is closed."""
    return review.status != ReviewStatus.ABANDONED


def save_action(action, by=None):
    if not may_plan(action.review):
        raise ValidationError(_("Cette revue est abandonnée : son plan d'amélioration est clos."))
    if action.status == ActionStatus.DONE and action.completed_on is None:
        action.completed_on = timezone.localdate()
    if action.status != ActionStatus.DONE:
        action.completed_on = None
    if action.pk is None:
        action.organisation_id = action.review.organisation_id
        action.created_by = by
    action.save()
    return action


def complete_action(action):
    action.status = ActionStatus.DONE
    return save_action(action)


# --- Totals ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionTotal:
    section: scale.Section
    subtotal: int
    scored: int

    @property
    def max_score(self) -> int:
        return self.section.max_score

    @property
    def complete(self) -> bool:
        return self.scored == len(self.section.items)


@dataclass(frozen=True)
class Totals:
    sections: list[SectionTotal]
    total: int
    scored: int

    @property
    def complete(self) -> bool:
        return self.scored == len(scale.ITEMS)

    @property
    def unscored(self) -> int:
        return len(scale.ITEMS) - self.scored

    @property
    def band(self) -> str | None:
        """Only a complete review falls in a band: a partial total would understate it."""
        return scale.band(self.total) if self.complete else None

    @property
    def band_label(self) -> str:
        return scale.BAND_LABELS[self.band] if self.band else ""


def totals(scores: dict[str, int | None]) -> Totals:
    """Subtotals by section and the total, from the scores by item code."""
    sections = []
    for section in scale.SECTIONS:
        values = [scores.get(item.code) for item in section.items]
        given = [value for value in values if value is not None]
        sections.append(SectionTotal(section, sum(given), len(given)))
    return Totals(sections, sum(s.subtotal for s in sections), sum(s.scored for s in sections))


def review_totals(review: Review) -> Totals:
    return totals(dict(review.items.values_list("code", "score")))
