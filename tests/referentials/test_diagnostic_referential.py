"""The diagnostic's referential: resources beside barriers, and corrected labels under unchanged codes."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from filrouge.referentials.loading import item_code, rows
from filrouge.referentials.models import ActionKind, Objective, Situation, SituationKind

pytestmark = pytest.mark.django_db


def test_assets_are_resources_and_the_rest_barriers():
    def kind(label):
        return Situation.objects.national().get(label=label).kind

    assert kind("Permis B") == kind("Dispose d'un ordinateur") == SituationKind.RESOURCE
    assert kind("Propriétaire") == kind("Véhicule (voiture, moto, scooter)") == SituationKind.RESOURCE
    assert kind("Sans aucune ressource") == kind("Absence d’équipement") == SituationKind.BARRIER
    assert kind("Permis non valide / suspension de permis") == SituationKind.BARRIER
    assert Situation.objects.national().resources().count() == 24
    assert Situation.objects.national().barriers().count() == 64


def test_every_code_of_the_published_files_is_kept():
    for model, name in ((Situation, "situations"), (Objective, "objectives"), (ActionKind, "actions")):
        codes = {item_code(r["theme"], r["description"]) for r in rows(f"{name}.csv")}
        assert set(model.objects.national().values_list("code", flat=True)) == codes


@pytest.mark.parametrize(
    ("model", "code", "label"),
    [
        (Situation, "emploi.inscrit-a-pole-emploi", "Inscrit à France Travail"),
        (Situation, "contraintes_familiales.contrainte-horaires", "Contraintes horaires"),
        (
            Situation,
            "numerique.difficulte-a-realiser-des-demarches-administratives-en-ligne",
            "Difficulté à réaliser des démarches administratives en ligne",
        ),
        (ActionKind, "emploi.prestation-pole-emploi", "Prestation France Travail"),
        (
            Objective,
            "numerique.maitriser-les-fondamentaux-du-numerique",
            "Maîtriser les fondamentaux du numérique",
        ),
    ],
)
def test_a_corrected_label_keeps_its_code(model, code, label):
    assert model.objects.get(code=code).label == label


def test_no_label_names_pole_emploi_nor_repeats_another():
    for model in (Situation, Objective, ActionKind):
        labels = list(model.objects.national().values_list("label", flat=True))
        assert not [label for label in labels if "pole emploi" in label.casefold().replace("ô", "o")]
        assert not [label for label in labels if "  " in label or label != label.strip()]
        assert [label for label, n in Counter(labels).items() if n > 1] == []


def test_reloading_keeps_the_corrections_and_the_kinds():
    call_command("referentials", stdout=StringIO())
    assert Situation.objects.get(code="emploi.inscrit-a-pole-emploi").label == "Inscrit à France Travail"
    assert Situation.objects.get(code="mobilite.permis-b").kind == SituationKind.RESOURCE
    assert Situation.objects.national().resources().count() == 24
