"""The dashboard stays readable: a long breakdown is folded, a short one is shown open."""

from types import SimpleNamespace

from django.template.loader import render_to_string
from django.utils import translation

from filrouge.outcomes import views
from filrouge.outcomes.measures.base import Rate
from filrouge.outcomes.measures.breakdowns import Breakdown, BreakdownRow


def breakdown(dimension: str, size: int) -> Breakdown:
    rows = [BreakdownRow(f"k{n}", f"Groupe {n}", 10 + n, 2, 1, 3, Rate(3, 10)) for n in range(size)]
    return Breakdown(dimension, dimension.capitalize(), rows)


def section(*breakdowns: Breakdown):
    with translation.override("fr"):
        summary = SimpleNamespace(breakdowns=list(breakdowns))
        return views.breakdowns_section(summary, views.Shown(hide=False))


def test_a_breakdown_of_more_than_8_rows_is_folded_and_says_how_many_rows_it_holds():
    short, long = section(breakdown("sexe", 8), breakdown("commune", 9)).figures
    assert not short.folded and long.folded
    with translation.override("fr"):
        folded = render_to_string("outcomes/_figure.html", {"figure": long})
        shown = render_to_string("outcomes/_figure.html", {"figure": short})
    assert folded.lstrip().startswith('<details class="chart-details"><summary>')
    assert "Répartition : Commune (9 lignes)</summary>" in folded
    assert "<details" not in shown and "<svg" in shown
