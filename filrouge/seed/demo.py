"""The demo preset: two organisations, two services each, one account per role, and the
people each service supports (see demo_people).

Everything here is made up. Running it again changes nothing: rows are found by their
natural keys (SIRET, service name, email) before being created, and a service that already
has pathways gets no new people.
"""

from dataclasses import dataclass

from django.db import transaction

from filrouge.accounts.models import User
from filrouge.organisations.models import Membership, Organisation, ProgrammeType, Role, Service
from filrouge.organisations.validators import synthetic_siret
from filrouge.privacy.models import AccessRequest
from filrouge.referentials.loading import (
    classify_situations,
    index_job_titles,
    load_communes,
    load_diagnostic,
    load_rome,
)
from filrouge.referentials.models import (
    PERSONAL_THEMES,
    ActionKind,
    Commune,
    JobTitle,
    Objective,
    Occupation,
    Situation,
    Theme,
)
from filrouge.seed.demo_access import seed_access_requests
from filrouge.seed.demo_casework import seed_casework
from filrouge.seed.demo_employment import employment_summary, seed_employment
from filrouge.seed.demo_fidelity import seed_fidelity
from filrouge.seed.demo_people import demo_counts, seed_people
from filrouge.seed.demo_reminders import record_messages_already_sent, seed_reminders
from filrouge.workshops.built_in import load_built_in_types
from filrouge.workshops.models import WorkshopType

DEMO_PASSWORD = "Filrouge-demo-2026"  # noqa: S105  (printed to the demo user on purpose)
# Roles held part time, by (email, role): (time share, share of that time on employment services).
# Thomas Girard heads the supported-employment service half time and coaches the RSA service the
# other half, mostly on employment (the rest: the social side of the RSA support).
PART_TIME = {
    ("chef@trait-union.example", Role.HEAD_OF_SERVICE): (50, 100),
    ("chef@trait-union.example", Role.COACH): (50, 90),
}


@dataclass(frozen=True)
class DemoAccount:
    local_part: str
    full_name: str
    roles: tuple[tuple[Role, int | None], ...]  # (role, index of the service or None)


ORGANISATIONS = [
    {
        "name": "Association Trait d'Union",
        "siret": synthetic_siret(26_000_001),
        "address": "12 avenue des Baronnies",
        "postal_code": "26000",
        "city": "Valence",
        "domain": "trait-union.example",
        "services": [
            ("Job coaching Drôme", ProgrammeType.SUPPORTED_EMPLOYMENT, "26000", "Valence"),
            ("Accompagnement RSA Romans", ProgrammeType.MINIMUM_INCOME, "26100", "Romans-sur-Isère"),
        ],
        "accounts": [
            DemoAccount("coach", "Camille Roussel", ((Role.COACH, 0),)),
            DemoAccount("coach.rsa", "Malik Benali", ((Role.COACH, 1),)),
            DemoAccount("psychologue", "Sophie Marchand", ((Role.PSYCHOLOGIST, 0), (Role.PSYCHOLOGIST, 1))),
            DemoAccount("social", "Julien Perrin", ((Role.SOCIAL_WORKER, 0),)),
            DemoAccount("educateur", "Nadia Faure", ((Role.EDUCATOR, 0),)),
            DemoAccount("chef", "Thomas Girard", ((Role.HEAD_OF_SERVICE, 0), (Role.COACH, 1))),
            DemoAccount("direction", "Isabelle Lemoine", ((Role.DIRECTOR, None),)),
            DemoAccount("admin", "Paul Fontaine", ((Role.ORG_ADMIN, None),)),
            DemoAccount("financeur", "Claire Dupuis", ((Role.FUNDER_VIEWER, 0),)),
            DemoAccount("dpd", "Hélène Bertin", ((Role.DPO, None),)),
        ],
    },
    {
        "name": "Coopérative Passerelles",
        "siret": synthetic_siret(31_000_002),
        "address": "5 rue des Tanneurs",
        "postal_code": "31000",
        "city": "Toulouse",
        "domain": "passerelles.example",
        "services": [
            ("ESAT Les Ateliers — accompagnement", ProgrammeType.ESAT_SUPPORT, "31200", "Toulouse"),
            ("Activ'Projet Toulouse", ProgrammeType.ACTIV_PROJET, "31000", "Toulouse"),
        ],
        "accounts": [
            DemoAccount("coach", "Léa Mercier", ((Role.COACH, 0),)),
            DemoAccount("coach.activ", "Hugo Blanchard", ((Role.COACH, 1),)),
            DemoAccount("psychologue", "Élodie Carpentier", ((Role.PSYCHOLOGIST, 0),)),
            DemoAccount("social", "Karim Haddad", ((Role.SOCIAL_WORKER, 0), (Role.SOCIAL_WORKER, 1))),
            DemoAccount("educateur", "Anaïs Rolland", ((Role.EDUCATOR, 0),)),
            DemoAccount("chef", "Marc Delorme", ((Role.HEAD_OF_SERVICE, 0), (Role.HEAD_OF_SERVICE, 1))),
            DemoAccount("direction", "Sylvie Garnier", ((Role.DIRECTOR, None),)),
            DemoAccount("admin", "Olivier Brun", ((Role.ORG_ADMIN, None),)),
            DemoAccount("financeur", "Nathalie Vidal", ((Role.FUNDER_VIEWER, 1),)),
            DemoAccount("dpd", "Bruno Lacombe", ((Role.DPO, None),)),
        ],
    },
]


@transaction.atomic
def ensure_reference_data() -> None:
    """The referentials and built-in workshop types the migrations load (a test database that was
    emptied between tests lacks them)."""
    if not JobTitle.objects.exists() or not Situation.objects.exists():
        load_rome(Occupation, JobTitle)
        index_job_titles(JobTitle)
        load_diagnostic(Theme, Situation, Objective, ActionKind, PERSONAL_THEMES)
        classify_situations(Situation)
    if not Commune.objects.exists():
        load_communes(Commune)
    if not WorkshopType.objects.filter(code__isnull=False).exists():
        load_built_in_types(WorkshopType)


def seed_demo() -> list[dict]:
    """Creates what is missing of the demo; returns the demo accounts, one row per role held."""
    ensure_reference_data()
    rows = []
    for number, spec in enumerate(ORGANISATIONS):
        # One organisation at a time, whole or not at all: an exit into employment waits for its
        # job (see demo_people.Leaving), and must not be left waiting by a run that fails.
        with transaction.atomic():
            rows += seed_organisation(number, spec)
    record_messages_already_sent()
    return rows


def seed_organisation(number: int, spec: dict) -> list[dict]:
    """One organisation of the demo: its services, accounts, people and everything around them."""
    rows = []
    organisation, _ = Organisation.objects.get_or_create(
        siret=spec["siret"],
        defaults={key: spec[key] for key in ("name", "address", "postal_code", "city")},
    )
    services = [
        Service.objects.get_or_create(
            organisation=organisation,
            name=name,
            defaults={"programme_type": programme, "postal_code": postal_code, "city": city},
        )[0]
        for name, programme, postal_code, city in spec["services"]
    ]
    for account in spec["accounts"]:
        email = f"{account.local_part}@{spec['domain']}"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=DEMO_PASSWORD,
                full_name=account.full_name,
                organisation=organisation,
            )
        for role, index in account.roles:
            service = services[index] if index is not None else None
            time_share, employment_share = PART_TIME.get((email, role), (100, 100))
            Membership.objects.get_or_create(
                user=user,
                role=role,
                service=service,
                defaults={"time_share": time_share, "employment_services_share": employment_share},
            )
            rows.append(
                {
                    "organisation": organisation.name,
                    "service": service.name if service else "—",
                    "role": role.label,
                    "email": email,
                    "password": DEMO_PASSWORD,
                }
            )
    planned = seed_people(organisation, services, spec["domain"], seed=2026 + number)
    leaving = frozenset(pk for pk, plan in planned.items() if plan.leaving)
    seed_casework(services, seed=2026 + number, leaving=leaving)
    seed_employment(organisation, services, spec["domain"], seed=2026 + number, planned=planned)
    seed_reminders(organisation, services, spec["domain"], seed=2026 + number)
    head = Membership.objects.filter(service=services[0], role=Role.HEAD_OF_SERVICE).first()
    if head is not None:
        seed_fidelity(services, head.user, seed=2026 + number)
    if number == 0:  # the right of access, shown in one organisation, once its writings exist
        seed_access_requests(organisation, services[0])
    return rows


def demo_summary() -> str:
    """One line of counts for the demo organisations, printed after the accounts."""
    organisations = Organisation.objects.filter(siret__in=[spec["siret"] for spec in ORGANISATIONS])
    counts = demo_counts(organisations)
    counts["demandes de droit d'accès"] = AccessRequest.objects.filter(organisation__in=organisations).count()
    return (
        "Données de démonstration : "
        + ", ".join(f"{count} {name}" for name, count in counts.items())
        + ".\n"
        + employment_summary(organisations)
    )
