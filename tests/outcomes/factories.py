"""Small builders for hand-made outcome data sets, at fixed past dates (so the figures are known).

They write the rows directly (not through `pathways.domain`), because a data set needs exits,
suspensions and jobs dated freely in the past; the constraints of the models still apply.
"""

from datetime import date, datetime, time

from django.utils import timezone

from filrouge.employers.models import EmployerContact, EmployerContactKind
from filrouge.followalong.models import Party, SupportContact, SupportKind, SupportPlace
from filrouge.journal.models import Attendance, Meeting, MeetingKind
from filrouge.pathways.models import (
    EducationLevel,
    EmploymentStatus,
    Enrolment,
    EntrySituation,
    Housing,
    RqthStatus,
    Suspension,
    SuspensionReason,
)
from filrouge.placements.models import ImmersionObjective, PlacementKind
from filrouge.referentials.models import ContractType
from tests.employers.factories import CompanyFactory
from tests.people.factories import PersonFactory
from tests.placements.factories import PlacementFactory


def person(organisation, born=date(1990, 6, 15), sex="female"):
    return PersonFactory(organisation=organisation, date_of_birth=born, sex=sex)


def pathway(
    service,
    referral: date,
    intake: date | None = None,
    coach=None,
    who=None,
    status=EmploymentStatus.OUT_OF_WORK,
    situation: bool = True,
    exit_on: date | None = None,
    outcome: str = "",
    **situation_fields,
) -> Enrolment:
    """A pathway in `service` referred on `referral` (entered on `intake` if given), with its
    situation at entry (none if `situation` is False), exited on `exit_on` for `outcome`."""
    enrolment = Enrolment.objects.create(
        organisation_id=service.organisation_id,
        service=service,
        person=who or person(service.organisation),
        referral_date=referral,
        intake_date=intake,
        primary_coach=coach,
        exit_date=exit_on,
        exit_outcome=outcome if exit_on else "",
    )
    if situation:
        fields = {
            "employment_status": status,
            "education_level": EducationLevel.LEVEL_4,
            "housing": Housing.INDEPENDENT,
            "rqth_status": RqthStatus.GRANTED,
        }
        EntrySituation.objects.create(
            enrolment=enrolment, organisation_id=service.organisation_id, **(fields | situation_fields)
        )
    return enrolment


def suspension(enrolment, start: date, end: date | None) -> Suspension:
    return Suspension.objects.create(
        organisation_id=enrolment.organisation_id,
        enrolment=enrolment,
        start_date=start,
        end_date=end,
        reason=SuspensionReason.HEALTH,
    )


def job(
    enrolment,
    start: date,
    end: date | None = None,
    contract=ContractType.CDI,
    hours: int = 24,
    planned_end: date | None = None,
    company=None,
    **fields,
):
    """A job (kind EMPLOYMENT) of the pathway."""
    ending = {"ended_on": end, "end_reason": "end_of_term"} if end else {}
    return PlacementFactory(
        enrolment=enrolment,
        kind=PlacementKind.EMPLOYMENT,
        contract_type=contract,
        started_on=start,
        planned_end_on=planned_end,
        hours_per_week=hours,
        company=company or CompanyFactory(organisation=enrolment.organisation),
        **ending,
        **fields,
    )


def immersion(enrolment, start: date, end: date):
    return PlacementFactory(
        enrolment=enrolment,
        kind=PlacementKind.IMMERSION,
        contract_type="",
        objective=ImmersionObjective.DISCOVER,
        started_on=start,
        planned_end_on=end,
        ended_on=end,
        end_reason="end_of_term",
        hours_per_week=35,
        company=CompanyFactory(organisation=enrolment.organisation),
    )


def employer_contact(
    coach, on: date, who=None, face_to_face: bool = True, organisation=None
) -> EmployerContact:
    organisation = organisation or coach.organisation
    return EmployerContact.objects.create(
        organisation=organisation,
        company=CompanyFactory(organisation=organisation),
        coach=coach,
        kind=EmployerContactKind.CANDIDATE_PRESENTATION if face_to_face else EmployerContactKind.PHONE_CALL,
        face_to_face=face_to_face,
        contacted_on=on,
        person=who,
    )


def meeting(enrolment, on: date, kind=MeetingKind.OFFICE, attendance=Attendance.PRESENT) -> Meeting:
    return Meeting.objects.create(
        organisation_id=enrolment.organisation_id,
        enrolment=enrolment,
        starts_at=timezone.make_aware(datetime.combine(on, time(10))),
        kind=kind,
        attendance=attendance,
    )


def support(
    placement, on: date, by, face_to_face: bool = True, place=SupportPlace.WORKPLACE
) -> SupportContact:
    return SupportContact.objects.create(
        organisation_id=placement.organisation_id,
        placement=placement,
        party=Party.PERSON,
        kind=SupportKind.FACE_TO_FACE if face_to_face else SupportKind.PHONE,
        place=place if face_to_face else SupportPlace.REMOTE,
        contacted_on=on,
        by=by,
    )
