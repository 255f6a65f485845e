"""Suggestions and candidates: scoped to the user's reach, ranked; proposals and answers: their rules."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from filrouge.employers.models import OpeningStatus
from filrouge.matching import domain
from filrouge.matching.models import Answer, Proposal
from filrouge.pathways import domain as pathways
from filrouge.pathways.domain import today
from filrouge.people.timeline import timeline
from tests.employers.factories import OpeningFactory
from tests.matching.factories import BAKER, BAKERY_SELLER, CLEANER, PASTRY_BAKER, target
from tests.pathways.factories import enrol
from tests.profiles.factories import job_title


def opening(world, label=BAKER, org=None, **fields):
    return OpeningFactory(company__organisation=org or world.org_a, job_title=job_title(label), **fields)


# --- Suggestions -------------------------------------------------------------------------------


def test_suggestions_rank_title_then_code_then_family_and_leave_other_families_out(world):
    target(world.person, BAKER)
    family = opening(world, BAKERY_SELLER)
    code = opening(world, PASTRY_BAKER)
    title = opening(world, BAKER)
    opening(world, CLEANER)
    fits = domain.suggestions_for(world.person, world.users["coach"])
    assert [f.opening for f in fits] == [title, code, family]


def test_suggestions_never_show_another_organisations_or_closed_openings(world):
    target(world.person, BAKER)
    mine = opening(world)
    opening(world, org=world.org_b)
    opening(world, status=OpeningStatus.FILLED)
    opening(world, status=OpeningStatus.CLOSED)
    assert [f.opening for f in domain.suggestions_for(world.person, world.users["coach"])] == [mine]
    # Someone who works no case sees none.
    assert domain.suggestions_for(world.person, world.users["org_admin"]) == []


def test_no_target_job_no_suggestion(world):
    opening(world)
    assert domain.suggestions_for(world.person, world.users["coach"]) == []


def test_a_person_with_several_targets_gets_the_best_fit_of_each_opening(world):
    target(world.person, CLEANER, hours_per_week=20)
    target(world.person, BAKERY_SELLER, hours_per_week=10)
    seller = opening(world, BAKERY_SELLER, hours_per_week=24)
    cleaner = opening(world, CLEANER, hours_per_week=24)
    fits = domain.suggestions_for(world.person, world.users["coach"])
    assert {f.opening: f.target.label for f in fits} == {seller: BAKERY_SELLER, cleaner: CLEANER}
    assert all(len(f.misfits) == 1 for f in fits)


def test_distance_uses_the_persons_home(world):
    world.person.latitude, world.person.longitude = Decimal("44.93333"), Decimal("4.89236")
    world.person.save()
    target(world.person, BAKER, mobility_km=10)
    near = opening(world, latitude=Decimal("44.94"), longitude=Decimal("4.90"))
    far = opening(world, latitude=Decimal("45.76"), longitude=Decimal("4.83"))  # Lyon
    fits = domain.suggestions_for(world.person, world.users["coach"])
    assert [f.opening for f in fits] == [near, far]
    assert any("au-delà de son rayon de 10 km" in m for m in fits[1].misfits)


# --- Candidates --------------------------------------------------------------------------------


def test_candidates_come_only_from_the_users_services_with_a_current_pathway(world):
    target(world.person, BAKER)
    other_service = enrol(world.a2)
    target(other_service.person, BAKER)
    ended = enrol(world.a1)
    target(ended.person, BAKER)
    pathways.record_exit(ended, on=today(), outcome="moved", by=None)
    cleaner = enrol(world.a1)
    target(cleaner.person, CLEANER)
    job = opening(world, BAKERY_SELLER)
    people = [c.person for c in domain.candidates_for(job, world.users["coach"])]
    assert people == [world.person]
    assert [c.person for c in domain.candidates_for(job, world.users["other_service_coach"])] == [
        other_service.person
    ]
    assert domain.candidates_for(job, world.users["other_org_coach"]) == []
    assert {c.person for c in domain.candidates_for(job, world.users["director"])} == {
        world.person,
        other_service.person,
    }


def test_candidates_are_ranked_like_suggestions_and_carry_their_pathways(world):
    target(world.person, BAKERY_SELLER)
    baker = enrol(world.a1)
    target(baker.person, BAKER)
    job = opening(world, BAKER)
    candidates = domain.candidates_for(job, world.users["coach"])
    assert [c.person for c in candidates] == [baker.person, world.person]
    assert candidates[0].enrolments == [baker]
    assert candidates[0].fit.tier == 3


# --- Proposals ---------------------------------------------------------------------------------


def test_a_person_is_not_proposed_twice_to_one_opening(world):
    job = opening(world)
    first = domain.propose(world.enrolment, job, by=world.users["coach"], on=today() - timedelta(days=2))
    assert first.answer == Answer.PENDING
    with pytest.raises(ValidationError) as refused:
        domain.propose(world.enrolment, job, by=world.users["coach"], on=today())
    message = refused.value.message_dict["opening"][0]
    assert "déjà été proposée" in message
    assert str((today() - timedelta(days=2)).year) in message
    assert Proposal.objects.count() == 1


def test_only_open_openings_current_pathways_and_past_dates(world):
    coach = world.users["coach"]
    with pytest.raises(ValidationError, match="seule une offre ouverte"):
        domain.propose(world.enrolment, opening(world, status=OpeningStatus.FILLED), by=coach, on=today())
    with pytest.raises(ValidationError, match="futur"):
        domain.propose(world.enrolment, opening(world), by=coach, on=today() + timedelta(days=1))
    with pytest.raises(ValidationError, match="organisation"):
        domain.propose(world.enrolment, opening(world, org=world.org_b), by=coach, on=today())
    ended = pathways.record_exit(enrol(world.a1), on=today(), outcome="moved", by=None)
    with pytest.raises(ValidationError, match="parcours est terminé"):
        domain.propose(ended, opening(world), by=coach, on=today())
    assert not Proposal.objects.exists()


def test_an_answer_is_not_before_the_proposal_nor_in_the_future(world):
    proposal = domain.propose(
        world.enrolment, opening(world), by=world.users["coach"], on=today() - timedelta(days=3)
    )
    with pytest.raises(ValidationError, match="précéder la proposition"):
        domain.answer(proposal, Answer.INTERVIEW, on=today() - timedelta(days=4))
    with pytest.raises(ValidationError, match="futur"):
        domain.answer(proposal, Answer.INTERVIEW, on=today() + timedelta(days=1))
    with pytest.raises(ValidationError, match="Choisissez"):
        domain.answer(proposal, Answer.PENDING, on=today())
    domain.answer(proposal, Answer.HIRED, on=today(), comment="Embauche en CDI")
    proposal.refresh_from_db()
    assert (proposal.answer, proposal.answered_on, proposal.comment) == (
        Answer.HIRED,
        today(),
        "Embauche en CDI",
    )


def test_proposals_and_answers_are_on_the_timeline(world):
    proposal = domain.propose(
        world.enrolment, opening(world), by=world.users["coach"], on=today() - timedelta(days=3)
    )
    domain.answer(proposal, Answer.INTERVIEW, on=today())
    enrolments = [world.enrolment]
    titles = [e.title for e in timeline(world.person, enrolments, world.users["coach"], only=["proposal"])]
    assert titles[0].startswith("Réponse à la candidature") and "entretien" in titles[0]
    assert titles[1].startswith("Candidature proposée : Boulanger / Boulangère chez")
