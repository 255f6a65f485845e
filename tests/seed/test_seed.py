from collections import Counter, defaultdict
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery

from filrouge.accounts.models import User
from filrouge.core.search import search_text, sort_key
from filrouge.core.text import fold
from filrouge.documents.models import Attachment
from filrouge.journal.models import Meeting, Note
from filrouge.organisations.models import Membership, Organisation, ProgrammeType, Role, Service
from filrouge.organisations.validators import siret_is_valid, synthetic_siret
from filrouge.pathways.caseload import coach_loads, with_alerts
from filrouge.pathways.domain import today
from filrouge.pathways.models import (
    Enrolment,
    EntrySituation,
    ExitOutcome,
    Phase,
    PhaseChange,
    Renewal,
    RqthStatus,
    Suspension,
    SuspensionReason,
)
from filrouge.people.models import Contact, Person, PersonContact
from filrouge.plans.models import ActionPlan, PlanAction
from filrouge.profiles.models import Profile, ProfileRevision
from filrouge.seed.demo import DEMO_PASSWORD, ORGANISATIONS, seed_demo
from filrouge.workshops.models import Registration, WorkshopSession

pytestmark = pytest.mark.django_db

MODELS = [
    Organisation,
    Service,
    User,
    Membership,
    Person,
    Contact,
    PersonContact,
    Enrolment,
    EntrySituation,
    PhaseChange,
    Suspension,
    Renewal,
    Enrolment.team.through,
    Profile,
    ProfileRevision,
    ActionPlan,
    PlanAction,
    Meeting,
    Note,
    WorkshopSession,
    Registration,
]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def history(enrolment) -> list[str]:
    """The phases of a pathway, oldest first."""
    return list(
        enrolment.phase_changes.order_by("changed_on", "recorded_at", "pk").values_list("phase", flat=True)
    )


def latest_phase_mismatches():
    latest = PhaseChange.objects.filter(enrolment=OuterRef("pk")).order_by(
        "-changed_on", "-recorded_at", "-pk"
    )
    return Enrolment.objects.annotate(latest=Subquery(latest.values("phase")[:1])).exclude(latest=F("phase"))


def assert_the_rules_hold():
    """What the database constraints and the domain functions guarantee, checked on every row."""
    day = today()
    assert not Enrolment.objects.filter(intake_date__lt=F("referral_date")).exists()
    assert not Enrolment.objects.filter(exit_date__lt=F("referral_date")).exists()
    assert not Enrolment.objects.filter(Q(exit_date=None) & ~Q(exit_outcome="")).exists()
    assert not Enrolment.objects.filter(Q(exit_date__isnull=False) & Q(exit_outcome="")).exists()
    assert not Enrolment.objects.filter(referral_date__gt=day).exists()
    assert not Enrolment.objects.filter(
        exit_outcome__in=ExitOutcome.reorientations(), reoriented_to=""
    ).exists()
    assert not Suspension.objects.filter(end_date__lt=F("start_date")).exists()
    assert not Suspension.objects.filter(start_date__lt=F("enrolment__referral_date")).exists()
    assert not Suspension.objects.filter(end_date__gt=F("enrolment__exit_date")).exists()
    assert not Suspension.objects.filter(enrolment__exit_date__isnull=False, end_date=None).exists()
    current = Enrolment.objects.current().values("person", "service").annotate(n=Count("pk"))
    assert not current.filter(n__gt=1).exists()
    assert not latest_phase_mismatches().exists()
    assert not Enrolment.objects.filter(phase_changes=None).exists()
    assert not PhaseChange.objects.filter(changed_on__lt=F("enrolment__referral_date")).exists()
    assert not PhaseChange.objects.filter(changed_on__gt=F("enrolment__exit_date")).exists()
    assert not PhaseChange.objects.filter(changed_on__gt=day).exists()
    assert not Enrolment.objects.filter(exit_date__isnull=False).exclude(phase=Phase.EXIT).exists()
    assert not Enrolment.objects.filter(exit_date=None, phase=Phase.EXIT).exists()
    assert not EntrySituation.objects.exclude(organisation=F("enrolment__organisation")).exists()
    assert not Enrolment.objects.exclude(organisation=F("service__organisation")).exists()
    assert not Enrolment.objects.exclude(organisation=F("person__organisation")).exists()
    assert EntrySituation.objects.count() == Enrolment.objects.count()
    for person in Person.objects.all():
        assert person.search_name == search_text(person.first_name, person.usual_name, person.birth_name)
        assert person.sort_name == sort_key(person.last_name, person.first_name)
    for contact in Contact.objects.all():
        assert contact.search_name == search_text(contact.full_name, contact.partner_name, contact.job_title)
    # Phases move on one date after another, and the intake date is the intake step's.
    for enrolment in Enrolment.objects.prefetch_related("phase_changes"):
        changes = sorted(enrolment.phase_changes.all(), key=lambda c: (c.changed_on, c.recorded_at, c.pk))
        assert changes[0].phase == Phase.REFERRAL and changes[0].changed_on == enrolment.referral_date
        assert [c.changed_on for c in changes] == sorted(c.changed_on for c in changes)
        intakes = [c.changed_on for c in changes if c.phase == Phase.INTAKE]
        assert enrolment.intake_date == (intakes[0] if intakes else None)
        if enrolment.exit_date:
            assert changes[-1].phase == Phase.EXIT and changes[-1].changed_on == enrolment.exit_date


def test_the_benchmark_preset_sizes_the_staff_from_the_number_of_people():
    call_command("seed", preset="benchmark", people=2_000)
    # 2,000 people → 100 coaches → 10 services → 1 organisation.
    assert User.objects.count() == 100
    assert Service.objects.count() == 10
    assert Membership.objects.filter(role=Role.COACH).count() == 100
    assert all(siret_is_valid(o.siret) for o in Organisation.objects.all())
    call_command("seed", preset="benchmark", people=2_000)
    assert User.objects.count() == 100  # a second run adds nothing
    assert Person.objects.count() == 2_000
    # 20 people for each coach, in the coach's service.
    loads = (
        Enrolment.objects.current()
        .values("primary_coach")
        .annotate(n=Count("pk"))
        .values_list("n", flat=True)
    )
    assert max(loads) <= 20
    assert not Enrolment.objects.exclude(
        Exists(
            Membership.objects.filter(
                user=OuterRef("primary_coach"), service=OuterRef("service"), role=Role.COACH
            )
        )
    ).exists()


def test_the_benchmark_preset_refuses_zero_people():
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("seed", preset="benchmark", people=0)


# ---------------------------------------------------------------------------------------------
# The people of the demo.
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    """The demo, loaded once for a class of tests and rolled back after them (each test runs in a savepoint)."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed_demo()
        yield
        transaction.set_rollback(True)


@pytest.mark.usefixtures("demo")
class TestTheDemoPeople:
    def test_the_demo_has_two_organisations_of_two_services_with_every_role(self, capsys):
        call_command("seed", preset="demo")  # on the loaded demo: prints the accounts again
        assert Organisation.objects.count() == 2
        for organisation in Organisation.objects.all():
            assert organisation.services.count() == 2
            assert siret_is_valid(organisation.siret)
            held = set(Membership.objects.filter(organisation=organisation).values_list("role", flat=True))
            assert held == {role.value for role in Role}
        out = capsys.readouterr().out
        for spec in ORGANISATIONS:
            for account in spec["accounts"]:
                assert f"{account.local_part}@{spec['domain']}" in out
        assert DEMO_PASSWORD in out

    def test_every_demo_account_logs_in_with_the_printed_password(self):
        for user in User.objects.all():
            assert user.check_password(DEMO_PASSWORD), user.email

    def test_the_demo_seed_is_idempotent(self):
        first = counts()
        assert first["Person"] >= 4 * 12 and first["Enrolment"] > first["Person"]
        assert first["PhaseChange"] > 3 * first["Enrolment"] and first["Contact"] >= 10
        call_command("seed", preset="demo")
        assert counts() == first

    def test_one_demo_account_holds_different_roles_in_two_services(self):
        chef = User.objects.get(email="chef@trait-union.example")
        assert set(chef.memberships.values_list("role", "service__name")) == {
            (Role.HEAD_OF_SERVICE, "Job coaching Drôme"),
            (Role.COACH, "Accompagnement RSA Romans"),
        }

    def test_one_coach_works_half_time_mostly_on_employment_services(self):
        half = Membership.objects.select_related("service", "user").get(role=Role.COACH, time_share=50)
        assert half.employment_services_share == 90 and half.service.name == "Accompagnement RSA Romans"
        assert coach_loads(half.service, half.user)[0]["target"] == 10  # 20 for a full-time coach
        others = Membership.objects.filter(role=Role.COACH).exclude(pk=half.pk)
        assert not others.exclude(time_share=100, employment_services_share=100).exists()

    def test_every_demo_service_supports_twelve_to_eighteen_people(self):
        for service in Service.objects.all():
            people = Person.objects.filter(enrolments__service=service).distinct().count()
            assert 12 <= people <= 18, service

    def test_the_demo_pathways_follow_the_rules(self):
        assert_the_rules_hold()

    def test_the_demo_has_people_in_every_phase(self):
        assert set(Enrolment.objects.current().values_list("phase", flat=True)) == set(Phase) - {Phase.EXIT}
        assert Enrolment.objects.filter(phase=Phase.EXIT).exists()

    def test_the_demo_has_every_exit_outcome(self):
        assert set(Enrolment.objects.exclude(exit_date=None).values_list("exit_outcome", flat=True)) == set(
            ExitOutcome
        )
        for enrolment in Enrolment.objects.filter(exit_outcome__in=ExitOutcome.reorientations()):
            assert enrolment.reoriented_to

    def test_the_demo_has_moves_back_after_a_job_ends(self):
        def moved_back(phases):
            return any(
                earlier in (Phase.IN_EMPLOYMENT, Phase.ACCESS) and later == Phase.JOB_SEARCH
                for earlier, later in zip(phases, phases[1:], strict=False)
            )

        back = [e for e in Enrolment.objects.all() if moved_back(history(e))]
        assert any(Phase.IN_EMPLOYMENT in history(e) for e in back)
        assert any(e.is_current and e.phase == Phase.JOB_SEARCH for e in back)

    def test_the_demo_has_an_ongoing_and_a_finished_hospitalisation(self):
        hospital = Suspension.objects.filter(reason=SuspensionReason.HOSPITALISATION)
        assert hospital.ongoing_on(today()).filter(end_date=None, enrolment__exit_date=None).exists()
        assert hospital.filter(end_date__lt=today(), enrolment__exit_date=None).exists()
        # An exit closes the suspension still open.
        assert hospital.filter(
            enrolment__exit_outcome=ExitOutcome.HEALTH, end_date=F("enrolment__exit_date")
        ).exists()

    def test_a_person_came_back_after_an_exit(self):
        again = 0
        for person in Person.objects.annotate(n=Count("enrolments")).filter(n__gt=1):
            by_service = defaultdict(list)
            for enrolment in person.enrolments.order_by("referral_date"):
                by_service[enrolment.service_id].append(enrolment)
            for pathways in by_service.values():
                if len(pathways) == 2:
                    old, new = pathways
                    assert old.exit_date is not None and old.exit_date < new.referral_date and new.is_current
                    again += 1
        assert again >= 1
        # Reoriented from one service of the association to another: followed in both.
        moved = Enrolment.objects.get(
            exit_outcome=ExitOutcome.REORIENTATION_OTHER, service__name="Accompagnement RSA Romans"
        )
        assert moved.person.enrolments.current().get().service.name == "Job coaching Drôme"

    def test_the_minimum_income_service_has_renewal_decisions(self):
        service = Service.objects.get(programme_type=ProgrammeType.MINIMUM_INCOME)
        renewed = Renewal.objects.get(enrolment__service=service, renewed=True)
        assert renewed.new_end_date > renewed.previous_end_date
        assert renewed.enrolment.planned_end_date == renewed.new_end_date and renewed.enrolment.is_current
        refused = Renewal.objects.get(enrolment__service=service, renewed=False)
        assert refused.new_end_date is None
        assert refused.enrolment.exit_date >= refused.decided_on
        assert not Renewal.objects.exclude(enrolment__service=service).exists()

    def test_partners_are_shared_by_several_people(self):
        shared = Contact.objects.annotate(people=Count("person_links__person", distinct=True)).filter(
            people__gte=3
        )
        assert shared.count() >= 5
        referrers = Contact.objects.annotate(n=Count("referrals")).filter(n__gte=2)
        assert referrers.exists()
        assert {c.partner_name for c in Contact.objects.all()} >= {"France Travail Valence", "CMP de Romans"}
        # Each referrer is linked to the person as their referring partner.
        for enrolment in Enrolment.objects.exclude(referred_by=None):
            assert PersonContact.objects.filter(
                person=enrolment.person, contact=enrolment.referred_by, relation="referring_partner"
            ).exists()
        assert not PersonContact.objects.exclude(organisation=F("person__organisation")).exists()
        assert not PersonContact.objects.exclude(contact__organisation=F("person__organisation")).exists()

    def test_the_caseload_shows_some_alerts_and_some_quiet_pathways(self):
        alerts = with_alerts(Enrolment.objects.current(), today())
        profile = alerts.get(alert_profile_contact=True)
        assert profile.phase == Phase.PROFILE and profile.last_contact_on <= today() - timedelta(days=10)
        employment = alerts.get(alert_employment_contact=True)
        assert employment.phase == Phase.IN_EMPLOYMENT and employment.last_contact_on <= today() - timedelta(
            days=40
        )
        assert (
            alerts.filter(alert_end_soon=True, service__programme_type=ProgrammeType.MINIMUM_INCOME).count()
            == 1
        )
        quiet = [
            e
            for e in alerts
            if not (e.alert_profile_contact or e.alert_employment_contact or e.alert_end_soon)
        ]
        assert len(quiet) >= len(alerts) // 2
        # In hospital, long without contact, yet no alert: the pathway is suspended.
        suspended = alerts.filter(is_suspended=True, phase=Phase.PROFILE).get()
        assert suspended.last_contact_on < today() - timedelta(days=7) and not suspended.alert_profile_contact

    def test_appointments_are_on_weekdays_during_business_hours(self):
        paris = ZoneInfo("Europe/Paris")
        appointments = Enrolment.objects.exclude(next_appointment_at=None)
        assert appointments.count() >= 20
        assert not appointments.exclude(exit_date=None).exists()
        for enrolment in appointments:
            local = enrolment.next_appointment_at.astimezone(paris)
            assert local.date() > today() and local.weekday() < 5 and 9 <= local.hour < 18
        assert not Enrolment.objects.filter(last_contact_on__gt=today()).exists()

    def test_each_pathway_is_led_by_a_coach_of_its_service_with_some_team_members(self):
        for enrolment in Enrolment.objects.select_related("primary_coach"):
            assert Membership.objects.filter(
                user=enrolment.primary_coach, service=enrolment.service_id, role=Role.COACH
            ).exists()
            for member in enrolment.team.all():
                assert Membership.objects.filter(
                    user=member,
                    service=enrolment.service_id,
                    role__in=[Role.PSYCHOLOGIST, Role.SOCIAL_WORKER, Role.EDUCATOR],
                ).exists()
        assert Enrolment.team.through.objects.count() >= 15
        coaches = set(Enrolment.objects.values_list("primary_coach__email", flat=True))
        assert {
            "coach@trait-union.example",
            "chef@trait-union.example",
            "coach.rsa@trait-union.example",
        } <= coaches

    def test_the_demo_people_look_french_and_local(self):
        people = list(Person.objects.select_related("organisation"))
        for person in people:
            person.full_clean()
            assert 19 <= person.age(today()) <= 62
            department = "26" if person.organisation.siret == ORGANISATIONS[0]["siret"] else "31"
            assert not person.postal_code or person.postal_code.startswith(department)
            assert not person.email or person.email.endswith(("@example.org", "@example.net"))
        assert sum(bool(p.usual_name) and p.usual_name != p.birth_name for p in people) >= 3
        assert sum(p.full_name != fold(p.full_name) for p in people) >= 20  # accents, capitals
        assert len({p.first_name for p in people}) >= 40
        assert sum(bool(p.email) for p in people) >= 10 and sum(bool(p.phone) for p in people) >= 40

    def test_the_situations_at_entry_vary(self):
        situations = EntrySituation.objects.all()
        assert len(set(situations.values_list("employment_status", flat=True))) == 4
        assert len(set(situations.values_list("education_level", flat=True))) >= 5
        assert len(set(situations.values_list("housing", flat=True))) >= 5
        assert set(situations.values_list("rqth_status", flat=True)) == set(RqthStatus)
        for flag in ("receives_rsa", "receives_aah", "receives_unemployment_benefit"):
            assert situations.filter(**{flag: True}).exists() and situations.filter(**{flag: False}).exists()
        assert not situations.filter(rqth_status=RqthStatus.GRANTED, rqth_granted_on=None).exists()
        assert not situations.filter(rqth_status=RqthStatus.REQUESTED, rqth_requested_on=None).exists()
        assert not situations.filter(rqth_granted_on__lt=F("rqth_requested_on")).exists()
        assert not situations.filter(rqth_requested_on__gt=F("enrolment__referral_date")).exists()
        rsa = situations.filter(enrolment__service__programme_type=ProgrammeType.MINIMUM_INCOME)
        assert not rsa.filter(receives_rsa=False).exists()

    def test_a_service_with_pathways_gets_no_new_people(self):
        """A demo service someone has worked in is left alone, even if the demo's own people are gone."""
        service = Service.objects.get(name="Activ'Projet Toulouse")
        kept = Enrolment.objects.filter(service=service).order_by("pk").first()
        removed = Enrolment.objects.filter(service=service).exclude(pk=kept.pk)
        Renewal.objects.filter(enrolment__in=removed).delete()
        Registration.objects.filter(enrolment__in=removed).delete()
        Attachment.objects.filter(enrolment__in=removed).delete()
        removed.delete()
        before = counts()
        seed_demo()
        assert counts() == before


def test_the_demo_is_the_same_on_every_run():
    def snapshot():
        return sorted(
            Enrolment.objects.values_list(
                "person__first_name",
                "person__birth_name",
                "service__name",
                "phase",
                "referral_date",
                "exit_outcome",
            )
        ), Counter(PhaseChange.objects.values_list("phase", "changed_on"))

    with transaction.atomic():
        seed_demo()
        first = snapshot()
        transaction.set_rollback(True)
    assert not Person.objects.exists()
    seed_demo()
    assert snapshot() == first


# ---------------------------------------------------------------------------------------------
# The people of the benchmark.
# ---------------------------------------------------------------------------------------------


def test_the_benchmark_preset_writes_people_and_their_pathways_within_the_rules():
    call_command("seed", preset="benchmark", people=500)
    assert Person.objects.count() == 500
    assert not Person.objects.filter(enrolments=None).exists()
    assert Person.objects.annotate(n=Count("enrolments")).filter(n=2).exists()
    assert Enrolment.objects.current().count() >= 400
    assert not latest_phase_mismatches().exists()
    sizes = Counter(
        PhaseChange.objects.values("enrolment").annotate(n=Count("pk")).values_list("n", flat=True)
    )
    assert max(sizes) <= 6
    assert sizes[1] < 0.1 * sizes.total()  # a history of one step: a referral waiting for its intake
    ongoing = Suspension.objects.filter(end_date=None)
    assert ongoing.exists() and Suspension.objects.exclude(pk__in=ongoing).exists()
    assert len(set(Enrolment.objects.values_list("phase", flat=True))) == len(Phase)
    assert_the_rules_hold()
    first = counts()
    call_command("seed", preset="benchmark", people=500)
    assert counts() == first


# --- Never beside real data (issue 17) -------------------------------------------------------------


@pytest.mark.parametrize("preset", ["demo", "benchmark"])
def test_the_presets_refuse_a_database_holding_a_real_organisation(db, preset):
    Organisation.objects.create(name="Association des Jardins", siret=synthetic_siret(12_345_678))
    with pytest.raises(
        CommandError, match="1 organisation\\(s\\) qui ne viennent pas des données de démonstration"
    ):
        call_command("seed", preset=preset, people=50)
    assert Organisation.objects.count() == 1 and not User.objects.exists()


@pytest.mark.parametrize("preset", ["demo", "benchmark"])
def test_the_presets_refuse_a_production_setup(db, settings, preset):
    settings.HTTPS = True
    with pytest.raises(CommandError, match="installation de production"):
        call_command("seed", preset=preset, people=50)
    assert not Organisation.objects.exists()


def test_the_benchmark_preset_runs_again_on_its_own_organisations(db):
    call_command("seed", preset="benchmark", people=50)
    call_command("seed", preset="benchmark", people=50)
    assert Organisation.objects.count() == 1
