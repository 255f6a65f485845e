"""Companies files for the import's tests (synthetic data) and a helper to run them."""

import io

from filrouge.imports import runs
from filrouge.organisations.validators import synthetic_siret
from tests.imports.hostile import csv_bytes

HEADER = [
    "Identifiant externe",
    "SIRET",
    "Raison sociale",
    "Code NAF",
    "Effectif",
    "Type d'employeur",
    "Adresse",
    "Code postal",
    "Commune",
    "Chargé·e de la relation",
    "Nom du contact",
    "E-mail du contact",
]
SIRET_1, SIRET_2 = synthetic_siret(4101), synthetic_siret(4102)


def row(
    external_id="",
    siret="",
    name="",
    naf="",
    size="",
    kind="",
    address="",
    postal_code="26000",
    city="Valence",
    owner="",
    contact="",
    contact_email="",
):
    return [
        external_id,
        siret,
        name,
        naf,
        size,
        kind,
        address,
        postal_code,
        city,
        owner,
        contact,
        contact_email,
    ]


BAKERY = row("E-1", SIRET_1, "Boulangerie du Pont", "10.71C", "12", "", "3 place du Marché")
GARAGE = row("E-2", SIRET_2, "Garage des Alpes", "45.20A", "35", "Entreprise adaptée")


def companies_csv(*rows, encoding="utf-8") -> bytes:
    return csv_bytes([HEADER, *rows], encoding=encoding)


def import_file(content: bytes, *, service, user, dry_run=False, name="entreprises.csv", kind="companies"):
    """The run and the report of its one file."""
    run, report = runs.run_import(
        runs.Source(kind, io.BytesIO(content), name), service=service, user=user, dry_run=dry_run
    )
    return run, report.reports[0]


def outcomes(report) -> list[tuple[int, str]]:
    return [(result.number, result.outcome.value) for result in report.results]
