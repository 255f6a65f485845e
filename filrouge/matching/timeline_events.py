"""What matching adds to the person's timeline: each proposal to an opening, and its answer, in
one query."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from filrouge.matching.models import Proposal
from filrouge.people.timeline import Event, provider

KIND = "proposal"


@provider(KIND, gettext_lazy("Candidatures proposées"))
def proposal_events(person, enrolments, user):
    proposals = Proposal.objects.filter(enrolment__in=enrolments).select_related(
        "enrolment__service", "opening__job_title", "opening__company", "proposed_by"
    )
    for proposal in proposals:
        opening = proposal.opening
        service = proposal.enrolment.service.name
        title = {"job": opening.job_title.label, "company": opening.company.name}
        yield Event(
            on=proposal.proposed_on,
            kind=KIND,
            title=_("Candidature proposée : %(job)s chez %(company)s") % title,
            by=proposal.proposed_by.full_name,
            at=proposal.created_at,
            service=service,
        )
        if proposal.answered_on:
            yield Event(
                on=proposal.answered_on,
                kind=KIND,
                title=_("Réponse à la candidature %(job)s chez %(company)s : %(answer)s")
                % (title | {"answer": proposal.get_answer_display().lower()}),
                detail=proposal.comment,
                service=service,
            )
