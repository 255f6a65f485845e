"""People files for the import's tests (synthetic data) and a helper to run them."""

import io
from datetime import date, timedelta

from filrouge.imports import runs
from filrouge.pathways.domain import today
from tests.imports.hostile import csv_bytes

# Column key → the header the file uses (the columns' own French labels).
COLUMNS = {
    "external_id": "Identifiant externe",
    "pathway_external_id": "N° de parcours",
    "birth_name": "Nom de naissance",
    "usual_name": "Nom d'usage",
    "first_name": "Prénom",
    "date_of_birth": "Date de naissance",
    "sex": "Sexe",
    "phone": "Téléphone",
    "email": "Adresse e-mail",
    "postal_code": "Code postal",
    "city": "Commune",
    "referral_date": "Date d'orientation",
    "intake_date": "Date d'entrée",
    "lead_coach": "Job coach référent·e",
    "phase": "Étape",
    "phase_since": "Depuis le",
    "planned_end_date": "Fin prévue",
    "exit_date": "Date de sortie",
    "exit_outcome": "Motif de sortie",
    "reoriented_to": "Réorientation vers",
    "exit_comment": "Commentaire de sortie",
    "suspensions": "Suspensions",
    "homonym_confirmed": "Homonyme confirmé",
    "employment_status": "Situation d'emploi à l'entrée",
    "out_of_work_since": "Sans emploi depuis",
    "education_level": "Niveau de formation",
    "receives_rsa": "RSA",
    "rqth_status": "RQTH",
    "rqth_granted_on": "RQTH obtenue le",
    "housing": "Logement",
    "referent_kind": "Type de partenaire",
    "referent_partner_name": "Structure du référent",
    "referent_full_name": "Nom du référent",
    "referent_email": "E-mail du référent",
}


def days_ago(days: int) -> date:
    return today() - timedelta(days=days)


def day(days: int) -> str:
    """A date `days` ago as a spreadsheet shows it."""
    return days_ago(days).strftime("%d/%m/%Y")


def person(**values) -> dict[str, str]:
    """One row: a person referred 100 days ago, taken in 90 days ago, out of work, with the
    situation at entry filled; `values` override or add cells (by column key)."""
    base = {
        "external_id": "",
        "birth_name": "Lefèvre",
        "first_name": "Camille",
        "date_of_birth": "15/03/1990",
        "referral_date": day(100),
        "intake_date": day(90),
        "employment_status": "Sans emploi",
        "education_level": "Bac",
        "housing": "Logement autonome",
    }
    return base | values


def people_csv(*rows: dict[str, str]) -> bytes:
    """The rows under the headers of every column any row fills, in the template's order."""
    keys = [key for key in COLUMNS if any(key in row for row in rows)]
    return csv_bytes([[COLUMNS[key] for key in keys], *[[row.get(key, "") for key in keys] for row in rows]])


def import_people(content: bytes, *, service, user, dry_run=False, name="personnes.csv"):
    """(run, the people file's report)."""
    run, report = runs.run_import(
        runs.Source("people", io.BytesIO(content), name), service=service, user=user, dry_run=dry_run
    )
    return run, report.report_of("people")


def outcomes(report) -> list[tuple[int, str]]:
    return [(result.number, result.outcome.value) for result in report.results]


def messages(report, number: int) -> list[tuple[str | None, str]]:
    return next(result.messages for result in report.results if result.number == number)
