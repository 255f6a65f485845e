from datetime import timedelta

import factory
from django.utils import timezone

from filrouge.journal.models import Attendance, Confidentiality, Meeting, MeetingKind, Note


class MeetingFactory(factory.django.DjangoModelFactory):
    """A meeting held two days ago, attended; `enrolment` is required."""

    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    organisation = factory.LazyAttribute(lambda o: o.enrolment.organisation)
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=2))
    duration_minutes = 60
    kind = MeetingKind.OFFICE
    place = "Bureau de Valence"
    attendance = Attendance.PRESENT
    summary = factory.Sequence(lambda n: f"Compte rendu numéro {n} : point sur la recherche d'emploi.")
    created_by = factory.LazyAttribute(lambda o: o.enrolment.primary_coach)

    class Params:
        # A psychologist's meeting, kept for the service's psychologists.
        restricted = factory.Trait(confidentiality=Confidentiality.PROFESSION, restricted_to="psychologist")


class NoteFactory(factory.django.DjangoModelFactory):
    """A team note; `enrolment` and `author` are required."""

    class Meta:
        model = Note

    organisation = factory.LazyAttribute(lambda o: o.enrolment.organisation)
    text = factory.Sequence(lambda n: f"Note d'équipe numéro {n}.")

    class Params:
        restricted = factory.Trait(
            confidentiality=Confidentiality.PROFESSION,
            restricted_to="psychologist",
            text=factory.Sequence(lambda n: f"Séance de psychologue {n} : angoisses évoquées."),
        )
