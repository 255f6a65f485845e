"""The periodic activity report: the tables of one `measures.Summary`, ready to be shown.

The page, the PDF and the XLSX workbook are three forms of these same tables: each cell holds
the figure read from the summary (never computed again here) and its kind, so the page and the
PDF print `cell.text` and the workbook writes `cell.value` with a number format.

For someone who sees figures without names (`policy.figures_without_names`), counts of people
(pathways, jobs) under 5 and the shares built on them are "< 5" (`outcomes.disclosure`); a mean
or median over fewer than 5 people is hidden the same way (it would be one person's own figure),
and job coaches are numbered instead of named. Counts of employer contacts are not counts of
people: they are shown.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats
from django.utils.translation import gettext as _

from filrouge.outcomes import disclosure, measures
from filrouge.outcomes.periods import Period

COUNT, PERCENT, DAYS, DECIMAL, TEXT = "count", "percent", "days", "decimal", "text"
DECIMALS = {PERCENT: 1, DAYS: 1, DECIMAL: 2}
NO_FIGURE = "—"


@dataclass(frozen=True)
class Cell:
    value: int | float | str | None  # the figure; "< 5" when hidden; None when there is none
    kind: str = COUNT

    @property
    def hidden(self) -> bool:
        return self.kind != TEXT and isinstance(self.value, str)

    @property
    def text(self) -> str:
        """The figure as the page and the PDF print it, in the active language's format."""
        if self.value is None:
            return NO_FIGURE
        if self.kind == TEXT or self.hidden:
            return str(self.value)
        if self.kind == COUNT:
            return formats.number_format(self.value, force_grouping=True)
        if self.kind == PERCENT:
            return rounded(self.value * 100, DECIMALS[PERCENT]) + "\u00a0%"
        return rounded(self.value, DECIMALS[self.kind])


def rounded(value: float, places: int) -> str:
    """Rounded half up, as a spreadsheet shows it (Django's number_format alone cuts the digits)."""
    exact = Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return formats.number_format(exact, places, force_grouping=True)


def label(text) -> Cell:
    return Cell(str(text), TEXT)


@dataclass(frozen=True)
class Table:
    key: str  # the anchor on the page
    sheet: str  # the workbook's sheet name (31 characters at most)
    title: str
    columns: list[str]
    rows: list[list[Cell]]  # the first cell of a row names it
    note: str = ""

    @property
    def text_columns(self) -> set[int]:
        """The columns (after the first) holding words only, aligned as text, not as figures."""
        return {
            index
            for index in range(1, len(self.columns))
            if self.rows and all(row[index].kind == TEXT for row in self.rows)
        }


@dataclass(frozen=True)
class Report:
    scope_label: str  # the service, or the programme
    services: list[str]
    period: Period
    as_of: date
    without_names: bool
    tables: list[Table] = field(default_factory=list)
    definitions_date: date = measures.DEFINITIONS_DATE  # the definitions the figures follow

    def table(self, key: str) -> Table:
        return next(table for table in self.tables if table.key == key)


class Figures:
    """The cells of one report: hidden or not, one rule for every table."""

    def __init__(self, hide: bool):
        self.hide = hide

    def count(self, value: int) -> Cell:
        return Cell(disclosure.count(value, self.hide))

    def share(self, rate: measures.Rate) -> Cell:
        return Cell(disclosure.share(rate.numerator, rate.denominator, self.hide), PERCENT)

    def over(self, people: int, value: float | None, kind: str = DAYS) -> Cell:
        """A mean or a median over `people`: hidden with their count."""
        return Cell(disclosure.about(value, people, self.hide), kind)

    def rate_row(self, name, rate: measures.Rate) -> list[Cell]:
        return [label(name), self.count(rate.numerator), self.count(rate.denominator), self.share(rate)]


def build(summary: measures.Summary, *, period: Period, scope_label: str, services, hide: bool) -> Report:
    figures = Figures(hide)
    as_of = summary.scope.as_of
    tables = [
        activity_table(summary.flows, figures, as_of),
        counts_table(
            "sorties",
            _("Sorties"),
            _("Sorties par motif"),
            _("Motif de sortie"),
            _("Sorties"),
            summary.flows.exits_by_outcome,
            figures,
        ),
        employment_table(summary, figures, as_of),
        ips_quarters_table(summary, figures),
        ips_groups_table(
            "ips-services",
            _("IPS par service"),
            _("Taux d'emploi trimestriel (IPS) par service"),
            _("Service"),
            summary.ips_by_service,
            figures,
            numbered=False,
        ),
        ips_groups_table(
            "ips-job-coachs",
            _("IPS par job coach"),
            _("Taux d'emploi trimestriel (IPS) par job coach"),
            _("Job coach référent·e"),
            summary.ips_by_coach,
            figures,
            numbered=hide,
        ),
        benchmarks_table(summary),
        delays_table(summary, figures),
        contacts_table(summary.employer_contacts),
        coaches_table(summary.employer_contacts, figures),
        counts_table(
            "contrats",
            _("Contrats"),
            _("Emplois commencés par type de contrat"),
            _("Type de contrat"),
            _("Emplois"),
            summary.contract_types,
            figures,
        ),
        counts_table(
            "heures",
            _("Heures"),
            _("Emplois commencés par durée hebdomadaire"),
            _("Heures par semaine"),
            _("Emplois"),
            summary.hours,
            figures,
        ),
        counts_table(
            "employeurs",
            _("Employeurs"),
            _("Emplois commencés par type d'employeur (hors milieu ordinaire : EA, ESAT, SIAE)"),
            _("Type d'employeur"),
            _("Emplois"),
            summary.employer_kinds,
            figures,
        ),
        retention_table(summary.retention, figures),
    ]
    tables += [breakdown_table(breakdown, figures) for breakdown in summary.breakdowns]
    return Report(
        scope_label=scope_label,
        services=list(services),
        period=period,
        as_of=as_of,
        without_names=hide,
        tables=sheet_names_unique(tables),
    )


def activity_table(flows: measures.Flows, figures: Figures, as_of: date) -> Table:
    day = formats.date_format(as_of, "SHORT_DATE_FORMAT")
    rows = [
        [label(_("Personnes accompagnées sur la période")), figures.count(flows.supported)],
        [label(_("Parcours en cours au %(day)s") % {"day": day}), figures.count(flows.current)],
        [label(_("Dont actifs (un contact dans les 4 semaines)")), figures.count(flows.active.numerator)],
        [label(_("Part des parcours en cours qui sont actifs")), figures.share(flows.active)],
        [label(_("Entrées")), figures.count(flows.entries)],
        [label(_("Sorties")), figures.count(flows.exits)],
        [label(_("Dont réorientations")), figures.count(flows.reorientations)],
        [
            label(_("Durée moyenne des parcours sortis (jours)")),
            figures.over(flows.exits, flows.mean_duration_days),
        ],
        [
            label(_("Durée médiane des parcours sortis (jours)")),
            figures.over(flows.exits, flows.median_duration_days),
        ],
    ]
    return Table(
        "activite",
        _("Activité"),
        _("Activité sur la période"),
        [_("Indicateur"), _("Valeur")],
        rows,
        note=_("Les durées vont de l'entrée à la sortie, jours de suspension déduits."),
    )


def counts_table(key, sheet, title, first, counted, counts: list[measures.Count], figures: Figures) -> Table:
    rows = [[label(count.label), figures.count(count.count)] for count in counts]
    return Table(key, sheet, title, [first, counted], rows)


def employment_table(summary: measures.Summary, figures: Figures, as_of: date) -> Table:
    day = formats.date_format(as_of, "SHORT_DATE_FORMAT")
    rows = [
        figures.rate_row(
            _("Entrés sans emploi, en emploi dans les 12 mois (cohorte d'entrée)"), summary.entry_cohort_rate
        ),
        figures.rate_row(
            _("Accompagnés sur la période, en emploi au moins un jour de la période"), summary.served_working
        ),
        figures.rate_row(_("En emploi au %(day)s") % {"day": day}, summary.working_now),
        [
            label(_("Emplois commencés sur la période")),
            figures.count(summary.jobs_started),
            Cell(None),
            Cell(None),
        ],
        figures.rate_row(_("Emplois durables (DGEFP) parmi les emplois commencés"), summary.durable),
        figures.rate_row(_("Emplois de transition (DGEFP) parmi les emplois commencés"), summary.transition),
    ]
    return Table(
        "emploi",
        _("Emploi"),
        _("Emploi"),
        [_("Indicateur"), _("Nombre"), _("Sur"), _("Part")],
        rows,
        note=_(
            "Chaque taux compte des personnes. Cohorte d'entrée : parmi les personnes entrées sur la "
            "période sans emploi, celles qui ont commencé un emploi en milieu ordinaire (ni contrat "
            "d'insertion, ni entreprise adaptée, ESAT ou SIAE) dans les 12 mois suivant leur entrée, "
            "de date à date ; un emploi commencé avant ou le jour de l'entrée ne compte pas. Emploi "
            "durable : CDI, CDD ou intérim de 6 mois ou plus, titularisation, création d'entreprise ; "
            "emploi de transition : CDD ou intérim de moins de 6 mois, contrat aidé."
        ),
    )


def ips_quarters_table(summary: measures.Summary, figures: Figures) -> Table:
    rows = [
        [
            label(quarter.label),
            figures.count(quarter.rate.denominator),
            figures.count(quarter.rate.numerator),
            figures.share(quarter.rate),
        ]
        for quarter in summary.ips_quarters
    ]
    return Table(
        "ips-trimestriel",
        _("Taux IPS trimestriel"),
        _("Taux d'emploi trimestriel (IPS)"),
        [_("Trimestre"), _("Personnes accompagnées"), _("Ont travaillé en milieu ordinaire"), _("Taux")],
        rows,
        note=_(
            "Parmi les personnes accompagnées au moins un jour du trimestre, celles qui ont travaillé "
            "en milieu ordinaire au moins un jour du trimestre : le chiffre trimestriel que publient "
            "les programmes IPS."
        ),
    )


def ips_groups_table(key, sheet, title, heading, groups, figures: Figures, numbered: bool) -> Table:
    """Each service or lead coach, with its quarterly rate for each quarter; coaches are numbered
    for someone who sees figures without names."""
    quarters = groups[0].quarters if groups else []
    rows = [
        [
            label(_("Job coach %(number)s") % {"number": number} if numbered else group.label),
            *(figures.share(quarter.rate) for quarter in group.quarters),
        ]
        for number, group in enumerate(groups, start=1)
    ]
    return Table(
        key,
        sheet,
        title,
        [heading, *(quarter.label for quarter in quarters)],
        rows,
        note=_(
            "Chaque personne compte dans le service ou chez le job coach qui l'a accompagnée dans le trimestre."
        ),
    )


def benchmarks_table(summary: measures.Summary) -> Table:
    """The benchmarks comparable with this report's figures, each with its source: the IPS ones
    when a whole quarter is shown, the French service's when the period is a whole year."""
    comparable = {
        "ips_quarterly": any(quarter.complete for quarter in summary.ips_quarters),
        "served_working_year": measures.is_whole_year(summary.scope),
    }
    compared_to = {
        "ips_quarterly": _("Taux d'emploi trimestriel (IPS)"),
        "served_working_year": _("Accompagnés sur la période, en emploi au moins un jour de la période"),
    }
    rows = [
        [
            label(benchmark.label),
            Cell(benchmark.value, PERCENT),
            label(compared_to[benchmark.measure]),
            label(benchmark.source),
        ]
        for benchmark in measures.BENCHMARKS
        if comparable[benchmark.measure]
    ]
    return Table(
        "reperes",
        _("Repères"),
        _("Repères publiés"),
        [_("Repère"), _("Taux"), _("À comparer avec"), _("Source et définition")],
        rows,
        note=_(
            "Un repère n'est montré qu'à côté d'un chiffre calculé de la même façon : un trimestre "
            "complet pour les repères IPS, une année complète pour le service français."
        ),
    )


def delays_table(summary: measures.Summary, figures: Figures) -> Table:
    delays = [
        (_("Premier contact employeur"), summary.first_employer_contact),
        (_("Premier contact employeur en face à face"), summary.first_face_to_face_employer_contact),
        (_("Première immersion"), summary.first_immersion),
        (_("Premier emploi"), summary.first_job),
    ]
    rows = [
        [
            label(name),
            figures.count(delay.cohort),
            figures.count(delay.reached),
            figures.over(delay.reached, delay.median_days),
            figures.over(delay.reached, delay.mean_days),
            figures.count(delay.within_30_days.numerator),
            figures.share(delay.within_30_days),
        ]
        for name, delay in delays
    ]
    return Table(
        "delais",
        _("Délais"),
        _("Délais depuis l'entrée"),
        [
            _("Premier événement"),
            _("Entrées de la période"),
            _("Atteint"),
            _("Médiane (jours)"),
            _("Moyenne (jours)"),
            _("Dans les 30 jours"),
            _("Part dans les 30 jours"),
        ],
        rows,
    )


def contacts_table(contacts: measures.EmployerContacts) -> Table:
    """Counts of contacts with employers, not of people: shown as they are (hiding them would not
    protect anyone, and their per-week rates would give them back anyway)."""
    rows = [
        [label(_("Job coachs")), Cell(contacts.coaches)],
        [label(_("Semaines")), Cell(contacts.weeks, DECIMAL)],
        [label(_("Contacts employeurs")), Cell(contacts.total)],
        [label(_("Dont en face à face")), Cell(contacts.face_to_face)],
        [label(_("Contacts par job coach et par semaine")), Cell(contacts.per_coach_week, DECIMAL)],
        [
            label(_("Contacts en face à face par job coach et par semaine")),
            Cell(contacts.face_to_face_per_coach_week, DECIMAL),
        ],
    ]
    return Table(
        "contacts", _("Contacts employeurs"), _("Contacts employeurs"), [_("Indicateur"), _("Valeur")], rows
    )


def coaches_table(contacts: measures.EmployerContacts, figures: Figures) -> Table:
    rows = [
        [
            label(_("Job coach %(number)s") % {"number": number} if figures.hide else coach.name),
            figures.count(coach.caseload),
            Cell(coach.target),
            Cell(coach.employer_contacts),
            Cell(coach.face_to_face),
            Cell(coach.per_week, DECIMAL),
            Cell(coach.face_to_face_per_week, DECIMAL),
        ]
        for number, coach in enumerate(contacts.by_coach, start=1)
    ]
    return Table(
        "job-coachs",
        _("Par job coach"),
        _("File active et contacts employeurs par job coach"),
        [
            _("Job coach"),
            _("File active"),
            _("Cible"),
            _("Contacts employeurs"),
            _("Dont en face à face"),
            _("Par semaine"),
            _("En face à face par semaine"),
        ],
        rows,
        note=_("Cible : 20 personnes pour un job coach à temps plein."),
    )


def retention_table(retention: list[measures.Retention], figures: Figures) -> Table:
    rows = [figures.rate_row(item.label, item.rate) for item in retention]
    return Table(
        "maintien",
        _("Maintien"),
        _("Maintien dans l'emploi"),
        [_("Échéance"), _("Toujours en poste"), _("Emplois arrivés à l'échéance"), _("Part")],
        rows,
    )


def breakdown_table(breakdown: measures.Breakdown, figures: Figures) -> Table:
    numbered = figures.hide and breakdown.dimension == "coach"
    rows = [
        [
            label(_("Job coach %(number)s") % {"number": number} if numbered else row.label),
            figures.count(row.supported),
            figures.count(row.entries),
            figures.count(row.exits),
            figures.count(row.employed),
            figures.share(row.employment_rate),
        ]
        for number, row in enumerate(breakdown.rows, start=1)
    ]
    return Table(
        f"repartition-{breakdown.dimension}",
        str(breakdown.label),
        _("Répartition : %(dimension)s") % {"dimension": breakdown.label},
        [
            _("Groupe"),
            _("Accompagnées"),
            _("Entrées"),
            _("Sorties"),
            _("En emploi"),
            _("Entrés sans emploi : en emploi dans les 12 mois"),
        ],
        rows,
        note=_("Personnes comptées une fois par groupe ; les entrées et les sorties comptent des parcours."),
    )


FORBIDDEN_IN_SHEET_NAMES = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


def sheet_names_unique(tables: list[Table]) -> list[Table]:
    """Sheet names as a workbook accepts them: 31 characters, no []:*?/\\, each one different."""
    seen: set[str] = set()
    result = []
    for table in tables:
        base = table.sheet.translate(FORBIDDEN_IN_SHEET_NAMES).strip()[:31] or table.key[:31]
        name, number = base, 2
        while name.lower() in seen:
            suffix = f" {number}"
            name, number = base[: 31 - len(suffix)] + suffix, number + 1
        seen.add(name.lower())
        result.append(table if name == table.sheet else Table(**{**table.__dict__, "sheet": name}))
    return result
