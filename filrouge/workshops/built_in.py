"""The built-in workshop types: (code, name, for ESAT). Names are stored in French, as the
national referentials are; a service adds its own beside them. Loaded by a data migration, and
again by the demo when a test database was emptied."""

BUILT_IN_TYPES = [
    ("cv", "Rédiger son CV", False),
    ("cover_letter", "Lettre de motivation", False),
    ("interview", "Préparer un entretien d'embauche", False),
    ("digital", "Compétences numériques", False),
    ("explore_jobs", "Découvrir des métiers", False),
    ("job_investigation", "Enquête métier", False),
    ("find_immersion", "Trouver une immersion (PMSMP)", False),
    ("reading", "Lecture", True),
    ("writing", "Écriture", True),
    ("drawing", "Dessin", True),
    ("music", "Musique", True),
    ("outings", "Sorties", True),
]


def load_built_in_types(WorkshopType) -> None:
    for code, name, for_esat in BUILT_IN_TYPES:
        WorkshopType.objects.update_or_create(code=code, defaults={"name": name, "for_esat": for_esat})
