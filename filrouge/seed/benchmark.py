"""The benchmark preset: bulk data at the scale of a large federation, for measuring speed.

Sized by the number of people supported: one coach for every 20 people, ten coaches per
service, ten services per organisation. Rows are written with bulk_create in batches, so
that 100,000 people (and what later issues attach to them) seed in minutes.
"""

import math

from django.contrib.auth.hashers import make_password
from django.db import transaction

from filrouge.accounts.models import User
from filrouge.organisations.models import Membership, Organisation, ProgrammeType, Role, Service
from filrouge.organisations.validators import synthetic_siret

PEOPLE_PER_COACH = 20
COACHES_PER_SERVICE = 10
SERVICES_PER_ORGANISATION = 10
BATCH = 2000
# SIRETs of benchmark organisations start here, away from the demo's.
SIRET_BASE = 90_000_000


@transaction.atomic
def seed_benchmark(people: int) -> dict[str, int]:
    coaches = max(1, math.ceil(people / PEOPLE_PER_COACH))
    services = math.ceil(coaches / COACHES_PER_SERVICE)
    organisations = math.ceil(services / SERVICES_PER_ORGANISATION)
    programmes = list(ProgrammeType)
    created = {"organisations": 0, "services": 0, "accounts": 0}
    unusable = make_password(None)

    for org_index in range(organisations):
        siret = synthetic_siret(SIRET_BASE + org_index)
        if Organisation.objects.filter(siret=siret).exists():
            continue  # seeded by an earlier run
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
        domain = f"banc-{org_index + 1:04d}.example"
        users, roles = [], []
        for service in service_rows:
            for coach in range(COACHES_PER_SERVICE):
                user = User(
                    email=f"coach-{service.name[-5:]}-{coach:02d}@{domain}",
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
    return created
