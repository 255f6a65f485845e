"""The dashboard: the figures of `measures`, over a period, for the services the user may see.

The view only reads `measures.summary` and `measures.trend` and lays them out: each chart is drawn
by `charts` and followed by the table of its data. For someone who does not see the cases of the
services shown (a funder viewer) every count of people under 5 reads "< 5", a share or a delay
computed on fewer than 5 people is hidden with it, and no staff member is named.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from filrouge import policy
from filrouge.outcomes import charts, disclosure, measures, periods
from filrouge.outcomes.forms import MINE, SERVICE, DashboardFilterForm

NO_VALUE = "—"
CASELOAD_TARGET = 20  # the IPS standard, per full-time coach
MOST_MONTHS = 36  # a longer trend is shown by quarter: months would no longer be readable
LONG_BREAKDOWN = 8  # a breakdown with more rows is folded: the page stays a summary


# --- Numbers as the page writes them ------------------------------------------------------------


class Shown:
    """Writes figures in the page's language; with `hide`, what could point to someone is "< 5"."""

    def __init__(self, hide: bool):
        self.hide = hide

    def count(self, value: int) -> str:
        shown = disclosure.count(value, self.hide)
        return shown if isinstance(shown, str) else formats.number_format(shown, use_l10n=True)

    def share(self, rate: measures.Rate) -> str:
        value = disclosure.share(rate.numerator, rate.denominator, self.hide)
        if isinstance(value, str):
            return value
        return NO_VALUE if value is None else percent(value)

    def share_value(self, rate: measures.Rate) -> float | None:
        """The share as a chart draws it: none when it is hidden or has no denominator."""
        value = disclosure.share(rate.numerator, rate.denominator, self.hide)
        return None if isinstance(value, str) else value

    def about(self, value: float | None, people: int, decimals: int = 0) -> str:
        """A figure computed on `people` people (a median delay, a mean duration)."""
        shown = disclosure.about(value, people, self.hide)
        return shown if isinstance(shown, str) else decimal(shown, decimals)

    def count_value(self, value: int) -> int | None:
        return None if self.hide and disclosure.is_small(value) else value


def percent(value: float) -> str:
    return _("%(value)s %%") % {"value": formats.number_format(round(value * 100), use_l10n=True)}


def decimal(value: float | None, decimals: int = 1) -> str:
    if value is None:
        return NO_VALUE
    if decimals == 0:
        return formats.number_format(round(value), use_l10n=True)
    return formats.number_format(round(value, decimals), decimal_pos=decimals, use_l10n=True)


# --- What the template lays out -------------------------------------------------------------------


@dataclass
class Table:
    caption: str
    headers: list[str]  # the first one heads the rows' own headings
    rows: list[list[str]]  # each row: its heading, then its values (right-aligned)

    @property
    def body(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """Each row's heading and its (column heading, value) pairs: a phone shows them side by side."""
        return [(row[0], list(zip(self.headers[1:], row[1:], strict=True))) for row in self.rows]


@dataclass
class Figure:
    """A chart (SVG markup) followed by the table of its data; `folded`: shown on demand."""

    chart: str
    table: Table
    folded: bool = False


@dataclass
class Section:
    id: str
    title: str
    facts: list[tuple[str, str]] = field(default_factory=list)  # (label, value) pairs
    figures: list[Figure] = field(default_factory=list)
    note: str = ""
    sources: list[str] = field(default_factory=list)  # footnotes: the benchmarks' sources


@dataclass
class KeyFigure:
    label: str
    value: str
    detail: str = ""


def described(bars: list[charts.Bar]) -> str:
    return "; ".join(labelled(bar.label, bar.text) for bar in bars) + "."


def labelled(label: str, value: str) -> str:
    return _("%(label)s : %(value)s") % {"label": label, "value": value}


def bar_figure(chart_id: str, title: str, bars: list[charts.Bar], table: Table, maximum=None) -> Figure:
    return Figure(table=table, chart=charts.bar_chart(chart_id, title, described(bars), bars, maximum))


def share_bars(shown: Shown, rows: list[tuple[str, measures.Rate]]) -> list[charts.Bar]:
    return [charts.Bar(label, shown.share_value(rate), shown.share(rate)) for label, rate in rows]


def count_bars(shown: Shown, rows: list[measures.Count]) -> list[charts.Bar]:
    return [charts.Bar(row.label, shown.count_value(row.count), shown.count(row.count)) for row in rows]


def distribution(shown: Shown, chart_id: str, title: str, rows: list[measures.Count], total: int) -> Figure:
    table = Table(
        caption=title,
        headers=[_("Catégorie"), _("Nombre"), _("Part")],
        rows=[
            [row.label, shown.count(row.count), shown.share(measures.Rate(row.count, total))] for row in rows
        ],
    )
    return bar_figure(chart_id, title, count_bars(shown, rows), table)


# --- The sections ---------------------------------------------------------------------------------


def headline_quarter(summary: measures.Summary) -> measures.QuarterRate | None:
    """The quarter the key figure shows: the last complete one of the period, else the last."""
    complete = [quarter for quarter in summary.ips_quarters if quarter.complete]
    return (complete or summary.ips_quarters or [None])[-1]


def benchmark_text(measure: str) -> str:
    return " · ".join(
        labelled(str(benchmark.label), percent(benchmark.value))
        for benchmark in measures.benchmarks_for(measure)
    )


def benchmark_sources(summary: measures.Summary) -> list[str]:
    """The footnotes of the benchmarks shown: who publishes each one, and how it is defined."""
    shown = ["ips_quarterly"] if any(q.complete for q in summary.ips_quarters) else []
    if measures.is_whole_year(summary.scope):
        shown.append("served_working_year")
    return [
        labelled(str(benchmark.label), str(benchmark.source))
        for measure in shown
        for benchmark in measures.benchmarks_for(measure)
    ]


def key_figures(summary: measures.Summary, shown: Shown) -> list[KeyFigure]:
    flows, contacts = summary.flows, summary.employer_contacts
    as_of = formats.date_format(summary.scope.as_of, "j F Y")
    delay = summary.first_employer_contact
    quarter = headline_quarter(summary)
    figures = []
    if quarter is not None:
        detail = (
            _("%(quarter)s — repères (même définition) : %(benchmarks)s")
            % {"quarter": quarter.period.label, "benchmarks": benchmark_text("ips_quarterly")}
            if quarter.complete
            else _("%(quarter)s, trimestre incomplet : pas de repère pour un trimestre incomplet")
            % {"quarter": quarter.period.label}
        )
        figures.append(KeyFigure(_("Taux d'emploi trimestriel (IPS)"), shown.share(quarter.rate), detail))
    return figures + [
        KeyFigure(
            _("Entrés sans emploi, en emploi dans les 12 mois"),
            shown.share(summary.entry_cohort_rate),
            _("Personnes entrées sur la période sans emploi (cohorte d'entrée)"),
        ),
        KeyFigure(
            _("En emploi le %(day)s") % {"day": as_of},
            shown.share(summary.working_now),
            _("Part des personnes en cours d'accompagnement ce jour-là"),
        ),
        KeyFigure(
            _("Personnes accompagnées"),
            shown.count(flows.supported),
            _("dont %(current)s en cours le %(day)s") % {"current": shown.count(flows.current), "day": as_of},
        ),
        KeyFigure(
            _("Personnes actives"),
            shown.share(flows.active),
            _("Un contact dans les 4 semaines jusqu'au %(day)s") % {"day": as_of},
        ),
        KeyFigure(_("Entrées"), shown.count(flows.entries)),
        KeyFigure(_("Sorties"), shown.count(flows.exits)),
        KeyFigure(
            _("Délai médian jusqu'au premier contact employeur"),
            days(shown.about(delay.median_days, delay.reached)),
            _("%(share)s dans les 30 jours") % {"share": shown.share(delay.within_30_days)},
        ),
        KeyFigure(
            _("Contacts employeurs par job coach et par semaine"),
            decimal(contacts.per_coach_week),
            _("dont %(value)s en face à face") % {"value": decimal(contacts.face_to_face_per_coach_week)},
        ),
    ]


def days(text: str) -> str:
    return text if text in (NO_VALUE, disclosure.hidden_label()) else _("%(days)s j") % {"days": text}


def groups_figure(title: str, heading: str, groups: list[measures.GroupQuarters], shown: Shown) -> Figure:
    """A table (no chart): each service or coach, its quarterly rate and counts for each quarter."""
    quarters = groups[0].quarters
    return Figure(
        chart="",
        table=Table(
            caption=title,
            headers=[heading, *(quarter.label for quarter in quarters)],
            rows=[
                [
                    group.label,
                    *(
                        _("%(share)s (%(worked)s sur %(served)s)")
                        % {
                            "share": shown.share(q.rate),
                            "worked": shown.count(q.rate.numerator),
                            "served": shown.count(q.rate.denominator),
                        }
                        for q in group.quarters
                    ),
                ]
                for group in groups
            ],
        ),
    )


def employment_section(summary: measures.Summary, shown: Shown) -> Section:
    quarters = summary.ips_quarters
    complete = any(quarter.complete for quarter in quarters)
    bars = [
        charts.Bar(quarter.period.label, shown.share_value(quarter.rate), shown.share(quarter.rate))
        for quarter in quarters
    ]
    if complete:  # a benchmark stands only beside a figure computed the same way
        bars += [
            charts.Bar(str(benchmark.label), benchmark.value, percent(benchmark.value), reference=True)
            for benchmark in measures.benchmarks_for("ips_quarterly")
        ]
    title = _("Taux d'emploi trimestriel (IPS)")
    quarter_table = Table(
        caption=title,
        headers=[
            _("Trimestre"),
            _("Personnes accompagnées"),
            _("Ont travaillé en milieu ordinaire"),
            _("Taux"),
        ],
        rows=[
            [
                quarter.label,
                shown.count(quarter.rate.denominator),
                shown.count(quarter.rate.numerator),
                shown.share(quarter.rate),
            ]
            for quarter in quarters
        ]
        + [[bar.label, NO_VALUE, NO_VALUE, bar.text] for bar in bars[len(quarters) :]],
    )
    cohort, served = summary.entry_cohort_rate, summary.served_working
    facts = [
        (
            _("Entrés sans emploi, en emploi dans les 12 mois"),
            _("%(share)s (%(moved)s sur %(cohort)s personnes)")
            % {
                "share": shown.share(cohort),
                "moved": shown.count(cohort.numerator),
                "cohort": shown.count(cohort.denominator),
            },
        ),
        (
            _("Personnes accompagnées sur la période, en emploi au moins un jour de la période"),
            _("%(share)s (%(worked)s sur %(served)s)")
            % {
                "share": shown.share(served),
                "worked": shown.count(served.numerator),
                "served": shown.count(served.denominator),
            }
            + (
                " — "
                + _("repère sur une année : %(benchmarks)s")
                % {"benchmarks": benchmark_text("served_working_year")}
                if measures.is_whole_year(summary.scope)
                else ""
            ),
        ),
        (_("En emploi en fin de période"), shown.share(summary.working_now)),
        (_("Emplois commencés sur la période"), shown.count(summary.jobs_started)),
        (_("Part d'emplois durables (DGEFP)"), shown.share(summary.durable)),
        (_("Part d'emplois de transition (DGEFP)"), shown.share(summary.transition)),
    ]
    section = Section(
        id="emploi",
        title=_("Emploi"),
        facts=facts,
        note=_(
            "Taux d'emploi trimestriel (IPS) : parmi les personnes accompagnées au moins un jour du "
            "trimestre, la part qui a travaillé en milieu ordinaire au moins un jour du trimestre (ni "
            "contrat d'insertion, ni entreprise adaptée, ESAT ou SIAE). Cohorte d'entrée : parmi les "
            "personnes entrées sur la période sans emploi, la part qui a commencé un tel emploi dans les "
            "12 mois suivant l'entrée (un emploi commencé avant ou le jour de l'entrée ne compte pas)."
        ),
        sources=benchmark_sources(summary),
    )
    if quarters:
        section.figures.append(bar_figure("chart-employment-rate", title, bars, quarter_table, maximum=1))
        if len(summary.ips_by_service) > 1:
            section.figures.append(
                groups_figure(
                    _("Taux d'emploi trimestriel (IPS) par service"),
                    _("Service"),
                    summary.ips_by_service,
                    shown,
                )
            )
        if summary.ips_by_coach and not shown.hide and summary.scope.coach_id is None:
            section.figures.append(
                groups_figure(
                    _("Taux d'emploi trimestriel (IPS) par job coach"),
                    _("Job coach référent·e"),
                    summary.ips_by_coach,
                    shown,
                )
            )
    if summary.jobs_started:
        section.figures.append(
            distribution(
                shown,
                "chart-contracts",
                _("Emplois commencés par type de contrat"),
                summary.contract_types,
                summary.jobs_started,
            )
        )
        section.figures.append(
            distribution(
                shown,
                "chart-hours",
                _("Emplois commencés par durée hebdomadaire"),
                summary.hours,
                summary.jobs_started,
            )
        )
        section.figures.append(
            distribution(
                shown,
                "chart-employers",
                _("Emplois commencés par type d'employeur (hors milieu ordinaire : EA, ESAT, SIAE)"),
                summary.employer_kinds,
                summary.jobs_started,
            )
        )
    retention = [(str(item.label), item.rate) for item in summary.retention]
    section.figures.append(
        bar_figure(
            "chart-retention",
            _("Maintien dans l'emploi"),
            share_bars(shown, retention),
            Table(
                caption=_("Maintien dans l'emploi"),
                headers=[
                    _("Échéance"),
                    _("Toujours en emploi"),
                    _("Emplois arrivés à l'échéance"),
                    _("Part"),
                ],
                rows=[
                    [label, shown.count(rate.numerator), shown.count(rate.denominator), shown.share(rate)]
                    for label, rate in retention
                ],
            ),
            maximum=1,
        )
    )
    return section


def delays_section(summary: measures.Summary, shown: Shown) -> Section:
    delays = [
        (_("Premier contact employeur"), summary.first_employer_contact),
        (_("Premier contact employeur en face à face"), summary.first_face_to_face_employer_contact),
        (_("Première immersion"), summary.first_immersion),
        (_("Premier emploi"), summary.first_job),
    ]
    title = _("Part atteinte dans les 30 jours suivant l'entrée")
    table = Table(
        caption=_("Délais depuis l'entrée"),
        headers=[
            _("Étape"),
            _("Entrées"),
            _("Étape atteinte"),
            _("Délai médian (jours)"),
            _("Délai moyen (jours)"),
            _("Dans les 30 jours"),
        ],
        rows=[
            [
                label,
                shown.count(delay.cohort),
                shown.count(delay.reached),
                shown.about(delay.median_days, delay.reached),
                shown.about(delay.mean_days, delay.reached),
                shown.share(delay.within_30_days),
            ]
            for label, delay in delays
        ],
    )
    bars = share_bars(shown, [(label, delay.within_30_days) for label, delay in delays])
    return Section(
        id="delais",
        title=_("Délais depuis l'entrée"),
        figures=[bar_figure("chart-delays", title, bars, table, maximum=1)],
        note=_("Pour les personnes entrées sur la période."),
    )


def coaches_section(summary: measures.Summary, shown: Shown) -> Section:
    contacts = summary.employer_contacts
    section = Section(
        id="job-coachs",
        title=_("Contacts employeurs et files actives"),
        facts=[
            (_("Contacts employeurs"), formats.number_format(contacts.total, use_l10n=True)),
            (_("dont en face à face"), formats.number_format(contacts.face_to_face, use_l10n=True)),
            (_("Job coachs"), formats.number_format(contacts.coaches, use_l10n=True)),
            (_("Semaines"), decimal(contacts.weeks)),
            (_("Contacts par job coach et par semaine"), decimal(contacts.per_coach_week)),
            (
                _("En face à face, par job coach et par semaine"),
                decimal(contacts.face_to_face_per_coach_week),
            ),
        ],
    )
    if not contacts.by_coach:
        return section
    names = [
        _("Job coach %(number)s") % {"number": number} if shown.hide else coach.name
        for number, coach in enumerate(contacts.by_coach, start=1)
    ]
    bars = [
        charts.Bar(
            name,
            shown.count_value(coach.caseload),
            _("%(load)s (objectif %(target)s)")
            % {"load": shown.count(coach.caseload), "target": coach.target},
        )
        for name, coach in zip(names, contacts.by_coach, strict=True)
    ]
    table = Table(
        caption=_("File active et contacts employeurs par job coach"),
        headers=[
            _("Job coach"),
            _("File active"),
            _("Objectif"),
            _("Contacts employeurs"),
            _("dont en face à face"),
            _("Par semaine"),
            _("En face à face par semaine"),
        ],
        rows=[
            [
                name,
                shown.count(coach.caseload),
                str(coach.target),
                str(coach.employer_contacts),
                str(coach.face_to_face),
                decimal(coach.per_week),
                decimal(coach.face_to_face_per_week),
            ]
            for name, coach in zip(names, contacts.by_coach, strict=True)
        ],
    )
    maximum = max([CASELOAD_TARGET, *(coach.target for coach in contacts.by_coach)])
    section.figures.append(
        bar_figure("chart-caseloads", _("File active par job coach"), bars, table, maximum=maximum)
    )
    return section


def flows_section(summary: measures.Summary, shown: Shown) -> Section:
    flows = summary.flows
    section = Section(
        id="parcours",
        title=_("Parcours"),
        facts=[
            (_("Personnes accompagnées sur la période"), shown.count(flows.supported)),
            (_("En cours à la fin de la période"), shown.count(flows.current)),
            (
                _("Actives (un contact dans les 4 semaines avant la fin de la période)"),
                shown.count(flows.active.numerator),
            ),
            (_("Part des personnes actives"), shown.share(flows.active)),
            (_("Entrées"), shown.count(flows.entries)),
            (_("Sorties"), shown.count(flows.exits)),
            (_("Réorientations"), shown.count(flows.reorientations)),
            (
                _("Durée moyenne des parcours sortis (jours)"),
                shown.about(flows.mean_duration_days, flows.exits),
            ),
            (
                _("Durée médiane des parcours sortis (jours)"),
                shown.about(flows.median_duration_days, flows.exits),
            ),
        ],
        note=_("Les durées ne comptent pas les jours de suspension."),
    )
    if flows.exits:
        section.figures.append(
            distribution(shown, "chart-exits", _("Sorties par motif"), flows.exits_by_outcome, flows.exits)
        )
    return section


def short_label(period) -> str:
    """A month or a quarter on two short lines, under a column."""
    if period.kind == "month":
        return f"{formats.date_format(period.start, 'M')}\n{period.start.year}"
    if period.kind == "quarter":
        return period.label.replace(" ", "\n")  # "T3 2026"
    return f"{formats.date_format(period.start, 'd/m')}\n{formats.date_format(period.end, 'd/m')}"


def share_ticks() -> list[tuple[float, str]]:
    return [(value, percent(value)) for value in (0, 0.25, 0.5, 0.75, 1)]


def trend_section(
    points: list[measures.TrendPoint], by: str, shown: Shown, by_quarter_instead: bool
) -> Section:
    step = _("Mois") if by == "month" else _("Trimestre")
    labels = [short_label(point.period) for point in points]
    entries = charts.Series(
        _("Entrées"), [shown.count_value(p.entries) for p in points], [shown.count(p.entries) for p in points]
    )
    exits = charts.Series(
        _("Sorties"), [shown.count_value(p.exits) for p in points], [shown.count(p.exits) for p in points]
    )
    working = charts.Series(
        _("En emploi"),
        [shown.share_value(p.working) for p in points],
        [shown.share(p.working) for p in points],
    )
    flows_title = _("Entrées et sorties")
    working_title = _("Part des personnes en emploi")

    def describe(series_list):
        return " ".join(
            labelled(
                one.label,
                ", ".join(f"{p.period.label} {text}" for p, text in zip(points, one.texts, strict=True)),
            )
            + "."
            for one in series_list
        )

    return Section(
        id="evolution",
        title=_("Évolution"),
        figures=[
            Figure(
                chart=charts.column_chart(
                    "chart-trend-flows", flows_title, describe([entries, exits]), labels, [entries, exits]
                ),
                table=Table(
                    caption=flows_title,
                    headers=[step, _("Entrées"), _("Sorties"), _("Contacts employeurs")],
                    rows=[
                        [
                            p.period.label,
                            shown.count(p.entries),
                            shown.count(p.exits),
                            str(p.employer_contacts),
                        ]
                        for p in points
                    ],
                ),
            ),
            Figure(
                chart=charts.line_chart(
                    "chart-trend-working",
                    working_title,
                    describe([working]),
                    labels,
                    [working],
                    share_ticks(),
                ),
                table=Table(
                    caption=working_title,
                    headers=[step, _("En emploi"), _("En cours"), _("Part")],
                    rows=[
                        [
                            p.period.label,
                            shown.count(p.working.numerator),
                            shown.count(p.working.denominator),
                            shown.share(p.working),
                        ]
                        for p in points
                    ],
                ),
            ),
        ],
        note=(
            _("Sur plus de %(months)s mois, l'évolution est montrée par trimestre. ")
            % {"months": MOST_MONTHS}
            if by_quarter_instead
            else ""
        )
        + _("La part en emploi est lue le dernier jour de chaque mois ou trimestre."),
    )


def breakdowns_section(summary: measures.Summary, shown: Shown) -> Section:
    section = Section(
        id="repartitions",
        title=_("Répartitions"),
        note=_("Une personne qui perçoit deux allocations compte dans chacune de leurs lignes."),
    )
    for breakdown in summary.breakdowns:
        if shown.hide and breakdown.dimension == "coach":
            continue  # a staff member is never named to whoever does not see the cases
        title = _("Répartition : %(dimension)s") % {"dimension": breakdown.label}
        table = Table(
            caption=title,
            headers=[
                str(breakdown.label),
                _("Accompagnées"),
                _("Entrées"),
                _("Sorties"),
                _("En emploi sur la période"),
                _("Taux d'emploi (IPS)"),
            ],
            rows=[
                [
                    str(row.label),
                    shown.count(row.supported),
                    shown.count(row.entries),
                    shown.count(row.exits),
                    shown.count(row.employed),
                    shown.share(row.employment_rate),
                ]
                for row in breakdown.rows
            ],
        )
        bars = [
            charts.Bar(str(row.label), shown.count_value(row.supported), shown.count(row.supported))
            for row in breakdown.rows
        ]
        figure = bar_figure(
            f"chart-breakdown-{breakdown.dimension}",
            _("Personnes accompagnées — %(dimension)s") % {"dimension": breakdown.label},
            bars,
            table,
        )
        figure.folded = len(breakdown.rows) > LONG_BREAKDOWN
        section.figures.append(figure)
    return section


def has_data(summary: measures.Summary) -> bool:
    flows = summary.flows
    return bool(flows.supported or flows.entries or flows.exits or summary.employer_contacts.total)


# --- The page -----------------------------------------------------------------------------------


def leads_pathways(user, services) -> bool:
    return policy.scoped_enrolments(user).filter(service__in=services, primary_coach=user).exists()


def dashboard(request):
    """The figures of the services the user may see, over a period (the current year by default)."""
    user = request.user
    services = policy.scoped_services(user, policy.Action.VIEW_FIGURES).order_by("name")
    if not services.exists():
        raise PermissionDenied
    default_scope = None
    if leads_pathways(user, services):
        manages = any(policy.can(user, policy.Action.MANAGE_CASELOADS, service) for service in services)
        default_scope = SERVICE if manages else MINE
    form = DashboardFilterForm(
        request.GET or None, services=services, today=timezone.localdate(), default_scope=default_scope
    )
    chosen = form.choices()
    shown_services = [chosen["service"]] if chosen["service"] else list(services)
    hide = policy.figures_without_names(user, shown_services)
    coach = user if chosen["mine"] and default_scope is not None and not hide else None
    scope = measures.Scope.of(shown_services, chosen["period"], coach=coach)
    summary = measures.summary(scope)
    by = chosen["by"]
    if by == "month" and len(periods.split(chosen["period"], "month")) > MOST_MONTHS:
        by = "quarter"
    points = measures.trend(scope, by)
    shown = Shown(hide)
    context = {
        "form": form,
        "period": chosen["period"],
        "shown_services": shown_services,
        "mine": coach is not None,
        "hide": hide,
        "summary": summary,
        "trend": points,
        "has_data": has_data(summary),
        "hidden_label": disclosure.hidden_label(),
        "definitions_date": measures.DEFINITIONS_DATE,
    }
    if context["has_data"]:
        context["key_figures"] = key_figures(summary, shown)
        context["sections"] = [
            flows_section(summary, shown),
            employment_section(summary, shown),
            delays_section(summary, shown),
            coaches_section(summary, shown),
            trend_section(points, by, shown, by != chosen["by"]),
            breakdowns_section(summary, shown),
        ]
    context["services_label"] = ngettext("Service couvert", "Services couverts", len(shown_services))
    return render(request, "outcomes/dashboard.html", context)
