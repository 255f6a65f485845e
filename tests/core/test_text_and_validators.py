import pytest

from filrouge.core.text import fold


@pytest.mark.parametrize(
    ("raw", "folded"),
    [("Hélène", "helene"), ("  Jérôme   LEFÈVRE ", "jerome lefevre"), ("Noël Çelik", "noel celik"), ("", "")],
)
def test_fold_drops_accents_case_and_extra_spaces(raw, folded):
    assert fold(raw) == folded
