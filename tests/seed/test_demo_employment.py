"""The demo's employment side: companies, openings, proposals, immersions, jobs and follow-along,
present in each organisation, within the rules, and telling the retention stories."""

import io
import re
from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import F, Q

from filrouge.core.dates import add_months, span_end
from filrouge.documents.models import AttachmentKind
from filrouge.employers.models import (
    Company,
    CompanyKind,
    EmployerContact,
    EmployerContactKind,
    Opening,
    OpeningStatus,
    SizeBand,
)
from filrouge.employers.models import RelationshipStatus as Status
from filrouge.followalong.models import Party, SupportContact, SupportKind, SupportPlace
from filrouge.matching.models import Answer, Proposal
from filrouge.organisations.models import Membership, Organisation, Role
from filrouge.organisations.validators import siret_is_valid
from filrouge.pathways.domain import today
from filrouge.pathways.models import Enrolment, ExitOutcome, Phase, Suspension
from filrouge.people.models import Contact, ContactKind, Person, PersonContact
from filrouge.placements.models import (
    DURABLE,
    TRANSITIONAL,
    Adjustment,
    AdjustmentKind,
    AdjustmentReview,
    EmployerDisclosure,
    EndReason,
    ImmersionAssessment,
    ImmersionRenewal,
    Placement,
    PlacementKind,
)
from filrouge.profiles.models import TargetJob
from filrouge.referentials.models import ContractType
from filrouge.seed.demo import ORGANISATIONS, seed_demo

MODELS = [
    Company,
    Contact,
    PersonContact,
    EmployerContact,
    Opening,
    Proposal,
    Placement,
    ImmersionRenewal,
    Adjustment,
    AdjustmentReview,
    SupportContact,
    Enrolment,
    Person,
]


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    """The demo, loaded once for the class and rolled back after it (each test runs in a savepoint)."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed_demo()
        yield
        transaction.set_rollback(True)


def organisations():
    return list(
        Organisation.objects.filter(siret__in=[spec["siret"] for spec in ORGANISATIONS]).order_by("pk")
    )


def jobs(organisation=None):
    found = Placement.objects.jobs().select_related("enrolment")
    return found.filter(organisation=organisation) if organisation else found


def phase_on(enrolment, day):
    changes = enrolment.phase_changes.filter(changed_on__lte=day).order_by(
        "-changed_on", "-recorded_at", "-pk"
    )
    return changes.values_list("phase", flat=True).first()


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
class TestTheDemoEmployment:
    def test_each_organisation_has_its_companies_with_their_contact_people(self):
        department = {ORGANISATIONS[0]["siret"]: ("26", "07"), ORGANISATIONS[1]["siret"]: ("31",)}
        for organisation in organisations():
            companies = Company.objects.filter(organisation=organisation)
            assert 10 <= companies.count() <= 16
            coaches = Membership.objects.filter(organisation=organisation, role=Role.COACH).values("user")
            for company in companies:
                assert siret_is_valid(company.siret) and re.fullmatch(r"\d{2}\.\d{2}[A-Z]", company.naf_code)
                assert company.postal_code.startswith(department[organisation.siret])
                assert company.latitude is not None and company.longitude is not None
                assert company.owner_id in {row["user"] for row in coaches}
                if company.size_band == SizeBand.NONE:  # a person's own business: no one else to meet
                    assert company.contacts.count() == 0
                else:
                    assert 1 <= company.contacts.count() <= 3
            assert set(companies.values_list("relationship_status", flat=True)) == set(Status.values)
            # Some under 20 employees, some subject to the 6 % obligation.
            assert {c.obligation_applies for c in companies} == {True, False}

    def test_company_people_are_employer_contacts_with_synthetic_details(self):
        people = Contact.objects.filter(kind=ContactKind.EMPLOYER)
        assert people.count() >= 20
        for contact in people.select_related("company"):
            assert contact.company.organisation_id == contact.organisation_id
            assert contact.partner_name == contact.company.name
            assert contact.email.endswith(".example") and contact.phone.startswith("+3363998")
        assert not Contact.objects.filter(kind=ContactKind.EMPLOYER, company=None).exists()
        titles = " ".join(people.values_list("job_title", flat=True))
        assert "Responsable" in titles and "tut" in titles.lower()

    def test_each_coach_logs_employer_contacts_over_four_months_some_more_than_others(self):
        day = today()
        log = EmployerContact.objects.filter(contacted_on__gte=day - timedelta(weeks=17))
        assert not EmployerContact.objects.filter(contacted_on__gt=day).exists()
        for organisation in organisations():
            mine = log.filter(organisation=organisation)
            assert set(mine.values_list("kind", flat=True)) == set(EmployerContactKind.values)
            assert mine.filter(face_to_face=True).exists() and mine.filter(face_to_face=False).exists()
            assert mine.exclude(person=None).exists() and mine.filter(person=None).exists()
            per_coach = Counter(mine.values_list("coach__email", flat=True))
            assert per_coach.most_common(1)[0][1] >= 2 * 17  # several a week for the main coach
            assert min(per_coach.values()) < per_coach.most_common(1)[0][1] / 2
        for contact in EmployerContact.objects.select_related("company", "company_contact", "person"):
            assert contact.company.organisation_id == contact.organisation_id
            assert contact.coach.organisation_id == contact.organisation_id
            assert contact.company_contact is None or contact.company_contact.company_id == contact.company_id
            assert contact.person is None or contact.person.organisation_id == contact.organisation_id

    def test_one_person_has_no_employer_contact_since_entry_and_others_do(self):
        day = today()
        waiting = (
            Enrolment.objects.current()
            .filter(intake_date__lt=day - timedelta(days=30))
            .filter(phase__in=[Phase.INTAKE, Phase.PROFILE, Phase.PLAN, Phase.JOB_SEARCH, Phase.ACCESS])
            .exclude(pk__in=Suspension.objects.filter(end_date=None).values("enrolment"))
        )
        without = [
            e
            for e in waiting
            if not EmployerContact.objects.filter(person=e.person, contacted_on__gte=e.intake_date).exists()
        ]
        assert 1 <= len(without) <= 3
        assert len(waiting) - len(without) >= 10

    def test_openings_fit_some_target_jobs_exactly_some_by_family_and_some_not_at_all(self):
        targets = set(TargetJob.objects.values_list("job_title__occupation_id", flat=True))
        families = {code[:3] for code in targets}
        for organisation in organisations():
            openings = Opening.objects.filter(organisation=organisation)
            assert 18 <= openings.count() <= 26
            statuses = Counter(openings.values_list("status", flat=True))
            assert statuses[OpeningStatus.OPEN] > openings.count() / 2
            assert statuses[OpeningStatus.FILLED] >= 1 and statuses[OpeningStatus.CLOSED] >= 1
            open_ = openings.filter(status=OpeningStatus.OPEN)
            assert open_.filter(rome_code__in=targets).exists()
            assert open_.exclude(rome_code__in=targets).filter(rome_family__in=families).exists()
            assert open_.exclude(rome_family__in=families).exists()
            assert open_.filter(hours_per_week__gte=35).exists()  # too many hours for a part-time wish
            assert not openings.filter(Q(latitude=None) | Q(longitude=None)).exists()
            assert not openings.exclude(organisation=F("company__organisation")).exists()

    def test_every_home_with_a_known_commune_is_placed_at_it(self):
        people = Person.objects.exclude(postal_code="")
        assert people.exists()
        assert not people.filter(Q(latitude=None) | Q(longitude=None)).exists()

    def test_proposals_have_every_answer(self):
        proposals = Proposal.objects.all()
        assert set(proposals.values_list("answer", flat=True)) == set(Answer.values)
        for proposal in proposals.select_related("enrolment", "opening"):
            assert (
                proposal.organisation_id
                == proposal.enrolment.organisation_id
                == proposal.opening.organisation_id
            )
            assert proposal.enrolment.referral_date <= proposal.proposed_on <= today()
            assert (proposal.answered_on is None) == (proposal.answer == Answer.PENDING)
            assert proposal.answered_on is None or proposal.answered_on >= proposal.proposed_on
        # A hire went through the opening it filled.
        for proposal in proposals.filter(answer=Answer.HIRED):
            assert proposal.opening.status == OpeningStatus.FILLED
            assert Placement.objects.filter(enrolment=proposal.enrolment, opening=proposal.opening).exists()

    def test_each_organisation_has_immersions_of_every_outcome(self):
        day = today()
        for organisation in organisations():
            immersions = Placement.objects.filter(organisation=organisation, kind=PlacementKind.IMMERSION)
            assert immersions.filter(assessment=ImmersionAssessment.COMPLETED, led_to_job=True).exists()
            assert immersions.filter(assessment=ImmersionAssessment.PARTLY).exists()
            assert immersions.filter(assessment=ImmersionAssessment.NO_SHOW).exists()
            ongoing = immersions.filter(ended_on=None, started_on__lte=day, planned_end_on__gte=day)
            assert (
                ongoing.count() == 1 and not immersions.filter(ended_on=None).exclude(pk__in=ongoing).exists()
            )
            for immersion in immersions:
                assert immersion.objective and immersion.planned_end_on <= add_months(immersion.started_on, 1)
                assert not immersion.contract_type
            # The signed agreement: a PDF in the person's file.
            signed = immersions.exclude(agreement=None).select_related("agreement")
            assert signed.exists()
            for immersion in signed:
                assert immersion.agreement.kind == AttachmentKind.AGREEMENT
                assert immersion.agreement.person_id == immersion.enrolment.person_id
                with immersion.agreement.file.open("rb") as stored:
                    assert stored.read(5) == b"%PDF-"
            # An immersion that led to a job: the job follows at the same company.
            for immersion in immersions.filter(led_to_job=True):
                assert (
                    jobs()
                    .filter(
                        enrolment=immersion.enrolment,
                        company=immersion.company,
                        started_on__gt=immersion.ended_on,
                    )
                    .exists()
                )

    def test_each_organisation_tells_the_three_retention_stories(self):
        day = today()
        for organisation in organisations():
            held = jobs(organisation)
            assert held.count() >= 5
            # Kept: about five months in, past 13 weeks, 6 months still to come.
            kept = held.filter(
                ended_on=None,
                started_on__lte=day - timedelta(days=91),
                started_on__gt=add_months(day, -6),
                enrolment__exit_date=None,
            )
            assert kept.exists()
            # Lost at two months, back to job search.
            lost = [
                job
                for job in held.filter(end_reason__in=[EndReason.END_OF_TRIAL, EndReason.RESIGNATION])
                if 50 <= (job.ended_on - job.started_on).days <= 70
            ]
            assert lost
            for job in lost:
                assert job.enrolment.is_current and job.enrolment.phase == Phase.JOB_SEARCH
                assert job.enrolment.phase_changes.filter(
                    phase=Phase.JOB_SEARCH, changed_on=job.ended_on
                ).exists()
            # Kept a year: started over twelve months ago, still held.
            assert held.filter(ended_on=None, started_on__lte=add_months(day, -12)).exists()
            # A short fixed-term contract and an interim mission.
            assert (
                held.filter(contract_type="cdd_short").exists()
                and held.filter(contract_type="temporary").exists()
            )

    def test_every_exit_into_employment_has_its_job_and_check_exits_finds_none_without(self):
        out = io.StringIO()
        call_command("check_exits", stdout=out)  # a CommandError (exit 1) if one is incoherent
        assert out.getvalue().strip() == "Aucune sortie incohérente."
        exits = Enrolment.objects.filter(exit_outcome__in=sorted(ExitOutcome.into_employment()))
        assert set(exits.values_list("exit_outcome", flat=True)) == ExitOutcome.into_employment()
        # A CDD under 6 months behind a transition exit: it ends at its term, after the exit.
        transition = jobs().filter(
            enrolment__exit_outcome=ExitOutcome.TRANSITION_EMPLOYMENT, contract_type=ContractType.CDD_SHORT
        )
        cdd = transition.get()
        assert cdd.employment_outcome == TRANSITIONAL
        assert cdd.ended_on == cdd.planned_end_on > cdd.enrolment.exit_date

    def test_a_person_created_their_own_business(self):
        created = jobs().select_related("company").get(contract_type=ContractType.BUSINESS_CREATION)
        assert created.company.kind == CompanyKind.ORDINARY and created.company.size_band == SizeBand.NONE
        assert created.tutor is None and created.planned_end_on is None
        assert created.employment_outcome == DURABLE
        assert created.enrolment.exit_outcome == ExitOutcome.DURABLE_EMPLOYMENT
        assert set(created.support_contacts.values_list("party", flat=True)) == {Party.PERSON}

    def test_a_person_was_tenured_in_the_civil_service_after_a_year_on_contract(self):
        tenure = jobs().get(contract_type=ContractType.TENURE)
        assert tenure.planned_end_on is None and tenure.ended_on is None
        assert tenure.employment_outcome == DURABLE
        first = jobs().get(
            enrolment=tenure.enrolment, company=tenure.company, contract_type=ContractType.CDD_LONG
        )
        assert first.ended_on == span_end(first.started_on, months=12)
        assert tenure.started_on == first.ended_on + timedelta(days=1)
        # A contract set aside for disabled workers: the employer knows.
        assert tenure.disclosure != EmployerDisclosure.NOT_DISCLOSED

    def test_jobs_in_an_adapted_company_and_in_an_insertion_workshop(self):
        adapted = jobs().get(company__kind=CompanyKind.ADAPTED)
        assert adapted.contract_type == ContractType.CDI and adapted.employment_outcome == DURABLE
        insertion = jobs().get(company__kind=CompanyKind.ACI)
        assert insertion.contract_type == ContractType.INSERTION and insertion.employment_outcome == ""
        assert insertion.enrolment.is_current and insertion.enrolment.phase == Phase.IN_EMPLOYMENT
        # Every other job is with an employer of the ordinary labour market.
        others = jobs().exclude(pk__in=[adapted.pk, insertion.pk])
        assert not others.exclude(company__kind=CompanyKind.ORDINARY).exists()

    def test_an_immersion_was_renewed_once_as_its_objectives_were_not_yet_met(self):
        renewal = ImmersionRenewal.objects.select_related("placement").get()
        immersion = renewal.placement
        assert renewal.reason.startswith("Objectifs pas encore atteints")
        assert renewal.starts_on == immersion.planned_end_on + timedelta(days=1)
        assert renewal.starts_on <= renewal.ends_on <= span_end(renewal.starts_on, months=1)
        assert immersion.ended_on == renewal.ends_on and immersion.led_to_job
        assert immersion.company.kind == CompanyKind.ADAPTED
        assert renewal.organisation_id == immersion.organisation_id

    def test_the_pathway_phase_follows_the_jobs(self):
        day = today()
        for job in jobs().ongoing_on(day):
            enrolment = job.enrolment
            if enrolment.is_current:
                assert enrolment.phase == Phase.IN_EMPLOYMENT, enrolment.pk
            else:
                assert enrolment.exit_outcome in (
                    ExitOutcome.DURABLE_EMPLOYMENT,
                    ExitOutcome.TRANSITION_EMPLOYMENT,
                )
        for job in jobs():
            assert phase_on(job.enrolment, job.started_on) == Phase.IN_EMPLOYMENT, job.pk
            assert job.started_on >= job.enrolment.referral_date
        for enrolment in Enrolment.objects.current().filter(phase=Phase.IN_EMPLOYMENT):
            assert jobs().ongoing_on(day).filter(enrolment=enrolment).exists(), enrolment.pk

    def test_follow_along_is_monthly_face_to_face_but_one_job_goes_without_for_a_month(self):
        day, month = today(), today() - timedelta(days=30)
        for organisation in organisations():
            settled = (
                jobs(organisation).ongoing_on(day).filter(enrolment__exit_date=None, started_on__lt=month)
            )
            seen = {
                job.pk
                for job in settled
                if job.support_contacts.filter(
                    kind=SupportKind.FACE_TO_FACE, contacted_on__gte=month
                ).exists()
            }
            assert 1 <= settled.count() - len(seen) <= 2
            assert len(seen) >= 1
        contacts = SupportContact.objects.select_related("placement")
        kinds = Counter(contacts.values_list("kind", flat=True))
        assert kinds[SupportKind.FACE_TO_FACE] > kinds.total() / 2 and kinds[SupportKind.PHONE] >= 1
        assert contacts.filter(place=SupportPlace.WORKPLACE).count() > contacts.count() / 2
        assert {Party.PERSON, Party.TUTOR, Party.MANAGER} <= set(contacts.values_list("party", flat=True))
        for contact in contacts:
            assert contact.organisation_id == contact.placement.organisation_id
            assert contact.placement.started_on <= contact.contacted_on <= day
            ended = contact.placement.ended_on
            assert ended is None or contact.contacted_on <= ended + timedelta(days=30)
        # Every job has been followed.
        assert not jobs().filter(support_contacts=None).exists()

    def test_jobs_carry_disclosure_choices_and_adjustments_with_reviews(self):
        held = jobs()
        assert set(held.values_list("disclosure", flat=True)) == set(EmployerDisclosure.values)
        assert (
            not held.exclude(disclosure=EmployerDisclosure.NOT_DISCLOSED)
            .filter(disclosure_decided_on=None)
            .exists()
        )
        adjustments = Adjustment.objects.select_related("placement")
        assert {AdjustmentKind.HOURS, AdjustmentKind.PACE, AdjustmentKind.EQUIPMENT} <= set(
            adjustments.values_list("kind", flat=True)
        )
        assert adjustments.filter(with_occupational_physician=True).exists()
        assert AdjustmentReview.objects.exists()
        for adjustment in adjustments:
            assert adjustment.organisation_id == adjustment.placement.organisation_id
            assert adjustment.placement.started_on <= adjustment.agreed_on <= today()
        for review in AdjustmentReview.objects.select_related("adjustment"):
            assert review.organisation_id == review.adjustment.organisation_id
            assert review.adjustment.agreed_on <= review.reviewed_on <= today()

    def test_every_placement_belongs_to_its_pathway_and_company_organisation(self):
        placements = Placement.objects.all()
        assert not placements.exclude(organisation=F("enrolment__organisation")).exists()
        assert not placements.exclude(organisation=F("company__organisation")).exists()
        assert not placements.exclude(tutor=None).exclude(tutor__company=F("company")).exists()
        for placement in placements.exclude(tutor=None):
            assert PersonContact.objects.filter(
                person=placement.enrolment.person, contact=placement.tutor, relation=ContactKind.EMPLOYER
            ).exists()

    def test_every_row_obeys_its_model_rules(self):
        for model, exclude in (
            (Company, ["search_name"]),
            (Contact, ["search_name"]),
            (Opening, ["rome_code", "rome_family"]),
            (EmployerContact, []),
            (Proposal, []),
            (Placement, []),
            (Adjustment, []),
            (AdjustmentReview, []),
            (SupportContact, []),
        ):
            for row in model.objects.all()[:60]:
                row.full_clean(exclude=exclude)

    def test_loading_the_demo_again_adds_nothing_and_prints_the_employment_line(self, capsys):
        first = {model.__name__: model.objects.count() for model in MODELS}
        call_command("seed", preset="demo")
        call_command("seed", preset="demo")
        assert {model.__name__: model.objects.count() for model in MODELS} == first
        out = capsys.readouterr().out
        assert f"Emploi : {first['Company']} entreprises" in out
