from filrouge.pathways import domain
from filrouge.pathways.domain import today
from tests.matrix import CASE, PERSON_TEAM, Row, person, today_iso
from tests.pathways.factories import enrol

# A person's rights are exercised by the heads of their services and the directors. Without a
# recent re-authentication, an export or a removal sends them to confirm it (302).
RIGHTS = frozenset({"head_of_service", "director"})


def exited_person(world):
    """World's person once their pathway has ended: their record may be anonymised."""
    # A fresh copy: the matrix shares one world, whose objects must stay as built.
    enrolment = type(world.enrolment).objects.get(pk=world.enrolment.pk)
    domain.record_exit(enrolment, on=today(), outcome="moved", by=None)
    return {"pk": world.person.pk}


def referred_person(world):
    """Someone referred to A1 whose support never began: their record may be erased."""
    return {"pk": enrol(world.a1, intake_after=None).person_id}


# A right-of-access request is the data protection officer's: the organisation's pages refuse
# everyone else (403), another organisation's officer finds nothing (tests/privacy/test_access.py).
# A writing kept for the psychologists is reviewed by A1's psychologist (also its author) only.
DPO = frozenset({"dpo"})
REVIEWERS_PAGE = CASE | {"other_service_coach", "other_org_coach"}


def psychologists_note(world):
    from tests.journal.factories import NoteFactory

    return NoteFactory(enrolment=world.enrolment, author=world.users["psychologist"], restricted=True)


def access_request(world):
    """World's person asked for access; the psychologist's note waits for its review."""
    from tests.privacy.factories import open_request

    psychologists_note(world)
    return {"pk": open_request(world, world.person).pk}


def note_review(world):
    from filrouge.privacy.models import WritingReview

    return {"pk": WritingReview.objects.get(request_id=access_request(world)["pk"]).pk}


ROWS = [
    Row("privacy:person_rights", "GET", PERSON_TEAM, kwargs=person),
    Row("privacy:export_json", "GET", RIGHTS, kwargs=person, ok=302),
    Row("privacy:export_pdf", "GET", RIGHTS, kwargs=person, ok=302),
    Row("privacy:export_zip", "GET", RIGHTS, kwargs=person, ok=302),
    Row("privacy:anonymise", "GET", RIGHTS, kwargs=exited_person),
    Row("privacy:anonymise", "POST", RIGHTS, kwargs=exited_person, ok=302),
    Row("privacy:erase", "GET", RIGHTS, kwargs=referred_person),
    Row("privacy:erase", "POST", RIGHTS, kwargs=referred_person, ok=302),
    Row("privacy:access_requests", "GET", DPO, denied=403),
    Row("privacy:access_open", "GET", DPO, kwargs=person, denied=403),
    Row(
        "privacy:access_open",
        "POST",
        DPO,
        kwargs=person,
        denied=403,
        ok=302,
        data={"received_on": today_iso, "requested_by": "Courrier"},
    ),
    Row("privacy:access_request", "GET", DPO, kwargs=access_request, denied=403),
    Row("privacy:access_extend", "GET", DPO, kwargs=access_request, denied=403),
    Row(
        "privacy:access_extend",
        "POST",
        DPO,
        kwargs=access_request,
        denied=403,
        ok=302,
        data={"extension_reason": "Dossier volumineux."},
    ),
    Row("privacy:access_answer", "GET", DPO, kwargs=access_request, denied=403),
    Row("privacy:access_answer", "POST", DPO, kwargs=access_request, denied=403, ok=302),
    # Without a recent re-authentication, a download sends the officer to confirm it (302).
    Row("privacy:access_export_json", "GET", DPO, kwargs=access_request, denied=403, ok=302),
    Row("privacy:access_export_pdf", "GET", DPO, kwargs=access_request, denied=403, ok=302),
    Row("privacy:access_export_zip", "GET", DPO, kwargs=access_request, denied=403, ok=302),
    Row("privacy:access_reviews", "GET", REVIEWERS_PAGE, denied=403),
    Row("privacy:access_review", "GET", frozenset({"psychologist"}), kwargs=note_review),
    Row(
        "privacy:access_review",
        "POST",
        frozenset({"psychologist"}),
        kwargs=note_review,
        ok=302,
        data={"decision": "include", "writing_version": 1},
    ),
]
