"""The test the issue asks for: on one hand-built data set, the report's page, its PDF's text and
its workbook's cells show the numbers `measures.summary()` gives for the same scope — several
figures of each table, for a head of service, and for a funder viewer who sees "< 5" instead of
a small count (and no name)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from filrouge.employers.models import EmployerContactKind
from filrouge.outcomes import measures, periods
from filrouge.pathways import domain
from filrouge.pathways.domain import today
from filrouge.pathways.models import ExitOutcome
from filrouge.referentials.models import ContractType
from tests.employers.factories import CompanyFactory, EmployerContactFactory
from tests.pathways.factories import enrol
from tests.placements.factories import PlacementFactory
from tests.reports.reading import page_tables, pdf_text, row, sheet_row, spaced, workbook

HIDDEN = "< 5"


def percent(rate: measures.Rate) -> str:
    """A share as the report prints it, formatted here on its own (one decimal, French)."""
    return f"{rate.value * 100:.1f}".replace(".", ",") + " %"


@pytest.fixture
def data_set(world):
    """Eight pathways of A1 led by its coach, out of work at entry: three found a job (two CDI,
    one short CDD), one left for a training; employer contacts about four of them."""
    coach = world.users["coach"]
    company = CompanyFactory(organisation=world.org_a)
    pathways = [enrol(world.a1, coach=coach, days_ago=days) for days in (40, 60, 80, 100, 120, 150, 180)]
    everyone = [world.enrolment, *pathways]
    for pathway, contract in zip(
        pathways[:3], (ContractType.CDI, ContractType.CDI, ContractType.CDD_SHORT), strict=True
    ):
        PlacementFactory(
            enrolment=pathway,
            company=company,
            contract_type=contract,
            started_on=pathway.entry_date + timedelta(days=20),
            planned_end_on=pathway.entry_date + timedelta(days=80)
            if contract == ContractType.CDD_SHORT
            else None,
            hours_per_week=24,
        )
    for pathway in pathways[:4]:
        EmployerContactFactory(
            company=company,
            coach=coach,
            person=pathway.person,
            kind=EmployerContactKind.CANDIDATE_PRESENTATION,
            face_to_face=True,
            contacted_on=pathway.entry_date + timedelta(days=10),
        )
    domain.record_exit(pathways[-1], on=today() - timedelta(days=5), outcome=ExitOutcome.TRAINING, by=None)
    return everyone


@pytest.fixture
def scope_query(world):
    period = periods.span(today() - timedelta(days=365), today())
    return period, {"service": world.a1.pk, "periode": period.key}


def expected_summary(world, period) -> measures.Summary:
    with translation.override("fr"):
        return measures.summary(measures.Scope.of([world.a1], period))


def forms_of(client, user, query):
    """The page's tables, the PDF's text and the workbook, as the user gets them."""
    client.force_login(user)
    page = client.get(reverse("reports:activity"), query)
    pdf = client.get(reverse("reports:activity_pdf"), query)
    xlsx = client.get(reverse("reports:activity_xlsx"), query)
    assert (page.status_code, pdf.status_code, xlsx.status_code) == (200, 200, 200)
    return page_tables(page.content.decode()), pdf_text(pdf.content), workbook(xlsx.content)


def check_row(forms, key, sheet, name, texts, values):
    """One row, in the three forms: its first cells on the page, the same words in the PDF, the
    workbook's values."""
    tables, text, book = forms
    assert row(tables, key, name)[: 1 + len(texts)] == [name, *texts], f"page, {name}"
    assert spaced(" ".join([name, *texts])) in text, f"PDF, {name}"
    cells = sheet_row(book, sheet, name)[1 : 1 + len(values)]
    assert [cell.value for cell in cells] == values, f"workbook, {name}"


def test_a_head_of_service_sees_the_summarys_numbers_in_the_three_forms(client, world, data_set, scope_query):
    period, query = scope_query
    summary = expected_summary(world, period)
    flows = summary.flows
    # The data set is what the test says it is (so the checks below are not vacuous).
    assert (flows.supported, flows.entries, flows.exits, summary.jobs_started) == (8, 8, 1, 3)
    forms = forms_of(client, world.users["head_of_service"], query)
    as_of = f"{summary.scope.as_of:%d/%m/%Y}"

    # Activity
    check_row(
        forms,
        "activite",
        "Activité",
        "Personnes accompagnées sur la période",
        [str(flows.supported)],
        [flows.supported],
    )
    check_row(forms, "activite", "Activité", "Entrées", [str(flows.entries)], [flows.entries])
    check_row(forms, "activite", "Activité", "Sorties", [str(flows.exits)], [flows.exits])
    check_row(
        forms, "activite", "Activité", f"Parcours en cours au {as_of}", [str(flows.current)], [flows.current]
    )
    check_row(forms, "sorties", "Sorties", "Formation", ["1"], [1])
    # Employment
    rate = summary.entry_cohort_rate
    name = "Entrés sans emploi, en emploi dans les 12 mois (cohorte d'entrée)"
    check_row(
        forms,
        "emploi",
        "Emploi",
        name,
        [str(rate.numerator), str(rate.denominator), percent(rate)],
        [rate.numerator, rate.denominator, pytest.approx(rate.value)],
    )
    assert rate.numerator == 3
    assert any(quarter.rate.denominator for quarter in summary.ips_quarters)
    for quarter in summary.ips_quarters:
        rate = quarter.rate
        if not rate.denominator:
            continue
        check_row(
            forms,
            "ips-trimestriel",
            "Taux IPS trimestriel",
            quarter.period.label if quarter.complete else f"{quarter.period.label} (incomplet)",
            [str(rate.denominator), str(rate.numerator), percent(rate)],
            [rate.denominator, rate.numerator, pytest.approx(rate.value)],
        )
    page, pdf_text, book = forms
    assert "Définitions des indicateurs en vigueur au 6 décembre 2026" in pdf_text
    assert (
        sheet_row(book, "Rapport", "Définitions des indicateurs en vigueur au")[1].value.date()
        == measures.DEFINITIONS_DATE
    )
    durable = summary.durable
    check_row(
        forms,
        "emploi",
        "Emploi",
        "Emplois durables (DGEFP) parmi les emplois commencés",
        [str(durable.numerator), str(durable.denominator), percent(durable)],
        [durable.numerator, durable.denominator, pytest.approx(durable.value)],
    )
    check_row(forms, "contrats", "Contrats", "CDI", ["2"], [2])
    hours = next(count for count in summary.hours if count.count)
    check_row(forms, "heures", "Heures", hours.label, [str(hours.count)], [hours.count])
    # Delays
    job = summary.first_job
    check_row(
        forms,
        "delais",
        "Délais",
        "Premier emploi",
        [str(job.cohort), str(job.reached), f"{job.median_days:.1f}".replace(".", ",")],
        [job.cohort, job.reached, job.median_days],
    )
    # Employer contacts, by coach with the coach's name
    contacts = summary.employer_contacts
    check_row(
        forms,
        "contacts",
        "Contacts employeurs",
        "Contacts employeurs",
        [str(contacts.total)],
        [contacts.total],
    )
    coach = next(figure for figure in contacts.by_coach if figure.coach_id == world.users["coach"].pk)
    check_row(
        forms,
        "job-coachs",
        "Par job coach",
        coach.name,
        [str(coach.caseload), str(coach.target), str(coach.employer_contacts)],
        [coach.caseload, coach.target, coach.employer_contacts],
    )
    # Retention and a breakdown
    for item in summary.retention:
        tables = forms[0]
        assert row(tables, "maintien", item.label)[1:3] == [
            str(item.rate.numerator),
            str(item.rate.denominator),
        ]
        assert [cell.value for cell in sheet_row(forms[2], "Maintien", item.label)[1:3]] == [
            item.rate.numerator,
            item.rate.denominator,
        ]
    age = next(b for b in summary.breakdowns if b.dimension == "age_band")
    band = next(r for r in age.rows if r.supported)
    sheet = next(table.sheet for table in []) if False else None  # noqa: F841 (sheet names come from the report)
    tables, text, book = forms
    assert row(tables, "repartition-age_band", band.label)[1:3] == [str(band.supported), str(band.entries)]
    assert spaced(f"{band.label} {band.supported} {band.entries} {band.exits} {band.employed}") in text
    assert [c.value for c in sheet_row(book, age.label, band.label)[1:5]] == [
        band.supported,
        band.entries,
        band.exits,
        band.employed,
    ]


def test_a_funder_sees_the_same_numbers_with_small_counts_hidden_in_the_three_forms(
    client, world, data_set, scope_query
):
    period, query = scope_query
    summary = expected_summary(world, period)
    flows = summary.flows
    forms = forms_of(client, world.users["funder_viewer"], query)
    tables, text, book = forms

    # Eight people are shown; one exit, three jobs are "< 5", in the page, the PDF and the workbook.
    check_row(
        forms, "activite", "Activité", "Personnes accompagnées sur la période", [str(flows.supported)], [8]
    )
    check_row(forms, "activite", "Activité", "Sorties", [HIDDEN], [HIDDEN])
    exits = sheet_row(book, "Activité", "Sorties")[1]
    assert exits.data_type == "s"
    rate = summary.entry_cohort_rate
    name = "Entrés sans emploi, en emploi dans les 12 mois (cohorte d'entrée)"
    # Three people are "< 5"; the rate, over eight, is shown (the rule is for counts).
    check_row(
        forms,
        "emploi",
        "Emploi",
        name,
        [HIDDEN, str(rate.denominator), percent(rate)],
        [HIDDEN, 8, pytest.approx(rate.value)],
    )
    check_row(forms, "contrats", "Contrats", "CDI", [HIDDEN], [HIDDEN])
    contacts = summary.employer_contacts
    # Four employer contacts are shown: they count contacts, not people.
    assert contacts.total == 4
    check_row(forms, "contacts", "Contacts employeurs", "Contacts employeurs", ["4"], [4])

    # No staff name anywhere: the coach is numbered.
    coach_name = world.users["coach"].full_name
    assert coach_name not in text
    assert all(coach_name != cell.value for sheet in book for cells in sheet.iter_rows() for cell in cells)
    assert not any(coach_name in cell for rows in tables.values() for cells in rows for cell in cells)
    assert row(tables, "job-coachs", "Job coach 1")[1] == str(summary.employer_contacts.by_coach[0].caseload)


def test_the_page_takes_as_many_queries_with_more_data(client, world, data_set, scope_query):
    """The report reads the database aggregates only: more pathways, jobs and contacts do not add
    queries (the page's own, with the measures' constant number)."""
    _period, query = scope_query
    client.force_login(world.users["head_of_service"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("reports:activity"), query).status_code == 200
        return len(captured)

    before = queries()
    second_coach = world.users["other_service_coach"]
    for days in (30, 90, 150):
        pathway = enrol(world.a1, coach=world.users["coach"], days_ago=days)
        PlacementFactory(enrolment=pathway, started_on=pathway.entry_date + timedelta(days=5))
        EmployerContactFactory(company=CompanyFactory(organisation=world.org_a), coach=second_coach)
    assert queries() == before
