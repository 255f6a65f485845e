"""The people import end to end (read, map, plan, write), without the pages."""

import io
from datetime import date

import pytest
from django.db import transaction

from filrouge.audit.models import AuditEntry, Kind
from filrouge.imports.context import RunContext
from filrouge.imports.kinds.people import PeopleImport
from filrouge.imports.models import ImportedKey, KeyKind, RunStatus
from filrouge.organisations.models import ProgrammeType, Role
from filrouge.pathways import domain, exits
from filrouge.pathways.models import (
    Enrolment,
    EntrySituation,
    ExitOutcome,
    LeadCoachChange,
    Phase,
    PhaseChange,
    Renewal,
    Suspension,
)
from filrouge.people.models import Contact, ContactKind, Person, PersonContact
from tests.accounts.factories import staff
from tests.imports.people import (
    COLUMNS,
    day,
    days_ago,
    import_people,
    messages,
    outcomes,
    people_csv,
    person,
)
from tests.organisations.factories import ServiceFactory
from tests.pathways.factories import enrol
from tests.people.factories import PersonFactory
from tests.placements.factories import PlacementFactory

pytestmark = pytest.mark.django_db
BORN = date(1990, 3, 15)  # the birth date of `person()`


@pytest.fixture
def head(world):
    return world.users["head_of_service"]


def written(org) -> dict[str, int]:
    """What an import may write, counted."""
    return {
        "people": Person.objects.filter(organisation=org).count(),
        "pathways": Enrolment.objects.filter(organisation=org).count(),
        "entries": EntrySituation.objects.filter(organisation=org).count(),
        "phases": PhaseChange.objects.filter(organisation=org).count(),
        "suspensions": Suspension.objects.filter(organisation=org).count(),
        "contacts": Contact.objects.filter(organisation=org).count(),
        "links": PersonContact.objects.filter(organisation=org).count(),
        "keys": ImportedKey.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


# --- Creating -----------------------------------------------------------------------------------


def test_a_person_is_created_with_their_pathway_situation_phase_referent_and_keys(world, head):
    row = person(
        external_id="P-1",
        pathway_external_id="PA-1",
        phone="06 39 98 12 34",
        lead_coach="COACH@a.example",
        phase="Recherche d'emploi",
        phase_since=day(30),
        receives_rsa="oui",
        rqth_status="Obtenue",
        rqth_granted_on=day(400),
        referent_partner_name="France Travail Valence",
        referent_full_name="Alex Durand",
        referent_email="alex.durand@example.org",
    )
    run, report = import_people(people_csv(row), service=world.a1, user=head)

    assert not report.refused, report.results[0].messages
    assert outcomes(report) == [(2, "created")]
    assert run.status == RunStatus.APPLIED
    created = Person.objects.get(birth_name="Lefèvre")
    assert (created.organisation, created.first_name, created.phone, created.created_by) == (
        world.org_a,
        "Camille",
        "+33639981234",
        head,
    )
    pathway = created.enrolments.get()
    assert (pathway.service, pathway.referral_date, pathway.intake_date, pathway.primary_coach) == (
        world.a1,
        days_ago(100),
        days_ago(90),
        world.users["coach"],
    )
    assert pathway.phase == Phase.JOB_SEARCH
    assert list(pathway.phase_changes.order_by("changed_on").values_list("phase", "changed_on")) == [
        (Phase.REFERRAL, days_ago(100)),
        (Phase.INTAKE, days_ago(90)),
        (Phase.JOB_SEARCH, days_ago(30)),
    ]
    entry = pathway.entry_situation
    assert (entry.receives_rsa, entry.rqth_status, entry.rqth_granted_on) == (True, "granted", days_ago(400))
    referrer = pathway.referred_by
    assert (referrer.full_name, referrer.partner_name, referrer.kind) == (
        "Alex Durand",
        "France Travail Valence",
        ContactKind.REFERRING_PARTNER,
    )
    assert PersonContact.objects.filter(
        person=created, contact=referrer, relation="referring_partner"
    ).exists()
    keys = ImportedKey.objects.order_by("kind")
    assert [(k.service, k.kind, k.external_id, k.person_id, k.enrolment_id, k.run_id) for k in keys] == [
        (world.a1, KeyKind.PATHWAY, "PA-1", None, pathway.pk, run.pk),
        (world.a1, KeyKind.PERSON, "P-1", created.pk, None, run.pk),
    ]


def test_every_form_refusal_is_said_beside_its_column_with_the_forms_words(world, head):
    TEN_YEARS_AGO = days_ago(0).replace(year=days_ago(0).year - 10, day=1)
    content = people_csv(
        person(date_of_birth="31/02/1990"),
        person(birth_name="Moreau", date_of_birth=TEN_YEARS_AGO.strftime("%d/%m/%Y")),
        person(
            birth_name="Garnier",
            employment_status="En emploi, mais risque de le perdre",
            out_of_work_since=day(50),
        ),
        person(birth_name="Roux", rqth_status="Aucune", rqth_granted_on=day(50)),
        person(birth_name="Faure", email="pas-une-adresse"),
    )
    before = written(world.org_a)

    run, report = import_people(content, service=world.a1, user=head)

    assert run.status == RunStatus.REFUSED
    assert [outcome for _row, outcome in outcomes(report)] == ["refused"] * 5
    assert messages(report, 2) == [
        ("Date de naissance", "Le 31/02/1990 n'existe pas : février 1990 n'a que 28 jours.")
    ]
    assert messages(report, 3) == [
        ("Date de naissance", "Cette date de naissance donnerait 10 ans : vérifiez-la (entre 15 et 100 ans).")
    ]
    assert messages(report, 4) == [("Sans emploi depuis", "Seulement pour une personne sans emploi.")]
    assert messages(report, 5) == [
        ("RQTH", "Une date de RQTH est indiquée : choisissez « Demandée » ou « Obtenue ».")
    ]
    assert messages(report, 6)[0][0] == "Adresse e-mail"
    assert written(world.org_a) == before | {"audit": before["audit"]}  # nothing, not even a summary


def test_a_phase_dated_before_the_intake_is_refused(world, head):
    row = person(phase="Profil professionnel", phase_since=day(95))

    _run, report = import_people(people_csv(row), service=world.a1, user=head)

    assert messages(report, 2) == [
        ("Depuis le", f"Ce changement d'étape ne peut pas précéder le précédent ({days_ago(90):%d/%m/%Y}).")
    ]


def test_a_lead_coach_unknown_of_another_organisation_or_not_a_coach_gets_one_message(world, head):
    content = people_csv(
        person(birth_name="Un", lead_coach="personne@a.example"),
        person(birth_name="Deux", lead_coach="coach.bulk@b.example"),  # a coach of organisation B
        person(birth_name="Trois", lead_coach="psychologist@a.example"),  # in A1, not a coach
        person(birth_name="Quatre", lead_coach="coach@a2.example"),  # a coach of another service
    )

    _run, report = import_people(content, service=world.a1, user=head)

    for number, email in ((2, "personne@a.example"), (3, "coach.bulk@b.example"), (4, "psychologist@a.example"),
                          (5, "coach@a2.example")):  # fmt: skip
        assert messages(report, number) == [
            ("Job coach référent·e", f"Aucun·e job coach de ce service n'a l'adresse « {email} ».")
        ]


def test_a_later_planned_end_is_a_renewal_and_an_earlier_one_or_an_unlimited_programme_refused(world):
    rsa = ServiceFactory(organisation=world.org_a, programme_type=ProgrammeType.MINIMUM_INCOME)
    head = staff(Role.HEAD_OF_SERVICE, rsa)
    computed = domain.planned_end(ProgrammeType.MINIMUM_INCOME, days_ago(90))
    later = computed.replace(day=1).replace(
        month=computed.month % 12 + 1, year=computed.year + computed.month // 12
    )

    _run, report = import_people(
        people_csv(person(planned_end_date=later.strftime("%d/%m/%Y"))), service=rsa, user=head
    )

    assert outcomes(report) == [(2, "created")]
    pathway = Enrolment.objects.get(service=rsa)
    renewal = Renewal.objects.get(enrolment=pathway)
    assert (
        pathway.planned_end_date,
        renewal.previous_end_date,
        renewal.new_end_date,
        renewal.decided_by,
    ) == (
        later,
        computed,
        later,
        head,
    )
    earlier = people_csv(person(birth_name="Autre", planned_end_date=day(10)))
    _run, report = import_people(earlier, service=rsa, user=head)
    assert messages(report, 2) == [
        ("Fin prévue", f"La nouvelle fin prévue doit suivre la fin actuelle ({computed:%d/%m/%Y}).")
    ]
    _run, report = import_people(
        people_csv(person(birth_name="Autre", planned_end_date=day(10))),
        service=world.a1,
        user=world.users["head_of_service"],
    )
    assert messages(report, 2) == [
        ("Fin prévue", "Ce programme n'a pas de durée limitée : rien à renouveler.")
    ]


def test_an_exit_is_recorded_and_a_reorientation_needs_its_target(world, head):
    content = people_csv(
        person(phase="Sortie", exit_date=day(10), exit_outcome="Déménagement", exit_comment="Part à Lyon"),
        person(birth_name="Moreau", exit_date=day(10), exit_outcome="Réorientation vers un ESAT"),
    )

    _run, report = import_people(content, service=world.a1, user=head)
    assert outcomes(report) == [(2, "created"), (3, "refused")]
    assert messages(report, 3) == [
        (
            None,  # the file has no such column
            "Indiquez la structure vers laquelle la personne est réorientée (ESAT, entreprise adaptée, autre service).",
        )
    ]

    _run, report = import_people(content[: content.rindex(b"\r\n", 0, -2) + 2], service=world.a1, user=head)
    assert outcomes(report) == [(2, "created")]
    pathway = Enrolment.objects.get(person__birth_name="Lefèvre")
    assert (pathway.exit_date, pathway.exit_outcome, pathway.exit_comment, pathway.phase) == (
        days_ago(10),
        ExitOutcome.MOVED,
        "Part à Lyon",
        Phase.EXIT,
    )


def test_suspensions_are_recorded_and_an_overlap_refused(world, head):
    content = people_csv(
        person(suspensions=f"{day(80)}-{day(70)} Hospitalisation; {day(20)}- "),
        person(birth_name="Moreau", suspensions=f"{day(80)}-{day(60)}; {day(70)}-{day(50)} Santé"),
    )

    _run, report = import_people(content, service=world.a1, user=head)

    assert outcomes(report) == [(2, "created"), (3, "refused")]
    assert messages(report, 3) == [
        ("Suspensions", "Cette suspension chevauche une autre suspension du parcours.")
    ]
    _run, report = import_people(people_csv(person(suspensions=f"{day(80)}-{day(70)} Hospitalisation; {day(20)}-")),
                                 service=world.a1, user=head)  # fmt: skip
    suspensions = Suspension.objects.filter(enrolment__person__birth_name="Lefèvre").order_by("start_date")
    assert [(s.start_date, s.end_date, s.reason) for s in suspensions] == [
        (days_ago(80), days_ago(70), "hospitalisation"),
        (days_ago(20), None, "other"),
    ]


# --- The duplicate guard ------------------------------------------------------------------------


def exited(service, **person_fields):
    """Someone whose pathway in `service` ended 200 days ago."""
    enrolment = enrol(
        service, person=PersonFactory(organisation=service.organisation, **person_fields), days_ago=400
    )
    domain.record_exit(enrolment, on=days_ago(200), outcome=ExitOutcome.MOVED, by=None)
    return enrolment.person


def test_an_exact_match_the_importer_may_edit_is_the_same_person_with_a_new_pathway(world, head):
    known = exited(
        world.a1, first_name="Camille", birth_name="Lefèvre", usual_name="Martin", date_of_birth=BORN
    )
    row = person(birth_name="LEFEVRE", first_name="camille", phone="06 39 98 12 34")

    _run, report = import_people(people_csv(row), service=world.a1, user=head)

    assert outcomes(report) == [(2, "created")]
    assert Person.objects.filter(organisation=world.org_a, birth_name__iexact="Lefèvre").count() == 1
    known.refresh_from_db()
    assert (known.birth_name, known.first_name, known.phone) == ("Lefèvre", "Camille", "+33639981234")
    assert known.enrolments.count() == 2


def test_an_exact_match_followed_elsewhere_is_refused_without_their_data(world, head):
    enrol(world.a2, person=PersonFactory(organisation=world.org_a, first_name="Camille", birth_name="Lefèvre",
                                         date_of_birth=BORN))  # fmt: skip
    before = written(world.org_a)

    _run, report = import_people(people_csv(person()), service=world.a1, user=head)

    [(column, message)] = messages(report, 2)
    assert column is None and message.startswith("Une personne de l'organisation a déjà ces nom, prénom")
    assert "A2" not in message and "Homonyme confirmé" in message
    assert written(world.org_a) == before


def test_near_matches_are_refused_with_the_visible_candidates_unless_a_homonym_is_confirmed(world, head):
    exited(world.a1, first_name="Camille", birth_name="Lefevre", date_of_birth=BORN)
    content = people_csv(
        person(birth_name="Lefèbre"),  # one letter off
        person(birth_name="Lefèvre", date_of_birth="13/05/1990"),  # two digits swapped
        person(birth_name="Lefèvre", first_name="Camile"),
    )

    _run, report = import_people(content, service=world.a1, user=head)

    assert outcomes(report)[0] == (2, "refused")
    [(column, message)] = messages(report, 2)
    assert message.startswith(
        "Une personne très proche est déjà enregistrée : Camille Lefevre, né·e le 15/03/1990"
    )
    assert outcomes(report)[1:] == [(3, "refused"), (4, "refused")]

    _run, report = import_people(people_csv(person(birth_name="Lefèbre", homonym_confirmed="oui")), service=world.a1,
                                 user=head)  # fmt: skip
    assert outcomes(report) == [(2, "created")]


def test_swapped_digits_of_the_birth_date_are_a_near_match(world, head):
    exited(world.a1, first_name="Camille", birth_name="Lefèvre", date_of_birth=BORN)

    _run, report = import_people(people_csv(person(date_of_birth="13/05/1990")), service=world.a1, user=head)

    assert messages(report, 2)[0][1].startswith("Une personne très proche est déjà enregistrée")


def test_two_rows_of_one_file_with_one_identity_are_one_person(world, head):
    content = people_csv(
        person(referral_date=day(400), intake_date=day(390), exit_date=day(300), exit_outcome="Abandon"),
        person(first_name="CAMILLE"),
        person(first_name="Camile"),  # near the first two, new in this file
    )

    _run, report = import_people(content, service=world.a1, user=head)

    assert outcomes(report)[:2] == [(2, "created"), (3, "created")]
    assert messages(report, 4) == [
        (None, "Une personne très proche est déjà enregistrée : la personne de la ligne 2. S'il s'agit d'une "
               "autre personne, indiquez « oui » dans la colonne « Homonyme confirmé ».")
    ]  # fmt: skip
    _run, report = import_people(content[: content.rindex(b"\r\n", 0, -2) + 2], service=world.a1, user=head)
    assert not report.refused
    assert Person.objects.get(birth_name="Lefèvre").enrolments.count() == 2

    _run, report = import_people(people_csv(person(birth_name="Roux"), person(birth_name="Roux")), service=world.a1,
                                 user=head)  # fmt: skip
    assert messages(report, 3) == [
        ("Date d'orientation", "Ligne en double de la ligne 2 (le même parcours).")
    ]


def test_a_second_current_pathway_in_the_service_is_refused(world, head):
    row = person(
        first_name=world.person.first_name,
        birth_name=world.person.birth_name,
        date_of_birth=world.person.date_of_birth.strftime("%d/%m/%Y"),
        referral_date=day(5),
        intake_date="",
    )

    _run, report = import_people(people_csv(row), service=world.a1, user=head)

    assert messages(report, 2) == [
        ("Date d'orientation", "Cette personne a déjà un parcours en cours dans ce service.")
    ]


# --- Keys and re-import -------------------------------------------------------------------------


FULL = person(
    external_id="P-1",
    pathway_external_id="PA-1",
    phone="06 39 98 12 34",
    lead_coach="coach@a.example",
    phase="En emploi (suivi)",
    phase_since=day(30),
    suspensions=f"{day(80)}-{day(70)} Hospitalisation",
    referent_partner_name="CMP Romans",
    referent_full_name="Dr Lou Petit",
    referent_kind="Référent·e médical·e",
)


def test_the_same_file_twice_changes_nothing_and_writes_only_the_summary(world, head):
    content = people_csv(
        FULL, person(birth_name="Roux", exit_date=day(10), exit_outcome="Formation", phase="Sortie")
    )
    import_people(content, service=world.a1, user=head)
    before = written(world.org_a)

    run, report = import_people(content, service=world.a1, user=head)

    assert outcomes(report) == [(2, "unchanged"), (3, "unchanged")]
    assert run.status == RunStatus.APPLIED
    assert written(world.org_a) == before | {"audit": before["audit"] + 1}
    assert AuditEntry.objects.order_by("-pk").first().object_type == "imports.importrun"


def test_a_changed_phone_is_an_update_with_its_audit_entry_and_a_blank_cell_clears_nothing(world, head):
    import_people(people_csv(FULL | {"email": "camille@example.org"}), service=world.a1, user=head)
    last = AuditEntry.objects.order_by("-pk").first().pk

    _run, report = import_people(
        people_csv(FULL | {"phone": "07 11 22 33 44", "lead_coach": "", "email": ""}),
        service=world.a1,
        user=head,
    )

    assert outcomes(report) == [(2, "updated")]
    assert report.results[0].fields == ["phone"]
    camille = Person.objects.get(birth_name="Lefèvre")
    assert (camille.phone, camille.email) == ("+33711223344", "camille@example.org")
    assert camille.enrolments.get().primary_coach == world.users["coach"]
    changed = AuditEntry.objects.filter(pk__gt=last, kind=Kind.UPDATE, object_type="people.person").get()
    assert changed.fields == ["phone"] and changed.actor == head


def test_a_pathway_moves_on_through_the_domain_and_never_back(world, head):
    import_people(people_csv(FULL | {"phase": "Recherche d'emploi"}), service=world.a1, user=head)
    other_coach = staff(Role.COACH, world.a1, email="coach2@a.example")

    _run, report = import_people(
        people_csv(
            FULL | {"lead_coach": "coach2@a.example", "exit_date": day(5), "exit_outcome": "Formation"}
        ),
        service=world.a1,
        user=head,
    )

    assert outcomes(report) == [(2, "updated")]
    assert report.results[0].fields == ["primary_coach", "phase", "exit"]
    pathway = Enrolment.objects.get(person__birth_name="Lefèvre")
    assert (pathway.primary_coach, pathway.exit_outcome, pathway.phase) == (
        other_coach,
        "training",
        Phase.EXIT,
    )
    assert LeadCoachChange.objects.filter(enrolment=pathway, coach=other_coach).exists()

    _run, report = import_people(people_csv(FULL | {"exit_date": day(4), "exit_outcome": "Formation"}),
                                 service=world.a1, user=head)  # fmt: skip
    assert messages(report, 2)[0][1].startswith("La sortie enregistrée (")


def test_a_phase_earlier_than_the_stored_one_is_refused(world, head):
    import_people(people_csv(FULL), service=world.a1, user=head)

    _run, report = import_people(
        people_csv(FULL | {"phase": "Profil professionnel"}), service=world.a1, user=head
    )

    assert messages(report, 2) == [
        (
            "Étape",
            "L'historique des étapes ne se réécrit pas par un import : changez l'étape dans le dossier.",
        )
    ]


def test_the_keys_find_the_person_again_after_a_change_of_name(world, head):
    import_people(people_csv(FULL), service=world.a1, user=head)

    _run, report = import_people(people_csv(FULL | {"usual_name": "Martin", "first_name": "Camille-Anne"}),
                                 service=world.a1, user=head)  # fmt: skip

    assert outcomes(report) == [(2, "updated")]
    assert sorted(report.results[0].fields) == ["first_name", "usual_name"]
    assert Person.objects.get(birth_name="Lefèvre").full_name == "Camille-Anne Martin"


def test_an_id_naming_someone_else_than_the_names_is_refused(world, head):
    import_people(people_csv(FULL, person(birth_name="Roux", external_id="P-2")), service=world.a1, user=head)

    _run, report = import_people(people_csv(FULL | {"birth_name": "Roux"}), service=world.a1, user=head)

    assert messages(report, 2) == [
        (None, "L'identifiant « P-1 » désigne une autre personne que les nom, prénom et date de naissance de cette "
               "ligne.")
    ]  # fmt: skip


def test_keys_of_two_services_with_the_same_id_do_not_collide(world, head):
    import_people(people_csv(FULL), service=world.a1, user=head)
    head_a2 = staff(Role.HEAD_OF_SERVICE, world.a2)

    _run, report = import_people(people_csv(person(birth_name="Roux", external_id="P-1", pathway_external_id="PA-1")),
                                 service=world.a2, user=head_a2)  # fmt: skip

    assert outcomes(report) == [(2, "created")]
    keys = ImportedKey.objects.filter(external_id="P-1", kind=KeyKind.PERSON)
    assert sorted((k.service.name, k.person.birth_name) for k in keys) == [("A1", "Lefèvre"), ("A2", "Roux")]


# --- All or nothing -----------------------------------------------------------------------------


def test_one_bad_row_writes_nothing(world, head):
    rows = [person(birth_name=f"Nom{chr(65 + n) * 3}", first_name="Dominique") for n in range(30)]
    rows[17] = rows[17] | {"referral_date": "32/01/2026"}
    before = written(world.org_a)

    run, report = import_people(people_csv(*rows), service=world.a1, user=head)

    assert run.status == RunStatus.REFUSED
    assert [r.number for r in report.results if r.refused] == [19]
    assert written(world.org_a) == before


# --- Exits into employment ----------------------------------------------------------------------


def matching_world_pathway(world, **values):
    return person(
        first_name=world.person.first_name,
        birth_name=world.person.birth_name,
        date_of_birth=world.person.date_of_birth.strftime("%d/%m/%Y"),
        referral_date=world.enrolment.referral_date.strftime("%d/%m/%Y"),
        intake_date=world.enrolment.intake_date.strftime("%d/%m/%Y"),
        **values,
    )


def test_an_exit_into_employment_needs_its_job(world, head):
    row = matching_world_pathway(world, exit_date=day(1), exit_outcome="Emploi durable")
    before = written(world.org_a)

    for dry_run in (True, False):
        run, report = import_people(people_csv(row), service=world.a1, user=head, dry_run=dry_run)
        assert run.status == RunStatus.REFUSED
        expected = exits.refusal(ExitOutcome.DURABLE_EMPLOYMENT, days_ago(1), frozenset())
        assert messages(report, 2)[-1] == ("Motif de sortie", expected)
    assert written(world.org_a) == before

    PlacementFactory(enrolment=world.enrolment)  # a CDI since 60 days
    run, report = import_people(people_csv(row), service=world.a1, user=head)
    assert outcomes(report) == [(2, "updated")]
    world.enrolment.refresh_from_db()
    assert (world.enrolment.exit_date, world.enrolment.exit_outcome) == (days_ago(1), "durable_employment")
    assert not exits.incoherent_exits().exists()


def test_the_exit_into_employment_waits_for_the_jobs_the_run_writes(world, head):
    """Driven as the runner does: plan, write, release, (the jobs), check_planned, finish."""
    headers = {key: COLUMNS[key] for key in COLUMNS}
    from filrouge.imports import columns as import_columns
    from filrouge.imports.rows import InputRow, Outcome

    row = person(exit_date=day(1), exit_outcome="Emploi durable")
    parsed = import_columns.parse_row(dict(enumerate(row)), list(row.values()), import_columns.PEOPLE)
    context = RunContext(service=world.a1, user=head)
    importer = PeopleImport(service=world.a1, user=head, headers=headers, context=context)
    results, plans = importer.plan([InputRow(2, parsed.values, parsed.errors)])
    planned = context.pathways_by_identity[("camille", "lefevre", BORN)]
    assert [p.enrolment for p in planned] == [plans[0].enrolment] and planned[
        0
    ].exit_outcome == "durable_employment"

    with transaction.atomic():
        importer.write(plans, run=None)
        importer.release(plans)
        assert plans[0].enrolment.pk is not None and plans[0].enrolment.exit_date is None
        importer.check_planned(context)  # no job yet: refused
        assert results[0].refused
        results[0].outcome, results[0].messages = Outcome.CREATED, []
        job = PlacementFactory.build(
            enrolment=plans[0].enrolment, organisation=world.org_a, started_on=days_ago(30)
        )
        job.company.save()
        context.planned_jobs.append(job)
        importer.check_planned(context)
        assert not results[0].refused
        job.save()
        importer.finish(run=None)
    pathway = Enrolment.objects.get(pk=plans[0].enrolment.pk)
    assert (pathway.exit_date, pathway.exit_outcome) == (days_ago(1), "durable_employment")


# --- Tenant isolation ---------------------------------------------------------------------------


def test_a_person_of_another_organisation_is_never_matched(world, head):
    other = PersonFactory(organisation=world.org_b, first_name="Camille", birth_name="Lefèvre",
                          date_of_birth=BORN, phone="+33600000000")  # fmt: skip
    enrol(world.b1, person=other)

    _run, report = import_people(people_csv(person(phone="06 39 98 12 34")), service=world.a1, user=head)

    assert outcomes(report) == [(2, "created")]
    assert Person.objects.filter(organisation=world.org_a, birth_name="Lefèvre").count() == 1
    other.refresh_from_db()
    assert (other.phone, other.enrolments.count()) == ("+33600000000", 1)


def test_a_key_of_another_organisations_service_is_not_found(world, head):
    head_b = staff(Role.HEAD_OF_SERVICE, world.b1)
    import_people(people_csv(FULL | {"lead_coach": ""}), service=world.b1, user=head_b)

    _run, report = import_people(people_csv(person(birth_name="Roux", external_id="P-1", pathway_external_id="PA-1")),
                                 service=world.a1, user=head)  # fmt: skip

    assert outcomes(report) == [(2, "created")]
    assert Person.objects.get(organisation=world.org_b).birth_name == "Lefèvre"


# --- At the size of a network: the bulk twin, a bounded number of queries ----------------------


def new_rows(count: int, start: int = 0) -> list[dict[str, str]]:
    """`count` new people, none a duplicate or near duplicate of another (two letters apart at least,
    distinct birth dates), with a coach, a phase, a referrer; one in three exited, one in four suspended."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    rows = []
    for i in range(start, start + count):
        code = letters[i // 26 % 26] * 2 + letters[i % 26] * 2
        row = person(
            external_id=f"P-{i}",
            pathway_external_id=f"PA-{i}",
            birth_name=f"Essai{code}",
            date_of_birth=date(1960, 1, 1)
            .fromordinal(date(1960, 1, 1).toordinal() + 37 * i)
            .strftime("%d/%m/%Y"),
            lead_coach="coach@a.example",
            phase="Recherche d'emploi",
            phase_since=day(30),
            referent_partner_name="France Travail Valence",
            referent_full_name="Alex Durand",
        )
        if i % 3 == 0:
            row |= {"exit_date": day(10), "exit_outcome": "Abandon", "exit_comment": "Déménagement"}
        if i % 4 == 0:
            row |= {"suspensions": f"{day(60)} - {day(50)} : santé"}
        rows.append(row)
    return rows


def queries_of(rows, service, user) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        _run, report = import_people(people_csv(*rows), service=service, user=user)
    assert not report.refused, [r.messages for r in report.results if r.refused][:3]
    assert outcomes(report) == [(number, "created") for number in range(2, len(rows) + 2)]
    return len(captured)


def test_new_rows_are_written_in_a_number_of_queries_that_does_not_grow_with_the_rows(world, head):
    few = queries_of(new_rows(20), world.a1, head)
    many = queries_of(new_rows(60, start=20), world.a1, head)

    assert many <= few, (few, many)
    assert Person.objects.filter(organisation=world.org_a, birth_name__startswith="Essai").count() == 80
    assert Enrolment.objects.filter(service=world.a1, exit_outcome=ExitOutcome.WITHDREW).count() == 27


def test_the_bulk_twin_writes_the_rows_and_creation_entries_the_single_functions_write(
    world, head, monkeypatch
):
    """The same file, once through `create_people` + `open_imported_pathways`, once row by row
    (`enrol`, `change_phase`, `suspend`, `record_exit`) in another organisation: the same rows, and
    the same creation entries (row by row also writes the pathway's moves as updates)."""
    rows = new_rows(6)

    def snapshot(org, since):
        mine = {"organisation": org, "enrolment__person__birth_name__startswith": "Essai"}
        pathways = Enrolment.objects.filter(
            organisation=org, person__birth_name__startswith="Essai"
        ).order_by("referral_date", "person__birth_name")
        entries = AuditEntry.objects.filter(pk__gt=since, organisation=org, kind=Kind.CREATE)
        return {
            "pathways": [
                (
                    e.person.birth_name,
                    e.phase,
                    e.intake_date,
                    e.planned_end_date,
                    e.exit_date,
                    e.exit_outcome,
                    e.exit_comment,
                    e.last_contact_on,
                    e.primary_coach.email.startswith("coach"),
                    e.referred_by.full_name,
                )
                for e in pathways
            ],  # fmt: skip
            "phases": sorted(
                PhaseChange.objects.filter(**mine).values_list(
                    "enrolment__person__birth_name", "phase", "changed_on", "comment"
                )
            ),
            "suspensions": sorted(
                Suspension.objects.filter(**mine).values_list(
                    "enrolment__person__birth_name", "start_date", "end_date", "reason"
                )
            ),
            "situations": EntrySituation.objects.filter(**mine).count(),
            "links": PersonContact.objects.filter(
                organisation=org, person__birth_name__startswith="Essai"
            ).count(),
            "created": sorted(entries.values_list("object_type", flat=True)),
        }

    last = AuditEntry.objects.order_by("-pk").first().pk
    _run, report = import_people(people_csv(*rows), service=world.a1, user=head)
    assert not report.refused
    bulk = snapshot(world.org_a, last)

    other = ServiceFactory(organisation=world.org_b, programme_type=world.a1.programme_type)
    other_head = staff(Role.HEAD_OF_SERVICE, other, email="head.bulk@b.example")
    staff(Role.COACH, other, email="coach.bulk@b.example")
    monkeypatch.setattr(PeopleImport, "write_in_bulk", lambda self, plans: self.write_one_by_one(plans))
    last = AuditEntry.objects.order_by("-pk").first().pk
    rows_b = [row | {"lead_coach": "coach.bulk@b.example"} for row in rows]
    _run, report = import_people(people_csv(*rows_b), service=other, user=other_head)
    assert not report.refused
    single = snapshot(world.org_b, last)

    assert bulk == single
    assert bulk["created"].count("pathways.phasechange") == len(bulk["phases"]) == 6 * 3 + 2


def test_a_pathway_the_bulk_twin_refuses_refuses_its_row_and_writes_nothing(world, head, monkeypatch):
    """The state changed between the plan and the write (simulated): the twin's refusal names the row."""
    planned = PeopleImport.imported_pathway

    def later_referral(self, plan):
        spec = planned(self, plan)
        if plan.number == 3:
            spec.referral_date = days_ago(-5)
        return spec

    monkeypatch.setattr(PeopleImport, "imported_pathway", later_referral)
    before = written(world.org_a)

    run, report = import_people(people_csv(*new_rows(3)), service=world.a1, user=head)

    assert run.status == RunStatus.REFUSED
    assert [message for _column, message in messages(report, 3)] == [
        "La date d'orientation ne peut pas être dans le futur."
    ]
    assert written(world.org_a) == before | {"audit": before["audit"]}


# --- Segments -----------------------------------------------------------------------------------
# A large file is planned and written a segment at a time (`PeopleImport.segment_rows`): the
# outcome of every row must not depend on where the segments end.


@pytest.fixture(params=[1, 2, 2000], ids=lambda size: f"segments of {size}")  # 2000: one segment
def segments(request, monkeypatch):
    monkeypatch.setattr(PeopleImport, "segment_rows", request.param)


@pytest.mark.parametrize("dry_run", [True, False])
def test_rows_of_one_person_in_several_segments_are_one_person(world, head, segments, dry_run):
    content = people_csv(
        person(external_id="P-7", referral_date=day(400), intake_date=day(390), exit_date=day(300),
               exit_outcome="Abandon"),
        person(first_name="CAMILLE"),
        person(first_name="Camile"),  # near the first two, new in this file
        person(external_id="P-7", birth_name="Roux", referral_date=day(50), intake_date=""),  # row 2's person
    )  # fmt: skip

    _run, report = import_people(content, service=world.a1, user=head, dry_run=dry_run)

    assert outcomes(report) == [(2, "created"), (3, "created"), (4, "refused"), (5, "refused")]
    assert messages(report, 4) == [
        (None, "Une personne très proche est déjà enregistrée : la personne de la ligne 2. S'il s'agit d'une "
               "autre personne, indiquez « oui » dans la colonne « Homonyme confirmé ».")
    ]  # fmt: skip
    assert messages(report, 5) == [
        ("Nom de naissance", "Les lignes 2 et 5 décrivent différemment la même personne."),
        ("Date d'orientation", "Cette personne a déjà un parcours en cours dans ce service."),
    ]
    assert not Person.objects.filter(organisation=world.org_a, birth_name="Lefèvre").exists()

    _run, report = import_people(people_csv(*csv_rows(content)[:2]), service=world.a1, user=head,
                                 dry_run=dry_run)  # fmt: skip
    assert outcomes(report) == [(2, "created"), (3, "created")]
    stored = Person.objects.filter(organisation=world.org_a, birth_name="Lefèvre")
    assert [p.enrolments.count() for p in stored] == ([] if dry_run else [2])


def csv_rows(content: bytes) -> list[dict[str, str]]:
    import csv

    lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    keys = {label: key for key, label in COLUMNS.items()}
    return [{keys[label]: cell for label, cell in zip(lines[0], line, strict=True)} for line in lines[1:]]


def test_a_pathway_named_again_in_a_later_segment_is_a_duplicate(world, head, segments):
    content = people_csv(
        person(pathway_external_id="PA-9"), person(pathway_external_id="PA-9", birth_name="Roux")
    )

    _run, report = import_people(content, service=world.a1, user=head)

    assert messages(report, 3) == [("N° de parcours", "Ligne en double de la ligne 2 (le même parcours).")]
    assert not Person.objects.filter(organisation=world.org_a, birth_name="Lefèvre").exists()


def test_a_refusal_in_a_later_segment_rolls_back_the_segments_written_and_every_row_is_read(
    world, head, monkeypatch
):
    monkeypatch.setattr(PeopleImport, "segment_rows", 5)
    rows = [person(birth_name=f"Nom{chr(65 + n) * 3}", first_name="Dominique") for n in range(30)]
    rows[17] = rows[17] | {"referral_date": "32/01/2026"}
    rows[26] = rows[26] | {"lead_coach": "personne@a.example"}
    before = written(world.org_a)

    run, report = import_people(people_csv(*rows), service=world.a1, user=head)

    assert run.status == RunStatus.REFUSED
    assert [r.number for r in report.results if r.refused] == [19, 28]
    assert len(report.results) == 30
    assert written(world.org_a) == before


def test_later_rows_of_a_person_agree_with_the_first_as_parsed_whatever_the_segments(world, head, segments):
    first = person(
        phone="06 39 98 12 34",
        email="camille@example.org",
        sex="Femme",
        referral_date=day(400),
        intake_date=day(390),
        exit_date=day(300),
        exit_outcome="Abandon",
    )
    content = people_csv(
        first,
        person(phone="+33 6 39 98 12 34", email="", referral_date=day(250), intake_date=day(240),
               exit_date=day(200), exit_outcome="Abandon"),  # the same number, written otherwise
        person(phone="06 11 22 33 44", sex="Homme"),
    )  # fmt: skip

    _run, report = import_people(content, service=world.a1, user=head, dry_run=True)

    assert outcomes(report) == [(2, "created"), (3, "created"), (4, "refused")]
    assert messages(report, 4) == [
        ("Sexe", "Les lignes 2 et 4 décrivent différemment la même personne."),
        ("Téléphone", "Les lignes 2 et 4 décrivent différemment la même personne."),
    ]
