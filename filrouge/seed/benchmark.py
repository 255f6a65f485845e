"""The benchmark preset: bulk data at the scale of a large federation, for measuring speed.

Sized by the number of people supported: one coach for every 20 people, ten coaches per
service, ten services per organisation. Rows are written with bulk_create in batches, so
that 100,000 people (and what later issues attach to them) seed in minutes.

The people are written one organisation at a time (about 2,000 people each), without the
domain functions (too slow at this scale) but within the rules they enforce: one current
pathway per person and service, intake and exit not before the referral, an exit with both
its date and outcome, suspensions ending after they start, strictly increasing phase dates
with the pathway's phase equal to the last one. A seeded random generator and dates counted
back from today make every run the same.

Their employment histories follow the phases (`HistoryWriter`): each organisation has its
companies (three per coach) and the people met there; coaches prospect on their own and, from
a pathway's job search on, present the person to employers; an "access to employment" phase
holds an immersion; an "in employment" phase holds a job that begins on its first day and ends
the day before the pathway goes back to job search (or keeps running past an exit into
employment, up to its planned end); a job has its follow-along contacts, fading for some jobs
held long. Meetings are dated within the last year (the journal's rule), the latest one
attended on the pathway's last contact (the day before when that is today: a meeting of today
may be still to come), and the next appointment is planned. Encrypted texts (summaries,
comments, notes) are left empty. Like the rest of the preset, these rows bypass the models'
save() and signals, so the audit trail records nothing of them.
"""

import math
import random
from datetime import date, datetime, time
from itertools import accumulate
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import transaction

from filrouge.accounts.models import User
from filrouge.core.dates import span_end
from filrouge.core.search import search_text, sort_key
from filrouge.core.text import fold
from filrouge.employers.models import (
    Company,
    EmployerContact,
    EmployerContactKind,
    RelationshipStatus,
    SizeBand,
)
from filrouge.followalong.models import Party, SupportContact, SupportKind, SupportPlace
from filrouge.journal.models import Attendance, Meeting, MeetingKind
from filrouge.organisations.models import Membership, Organisation, ProgrammeType, Role, Service
from filrouge.organisations.validators import synthetic_siret
from filrouge.pathways import domain
from filrouge.pathways.models import (
    EducationLevel,
    EmploymentStatus,
    Enrolment,
    EntrySituation,
    ExitOutcome,
    Housing,
    Phase,
    PhaseChange,
    RqthStatus,
    Suspension,
    SuspensionReason,
)
from filrouge.people.models import Contact, ContactKind, Person, PersonContact, Sex
from filrouge.placements.models import (
    DURABLE_MONTHS,
    EmployerDisclosure,
    EndReason,
    ImmersionAssessment,
    ImmersionObjective,
    Placement,
    PlacementKind,
)
from filrouge.referentials.models import ContractType, JobTitle
from filrouge.seed.demo_people import FAMILY_NAMES, FIRST_NAMES, STREETS

PEOPLE_PER_COACH = 20
COACHES_PER_SERVICE = 10
SERVICES_PER_ORGANISATION = 10
CONTACTS_PER_SERVICE = 3
BATCH = 2000
# SIRETs of benchmark organisations start here, away from the demo's.
SIRET_BASE = 90_000_000
SEED = 20_260_000
PARIS = ZoneInfo("Europe/Paris")


def phases(text: str) -> tuple[Phase, ...]:
    return tuple(Phase(code) for code in text.split())


# Histories of current pathways, with how often they occur: most people are in the profile,
# plan or job-search phases; some went back to job search when a job ended.
CURRENT = [
    (phases("referral"), 3),
    (phases("referral intake"), 6),
    (phases("referral intake profile"), 12),
    (phases("referral intake profile plan"), 12),
    (phases("referral intake profile job_search"), 8),
    (phases("referral intake profile plan job_search"), 14),
    (phases("referral intake profile job_search access"), 6),
    (phases("referral intake profile plan job_search access"), 5),
    (phases("referral intake profile job_search in_employment"), 10),
    (phases("referral intake job_search access in_employment"), 6),
    (phases("referral intake profile job_search access in_employment"), 8),
    (phases("referral intake job_search in_employment job_search"), 5),
    (phases("referral intake profile job_search in_employment job_search"), 4),
]
FINISHED = [
    (phases("referral exit"), 2),
    (phases("referral intake exit"), 3),
    (phases("referral intake profile exit"), 4),
    (phases("referral intake profile plan exit"), 4),
    (phases("referral intake profile job_search exit"), 4),
    (phases("referral intake job_search in_employment exit"), 6),
    (phases("referral intake profile job_search in_employment exit"), 6),
]
EMPLOYMENT_OUTCOMES = [
    ExitOutcome.DURABLE_EMPLOYMENT,
    ExitOutcome.TRANSITION_EMPLOYMENT,
    ExitOutcome.TRAINING,
]
OTHER_OUTCOMES = [outcome for outcome in ExitOutcome if outcome not in EMPLOYMENT_OUTCOMES]
PARTNERS = [
    ("France Travail agence {n}", "Conseiller·ère à l'emploi", ContactKind.REFERRING_PARTNER),
    ("CMP secteur {n}", "Psychiatre", ContactKind.MEDICAL),
    ("Centre médico-social {n}", "Assistant·e social·e", ContactKind.SOCIAL),
    ("Mission locale {n}", "Conseiller·ère en insertion", ContactKind.REFERRING_PARTNER),
    ("Cap emploi {n}", "Chargé·e de mission", ContactKind.REFERRING_PARTNER),
    ("Conseil départemental {n}", "Chargé·e de mission RSA", ContactKind.FUNDER),
]


def weighted(table):
    return [entry for entry, _ in table], list(accumulate(weight for _, weight in table))


@transaction.atomic
def seed_benchmark(people: int) -> dict[str, int]:
    coaches = max(1, math.ceil(people / PEOPLE_PER_COACH))
    services = math.ceil(coaches / COACHES_PER_SERVICE)
    organisations = math.ceil(services / SERVICES_PER_ORGANISATION)
    created = dict.fromkeys(
        [
            "organisations",
            "services",
            "accounts",
            "people",
            "enrolments",
            "phase changes",
            "suspensions",
            *HistoryWriter.COUNTS,
        ],
        0,
    )
    unusable = make_password(None)
    today = domain.today()
    titles = job_titles(random.Random(SEED))

    for org_index in range(organisations):
        siret = synthetic_siret(SIRET_BASE + org_index)
        organisation = Organisation.objects.filter(siret=siret).first()
        if organisation is None:
            organisation = create_staff(org_index, siret, services, unusable, created)
        if Person.objects.filter(organisation=organisation).exists():
            continue  # seeded by an earlier run
        first_person = org_index * SERVICES_PER_ORGANISATION * COACHES_PER_SERVICE * PEOPLE_PER_COACH
        coach_rows = list(
            Membership.objects.filter(organisation=organisation, role=Role.COACH)
            .order_by("service__name", "user__email")
            .values_list("user_id", "service_id", "service__programme_type")
        )
        wanted = min(people - first_person, len(coach_rows) * PEOPLE_PER_COACH)
        if wanted > 0:
            writer = PeopleWriter(organisation, random.Random(SEED + org_index), today)
            employment = HistoryWriter(
                organisation, org_index, random.Random(SEED - org_index), today, titles
            )
            for name, count in writer.write(coach_rows, wanted, employment).items():
                created[name] += count
    return created


def create_staff(org_index, siret, services, unusable, created) -> Organisation:
    programmes = list(ProgrammeType)
    organisation = Organisation.objects.create(
        name=f"Banc d'essai {org_index + 1:04d}", siret=siret, postal_code="75011", city="Paris"
    )
    created["organisations"] += 1
    first = org_index * SERVICES_PER_ORGANISATION
    service_rows = Service.objects.bulk_create(
        Service(
            organisation=organisation,
            name=f"Service {number + 1:05d}",
            programme_type=programmes[number % len(programmes)],
            city="Paris",
            postal_code="75011",
        )
        for number in range(first, min(first + SERVICES_PER_ORGANISATION, services))
    )
    created["services"] += len(service_rows)
    domain_name = f"banc-{org_index + 1:04d}.example"
    users, roles = [], []
    for service in service_rows:
        for coach in range(COACHES_PER_SERVICE):
            user = User(
                email=f"coach-{service.name[-5:]}-{coach:02d}@{domain_name}",
                full_name=f"Coach {service.name[-5:]}-{coach:02d}",
                organisation=organisation,
                password=unusable,
            )
            users.append(user)
            roles.append((user, service))
    User.objects.bulk_create(users, batch_size=BATCH)
    Membership.objects.bulk_create(
        (
            Membership(organisation=organisation, user=user, service=service, role=Role.COACH)
            for user, service in roles
        ),
        batch_size=BATCH,
    )
    created["accounts"] += len(users)
    return organisation


class PeopleWriter:
    """The people of one organisation, their pathways and everything hanging from them."""

    current_histories, current_weights = weighted(CURRENT)
    finished_histories, finished_weights = weighted(FINISHED)

    def __init__(self, organisation, rng: random.Random, today: date):
        self.organisation = organisation
        self.org_id = organisation.pk
        self.rng = rng
        self.today = today.toordinal()

    def write(self, coach_rows, wanted: int, employment: "HistoryWriter") -> dict[str, int]:
        rng, org_id = self.rng, self.org_id
        contact_ids = self.write_contacts(len({service_id for _, service_id, _ in coach_rows}))

        # People first: their keys are needed by the pathways.
        owners, persons = [], []
        for number in range(wanted):
            coach_id, service_id, programme = coach_rows[number // PEOPLE_PER_COACH]
            owners.append((coach_id, service_id, programme))
            persons.append(self.person(coach_id))
        Person.objects.bulk_create(persons, batch_size=BATCH)

        # Pathways: mostly one current; some only a finished one; some a finished one, then a current one.
        enrolments, histories = [], []
        for person, (coach_id, service_id, programme) in zip(persons, owners, strict=True):
            draw = rng.random()
            if draw < 0.12:
                plans = [self.finished_plan(self.today - rng.randint(60, 900), self.today)]
            else:
                plans = [self.current_plan(programme)]
                if draw < 0.22:
                    start = plans[0][0][0] - rng.randint(150, 900)
                    plans.insert(0, self.finished_plan(start, plans[0][0][0] - 1))
            for days, phases in plans:
                enrolments.append(
                    self.enrolment(person.pk, service_id, programme, coach_id, contact_ids, days, phases)
                )
                histories.append((days, phases, coach_id))
        Enrolment.objects.bulk_create(enrolments, batch_size=BATCH)

        situations, changes, suspensions, links = [], [], [], set()
        for enrolment, (days, phases, coach_id) in zip(enrolments, histories, strict=True):
            situations.append(self.situation(enrolment))
            for phase, day in zip(phases, days, strict=True):
                changes.append(
                    PhaseChange(
                        organisation_id=org_id,
                        enrolment_id=enrolment.pk,
                        phase=phase,
                        changed_on=date.fromordinal(day),
                        recorded_by_id=coach_id,
                    )
                )
            suspension = self.suspension(enrolment, days)
            if suspension is not None:
                suspensions.append(suspension)
            if enrolment.referred_by_id:
                links.add((enrolment.person_id, enrolment.referred_by_id))
        EntrySituation.objects.bulk_create(situations, batch_size=BATCH)
        PhaseChange.objects.bulk_create(changes, batch_size=BATCH)
        Suspension.objects.bulk_create(suspensions, batch_size=BATCH)
        PersonContact.objects.bulk_create(
            (
                PersonContact(
                    organisation_id=org_id,
                    person_id=person_id,
                    contact_id=contact_id,
                    relation=ContactKind.REFERRING_PARTNER,
                )
                for person_id, contact_id in sorted(links)
            ),
            batch_size=BATCH,
        )
        return {
            "people": len(persons),
            "enrolments": len(enrolments),
            "phase changes": len(changes),
            "suspensions": len(suspensions),
            **employment.write(coach_rows, list(zip(enrolments, histories, strict=True))),
        }

    def write_contacts(self, service_count: int) -> list[int]:
        rng, contacts = self.rng, []
        for number in range(service_count * CONTACTS_PER_SERVICE):
            partner, title, kind = PARTNERS[number % len(PARTNERS)]
            full_name = (
                f"{rng.choice(FIRST_NAMES[rng.choice([Sex.FEMALE, Sex.MALE])])} {rng.choice(FAMILY_NAMES)}"
            )
            partner_name = partner.format(n=number // len(PARTNERS) + 1)
            contacts.append(
                Contact(
                    organisation_id=self.org_id,
                    full_name=full_name,
                    partner_name=partner_name,
                    job_title=title,
                    kind=kind,
                    phone=f"01 99 00 {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}",
                    search_name=search_text(full_name, partner_name, title),
                )
            )
        Contact.objects.bulk_create(contacts, batch_size=BATCH)
        return [contact.pk for contact in contacts if contact.kind == ContactKind.REFERRING_PARTNER]

    def person(self, coach_id) -> Person:
        rng = self.rng
        sex = rng.choice([Sex.FEMALE, Sex.MALE])
        first, birth = rng.choice(FIRST_NAMES[sex]), rng.choice(FAMILY_NAMES)
        usual = rng.choice(FAMILY_NAMES) if rng.random() < 0.12 else ""
        email = (
            f"{fold(first)}.{fold(usual or birth).replace(' ', '')}@example.org"
            if rng.random() < 0.35
            else ""
        )
        return Person(
            organisation_id=self.org_id,
            first_name=first,
            birth_name=birth,
            usual_name=usual,
            date_of_birth=date.fromordinal(self.today - rng.randint(19 * 365 + 5, 63 * 365 - 5)),
            sex=sex,
            phone=f"06 39 98 {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}" if rng.random() < 0.9 else "",
            email=email,
            address=f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
            postal_code=f"750{rng.randint(1, 20):02d}",
            city="Paris",
            search_name=search_text(first, usual, birth),
            sort_name=sort_key(usual or birth, first),
            created_by_id=coach_id,
        )

    def current_plan(self, programme) -> tuple[list[int], tuple]:
        rng = self.rng
        phases = rng.choices(self.current_histories, cum_weights=self.current_weights)[0]
        oldest = (
            70
            if programme == ProgrammeType.ACTIV_PROJET
            else 400
            if programme == ProgrammeType.MINIMUM_INCOME
            else 700
        )
        referral = self.today - rng.randint(20, oldest)
        end = self.today - rng.randint(0, 14)
        return self.dates(referral, end, len(phases), last_on_end=False), phases

    def finished_plan(self, referral: int, latest: int) -> tuple[list[int], tuple]:
        """A finished pathway referred on `referral` and ended by `latest` (both ordinals)."""
        rng = self.rng
        phases = rng.choices(self.finished_histories, cum_weights=self.finished_weights)[0]
        steps = len(phases) - 1
        exit_day = min(latest, referral + rng.randint(max(steps, 30), 500))
        return self.dates(referral, max(exit_day, referral + steps), len(phases), last_on_end=True), phases

    def dates(self, referral: int, end: int, count: int, last_on_end: bool) -> list[int]:
        """Strictly increasing days from the referral, within [referral, end]: one per phase."""
        steps = count - 1
        end = max(end, referral + steps)
        if not steps:
            return [referral]
        if last_on_end:
            between = sorted(self.rng.sample(range(referral + 1, end), steps - 1)) if steps > 1 else []
            return [referral, *between, end]
        return [referral, *sorted(self.rng.sample(range(referral + 1, end + 1), steps))]

    def enrolment(self, person_id, service_id, programme, coach_id, contact_ids, days, phases) -> Enrolment:
        rng = self.rng
        referral = date.fromordinal(days[0])
        intake = date.fromordinal(days[1]) if len(phases) > 1 and phases[1] == Phase.INTAKE else None
        finished = phases[-1] == Phase.EXIT
        if finished:
            pool = EMPLOYMENT_OUTCOMES if Phase.IN_EMPLOYMENT in phases else OTHER_OUTCOMES
            outcome = rng.choice(pool)
            exit_date = date.fromordinal(days[-1])
            last_contact = exit_date
        else:
            outcome, exit_date = "", None
            last_contact = None
            if phases[-1] != Phase.REFERRAL:
                last_contact = date.fromordinal(max(days[-1], self.today - rng.randint(0, 45)))
        appointment = None
        if not finished and rng.random() < 0.6:
            day = date.fromordinal(self.today + rng.randint(1, 14))
            appointment = datetime.combine(
                day, time(rng.choice([9, 10, 11, 14, 15, 16]), rng.choice([0, 30])), PARIS
            )
        return Enrolment(
            organisation_id=self.org_id,
            service_id=service_id,
            person_id=person_id,
            referral_date=referral,
            referred_by_id=rng.choice(contact_ids) if rng.random() < 0.8 else None,
            intake_date=intake,
            primary_coach_id=coach_id,
            phase=phases[-1],
            planned_end_date=domain.planned_end(programme, intake or referral),
            last_contact_on=last_contact,
            next_appointment_at=appointment,
            exit_date=exit_date,
            exit_outcome=outcome,
            reoriented_to="Service partenaire" if outcome in ExitOutcome.reorientations() else "",
            version=1 + len(phases),
            created_by_id=coach_id,
        )

    def situation(self, enrolment) -> EntrySituation:
        rng = self.rng
        referral = enrolment.referral_date.toordinal()
        status = rng.choice(list(EmploymentStatus))
        rqth = rng.choice(list(RqthStatus))
        requested = granted = None
        if rqth != RqthStatus.NONE:
            requested = referral - rng.randint(200, 1500)
            granted = requested + rng.randint(60, 180) if rqth == RqthStatus.GRANTED else None
        return EntrySituation(
            organisation_id=self.org_id,
            enrolment_id=enrolment.pk,
            employment_status=status,
            out_of_work_since=(
                date.fromordinal(referral - rng.randint(30, 2000))
                if status == EmploymentStatus.OUT_OF_WORK
                else None
            ),
            education_level=rng.choice(list(EducationLevel)),
            receives_rsa=rng.random() < 0.3,
            receives_aah=rng.random() < 0.3,
            receives_unemployment_benefit=status == EmploymentStatus.OUT_OF_WORK and rng.random() < 0.4,
            rqth_status=rqth,
            rqth_requested_on=date.fromordinal(requested) if requested else None,
            rqth_granted_on=date.fromordinal(granted) if granted else None,
            housing=rng.choice(list(Housing)),
        )

    def suspension(self, enrolment, days) -> Suspension | None:
        rng = self.rng
        if enrolment.phase == Phase.REFERRAL or rng.random() >= 0.06:
            return None
        last = days[-1] if enrolment.exit_date else self.today
        if last - days[0] < 2:
            return None
        start = rng.randint(days[0] + 1, last - 1)
        ongoing = enrolment.exit_date is None and rng.random() < 0.4
        end = None if ongoing else min(start + rng.randint(5, 60), last)
        return Suspension(
            organisation_id=self.org_id,
            enrolment_id=enrolment.pk,
            start_date=date.fromordinal(start),
            end_date=date.fromordinal(end) if end else None,
            reason=rng.choice(list(SuspensionReason)),
            recorded_by_id=enrolment.primary_coach_id,
        )


# ---------------------------------------------------------------------------------------------
# Employment histories: companies, employer contacts, immersions, jobs, follow-along, meetings.
# ---------------------------------------------------------------------------------------------

COMPANIES_PER_COACH = 3
# Company SIRETs: a block of numbers for each organisation, away from the organisations' own.
COMPANY_SIRET_BASE = 91_000_000
COMPANY_SIRET_BLOCK = 10_000
PROSPECTING_DAYS = 540  # how far back the coaches' own prospecting goes
MEETING_DAYS = 360  # the journal dates a meeting within a year of today
MAX_JOB_SEARCH_CONTACTS = 8
# Occupations supported employment often aims at: half the experiences in work are drawn there.
COMMON_CODES = [
    "K2204",  # cleaning
    "N1103",  # warehouse handling
    "D1106",  # food sales
    "G1602",  # kitchen staff
    "G1603",  # hotel and restaurant staff
    "D1507",  # shelf stocking
    "A1203",  # green spaces
    "K2304",  # waste sorting
    "H3302",  # production line
    "M1602",  # office work
    "D1505",  # cashier
    "N4105",  # delivery
]
OTHER_TITLES = 150
SECTORS = [
    ("Propreté", "81.21Z"),
    ("Logistique", "52.10B"),
    ("Supermarché", "47.11F"),
    ("Restaurant", "56.10A"),
    ("Hôtel", "55.10Z"),
    ("Jardins", "81.30Z"),
    ("Recyclage", "38.32Z"),
    ("Boulangerie", "10.71C"),
    ("Imprimerie", "18.12Z"),
    ("Bureau", "82.11Z"),
    ("Transports", "49.41A"),
    ("Crèche", "88.91A"),
]
RELATIONSHIPS = [
    (RelationshipStatus.PARTNER, 4),
    (RelationshipStatus.IN_CONTACT, 4),
    (RelationshipStatus.PROSPECT, 2),
    (RelationshipStatus.DORMANT, 1),
]
COMPANY_ROLES = ["Responsable d'équipe", "Tuteur·rice", "Gérant·e", "Responsable des ressources humaines"]
# A contract and the range of its planned length in days (None: no planned end).
CONTRACTS = [
    ((ContractType.CDI, None), 30),
    ((ContractType.CDD_LONG, (184, 540)), 18),
    ((ContractType.CDD_SHORT, (30, 175)), 16),
    ((ContractType.TEMPORARY, (14, 365)), 10),
    ((ContractType.SUBSIDISED, (184, 730)), 10),
    ((ContractType.WORK_STUDY, (365, 730)), 4),
    ((ContractType.INSERTION, (120, 720)), 9),
    ((ContractType.OTHER, (60, 365)), 3),
]
DURABLE_CONTRACTS = [((ContractType.CDI, None), 7), ((ContractType.CDD_LONG, (184, 540)), 3)]
# The jobs behind an exit into transition employment (DGEFP): short contracts, subsidised ones.
TRANSITION_CONTRACTS = [
    ((ContractType.CDD_SHORT, (30, 175)), 4),
    ((ContractType.TEMPORARY, (14, 175)), 3),
    ((ContractType.SUBSIDISED, (184, 730)), 2),
]
HOURS = [
    (8, 2),
    (10, 3),
    (12, 3),
    (15, 6),
    (18, 5),
    (20, 10),
    (24, 12),
    (26, 6),
    (28, 6),
    (30, 8),
    (35, 18),
    (39, 4),
]
EARLY_ENDS = [EndReason.RESIGNATION, EndReason.DISMISSAL, EndReason.HEALTH, EndReason.OTHER]
DISCLOSURES = [
    (EmployerDisclosure.NOT_DISCLOSED, 5),
    (EmployerDisclosure.MANAGER, 4),
    (EmployerDisclosure.TEAM, 1),
]
PROSPECTING = [
    (EmployerContactKind.PROSPECTING_VISIT, 35),
    (EmployerContactKind.PHONE_CALL, 30),
    (EmployerContactKind.FOLLOW_UP_VISIT, 15),
    (EmployerContactKind.AWARENESS_SESSION, 10),
    (EmployerContactKind.TUTOR_TRAINING, 5),
    (EmployerContactKind.CANDIDATE_PRESENTATION, 5),
]
FOR_A_PERSON = [
    (EmployerContactKind.CANDIDATE_PRESENTATION, 5),
    (EmployerContactKind.PHONE_CALL, 3),
    (EmployerContactKind.PROSPECTING_VISIT, 2),
]
SUPPORT = [
    ((SupportKind.FACE_TO_FACE, SupportPlace.WORKPLACE), 36),
    ((SupportKind.FACE_TO_FACE, SupportPlace.OFFICE), 15),
    ((SupportKind.FACE_TO_FACE, SupportPlace.ELSEWHERE), 9),
    ((SupportKind.PHONE, SupportPlace.REMOTE), 25),
    ((SupportKind.VIDEO, SupportPlace.REMOTE), 5),
    ((SupportKind.MESSAGE, SupportPlace.REMOTE), 10),
]
PARTIES = [(Party.PERSON, 50), (Party.TUTOR, 15), (Party.MANAGER, 15), (Party.TOGETHER, 20)]
MEETINGS = [
    (MeetingKind.OFFICE, 55),
    (MeetingKind.PHONE, 15),
    (MeetingKind.VIDEO, 8),
    (MeetingKind.HOME_VISIT, 7),
    (MeetingKind.REFERENT, 10),
    (MeetingKind.THREE_WAY, 5),
]
MEETINGS_AT_WORK = [
    (MeetingKind.WORKPLACE, 35),
    (MeetingKind.EMPLOYER, 10),
    (MeetingKind.THREE_WAY, 10),
    (MeetingKind.OFFICE, 25),
    (MeetingKind.PHONE, 20),
]
PLACES = {
    MeetingKind.OFFICE: "Bureau du service",
    MeetingKind.WORKPLACE: "Sur le lieu de travail",
    MeetingKind.EMPLOYER: "Chez l'employeur",
    MeetingKind.HOME_VISIT: "Au domicile",
}
ATTENDANCES = [
    (Attendance.PRESENT, 78),
    (Attendance.ABSENT, 10),
    (Attendance.EXCUSED, 7),
    (Attendance.CANCELLED, 5),
]
HOURS_OF_DAY = [time(9), time(10), time(11, 30), time(14), time(15, 30), time(16, 30)]


def job_titles(rng: random.Random) -> tuple[list[int], list[int]]:
    """The ROME job titles drawn from: those of the common occupations, and a sample of the rest."""
    codes = list(JobTitle.objects.order_by("code").values_list("code", "occupation_id"))
    common = [code for code, occupation in codes if occupation in COMMON_CODES]
    others = [code for code, occupation in codes if occupation not in COMMON_CODES]
    return common, rng.sample(others, min(OTHER_TITLES, len(others)))


def fixed_term(contract: ContractType, start: int, planned: int) -> ContractType:
    """A CDD is short or long by its planned length: six months or more is long."""
    if contract not in (ContractType.CDD_SHORT, ContractType.CDD_LONG):
        return contract
    long_from = span_end(date.fromordinal(start), months=DURABLE_MONTHS).toordinal()
    return ContractType.CDD_LONG if planned >= long_from else ContractType.CDD_SHORT


class HistoryWriter:
    """The employment side of one organisation's pathways, written after the pathways."""

    COUNTS = ("companies", "employer contacts", "placements", "support contacts", "meetings")

    def __init__(self, organisation, org_index: int, rng: random.Random, today: date, titles):
        self.org_id = organisation.pk
        self.org_index = org_index
        self.rng = rng
        self.today = today.toordinal()
        self.common_titles, self.other_titles = titles
        self.tables = {
            name: weighted(table)
            for name, table in {
                "contracts": CONTRACTS,
                "durable": DURABLE_CONTRACTS,
                "transition": TRANSITION_CONTRACTS,
                "hours": HOURS,
                "disclosures": DISCLOSURES,
                "prospecting": PROSPECTING,
                "for a person": FOR_A_PERSON,
                "support": SUPPORT,
                "parties": PARTIES,
                "meetings": MEETINGS,
                "at work": MEETINGS_AT_WORK,
                "attendances": ATTENDANCES,
                "relationships": RELATIONSHIPS,
            }.items()
        }
        self.companies, self.staff = [], {}  # company keys; company key -> its contact people's keys
        self.contacts, self.placements, self.supports, self.meetings = [], [], [], []
        self.tutor_links = set()

    def draw(self, table: str):
        entries, weights = self.tables[table]
        return self.rng.choices(entries, cum_weights=weights)[0]

    def write(self, coach_rows, pathways) -> dict[str, int]:
        coaches = [coach_id for coach_id, _, _ in coach_rows]
        self.write_companies(coaches)
        for coach_id in coaches:
            self.prospect(coach_id)
        # Placements first (their keys are needed by the support contacts).
        stories = [
            self.pathway(enrolment, days, phases, coach_id)
            for enrolment, (days, phases, coach_id) in pathways
        ]
        Placement.objects.bulk_create(self.placements, batch_size=BATCH)
        for jobs, (enrolment, (_days, _phases, coach_id)) in zip(stories, pathways, strict=True):
            for placement in jobs:
                self.follow_along(placement, enrolment, coach_id)
            self.meet(enrolment, coach_id, jobs)
        EmployerContact.objects.bulk_create(self.contacts, batch_size=BATCH)
        SupportContact.objects.bulk_create(self.supports, batch_size=BATCH)
        Meeting.objects.bulk_create(self.meetings, batch_size=BATCH)
        Meeting.staff.through.objects.bulk_create(
            (
                Meeting.staff.through(meeting_id=meeting.pk, user_id=meeting.created_by_id)
                for meeting in self.meetings
            ),
            batch_size=BATCH,
        )
        PersonContact.objects.bulk_create(
            (
                PersonContact(
                    organisation_id=self.org_id,
                    person_id=person_id,
                    contact_id=contact_id,
                    relation=ContactKind.EMPLOYER,
                )
                for person_id, contact_id in sorted(self.tutor_links)
            ),
            batch_size=BATCH,
        )
        return {
            "companies": len(self.companies),
            "employer contacts": len(self.contacts),
            "placements": len(self.placements),
            "support contacts": len(self.supports),
            "meetings": len(self.meetings),
        }

    def write_companies(self, coaches) -> None:
        rng, companies = self.rng, []
        first = COMPANY_SIRET_BASE + self.org_index * COMPANY_SIRET_BLOCK
        for number in range(len(coaches) * COMPANIES_PER_COACH):
            sector, naf = SECTORS[number % len(SECTORS)]
            name = f"{sector} {rng.choice(FAMILY_NAMES)} {number + 1}"
            siret = synthetic_siret(first + number)
            owner = coaches[number % len(coaches)]
            companies.append(
                Company(
                    organisation_id=self.org_id,
                    name=name,
                    siret=siret,
                    naf_code=naf,
                    size_band=rng.choice(list(SizeBand)),
                    address=f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
                    postal_code=f"750{rng.randint(1, 20):02d}",
                    city="Paris",
                    relationship_status=self.draw("relationships"),
                    owner_id=owner,
                    search_name=search_text(name, "Paris", siret),
                    created_by_id=owner,
                )
            )
        Company.objects.bulk_create(companies, batch_size=BATCH)
        people = []
        for company in companies:
            for title in rng.sample(COMPANY_ROLES, rng.randint(1, 2)):
                full_name = f"{rng.choice(FIRST_NAMES[rng.choice([Sex.FEMALE, Sex.MALE])])} {rng.choice(FAMILY_NAMES)}"
                people.append(
                    Contact(
                        organisation_id=self.org_id,
                        full_name=full_name,
                        partner_name=company.name,
                        job_title=title,
                        kind=ContactKind.EMPLOYER,
                        company_id=company.pk,
                        phone=f"01 98 00 {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}",
                        search_name=search_text(full_name, company.name, title),
                    )
                )
        Contact.objects.bulk_create(people, batch_size=BATCH)
        self.companies = [company.pk for company in companies]
        for contact in people:
            self.staff.setdefault(contact.company_id, []).append(contact.pk)

    def contact(self, coach_id, kind, day: int, company_id=None, person_id=None) -> int:
        rng = self.rng
        company_id = company_id or rng.choice(self.companies)
        if kind in (EmployerContactKind.PROSPECTING_VISIT, EmployerContactKind.FOLLOW_UP_VISIT):
            face_to_face = True
        elif kind == EmployerContactKind.PHONE_CALL:
            face_to_face = False
        else:
            face_to_face = rng.random() < 0.8  # a presentation or a session may be held by video
        self.contacts.append(
            EmployerContact(
                organisation_id=self.org_id,
                company_id=company_id,
                coach_id=coach_id,
                kind=kind,
                face_to_face=face_to_face,
                contacted_on=date.fromordinal(day),
                person_id=person_id,
                company_contact_id=rng.choice(self.staff[company_id]) if rng.random() < 0.5 else None,
            )
        )
        return company_id

    def prospect(self, coach_id) -> None:
        """The coach's own job development, about no one in particular."""
        day = self.today - PROSPECTING_DAYS + self.rng.randint(0, 5)
        while day <= self.today:
            self.contact(coach_id, self.draw("prospecting"), day)
            day += self.rng.randint(2, 8)

    def pathway(self, enrolment, days, phases, coach_id) -> list[Placement]:
        """The employer contacts and the experiences in work of one pathway; returns its jobs."""
        company, jobs = None, []
        for index, phase in enumerate(phases):
            start = days[index]
            stop = days[index + 1] if index + 1 < len(days) else None
            following = phases[index + 1] if stop is not None else None
            if phase == Phase.JOB_SEARCH:
                company = self.job_search(enrolment, coach_id, start, stop) or company
            elif phase == Phase.ACCESS:
                company = self.immersion(enrolment, coach_id, start, stop, following, company)
            elif phase == Phase.IN_EMPLOYMENT:
                jobs.append(self.job(enrolment, coach_id, start, stop, following, company))
        return jobs

    def job_search(self, enrolment, coach_id, start: int, stop: int | None):
        """Presentations of the person to employers, from the first day of the job search."""
        last_day = (stop - 1) if stop is not None else self.today
        day, company = start, None
        for _ in range(MAX_JOB_SEARCH_CONTACTS):
            if day > last_day:
                break
            company = self.contact(coach_id, self.draw("for a person"), day, person_id=enrolment.person_id)
            day += self.rng.randint(5, 20)
        return company

    def title(self) -> int:
        pool = self.common_titles if self.rng.random() < 0.5 or not self.other_titles else self.other_titles
        return self.rng.choice(pool or self.other_titles)

    def placement(self, enrolment, coach_id, kind, company_id, started: int, **fields) -> Placement:
        rng = self.rng
        disclosure = self.draw("disclosures")
        tutor = rng.choice(self.staff[company_id]) if rng.random() < 0.7 else None
        if tutor is not None:
            self.tutor_links.add((enrolment.person_id, tutor))
        placement = Placement(
            organisation_id=self.org_id,
            enrolment_id=enrolment.pk,
            kind=kind,
            company_id=company_id,
            tutor_id=tutor,
            job_title_id=self.title(),
            started_on=date.fromordinal(started),
            disclosure=disclosure,
            disclosure_decided_on=(
                None
                if disclosure == EmployerDisclosure.NOT_DISCLOSED
                else date.fromordinal(started - rng.randint(0, 20))
            ),
            created_by_id=coach_id,
            **fields,
        )
        self.placements.append(placement)
        return placement

    def immersion(self, enrolment, coach_id, start: int, stop: int | None, following, company):
        """An immersion of 5 to 25 days in the access phase, cut short when the phase ends first."""
        rng = self.rng
        room = (stop if stop is not None else self.today + 1) - start
        begin = start + rng.randint(0, max(0, min(7, room - 1)))
        planned = begin + rng.randint(4, 24)
        ended = min(planned, stop - 1) if stop is not None else (planned if planned < self.today else None)
        if ended is not None and rng.random() < 0.05:
            assessment, ended, reason = ImmersionAssessment.NO_SHOW, begin, EndReason.OTHER
        elif ended == planned:
            assessment, reason = ImmersionAssessment.COMPLETED, EndReason.END_OF_TERM
        elif ended is not None:
            assessment, reason = ImmersionAssessment.PARTLY, rng.choice(EARLY_ENDS)
        else:
            assessment, reason = "", ""
        company = company if company and rng.random() < 0.6 else rng.choice(self.companies)
        self.placement(
            enrolment,
            coach_id,
            PlacementKind.IMMERSION,
            company,
            begin,
            planned_end_on=date.fromordinal(planned),
            hours_per_week=rng.choice([20, 24, 28, 30, 35]),
            objective=rng.choice(list(ImmersionObjective)),
            assessment=assessment,
            led_to_job=None if ended is None else following == Phase.IN_EMPLOYMENT,
            ended_on=date.fromordinal(ended) if ended is not None else None,
            end_reason=reason,
        )
        return company

    def job(self, enrolment, coach_id, start: int, stop: int | None, following, company) -> Placement:
        """A job over an "in employment" phase: lost (back to job search), kept past an exit into
        employment up to its planned end, or still held."""
        rng = self.rng
        ended, reason = None, ""
        if following == Phase.JOB_SEARCH:
            ended = max(start, stop - 1)
            table = "contracts"
        elif following == Phase.EXIT:
            outcome = enrolment.exit_outcome
            table = {
                ExitOutcome.DURABLE_EMPLOYMENT: "durable",
                ExitOutcome.TRANSITION_EMPLOYMENT: "transition",
            }.get(outcome, "contracts")
            if outcome not in (ExitOutcome.DURABLE_EMPLOYMENT, ExitOutcome.TRANSITION_EMPLOYMENT):
                ended = stop  # left for a training
        else:
            table = "contracts"
        contract, lengths = self.draw(table)
        planned = start + rng.randint(*lengths) if lengths else None
        if ended is not None:
            if planned is not None and rng.random() < 0.6:
                planned, reason = ended, EndReason.END_OF_TERM
            elif ended - start < 60 and rng.random() < 0.5:
                reason = EndReason.END_OF_TRIAL
            else:
                reason = rng.choice(EARLY_ENDS)
            if planned is not None:
                planned = max(planned, ended)
        elif following == Phase.EXIT:
            if planned is not None:
                planned = max(planned, stop)
                if planned <= self.today:
                    ended, reason = planned, EndReason.END_OF_TERM
        elif planned is not None and planned < self.today:
            contract, planned = ContractType.CDI, None  # still held: the contract became permanent
        if planned is not None:
            contract = fixed_term(contract, start, planned)
        transition_exit = (
            following == Phase.EXIT and enrolment.exit_outcome == ExitOutcome.TRANSITION_EMPLOYMENT
        )
        if (
            transition_exit
            and planned >= span_end(date.fromordinal(start), months=DURABLE_MONTHS).toordinal()
        ):
            # Held up to the exit, a short contract reached 6 months: a contrat aidé, so that the
            # exit stays coherent with its job (pathways.exits).
            contract = ContractType.SUBSIDISED
        company = company if company and rng.random() < 0.5 else rng.choice(self.companies)
        return self.placement(
            enrolment,
            coach_id,
            PlacementKind.EMPLOYMENT,
            company,
            start,
            contract_type=contract,
            planned_end_on=date.fromordinal(planned) if planned is not None else None,
            hours_per_week=self.draw("hours"),
            ended_on=date.fromordinal(ended) if ended is not None else None,
            end_reason=reason,
        )

    def follow_along(self, job: Placement, enrolment, coach_id) -> None:
        """Support contacts about every three weeks while the job runs and the pathway lasts
        (fading after a few months for some), and a few follow-up visits to the employer."""
        rng = self.rng
        start = job.started_on.toordinal()
        last = min(
            job.ended_on.toordinal() if job.ended_on else self.today,
            enrolment.exit_date.toordinal() if enrolment.exit_date else self.today,
        )
        if rng.random() < 0.15:
            last = min(last, start + rng.randint(120, 400))
        day = start + rng.randint(2, 10)
        while day <= last:
            kind, place = self.draw("support")
            self.supports.append(
                SupportContact(
                    organisation_id=self.org_id,
                    placement_id=job.pk,
                    party=self.draw("parties"),
                    kind=kind,
                    place=place,
                    contacted_on=date.fromordinal(day),
                    by_id=coach_id,
                )
            )
            day += rng.randint(7, 35)
        day = start + rng.randint(20, 60)
        for _ in range(4):
            if day > last:
                break
            self.contact(
                coach_id, EmployerContactKind.FOLLOW_UP_VISIT, day, job.company_id, enrolment.person_id
            )
            day += rng.randint(60, 120)

    def meet(self, enrolment, coach_id, jobs) -> None:
        """Meetings every two to six weeks within the last year, back from the last contact (a
        meeting the person attended), and the next appointment."""
        rng = self.rng
        if enrolment.last_contact_on is not None:
            entry = (enrolment.intake_date or enrolment.referral_date).toordinal()
            # A meeting of today could be still to come: the last one held is yesterday at the latest.
            day = min(enrolment.last_contact_on.toordinal(), self.today - 1)
            earliest = max(entry, self.today - MEETING_DAYS)
            attendance = Attendance.PRESENT
            while day >= earliest:
                at_work = any(
                    job.started_on.toordinal() <= day <= (job.ended_on or date.max).toordinal()
                    for job in jobs
                )
                self.meeting(
                    enrolment, coach_id, day, self.draw("at work" if at_work else "meetings"), attendance
                )
                attendance = self.draw("attendances")
                day -= rng.randint(14, 42)
        if enrolment.next_appointment_at is not None:
            self.meetings.append(
                Meeting(
                    organisation_id=self.org_id,
                    enrolment_id=enrolment.pk,
                    starts_at=enrolment.next_appointment_at,
                    kind=MeetingKind.OFFICE,
                    place=PLACES[MeetingKind.OFFICE],
                    created_by_id=coach_id,
                )
            )

    def meeting(self, enrolment, coach_id, day: int, kind, attendance) -> None:
        self.meetings.append(
            Meeting(
                organisation_id=self.org_id,
                enrolment_id=enrolment.pk,
                starts_at=datetime.combine(date.fromordinal(day), self.rng.choice(HOURS_OF_DAY), PARIS),
                duration_minutes=self.rng.choice((30, 45, 60, 60, 90)),
                kind=kind,
                place=PLACES.get(kind, ""),
                attendance=attendance,
                created_by_id=coach_id,
            )
        )
