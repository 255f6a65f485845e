import pytest

from filrouge.people.names import capitalise_first_name, edit_distance_at_most_one, one_letter_off


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("jean-pierre", "Jean-Pierre"),
        ("marie claire", "Marie Claire"),
        ("  marie   claire ", "Marie Claire"),
        ("ANAÏS", "Anaïs"),
        ("éloïse", "Éloïse"),
        ("JEAN-PIERRE", "Jean-Pierre"),
        ("jean d'arc", "Jean d'Arc"),
        ("jean d’arc", "Jean d’Arc"),
        ("d'artagnan", "D'Artagnan"),
        ("o'neil", "O'Neil"),
        ("MaryLou", "MaryLou"),  # mixed case typed on purpose
        ("", ""),
    ],
)
def test_a_first_name_is_capitalised_as_french_first_names_are(typed, kept):
    assert capitalise_first_name(typed) == kept


@pytest.mark.parametrize(
    ("a", "b", "close"),
    [
        ("martin", "martin", True),
        ("martin", "martine", True),  # one added
        ("martin", "marin", True),  # one removed
        ("martin", "mertin", True),  # one replaced
        ("martin", "matrin", False),  # two letters swapped: two edits
        ("martin", "martinez", False),
        ("", "a", True),
        ("jean-pierre", "jean pierre", True),
    ],
)
def test_edit_distance_of_one(a, b, close):
    assert edit_distance_at_most_one(a, b) is close
    assert edit_distance_at_most_one(b, a) is close


def test_one_letter_off_in_one_name_only():
    assert one_letter_off("Hélène", {"dupre"}, "helene", {"dupres"})
    assert one_letter_off("Helen", {"dupre"}, "Hélène", {"dupre"})
    assert not one_letter_off("Helene", {"dupre"}, "Helene", {"dupre"})  # the same: not "near"
    assert not one_letter_off("Helen", {"dupres"}, "Helene", {"dupre"})  # a letter off in each
