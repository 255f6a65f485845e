"""Loads the national referentials from `data/` (see NOTICE for their provenance).

Idempotent: items are keyed by their code, so a later copy of the files updates labels and
adds items without touching the ones a service added. Called by a data migration with the
historical models, and by `filrouge referentials` after the files are updated.
"""

import csv
from pathlib import Path

from django.utils.text import slugify

from filrouge.core.text import fold

DATA = Path(__file__).resolve().parent / "data"


def rows(name: str, delimiter: str = ","):
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle, delimiter=delimiter)


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


def load_diagnostic(Theme, Situation, Objective, ActionKind, personal_themes) -> int:
    themes = {}
    for r in rows("themes.csv"):
        kind = "personal" if r["name"] in personal_themes else "professional"
        themes[r["name"]], _ = Theme.objects.update_or_create(
            code=r["name"], defaults={"label": r["label"], "kind": kind}
        )
    count = 0
    for model, name in (
        (Situation, "situations.csv"),
        (Objective, "objectives.csv"),
        (ActionKind, "actions.csv"),
    ):
        for r in rows(name):
            model.objects.update_or_create(
                code=item_code(r["theme"], r["description"]),
                defaults={"theme": themes[r["theme"]], "label": r["description"]},
            )
            count += 1
    return count
