"""The placements import end to end (read, map, plan, write), without the pages.

docs/design/imports-plan.md §3, §4 and §10.3 items 8–10: jobs and immersions created through the
domain's rules, a job on an exited pathway when it began before the exit, the phase never moved,
another organisation's person never reached, re-imports, all or nothing.
"""

import io

import pytest

from filrouge.audit.models import AuditEntry
from filrouge.employers import domain as employers
from filrouge.employers.models import Company
from filrouge.imports import runs
from filrouge.imports.context import PlannedPathway, RunContext
from filrouge.imports.kinds.placements import PlacementsImport
from filrouge.imports.models import ImportedKey, KeyKind, RunStatus
from filrouge.imports.rows import InputRow
from filrouge.organisations.validators import synthetic_siret
from filrouge.pathways import domain as pathways
from filrouge.pathways.models import Enrolment, ExitOutcome, PhaseChange
from filrouge.people.models import Person
from filrouge.placements.domain import long_day
from filrouge.placements.models import (
    EndReason,
    ImmersionAssessment,
    ImmersionObjective,
    Placement,
    PlacementKind,
)
from filrouge.referentials.models import ContractType, JobTitle
from tests.employers.factories import CompanyFactory
from tests.imports.companies import BAKERY, SIRET_1, companies_csv
from tests.imports.placements import (
    BAKER,
    days_ago,
    immersion,
    import_placements,
    job,
    messages,
    outcomes,
    placements_csv,
    placements_report,
)
from tests.pathways.factories import enrol
from tests.people.factories import PersonFactory

pytestmark = pytest.mark.django_db

NOT_FOUND = (
    "Aucun parcours de ce service ne correspond à cette ligne (N° de parcours, identifiant de la "
    "personne, ou nom, prénom et date de naissance)."
)
SIRET = synthetic_siret(5101)


@pytest.fixture
def head(world):
    return world.users["head_of_service"]


@pytest.fixture
def company(world):
    return CompanyFactory(organisation=world.org_a, name="Boulangerie du Pont", siret=SIRET)


def written(org) -> dict[str, int]:
    """What a placements import may write, counted."""
    return {
        "placements": Placement.objects.filter(organisation=org).count(),
        "phase_changes": PhaseChange.objects.filter(enrolment__organisation=org).count(),
        "keys": ImportedKey.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def applied(content, world, head, **options):
    run, report = import_placements(content, service=world.a1, user=head, **options)
    return run, report


# --- Created -------------------------------------------------------------------------------


def test_a_job_and_an_immersion_are_created_by_the_persons_names(world, head, company):
    person = world.person
    phase, changes = world.enrolment.phase, PhaseChange.objects.filter(enrolment=world.enrolment).count()
    content = placements_csv(
        job(person, external_id="X-1", company_siret=SIRET),
        immersion(
            person,
            external_id="X-2",
            company_siret=SIRET,
            ended_on=days_ago(6),
            end_reason="Fin prévue",
            assessment="Réalisée",
            led_to_job="non",
            end_comment="Bon retour de l'équipe",
        ),
    )
    run, report = applied(content, world, head)

    assert not report.refused, messages(report)
    assert outcomes(report) == [(2, "created"), (3, "created")]
    assert run.status == RunStatus.APPLIED
    cdi = Placement.objects.get(kind=PlacementKind.EMPLOYMENT)
    assert (cdi.enrolment, cdi.company, cdi.job_title.label, cdi.contract_type, cdi.hours_per_week) == (
        world.enrolment,
        company,
        BAKER,
        ContractType.CDI,
        24,
    )
    assert (cdi.started_on, cdi.planned_end_on, cdi.ended_on, cdi.created_by) == (
        days_ago(30),
        None,
        None,
        head,
    )
    pmsmp = Placement.objects.get(kind=PlacementKind.IMMERSION)
    assert (pmsmp.objective, pmsmp.ended_on, pmsmp.end_reason, pmsmp.assessment, pmsmp.led_to_job) == (
        ImmersionObjective.DISCOVER,
        days_ago(6),
        EndReason.END_OF_TERM,
        ImmersionAssessment.COMPLETED,
        False,
    )
    assert pmsmp.end_comment == "Bon retour de l'équipe"
    # Imported jobs never move the phase: the people file states it.
    world.enrolment.refresh_from_db()
    assert world.enrolment.phase == phase
    assert PhaseChange.objects.filter(enrolment=world.enrolment).count() == changes
    keys = ImportedKey.objects.filter(kind=KeyKind.PLACEMENT).order_by("external_id")
    assert [(k.service, k.external_id, k.placement, k.run_id) for k in keys] == [
        (world.a1, "X-1", cdi, run.pk),
        (world.a1, "X-2", pmsmp, run.pk),
    ]


def test_the_dry_run_writes_nothing(world, head, company):
    before = written(world.org_a)
    run, report = applied(placements_csv(job(world.person, company_siret=SIRET)), world, head, dry_run=True)
    assert outcomes(report) == [(2, "created")]
    assert run.status == RunStatus.CHECKED
    assert written(world.org_a) == before


def test_the_pathway_is_found_by_its_number_and_the_person_by_their_id(world, head, company):
    ImportedKey.objects.create(
        organisation=world.org_a,
        service=world.a1,
        kind=KeyKind.PATHWAY,
        external_id="P-7",
        enrolment=world.enrolment,
    )
    ImportedKey.objects.create(
        organisation=world.org_a,
        service=world.a1,
        kind=KeyKind.PERSON,
        external_id="N-7",
        person=world.person,
    )
    content = placements_csv(
        job(pathway_external_id="P-7", company_siret=SIRET),
        job(person_external_id="N-7", company_siret=SIRET, started_on=days_ago(40)),
        # An unknown pathway number gives way to the person's names.
        job(world.person, pathway_external_id="P-404", company_siret=SIRET, started_on=days_ago(50)),
    )
    _run, report = applied(content, world, head)
    assert outcomes(report) == [(2, "created"), (3, "created"), (4, "created")]
    assert set(Placement.objects.values_list("enrolment", flat=True)) == {world.enrolment.pk}


def test_the_company_is_found_by_its_key_or_its_name_and_the_job_title_by_its_code(world, head, company):
    ImportedKey.objects.create(
        organisation=world.org_a, service=world.a1, kind=KeyKind.COMPANY, external_id="E-9", company=company
    )
    cook = JobTitle.objects.exclude(label=BAKER).order_by("pk").first()
    content = placements_csv(
        job(world.person, company_external_id="E-9"),
        job(world.person, company_name="BOULANGERIE du pont", started_on=days_ago(40)),
        job(world.person, company_siret=SIRET, ogr_code=cook.pk, job_title="", started_on=days_ago(50)),
    )
    _run, report = applied(content, world, head)
    assert outcomes(report) == [(2, "created"), (3, "created"), (4, "created")], messages(report)
    assert set(Placement.objects.values_list("company", flat=True)) == {company.pk}
    assert Placement.objects.get(started_on=days_ago(50)).job_title == cook


def test_a_company_and_its_jobs_in_one_run(world, head):
    """The companies file plans the company; the placements file names it by its id, in the same
    run, before anything is written."""
    content = placements_csv(job(world.person, company_external_id="E-1"))
    sources = [
        runs.Source("companies", io.BytesIO(companies_csv(BAKERY)), "entreprises.csv"),
        runs.Source("placements", io.BytesIO(content), "experiences.csv"),
    ]
    _run, report = runs.run_import(sources, service=world.a1, user=head, dry_run=True)
    assert outcomes(report) == [(2, "created")], messages(report)
    assert not Company.objects.filter(siret=SIRET_1).exists()
    _run, report = runs.run_import(
        [runs.Source(s.kind, io.BytesIO(s.file.getvalue()), s.name) for s in sources],
        service=world.a1,
        user=head,
        dry_run=False,
    )
    assert not report.refused
    assert Placement.objects.get().company == Company.objects.get(siret=SIRET_1)


# --- The domain's rules, row by row ----------------------------------------------------------


def test_the_domains_rules_refuse_rows_with_their_own_words(world, head, company):
    archived = CompanyFactory(organisation=world.org_a, name="Ancienne Épicerie")
    employers.archive_company(archived, by=head)
    start = days_ago(60)
    content = placements_csv(
        # An immersion lasts at most one month, de date à date.
        immersion(world.person, company_siret=SIRET, started_on=start, planned_end_on=days_ago(20)),
        # A short CDD of six months or more.
        job(
            world.person,
            company_siret=SIRET,
            contract_type="CDD de moins de 6 mois",
            planned_end_on=start.replace(year=start.year + 1),
            started_on=start,
        ),
        # An immersion's end needs its assessment and its outcome.
        immersion(world.person, company_siret=SIRET, ended_on=days_ago(6), end_reason="Fin prévue"),
        job(world.person, company_siret=archived.siret),
        job(world.person, company_siret=SIRET, job_title="Boulangr"),
        job(world.person, company_siret=SIRET, hours_per_week="60"),
    )
    before = written(world.org_a)
    _run, report = applied(content, world, head)

    assert [outcome for _n, outcome in outcomes(report)] == ["refused"] * 6
    results = placements_report(report).results
    by_row = {r.number: [(h, m) for h, m in r.messages] for r in results}
    assert by_row[2][0][0] == "Fin prévue" and "Une immersion dure au plus un mois" in by_row[2][0][1]
    assert by_row[3][0][0] == "Type de contrat" and "choisissez « CDD de 6 mois ou plus »" in by_row[3][0][1]
    assert {m for _h, m in by_row[4]} == {
        "« Bilan de l'immersion » : Indiquez le bilan de l'immersion : réalisée, en partie, ou non.",
        "« A débouché sur un emploi » : Indiquez si l'immersion a débouché sur un emploi.",
    }
    assert by_row[5] == [
        (
            "SIRET de l'entreprise",
            "Cette entreprise est archivée : rétablissez-la ou choisissez-en une autre.",
        )
    ]
    assert by_row[6][0][0] == "Poste"
    assert by_row[6][0][1].startswith(
        "« Boulangr » n'est pas un intitulé du référentiel des métiers. Intitulés proches : "
    )
    assert f"« {BAKER} »" in by_row[6][0][1]
    assert by_row[7][0][0] == "Heures par semaine"
    assert written(world.org_a) == before  # all or nothing


def test_one_bad_row_writes_nothing(world, head, company):
    rows = [job(world.person, company_siret=SIRET, started_on=days_ago(day)) for day in range(30, 40)]
    rows.append(job(world.person, company_siret=SIRET, started_on=days_ago(100)))  # before the referral
    before = written(world.org_a)
    run, report = applied(placements_csv(*rows), world, head)
    assert run.status == RunStatus.REFUSED
    assert outcomes(report)[-1] == (12, "refused")
    assert "Le début ne peut pas précéder l'orientation" in messages(report)[0]
    assert written(world.org_a) == before


def test_two_rows_describing_one_placement_are_refused(world, head, company):
    row = job(world.person, company_siret=SIRET)
    _run, report = applied(placements_csv(row, row), world, head, dry_run=True)
    assert outcomes(report) == [(2, "created"), (3, "refused")]
    assert messages(report) == ["Les lignes 2 et 3 décrivent la même expérience."]


# --- An exited pathway (§3.2) ----------------------------------------------------------------


@pytest.fixture
def exited(world):
    """A person of A1 whose pathway ended 10 days ago (moved away)."""
    enrolment = enrol(world.a1, coach=world.users["coach"], days_ago=200)
    pathways.record_exit(enrolment, on=days_ago(10), outcome=ExitOutcome.MOVED, by=world.users["coach"])
    return enrolment


def test_a_job_of_an_exited_pathway_is_accepted_when_it_began_before_the_exit(world, head, company, exited):
    person = exited.person
    phase_changes = PhaseChange.objects.filter(enrolment=exited).count()
    content = placements_csv(
        job(person, company_siret=SIRET, started_on=days_ago(100), ended_on=days_ago(10), end_reason="Démission"),
        job(person, company_siret=SIRET, started_on=days_ago(10), contract_type="CDD de moins de 6 mois",
            planned_end_on=days_ago(1)),
    )  # fmt: skip
    _run, report = applied(content, world, head)
    assert outcomes(report) == [(2, "created"), (3, "created")], messages(report)
    assert exited.placements.count() == 2
    exited.refresh_from_db()
    assert exited.exit_date == days_ago(10) and exited.phase == "exit"
    assert PhaseChange.objects.filter(enrolment=exited).count() == phase_changes


def test_a_job_starting_after_the_exit_is_refused(world, head, company, exited):
    content = placements_csv(job(exited.person, company_siret=SIRET, started_on=days_ago(9)))
    _run, report = applied(content, world, head)
    assert outcomes(report) == [(2, "refused")]
    [result] = placements_report(report).results
    header, message = result.messages[0]
    assert header == "Début"
    assert message.startswith("Cette expérience commence après la sortie du parcours (le ")
    assert not exited.placements.exists()


def test_the_pathway_of_several_is_the_one_holding_the_start_or_the_one_named(world, head, company, exited):
    again = enrol(world.a1, person=exited.person, days_ago=5, intake_after=None)
    content = placements_csv(
        job(exited.person, company_siret=SIRET, started_on=days_ago(50)),
        job(exited.person, company_siret=SIRET, started_on=days_ago(2)),
        job(exited.person, company_siret=SIRET, started_on=days_ago(3), referral_date=exited.referral_date),
    )
    _run, report = applied(content, world, head, dry_run=True)
    assert outcomes(report) == [(2, "created"), (3, "created"), (4, "refused")]
    assert "Cette expérience commence après la sortie du parcours" in messages(report)[0]
    _run, report = applied(
        placements_csv(
            job(exited.person, company_siret=SIRET, started_on=days_ago(50)),
            job(exited.person, company_siret=SIRET, started_on=days_ago(2)),
        ),
        world,
        head,
    )
    assert not report.refused
    assert [p.enrolment for p in Placement.objects.order_by("started_on")] == [exited, again]


def test_a_start_no_pathway_holds_asks_for_the_referral_date(world, head, company, exited):
    enrol(world.a1, person=exited.person, days_ago=5, intake_after=None)
    content = placements_csv(job(exited.person, company_siret=SIRET, started_on=days_ago(7)))
    _run, report = applied(content, world, head, dry_run=True)
    assert outcomes(report) == [(2, "refused")]
    [result] = placements_report(report).results
    assert result.messages == [
        (
            None,
            "Cette personne a eu plusieurs parcours dans ce service : indiquez dans la colonne "
            "« Date d'orientation » celui de cette expérience.",
        )
    ]


# --- Tenant isolation (§6) -------------------------------------------------------------------


def test_a_person_of_another_organisation_is_never_reached(world, head, company):
    outsider = PersonFactory(organisation=world.org_b, first_name="Ninon", birth_name="Zerbib")
    theirs = enrol(world.b1, person=outsider, coach=world.users["other_org_coach"])
    # The other organisation's own import gave their pathway an id; our file uses the same one.
    ImportedKey.objects.create(
        organisation=world.org_b, service=world.b1, kind=KeyKind.PATHWAY, external_id="P-1", enrolment=theirs
    )
    other_company = CompanyFactory(organisation=world.org_b, siret=SIRET)
    before_b = (
        Placement.objects.filter(organisation=world.org_b).count(),
        Person.objects.filter(organisation=world.org_b).values().get(pk=outsider.pk),
        Enrolment.objects.filter(pk=theirs.pk).values().get(),
    )
    content = placements_csv(
        job(pathway_external_id="P-1", company_siret=SIRET),
        job(pathway_external_id=str(theirs.pk), company_siret=SIRET),
        job(outsider, company_siret=SIRET),
    )
    _run, report = applied(content, world, head)

    assert outcomes(report) == [(2, "refused"), (3, "refused"), (4, "refused")]
    assert messages(report) == [NOT_FOUND] * 3  # the words of a typo: nothing of them
    for text in messages(report):
        assert "Ninon" not in text and "Zerbib" not in text and str(outsider.date_of_birth.year) not in text
    assert before_b == (
        Placement.objects.filter(organisation=world.org_b).count(),
        Person.objects.filter(organisation=world.org_b).values().get(pk=outsider.pk),
        Enrolment.objects.filter(pk=theirs.pk).values().get(),
    )
    assert not other_company.placements.exists()


def test_a_pathway_of_another_service_of_the_organisation_is_not_found(world, head, company):
    elsewhere = enrol(world.a2, coach=world.users["other_service_coach"])
    _run, report = applied(placements_csv(job(elsewhere.person, company_siret=SIRET)), world, head)
    assert messages(report) == [NOT_FOUND]


# --- Re-imports (§4) ------------------------------------------------------------------------


def test_the_same_file_again_changes_nothing(world, head, company):
    content = placements_csv(
        job(world.person, external_id="X-1", company_siret=SIRET),
        immersion(
            world.person,
            company_siret=SIRET,
            ended_on=days_ago(6),
            end_reason="Fin prévue",
            assessment="Réalisée en partie",
            led_to_job="oui",
        ),
    )
    applied(content, world, head)
    before = written(world.org_a)
    run, report = applied(content, world, head)
    assert outcomes(report) == [(2, "unchanged"), (3, "unchanged")], messages(report)
    after = written(world.org_a)
    assert after == before | {"audit": before["audit"] + 1}  # the run's summary alone
    assert run.status == RunStatus.APPLIED


def test_a_placement_under_way_is_corrected_then_ended(world, head, company):
    applied(placements_csv(job(world.person, external_id="X-1", company_siret=SIRET)), world, head)
    placement = Placement.objects.get()
    phase = Enrolment.objects.get(pk=world.enrolment.pk).phase
    content = placements_csv(
        job(
            world.person,
            external_id="X-1",
            company_siret=SIRET,
            hours_per_week="30",
            ended_on=days_ago(2),
            end_reason="Démission",
        )
    )
    _run, report = applied(content, world, head)
    assert outcomes(report) == [(2, "updated")], messages(report)
    assert placements_report(report).results[0].fields == ["hours_per_week", "ended_on"]
    placement.refresh_from_db()
    assert (placement.hours_per_week, placement.ended_on, placement.end_reason) == (
        30,
        days_ago(2),
        EndReason.RESIGNATION,
    )
    assert Enrolment.objects.get(pk=world.enrolment.pk).phase == phase  # the end moves no phase either


def test_an_ended_placement_does_not_change(world, head, company):
    ended = job(world.person, company_siret=SIRET, ended_on=days_ago(2), end_reason="Démission")
    applied(placements_csv(ended), world, head)
    _run, report = applied(placements_csv(ended | {"hours_per_week": "30"}), world, head)
    assert outcomes(report) == [(2, "refused")]
    assert messages(report) == ["Cette expérience est terminée : elle ne se modifie plus."]
    _run, report = applied(placements_csv(ended | {"end_reason": "Licenciement"}), world, head)
    assert messages(report) == ["Cette expérience est terminée : elle ne se modifie plus."]
    assert Placement.objects.get().hours_per_week == 24
    # A blank cell never clears: a row without the end is the same placement, unchanged.
    _run, report = applied(placements_csv(ended | {"ended_on": None, "end_reason": None}), world, head)
    assert outcomes(report) == [(2, "unchanged")]


def test_an_id_naming_another_pathways_placement_is_refused(world, head, company, exited):
    applied(placements_csv(job(world.person, external_id="X-1", company_siret=SIRET)), world, head)
    content = placements_csv(
        job(exited.person, external_id="X-1", company_siret=SIRET, started_on=days_ago(40)),
    )
    _run, report = applied(content, world, head)
    assert messages(report) == ["L'identifiant « X-1 » désigne une expérience d'un autre parcours."]


# --- What the other kinds of the run see ---------------------------------------------------


def test_planned_jobs_are_shared_with_the_run(world, head, company):
    """A pathway the people file plans (unsaved) receives a job the people kind's dry run can
    check an exit into employment against."""
    person = Person(
        organisation=world.org_a, first_name="Lou", birth_name="Neuf", date_of_birth=days_ago(9000)
    )
    enrolment = Enrolment(
        organisation=world.org_a,
        service=world.a1,
        person=person,
        referral_date=days_ago(90),
        phase="job_search",
    )
    context = RunContext(service=world.a1, user=head)
    context.pathways_by_external_id["P-1"] = PlannedPathway(enrolment, row=2, result=None)
    importer = PlacementsImport(
        service=world.a1,
        user=head,
        headers={"pathway_external_id": "N° de parcours", "company_siret": "SIRET"},
        context=context,
    )
    row = InputRow(
        2,
        {
            "pathway_external_id": "P-1",
            "company_siret": SIRET,
            "kind": PlacementKind.EMPLOYMENT,
            "contract_type": ContractType.CDI,
            "job_title": BAKER,
            "started_on": days_ago(30),
            "hours_per_week": 24,
        },
    )
    results, plans = importer.plan([row])
    assert [r.outcome.value for r in results] == ["created"]
    [planned] = context.planned_jobs
    assert planned.pk is None and planned.enrolment is enrolment and planned.company == company
    assert planned.employment_outcome == "durable" and planned.is_ongoing(days_ago(1))


def test_an_unknown_referral_date_or_job_code_is_refused(world, head, company):
    content = placements_csv(
        job(world.person, company_siret=SIRET, referral_date=days_ago(59)),
        job(world.person, company_siret=SIRET, ogr_code="99999999", job_title=""),
        job(world.person, company_siret=SIRET, job_title=""),
        job(world.person, company_name="Inconnue et Fils"),
    )
    _run, report = applied(content, world, head, dry_run=True)
    assert [outcome for _n, outcome in outcomes(report)] == ["refused"] * 4
    by_row = {r.number: r.messages for r in placements_report(report).results}
    assert by_row[2] == [
        (
            "Date d'orientation",
            f"Aucun parcours de cette personne dans ce service n'a été orienté le {long_day(days_ago(59))}.",
        )
    ]
    assert by_row[3] == [
        ("Code OGR du poste", "Aucun intitulé du référentiel des métiers n'a le code OGR 99999999.")
    ]
    assert by_row[4] == [
        ("Poste", "Indiquez le poste : son intitulé dans le référentiel des métiers, ou son code OGR.")
    ]
    assert by_row[5][0][0] == "Entreprise"
    assert by_row[5][0][1].startswith("Aucune entreprise du répertoire ne correspond à cette ligne")
