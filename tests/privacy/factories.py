"""A person with something in every part of the record, for the export and the anonymisation."""

from dataclasses import dataclass
from datetime import timedelta

from filrouge.consents.models import Purpose
from filrouge.employers.models import EmployerContact, EmployerContactKind
from filrouge.followalong.models import Party, SupportContact, SupportKind, SupportPlace
from filrouge.journal.models import Attendance, MeetingKind
from filrouge.matching.models import Answer, Proposal
from filrouge.notifications.models import (
    Channel,
    MessageKind,
    MessageStatus,
    OutboundMessage,
    ReminderPreference,
)
from filrouge.pathways import domain
from filrouge.pathways.models import ExitOutcome, Phase
from filrouge.placements.models import (
    Adjustment,
    AdjustmentKind,
    AdjustmentReview,
    EmployerDisclosure,
    EndReason,
    ReviewOutcome,
)
from filrouge.plans.models import ActionStatus
from filrouge.profiles.models import BarrierStatus, Experience, Training
from filrouge.workshops.models import Attendance as WorkshopAttendance
from tests.consents.factories import give, partner
from tests.documents.factories import attachment
from tests.employers.factories import CompanyFactory, OpeningFactory
from tests.journal.factories import MeetingFactory, NoteFactory
from tests.pathways.factories import enrol
from tests.people.factories import PersonFactory
from tests.placements.factories import PlacementFactory
from tests.plans.factories import ActionFactory, ObjectiveFactory, PlanFactory
from tests.profiles.factories import barrier, job_title, profile, revision
from tests.workshops.factories import RegistrationFactory, SessionFactory, at

TODAY = domain.today()
SECRET_NOTE = "Séance de psychologue : angoisses évoquées, traitement en cours."


@dataclass
class Record:
    person: object
    enrolment: object
    psychologist_note: object
    psychologist_meeting: object
    files: list


REMINDER_TEXT = "Rendez-vous jeudi à 10 h au 12 rue des Tanneurs avec Léa."


def reminders(world, person, enrolment, coach, starts_at) -> None:
    """Her choice of reminders, changed once, and a reminder sent by SMS."""
    ReminderPreference.objects.create(
        organisation=person.organisation,
        person=person,
        channels="email",
        email="melodie.carpentier@exemple.example",
        recorded_by=coach,
        recorded_at=starts_at - timedelta(days=60),
    )
    ReminderPreference.objects.create(
        organisation=person.organisation,
        person=person,
        channels="both",
        phone="0639981234",
        email="melodie.rappels@exemple.example",
        recorded_by=coach,
        recorded_at=starts_at - timedelta(days=30),
    )
    OutboundMessage.objects.create(
        organisation=person.organisation, person=person, service=enrolment.service, key=f"test:{person.pk}",
        kind=MessageKind.REMINDER, channel=Channel.SMS, starts_at=starts_at, recipient="+33639981234",
        body=REMINDER_TEXT, due_at=starts_at - timedelta(days=2), status=MessageStatus.SENT,
        sent_at=starts_at - timedelta(days=2),
    )  # fmt: skip


def rich_record(world, *, exited=True, days_ago=400) -> Record:
    """A person of service A1 with a profile, a plan, meetings and notes (one of each kept for
    the psychologists), workshops, files, partners and consents; their pathway ended unless
    `exited` is False."""
    coach, psychologist = world.users["coach"], world.users["psychologist"]
    person = PersonFactory(
        organisation=world.org_a,
        first_name="Mélodie",
        birth_name="Carpentier",
        usual_name="Roux",
        phone="0601020304",
        email="melodie.carpentier@exemple.example",
        address="12 rue des Tanneurs",
        postal_code="26000",
        city="Valence",
        sex="female",
        latitude="44.93333",
        longitude="4.89236",
    )
    enrolment = enrol(
        world.a1, coach=coach, person=person, days_ago=days_ago, referral_reason="Orientée après un burn-out."
    )
    domain.change_phase(
        enrolment, Phase.JOB_SEARCH, TODAY - timedelta(days=days_ago - 30), coach, comment="Prête à chercher."
    )
    domain.change_phase(
        enrolment, Phase.IN_EMPLOYMENT, TODAY - timedelta(days=days_ago - 90), coach, comment="Embauchée."
    )
    domain.suspend(
        enrolment,
        start=TODAY - timedelta(days=days_ago - 100),
        end=TODAY - timedelta(days=days_ago - 110),
        reason="hospitalisation",
        by=coach,
        comment="Hospitalisée au CHS du Valentinois.",
    )

    referent = partner(person, full_name="Dr Lemaire")
    give(person, coach, recipient=referent, days_ago=days_ago - 20, comment="Accord donné devant sa mère.")
    give(
        person,
        coach,
        purpose=Purpose.EMPLOYER_PROGRESS,
        recipient_label="Boulangerie Martin",
        witness=None,
        witness_name="Sa mère, Mme Carpentier",
        days_ago=days_ago - 20,
    )

    own = profile(
        person, skills="Pâtisserie fine", soft_skills="Ponctuelle", expectations="Pas de travail de nuit"
    )
    Experience.objects.create(
        organisation=world.org_a,
        profile=own,
        job_title=job_title(),
        employer="Boulangerie Martin",
        started_on=TODAY - timedelta(days=3000),
        description="Renvoyée après une crise.",
    )
    Training.objects.create(
        organisation=world.org_a,
        profile=own,
        title="CAP Pâtissier au lycée hôtelier de Tain",
        institution="Lycée",
    )
    barrier(person, status=BarrierStatus.RESOLVED, theme="mobilite", comment="Permis suspendu jusqu'en mars.")
    barrier(person, status=BarrierStatus.PRESENT, theme="sante", comment="Troubles bipolaires.")
    revision(person, data={"skills": "Pâtisserie fine", "barriers": [{"comment": "Troubles bipolaires."}]})

    plan = PlanFactory(enrolment=enrolment)
    objective = ObjectiveFactory(plan=plan, custom_label="Retrouver un poste chez Martin")
    ActionFactory(objective=objective, custom_label="Appeler M. Martin", outcome_note="Il rappellera.")
    ActionFactory(objective=objective, status=ActionStatus.DONE, outcome_note="Fait avec sa sœur.")

    MeetingFactory(
        enrolment=enrolment, kind=MeetingKind.OFFICE, summary="Parle de son divorce.", others="Sa sœur"
    )
    MeetingFactory(
        enrolment=enrolment, kind=MeetingKind.PHONE, attendance=Attendance.ABSENT, summary="Injoignable."
    )
    psychologist_meeting = MeetingFactory(
        enrolment=enrolment,
        restricted=True,
        created_by=psychologist,
        summary="Entretien psychologique : idées noires.",
    )
    NoteFactory(enrolment=enrolment, author=coach, text="A trouvé un logement chez son frère.")
    psychologist_note = NoteFactory(
        enrolment=enrolment, author=psychologist, restricted=True, text=SECRET_NOTE
    )

    session = SessionFactory(service=world.a1, starts_at=at(-(days_ago - 40)))
    RegistrationFactory(session=session, enrolment=enrolment, attendance=WorkshopAttendance.PRESENT)

    employment(world, person, enrolment, coach, days_ago)
    reminders(world, person, enrolment, coach, at(-(days_ago - 30)))

    files = [
        attachment(person, by=coach, title="CV de Mélodie Carpentier"),
        attachment(person, by=coach, kind="consent", title="Consentement signé", enrolment=enrolment),
    ]
    if exited:
        domain.record_exit(
            enrolment,
            on=TODAY - timedelta(days=days_ago - 200),
            outcome=ExitOutcome.REORIENTATION_ESAT,
            reoriented_to="ESAT Les Ateliers de Romans",
            comment="Départ en ESAT, à sa demande.",
            by=coach,
        )
    return Record(person, enrolment, psychologist_note, psychologist_meeting, files)


def employment(world, person, enrolment, coach, days_ago) -> None:
    """A job that ended, with an adjustment reviewed, a follow-along contact, a proposal and an
    employer contact about the person: each with words that name or describe her."""
    company = CompanyFactory(organisation=world.org_a, name="Atelier Floral du Rhône")
    placement = PlacementFactory(
        enrolment=enrolment,
        company=company,
        started_on=TODAY - timedelta(days=days_ago - 90),
        ended_on=TODAY - timedelta(days=days_ago - 150),
        end_reason=EndReason.HEALTH,
        end_comment="Rupture après une rechute.",
        disclosure=EmployerDisclosure.MANAGER,
        disclosure_decided_on=TODAY - timedelta(days=days_ago - 90),
    )
    adjustment = Adjustment.objects.create(
        organisation=world.org_a,
        placement=placement,
        kind=AdjustmentKind.PACE,
        description="Pauses toutes les deux heures à cause du traitement.",
        agreed_on=placement.started_on,
    )
    AdjustmentReview.objects.create(
        organisation=world.org_a,
        adjustment=adjustment,
        reviewed_on=placement.started_on + timedelta(days=20),
        outcome=ReviewOutcome.WORKS,
        comment="Le traitement la fatigue moins.",
        by=coach,
    )
    SupportContact.objects.create(
        organisation=world.org_a,
        placement=placement,
        party=Party.PERSON,
        kind=SupportKind.FACE_TO_FACE,
        place=SupportPlace.WORKPLACE,
        contacted_on=placement.started_on + timedelta(days=10),
        notes="Se dit harcelée par un collègue.",
        by=coach,
    )
    Proposal.objects.create(
        organisation=world.org_a,
        enrolment=enrolment,
        opening=OpeningFactory(company=company),
        proposed_on=placement.started_on - timedelta(days=15),
        proposed_by=coach,
        answer=Answer.HIRED,
        answered_on=placement.started_on - timedelta(days=5),
        comment="Trop loin de chez sa mère, mais acceptée.",
    )
    EmployerContact.objects.create(
        organisation=world.org_a,
        company=company,
        coach=coach,
        kind=EmployerContactKind.CANDIDATE_PRESENTATION,
        contacted_on=placement.started_on - timedelta(days=15),
        person=person,
        notes="Présentée à la gérante comme très motivée.",
    )


def open_request(world, person, *, days_ago=3, requested_by="Courrier remis à l'accueil"):
    """A right-of-access request from `person`, opened by the data protection officer."""
    from filrouge.privacy import access

    return access.open_request(
        person,
        received_on=TODAY - timedelta(days=days_ago),
        requested_by=requested_by,
        by=world.users["dpo"],
    )


def review(access_request, writing, by, decision="include", **fields):
    """Records `by`'s decision on `writing` for the request, as the review page does."""
    from filrouge.privacy import access

    kind = "note" if type(writing).__name__ == "Note" else "meeting"
    row = access_request.reviews.get(**{kind: writing})
    values = {"ground": "", "explanation": "", "withheld_passages": "", **fields}
    return access.record_review(row, decision=decision, writing_version=writing.version, by=by, **values)
