"""The activity report's tables read the summary's figures as they are, and hide for a funder
what could point to someone: counts under 5, the shares and averages built on them, names."""

import io
from datetime import date

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook

from filrouge.outcomes import measures, periods
from filrouge.reports import activity, workbook
from tests.reports import fakes
from tests.reports.reading import spaced

PERIOD = periods.year(2025)
SCOPE = measures.Scope(organisation_id=1, service_ids=(1,), start=PERIOD.start, end=PERIOD.end)


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


def report(hide: bool) -> activity.Report:
    return activity.build(fakes.summary(SCOPE), period=PERIOD, scope_label="A1", services=["A1"], hide=hide)


def values(table: activity.Table, name: str) -> list:
    return next([cell.value for cell in row[1:]] for row in table.rows if row[0].value == name)


def test_figures_are_the_summarys_own():
    built = report(hide=False)
    flows = built.table("activite")
    assert values(flows, "Personnes accompagnées sur la période") == [42]
    assert values(flows, "Part des parcours en cours qui sont actifs") == [27 / 30]
    assert values(flows, "Durée moyenne des parcours sortis (jours)") == [201.5]
    employment = built.table("emploi")
    assert values(employment, "Entrés sans emploi, en emploi dans les 12 mois (cohorte d'entrée)") == [
        5,
        12,
        5 / 12,
    ]
    assert values(employment, "Accompagnés sur la période, en emploi au moins un jour de la période") == [
        21,
        42,
        0.5,
    ]
    assert values(employment, "Emplois de transition (DGEFP) parmi les emplois commencés") == [3, 9, 3 / 9]
    assert values(built.table("ips-trimestriel"), "T2 2025") == [35, 16, 16 / 35]
    assert values(built.table("employeurs"), "Entreprise adaptée (EA)") == [1]
    assert built.definitions_date == measures.DEFINITIONS_DATE
    assert built.table("ips-job-coachs").columns == [
        "Job coach référent·e",
        "T1 2025",
        "T2 2025",
        "T3 2025",
        "T4 2025",
    ]
    assert values(built.table("ips-job-coachs"), "Dominique Coach") == [2 / 13] * 4
    assert values(built.table("delais"), "Premier emploi") == [12, 5, 120.0, 130.0, 0, 0.0]
    assert values(built.table("maintien"), "6 mois") == [5, 7, 5 / 7]
    assert values(built.table("job-coachs"), "Dominique Coach") == [3, 10, 2, 1, 0.04, 0.02]
    assert values(built.table("repartition-coach"), "Camille Coach") == [30, 9, 2, 10, 4 / 9]
    assert built.as_of == date(2025, 12, 31)


def test_the_benchmarks_are_shown_with_their_source_beside_a_figure_computed_the_same_way():
    rows = report(hide=False).table("reperes").rows
    assert [(row[1].value, row[2].value) for row in rows] == [
        (0.41, "Taux d'emploi trimestriel (IPS)"),
        (0.50, "Taux d'emploi trimestriel (IPS)"),
        (0.50, "Accompagnés sur la période, en emploi au moins un jour de la période"),
    ]
    assert all("IPS" in row[3].value or "Messidor" in row[3].value for row in rows)


def test_no_benchmark_for_a_part_of_a_year_without_a_whole_quarter():
    part = measures.Scope(1, (1,), date(2025, 2, 15), date(2025, 5, 10))
    built = activity.build(fakes.summary(part), period=PERIOD, scope_label="A1", services=["A1"], hide=False)
    assert built.table("reperes").rows == []
    assert [row[0].value for row in built.table("ips-trimestriel").rows][0].endswith("(incomplet)")


def test_for_a_funder_small_counts_and_what_is_built_on_them_are_hidden():
    built = report(hide=True)
    flows = built.table("activite")
    assert values(flows, "Personnes accompagnées sur la période") == [42]
    assert values(flows, "Sorties") == ["< 5"]
    assert values(flows, "Dont réorientations") == ["< 5"]  # zero too
    assert values(flows, "Durée moyenne des parcours sortis (jours)") == ["< 5"]  # over 3 exits
    assert values(flows, "Part des parcours en cours qui sont actifs") == [27 / 30]
    assert values(built.table("sorties"), "Emploi durable") == ["< 5"]
    delays = built.table("delais")
    assert values(delays, "Premier contact employeur") == [12, 10, 21.0, 24.3, 8, 8 / 12]
    # A share over 5 people or more is shown, even when its numerator is small.
    assert values(delays, "Première immersion") == [12, "< 5", "< 5", "< 5", "< 5", 0.0]
    assert values(built.table("maintien"), "12 mois") == ["< 5", "< 5", "< 5"]
    assert values(built.table("repartition-sex"), "Homme") == [20, 5, "< 5", 6, 0.4]


def test_for_a_funder_job_coaches_are_numbered_not_named():
    built = report(hide=True)
    texts = [cell.text for table in built.tables for row in table.rows for cell in row]
    assert not any("Coach" in text for text in texts)
    assert [row[0].value for row in built.table("job-coachs").rows] == ["Job coach 1", "Job coach 2"]
    assert [row[0].value for row in built.table("repartition-coach").rows] == ["Job coach 1", "Job coach 2"]
    assert values(built.table("ips-job-coachs"), "Job coach 2") == [2 / 13] * 4  # over 13 people
    assert values(built.table("job-coachs"), "Job coach 2") == ["< 5", 10, 2, 1, 0.04, 0.02]


def test_counts_of_employer_contacts_are_not_hidden_they_count_no_one():
    assert values(report(hide=True).table("contacts"), "Job coachs") == [2]


def test_cells_print_in_the_languages_format():
    assert activity.Cell(5 / 12, activity.PERCENT).text == "41,7\u00a0%"
    assert spaced(activity.Cell(12345).text) == "12 345"
    assert activity.Cell(201.5, activity.DAYS).text == "201,5"
    assert activity.Cell(0.305, activity.DECIMAL).text == "0,31"
    assert activity.Cell(2 / 3, activity.PERCENT).text == "66,7\u00a0%"
    assert activity.Cell(None, activity.PERCENT).text == "—"
    assert activity.Cell("< 5", activity.PERCENT).text == "< 5"
    with translation.override("en"):
        assert activity.Cell(5 / 12, activity.PERCENT).text == "41.7\u00a0%"


def test_sheet_names_are_what_a_workbook_accepts():
    tables = activity.sheet_names_unique(
        [
            activity.Table("a", "Niveau de formation / diplôme : le plus élevé obtenu", "t", ["x"], []),
            activity.Table("b", "Niveau de formation / diplôme : le plus élevé obtenu", "t", ["x"], []),
            activity.Table("c", "Emploi", "t", ["x"], []),
        ]
    )
    names = [table.sheet for table in tables]
    assert all(len(name) <= 31 and not set(name) & set("[]:*?/\\") for name in names)
    assert len({name.lower() for name in names}) == 3
    assert names[2] == "Emploi"


@pytest.mark.parametrize("hostile", ['=HYPERLINK("http://example.invalid","x")', "+1+1", "-2", "@SUM(A1)"])
def test_no_text_of_the_workbook_is_read_as_a_formula(hostile):
    """A service, a coach or an organisation named like a formula stays text in every sheet."""
    built = activity.build(
        fakes.summary(SCOPE, coach_names=(hostile, "Dominique Coach")),
        period=PERIOD,
        scope_label=hostile,
        services=[hostile],
        hide=False,
    )
    book = load_workbook(
        io.BytesIO(workbook.write(built, organisation=hostile, generated_at=timezone.now())), rich_text=False
    )
    cells = [cell for ws in book.worksheets for row in ws.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    written = [cell.value for cell in cells if isinstance(cell.value, str) and hostile in cell.value]
    assert written and all(value.startswith("'") or not value.startswith(hostile[0]) for value in written)
    assert f"'{hostile}" in written
