"""The activity report chooses its period with the dashboard's own chooser (a list of years and
quarters, or two dates), never a typed code."""

from datetime import date

import pytest
from django.urls import reverse

from filrouge.outcomes import measures, periods
from filrouge.outcomes.forms import DATES, PeriodForm
from filrouge.reports.forms import ActivityForm
from tests.reports import fakes

pytestmark = pytest.mark.django_db


@pytest.fixture
def scopes(monkeypatch):
    asked = []

    def summary(scope):
        asked.append(scope)
        return fakes.summary(scope)

    monkeypatch.setattr(measures, "summary", summary)
    return asked


def get(client, user, **query):
    client.force_login(user)
    return client.get(reverse("reports:activity"), query)


def test_the_report_and_the_dashboard_share_the_period_chooser(client, world, scopes):
    assert issubclass(ActivityForm, PeriodForm)
    form = get(client, world.users["coach"]).context["form"]
    assert list(form.fields)[:5] == ["service", "programme", "periode", "du", "au"]
    page = get(client, world.users["coach"]).content.decode()
    assert '<select name="periode"' in page
    year = date.today().year
    for option in (f'value="{year}"', f'value="{year - 1}-T4"', f'value="{DATES}"'):
        assert option in page, option


def test_two_dates_make_the_reports_period(client, world, scopes):
    response = get(
        client, world.users["coach"], service=world.a1.pk, periode=DATES, du="2025-01-15", au="2025-06-30"
    )
    assert response.status_code == 200
    assert response.context["report"].period == periods.span(date(2025, 1, 15), date(2025, 6, 30))
    assert (scopes[0].start, scopes[0].end) == (date(2025, 1, 15), date(2025, 6, 30))


def test_a_month_sent_by_a_link_is_shown_chosen(client, world, scopes):
    response = get(client, world.users["coach"], service=world.a1.pk, periode="2025-03")
    assert response.context["report"].period == periods.parse("2025-03")
    assert '<option value="2025-03" selected>' in response.content.decode()


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ({"periode": DATES, "du": "2025-01-15"}, "Indiquez les deux dates de la période."),
        (
            {"periode": DATES, "du": "2025-06-30", "au": "2025-01-01"},
            "La fin de la période précède son début.",
        ),
        ({"periode": "2025-T9"}, "Période non reconnue"),
    ],
)
def test_a_period_that_cannot_be_read_is_said_and_the_values_kept(client, world, scopes, query, error):
    response = get(client, world.users["coach"], service=world.a1.pk, **query)
    assert response.status_code == 200
    page = response.content.decode()
    assert error in page.replace("&#x27;", "'")
    assert response.context["report"] is None and scopes == []
    if "du" in query:
        assert f'value="{query["du"]}"' in page
