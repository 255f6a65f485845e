"""What the matching app adds to other apps' pages: the opening's candidates and proposals."""

from filrouge import policy
from filrouge.employers.models import OpeningStatus
from filrouge.matching import domain
from filrouge.matching.models import Proposal


def opening_panel(user, opening) -> dict:
    """Context for `matching/_opening_panel.html`, included by the opening's page: the people of
    the user's services who fit it best, and the proposals made for it that the user may see."""
    editable = set(policy.scoped_services(user, policy.Action.EDIT_CASES).values_list("pk", flat=True))
    proposals = list(
        policy.scoped_case_records(user, Proposal.objects.filter(opening=opening)).select_related(
            "enrolment__person", "enrolment__service", "proposed_by"
        )
    )
    proposed = {p.enrolment.person_id: p for p in proposals}
    for proposal in proposals:
        proposal.can_answer = proposal.enrolment.service_id in editable
    is_open = opening.status == OpeningStatus.OPEN
    candidates = []
    for candidate in domain.candidates_for(opening, user):
        proposal = proposed.get(candidate.person.pk)
        proposable = [e for e in candidate.enrolments if e.service_id in editable] if is_open else []
        candidates.append(
            {"candidate": candidate, "fit": candidate.fit, "proposal": proposal, "enrolments": proposable}
        )
    return {
        "matching_opening": opening,
        "matching_is_open": is_open,
        "matching_candidates": candidates,
        "matching_proposals": proposals,
    }
