"""Lost updates (issue 17): a record's version is checked and moved on in one step.

Every versioned form is tried twice: with a save committed between the form's check and its
write (on both databases), and with two people saving it at the same moment (on PostgreSQL,
where two transactions really run side by side; SQLite lets one writer at a time). The
domain's actions on a record move its version on, so that a form opened before is refused.
"""

import html
import importlib
import importlib.util
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import connection, connections
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from filrouge.accounts.models import User
from filrouge.core.forms import VersionedModelForm
from filrouge.core.versioning import VersionConflict, bump, claim
from filrouge.journal import domain as journal
from filrouge.journal.forms import MeetingEditForm, NoteEditForm
from filrouge.pathways import domain as pathways
from filrouge.pathways.forms import EnrolmentEditForm
from filrouge.pathways.models import Phase
from filrouge.people.forms import PersonEditForm
from filrouge.plans.forms import ActionEditForm, ActionProgressForm
from filrouge.plans.models import ActionStatus
from filrouge.privacy import domain as privacy
from filrouge.profiles.forms import ProfileForm
from filrouge.referentials.models import Theme, ThemeKind
from tests.journal.factories import MeetingFactory, NoteFactory
from tests.plans.factories import ActionFactory, AgreedPlanFactory, ObjectiveFactory, PlanFactory
from tests.profiles.factories import profile
from tests.profiles.test_profile import form_data as profile_form_data

CONFLICT = "modifié par quelqu'un d'autre pendant votre saisie"
MEANWHILE = "Saisi entre-temps par une collègue"
TYPED = ("Saisie de la première personne", "Saisie de la seconde personne")
TODAY = pathways.today()


def text(response) -> str:
    return html.unescape(response.content.decode())


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def displayed(client, url) -> dict:
    """What the browser sends back for the edit form as the page shows it."""
    form = client.get(url).context["form"]
    data = {}
    for bound in form:
        value = bound.value()
        if isinstance(value, list | tuple):
            data[bound.html_name] = [str(item) for item in value]
        elif value is not None:
            data[bound.html_name] = bound.field.widget.format_value(value) or ""
    return data


# --- Every versioned form, and a record it edits -------------------------------------------------


@dataclass
class Case:
    record: object
    url: str
    users: tuple[User, User]  # two people allowed to edit it
    field: str  # where they type
    displayed: Callable[[Client], dict]  # the form as the page shows it

    def saved(self):
        return type(self.record)._base_manager.get(pk=self.record.pk)


def person_case(world) -> Case:
    url = reverse("people:edit", args=[world.person.pk])
    users = (world.users["coach"], world.users["educator"])
    return Case(world.person, url, users, "address", lambda client: displayed(client, url))


def enrolment_case(world) -> Case:
    url = reverse("pathways:edit", args=[world.enrolment.pk])
    users = (world.users["coach"], world.users["head_of_service"])
    return Case(world.enrolment, url, users, "referral_reason", lambda client: displayed(client, url))


def meeting_case(world) -> Case:
    meeting = MeetingFactory(enrolment=world.enrolment)
    url = reverse("journal:meeting_edit", args=[meeting.pk])
    users = (world.users["coach"], world.users["social_worker"])
    return Case(meeting, url, users, "summary", lambda client: displayed(client, url))


def note_case(world) -> Case:
    author = world.users["coach"]
    note = NoteFactory(enrolment=world.enrolment, author=author, written_on=TODAY)
    url = reverse("journal:note_edit", args=[note.pk])
    # Only its author corrects a note: the same person, on two devices.
    return Case(note, url, (author, author), "text", lambda client: displayed(client, url))


def profile_case(world) -> Case:
    saved = profile(world.person, skills="Avant")
    url = reverse("profiles:edit", args=[world.person.pk])
    users = (world.users["coach"], world.users["psychologist"])
    return Case(saved, url, users, "skills", lambda client: profile_form_data(version=str(saved.version)))


def employment_theme() -> Theme:
    """The theme of the objectives here, as the migrations load it (a transactional test empties
    the referentials; loading them all again takes long)."""
    theme, _ = Theme.objects.get_or_create(
        code="trouver_un_emploi", defaults={"label": "Trouver un emploi", "kind": ThemeKind.PROFESSIONAL}
    )
    return theme


def action_case(world) -> Case:
    objective = ObjectiveFactory(plan=PlanFactory(enrolment=world.enrolment), theme=employment_theme())
    action = ActionFactory(objective=objective, outcome_note="Avant")
    url = reverse("plans:action_edit", args=[action.pk])
    users = (world.users["coach"], world.users["educator"])
    return Case(action, url, users, "outcome_note", lambda client: displayed(client, url))


def action_progress_case(world) -> Case:
    """An action of a plan the person agreed to: only its progress is edited."""
    objective = ObjectiveFactory(plan=AgreedPlanFactory(enrolment=world.enrolment), theme=employment_theme())
    action = ActionFactory(objective=objective, outcome_note="Avant", status=ActionStatus.IN_PROGRESS)
    url = reverse("plans:action_edit", args=[action.pk])
    users = (world.users["coach"], world.users["educator"])
    return Case(action, url, users, "outcome_note", lambda client: displayed(client, url))


CASES = {
    PersonEditForm: person_case,
    EnrolmentEditForm: enrolment_case,
    MeetingEditForm: meeting_case,
    NoteEditForm: note_case,
    ProfileForm: profile_case,
    ActionEditForm: action_case,
    ActionProgressForm: action_progress_case,
}
each_form = pytest.mark.parametrize("make", CASES.values(), ids=[form.__name__ for form in CASES])


def test_every_versioned_form_is_tried_here():
    for config in apps.get_app_configs():
        if config.name.startswith("filrouge.") and importlib.util.find_spec(f"{config.name}.forms"):
            importlib.import_module(f"{config.name}.forms")

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    assert set(subclasses(VersionedModelForm)) == set(CASES)


def conflict_rows(response) -> list[tuple[str, str]]:
    return [(row["saved"], row["yours"]) for row in response.context["form"].conflict]


# --- A save committed between the form's check and its write (both databases) --------------------


@pytest.mark.django_db
@each_form
def test_a_save_committed_between_the_check_and_the_write_is_shown_not_overwritten(world, make, monkeypatch):
    case = make(world)
    client = signed_in(case.users[0])
    data = case.displayed(client)
    before = case.saved().version
    check = VersionedModelForm.clean
    meanwhile = []

    def someone_saves_after_the_check(form):
        cleaned = check(form)
        if not meanwhile:  # once: another request's save, committed after this check
            rows = type(case.record)._base_manager.filter(pk=case.record.pk)
            meanwhile.append(rows.update(**{case.field: MEANWHILE}, version=F("version") + 1))
        return cleaned

    monkeypatch.setattr(VersionedModelForm, "clean", someone_saves_after_the_check)
    response = client.post(case.url, data | {case.field: TYPED[0]})

    assert response.status_code == 200
    assert CONFLICT in text(response) and "Les deux versions" in text(response)
    assert (MEANWHILE, TYPED[0]) in conflict_rows(response)
    saved = case.saved()
    assert (getattr(saved, case.field), saved.version) == (MEANWHILE, before + 1)

    # The page now carries the version saved meanwhile: sent again, it overwrites knowingly.
    version = response.context["form"]["version"]
    assert int(version.value()) == before + 1
    again = data | {case.field: TYPED[0], version.html_name: version.value()}
    assert client.post(case.url, again).status_code == 302
    saved = case.saved()
    assert (getattr(saved, case.field), saved.version) == (TYPED[0], before + 2)


@pytest.mark.django_db
@each_form
def test_a_form_built_from_an_older_version_is_refused_at_once(world, make):
    case = make(world)
    client = signed_in(case.users[0])
    data = case.displayed(client)
    type(case.record)._base_manager.filter(pk=case.record.pk).update(
        **{case.field: MEANWHILE}, version=F("version") + 1
    )
    response = client.post(case.url, data | {case.field: TYPED[0]})
    assert response.status_code == 200 and CONFLICT in text(response)
    assert (MEANWHILE, TYPED[0]) in conflict_rows(response)
    assert getattr(case.saved(), case.field) == MEANWHILE


# --- Two people saving at the same moment (PostgreSQL) -------------------------------------------


def same_moment(case, monkeypatch) -> list:
    """Both people send the form built from the same version. Each request, once its form has
    compared versions, waits for the other one to have compared too: both writes then follow
    both checks, the moment a lost update happens."""
    clients = [signed_in(user) for user in case.users]
    data = case.displayed(clients[0])
    check, start, checked = VersionedModelForm.clean, threading.Barrier(2), threading.Barrier(2)

    def check_then_wait(form):
        try:
            return check(form)
        finally:
            checked.wait(timeout=10)

    monkeypatch.setattr(VersionedModelForm, "clean", check_then_wait)
    responses = [None, None]

    def send(index):
        try:
            start.wait(timeout=10)
            responses[index] = clients[index].post(case.url, data | {case.field: TYPED[index]})
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(index,)) for index in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return responses


@pytest.mark.django_db(transaction=True)
@each_form
def test_two_people_saving_at_the_same_moment_one_is_saved_the_other_sees_both_versions(
    world, make, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer at a time: the two saves cannot overlap there")
    case = make(world)
    before = case.saved().version

    responses = same_moment(case, monkeypatch)

    assert sorted(response.status_code for response in responses) == [200, 302]
    winner = next(index for index, response in enumerate(responses) if response.status_code == 302)
    loser = responses[1 - winner]
    assert CONFLICT in text(loser)
    assert (TYPED[winner], TYPED[1 - winner]) in conflict_rows(loser)
    assert int(loser.context["form"]["version"].value()) == before + 1  # resent, it overwrites knowingly
    saved = case.saved()
    assert (getattr(saved, case.field), saved.version) == (TYPED[winner], before + 1)


# --- The domain's actions move the version on ---------------------------------------------------


@pytest.mark.django_db
def test_claim_moves_the_version_on_and_refuses_a_stale_one(world):
    person = world.person
    before = person.version
    claim(person)
    assert person.version == before + 1
    assert type(person).objects.get(pk=person.pk).version == before + 1
    with pytest.raises(VersionConflict, match=CONFLICT):
        claim(person, before)
    assert type(person).objects.get(pk=person.pk).version == before + 1


@pytest.mark.django_db
def test_bump_moves_whatever_version_the_row_holds(world):
    enrolment = world.enrolment
    stale = type(enrolment).objects.get(pk=enrolment.pk)
    bump(enrolment)
    bump(stale)  # an action applies whatever was saved before it
    assert stale.version == enrolment.version + 1 == type(enrolment).objects.get(pk=enrolment.pk).version


def pathway_form_opened_now(world):
    client = signed_in(world.users["coach"])
    url = reverse("pathways:edit", args=[world.enrolment.pk])
    return client, url, displayed(client, url)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "action",
    [
        pytest.param(
            lambda w: pathways.change_phase(w.enrolment, Phase.PROFILE, TODAY, None), id="phase change"
        ),
        pytest.param(lambda w: pathways.reassign(w.enrolment, w.users["coach"]), id="reassignment"),
        pytest.param(
            lambda w: pathways.renew(
                w.enrolment,
                decided_on=TODAY,
                renewed=True,
                new_end_date=w.enrolment.planned_end_date + timedelta(days=90),
                by=None,
            ),
            id="renewal",
        ),
        pytest.param(
            lambda w: journal.record_meeting(
                MeetingFactory.build(enrolment=w.enrolment, starts_at=timezone.now() - timedelta(hours=1)),
                enrolment=w.enrolment,
                by=w.users["coach"],
            ),
            id="meeting moving the last contact",
        ),
    ],
)
def test_an_action_on_the_pathway_refuses_a_form_of_it_opened_before(world, action):
    world.enrolment.planned_end_date = TODAY + timedelta(days=30)  # a limited programme, renewable
    world.enrolment.save(update_fields=["planned_end_date"])
    client, url, data = pathway_form_opened_now(world)
    before = type(world.enrolment).objects.get(pk=world.enrolment.pk)

    action(world)

    response = client.post(url, data | {"referral_reason": "Saisi avant"})
    assert response.status_code == 200 and CONFLICT in text(response)
    after = type(world.enrolment).objects.get(pk=world.enrolment.pk)
    assert after.version > before.version and after.referral_reason == before.referral_reason


@pytest.mark.django_db
def test_a_phase_change_committed_while_the_pathway_form_is_saved_is_kept(world, monkeypatch):
    """The form's save writes the whole row: without the claim, the phase it read before would
    silently replace the phase just recorded."""
    client, url, data = pathway_form_opened_now(world)
    check = VersionedModelForm.clean

    def phase_changed_after_the_check(form):
        cleaned = check(form)
        enrolment = type(world.enrolment).objects.get(pk=world.enrolment.pk)
        pathways.change_phase(enrolment, Phase.PROFILE, TODAY, None)
        return cleaned

    monkeypatch.setattr(VersionedModelForm, "clean", phase_changed_after_the_check)
    response = client.post(url, data | {"referral_reason": "Saisi pendant"})
    assert response.status_code == 200 and CONFLICT in text(response)
    assert type(world.enrolment).objects.get(pk=world.enrolment.pk).phase == Phase.PROFILE


@pytest.mark.django_db
def test_a_meeting_that_moves_no_date_leaves_the_pathway_form_valid(world):
    MeetingFactory(enrolment=world.enrolment)
    journal.refresh_contact_dates(world.enrolment)
    client, url, data = pathway_form_opened_now(world)
    journal.refresh_contact_dates(type(world.enrolment).objects.get(pk=world.enrolment.pk))  # no change
    assert client.post(url, data | {"referral_reason": "Après"}).status_code == 302


@pytest.mark.django_db
def test_forms_opened_before_an_anonymisation_are_refused_not_saved_over_it(world):
    coach = world.users["coach"]
    pathways.record_exit(world.enrolment, on=TODAY, outcome="moved", by=None)
    meeting = MeetingFactory(enrolment=world.enrolment)
    note = NoteFactory(enrolment=world.enrolment, author=coach, written_on=TODAY)
    saved_profile = profile(world.person, skills="Pâtisserie fine")
    client = signed_in(coach)
    opened = {
        (meeting, "summary"): reverse("journal:meeting_edit", args=[meeting.pk]),
        (note, "text"): reverse("journal:note_edit", args=[note.pk]),
    }
    forms = {key: (url, displayed(client, url)) for key, url in opened.items()}
    forms[(saved_profile, "skills")] = (
        reverse("profiles:edit", args=[world.person.pk]),
        profile_form_data(version=str(saved_profile.version)),
    )

    privacy.anonymise(world.person)

    for (record, field), (url, data) in forms.items():
        response = client.post(url, data | {field: "Texte d'avant l'anonymisation"})
        assert response.status_code == 200 and CONFLICT in text(response), field
        assert getattr(type(record).objects.get(pk=record.pk), field) == "", field
