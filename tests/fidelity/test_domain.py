"""Creating a review with the data's suggestions, scoring it, recalculating, finalising,
abandoning; the database's invariants; the totals."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from filrouge.fidelity import domain, scale
from filrouge.fidelity.models import ActionStatus, ImprovementAction, Review, ReviewItem, ReviewStatus
from tests.fidelity.factories import EMPTY_EVIDENCE, evidence, final_review, make_review, score_all

pytestmark = pytest.mark.django_db


def test_a_new_review_has_one_row_per_item_with_the_datas_suggestions(world):
    review = make_review(world.a1, world.users["head_of_service"], reviewers=[world.users["head_of_service"]])

    assert review.status == ReviewStatus.DRAFT and review.organisation_id == world.org_a.pk
    rows = {row.code: row for row in review.items.all()}
    assert sorted(rows) == sorted(scale.ITEMS)
    assert rows["staffing_1"].suggested_score == 5
    assert "17,5 personnes par ETP de job coach (3 job coachs, 2 ETP)" in rows["staffing_1"].evidence
    assert rows["staffing_2"].suggested_score == 4 and "95 % en moyenne" in rows["staffing_2"].evidence
    assert rows["staffing_3"].suggested_score is None and rows["staffing_3"].evidence == ""
    assert all(row.score is None for row in rows.values())
    assert list(review.reviewers.all()) == [world.users["head_of_service"]]


def test_the_evidence_is_read_for_the_service_over_the_period(world, monkeypatch):
    calls = []
    monkeypatch.setattr(
        domain,
        "evidence_for",
        lambda service, start, end: calls.append((service, start, end)) or EMPTY_EVIDENCE,
    )
    domain.create_review(
        world.a1, start=date(2025, 1, 1), end=date(2025, 6, 30), reviewed_on=date(2025, 7, 1), by=None
    )
    assert calls == [(world.a1, date(2025, 1, 1), date(2025, 6, 30))]


def test_a_period_ending_before_it_starts_is_refused(world):
    with pytest.raises(ValidationError):
        make_review(world.a1, start=date(2025, 6, 1), end=date(2025, 5, 31))


def test_a_score_that_differs_from_the_suggestion_needs_a_justification(world):
    review = make_review(world.a1, evidence=evidence(people=54))  # 27 per FTE: suggests 3
    item = review.items.get(code="staffing_1")
    item.score = 4
    with pytest.raises(ValidationError) as refused:
        domain.save_scores(review, [item])
    assert "staffing_1-justification" in refused.value.message_dict
    assert ReviewItem.objects.get(pk=item.pk).score is None

    item.justification = "   "
    with pytest.raises(ValidationError):
        domain.save_scores(review, [item])

    item.justification = "Deux job coachs à mi-temps comptés à tort comme temps pleins."
    domain.save_scores(review, [item])
    assert ReviewItem.objects.get(pk=item.pk).score == 4


def test_nothing_is_saved_when_one_item_of_the_section_is_refused(world):
    review = make_review(world.a1)
    first, second = review.items.get(code="staffing_1"), review.items.get(code="staffing_2")
    first.score, first.notes = 2, "Sans justification"  # suggested 5
    second.score = 3
    with pytest.raises(ValidationError):
        domain.save_scores(review, [second, first])
    assert ReviewItem.objects.get(pk=second.pk).score is None


def test_an_item_scored_by_hand_needs_no_justification(world):
    review = make_review(world.a1)
    item = review.items.get(code="organisation_1")
    item.score, item.notes = 2, "Job coachs rattachés à quatre CMP."
    domain.save_scores(review, [item])
    assert ReviewItem.objects.get(pk=item.pk).notes == "Job coachs rattachés à quatre CMP."


def test_the_database_refuses_a_score_outside_1_to_5(world):
    item = make_review(world.a1).items.get(code="staffing_2")
    for value in (0, 6):
        item.score = value
        with pytest.raises(IntegrityError), transaction.atomic():
            item.save()


def test_the_database_refuses_an_item_twice_in_a_review(world):
    review = make_review(world.a1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewItem.objects.create(organisation=world.org_a, review=review, code="staffing_1")


def test_the_database_refuses_an_unjustified_override(world):
    item = make_review(world.a1).items.get(code="staffing_1")
    item.score = 1
    with pytest.raises(IntegrityError), transaction.atomic():
        item.save()


def test_a_review_is_finalised_only_once_every_item_is_scored(world):
    review = make_review(world.a1)
    with pytest.raises(ValidationError, match="il en reste 25"):
        domain.finalise(review, world.users["director"])
    score_all(review)
    review = domain.finalise(review, world.users["director"])
    assert review.status == ReviewStatus.FINAL and review.finalised_by == world.users["director"]
    assert review.finalised_at is not None


def test_a_final_review_is_read_only(world):
    review = final_review(world.a1)
    item = review.items.get(code="staffing_2")
    item.score = 1
    with pytest.raises(ValidationError):
        domain.save_scores(review, [item])
    with pytest.raises(ValidationError):
        domain.recalculate(review, evidence())
    with pytest.raises(ValidationError):
        domain.abandon(review)
    with pytest.raises(ValidationError):
        domain.finalise(review, None)
    assert ReviewItem.objects.get(pk=item.pk).score == 4


def test_recalculating_replaces_the_suggestions_and_empties_unjustified_scores(world):
    review = make_review(world.a1)
    items = {row.code: row for row in review.items.all()}
    items["staffing_1"].score = 5  # the suggestion, accepted
    items["services_6"].score, items["services_6"].justification = 3, "Contacts non notés dans le journal."
    domain.save_scores(review, [items["staffing_1"], items["services_6"]])

    reset = domain.recalculate(review, evidence(people=66, job_development_per_coach_week=2.0))

    assert [row.code for row in reset] == ["staffing_1"]
    caseload, contacts = review.items.get(code="staffing_1"), review.items.get(code="services_6")
    assert (caseload.suggested_score, caseload.score) == (2, None)
    assert "33 personnes par ETP de job coach" in caseload.evidence
    assert (contacts.suggested_score, contacts.score) == (2, 3)  # justified: kept


def test_an_abandoned_draft_is_kept_and_left_out_of_the_reviews_that_count(world):
    review = domain.abandon(make_review(world.a1))
    assert review.status == ReviewStatus.ABANDONED and review.abandoned_at is not None
    assert Review.objects.filter(pk=review.pk).exists()
    assert not Review.objects.kept().filter(pk=review.pk).exists()


def test_reviews_and_their_items_cannot_be_deleted_while_they_hold_rows(world):
    from django.db.models import ProtectedError

    review = make_review(world.a1)
    with pytest.raises(ProtectedError):
        review.delete()


def test_totals_by_section_and_band(world):
    review = score_all(make_review(world.a1, evidence=EMPTY_EVIDENCE), default=4)
    totals = domain.review_totals(review)
    assert [(part.section.key, part.subtotal, part.max_score) for part in totals.sections] == [
        ("staffing", 12, 15),
        ("organisation", 32, 40),
        ("services", 56, 70),
    ]
    assert (totals.total, totals.complete, totals.band) == (100, True, scale.GOOD)


def test_a_partial_total_has_no_band():
    totals = domain.totals({"staffing_1": 5, "staffing_2": 4})
    assert (totals.total, totals.scored, totals.unscored, totals.band) == (9, 2, 23, None)
    assert totals.sections[0].scored == 2 and not totals.sections[0].complete


def test_an_action_marked_done_gets_its_date_and_loses_it_when_reopened(world):
    review = final_review(world.a1)
    action = domain.save_action(
        ImprovementAction(review=review, what="Réunion mensuelle avec Cap emploi", who="Cheffe de service")
    )
    assert action.organisation_id == world.org_a.pk and action.completed_on is None
    domain.complete_action(action)
    assert action.status == ActionStatus.DONE and action.completed_on is not None
    action.status = ActionStatus.IN_PROGRESS
    domain.save_action(action)
    assert action.completed_on is None


def test_an_abandoned_reviews_plan_is_closed(world):
    review = domain.abandon(make_review(world.a1))
    with pytest.raises(ValidationError):
        domain.save_action(ImprovementAction(review=review, what="Quelque chose", who="Quelqu'un"))


def test_changes_are_recorded_in_the_audit_trail_without_a_person(world):
    from filrouge.audit.models import AuditEntry

    review = make_review(world.a1)
    entries = AuditEntry.objects.filter(
        object_type="fidelity.reviewitem", object_id__in=review.items.values("pk")
    )
    assert entries.count() == 25
    assert not entries.exclude(person_id=None).exists()
