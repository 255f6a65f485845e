"""The meetings and notes a user may read: every list, page, export and PDF goes through here."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from filrouge import policy
from filrouge.core.text import fold
from filrouge.journal.models import RESTRICTION_LABELS, Confidentiality, Meeting, Note, Writing

# Who reads a writing kept for a profession, by the role (organisations.Role value) it is kept for.
READER_GROUPS = {
    "coach": gettext_lazy("Les job coachs du service"),
    "psychologist": gettext_lazy("Les psychologues du service"),
    "social_worker": gettext_lazy("Les assistant·es de service social du service"),
    "educator": gettext_lazy("Les éducateur·rices du service"),
    "head_of_service": gettext_lazy("Les chef·fes de service"),
}
NAMES_SHOWN = 8  # a longer list of readers ends with "et N autres"


def readable_meetings(user, enrolments: QuerySet | None = None) -> QuerySet:
    """The meetings of `enrolments` (all reachable ones when None) the user may read, by the
    confidentiality rule of `policy.scoped_writings`."""
    meetings = (
        Meeting.objects.all() if enrolments is None else Meeting.objects.filter(enrolment__in=enrolments)
    )
    return policy.scoped_writings(user, meetings)


def readable_notes(user, enrolments: QuerySet | None = None) -> QuerySet:
    notes = Note.objects.all() if enrolments is None else Note.objects.filter(enrolment__in=enrolments)
    return policy.scoped_writings(user, notes)


def editable_meetings(user) -> QuerySet:
    """Meetings the user may change: readable, in a service where they may edit cases."""
    return policy.scoped_case_records(user, readable_meetings(user), policy.Action.EDIT_CASES)


def editable_notes(user) -> QuerySet:
    """Notes the user may correct: their own, still readable and editable in the service."""
    return policy.scoped_case_records(user, readable_notes(user), policy.Action.EDIT_CASES).filter(
        author=user
    )


def printable_writings(writings: QuerySet) -> QuerySet:
    """The notes or meetings a document may use: a PDF leaves the service (for the person, the
    funder), so a writing kept for a profession never goes in, whoever prints it, a member of
    that profession included. The caller has already scoped the pathway to the user."""
    return writings.filter(confidentiality__in=policy.OPEN_LEVELS)


def search_writings(writings: Iterable[Writing], text: str) -> list[Writing]:
    """The writings holding `text`, ignoring accents and case. Their text is encrypted at rest,
    so the search runs here, over writings already read through `readable_meetings` or
    `readable_notes` (one person's journal): it never sees a writing the user may not read."""
    folded = fold(text)
    return [w for w in writings if w.matches(folded)] if folded else list(writings)


def readers_text(readers: list[str]) -> str:
    """The readers' names, the first NAMES_SHOWN of them, then how many more."""
    shown = ", ".join(readers[:NAMES_SHOWN])
    more = len(readers) - NAMES_SHOWN
    if more > 0:
        shown = ngettext("%(names)s et %(count)s autre", "%(names)s et %(count)s autres", more) % {
            "names": shown,
            "count": more,
        }
    return shown


def confidentiality_choices(user, service) -> list[tuple[str, str]]:
    """The confidentiality levels of a writing by `user` in `service`, each naming who will read
    it (`policy.writing_readers`): the form shows them, so the author knows before saving."""
    team = policy.writing_readers(service, Confidentiality.TEAM).count()
    everyone = ngettext(
        "toute l'équipe du service et la direction (%(count)s personne)",
        "toute l'équipe du service et la direction (%(count)s personnes)",
        team,
    ) % {"count": team}
    role = policy.restricted_role_of(user, service)
    if role is None:
        kept = _("vous n'avez pas de rôle dans ce service")
    else:
        names = [
            reader.full_name for reader in policy.writing_readers(service, Confidentiality.PROFESSION, role)
        ]
        kept = _("%(group)s : %(names)s") % {
            "group": READER_GROUPS.get(role, role),
            "names": readers_text(names),
        }
    return [
        (Confidentiality.TEAM, _("Équipe — %(readers)s") % {"readers": everyone}),
        (Confidentiality.PROFESSION, _("Réservée à ma profession — %(readers)s") % {"readers": kept}),
        (
            Confidentiality.SHARED,
            _("Partagée avec la personne — %(readers)s, et la personne accompagnée") % {"readers": everyone},
        ),
    ]


@dataclass(frozen=True)
class Withheld:
    """A writing the user may not read, as they may know of it: its day, its service and the
    profession it is kept for; never its text, its kind (meeting or note) nor its author's name."""

    on: date
    service: str
    restricted_to: str

    @property
    def label(self) -> str:
        return str(RESTRICTION_LABELS.get(self.restricted_to, _("Réservée à une profession du service")))


def withheld_writings(user, enrolments: QuerySet) -> list[Withheld]:
    """The writings of `enrolments` kept for a profession the user does not hold there, newest
    first: colleagues know that something was written, and for whom. Only the date, the service
    and the role are read from the database (no text is decrypted)."""
    found = []
    for model, day in ((Note, "written_on"), (Meeting, "starts_at")):
        kept = policy.scoped_case_records(
            user, model.objects.filter(enrolment__in=enrolments, confidentiality=Confidentiality.PROFESSION)
        )
        if model is Meeting:
            kept = kept.filter(starts_at__lte=timezone.now())  # as the timeline: what happened so far
        hidden = kept.exclude(pk__in=policy.scoped_writings(user, kept).values("pk"))
        for on, service, role in hidden.values_list(day, "enrolment__service__name", "restricted_to"):
            on = timezone.localdate(on) if model is Meeting else on
            found.append(Withheld(on, service, role))
    return sorted(found, key=lambda withheld: withheld.on, reverse=True)
