import pytest
from django.core.exceptions import ValidationError

from filrouge.core.text import fold
from filrouge.core.validators import normalise_phone, validate_french_phone


@pytest.mark.parametrize(
    ("raw", "folded"),
    [("Hélène", "helene"), ("  Jérôme   LEFÈVRE ", "jerome lefevre"), ("Noël Çelik", "noel celik"), ("", "")],
)
def test_fold_drops_accents_case_and_extra_spaces(raw, folded):
    assert fold(raw) == folded


@pytest.mark.parametrize(
    "raw",
    ["0612345678", "06 12 34 56 78", "06.12.34.56.78", "+33 6 12 34 56 78", "+33612345678", "0033612345678"],
)
def test_french_phone_numbers_are_accepted_in_their_usual_spellings(raw):
    validate_french_phone(raw)
    assert normalise_phone(raw) == "06 12 34 56 78"


@pytest.mark.parametrize("raw", ["12345", "0012345678", "+44 20 7946 0958", "06 12 34 56", "telephone"])
def test_other_numbers_are_refused_with_an_example(raw):
    with pytest.raises(ValidationError, match="06 12 34 56 78"):
        validate_french_phone(raw)
