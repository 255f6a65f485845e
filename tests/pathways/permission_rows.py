from filrouge.pathways import domain
from filrouge.pathways.models import ExitOutcome
from tests.matrix import LOGGED_IN, Row
from tests.pathways.factories import enrol


def a_pathway_without_lead_coach(world):
    return {"pk": enrol(world.a1).pk}


def an_exited_pathway(world):
    """A pathway of A1 led by A1's coach, closed today: its coach may still reopen it."""
    enrolment = enrol(world.a1, coach=world.users["coach"])
    domain.record_exit(enrolment, on=domain.today(), outcome=ExitOutcome.MOVED, by=None)
    return {"pk": enrolment.pk}


# Reopening a pathway closed by mistake: heads of service (and directors, who hold every action
# of a service), and the pathway's own coaches within 7 days of the exit; 404 for anyone else.
REOPENERS = frozenset({"head_of_service", "director", "coach"})

ROWS = [
    # Taking a pathway that has no lead coach: a job coach of its service; by POST only.
    Row("pathways:take_lead", "GET", LOGGED_IN, kwargs=a_pathway_without_lead_coach, ok=405),
    Row("pathways:take_lead", "POST", frozenset({"coach"}), kwargs=a_pathway_without_lead_coach, ok=302),
    Row("pathways:reopen", "GET", REOPENERS, kwargs=an_exited_pathway),
    Row("pathways:reopen", "POST", REOPENERS, kwargs=an_exited_pathway, data={"reason": ""}),
    Row(
        "pathways:reopen",
        "POST",
        REOPENERS,
        kwargs=an_exited_pathway,
        ok=302,
        data={"reason": "Sortie enregistrée sur le mauvais parcours."},
    ),
]
