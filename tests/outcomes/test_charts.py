"""The server-drawn SVG charts: named and described for assistive technology, every value written
as text, every label escaped, and a drawing that scales (viewBox) rather than a fixed size."""

import re
from xml.etree import ElementTree

from filrouge.outcomes.charts import COUNT_BAR_LENGTH, Bar, Series, bar_chart, column_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script> & "Dupont"'


def parsed(markup: str) -> ElementTree.Element:
    """The markup as an XML parser reads it: a label that broke out of its text would fail here."""
    return ElementTree.fromstring(str(markup))  # noqa: S314 - markup made by the test itself


def texts(root) -> list[str]:
    return ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]


def test_a_bar_chart_is_an_image_named_by_its_title_and_described_by_its_desc():
    root = parsed(
        bar_chart("rate", "Taux d'emploi", "Part des personnes en emploi.", [Bar("A", 0.4, "40 %")])
    )
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "rate-title"
    assert root.get("aria-describedby") == "rate-desc"
    assert root.find(f"{SVG}title").get("id") == "rate-title"
    assert root.find(f"{SVG}title").text == "Taux d'emploi"
    assert root.find(f"{SVG}desc").get("id") == "rate-desc"
    assert root.find(f"{SVG}desc").text == "Part des personnes en emploi."
    assert re.fullmatch(r"0 0 \d+(\.\d)? \d+(\.\d)?", root.get("viewBox"))


def test_every_bar_carries_its_label_and_its_value_as_text():
    bars = [Bar("Ce service", 0.32, "32 %"), Bar("Moyenne IPS", 0.41, "41 %", reference=True)]
    root = parsed(bar_chart("rate", "Taux", "Comparaison", bars, maximum=1))
    assert texts(root) == ["Ce service", "32 %", "Moyenne IPS", "41 %"]


def test_bar_lengths_follow_the_values_on_the_scale_given():
    root = parsed(bar_chart("c", "T", "D", [Bar("a", 0.5, "50 %"), Bar("b", 0.25, "25 %")], maximum=1))
    widths = [float(rect.get("width")) for rect in root.iter(f"{SVG}rect")]
    assert widths[0] == 2 * widths[1]
    # Without a maximum the longest bar leaves room for its value, and is never a whole row long.
    root = parsed(bar_chart("c", "T", "D", [Bar("a", 3, "3"), Bar("b", 6, "6 (objectif 20)")]))
    short, longest = (float(rect.get("width")) for rect in root.iter(f"{SVG}rect"))
    assert longest == 2 * short
    width = float(root.get("viewBox").split()[2])
    assert longest + 8 + len("6 (objectif 20)") * 9 <= width
    assert longest == COUNT_BAR_LENGTH < width / 2 + 50


def test_one_to_three_counts_make_small_bars_drawn_at_their_own_size():
    root = parsed(bar_chart("c", "T", "D", [Bar("Seul", 2, "2")]))
    (bar,) = root.iter(f"{SVG}rect")
    assert float(bar.get("width")) == COUNT_BAR_LENGTH
    # The drawing says its size: the page shows it at that size at most, never stretched.
    assert root.get("width") == root.get("viewBox").split()[2]
    assert root.get("height") == root.get("viewBox").split()[3]


def test_a_long_label_is_cut_into_lines_above_its_bar():
    label = "Accompagnement socio-professionnel RSA (12 mois renouvelables) dans la Drôme"
    root = parsed(bar_chart("c", "T", "D", [Bar(label, 1, "1"), Bar("Court", 2, "2")]))
    lines = [tspan.text for tspan in root.iter(f"{SVG}tspan")]
    assert len(lines) == 2 and " ".join(lines) == label
    label_lines = [float(tspan.get("dy").rstrip("em") or 0) for tspan in root.iter(f"{SVG}tspan")]
    assert label_lines == [0, 1.15]
    first_bar = next(root.iter(f"{SVG}rect"))
    second_label = [text for text in root.iter(f"{SVG}text") if "".join(text.itertext()) == "Court"][0]
    # The bar sits under both lines of its label, and the next label under the bar.
    assert float(first_bar.get("y")) > 18 + 1.15 * 16
    assert float(second_label.get("y")) - 16 > float(first_bar.get("y")) + float(first_bar.get("height"))


def test_a_benchmark_bar_differs_by_its_outline_not_by_colour_alone():
    root = parsed(bar_chart("c", "T", "D", [Bar("a", 0.5, "50 %"), Bar("b", 0.4, "40 %", reference=True)]))
    measured, reference = root.iter(f"{SVG}rect")
    assert measured.get("stroke-dasharray") is None
    assert reference.get("stroke-dasharray") and reference.get("fill") == "#ffffff"


def test_a_hidden_or_missing_value_draws_no_bar_but_keeps_its_text():
    root = parsed(bar_chart("c", "T", "D", [Bar("Petit groupe", None, "< 5"), Bar("Autre", 0, "0")]))
    assert list(root.iter(f"{SVG}rect")) == []
    assert texts(root) == ["Petit groupe", "< 5", "Autre", "0"]


def test_an_empty_bar_chart_is_still_valid_markup():
    root = parsed(bar_chart("c", "Vide", "Aucune donnée", []))
    assert root.find(f"{SVG}title").text == "Vide"


def test_labels_titles_and_ids_are_escaped_in_every_chart():
    series = [Series(HOSTILE, [1, 2], [HOSTILE, "2"])]
    charts = [
        bar_chart('x" onload="alert(1)', HOSTILE, HOSTILE, [Bar(HOSTILE, 1, HOSTILE)]),
        column_chart("x", HOSTILE, HOSTILE, [HOSTILE, "b"], series),
        line_chart("x", HOSTILE, HOSTILE, [HOSTILE, "b"], series, ticks=[(0, HOSTILE), (2, "2")]),
    ]
    for markup in charts:
        assert "<script" not in markup and 'onload="' not in markup
        root = parsed(markup)  # still well-formed
        assert root.find(f"{SVG}title").text == HOSTILE
        assert HOSTILE in texts(root)


def test_a_column_chart_draws_each_series_with_its_own_style_and_a_legend():
    series = [Series("Entrées", [3, 0, 5], ["3", "0", "5"]), Series("Sorties", [1, 2, None], ["1", "2", ""])]
    root = parsed(
        column_chart("trend", "Entrées et sorties", "Par mois", ["jan\n2026", "fév\n2026", "mar"], series)
    )
    columns = [rect for rect in root.iter(f"{SVG}rect") if "chart__column" in rect.get("class").split()]
    assert len(columns) == 4  # no column for 0 or for a missing value
    assert root.get("width") is None and root.get("height") is None  # the page's width decides
    assert {rect.get("fill") for rect in columns} == {"#a4161a", "#ffffff"}
    written = texts(root)
    assert written[:2] == ["Entrées", "Sorties"]  # the legend names each series in words
    assert {"3", "0", "5", "1", "2"} <= set(written)
    assert "jan2026" in written  # a two-line category label
    tspans = [tspan.text for tspan in root.iter(f"{SVG}tspan")]
    assert tspans[:2] == ["jan", "2026"]


def test_a_line_chart_writes_each_point_and_breaks_the_line_at_a_missing_value():
    series = [Series("En emploi", [0.2, None, 0.4, 0.5], ["20 %", "", "40 %", "50 %"])]
    root = parsed(
        line_chart(
            "working",
            "En emploi",
            "Par trimestre",
            ["T1", "T2", "T3", "T4"],
            series,
            [(0, "0 %"), (1, "100 %")],
        )
    )
    lines = list(root.iter(f"{SVG}polyline"))
    assert len(lines) == 1 and len(lines[0].get("points").split()) == 2  # T3 to T4; T1 stands alone
    assert len(root.findall(f"{SVG}circle")) == 3  # the legend's own marker is in its group
    assert {"0 %", "100 %", "20 %", "40 %", "50 %", "T1", "T4"} <= set(texts(root))


def test_many_categories_widen_the_drawing_instead_of_squeezing_the_labels():
    categories = [f"m{index}" for index in range(40)]
    series = [Series("Entrées", [1] * 40, ["1"] * 40)]
    root = parsed(column_chart("c", "T", "D", categories, series))
    assert float(root.get("viewBox").split()[2]) >= 40 * 56
