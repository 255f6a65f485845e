"""The scoring of one opening against a person's target jobs: pure, no database."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from filrouge.matching.ranking import CODE, FAMILY, TITLE, Target, best_fit, fit, km, rank

VALENCE = (44.93333, 4.89236)
ROMANS = (45.04333, 5.05111)  # about 17 km from Valence


@dataclass
class FakeOpening:
    """Only the attributes scoring reads, so that no database is needed."""

    job_title_id: int = 11573
    rome_code: str = "D1102"
    contract_type: str = "cdi"
    hours_per_week: int = 24
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    created_at: datetime = datetime(2026, 11, 1, tzinfo=UTC)
    pk: int = 1

    @property
    def rome_family(self):
        return self.rome_code[:3]


def at(place):
    return {"latitude": Decimal(str(place[0])), "longitude": Decimal(str(place[1]))}


BAKER = Target(job_title_id=11573, rome_code="D1102", label="Boulanger / Boulangère")


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


def test_the_same_title_beats_the_same_code_which_beats_the_same_family():
    same_title, same_code, same_family = (
        FakeOpening(pk=1),
        FakeOpening(job_title_id=11574, pk=2),
        FakeOpening(job_title_id=20560, rome_code="D1106", pk=3),
    )
    tiers = [fit(BAKER, o, None).tier for o in (same_title, same_code, same_family)]
    assert tiers == [TITLE, CODE, FAMILY]
    ranked = rank(fit(BAKER, o, None) for o in (same_family, same_code, same_title))
    assert [f.opening.pk for f in ranked] == [1, 2, 3]
    assert "Même famille de métiers (D11)" in fit(BAKER, same_family, None).fits[0]


def test_another_family_does_not_match():
    assert fit(BAKER, FakeOpening(job_title_id=10571, rome_code="K2204"), None) is None


def test_hours_above_what_the_person_can_sustain_are_a_misfit_with_the_numbers():
    target = Target(11573, "D1102", "Boulanger", hours_per_week=20)
    result = fit(target, FakeOpening(hours_per_week=35), None)
    assert "35 h par semaine, au-delà des 20 h que la personne peut assumer" in result.misfits
    within = fit(target, FakeOpening(hours_per_week=20), None)
    assert not within.misfits
    assert "20 h par semaine, dans les 20 h que la personne peut assumer" in within.fits


def test_unknown_sustainable_hours_are_a_neutral_note():
    result = fit(BAKER, FakeOpening(hours_per_week=35), None)
    assert not result.misfits
    assert any("ne sont pas renseignées" in note for note in result.notes)


def test_distance_within_and_beyond_the_mobility_radius_in_french_numbers():
    target = Target(11573, "D1102", "Boulanger", mobility_km=20)
    near = fit(target, FakeOpening(**at(ROMANS)), VALENCE)
    assert 16 < near.distance < 18
    assert (
        near.fits[-2].startswith("À ≈ 1") and "de commune à commune, dans son rayon de 20 km" in near.fits[-2]
    )
    assert "," in near.fits[-2]  # 16,9 km, not 16.9 km
    far = fit(Target(11573, "D1102", "Boulanger", mobility_km=10), FakeOpening(**at(ROMANS)), VALENCE)
    assert any("au-delà de son rayon de 10 km" in m for m in far.misfits)


def test_french_number_format():
    assert km(12.5) == "12,5"
    assert km(12.04) == "12"


def test_an_unknown_place_is_noted_neutrally_not_a_misfit():
    target = Target(11573, "D1102", "Boulanger", mobility_km=5)
    unknown_home = fit(target, FakeOpening(**at(ROMANS)), None)
    unknown_opening = fit(target, FakeOpening(), VALENCE)
    for result in (unknown_home, unknown_opening):
        assert not result.misfits
        assert result.distance is None
        assert any(note.startswith("Distance inconnue") for note in result.notes)
    assert "domicile" in unknown_home.notes[-1]
    assert "commune de l'offre" in unknown_opening.notes[-1]


def test_a_contract_type_not_accepted_is_a_misfit_and_an_empty_list_accepts_any():
    picky = Target(11573, "D1102", "Boulanger", contract_types=("cdi", "cdd_long"))
    refused = fit(picky, FakeOpening(contract_type="temporary"), None)
    assert refused.misfits == (
        "Intérim : un contrat que la personne n'accepte pas (acceptés : CDI, CDD de 6 mois ou plus)",
    )
    assert not fit(picky, FakeOpening(contract_type="cdi"), None).misfits
    open_minded = fit(BAKER, FakeOpening(contract_type="temporary"), None)
    assert not open_minded.misfits
    assert "Intérim : la personne accepte tout type de contrat" in open_minded.fits


def test_with_several_targets_the_best_fit_counts():
    seller = Target(20560, "D1106", "Vendeur en boulangerie", hours_per_week=10)
    baker = Target(11573, "D1102", "Boulanger", hours_per_week=10)
    opening = FakeOpening(job_title_id=20560, rome_code="D1106", hours_per_week=20)
    best = best_fit([baker, seller], opening, None)
    assert best.target is seller and best.tier == TITLE
    # Equal tiers: the target with fewer misfits wins.
    roomy = Target(11574, "D1102", "Boulanger-pâtissier", hours_per_week=30)
    best = best_fit([baker, roomy], FakeOpening(job_title_id=11575, hours_per_week=20), None)
    assert best.target is roomy and not best.misfits


def test_fewer_misfits_then_nearer_then_newer_come_first():
    target = Target(11573, "D1102", "Boulanger", hours_per_week=30, mobility_km=50)
    long_hours = FakeOpening(hours_per_week=35, pk=1, **at(VALENCE))
    far = FakeOpening(pk=2, **at(ROMANS))
    near = FakeOpening(pk=3, **at(VALENCE))
    older_unknown = FakeOpening(pk=4, created_at=datetime(2026, 1, 1, tzinfo=UTC))
    newer_unknown = FakeOpening(pk=5, created_at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=30))
    openings = [long_hours, far, near, older_unknown, newer_unknown]
    ranked = rank((fit(target, o, VALENCE) for o in openings), limit=4)
    assert [f.opening.pk for f in ranked] == [3, 2, 5, 4]
