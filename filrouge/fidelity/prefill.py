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

# A share counts as "nearly all" (the scale's "at least monthly for a year", for every working
# person) from 90 %.
NEARLY_ALL = 0.9


@dataclass(frozen=True)
class Suggestion:
    score: int | None
    evidence: str


# --- Anchors (pure) ----------------------------------------------------------------------------


def caseload_score(people_per_coach: float) -> int:
    """5: 20 or fewer people per coach; 4: 21–25; 3: 26–30; 2: 31–40; 1: 41 or more. A mean
    between two whole numbers (20.5) belongs to the higher band: the scale counts people."""
    if people_per_coach <= 20:
        return 5
    if people_per_coach <= 25:
        return 4
    if people_per_coach <= 30:
        return 3
    if people_per_coach <= 40:
        return 2
    return 1


def rapid_search_score(days: float) -> int:
    """Days from entry to the first face-to-face employer contact: 5 within 30, 4 up to 60, 3 up
    to 150, 2 up to 270, 1 beyond."""
    if days <= 30:
        return 5
    if days <= 60:
        return 4
    if days <= 150:
        return 3
    if days <= 270:
        return 2
    return 1


def employer_contact_score(per_week: float) -> int:
    """Face-to-face employer contacts per coach per week: 5 from 6, 4 from 5, 3 from 3, 2 from 2,
    1 under 2."""
    if per_week >= 6:
        return 5
    if per_week >= 5:
        return 4
    if per_week >= 3:
        return 3
    if per_week >= 2:
        return 2
    return 1


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


def follow_along_score(monthly: float, over_a_year: float | None) -> int:
    """Time-unlimited follow-along, from the share of jobs followed face to face every month and
    the share of jobs held for a year still followed (None: no job held that long).

    1: no job followed; 2: under half; 3: at least half; 4: nearly all followed every month and
    nearly all jobs of a year or more still followed. A 5 also needs the contacts of the week
    before and the days after the start, which the data does not show: never suggested."""
    if monthly == 0:
        return 1
    if monthly < 0.5:
        return 2
    if monthly >= NEARLY_ALL and over_a_year is not None and over_a_year >= NEARLY_ALL:
        return 4
    return 3


# --- Words -------------------------------------------------------------------------------------


def number(value: float) -> str:
    """17,5 ; 20 (no trailing ",0")."""
    rounded = round(value, 1)
    decimals = 0 if rounded == int(rounded) else 1
    return formats.number_format(rounded, decimal_pos=decimals, use_l10n=True)


def percent(rate) -> str:
    return _("%(value)s %%") % {"value": number(100 * rate.value)}


def of(rate) -> str:
    return _("%(share)s (%(numerator)s sur %(denominator)s)") % {
        "share": percent(rate),
        "numerator": rate.numerator,
        "denominator": rate.denominator,
    }


def coaches_text(count: int) -> str:
    return ngettext("%(count)s job coach", "%(count)s job coachs", count) % {"count": count}


# --- Suggestions -------------------------------------------------------------------------------


def caseload(evidence) -> Suggestion:
    if not evidence.coaches or evidence.mean_caseload is None:
        return Suggestion(
            None, _("Aucun job coach actif dans le service : la file active ne peut être calculée.")
        )
    # French puts a count under 2 in the singular ("1,5 personne"): ngettext on the whole part.
    text = ngettext(
        "%(mean)s personne par job coach en moyenne (%(coaches)s), à la fin de la période.",
        "%(mean)s personnes par job coach en moyenne (%(coaches)s), à la fin de la période.",
        int(evidence.mean_caseload),
    ) % {"mean": number(evidence.mean_caseload), "coaches": coaches_text(evidence.coaches)}
    return Suggestion(caseload_score(evidence.mean_caseload), text)


def rapid_search(evidence) -> Suggestion:
    cohort = evidence.first_face_to_face_within_30.denominator
    if not cohort:
        return Suggestion(None, _("Aucune entrée sur la période : le délai ne peut être calculé."))
    if evidence.first_face_to_face_median_days is None:
        return Suggestion(
            None,
            ngettext(
                "%(count)s personne entrée sur la période : aucune rencontre d'employeur en face à "
                "face pour l'instant, le délai ne peut être calculé.",
                "%(count)s personnes entrées sur la période : aucune rencontre d'employeur en face à "
                "face pour l'instant, le délai ne peut être calculé.",
                cohort,
            )
            % {"count": cohort},
        )
    days = evidence.first_face_to_face_median_days
    text = ngettext(
        "Première rencontre d'un employeur en face à face %(days)s jour après l'entrée (médiane) ; "
        "dans les 30 jours pour %(within)s des personnes entrées sur la période.",
        "Première rencontre d'un employeur en face à face %(days)s jours après l'entrée (médiane) ; "
        "dans les 30 jours pour %(within)s des personnes entrées sur la période.",
        int(days),
    ) % {"days": number(days), "within": of(evidence.first_face_to_face_within_30)}
    return Suggestion(rapid_search_score(evidence.first_face_to_face_median_days), text)


def employer_contacts(evidence) -> Suggestion:
    if not evidence.coaches or evidence.face_to_face_per_coach_week is None:
        return Suggestion(
            None, _("Aucun job coach actif dans le service : la fréquence ne peut être calculée.")
        )
    rate = evidence.face_to_face_per_coach_week
    text = ngettext(
        "%(rate)s rencontre d'employeur en face à face par job coach et par semaine (%(coaches)s).",
        "%(rate)s rencontres d'employeurs en face à face par job coach et par semaine (%(coaches)s).",
        int(rate),
    ) % {"rate": number(rate), "coaches": coaches_text(evidence.coaches)}
    return Suggestion(employer_contact_score(evidence.face_to_face_per_coach_week), text)


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
    monthly, year = evidence.follow_along_monthly, evidence.follow_along_over_a_year
    if not monthly.denominator:
        return Suggestion(
            None,
            _(
                "Aucun emploi en cours depuis au moins un mois à la fin de la période : le suivi ne "
                "peut être mesuré."
            ),
        )
    parts = [
        _(
            "Rencontre en face à face au moins une fois par mois (indicateur « suivi au moins "
            "mensuel », rattaché à cet item) : %(share)s des emplois en cours depuis au moins un mois."
        )
        % {"share": of(monthly)}
    ]
    if year.denominator:
        parts.append(
            _(
                "Emplois tenus depuis 12 mois ou plus encore suivis (un contact dans les 3 derniers mois) : %(share)s."
            )
            % {"share": of(year)}
        )
    else:
        parts.append(_("Aucun emploi tenu depuis 12 mois : le suivi au-delà d'un an ne peut être vérifié."))
    parts.append(
        _(
            "Le 5 demande aussi une rencontre la semaine avant la prise de poste et dans les 3 jours "
            "après, que les données ne montrent pas."
        )
    )
    return Suggestion(follow_along_score(monthly.value, year.value), " ".join(parts))


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
