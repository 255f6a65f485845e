"""The demo's IPS fidelity reviews: for the first service of each organisation, last year's
review, final, with its improvement plan, and this year's, a draft half scored.

Made up like the rest of the demo, through the fidelity domain functions, after the pathways
and the employment stories: the items the data can score start from the demo's own figures.
A service that already has a review is left alone: loading the demo twice adds nothing.
"""

import random
from datetime import date, timedelta

from filrouge.fidelity import domain, scale
from filrouge.fidelity.models import ActionStatus, ImprovementAction, Review
from filrouge.pathways.domain import today

# What the reviewers of a young IPS service typically find: a few items still weak.
WEAK_ITEMS = {"organisation_3": 2, "services_1": 2, "services_7": 3}
PLAN = [
    (
        "organisation_3",
        "Rencontrer chaque mois les conseillers de France Travail et de Cap emploi.",
        "Chef·fe de service",
    ),
    (
        "services_1",
        "Proposer à chaque personne un point sur ses droits et ses revenus en cas de reprise d'emploi.",
        "Assistant·e de service social",
    ),
    (
        "services_7",
        "Préparer chaque visite d'employeur avec la personne et en faire le compte rendu.",
        "Job coachs",
    ),
]


def seed_fidelity(services, head_of_service, seed: int) -> None:
    service = services[0]
    if Review.objects.filter(service=service).exists():
        return
    rng = random.Random(seed)
    now = today()
    last_year = date(now.year - 1, 1, 1), date(now.year - 1, 12, 31)
    final = domain.create_review(
        service,
        start=last_year[0],
        end=last_year[1],
        reviewed_on=date(now.year, 1, 20),
        by=head_of_service,
        reviewers=[head_of_service],
        external_reviewers="Équipe d'évaluation régionale (synthétique)",
    )
    _score(final, rng, share=1.0)
    domain.finalise(final, head_of_service)
    for index, (code, what, who) in enumerate(PLAN):
        domain.save_action(
            ImprovementAction(
                review=final,
                item_code=code,
                what=what,
                who=who,
                due_on=date(now.year, 6, 30),
                status=ActionStatus.DONE if index == 0 else ActionStatus.IN_PROGRESS,
            ),
            by=head_of_service,
        )
    draft = domain.create_review(
        service,
        start=date(now.year, 1, 1),
        end=now - timedelta(days=1) if now.timetuple().tm_yday > 1 else now,
        reviewed_on=now,
        by=head_of_service,
        reviewers=[head_of_service],
    )
    _score(draft, rng, share=0.5)


def _score(review: Review, rng: random.Random, share: float) -> None:
    """Scores the first `share` of the items: the data's suggestion where there is one, else a
    reviewer's judgement (mostly 4s, the weak items lower)."""
    items = list(review.items.all())
    items.sort(key=lambda item: list(scale.ITEMS).index(item.code))
    for item in items[: round(len(items) * share)]:
        if item.suggested_score is not None:
            item.score = item.suggested_score
        else:
            item.score = WEAK_ITEMS.get(item.code, rng.choice((3, 4, 4, 5)))
            item.notes = "Constaté lors des entretiens avec l'équipe et de la lecture des dossiers."
    domain.save_scores(review, items)
