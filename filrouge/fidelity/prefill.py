"""The items the data can score, suggested from `outcomes.measures.FidelityEvidence`.

Each anchor is a pure function from a figure to a score (1–5); `suggest` turns the evidence of a
service over the review's period into, for each pre-filled item, a suggested score (None when the
data is not enough) and the evidence in words, with its figures. The reviewer may always score
otherwise, with a justification.
"""

from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# A share counts as "nearly all" (the scale's "weekly for the first month, and at least monthly for
# a year or more, on average") from 90 %; "half of the working people" from 50 %.
NEARLY_ALL = 0.9
HALF = 0.5


@dataclass(frozen=True)
class Suggestion:
    score: int | None
    evidence: str


# --- Anchors (pure) ----------------------------------------------------------------------------
# The anchors of the IPS-25 Supported Employment Fidelity Scale (Becker, Swanson, Bond, Reese and
# others, 2008, IPS Employment Center), not those of the older 15-item scale.


def caseload_score(people_per_fte: float) -> int:
    """Staffing 1 (caseload size), people per full-time employment specialist: 5: 20 or fewer;
    4: 21–25; 3: 26–30; 2: 31–40; 1: 41 or more. A ratio between two whole numbers (20.5) belongs
    to the higher band: the scale counts people."""
    if people_per_fte <= 20:
        return 5
    if people_per_fte <= 25:
        return 4
    if people_per_fte <= 30:
        return 3
    if people_per_fte <= 40:
        return 2
    return 1


def employment_services_score(share: float) -> int:
    """Staffing 2 (employment services staff), the share (%) of the specialists' time spent on
    employment services: 5: 96 % or more; 4: 90–95 %; 3: 75–89 %; 2: 60–74 %; 1: under 60 %. A
    share between two whole numbers (95.5) has not reached the next band (96): it stays below."""
    if share >= 96:
        return 5
    if share >= 90:
        return 4
    if share >= 75:
        return 3
    if share >= 60:
        return 2
    return 1


def rapid_search_score(days: float) -> int:
    """Services 4 (rapid job search), the average days from entry to the first face-to-face employer
    contact: 5: 30 or fewer; 4: 31–60; 3: 61–150; 2: 151–270; 1: 271 or more. An average between
    two whole numbers (30.5) belongs to the later band."""
    if days <= 30:
        return 5
    if days <= 60:
        return 4
    if days <= 150:
        return 3
    if days <= 270:
        return 2
    return 1


# Services 6: the scale's points, (face-to-face employer contacts a week, score).
EMPLOYER_CONTACT_POINTS = ((2, 2), (4, 3), (5, 4), (6, 5))


def employer_contact_score(per_week: float) -> int:
    """Services 6 (job development — frequent employer contact), from the average of the
    specialists' weekly rates of face-to-face employer contacts.

    The IPS-25 scale gives points, not bands: 1 = less than 2 a week; 2 = 2; 3 = 4; 4 = 5; 5 = 6
    or more; and says "rate for each employment specialist, then calculate average and use the
    closest scale point". A rate under 2 scores 1; from 2, the nearest point's score, a rate
    midway between two points taking the higher score: [2, 3) → 2, [3, 4.5) → 3, [4.5, 5.5) → 4,
    5.5 and more → 5. The rate is rounded to 9 decimals first (a float 4.4999999999 is 4.5)."""
    rate = round(per_week, 9)
    if rate < EMPLOYER_CONTACT_POINTS[0][0]:
        return 1
    nearest = min(EMPLOYER_CONTACT_POINTS, key=lambda point: (abs(rate - point[0]), -point[1]))
    return nearest[1]


def diversity_score(share: float) -> int:
    """Share of different job titles (or employers) among the jobs: 5 from 85 %, 4 from 70 %, 3
    from 60 %, 2 from 50 %, 1 under 50 %."""
    if share >= 0.85:
        return 5
    if share >= 0.70:
        return 4
    if share >= 0.60:
        return 3
    if share >= 0.50:
        return 2
    return 1


def competitive_score(share: float) -> int:
    """Share of competitive jobs: 5 from 95 %, 4 from 85 %, 3 from 75 %, 2 from 65 %, 1 under."""
    if share >= 0.95:
        return 5
    if share >= 0.85:
        return 4
    if share >= 0.75:
        return 3
    if share >= 0.65:
        return 2
    return 1


def community_score(share: float) -> int:
    """Share of meetings outside the office: 5 from 65 %, 4 from 50 %, 3 from 40 %, 2 from 30 %,
    1 under 30 %."""
    if share >= 0.65:
        return 5
    if share >= 0.50:
        return 4
    if share >= 0.40:
        return 3
    if share >= 0.30:
        return 2
    return 1


def follow_along_score(weekly, monthly, after_first_month, four_months) -> int | None:
    """Services 12 (time-unlimited follow-along supports), from the face-to-face follow-along
    contacts (`Rate`s of `FidelityEvidence`: weeks of a first month, months 1–12 and 2–12 of a job,
    jobs met in each of their first 4 months). None when no month of a job was due.

    The IPS-25 anchors, and how the data reads them:
    - 1, "no face-to-face contact after the first month of a job": no contact in any month 2–12 due;
    - 2 and 3, "face-to-face contact with less than half / at least half of the working people for
      at least 4 months after starting a job": the share of jobs met in each of their first 4 months
      (when no job had its first 4 months in the period: the share of months 1–12 met), under
      half / at least half;
    - 4, "weekly for the first month, and at least monthly for a year or more, on average": nearly
      all (90 %) of the weeks of first months and of the months 1–12 met, with weeks of a first
      month and months after the first both due;
    - 5 adds a contact in the week before the start and within 3 days after it, which the data
      cannot show (a follow-along contact is never dated before the job): never suggested."""
    if not monthly.denominator:
        return None
    if after_first_month.denominator and not after_first_month.numerator:
        return 1
    seen = weekly.denominator and after_first_month.denominator
    if seen and weekly.value >= NEARLY_ALL and monthly.value >= NEARLY_ALL:
        return 4
    followed = four_months.value if four_months.denominator else monthly.value
    return 3 if followed >= HALF else 2


# --- Words -------------------------------------------------------------------------------------


def number(value: float, places: int = 1) -> str:
    """17,5 ; 20 (no trailing ",0"); 0,75 with `places=2`."""
    rounded = round(value, places)
    digits = f"{rounded:.{places}f}".rstrip("0").rstrip(".")
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    return formats.number_format(rounded, decimal_pos=decimals, use_l10n=True)


def percent(rate) -> str:
    return _("%(value)s %%") % {"value": number(100 * rate.value)}


def of(rate) -> str:
    return _("%(share)s (%(numerator)s sur %(denominator)s)") % {
        "share": percent(rate),
        "numerator": rate.numerator,
        "denominator": rate.denominator,
    }


def of_due(rate) -> str:
    """`of(rate)`, or says that nothing was due."""
    return of(rate) if rate.denominator else _("sans objet (aucun dû)")


def coaches_text(count: int) -> str:
    return ngettext("%(count)s job coach", "%(count)s job coachs", count) % {"count": count}


def staff_text(evidence) -> str:
    """ "3 job coachs, 2,5 ETP"."""
    return _("%(coaches)s, %(fte)s ETP") % {
        "coaches": coaches_text(evidence.coaches),
        "fte": number(evidence.coach_fte, 2),
    }


def day_text(day) -> str:
    return formats.date_format(day, "j F Y")


# --- Suggestions -------------------------------------------------------------------------------


def caseload(evidence) -> Suggestion:
    ratio = evidence.people_per_fte
    if ratio is None:
        return Suggestion(
            None, _("Aucun job coach actif dans le service : la file active ne peut être calculée.")
        )
    # French puts a count under 2 in the singular ("1,5 personne"): ngettext on the whole part.
    parts = [
        ngettext(
            "%(ratio)s personne par ETP de job coach (%(staff)s).",
            "%(ratio)s personnes par ETP de job coach (%(staff)s).",
            int(ratio),
        )
        % {"ratio": number(ratio), "staff": staff_text(evidence)},
        _(
            "Personnes en parcours au %(day)s : %(people)s, rapportées au temps de travail des job "
            "coachs dans le service (la quotité de chaque rôle, au plus 100 %% par personne)."
        )
        % {"day": day_text(evidence.as_of), "people": evidence.people},
        _(
            "Note proposée selon l'échelle : 5 jusqu'à 20 personnes par ETP, 4 de 21 à 25, 3 de 26 à "
            "30, 2 de 31 à 40, 1 au-delà."
        ),
    ]
    return Suggestion(caseload_score(ratio), " ".join(parts))


def employment_services(evidence) -> Suggestion:
    share = evidence.employment_services_share
    if share is None:
        return Suggestion(
            None,
            _("Aucun job coach actif dans le service : le temps consacré à l'emploi ne peut être calculé."),
        )
    text = _(
        "Temps des job coachs consacré à l'accompagnement vers et dans l'emploi : %(share)s en "
        "moyenne, pondérée par le temps de travail de chacun dans le service (%(staff)s), d'après la "
        "part indiquée pour chaque rôle de job coach dans les comptes. Note proposée selon "
        "l'échelle : 5 à partir de 96 %%, 4 de 90 à 95 %%, 3 de 75 à 89 %%, 2 de 60 à 74 %%, 1 sous "
        "60 %%."
    ) % {"share": _("%(value)s %%") % {"value": number(share)}, "staff": staff_text(evidence)}
    return Suggestion(employment_services_score(share), text)


def rapid_search(evidence) -> Suggestion:
    if not evidence.entries or evidence.first_employer_mean_days is None:
        return Suggestion(None, _("Aucune entrée sur la période : le délai ne peut être calculé."))
    days = evidence.first_employer_mean_days
    parts = [
        ngettext(
            "Première rencontre d'un employeur en face à face, au sujet d'un emploi en milieu "
            "ordinaire : %(days)s jour après l'entrée en moyenne.",
            "Première rencontre d'un employeur en face à face, au sujet d'un emploi en milieu "
            "ordinaire : %(days)s jours après l'entrée en moyenne.",
            int(days),
        )
        % {"days": number(days)},
        ngettext(
            "Sur %(entries)s parcours entré sur la période : avec une rencontre, %(met)s ; sans "
            "rencontre pour l'instant, %(waiting)s (compté avec le délai écoulé jusqu'au %(day)s, ou "
            "jusqu'à sa sortie).",
            "Sur %(entries)s parcours entrés sur la période : avec une rencontre, %(met)s ; sans "
            "rencontre pour l'instant, %(waiting)s (comptés avec le délai écoulé jusqu'au %(day)s, "
            "ou jusqu'à leur sortie).",
            evidence.entries,
        )
        % {
            "entries": evidence.entries,
            "met": evidence.met_an_employer,
            "waiting": evidence.still_waiting,
            "day": day_text(evidence.as_of),
        },
        _(
            "Est comptée toute rencontre en face à face avec un employeur ordinaire (ni EA, ni ESAT, "
            "ni SIAE) au sujet de la personne. Note proposée selon l'échelle : 5 "
            "jusqu'à 30 jours en moyenne, 4 de 31 à 60, 3 de 61 à 150, 2 de 151 à 270, 1 au-delà."
        ),
    ]
    return Suggestion(rapid_search_score(days), " ".join(parts))


def employer_contacts(evidence) -> Suggestion:
    rate = evidence.job_development_per_coach_week
    if not evidence.coaches or rate is None:
        return Suggestion(
            None, _("Aucun job coach actif dans le service : la fréquence ne peut être calculée.")
        )
    parts = [
        ngettext(
            "%(rate)s rencontre d'employeur en face à face par job coach et par semaine, en moyenne "
            "des taux de chaque job coach (%(coaches)s).",
            "%(rate)s rencontres d'employeurs en face à face par job coach et par semaine, en moyenne "
            "des taux de chaque job coach (%(coaches)s).",
            int(rate),
        )
        % {"rate": number(rate), "coaches": coaches_text(evidence.coaches)},
        ngettext(
            "%(contacts)s rencontre comptée sur %(weeks)s semaines : visites de prospection et "
            "présentations de candidat·es, sauf au sujet d'une personne alors en emploi ; les visites "
            "de suivi, formations de tuteurs et sensibilisations d'équipes ne comptent pas.",
            "%(contacts)s rencontres comptées sur %(weeks)s semaines : visites de prospection et "
            "présentations de candidat·es, sauf au sujet d'une personne alors en emploi ; les visites "
            "de suivi, formations de tuteurs et sensibilisations d'équipes ne comptent pas.",
            evidence.job_development_contacts,
        )
        % {"contacts": evidence.job_development_contacts, "weeks": number(evidence.weeks)},
        _(
            "Note proposée : le point de l'échelle le plus proche (moins de 2 par semaine : 1 ; 2 : "
            "2 ; 4 : 3 ; 5 : 4 ; 6 ou plus : 5 ; à mi-chemin de deux points, la note la plus haute). "
            "L'échelle demande aussi un suivi des rencontres relu par le ou la responsable, que les "
            "données ne montrent pas."
        ),
    ]
    return Suggestion(employer_contact_score(rate), " ".join(parts))


def no_jobs() -> Suggestion:
    return Suggestion(None, _("Aucun emploi commencé sur la période : la part ne peut être calculée."))


def job_types(evidence) -> Suggestion:
    if not evidence.jobs:
        return no_jobs()
    share = evidence.distinct_job_titles / evidence.jobs
    text = ngettext(
        "Métiers distincts : %(distinct)s (%(codes)s codes ROME) pour %(jobs)s emploi commencé sur "
        "la période (%(share)s).",
        "Métiers distincts : %(distinct)s (%(codes)s codes ROME) pour %(jobs)s emplois commencés sur "
        "la période (%(share)s).",
        evidence.jobs,
    ) % {
        "distinct": evidence.distinct_job_titles,
        "codes": evidence.distinct_occupations,
        "jobs": evidence.jobs,
        "share": _("%(value)s %%") % {"value": number(100 * share)},
    }
    return Suggestion(diversity_score(share), text)


def employers(evidence) -> Suggestion:
    if not evidence.jobs:
        return no_jobs()
    share = evidence.distinct_employers / evidence.jobs
    text = ngettext(
        "Employeurs distincts : %(distinct)s pour %(jobs)s emploi commencé sur la période (%(share)s).",
        "Employeurs distincts : %(distinct)s pour %(jobs)s emplois commencés sur la période (%(share)s).",
        evidence.jobs,
    ) % {
        "distinct": evidence.distinct_employers,
        "jobs": evidence.jobs,
        "share": _("%(value)s %%") % {"value": number(100 * share)},
    }
    return Suggestion(diversity_score(share), text)


def competitive(evidence) -> Suggestion:
    rate = evidence.competitive_jobs
    if not rate.denominator:
        return no_jobs()
    text = _("Emplois en milieu ordinaire : %(share)s des emplois commencés sur la période.") % {
        "share": of(rate)
    }
    return Suggestion(competitive_score(rate.value), text)


def follow_along(evidence) -> Suggestion:
    score = follow_along_score(
        evidence.follow_along_weekly,
        evidence.follow_along_monthly,
        evidence.follow_along_after_first_month,
        evidence.follow_along_four_months,
    )
    if score is None:
        return Suggestion(
            None,
            _("Aucun mois d'emploi entier sur la période : le suivi dans l'emploi ne peut être mesuré."),
        )
    parts = [
        _(
            "Rencontres de suivi en face à face, pour les emplois tenus sur la période : dans la "
            "première semaine, %(first_week)s des emplois ; chaque semaine du premier mois, "
            "%(weekly)s des semaines ; chaque mois de la première année, %(monthly)s des mois (après "
            "le premier mois : %(later)s) ; chacun des 4 premiers mois, %(four)s des emplois."
        )
        % {
            "first_week": of_due(evidence.follow_along_first_week),
            "weekly": of_due(evidence.follow_along_weekly),
            "monthly": of_due(evidence.follow_along_monthly),
            "later": of_due(evidence.follow_along_after_first_month),
            "four": of_due(evidence.follow_along_four_months),
        },
        _(
            "Une semaine ou un mois d'un emploi compte s'il est entier dans la période, achevé au "
            "%(day)s, l'emploi tenu jusqu'au bout ; les mois se comptent de date à date."
        )
        % {"day": day_text(evidence.as_of)},
        _(
            "Note proposée : 1 sans aucune rencontre après le premier mois ; 2 ou 3 selon que moins "
            "de la moitié ou au moins la moitié des emplois ont une rencontre chacun de leurs 4 "
            "premiers mois ; 4 quand presque toutes (%(nearly_all)s) les semaines du premier mois et "
            "les mois de la première année ont leur rencontre. Le 5 demande aussi une rencontre la "
            "semaine avant la prise de poste et dans les 3 jours après, que les données ne montrent "
            "pas."
        )
        % {"nearly_all": _("%(value)s %%") % {"value": number(100 * NEARLY_ALL)}},
    ]
    return Suggestion(score, " ".join(parts))


def community(evidence) -> Suggestion:
    rate = evidence.meetings_outside_office
    if not rate.denominator:
        return Suggestion(None, _("Aucune rencontre tenue sur la période : la part ne peut être calculée."))
    text = _(
        "Rencontres hors du bureau (ni au bureau, ni par téléphone ou visio), suivis sur le lieu de "
        "travail compris : %(share)s des rencontres tenues sur la période. L'échelle compte le temps "
        "de travail, les données comptent les rencontres."
    ) % {"share": of(rate)}
    return Suggestion(community_score(rate.value), text)


PREFILLED = {
    "staffing_1": caseload,
    "staffing_2": employment_services,
    "services_4": rapid_search,
    "services_6": employer_contacts,
    "services_8": job_types,
    "services_9": employers,
    "services_10": competitive,
    "services_12": follow_along,
    "services_13": community,
}


def suggest(evidence) -> dict[str, Suggestion]:
    """The suggestion of every item the data can score, by item code."""
    return {code: rule(evidence) for code, rule in PREFILLED.items()}
