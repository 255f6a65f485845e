import pytest

from filrouge.fidelity import scale


def test_the_scale_has_25_items_in_three_sections_of_3_8_and_14():
    assert [(section.key, len(section.items)) for section in scale.SECTIONS] == [
        ("staffing", 3),
        ("organisation", 8),
        ("services", 14),
    ]
    assert len(scale.ITEMS) == 25
    assert scale.MAX_TOTAL == 125


def test_codes_are_stable_and_numbered_within_their_section():
    assert list(scale.ITEMS)[:4] == ["staffing_1", "staffing_2", "staffing_3", "organisation_1"]
    assert list(scale.ITEMS)[-1] == "services_14"
    for section in scale.SECTIONS:
        assert [item.number for item in section.items] == list(range(1, len(section.items) + 1))
        assert all(item.code == f"{section.key}_{item.number}" for item in section.items)


def test_every_item_has_a_title_a_description_and_five_anchors():
    for item in scale.ITEMS.values():
        assert str(item.title) and str(item.description)
        assert len(item.anchors) == 5 and all(str(anchor) for anchor in item.anchors)
        assert item.anchor(1) == item.anchors[0] and item.anchor(5) == item.anchors[4]


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        (0, scale.NOT_IPS),
        (25, scale.NOT_IPS),
        (73, scale.NOT_IPS),
        (74, scale.FAIR),
        (99, scale.FAIR),
        (100, scale.GOOD),
        (114, scale.GOOD),
        (115, scale.EXEMPLARY),
        (125, scale.EXEMPLARY),
    ],
)
def test_the_band_of_a_total(total, expected):
    assert scale.band(total) == expected


@pytest.mark.parametrize("total", [-1, 126])
def test_a_total_outside_the_scale_has_no_band(total):
    with pytest.raises(ValueError):
        scale.band(total)


def test_bands_are_named_in_french():
    assert [
        str(scale.BAND_LABELS[key]) for key in (scale.EXEMPLARY, scale.GOOD, scale.FAIR, scale.NOT_IPS)
    ] == [
        "exemplaire",
        "bonne fidélité",
        "fidélité correcte",
        "pas IPS",
    ]
