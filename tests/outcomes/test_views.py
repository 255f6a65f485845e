"""The dashboard: who sees which services' figures (a funder sees "< 5" and no name, a coach of
another service nothing of this one), the period and the other filters (a refused value says why
and the page still shows the default period), and numbers equal to `measures.summary`."""

import html
import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from filrouge.organisations.models import Role
from filrouge.outcomes import measures, periods
from filrouge.outcomes.views import percent
from tests.accounts.factories import staff
from tests.outcomes import factories as f

pytestmark = pytest.mark.django_db

URL = "/chiffres/"
YEAR = periods.year(2025)  # a past year: its figures no longer move


def page_of(response) -> str:
    return html.unescape(response.content.decode())


def text_of(response) -> str:
    """The page's main content as read: without markup (nor the charts' own texts)."""
    main = response.content.decode().split("<main", 1)[1]
    main = re.sub(r"<svg.*?</svg>", " ", main, flags=re.S)
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(re.sub(r"<[^>]+>", " ", main)))  # keeps no-break spaces


@pytest.fixture
def data(world):
    """Service A1 in 2025: six pathways led by A1's coach (three of them found a job), two led by
    another coach; employer contacts about them."""
    coach = world.users["coach"]
    other = staff(Role.COACH, world.a1, full_name="Gaëlle Autrecoach")
    mine = []
    for day in range(1, 7):
        enrolment = f.pathway(world.a1, date(2025, 2, day), coach=coach)
        mine.append(enrolment)
        f.employer_contact(coach, date(2025, 2, 20), who=enrolment.person)
    for enrolment in mine[:3]:
        f.job(enrolment, date(2025, 4, 1))
    theirs = [f.pathway(world.a1, date(2025, 5, day), coach=other) for day in (1, 2)]
    f.pathway(world.a2, date(2025, 3, 1), coach=world.users["other_service_coach"])
    return {"coach": coach, "other": other, "mine": mine, "theirs": theirs}


def get(client, user, **params):
    client.force_login(user)
    return client.get(URL, params)


# --- Who sees what -----------------------------------------------------------------------------


def test_the_page_is_the_dashboard_of_the_outcomes_app():
    assert reverse("outcomes:dashboard") == URL


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", ["org_admin", "dpo", "other_org_admin"])
def test_those_who_see_no_figures_are_refused(client, world, role):
    assert get(client, world.users[role]).status_code == 403


def test_a_coach_sees_their_own_caseload_by_default(client, world, data):
    response = get(client, data["coach"], periode="2025")
    summary = response.context["summary"]
    assert summary.scope == measures.Scope.of([world.a1], YEAR, coach=data["coach"])
    assert summary.flows.entries == 6
    assert response.context["mine"] and "les parcours que je mène" in text_of(response)
    assert 'name="portee"' in page_of(response)


def test_a_coach_may_see_their_whole_service(client, world, data):
    summary = get(client, data["coach"], periode="2025", portee="service").context["summary"]
    assert summary.scope == measures.Scope.of([world.a1], YEAR)
    assert summary.flows.entries == 8


def test_a_head_of_service_sees_their_service_by_default_even_when_leading_pathways(client, world, data):
    head = world.users["head_of_service"]
    f.pathway(world.a1, date(2025, 6, 1), coach=head)
    response = get(client, head, periode="2025")
    assert response.context["summary"].scope == measures.Scope.of([world.a1], YEAR)
    mine = get(client, head, periode="2025", portee="moi").context["summary"]
    assert mine.scope.coach_id == head.pk and mine.flows.entries == 1


def test_a_link_with_some_filters_shows_the_others_at_their_default(client, world, data):
    head = world.users["head_of_service"]
    f.pathway(world.a1, date(2025, 6, 1), coach=head)
    page = page_of(get(client, head, periode="2025"))
    assert '<option value="service" selected>' in page
    assert '<option value="mois" selected>' in page


def test_whoever_leads_no_pathway_is_offered_no_choice_of_portfolio(client, world, data):
    response = get(client, world.users["psychologist"], periode="2025")
    assert 'name="portee"' not in page_of(response)
    # A "mine" sent anyway changes nothing: there is no portfolio to show.
    response = get(client, world.users["psychologist"], periode="2025", portee="moi")
    assert response.context["summary"].scope.coach_id is None


def test_a_coach_of_another_service_sees_nothing_of_this_one(client, world, data):
    coach = world.users["other_service_coach"]
    response = get(client, coach, periode="2025", portee="service")
    assert response.context["shown_services"] == [world.a2]
    assert response.context["summary"].flows.entries == 1
    assert "A1" not in text_of(response)
    # A2 is the only service offered (no choice of service): asking for A1 by its id changes nothing.
    response = get(client, coach, periode="2025", service=world.a1.pk)
    assert response.context["summary"].scope.service_ids == (world.a2.pk,)


def test_a_director_sees_every_service_of_the_organisation_or_the_one_chosen(client, world, data):
    director = world.users["director"]
    response = get(client, director, periode="2025")
    assert response.context["summary"].scope.service_ids == tuple(sorted((world.a1.pk, world.a2.pk)))
    assert response.context["summary"].flows.entries == 9
    select = re.search(r'<select name="service".*?</select>', page_of(response), re.S)[0]
    options = re.findall(r'<option value="(\d+)"', select)
    assert sorted(map(int, options)) == sorted([world.a1.pk, world.a2.pk])  # never B1
    one = get(client, director, periode="2025", service=world.a1.pk).context["summary"]
    assert one.scope.service_ids == (world.a1.pk,) and one.flows.entries == 8
    refused = get(client, director, periode="2025", service=world.b1.pk)
    assert refused.context["form"].errors["service"]
    assert refused.context["summary"].scope.service_ids == tuple(sorted((world.a1.pk, world.a2.pk)))


def test_a_funder_sees_small_counts_as_less_than_5_and_no_name(client, world, data):
    response = get(client, world.users["funder_viewer"], periode="2025")
    assert response.context["hide"]
    text = text_of(response)
    summary = response.context["summary"]
    assert summary.flows.entries == 8
    assert "< 5" in text
    # The entries (8) are shown, the three jobs are not.
    assert re.search(r"Entrées 8\b", text)
    assert not re.search(r"Emplois commencés sur la période 3\b", text)
    assert "Emplois commencés sur la période < 5" in text
    # No staff member, no person is named; the coaches are numbered.
    page = page_of(response)
    for name in [data["coach"].full_name, data["other"].full_name]:
        assert name not in page
    for enrolment in data["mine"] + data["theirs"]:
        assert enrolment.person.last_name not in page
    assert "Job coach 1" in text and "Job coach 2" in text
    assert "chart-breakdown-coach" not in page
    assert 'name="portee"' not in page


def test_case_workers_see_the_counts_and_the_coaches_by_name(client, world, data):
    response = get(client, world.users["head_of_service"], periode="2025")
    assert not response.context["hide"]
    text = text_of(response)
    assert "Emplois commencés sur la période 3" in text
    assert data["coach"].full_name in text and data["other"].full_name in text
    assert "chart-breakdown-coach" in page_of(response)


# --- The same numbers as the measures ----------------------------------------------------------


def test_the_numbers_on_the_page_are_those_of_the_measures(client, world, data):
    response = get(client, world.users["head_of_service"], periode="2025")
    expected = measures.summary(measures.Scope.of([world.a1], YEAR))
    assert response.context["summary"] == expected
    trend = measures.trend(measures.Scope.of([world.a1], YEAR), "month")
    assert response.context["trend"] == trend
    text = text_of(response)
    flows = expected.flows
    assert f"Personnes accompagnées sur la période {flows.supported} " in text
    assert f"Entrées {flows.entries} " in text
    assert f"Sorties {flows.exits} " in text
    last = expected.ips_quarters[-1]
    assert f"Taux d'emploi trimestriel (IPS) {percent(last.rate.value)} " in text
    for quarter in expected.ips_quarters:
        rate = quarter.rate
        assert f"{quarter.period.label} {rate.denominator} {rate.numerator} {percent(rate.value)} " in text
    cohort = expected.entry_cohort_rate
    assert f"Entrés sans emploi, en emploi dans les 12 mois {percent(cohort.value)} " in text
    assert f"Emplois commencés sur la période {expected.jobs_started} " in text
    assert f"Contacts employeurs {expected.employer_contacts.total} " in text
    for point in trend:
        assert f"{point.period.label} {point.entries} {point.exits} {point.employer_contacts} " in text
    for row in next(b for b in expected.breakdowns if b.dimension == "service").rows:
        assert f"{row.label} {row.supported} {row.entries} {row.exits} {row.employed} " in text
    # Each benchmark beside its own figure, with its source: the IPS ones beside the quarters,
    # the French service's beside the year's figure (2025 is a whole year).
    for benchmark in measures.BENCHMARKS:
        assert f"{benchmark.label} : {percent(benchmark.value)}" in text
        assert f"{benchmark.label} : {benchmark.source}" in text
    assert "Définitions des indicateurs en vigueur au 6 décembre 2026" in text


def test_no_benchmark_stands_beside_an_incomplete_quarter_or_a_part_of_a_year(client, world, data):
    response = get(client, world.users["head_of_service"], periode="dates", du="2025-02-15", au="2025-05-10")
    text = text_of(response)
    for benchmark in measures.BENCHMARKS:
        assert str(benchmark.label) not in text
    assert "pas de repère pour un trimestre incomplet" in text


def test_the_quarterly_trend_is_the_measures_by_quarter(client, world, data):
    response = get(client, world.users["head_of_service"], periode="2025", tendance="trimestre")
    assert response.context["trend"] == measures.trend(measures.Scope.of([world.a1], YEAR), "quarter")
    assert [point.period.label for point in response.context["trend"]] == [
        "T1 2025",
        "T2 2025",
        "T3 2025",
        "T4 2025",
    ]


def test_a_trend_over_more_than_three_years_is_shown_by_quarter(client, world, data):
    response = get(client, world.users["head_of_service"], periode="dates", du="2022-01-01", au="2025-12-31")
    assert [point.period.kind for point in response.context["trend"]] == ["quarter"] * 16
    assert "Sur plus de 36 mois, l'évolution est montrée par trimestre." in text_of(response)


# --- The period and the other filters ----------------------------------------------------------


def test_the_default_period_is_the_current_year(client, world):
    response = get(client, world.users["head_of_service"])
    assert response.context["period"] == periods.current_year(timezone.localdate())
    assert f'<option value="{timezone.localdate().year}" selected>' in page_of(response)


def test_a_quarter_a_month_or_two_dates_choose_the_period(client, world, data):
    head = world.users["head_of_service"]
    assert get(client, head, periode="2025-T2").context["period"] == periods.quarter(2025, 2)
    month = get(client, head, periode="2025-03")
    assert month.context["period"] == periods.month(2025, 3)
    # A month sent by a link is not in the list: it joins it, chosen.
    assert '<option value="2025-03" selected>' in page_of(month)
    span = get(client, head, periode="dates", du="2025-02-01", au="2025-02-28")
    assert span.context["period"] == periods.span(date(2025, 2, 1), date(2025, 2, 28))
    assert span.context["summary"].flows.entries == 6


def test_dates_are_read_only_with_the_dates_choice(client, world):
    response = get(client, world.users["head_of_service"], periode="2025", du="2025-02-01", au="2025-02-28")
    assert response.context["period"] == periods.year(2025)
    assert not response.context["form"].errors


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"periode": "2025-13"}, "periode", "Cette date n'existe pas."),
        ({"periode": "n'importe quoi"}, "periode", "Période non reconnue"),
        (
            {"periode": "dates", "du": "2025-06-30", "au": "2025-01-01"},
            "au",
            "La fin de la période précède son début.",
        ),
        ({"periode": "dates", "du": "2025-01-01"}, "au", "Indiquez les deux dates de la période."),
        ({"periode": "dates"}, "du", "Indiquez les deux dates de la période."),
        (
            {"periode": "dates", "du": "2010-01-01", "au": "2025-01-01"},
            "au",
            "Une période ne peut dépasser dix ans.",
        ),
        ({"periode": "dates", "du": "2025-02-30", "au": "2025-03-01"}, "du", "Saisissez une date valide."),
        ({"tendance": "semaine"}, "tendance", "Sélectionnez un choix valide"),
        ({"portee": "tous"}, "portee", "Sélectionnez un choix valide"),
    ],
)
def test_a_wrong_filter_says_why_and_the_page_shows_the_default(client, world, data, params, field, message):
    response = get(client, data["coach"], **params)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert message in page_of(response)
    assert 'class="error-summary"' in page_of(response)
    default = periods.current_year(timezone.localdate())
    if field != "tendance" and field != "portee":
        assert response.context["period"] == default
        assert f"période par défaut : {default.label}" in text_of(response)


def test_a_period_without_any_figure_says_so(client, world):
    response = get(client, world.users["head_of_service"], periode="2019")
    assert response.status_code == 200
    assert "Aucune donnée sur cette période." in text_of(response)
    assert "<svg" not in page_of(response).split("<main", 1)[1]


# --- Charts and tables -------------------------------------------------------------------------


def test_each_chart_is_named_and_followed_by_the_table_of_its_data(client, world, data):
    page = get(client, world.users["head_of_service"], periode="2025").content.decode()
    main = page.split("<main", 1)[1]
    drawings = re.findall(r'<div class="chart-figure__drawing">(<svg.*?</svg>)</div>\s*<table', main, re.S)
    assert len(drawings) == main.count("<svg") >= 10
    for svg in drawings:
        chart_id = re.search(r'aria-labelledby="([^"]+)-title"', svg)[1]
        assert 'role="img"' in svg
        assert f'<title id="{chart_id}-title">' in svg and f'<desc id="{chart_id}-desc">' in svg
        assert f'aria-describedby="{chart_id}-desc"' in svg
    ids = re.findall(r'aria-labelledby="([^"]+)-title"', main)
    assert len(ids) == len(set(ids))  # ids unique in the page
    assert main.count("<caption>") >= len(drawings)
    assert 'scope="col"' in main and 'scope="row"' in main


def test_names_are_escaped_in_the_charts_and_the_tables(client, world, data):
    data["other"].full_name = '<script>alert("x")</script>'
    data["other"].save()
    page = get(client, world.users["head_of_service"], periode="2025").content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_figures_are_written_the_french_way(client, world, data):
    text = text_of(get(client, world.users["head_of_service"], periode="2025"))
    assert "41\u00a0%" in text  # the IPS average, with a no-break space
    assert re.search(r"Semaines \d+,\d\b", text)  # a decimal comma


def test_the_funder_lands_on_the_dashboard_and_every_viewer_has_its_link(client, world):
    funder = world.users["funder_viewer"]
    client.force_login(funder)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response["Location"] == URL
    page = page_of(client.get(URL))
    assert f'<a href="{URL}" aria-current="page">Chiffres</a>' in page or f'href="{URL}"' in page
    client.force_login(world.users["org_admin"])
    assert f'href="{URL}"' not in page_of(client.get(reverse("accounts:admin_list")))
