"""The anchors of the items the data scores, on their boundaries, and the evidence in words."""

import pytest
from django.utils import translation

from filrouge.fidelity import prefill
from filrouge.outcomes.measures import Rate
from tests.fidelity.factories import EMPTY_EVIDENCE, GOOD_EVIDENCE, evidence


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


@pytest.mark.parametrize(
    ("people", "score"),
    [
        (0, 5),
        (20, 5),
        (20.5, 4),
        (21, 4),
        (25, 4),
        (26, 3),
        (30, 3),
        (31, 2),
        (40, 2),
        (40.5, 1),
        (41, 1),
        (90, 1),
    ],
)
def test_caseload_anchor(people, score):
    assert prefill.caseload_score(people) == score


@pytest.mark.parametrize(
    ("share", "score"),
    [
        (0, 1),
        (59, 1),
        (59.9, 1),
        (60, 2),
        (74, 2),
        (74.9, 2),
        (75, 3),
        (89, 3),
        (90, 4),
        (95, 4),
        (95.5, 4),  # not yet 96
        (96, 5),
        (100, 5),
    ],
)
def test_employment_services_anchor_is_the_ips_25_one(share, score):
    assert prefill.employment_services_score(share) == score


@pytest.mark.parametrize(
    ("days", "score"),
    [(0, 5), (30, 5), (31, 4), (60, 4), (61, 3), (150, 3), (151, 2), (270, 2), (271, 1), (400, 1)],
)
def test_rapid_search_anchor(days, score):
    assert prefill.rapid_search_score(days) == score


@pytest.mark.parametrize(
    ("per_week", "score"),
    [
        (0, 1),
        (1.99, 1),  # under 2: no point, the scale's 1
        (2, 2),
        (2.99, 2),
        (3, 3),  # midway between 2 and 4: the higher score
        (4, 3),
        (4.49, 3),
        (4.5, 4),  # midway between 4 and 5
        (5, 4),
        (5.49, 4),
        (5.5, 5),  # midway between 5 and 6
        (6, 5),
        (12, 5),
        (31.5 / 7, 4),  # 4.4999999999999… as a float: 4.5
    ],
)
def test_employer_contact_score_is_the_closest_scale_point(per_week, score):
    assert prefill.employer_contact_score(per_week) == score


@pytest.mark.parametrize(
    ("share", "score"),
    [(0, 1), (0.49, 1), (0.5, 2), (0.59, 2), (0.6, 3), (0.69, 3), (0.7, 4), (0.84, 4), (0.85, 5), (1, 5)],
)
def test_diversity_anchor(share, score):
    assert prefill.diversity_score(share) == score


@pytest.mark.parametrize(
    ("share", "score"),
    [(0, 1), (0.64, 1), (0.65, 2), (0.74, 2), (0.75, 3), (0.84, 3), (0.85, 4), (0.94, 4), (0.95, 5), (1, 5)],
)
def test_competitive_anchor(share, score):
    assert prefill.competitive_score(share) == score


@pytest.mark.parametrize(
    ("share", "score"),
    [(0, 1), (0.29, 1), (0.3, 2), (0.39, 2), (0.4, 3), (0.49, 3), (0.5, 4), (0.64, 4), (0.65, 5), (1, 5)],
)
def test_community_anchor(share, score):
    assert prefill.community_score(share) == score


R = Rate


@pytest.mark.parametrize(
    ("weekly", "monthly", "after_first_month", "four_months", "score"),
    [
        (R(0, 0), R(0, 0), R(0, 0), R(0, 0), None),  # no month of a job due
        (R(4, 4), R(1, 12), R(0, 11), R(0, 1), 1),  # nobody met after the first month
        (R(4, 4), R(1, 1), R(0, 0), R(0, 0), 3),  # only first months due: 1 cannot be seen
        (R(2, 8), R(5, 24), R(3, 22), R(0, 2), 2),  # under half of the jobs followed 4 months
        (R(2, 8), R(5, 24), R(3, 22), R(1, 2), 3),  # half of them
        (R(0, 0), R(5, 10), R(4, 9), R(0, 0), 3),  # no job with 4 months due: half of the months
        (R(0, 0), R(4, 10), R(3, 9), R(0, 0), 2),
        (R(9, 10), R(9, 10), R(8, 9), R(1, 1), 4),  # 90 % of the weeks and of the months
        (R(8, 10), R(10, 10), R(9, 9), R(1, 1), 3),  # weekly the first month: not quite
        (R(0, 0), R(12, 12), R(11, 11), R(1, 1), 3),  # no first month in the period: no 4
        (R(4, 4), R(12, 12), R(11, 11), R(1, 1), 4),  # a 5 needs the week before: never suggested
    ],
)
def test_follow_along_anchor(weekly, monthly, after_first_month, four_months, score):
    assert prefill.follow_along_score(weekly, monthly, after_first_month, four_months) == score


def test_the_evidence_says_the_figures_and_the_rule_in_words():
    suggestions = prefill.suggest(GOOD_EVIDENCE)
    caseload = suggestions["staffing_1"]
    assert caseload.score == 5
    assert "17,5 personnes par ETP de job coach (3 job coachs, 2 ETP)" in caseload.evidence
    assert "Personnes en parcours au 31 décembre 2025 : 35" in caseload.evidence
    assert "5 jusqu'à 20 personnes par ETP" in caseload.evidence
    staff = suggestions["staffing_2"]
    assert staff.score == 4
    assert "95 % en moyenne, pondérée par le temps de travail" in staff.evidence
    assert "5 à partir de 96 %, 4 de 90 à 95 %" in staff.evidence
    search = suggestions["services_4"]
    assert search.score == 5
    assert "21 jours après l'entrée en moyenne" in search.evidence
    assert (
        "Sur 10 parcours entrés sur la période : avec une rencontre, 8 ; sans rencontre pour l'instant, 2"
        in (search.evidence)
    )
    assert "jusqu'au 31 décembre 2025" in search.evidence
    development = suggestions["services_6"]
    assert development.score == 5
    assert "6,5 rencontres d'employeurs en face à face par job coach et par semaine" in development.evidence
    assert "339 rencontres comptées sur 52,1 semaines" in development.evidence
    assert "le point de l'échelle le plus proche" in development.evidence
    assert (
        suggestions["services_8"].score == 5
        and "Métiers distincts : 18 (15 codes ROME) pour 20 emplois" in suggestions["services_8"].evidence
    )
    assert (
        suggestions["services_9"].score == 5
        and "Employeurs distincts : 17 pour 20 emplois" in suggestions["services_9"].evidence
    )
    assert suggestions["services_10"].score == 5 and "95 % (19 sur 20)" in suggestions["services_10"].evidence
    assert (
        suggestions["services_13"].score == 5 and "70 % (70 sur 100)" in suggestions["services_13"].evidence
    )


def test_the_follow_along_evidence_gives_each_share_and_the_mapping():
    follow = prefill.suggest(GOOD_EVIDENCE)["services_12"]
    assert follow.score == 4
    text = follow.evidence
    assert "dans la première semaine, 90 % (9 sur 10) des emplois" in text
    assert "chaque semaine du premier mois, 95 % (38 sur 40) des semaines" in text
    assert "chaque mois de la première année, 100 % (100 sur 100) des mois" in text
    assert "chacun des 4 premiers mois, 100 % (10 sur 10) des emplois" in text
    assert "presque toutes (90 %)" in text and "Le 5 demande aussi" in text


def test_a_share_with_nothing_due_says_so():
    follow = prefill.follow_along(
        evidence(follow_along_weekly=Rate(0, 0), follow_along_first_week=Rate(0, 0))
    )
    assert follow.score == 3  # weekly not seen: no 4
    assert "chaque semaine du premier mois, sans objet (aucun dû)" in follow.evidence


def test_only_the_items_the_data_measures_are_suggested():
    assert sorted(prefill.suggest(GOOD_EVIDENCE)) == sorted(
        [
            "staffing_1",
            "staffing_2",
            "services_4",
            "services_6",
            "services_8",
            "services_9",
            "services_10",
            "services_12",
            "services_13",
        ]
    )


def test_without_coaches_or_jobs_nothing_is_suggested_and_the_evidence_says_why():
    suggestions = prefill.suggest(EMPTY_EVIDENCE)
    assert all(suggestion.score is None for suggestion in suggestions.values())
    assert "Aucun job coach actif" in suggestions["staffing_1"].evidence
    assert "Aucun job coach actif" in suggestions["staffing_2"].evidence
    assert "Aucun job coach actif" in suggestions["services_6"].evidence
    assert "Aucune entrée sur la période" in suggestions["services_4"].evidence
    for code in ("services_8", "services_9", "services_10"):
        assert "Aucun emploi commencé sur la période" in suggestions[code].evidence
    assert "Aucun mois d'emploi entier sur la période" in suggestions["services_12"].evidence
    assert "Aucune rencontre tenue" in suggestions["services_13"].evidence


def test_the_caseload_is_people_per_full_time_equivalent():
    half_time = prefill.caseload(evidence(people=10, coaches=1, coach_fte=0.5))
    assert half_time.score == 5
    assert "20 personnes par ETP de job coach (1 job coach, 0,5 ETP)" in half_time.evidence
    two = prefill.caseload(evidence(people=33, coaches=2, coach_fte=1.5))
    assert two.score == 4
    assert "22 personnes par ETP de job coach (2 job coachs, 1,5 ETP)" in two.evidence
    three_quarters = prefill.caseload(evidence(people=3, coaches=1, coach_fte=0.75))
    assert "4 personnes par ETP de job coach (1 job coach, 0,75 ETP)" in three_quarters.evidence


def test_a_rapid_search_mean_is_scored_on_the_ips_25_anchors():
    assert prefill.rapid_search(evidence(first_employer_mean_days=30.5)).score == 4
    late = prefill.rapid_search(evidence(first_employer_mean_days=200.0, entries=1, met_an_employer=0))
    assert late.score == 2
    assert (
        "Sur 1 parcours entré sur la période : avec une rencontre, 0 ; sans rencontre pour l'instant, 1"
        in (late.evidence)
    )


def test_a_whole_figure_is_written_without_decimals_and_under_two_in_the_singular():
    assert "20 personnes par ETP" in prefill.caseload(evidence(people=20, coach_fte=1.0, coaches=1)).evidence
    assert "(1 job coach, 1 ETP)" in prefill.caseload(evidence(people=20, coach_fte=1.0, coaches=1)).evidence
    assert "1,5 personne par ETP" in prefill.caseload(evidence(people=3, coach_fte=2.0)).evidence
    assert "1 jour après l'entrée" in prefill.rapid_search(evidence(first_employer_mean_days=1.0)).evidence
