"""Placements files for the import's tests (synthetic data) and a helper to run them."""

import io
from datetime import date, timedelta

from filrouge.imports import runs
from filrouge.pathways.domain import today
from tests.imports.hostile import csv_bytes

# Column key → the header the file uses (the columns' own French labels).
COLUMNS = {
    "external_id": "Identifiant de l'expérience",
    "pathway_external_id": "N° de parcours",
    "person_external_id": "Identifiant externe de la personne",
    "last_name": "Nom",
    "first_name": "Prénom",
    "date_of_birth": "Date de naissance",
    "referral_date": "Date d'orientation",
    "company_external_id": "Identifiant de l'entreprise",
    "company_siret": "SIRET de l'entreprise",
    "company_name": "Entreprise",
    "kind": "Type d'expérience",
    "contract_type": "Type de contrat",
    "ogr_code": "Code OGR du poste",
    "job_title": "Poste",
    "started_on": "Début",
    "planned_end_on": "Fin prévue",
    "ended_on": "Fin",
    "end_reason": "Motif de fin",
    "hours_per_week": "Heures par semaine",
    "objective": "Objectif de l'immersion",
    "assessment": "Bilan de l'immersion",
    "led_to_job": "A débouché sur un emploi",
    "end_comment": "Commentaire de fin",
}
BAKER = "Boulanger / Boulangère"


def days_ago(days: int) -> date:
    return today() - timedelta(days=days)


def cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return str(value)


def person_cells(person) -> dict:
    """The names and birth date a row without ids names its person by."""
    return {
        "last_name": person.last_name,
        "first_name": person.first_name,
        "date_of_birth": person.date_of_birth,
    }


def job(person=None, **cells) -> dict:
    """A CDI of 24 hours a week that began 30 days ago, at the company named by `company_siret`."""
    return (
        (person_cells(person) if person else {})
        | {
            "kind": "Emploi",
            "contract_type": "CDI",
            "job_title": BAKER,
            "started_on": days_ago(30),
            "hours_per_week": "24",
        }
        | cells
    )


def immersion(person=None, **cells) -> dict:
    """A two-week immersion that began 20 days ago, to discover a job."""
    return (
        (person_cells(person) if person else {})
        | {
            "kind": "Immersion",
            "objective": "Découvrir un métier ou un secteur",
            "job_title": BAKER,
            "started_on": days_ago(20),
            "planned_end_on": days_ago(6),
            "hours_per_week": "35",
        }
        | cells
    )


def placements_csv(*rows: dict, keys=None) -> bytes:
    """A file with the columns the rows use (or `keys`), in the template's order."""
    used = keys or [key for key in COLUMNS if any(key in row for row in rows)]
    header = [COLUMNS[key] for key in used]
    return csv_bytes([header, *([cell(row.get(key)) for key in used] for row in rows)])


def import_placements(content: bytes, *, service, user, dry_run=False, name="experiences.csv"):
    run, report = runs.run_import(
        runs.Source("placements", io.BytesIO(content), name), service=service, user=user, dry_run=dry_run
    )
    return run, report


def placements_report(report):
    """The placements source's report of a run (a run's report holds one per kind)."""
    return report.report_of("placements") if hasattr(report, "report_of") else report


def outcomes(report) -> list[tuple[int, str]]:
    return [(result.number, result.outcome.value) for result in placements_report(report).results]


def messages(report) -> list[str]:
    return [message for result in placements_report(report).results for _header, message in result.messages]
