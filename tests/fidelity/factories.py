"""Fidelity reviews built through the domain rules, with evidence written by hand (the figures a
service's data would give, without building its histories)."""

from dataclasses import replace
from datetime import date

from filrouge.fidelity import domain, scale
from filrouge.outcomes.measures import FidelityEvidence, Rate

GOOD_EVIDENCE = FidelityEvidence(
    as_of=date(2025, 12, 31),
    people=35,
    coaches=3,
    coach_fte=2.0,  # 17,5 people per FTE
    employment_services_share=95.0,  # suggests 4
    entries=10,
    met_an_employer=8,
    first_employer_mean_days=21.0,
    weeks=365 / 7,
    job_development_contacts=339,
    job_development_per_coach_week=6.5,
    jobs=20,
    distinct_job_titles=18,
    distinct_employers=17,
    competitive_jobs=Rate(19, 20),
    follow_along_first_week=Rate(9, 10),
    follow_along_weekly=Rate(38, 40),
    follow_along_monthly=Rate(100, 100),
    follow_along_after_first_month=Rate(90, 90),
    follow_along_four_months=Rate(10, 10),
    meetings_outside_office=Rate(70, 100),
    distinct_occupations=15,
)

EMPTY_EVIDENCE = FidelityEvidence(
    as_of=date(2025, 12, 31),
    people=0,
    coaches=0,
    coach_fte=0.0,
    employment_services_share=None,
    entries=0,
    met_an_employer=0,
    first_employer_mean_days=None,
    weeks=365 / 7,
    job_development_contacts=0,
    job_development_per_coach_week=None,
    jobs=0,
    distinct_job_titles=0,
    distinct_employers=0,
    competitive_jobs=Rate(0, 0),
    follow_along_first_week=Rate(0, 0),
    follow_along_weekly=Rate(0, 0),
    follow_along_monthly=Rate(0, 0),
    follow_along_after_first_month=Rate(0, 0),
    follow_along_four_months=Rate(0, 0),
    meetings_outside_office=Rate(0, 0),
)


def evidence(**changes) -> FidelityEvidence:
    return replace(GOOD_EVIDENCE, **changes)


def make_review(
    service, by=None, *, evidence=GOOD_EVIDENCE, start=date(2025, 1, 1), end=date(2025, 12, 31), **fields
):
    return domain.create_review(
        service,
        start=start,
        end=end,
        reviewed_on=fields.pop("reviewed_on", end),
        by=by,
        evidence=evidence,
        **fields,
    )


def score_all(review, scores: dict | None = None, default: int = 4):
    """Scores every item (`default`, or the suggestion when there is one), `scores` by code first;
    overrides get a justification."""
    items = list(review.items.all())
    for item in items:
        item.score = (scores or {}).get(item.code) or item.suggested_score or default
        if item.overridden:
            item.justification = "Constaté lors de la visite."
    domain.save_scores(review, items)
    return review


def final_review(service, by=None, scores=None, **fields):
    review = score_all(make_review(service, by, **fields), scores)
    return domain.finalise(review, by)


ALL_CODES = list(scale.ITEMS)
