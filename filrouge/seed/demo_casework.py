"""The demo's case work: profiles and barriers, action plans, meetings and notes, workshops, CVs.

Made up like the rest of the demo, drawn by a seeded generator from the pathways that
`demo_people` wrote, and written through the domain functions so that every rule holds. The
meetings are placed so that the pathway's last contact and next appointment stay what the
demo's stories set (the caseload alerts tell the same stories). A service whose pathways
already have meetings is left alone: loading the demo twice adds nothing.
"""

import random
from datetime import datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from filrouge.consents import domain as consents
from filrouge.consents.models import ConsentMethod, ConsentStatus, DisclosureLevel, Purpose
from filrouge.documents import domain as documents
from filrouge.documents.models import AttachmentKind
from filrouge.documents.pdf import render_pdf
from filrouge.journal import domain as journal
from filrouge.journal.models import Attendance, Confidentiality, Meeting, MeetingKind
from filrouge.organisations.models import Membership, ProgrammeType, Role
from filrouge.pathways.domain import today
from filrouge.pathways.models import Enrolment, Phase
from filrouge.people.models import ContactKind
from filrouge.plans import domain as plans
from filrouge.plans.models import ActionStatus, AgreementMethod, Carrier
from filrouge.profiles import domain as profiles
from filrouge.profiles.models import Barrier, BarrierStatus, Experience, Profile, ProfileRevision, TargetJob
from filrouge.referentials.models import ActionKind, JobTitle, Objective, Situation, ThemeKind
from filrouge.workshops import domain as workshops
from filrouge.workshops.models import Attendance as Presence
from filrouge.workshops.models import Registration, RegistrationStatus, WorkshopType

PLANNED_PHASES = {Phase.PLAN, Phase.JOB_SEARCH, Phase.ACCESS, Phase.IN_EMPLOYMENT}
SEARCH_PHASES = {Phase.JOB_SEARCH, Phase.ACCESS}
CVS_PER_SERVICE = 2  # a few are enough to show the documents page; each costs a PDF rendering
JOBS = [
    "Agent / Agente d'entretien de locaux",
    "Employé / Employée de libre-service",
    "Aide-cuisinier / Aide-cuisinière",
    "Magasinier / Magasinière",
    "Jardinier / Jardinière d'espaces verts",
    "Boulanger / Boulangère",
    "Employé administratif / Employée administrative",
    "Agent / Agente de propreté urbaine",
]
SKILLS = [
    "Accueil du public, tenue de caisse",
    "Entretien des espaces verts, utilisation d'outils motorisés",
    "Préparation de commandes, gestion de stock",
    "Plonge et préparations froides en restauration collective",
    "Saisie informatique, classement",
]
SOFT_SKILLS = [
    "Ponctualité",
    "Travail en équipe",
    "Rigueur",
    "Calme face aux clients",
    "Autonomie sur des tâches connues",
]
SUMMARIES = [
    "Point sur la recherche : deux candidatures envoyées, relance prévue.",
    "Préparation de l'entretien d'embauche, mise en situation.",
    "Bilan de la semaine de travail, horaires à ajuster avec le tuteur.",
    "Retour sur l'immersion : points forts et points à travailler.",
    "Mise à jour du CV et du profil sur les sites d'offres.",
    "Échange sur les démarches de mobilité (carte de transport).",
]
NOTES = [
    "Appel au prescripteur pour faire le point sur l'orientation.",
    "Relance de l'employeur après la candidature : réponse attendue la semaine prochaine.",
    "Dossier de demande d'aide à la mobilité transmis.",
]
PSY_NOTES = [
    "Point sur la gestion du stress en situation d'entretien.",
    "Échange sur le rythme de travail supportable ; à revoir dans un mois.",
]
PARIS_DAY = (time(9, 30), time(11, 0), time(14, 0), time(15, 30))


def at(day, moment):
    return timezone.make_aware(datetime.combine(day, moment))


def held_at(day, moment):
    """When a meeting held on `day` began: at `moment`, or at midnight when `day` is today and
    `moment` is still to come (a meeting with its attendance noted is never in the future)."""
    starts = at(day, moment)
    return starts if starts <= timezone.now() else at(day, time(0, 0))


def seed_casework(services, seed: int, leaving=frozenset()) -> None:
    """The case work of the current pathways of each service that has no meeting yet. `leaving`:
    ids of pathways whose exit into employment is still to record (demo_people.Leaving): they
    have finished, like the other exited pathways."""
    for index, service in enumerate(services):
        if Meeting.objects.filter(enrolment__service=service).exists():
            continue
        rng = random.Random(seed * 1000 + index)
        psychologist = (
            Membership.objects.active().filter(service=service, role=Role.PSYCHOLOGIST).users().first()
        )
        current = list(
            Enrolment.objects.current()
            .filter(service=service)
            .exclude(pk__in=leaving)
            .select_related("person", "primary_coach")
        )
        with transaction.atomic():
            cvs = plans_seeded = 0
            for enrolment in current:
                if enrolment.primary_coach is None:
                    continue
                seed_meetings(rng, enrolment, psychologist)
                if enrolment.phase != Phase.REFERRAL:
                    seed_profile(rng, enrolment)
                if enrolment.phase in PLANNED_PHASES:
                    # Each service keeps its second plan waiting for the person's agreement, whatever
                    # the draws: the pages of a plan still open to change always have an example.
                    seed_plan(rng, enrolment, awaiting_agreement=plans_seeded == 1)
                    plans_seeded += 1
                    seed_consents(enrolment)
                if enrolment.phase in SEARCH_PHASES and cvs < CVS_PER_SERVICE:
                    seed_cv(enrolment)
                    cvs += 1
            seed_workshops(rng, service, current)


def seed_meetings(rng, enrolment, psychologist) -> None:
    """Meetings every two or three weeks up to the story's last contact, and its next appointment."""
    coach = enrolment.primary_coach
    last, start = enrolment.last_contact_on, enrolment.entry_date
    next_at = enrolment.next_appointment_at
    if last is not None and last >= start:
        days = [last]
        while days[-1] - timedelta(days=21) >= start and len(days) < 6:
            days.append(days[-1] - timedelta(days=rng.choice((14, 21))))
        for number, held in enumerate(reversed(days)):
            in_work = enrolment.phase == Phase.IN_EMPLOYMENT and number == len(days) - 1
            kind = (
                MeetingKind.WORKPLACE
                if in_work
                else rng.choice([MeetingKind.OFFICE] * 3 + [MeetingKind.PHONE])
            )
            attendance = (
                Attendance.PRESENT
                if held == last
                else rng.choice([Attendance.PRESENT] * 4 + [Attendance.EXCUSED])
            )
            meeting = Meeting(
                starts_at=held_at(held, rng.choice(PARIS_DAY)),
                duration_minutes=rng.choice((45, 60)),
                kind=kind,
                place="Sur le lieu de travail" if in_work else "Bureau du service",
                attendance=attendance,
                summary=rng.choice(SUMMARIES) if attendance == Attendance.PRESENT else "",
            )
            journal.record_meeting(meeting, enrolment=enrolment, by=coach, staff=[coach])
        journal.write_note(enrolment, coach, rng.choice(NOTES), written_on=last)
        if rng.random() < 0.3:
            journal.write_note(
                enrolment, coach, "Compte rendu remis à la personne.", Confidentiality.SHARED, written_on=last
            )
        if psychologist is not None and rng.random() < 0.4:
            journal.write_note(
                enrolment, psychologist, rng.choice(PSY_NOTES), Confidentiality.PROFESSION, last
            )
    if next_at is not None and next_at > timezone.now():
        planned = Meeting(
            starts_at=next_at, duration_minutes=60, kind=MeetingKind.OFFICE, place="Bureau du service"
        )
        journal.record_meeting(planned, enrolment=enrolment, by=coach, staff=[coach])


def titles(labels):
    found = {t.label: t for t in JobTitle.objects.filter(label__in=labels).select_related("occupation")}
    return [found[label] for label in labels if label in found]


def seed_profile(rng, enrolment) -> None:
    person, coach = enrolment.person, enrolment.primary_coach
    if Profile.objects.filter(person=person).exists():
        return
    jobs = titles(JOBS)
    chosen = rng.sample(jobs, k=min(3, len(jobs)))
    profile = Profile.objects.create(
        person=person,
        organisation_id=person.organisation_id,
        skills=rng.choice(SKILLS),
        soft_skills=", ".join(rng.sample(SOFT_SKILLS, 2)),
        expectations="Un poste à temps partiel, proche du domicile, dans une petite équipe.",
        dream_job=chosen[0],
        updated_by=coach,
    )
    start = enrolment.referral_date
    Experience.objects.create(
        profile=profile,
        organisation_id=person.organisation_id,
        job_title=chosen[-1],
        employer="Entreprise (exemple)",
        started_on=start - timedelta(days=900),
        ended_on=start - timedelta(days=600),
    )
    for position, title in enumerate(chosen[:2], start=1):
        TargetJob.objects.create(
            profile=profile,
            organisation_id=person.organisation_id,
            job_title=title,
            position=position,
            contract_types=["cdi", "cdd_long"] if position == 1 else ["cdd_short", "temporary"],
            working_time="part",
            hours_per_week=rng.choice((15, 20, 24, 28)),
            mobility_km=rng.choice((5, 10, 15, 25)),
            transport=rng.sample(["walking", "bicycle", "public", "car"], 2),
            availability=rng.choice(("", "Pas avant 10 h", "Pas le mercredi après-midi")),
        )
    situations = list(
        Situation.objects.national().barriers().filter(theme__kind=ThemeKind.PERSONAL).select_related("theme")
    )
    first = ProfileRevision.objects.create(
        person=person,
        organisation_id=person.organisation_id,
        recorded_by=coach,
        data=profiles.snapshot(person),
    )
    ProfileRevision.objects.filter(pk=first.pk).update(recorded_at=at(enrolment.entry_date, time(10)))
    statuses = {
        s: (rng.choice([BarrierStatus.PRESENT, BarrierStatus.WORKING_ON]), "")
        for s in rng.sample(situations, 3)
    }
    profiles.save_barriers(person, coach, statuses)
    if rng.random() < 0.6:
        lifted = next(iter(statuses))
        Barrier.objects.filter(person=person, situation=lifted).update(
            status=BarrierStatus.RESOLVED, comment="Levé pendant l'accompagnement"
        )
    ProfileRevision.objects.create(
        person=person,
        organisation_id=person.organisation_id,
        recorded_by=coach,
        data=profiles.snapshot(person),
    )


def seed_plan(rng, enrolment, awaiting_agreement=False) -> None:
    coach, day = enrolment.primary_coach, today()
    if enrolment.plans.exists():
        return
    plan = plans.start_plan(enrolment, coach)
    objectives = list(Objective.objects.national().select_related("theme"))
    kinds = list(ActionKind.objects.national().select_related("theme"))
    for objective in rng.sample(objectives, 2):
        added = plans.add_objective(plan, objective=objective, theme=objective.theme, by=coach)
        same_theme = [k for k in kinds if k.theme_id == objective.theme_id] or kinds
        for number in range(rng.choice((1, 2))):
            start = max(enrolment.entry_date, day - timedelta(days=rng.choice((40, 25, 10))))
            due = start + timedelta(days=rng.choice((14, 21, 30, 60)))
            status = (
                ActionStatus.DONE
                if due < day and rng.random() < 0.5
                else rng.choice([ActionStatus.PLANNED, ActionStatus.IN_PROGRESS])
            )
            plans.add_action(
                added,
                by=coach,
                action_kind=rng.choice(same_theme) if number == 0 else None,
                custom_label="" if number == 0 else "Rendez-vous à prendre avec la personne",
                carrier=rng.choice([Carrier.PERSON, Carrier.COACH]),
                planned_start=start,
                due_date=due,
                status=status,
            )
    if rng.random() < 0.8 and not awaiting_agreement:
        agreed = min(day, max(plan.created_on, enrolment.entry_date))
        plans.record_agreement(plan, agreed, rng.choice(list(AgreementMethod)), coach)


def seed_consents(enrolment) -> None:
    """The person's consents about the referring partner and what employers may know, recorded
    orally before the coach. A generator of its own, so that the rest of the demo stays as it was."""
    rng = random.Random(enrolment.pk)
    coach, day = enrolment.primary_coach, max(enrolment.entry_date, today() - timedelta(days=20))
    links = enrolment.person.contact_links.filter(relation=ContactKind.REFERRING_PARTNER).select_related(
        "contact"
    )
    for link in links:
        for purpose in (Purpose.PLAN_TO_PARTNER, Purpose.REPORT_TO_PARTNER):
            if rng.random() < 0.3:
                continue  # never asked
            given = consents.record_consent(
                enrolment.person,
                purpose=purpose,
                status=ConsentStatus.GIVEN,
                decided_on=day,
                method=ConsentMethod.ORAL,
                by=coach,
                recipient=link.contact,
                witness=coach,
            )
            if rng.random() < 0.15:
                consents.withdraw(given, by=coach, on=today(), comment="Ne souhaite plus de transmission.")
    if rng.random() < 0.6:
        level = rng.choice([DisclosureLevel.NOTHING, DisclosureLevel.SUPPORT, DisclosureLevel.RQTH])
        consents.record_disclosure(enrolment.person, level=level, decided_on=day, by=coach)


def seed_cv(enrolment) -> None:
    """A one-page CV made from the synthetic profile, attached as a coach would upload it."""
    person = enrolment.person
    profile = Profile.objects.filter(person=person).first()
    experiences = profile.experiences.select_related("job_title") if profile else []
    content = render_pdf(
        "seed/demo_cv.html", {"person": person, "profile": profile, "experiences": experiences}
    )
    documents.attach(
        person,
        SimpleUploadedFile("cv.pdf", content, content_type="application/pdf"),
        kind=AttachmentKind.CV,
        title="CV",
        by=enrolment.primary_coach,
        enrolment=enrolment,
    )


def seed_workshops(rng, service, current) -> None:
    """A weekly series from six weeks ago to six weeks ahead, with places taken and attendance."""
    facilitator = Membership.objects.active().filter(service=service, role=Role.COACH).users().first()
    if facilitator is None or not current:
        return
    esat = service.programme_type == ProgrammeType.ESAT_SUPPORT
    code = "music" if esat else "cv"
    workshop_type = WorkshopType.objects.get(code=code)
    day = today()
    sessions = workshops.create_series(
        service=service,
        type=workshop_type,
        weekdays=[1],  # Tuesdays
        first_date=day - timedelta(days=42),
        last_date=day + timedelta(days=42),
        start_time=time(14, 0),
        duration_minutes=120,
        capacity=4,
        by=facilitator,
        place="Salle de réunion du service",
        facilitator=facilitator,
    )
    now = timezone.now()
    people = [e for e in current if e.phase != Phase.REFERRAL]
    for session in sessions:
        chosen = rng.sample(people, min(len(people), 4 if session.starts_at < now else 3))
        if session.starts_at < now:
            # Past sessions: who was registered then, and who came.
            for enrolment in chosen:
                Registration.objects.create(
                    organisation_id=service.organisation_id,
                    session=session,
                    enrolment=enrolment,
                    status=RegistrationStatus.REGISTERED,
                    registered_at=session.starts_at - timedelta(days=3),
                    attendance=rng.choice([Presence.PRESENT] * 4 + [Presence.ABSENT, Presence.EXCUSED]),
                    recorded_by=facilitator,
                )
        else:
            for enrolment in chosen:
                workshops.register(session, enrolment, facilitator)
    upcoming = [s for s in sessions if s.starts_at > now]
    if upcoming and len(people) >= 6:
        full = upcoming[0]  # the next session is full, with two people waiting
        taken = set(full.registrations.values_list("enrolment", flat=True))
        for enrolment in [e for e in people if e.pk not in taken][:3]:
            workshops.register(full, enrolment, facilitator)
