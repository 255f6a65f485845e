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
    ("days", "score"),
    [(0, 5), (30, 5), (31, 4), (60, 4), (61, 3), (150, 3), (151, 2), (270, 2), (271, 1), (400, 1)],
)
def test_rapid_search_anchor(days, score):
    assert prefill.rapid_search_score(days) == score


@pytest.mark.parametrize(
    ("per_week", "score"),
    [(0, 1), (1.9, 1), (2, 2), (2.9, 2), (3, 3), (4.9, 3), (5, 4), (5.9, 4), (6, 5), (12, 5)],
)
def test_employer_contact_anchor(per_week, score):
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


@pytest.mark.parametrize(
    ("monthly", "over_a_year", "score"),
    [
        (0, None, 1),
        (0.49, None, 2),
        (0.5, None, 3),
        (1, None, 3),  # no job held a year yet: "for a year or more" cannot be seen
        (0.89, 1, 3),
        (0.9, 0.89, 3),
        (0.9, 0.9, 4),
        (1, 1, 4),  # a 5 needs contacts before the start: never suggested
    ],
)
def test_follow_along_anchor(monthly, over_a_year, score):
    assert prefill.follow_along_score(monthly, over_a_year) == score


def test_the_evidence_says_the_figures_in_words():
    suggestions = prefill.suggest(GOOD_EVIDENCE)
    caseload = suggestions["staffing_1"]
    assert caseload.score == 5
    assert "17,5 personnes par job coach en moyenne (4 job coachs)" in caseload.evidence
    assert suggestions["services_4"].score == 5
    assert (
        "21 jours" in suggestions["services_4"].evidence
        and "80 % (8 sur 10)" in suggestions["services_4"].evidence
    )
    assert suggestions["services_6"].score == 5 and "6,5 rencontres" in suggestions["services_6"].evidence
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


def test_monthly_follow_along_is_evidence_of_the_time_unlimited_follow_along_item():
    follow = prefill.suggest(GOOD_EVIDENCE)["services_12"]
    assert follow.score == 4
    assert "au moins mensuel" in follow.evidence and "rattaché à cet item" in follow.evidence
    assert "100 % (10 sur 10)" in follow.evidence and "100 % (5 sur 5)" in follow.evidence


def test_only_the_items_the_data_measures_are_suggested():
    assert sorted(prefill.suggest(GOOD_EVIDENCE)) == sorted(
        [
            "staffing_1",
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
    assert "Aucun job coach actif" in suggestions["services_6"].evidence
    assert "Aucune entrée sur la période" in suggestions["services_4"].evidence
    for code in ("services_8", "services_9", "services_10"):
        assert "Aucun emploi commencé sur la période" in suggestions[code].evidence
    assert "Aucun emploi en cours depuis au moins un mois" in suggestions["services_12"].evidence
    assert "Aucune rencontre tenue" in suggestions["services_13"].evidence


def test_entries_without_any_employer_met_yet_give_no_delay():
    suggestion = prefill.rapid_search(
        evidence(first_face_to_face_median_days=None, first_face_to_face_within_30=Rate(0, 3))
    )
    assert suggestion.score is None
    assert "3 personnes entrées sur la période : aucune rencontre" in suggestion.evidence


def test_a_whole_mean_is_written_without_decimals():
    assert "20 personnes par job coach" in prefill.caseload(evidence(mean_caseload=20.0, coaches=1)).evidence
    assert "(1 job coach)" in prefill.caseload(evidence(mean_caseload=20.0, coaches=1)).evidence
    assert "1,5 personne par job coach" in prefill.caseload(evidence(mean_caseload=1.5, coaches=2)).evidence
