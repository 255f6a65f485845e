"""Loads the national referentials from `data/` (see NOTICE for their provenance).

Idempotent: items are keyed by their code, so a later copy of the files updates labels and
adds items without touching the ones a service added. Called by a data migration with the
historical models, and by `filrouge referentials` after the files are updated.
"""

import csv
import hashlib
from decimal import Decimal
from pathlib import Path

from django.utils.text import slugify

from filrouge.core.text import fold
from filrouge.referentials.communes import commune_key
from filrouge.referentials.search import stored_words

DATA = Path(__file__).resolve().parent / "data"


def data_checksum() -> str:
    """sha256 over the shipped files, by sorted name: each name, size and content."""
    digest = hashlib.sha256()
    for path in sorted((p for p in DATA.iterdir() if p.is_file()), key=lambda p: p.name):
        content = path.read_bytes()
        digest.update(f"{path.name}\0{len(content)}\0".encode())
        digest.update(content)
    return digest.hexdigest()


def rows(name: str, delimiter: str = ","):
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        # Lines starting with "#" are the files' own notes (provenance, rationale).
        yield from csv.DictReader((line for line in handle if not line.startswith("#")), delimiter=delimiter)


def item_code(theme: str, label: str) -> str:
    """The files give national items no code: theme and slugged label make a stable one."""
    return f"{theme}.{slugify(label)}"[:160]


def load_rome(Occupation, JobTitle) -> int:
    occupations = [
        Occupation(code=r["code_rome"], label=r["libelle_rome"]) for r in rows("rome_codes.csv", ";")
    ]
    Occupation.objects.bulk_create(
        occupations, update_conflicts=True, unique_fields=["code"], update_fields=["label"]
    )
    titles = [
        JobTitle(
            code=int(r["ogr_appellation"]),
            occupation_id=r["rome_code"],
            label=r["libelle_appellation_long"],
            short_label=r["libelle_appellation_court"],
            search_label=fold(r["libelle_appellation_long"]),
        )
        for r in rows("rome_appellations.csv", ";")
    ]
    JobTitle.objects.bulk_create(
        titles,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["occupation", "label", "short_label", "search_label"],
    )
    return len(titles)


def index_job_titles(JobTitle) -> None:
    """Stores each title's words for the search (a step of its own: the first data migration's
    historical model has no such column)."""
    titles = list(JobTitle.objects.only("code", "label"))
    for title in titles:
        title.search_words = stored_words(title.label)
    JobTitle.objects.bulk_update(titles, ["search_words"], batch_size=2000)


def load_diagnostic(Theme, Situation, Objective, ActionKind, personal_themes) -> int:
    themes = {}
    for r in rows("themes.csv"):
        kind = "personal" if r["name"] in personal_themes else "professional"
        themes[r["name"]], _ = Theme.objects.update_or_create(
            code=r["name"], defaults={"label": r["label"], "kind": kind}
        )
    corrected = {(r["file"], r["code"]): r["label"] for r in rows("diagnostic_corrections.csv")}
    count = 0
    for model, name in (
        (Situation, "situations"),
        (Objective, "objectives"),
        (ActionKind, "actions"),
    ):
        for r in rows(f"{name}.csv"):
            # The code comes from the file's label, so a corrected label keeps its code.
            code = item_code(r["theme"], r["description"])
            model.objects.update_or_create(
                code=code,
                defaults={
                    "theme": themes[r["theme"]],
                    "label": corrected.get((name, code), r["description"]),
                },
            )
            count += 1
    return count


def classify_situations(Situation) -> None:
    """Marks the national situations that are resources (a step of its own: the first data
    migration's historical model has no kind)."""
    resources = {r["code"] for r in rows("situation_resources.csv")}
    Situation.objects.filter(code__in=resources).update(kind="resource")
    Situation.objects.filter(code__isnull=False).exclude(code__in=resources).update(kind="barrier")


def load_communes(Commune) -> int:
    """The communes and their points (a merged commune's former names kept, duplicates once)."""
    communes = {}
    for r in rows("communes.csv"):
        if not r["lat"] or not r["lng"]:
            continue  # a handful of rows without a point: they could place nothing
        key = (r["insee_com"], r["code_postal"], r["commune"])
        communes[key] = Commune(
            insee_code=r["insee_com"],
            postal_code=r["code_postal"],
            name=r["commune"],
            search_name=commune_key(r["commune"]),
            latitude=Decimal(r["lat"]),
            longitude=Decimal(r["lng"]),
        )
    Commune.objects.bulk_create(
        communes.values(),
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["insee_code", "postal_code", "name"],
        update_fields=["search_name", "latitude", "longitude"],
    )
    return len(communes)
