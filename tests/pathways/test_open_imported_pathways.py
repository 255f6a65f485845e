"""`open_imported_pathways`, the bulk twin of `enrol`, `change_phase`, `suspend` and `record_exit`
(an import): the same rules and messages, the same rows, and the audit entries that say what the
single functions' entries say once their steps are folded into one creation."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from filrouge.audit import chain
from filrouge.audit.api import acting_user
from filrouge.audit.models import AuditEntry, Kind
from filrouge.pathways import domain
from filrouge.pathways.domain import (
    ImportedExit,
    ImportedPathway,
    ImportedSuspension,
    PathwayRefused,
    open_imported_pathways,
)
from filrouge.pathways.models import (
    EducationLevel,
    EmploymentStatus,
    Enrolment,
    EntrySituation,
    ExitOutcome,
    Housing,
    Phase,
    PhaseChange,
    RqthStatus,
    Suspension,
)
from filrouge.people.domain import create_people
from filrouge.people.models import ContactKind, Person, PersonContact
from tests.people.factories import ContactFactory, PersonFactory

pytestmark = pytest.mark.django_db

TODAY = domain.today()
DAY = timedelta(days=1)
ENTRY = {
    "employment_status": EmploymentStatus.OUT_OF_WORK,
    "out_of_work_since": TODAY - 800 * DAY,
    "education_level": EducationLevel.LEVEL_3,
    "receives_rsa": True,
    "rqth_status": RqthStatus.GRANTED,
    "rqth_requested_on": TODAY - 500 * DAY,
    "rqth_granted_on": TODAY - 400 * DAY,
    "mdph_file": "26-123456",
    "housing": Housing.FAMILY,
}
SMALL_ENTRY = {
    "employment_status": EmploymentStatus.NEVER_WORKED,
    "education_level": EducationLevel.INFRA_3,
    "housing": Housing.INDEPENDENT,
}


def pathways(world, people):
    """Three pathways: one through intake, a later phase and two suspensions (one still open) to
    an exit into an ESAT, referred by a partner; one at intake without an intake date given (the
    phase change dates it); one just referred, without coach."""
    coach, referrer = world.users["coach"], world.contact
    return [
        ImportedPathway(
            person=people[0],
            service=world.a1,
            referral_date=TODAY - 300 * DAY,
            intake_date=TODAY - 290 * DAY,
            referral_reason="Orientée par le CMP après une hospitalisation.",
            primary_coach=coach,
            entry=ENTRY,
            referred_by=referrer,
            phase=Phase.JOB_SEARCH,
            since=TODAY - 200 * DAY,
            phase_comment="Import",
            suspensions=[
                ImportedSuspension(TODAY - 150 * DAY, TODAY - 120 * DAY, "hospitalisation", "Clinique"),
                ImportedSuspension(TODAY - 60 * DAY, None, "personal"),
            ],
            exit=ImportedExit(
                TODAY - 30 * DAY, ExitOutcome.REORIENTATION_ESAT, "Souhaite un ESAT.", " ESAT des Collines "
            ),
        ),
        ImportedPathway(
            person=people[1],
            service=world.a1,
            referral_date=TODAY - 40 * DAY,
            primary_coach=coach,
            entry=SMALL_ENTRY,
            referred_by=referrer,
            phase=Phase.INTAKE,
            since=TODAY - 35 * DAY,
        ),
        ImportedPathway(person=people[2], service=world.a1, referral_date=TODAY - 5 * DAY, entry=SMALL_ENTRY),
    ]


def one_by_one(spec, by):
    """What the pages do for the same pathway, step by step."""
    enrolment = domain.enrol(
        spec.person,
        spec.service,
        by=by,
        referral_date=spec.referral_date,
        entry=spec.entry,
        referral_reason=spec.referral_reason,
        referred_by=spec.referred_by,
        intake_date=spec.intake_date,
        primary_coach=spec.primary_coach,
    )
    if spec.phase is not None and spec.phase != enrolment.phase:
        domain.change_phase(enrolment, spec.phase, spec.since, by, comment=spec.phase_comment)
    for given in spec.suspensions:
        domain.suspend(
            enrolment, start=given.start, end=given.end, reason=given.reason, by=by, comment=given.comment
        )
    if spec.exit is not None:
        domain.record_exit(
            enrolment,
            on=spec.exit.on,
            outcome=spec.exit.outcome,
            by=by,
            comment=spec.exit.comment,
            reoriented_to=spec.exit.reoriented_to,
        )
    return enrolment


def new_people(world, n):
    return create_people(
        [
            Person(organisation=world.org_a, first_name=name, birth_name=f"Import{n}", date_of_birth=born)
            for name, born in (
                ("Anaïs", TODAY - 9000 * DAY),
                ("Jules", TODAY - 12000 * DAY),
                ("Inès", TODAY - 8000 * DAY),
            )
        ],
        by=None,
    )


def last_pk() -> int:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def row_values(instance, *skipped) -> dict:
    """A row's values but its id, its timestamps and the links to the rows compared apart."""
    ignored = {"id", "created_at", "recorded_at", *skipped}
    return {
        field.attname: getattr(instance, field.attname)
        for field in type(instance)._meta.concrete_fields
        if field.attname not in ignored
    }


def rows_of(enrolment) -> dict:
    enrolment = Enrolment.objects.get(pk=enrolment.pk)
    return {
        "enrolment": row_values(enrolment, "person_id"),
        "situation": row_values(EntrySituation.objects.get(enrolment=enrolment), "enrolment_id"),
        "phases": [
            row_values(change, "enrolment_id")
            for change in enrolment.phase_changes.order_by("changed_on", "pk")
        ],
        "suspensions": [row_values(s, "enrolment_id") for s in enrolment.suspensions.order_by("start_date")],
    }


def links_of(person) -> list:
    return list(
        PersonContact.objects.filter(person=person).values_list("organisation_id", "contact_id", "relation")
    )


TIMESTAMPS = {"recorded_at", "created_at"}


def folded(entries, ids) -> dict:
    """Per record (named by `ids`: id → name), what the trail says it became: the creation's values
    with every later change applied, as one creation would record them."""
    records = {}
    for entry in entries:
        name = ids.get((entry.object_type, entry.object_id))
        assert name is not None, f"an entry about a record the test does not know: {entry.object_type}"
        values = json.loads(entry.changes)["values"] if entry.changes else {}
        state = records.setdefault(
            name, {"values": {}, "person": ids[("people.person", entry.person_id)], "actors": set()}
        )
        assert entry.kind in (Kind.CREATE, Kind.UPDATE)
        assert (entry.kind == Kind.CREATE) == (not state["values"])  # created first, once
        for field, (_old, new) in values.items():
            # A timestamp is recorded, at its own instant each way.
            state["values"][field] = "timestamp" if field in TIMESTAMPS and new else new
        state["actors"].add((entry.actor_id, entry.actor_label, entry.address))
    for state in records.values():
        state["values"] = {
            field: ids.get(("ref", field, value), value)
            for field, value in state["values"].items()
            if value not in (None, "", [], {})
        }
    return records


def names(people, enrolments) -> dict:
    """Each record of one way named by what it is, the same for the other way."""
    ids = {}
    for n, (person, enrolment) in enumerate(zip(people, enrolments, strict=True)):
        ids[("people.person", person.pk)] = f"person {n}"
        ids[("ref", "person", person.pk)] = f"person {n}"
        ids[("pathways.enrolment", enrolment.pk)] = f"pathway {n}"
        ids[("ref", "enrolment", enrolment.pk)] = f"pathway {n}"
        situation = EntrySituation.objects.get(enrolment=enrolment)
        ids[("pathways.entrysituation", situation.pk)] = f"situation {n}"
        for change in enrolment.phase_changes.all():
            ids[("pathways.phasechange", change.pk)] = f"phase {n} {change.phase}"
        for suspension in enrolment.suspensions.all():
            ids[("pathways.suspension", suspension.pk)] = f"suspension {n} {suspension.start_date}"
        for link in PersonContact.objects.filter(person=person):
            ids[("people.personcontact", link.pk)] = f"link {n} {link.contact_id}"
    return ids


def test_pathways_opened_in_bulk_are_those_opened_step_by_step_with_the_same_entries(world):
    head = world.users["head_of_service"]
    single_people, bulk_people = new_people(world, 1), new_people(world, 2)

    mark = last_pk()
    with acting_user(head):
        single = [one_by_one(spec, head) for spec in pathways(world, single_people)]
    single_entries = list(AuditEntry.objects.filter(pk__gt=mark).order_by("pk"))
    mark = last_pk()
    with acting_user(head):
        bulk = open_imported_pathways(pathways(world, bulk_people), by=head)
    bulk_entries = list(AuditEntry.objects.filter(pk__gt=mark).order_by("pk"))

    # The same rows, the same values.
    for one, other in zip(single, bulk, strict=True):
        assert rows_of(other) == rows_of(one)
    for one, other in zip(single_people, bulk_people, strict=True):
        assert links_of(other) == links_of(one)
    first = Enrolment.objects.get(pk=bulk[0].pk)
    assert (first.phase, first.version, first.reoriented_to) == (Phase.EXIT, 5, "ESAT des Collines")
    assert [s.end_date for s in first.suspensions.order_by("start_date")] == [
        TODAY - 120 * DAY,
        TODAY - 30 * DAY,
    ]
    second = Enrolment.objects.get(pk=bulk[1].pk)
    assert (second.intake_date, second.phase, second.version) == (TODAY - 35 * DAY, Phase.INTAKE, 3)

    # The same entries, once the single functions' steps are folded into their creations.
    single_said = folded(single_entries, names(single_people, single))
    bulk_said = folded(bulk_entries, names(bulk_people, bulk))
    assert bulk_said == single_said
    assert {entry.kind for entry in bulk_entries} == {Kind.CREATE}
    assert len(bulk_entries) == len(bulk_said) < len(single_entries)
    assert bulk_said["pathway 0"]["actors"] == {(head.pk, "", None)}
    assert (
        bulk_said["pathway 0"]["values"]["referral_reason"]
        == "Orientée par le CMP après une hospitalisation."
    )
    assert bulk_said["situation 0"]["values"]["mdph_file"] == "26-123456"
    assert chain.verify_all().problems == []


def refused(world, **changes):
    person = PersonFactory(organisation=world.org_a)
    spec = ImportedPathway(
        person=person, service=world.a1, referral_date=TODAY - 100 * DAY, entry=SMALL_ENTRY
    )
    for name, value in changes.items():
        setattr(spec, name, value(person) if callable(value) else value)
    before = (Enrolment.objects.count(), AuditEntry.objects.count())
    with pytest.raises(PathwayRefused) as failure:
        open_imported_pathways([spec], by=None)
    assert failure.value.spec is spec
    assert (Enrolment.objects.count(), AuditEntry.objects.count()) == before
    return failure.value.messages


def single_refusal(action) -> list[str]:
    with pytest.raises(ValidationError) as failure:
        action()
    return failure.value.messages


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"referral_date": TODAY + DAY}, id="referral in the future"),
        pytest.param({"intake_date": TODAY - 101 * DAY}, id="intake before referral"),
        pytest.param({"phase": Phase.PROFILE, "since": TODAY - 101 * DAY}, id="phase before the referral"),
        pytest.param({"phase": Phase.PROFILE, "since": TODAY + DAY}, id="phase in the future"),
        pytest.param(
            {
                "suspensions": [
                    ImportedSuspension(TODAY - 50 * DAY, None, "other"),
                    ImportedSuspension(TODAY - 40 * DAY, TODAY - 30 * DAY, "other"),
                ]
            },
            id="overlapping suspensions",
        ),
        pytest.param(
            {"suspensions": [ImportedSuspension(TODAY - 50 * DAY, TODAY - 60 * DAY, "other")]},
            id="suspension ending before it starts",
        ),
        pytest.param(
            {"exit": ImportedExit(TODAY - 10 * DAY, ExitOutcome.REORIENTATION_EA)},
            id="reorientation without its service",
        ),
        pytest.param(
            {
                "phase": Phase.PLAN,
                "since": TODAY - 10 * DAY,
                "exit": ImportedExit(TODAY - 20 * DAY, ExitOutcome.MOVED),
            },
            id="exit before the latest phase",
        ),
        pytest.param(
            {
                "suspensions": [ImportedSuspension(TODAY - 10 * DAY, None, "other")],
                "exit": ImportedExit(TODAY - 20 * DAY, ExitOutcome.MOVED),
            },
            id="exit before the latest suspension",
        ),
    ],
)
def test_a_pathway_refused_in_bulk_has_the_single_functions_message_and_nothing_is_written(world, changes):
    spec_messages = refused(world, **changes)

    person = PersonFactory(organisation=world.org_a)
    base = {"person": person, "service": world.a1, "referral_date": TODAY - 100 * DAY, "entry": SMALL_ENTRY}
    spec = ImportedPathway(**(base | changes))
    assert single_refusal(lambda: one_by_one(spec, None)) == spec_messages


def test_a_coach_who_is_not_a_coach_of_the_service_is_refused_like_enrol(world):
    messages = refused(world, primary_coach=world.users["other_service_coach"])
    assert messages == ["Choisissez un job coach de ce service."]


def test_an_anonymised_person_and_a_second_current_pathway_are_refused(world):
    from django.utils import timezone

    def anonymised(person):
        Person.objects.filter(pk=person.pk).update(anonymised_at=timezone.now())
        person.refresh_from_db()
        return person

    assert refused(world, person=anonymised) == [str(domain.ANONYMISED_RECORD)]
    assert refused(world, person=world.person) == [
        "Cette personne a déjà un parcours en cours dans ce service."
    ]


def test_two_pathways_of_one_person_in_one_service_need_the_first_to_have_ended(world):
    person = PersonFactory(organisation=world.org_a)
    first = ImportedPathway(
        person=person,
        service=world.a1,
        referral_date=TODAY - 300 * DAY,
        entry=SMALL_ENTRY,
        exit=ImportedExit(TODAY - 200 * DAY, ExitOutcome.NO_CONTACT),
    )
    again = ImportedPathway(
        person=person, service=world.a1, referral_date=TODAY - 100 * DAY, entry=SMALL_ENTRY
    )
    opened = open_imported_pathways([first, again], by=None)
    assert [e.is_current for e in opened] == [False, True]
    third = ImportedPathway(
        person=person, service=world.a1, referral_date=TODAY - 50 * DAY, entry=SMALL_ENTRY
    )
    with pytest.raises(PathwayRefused) as failure:
        open_imported_pathways([third], by=None)
    assert failure.value.spec is third
    # Two current pathways of one new person: the second is refused, and nothing is written.
    newcomer = PersonFactory(organisation=world.org_a)
    twice = [
        ImportedPathway(
            person=newcomer, service=world.a1, referral_date=TODAY - days * DAY, entry=SMALL_ENTRY
        )
        for days in (50, 5)
    ]
    with pytest.raises(PathwayRefused) as failure:
        open_imported_pathways(twice, by=None)
    assert failure.value.spec is twice[1]
    assert not Enrolment.objects.filter(person=newcomer).exists()


def test_an_exit_into_employment_is_not_the_twins_to_record(world):
    with pytest.raises(ValueError, match="record_exit"):
        open_imported_pathways(
            [
                ImportedPathway(
                    person=PersonFactory(organisation=world.org_a),
                    service=world.a1,
                    referral_date=TODAY - 100 * DAY,
                    entry=SMALL_ENTRY,
                    exit=ImportedExit(TODAY - 10 * DAY, ExitOutcome.DURABLE_EMPLOYMENT),
                )
            ],
            by=None,
        )


def test_the_people_are_saved_before_their_pathways(world):
    unsaved = Person(
        organisation=world.org_a, first_name="Lou", birth_name="Sanscle", date_of_birth=TODAY - 9000 * DAY
    )
    spec = ImportedPathway(person=unsaved, service=world.a1, referral_date=TODAY - 9 * DAY, entry=SMALL_ENTRY)
    with pytest.raises(ValueError, match="create_people"):
        open_imported_pathways([spec], by=None)


def test_a_referrer_already_linked_is_not_linked_again(world):
    contact = ContactFactory(organisation=world.org_a)
    person = PersonFactory(organisation=world.org_a)
    PersonContact.objects.create(
        organisation=world.org_a, person=person, contact=contact, relation=ContactKind.REFERRING_PARTNER
    )
    other = PersonFactory(organisation=world.org_a)
    specs = [
        ImportedPathway(
            person=person,
            service=world.a1,
            referral_date=TODAY - 9 * DAY,
            entry=SMALL_ENTRY,
            referred_by=contact,
        ),
        ImportedPathway(
            person=other,
            service=world.a1,
            referral_date=TODAY - 9 * DAY,
            entry=SMALL_ENTRY,
            referred_by=contact,
        ),
        ImportedPathway(
            person=other,
            service=world.a2,
            referral_date=TODAY - 9 * DAY,
            entry=SMALL_ENTRY,
            referred_by=contact,
        ),
    ]
    open_imported_pathways(specs, by=None)
    assert PersonContact.objects.filter(person=person, contact=contact).count() == 1
    assert PersonContact.objects.filter(person=other, contact=contact).count() == 1


def test_many_pathways_cost_a_few_queries_per_batch(world, monkeypatch, django_assert_max_num_queries):
    from filrouge.people import domain as people_domain

    monkeypatch.setattr(people_domain, "BATCH_SIZE", 50)
    people = [PersonFactory(organisation=world.org_a) for _ in range(120)]
    specs = [
        ImportedPathway(
            person=person,
            service=world.a1,
            referral_date=TODAY - 100 * DAY,
            intake_date=TODAY - 90 * DAY,
            primary_coach=world.users["coach"],
            entry=SMALL_ENTRY,
            referred_by=world.contact,
            phase=Phase.PROFILE,
            since=TODAY - 80 * DAY,
            suspensions=[ImportedSuspension(TODAY - 70 * DAY, TODAY - 60 * DAY, "other")],
            exit=ImportedExit(TODAY - 50 * DAY, ExitOutcome.WITHDREW) if n % 4 == 0 else None,
        )
        for n, person in enumerate(people)
    ]
    # The coaches; per 50 people, their current pathways and referrers' links (six); per batch of
    # 50 pathways five writes (ten on PostgreSQL: the ids drawn, then COPY), then the audit's
    # entries in batches of 500 (3 queries each); savepoints.
    with django_assert_max_num_queries(50):
        opened = open_imported_pathways(specs, by=None)
    assert Enrolment.objects.filter(pk__in=[e.pk for e in opened]).count() == 120
    assert PhaseChange.objects.filter(enrolment__in=opened).count() == 120 * 3 + 30
    assert Suspension.objects.filter(enrolment__in=opened).count() == 120
    assert chain.verify_all().problems == []
