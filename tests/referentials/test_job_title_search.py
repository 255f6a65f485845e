"""Job titles as coaches type them: word starts in any order, feminine forms, synonyms, ROME codes."""

import pytest
from django.urls import reverse

from filrouge.referentials.models import JobTitle
from filrouge.referentials.search import masculine_singular, rewritten, stored_words
from tests.accounts.factories import staff
from tests.organisations.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def labels(text: str, count: int = 3) -> list[str]:
    return [title.label for title in JobTitle.objects.search(text)[:count]]


def test_a_feminine_job_in_two_words_finds_the_title_that_holds_both_forms():
    assert labels("aide soignante", 1) == ["Aide-soignant / Aide-soignante"]
    assert labels("SOIGNANTE aide", 1) == ["Aide-soignant / Aide-soignante"]


def test_agent_entretien_finds_cleaning_first_then_the_other_maintenance_agents():
    found = labels("agent entretien", 5)
    assert found[0] == "Agent / Agente d'entretien/propreté de locaux"
    assert "Agent / Agente d'entretien du bâtiment" in found


def test_little_words_do_not_count_and_the_shortest_full_match_comes_first():
    assert labels("préparateur de commandes", 2) == [
        "Préparateur / Préparatrice de commandes",
        "Préparateur / Préparatrice de commandes drive en grande distribution",
    ]
    assert labels("preparatrice commandes", 1) == ["Préparateur / Préparatrice de commandes"]


def test_two_jobs_in_one_title():
    assert labels("magasinier cariste", 1) == ["Magasinier / Magasinière cariste"]


def test_an_abbreviation_is_read_through_the_synonyms_file():
    assert labels("ASH", 1) == ["Agent / Agente des services hospitaliers"]
    assert labels("ash", 1) == ["Agent / Agente des services hospitaliers"]
    assert labels("CESF", 1) == ["Conseiller / Conseillère en économie sociale et familiale"]
    assert labels("atsem", 1) == ["Agent spécialisé / Agente spécialisée des écoles maternelles -ASEM-"]
    assert labels("aide soignante ehpad", 1) == ["Aide-soignant / Aide-soignante en gériatrie"]
    assert labels("fenwick", 1) == ["Cariste"]
    # A short abbreviation is never matched inside other words ("Cash manager").
    assert not any("Cash" in label for label in labels("ash", 20))


def test_a_word_close_to_the_titles_word_still_finds_it():
    # "restaurant" against "restauration"; "plongeur" in the kitchen before diving.
    assert labels("plongeur restaurant", 1) == ["Plongeur / Plongeuse en restauration"]
    assert labels("plongeuse", 1) == ["Plongeur / Plongeuse en restauration"]


@pytest.mark.parametrize("code", ["J1501", "j1501", " J1501 "])
def test_a_rome_code_lists_that_codes_titles_shortest_first(code):
    titles = JobTitle.objects.search(code)
    assert {t.occupation_id for t in titles} == {"J1501"}
    assert len(titles) == JobTitle.objects.filter(occupation_id="J1501").count() == 5
    assert titles[0].label == "Aide-soignant / Aide-soignante"


def test_a_rome_family_lists_its_codes():
    titles = JobTitle.objects.search("j15")
    assert titles and {t.occupation_id[:3] for t in titles} == {"J15"}


def test_a_whole_word_ranks_above_the_same_letters_inside_another_word():
    found = labels("menage", 40)
    assert found[0] == "Employé / Employée de ménage"
    whole_word = [i for i, label in enumerate(found) if " ménage" in label]
    inside = [i for i, label in enumerate(found) if "aménagement" in label or "électroménager" in label]
    assert whole_word and inside and max(whole_word) < min(inside)


def test_what_matches_nothing_or_nothing_at_all_gives_no_title():
    assert JobTitle.objects.search("zzzzzz") == []
    assert JobTitle.objects.search("   ") == []
    assert JobTitle.objects.search("'-/") == []


def test_each_title_stores_its_folded_words_once():
    assert stored_words("Aide-soignant / Aide-soignante") == " aide soignant soignante "
    title = JobTitle.objects.get(label="Magasinier / Magasinière cariste")
    assert title.search_words == " magasinier magasiniere cariste "


def test_feminine_and_plural_words_are_read_as_masculine_singular():
    assert masculine_singular("preparatrice") == "preparateur"
    assert masculine_singular("plongeuse") == "plongeur"
    assert masculine_singular("commandes") == "commande"
    assert masculine_singular("magasiniere") == "magasinier"
    assert rewritten(["plongeuse"]) == ["plongeur", "restauration"]
    assert rewritten(["agent", "entretien"])[:2] == ["agent", "entretien"]


def test_the_picker_offers_the_best_match_first(client):
    client.force_login(staff("coach", ServiceFactory()))
    response = client.get(reverse("referentials:job_titles"), {"q": "aide soignante"})
    content = response.content.decode()
    first_option = content.split('<option value="')[2]  # after the count
    assert first_option.startswith("10891") and "Aide-soignant / Aide-soignante (J1501)" in first_option
