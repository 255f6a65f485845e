"""Charts drawn on the server as SVG markup: no JavaScript, readable by assistive technology.

Each chart is an `<svg role="img">` named by its `<title>` and described by its `<desc>`; every
bar, column and point carries its value as text, and series differ by their shape or pattern,
never by colour alone. The page follows each chart with the table of its data. Every label is
escaped here: a service's or a coach's name is text, never markup.

The drawing scales to the width of its container through its viewBox (see the "Outcomes charts"
section of app.css).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
BARS_WIDTH = 480  # narrower: on a phone the bars' text keeps a readable size
# Without a fixed scale (counts), the longest bar: bars compare values, a bar across the whole
# width would only say "the largest", and one to three bars would each fill the row.
COUNT_BAR_LENGTH = 280
FONT_SIZE = 16
SMALL_FONT_SIZE = 12
CHARACTER_WIDTH = 9  # about, at FONT_SIZE: room kept right of a bar for its value as text
BAR_HEIGHT = 18
ROW_HEIGHT = 52  # a label line above its bar
LINE_HEIGHT = 19  # each further line of a long label
TICKS_SPACE = 44  # left of a line chart: the scale's values
PLOT_TOP = 40  # above the plot of a column or line chart: the legend
PLOT_HEIGHT = 200
AXIS_SPACE = 44  # under the plot: the category labels, two lines
CATEGORY_MIN_WIDTH = 56


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # the length on the chart's scale; None: not drawn (unknown or hidden)
    text: str  # the value as written beside the bar ("41 %", "12", "< 5")
    reference: bool = False  # a benchmark: drawn outlined, not filled


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]  # one per category; None: no column or point
    texts: Sequence[str]  # each value as written on the chart


def _number(value: float) -> str:
    """Coordinates with at most one decimal: short markup, no locale."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _open(
    chart_id: str, title: str, description: str, width: float, height: float, kind: str, sized: bool = False
) -> list[str]:
    """The chart's opening; `sized`: drawn at its own size at most, else as wide as the page."""
    chart_id = escape(chart_id)
    size = f'width="{_number(width)}" height="{_number(height)}" ' if sized else ""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart--{kind}" role="img" {size}'
        f'viewBox="0 0 {_number(width)} {_number(height)}" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{chart_id}-title" aria-describedby="{chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]


def _text(x: float, y: float, text: str, css: str, anchor: str = "start", size: int = FONT_SIZE) -> str:
    lines = str(text).split("\n")
    if len(lines) == 1:
        body = escape(text)
    else:
        body = "".join(
            f'<tspan x="{_number(x)}" dy="{0 if index == 0 else "1.15em"}">{escape(line)}</tspan>'
            for index, line in enumerate(lines)
        )
    return (
        f'<text x="{_number(x)}" y="{_number(y)}" class="{css}" text-anchor="{anchor}" '
        f'font-size="{size}">{body}</text>'
    )


def _scale(values: Sequence[float | None], maximum: float | None) -> float:
    known = [value for value in values if value is not None]
    top = max([maximum or 0, *known]) if known or maximum else 0
    return top or 1


def _wrapped(label: str, width: float) -> list[str]:
    """A label cut into lines that fit `width` (a long service or programme name)."""
    most = max(int(width / CHARACTER_WIDTH), 12)
    lines: list[str] = []
    for word in str(label).split():
        if lines and len(lines[-1]) + 1 + len(word) <= most:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def bar_chart(
    chart_id: str, title: str, description: str, bars: Sequence[Bar], maximum: float | None = None
) -> SafeString:
    """Horizontal bars, each under its label and followed by its value; `maximum` fixes the full
    length (1 for shares), else the longest bar is COUNT_BAR_LENGTH long at most."""
    top = _scale([bar.value for bar in bars], maximum)
    span = BARS_WIDTH - 12 - CHARACTER_WIDTH * max([len(bar.text) for bar in bars] or [0])
    if maximum is None:
        span = min(span, COUNT_BAR_LENGTH)
    labels = [_wrapped(bar.label, BARS_WIDTH) for bar in bars]
    height = sum(ROW_HEIGHT + LINE_HEIGHT * (len(lines) - 1) for lines in labels) + 8
    parts = _open(chart_id, title, description, BARS_WIDTH, height, "bars", sized=True)
    y = 0
    for bar, lines in zip(bars, labels, strict=True):
        parts.append(_text(0, y + 18, "\n".join(lines), "chart__label"))
        bar_y = y + 26 + LINE_HEIGHT * (len(lines) - 1)
        y += ROW_HEIGHT + LINE_HEIGHT * (len(lines) - 1)
        length = 0 if bar.value is None else max(0.0, min(bar.value, top)) / top * span
        css = "chart__bar chart__bar--reference" if bar.reference else "chart__bar"
        fill = (
            'fill="#ffffff" stroke="#1b1b1f" stroke-width="2" stroke-dasharray="6 3"'
            if bar.reference
            else 'fill="#a4161a"'
        )
        if length:
            parts.append(
                f'<rect class="{css}" x="1" y="{_number(bar_y)}" width="{_number(length)}" '
                f'height="{BAR_HEIGHT}" {fill}/>'
            )
        parts.append(_text(length + 8, bar_y + 15, bar.text, "chart__value"))
    parts.append(
        f'<line class="chart__axis" x1="1" y1="20" x2="1" y2="{_number(height - 4)}" stroke="#1b1b1f"/>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above went through escape()


def _category_width(categories: Sequence[str]) -> float:
    return max(WIDTH / max(len(categories), 1), CATEGORY_MIN_WIDTH)


def _legend(series: Sequence[Series], marker) -> list[str]:
    parts, x = ['<g class="chart__legend">'], 0.0
    for index, one in enumerate(series):
        parts.append(marker(index, x + 8, 14))
        parts.append(_text(x + 24, 19, one.label, "chart__label"))
        x += 40 + len(one.label) * 7.5
    parts.append("</g>")
    return parts


def _categories(categories: Sequence[str], width: float, left: float = 0) -> list[str]:
    y = PLOT_TOP + PLOT_HEIGHT + 18
    return [
        _text(left + width * index + width / 2, y, label, "chart__category", "middle", SMALL_FONT_SIZE)
        for index, label in enumerate(categories)
    ]


# Columns of each series: filled, then outlined, then hatched by dashes.
COLUMN_STYLES = (
    'fill="#a4161a"',
    'fill="#ffffff" stroke="#1b1b1f" stroke-width="2"',
    'fill="#4a4a55"',
)


def column_chart(
    chart_id: str, title: str, description: str, categories: Sequence[str], series: Sequence[Series]
) -> SafeString:
    """Columns side by side for each category (a month, a quarter), each with its value above."""
    step = _category_width(categories)
    width = step * len(categories) if categories else WIDTH
    height = PLOT_TOP + PLOT_HEIGHT + AXIS_SPACE
    top = _scale([value for one in series for value in one.values], None)
    parts = _open(chart_id, title, description, width, height, "columns")

    def marker(index, x, y):
        return (
            f'<rect class="chart__swatch chart__column--{index}" x="{_number(x - 6)}" y="{_number(y - 6)}" '
            f'width="12" height="12" {COLUMN_STYLES[index % len(COLUMN_STYLES)]}/>'
        )

    parts += _legend(series, marker)
    baseline = PLOT_TOP + PLOT_HEIGHT
    inner = step * 0.8 / max(len(series), 1)
    for number, one in enumerate(series):
        style = COLUMN_STYLES[number % len(COLUMN_STYLES)]
        for index, (value, text) in enumerate(zip(one.values, one.texts, strict=True)):
            x = step * index + step * 0.1 + inner * number
            length = 0 if value is None else max(0.0, value) / top * (PLOT_HEIGHT - 24)
            if length:
                parts.append(
                    f'<rect class="chart__column chart__column--{number}" x="{_number(x + 1)}" '
                    f'y="{_number(baseline - length)}" width="{_number(inner - 2)}" '
                    f'height="{_number(length)}" {style}/>'
                )
            parts.append(
                _text(x + inner / 2, baseline - length - 5, text, "chart__value", "middle", SMALL_FONT_SIZE)
            )
    parts.append(
        f'<line class="chart__axis" x1="0" y1="{baseline}" x2="{_number(width)}" y2="{baseline}" stroke="#1b1b1f"/>'
    )
    parts += _categories(categories, step)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above went through escape()


# Lines of each series: solid with round points, then dashed with square points.
LINE_STYLES = (("", "circle"), ('stroke-dasharray="8 4"', "square"))


def line_chart(
    chart_id: str,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[Series],
    ticks: Sequence[tuple[float, str]],
) -> SafeString:
    """A line per series over the categories, each point with its value; `ticks` are the values
    of the scale's gridlines with their text, the last one the top of the scale (1 and "100 %")."""
    step = _category_width(categories)
    width = TICKS_SPACE + (step * len(categories) if categories else WIDTH)
    height = PLOT_TOP + PLOT_HEIGHT + AXIS_SPACE
    top = _scale([value for value, _text_ in ticks], None)
    baseline = PLOT_TOP + PLOT_HEIGHT
    parts = _open(chart_id, title, description, width, height, "line")

    def point(index, x, y):
        if LINE_STYLES[index % len(LINE_STYLES)][1] == "square":
            return (
                f'<rect class="chart__point chart__point--{index}" x="{_number(x - 5)}" y="{_number(y - 5)}" '
                f'width="10" height="10" fill="#1b1b1f"/>'
            )
        return f'<circle class="chart__point chart__point--{index}" cx="{_number(x)}" cy="{_number(y)}" r="5" fill="#a4161a"/>'

    for value, text in ticks:
        y = baseline - value / top * PLOT_HEIGHT
        parts.append(
            f'<line class="chart__grid" x1="0" y1="{_number(y)}" x2="{_number(width)}" y2="{_number(y)}" '
            f'stroke="#c9c9d1"/>'
        )
        parts.append(_text(2, y - 3, text, "chart__tick", size=SMALL_FONT_SIZE))
    parts += _legend(series, point)
    for number, one in enumerate(series):
        dash = LINE_STYLES[number % len(LINE_STYLES)][0]
        coordinates = [
            None
            if value is None
            else (TICKS_SPACE + step * index + step / 2, baseline - min(value, top) / top * PLOT_HEIGHT)
            for index, value in enumerate(one.values)
        ]
        # A missing value breaks the line rather than joining its neighbours across it.
        run: list[tuple[float, float]] = []
        for place in [*coordinates, None]:
            if place is not None:
                run.append(place)
                continue
            if len(run) > 1:
                points = " ".join(f"{_number(x)},{_number(y)}" for x, y in run)
                stroke = "#a4161a" if number % 2 == 0 else "#1b1b1f"
                parts.append(
                    f'<polyline class="chart__line chart__line--{number}" points="{points}" fill="none" '
                    f'stroke="{stroke}" stroke-width="2.5" {dash}/>'
                )
            run = []
        for place, text in zip(coordinates, one.texts, strict=True):
            if place is None:
                continue
            parts.append(point(number, *place))
            parts.append(_text(place[0], place[1] - 10, text, "chart__value", "middle", SMALL_FONT_SIZE))
    parts.append(
        f'<line class="chart__axis" x1="0" y1="{baseline}" x2="{_number(width)}" y2="{baseline}" stroke="#1b1b1f"/>'
    )
    parts += _categories(categories, step, TICKS_SPACE)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above went through escape()
