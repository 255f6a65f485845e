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
"""

import math
import random
from datetime import date, datetime, time
from itertools import accumulate
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import transaction

from filrouge.accounts.models import User
from filrouge.core.text import fold
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
EMPLOYMENT_OUTCOMES = [ExitOutcome.DURABLE_EMPLOYMENT, ExitOutcome.OTHER_EMPLOYMENT, ExitOutcome.TRAINING]
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
        ["organisations", "services", "accounts", "people", "enrolments", "phase changes", "suspensions"], 0
    )
    unusable = make_password(None)
    today = domain.today()

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
            for name, count in writer.write(coach_rows, wanted).items():
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

    def write(self, coach_rows, wanted: int) -> dict[str, int]:
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
                    search_name=fold(f"{full_name} {partner_name} {title}"),
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
            search_name=fold(f"{first} {usual} {birth}"),
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
