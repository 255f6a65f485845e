"""The activity report's page, PDF and workbook: the chooser and its errors, who sees which
scope, the same figures in the three forms, and the downloads recorded as exports.

The figures come from a hand-written summary (`tests.reports.fakes`); that they are the measures'
own is `test_same_numbers.py`'s subject."""

from datetime import date

import pytest
from django.urls import reverse

from filrouge.audit.models import AuditEntry, Kind
from filrouge.organisations.models import ProgrammeType, Role
from filrouge.outcomes import measures
from tests.accounts.factories import staff
from tests.organisations.factories import ServiceFactory
from tests.reports import fakes
from tests.reports.reading import page_tables, pdf_text, row, sheet_row, workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def scopes(monkeypatch):
    """The scopes the views asked figures for, each answered with the hand-written summary."""
    asked = []

    def summary(scope):
        asked.append(scope)
        return fakes.summary(scope)

    monkeypatch.setattr(measures, "summary", summary)
    return asked


def get(client, user, name="reports:activity", **query):
    client.force_login(user)
    return client.get(reverse(name), query)


def test_the_page_opens_on_the_chooser(client, world, scopes):
    response = get(client, world.users["coach"])
    assert response.status_code == 200
    assert response.context["report"] is None
    assert scopes == []
    form = response.context["form"]
    assert form["service"].value() == world.a1.pk  # their only service is chosen already
    assert form["periode"].value() == str(date.today().year)


def test_a_service_and_a_period_show_the_report(client, world, scopes):
    response = get(client, world.users["coach"], service=world.a1.pk, periode="2025")
    assert response.status_code == 200
    assert scopes == [measures.Scope(world.org_a.pk, (world.a1.pk,), date(2025, 1, 1), date(2025, 12, 31))]
    tables = page_tables(response.content.decode())
    assert row(tables, "activite", "Personnes accompagnées sur la période") == [
        "Personnes accompagnées sur la période",
        "42",
    ]
    assert row(tables, "emploi", "En emploi au 31/12/2025") == [
        "En emploi au 31/12/2025",
        "11",
        "30",
        "36,7 %",
    ]
    assert row(tables, "job-coachs", "Dominique Coach")[1:3] == ["3", "10"]
    assert (
        f"{reverse('reports:activity_pdf')}?service={world.a1.pk}&amp;periode=2025"
        in response.content.decode()
    )


A1 = "A1"  # replaced by service A1's id


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"periode": "2025"}, "Choisissez un service ou un programme."),
        ({"service": "A1-text", "periode": "2025"}, "Sélectionnez un choix valide"),
        ({"service": "9" * 30, "periode": "2025"}, "Sélectionnez un choix valide"),
        ({"service": "-1", "periode": "2025"}, "Sélectionnez un choix valide"),
        ({"service": A1, "periode": "2025-T5"}, "Période non reconnue"),
        ({"service": A1, "periode": "2025-13"}, "Cette date n"),
        ({"service": A1, "periode": "2025-02-30_2025-03-01"}, "Cette date n"),
        ({"service": A1, "periode": "2025-06-01_2025-01-01"}, "La fin de la période précède son début."),
        ({"service": A1, "periode": "1960-01-01_2100-01-01"}, "Une période ne peut dépasser dix ans."),
        ({"service": A1, "periode": ""}, "Ce champ est obligatoire."),
        ({"service": A1, "periode": "0001"}, "Choisissez une période entre 1950 et 2100."),
        ({"service": A1, "periode": "2150-T4"}, "Choisissez une période entre 1950 et 2100."),
        ({"service": A1, "periode": "9999-T4"}, "Choisissez une période entre 1950 et 2100."),
        ({"service": A1, "periode": "2100-12-01_2101-01-31"}, "Choisissez une période entre 1950 et 2100."),
        ({"service": A1}, "Ce champ est obligatoire."),
        ({"programme": "nothing", "periode": "2025"}, "Sélectionnez un choix valide"),
    ],
)
def test_bad_input_is_a_clear_error_not_a_500(client, world, scopes, query, message):
    query = {name: world.a1.pk if value == A1 else value for name, value in query.items()}
    response = get(client, world.users["coach"], **query)
    assert response.status_code == 200
    assert response.context["report"] is None
    assert message in response.content.decode()
    assert scopes == []


def test_both_a_service_and_a_programme_is_refused(client, world, scopes):
    response = get(
        client,
        world.users["coach"],
        service=world.a1.pk,
        programme=ProgrammeType.SUPPORTED_EMPLOYMENT,
        periode="2025",
    )
    assert "Choisissez un service ou un programme, pas les deux." in response.content.decode()
    assert scopes == []


@pytest.mark.parametrize("service", ["a2", "b1"])
def test_a_service_outside_the_users_figures_is_not_offered(client, world, scopes, service):
    response = get(client, world.users["funder_viewer"], service=getattr(world, service).pk, periode="2025")
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert scopes == []


def test_a_programme_gathers_the_services_of_that_programme_the_user_sees(client, world, scopes):
    other_programme = ServiceFactory(
        organisation=world.org_a, name="A3", programme_type=ProgrammeType.MINIMUM_INCOME
    )
    get(client, world.users["director"], programme=ProgrammeType.SUPPORTED_EMPLOYMENT, periode="2025-T2")
    assert scopes[-1].service_ids == tuple(sorted((world.a1.pk, world.a2.pk)))
    assert (scopes[-1].start, scopes[-1].end) == (date(2025, 4, 1), date(2025, 6, 30))
    assert other_programme.pk not in scopes[-1].service_ids
    # A coach of A1 sees only A1 in figures: the programme is A1 alone for them.
    get(client, world.users["coach"], programme=ProgrammeType.SUPPORTED_EMPLOYMENT, periode="2025")
    assert scopes[-1].service_ids == (world.a1.pk,)
    response = get(client, world.users["coach"], programme=ProgrammeType.MINIMUM_INCOME, periode="2025")
    assert "Sélectionnez un choix valide" in response.content.decode()


@pytest.mark.parametrize("subject", ["org_admin", "dpo", "other_org_admin"])
@pytest.mark.parametrize("name", ["reports:activity", "reports:activity_pdf", "reports:activity_xlsx"])
def test_who_sees_no_figures_is_refused(client, world, scopes, subject, name):
    assert get(client, world.users[subject], name, service=world.a1.pk, periode="2025").status_code == 403
    assert scopes == []


def test_a_funder_sees_aggregates_only_on_the_page(client, world, scopes):
    response = get(client, world.users["funder_viewer"], service=world.a1.pk, periode="2025")
    html = response.content.decode()
    tables = page_tables(html)
    assert row(tables, "activite", "Sorties") == ["Sorties", "< 5"]
    assert row(tables, "job-coachs", "Job coach 2")[1] == "< 5"
    assert "Camille Coach" not in html and "Dominique Coach" not in html
    assert "les effectifs inférieurs à 5 sont affichés" in html


def test_the_pdf_holds_the_pages_figures_and_is_recorded_as_an_export(client, world, scopes):
    response = get(
        client, world.users["head_of_service"], "reports:activity_pdf", service=world.a1.pk, periode="2025"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="rapport-activite-service-{world.a1.pk}-2025.pdf"' in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "Rapport d'activité" in text
    assert "Personnes accompagnées sur la période 42" in text
    assert "En emploi au 31/12/2025 11 30 36,7 %" in text
    assert "Dominique Coach" in text

    entry = AuditEntry.objects.get(kind=Kind.EXPORT)
    assert entry.actor_id == world.users["head_of_service"].pk
    assert entry.person_id is None
    assert (entry.object_type, entry.object_id) == ("organisations.service", world.a1.pk)
    assert entry.detail == f"reports:activity_pdf service={world.a1.pk} periode=2025"


def test_the_pdf_of_a_funder_hides_small_counts_and_names(client, world, scopes):
    response = get(
        client, world.users["funder_viewer"], "reports:activity_pdf", service=world.a1.pk, periode="2025"
    )
    text = pdf_text(response.content)
    assert "Sorties < 5" in text
    assert "Job coach 2 < 5 10" in text
    assert "Coach" not in text.replace("Job coach", "")


def test_the_pdf_is_french_whatever_the_interface_language(client, world, scopes):
    client.cookies["django_language"] = "en"
    response = get(client, world.users["coach"], "reports:activity_pdf", service=world.a1.pk, periode="2025")
    assert "Personnes accompagnées sur la période 42" in pdf_text(response.content)


def test_the_workbook_holds_numbers_with_formats(client, world, scopes):
    response = get(
        client,
        world.users["coach"],
        "reports:activity_xlsx",
        programme="supported_employment",
        periode="2025",
    )
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert 'filename="rapport-activite-supported_employment-2025.xlsx"' in response["Content-Disposition"]
    book = workbook(response.content)
    assert book.sheetnames[0] == "Rapport"
    cover = {
        cells[0].value: cells[1].value for cells in book["Rapport"].iter_rows(min_row=2) if len(cells) > 1
    }
    assert cover["Périmètre"] == "Emploi accompagné (IPS)"
    assert cover["Services"] == "A1"
    assert cover["Période"] == "Année 2025"
    assert cover["Du"].date() == date(2025, 1, 1)
    assert "Activité" in book.sheetnames and "Par job coach" in book.sheetnames

    supported = sheet_row(book, "Activité", "Personnes accompagnées sur la période")[1]
    assert supported.value == 42 and isinstance(supported.value, int)
    working = sheet_row(book, "Emploi", "En emploi au 31/12/2025")
    assert [cell.value for cell in working[1:]] == [11, 30, pytest.approx(11 / 30)]
    assert working[3].number_format == "0.0%"
    mean = sheet_row(book, "Activité", "Durée moyenne des parcours sortis (jours)")[1]
    assert mean.value == 201.5 and mean.data_type == "n"
    assert sheet_row(book, "Par job coach", "Camille Coach")[1].value == 18

    entry = AuditEntry.objects.get(kind=Kind.EXPORT)
    assert entry.detail == "reports:activity_xlsx programme=supported_employment periode=2025"
    assert (entry.object_type, entry.object_id) == ("organisations.service", world.a1.pk)


def test_the_workbook_of_a_funder_has_hidden_cells_as_text_and_no_names(client, world, scopes):
    response = get(
        client, world.users["funder_viewer"], "reports:activity_xlsx", service=world.a1.pk, periode="2025"
    )
    book = workbook(response.content)
    exits = sheet_row(book, "Activité", "Sorties")[1]
    assert exits.value == "< 5" and exits.data_type == "s"
    assert sheet_row(book, "Activité", "Entrées")[1].value == 12
    values = [cell.value for sheet in book for cells in sheet.iter_rows() for cell in cells]
    assert "Camille Coach" not in values and "Job coach 1" in values


@pytest.mark.parametrize("name", ["reports:activity_pdf", "reports:activity_xlsx"])
def test_a_file_asked_with_bad_input_answers_the_chooser_with_its_errors(client, world, scopes, name):
    response = get(client, world.users["coach"], name, service=world.a1.pk, periode="l'an dernier")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "Période non reconnue" in response.content.decode()
    assert not AuditEntry.objects.filter(kind=Kind.EXPORT).exists()


def test_a_funder_of_two_services_sees_their_programme_without_names(client, world, scopes):
    funder = staff(Role.FUNDER_VIEWER, world.a2, email="funder@a2.example")
    response = get(client, funder, programme=ProgrammeType.SUPPORTED_EMPLOYMENT, periode="2025")
    assert scopes[-1].service_ids == (world.a2.pk,)
    assert "Job coach 1" in response.content.decode()
