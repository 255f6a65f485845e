"""Who reaches the IPS fidelity reviews: the service's team reads them (VIEW_CASES); heads of
service and directors create, score and finalise them and keep their improvement plans
(REVIEW_FIDELITY). A review of A1 is a 404 for anyone else; the index is a 403 for those who work
no case."""

from filrouge.fidelity import domain
from filrouge.fidelity.models import ImprovementAction
from tests.fidelity.factories import final_review, make_review
from tests.matrix import CASE_WORKERS, PERSON_TEAM, Row, a1

REVIEWERS = frozenset({"head_of_service", "director"})


def draft(world):
    return {"pk": make_review(world.a1).pk}


def final(world):
    return {"pk": final_review(world.a1).pk}


def draft_section(world):
    return {"pk": make_review(world.a1).pk, "section": "staffing"}


def action(world):
    review = final_review(world.a1)
    return {
        "pk": domain.save_action(
            ImprovementAction(review=review, what="Réunion avec Cap emploi", who="Cheffe")
        ).pk
    }


def action_to_edit(world):
    return {"action_pk": action(world)["pk"]}


ROWS = [
    Row("fidelity:index", "GET", CASE_WORKERS, denied=403),
    Row("fidelity:list", "GET", PERSON_TEAM, kwargs=a1),
    Row("fidelity:compare", "GET", PERSON_TEAM, kwargs=a1),
    Row("fidelity:create", "GET", REVIEWERS, kwargs=a1),
    Row("fidelity:create", "POST", REVIEWERS, kwargs=a1),  # empty: the form again
    Row("fidelity:detail", "GET", PERSON_TEAM, kwargs=draft),
    Row("fidelity:edit", "GET", REVIEWERS, kwargs=draft),
    Row("fidelity:edit", "POST", REVIEWERS, kwargs=draft),  # empty: the form again
    Row("fidelity:score", "GET", REVIEWERS, kwargs=draft_section),
    Row("fidelity:score", "POST", REVIEWERS, kwargs=draft_section, ok=302),  # nothing scored yet: saved
    Row("fidelity:recalculate", "GET", REVIEWERS, kwargs=draft),
    Row("fidelity:recalculate", "POST", REVIEWERS, kwargs=draft, ok=302),
    Row("fidelity:finalise", "GET", REVIEWERS, kwargs=draft),
    Row("fidelity:finalise", "POST", REVIEWERS, kwargs=draft, ok=302),  # incomplete: refused, back to it
    Row("fidelity:abandon", "GET", REVIEWERS, kwargs=draft),
    Row("fidelity:abandon", "POST", REVIEWERS, kwargs=draft, ok=302),
    Row("fidelity:plan", "GET", PERSON_TEAM, kwargs=final),
    Row("fidelity:action_add", "GET", REVIEWERS, kwargs=final),
    Row("fidelity:action_add", "POST", REVIEWERS, kwargs=final),  # empty: the form again
    Row("fidelity:action_edit", "GET", REVIEWERS, kwargs=action_to_edit),
    Row("fidelity:action_edit", "POST", REVIEWERS, kwargs=action_to_edit),  # empty: the form again
    Row("fidelity:action_complete", "POST", REVIEWERS, kwargs=action, ok=302),
]
