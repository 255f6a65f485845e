"""The pre-fill reads the service's own figures from `outcomes.measures`, for the review's
period (no hand-built evidence here)."""

from datetime import timedelta

import pytest

from filrouge.fidelity import domain
from filrouge.pathways.domain import today
from tests.pathways.factories import enrol
from tests.placements.factories import PlacementFactory

pytestmark = pytest.mark.django_db


def test_a_review_is_pre_filled_from_the_services_data(world):
    coach = world.users["coach"]
    for _ in range(2):
        enrol(world.a1, coach=coach)
    PlacementFactory(enrolment=world.enrolment)  # a CDI started 60 days ago
    enrol(world.a2, coach=world.users["other_service_coach"])  # another service: not counted
    end = today()

    review = domain.create_review(
        world.a1, start=end - timedelta(days=364), end=end, reviewed_on=end, by=world.users["head_of_service"]
    )

    caseload = review.items.get(code="staffing_1")
    assert caseload.suggested_score == 5
    assert "3 personnes par ETP de job coach (1 job coach, 1 ETP)" in caseload.evidence
    competitive = review.items.get(code="services_10")
    assert competitive.suggested_score == 5 and "100 % (1 sur 1)" in competitive.evidence
    assert "Employeurs distincts : 1 pour 1 emploi commencé" in review.items.get(code="services_9").evidence
