"""Sensitive fields are encrypted at rest; a wrong or missing key is an error, never ciphertext."""

import logging
import stat
from datetime import timedelta
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.db import connection
from django.urls import reverse

from filrouge.core import checks, crypto
from filrouge.journal.models import Meeting, Note
from filrouge.pathways import domain as pathways
from filrouge.pathways.models import Enrolment, EntrySituation, Phase, PhaseChange, Renewal, Suspension
from filrouge.profiles.models import Barrier, ProfileRevision
from tests.core.test_settings import PRODUCTION, run_manage
from tests.journal.factories import MeetingFactory, NoteFactory
from tests.profiles.factories import barrier, revision

pytestmark = pytest.mark.django_db

OLD, NEW, OTHER = (
    Fernet.generate_key().decode(),
    Fernet.generate_key().decode(),
    Fernet.generate_key().decode(),
)
SECRET = "Hospitalisation en psychiatrie évoquée"


def raw(model, field, pk) -> str:
    """The value as the database holds it, read past the ORM."""
    table, column = model._meta.db_table, model._meta.get_field(field).column
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 (names from _meta)
        return cursor.fetchone()[0]


@pytest.fixture
def keys(settings):
    """Switches the configured keys: keys("new", "old") as the environment would give them."""

    def use(*values):
        settings.ENCRYPTION_KEYS = list(values)

    return use


@pytest.fixture
def case(world):
    """One of each sensitive value, on the world's pathway."""
    coach = world.users["coach"]
    enrolment = world.enrolment
    Enrolment.objects.filter(pk=enrolment.pk).update(referral_reason=SECRET)
    EntrySituation.objects.filter(enrolment=enrolment).update(mdph_file="26-2025-00042")
    Suspension.objects.filter(pk=world.suspension.pk).update(comment=SECRET)
    change = pathways.change_phase(enrolment, Phase.PROFILE, pathways.today(), coach, SECRET)
    renewal = Renewal.objects.create(
        organisation=world.org_a,
        enrolment=enrolment,
        decided_on=pathways.today(),
        renewed=False,
        comment=SECRET,
    )
    return {
        "note": NoteFactory(enrolment=enrolment, author=coach, text=SECRET),
        "meeting": MeetingFactory(enrolment=enrolment, summary=SECRET),
        "barrier": barrier(world.person, comment=SECRET),
        "revision": revision(world.person, {"barriers": [{"comment": SECRET}]}),
        "change": change,
        "renewal": renewal,
    }


def stored(world, case) -> dict:
    """(model, field, pk) -> the value read through the ORM."""
    return {
        (Note, "text", case["note"].pk): Note.objects.get(pk=case["note"].pk).text,
        (Meeting, "summary", case["meeting"].pk): Meeting.objects.get(pk=case["meeting"].pk).summary,
        (Barrier, "comment", case["barrier"].pk): Barrier.objects.get(pk=case["barrier"].pk).comment,
        (ProfileRevision, "data", case["revision"].pk): ProfileRevision.objects.get(
            pk=case["revision"].pk
        ).data,
        (Enrolment, "referral_reason", world.enrolment.pk): Enrolment.objects.get(
            pk=world.enrolment.pk
        ).referral_reason,
        (EntrySituation, "mdph_file", world.enrolment.entry_situation.pk): EntrySituation.objects.get(
            enrolment=world.enrolment
        ).mdph_file,
        (Suspension, "comment", world.suspension.pk): Suspension.objects.get(pk=world.suspension.pk).comment,
        (PhaseChange, "comment", case["change"].pk): PhaseChange.objects.get(pk=case["change"].pk).comment,
        (Renewal, "comment", case["renewal"].pk): Renewal.objects.get(pk=case["renewal"].pk).comment,
    }


EXPECTED = {
    "journal.Meeting": ["place", "others", "summary"],
    "journal.Note": ["text"],
    "plans.PlanAction": ["outcome_note"],
    "profiles.Profile": ["skills", "soft_skills", "expectations"],
    "profiles.Experience": ["description"],
    "profiles.TargetJob": ["availability"],
    "pathways.Enrolment": ["referral_reason", "exit_comment"],
    "pathways.EntrySituation": ["mdph_file"],
    "pathways.PhaseChange": ["comment"],
    "pathways.Suspension": ["comment"],
    "pathways.Renewal": ["comment"],
    "profiles.Barrier": ["comment"],
    "profiles.ProfileRevision": ["data"],
}


def test_the_health_information_and_confidential_writings_are_the_encrypted_fields():
    found = {model._meta.label: [f.name for f in fields] for model, fields in crypto.encrypted_fields()}
    for label, names in EXPECTED.items():
        assert found.get(label) == names, label


def test_the_database_holds_ciphertext_and_the_orm_gives_the_text_back(world, case):
    expected = {"text": SECRET, "summary": SECRET, "comment": SECRET, "referral_reason": SECRET}
    expected |= {"mdph_file": "26-2025-00042", "data": {"barriers": [{"comment": SECRET}]}}
    for (model, field, pk), value in stored(world, case).items():
        held = raw(model, field, pk)
        assert held.startswith("enc:"), (model, field)
        assert "psychiatrie" not in held and "00042" not in held
        assert value == expected[field], (model, field)


def test_an_empty_text_stays_empty_and_still_answers_is_it_empty(world):
    enrolment = Enrolment.objects.get(pk=world.enrolment.pk)
    assert raw(Enrolment, "exit_comment", enrolment.pk) == "" and enrolment.exit_comment == ""
    assert Enrolment.objects.filter(pk=enrolment.pk, exit_comment="").exists()
    assert not Enrolment.objects.filter(pk=enrolment.pk).exclude(exit_comment="").exists()


def test_two_saves_of_one_text_store_two_different_ciphertexts(world):
    first = NoteFactory(enrolment=world.enrolment, author=world.users["coach"], text="Même texte.")
    second = NoteFactory(enrolment=world.enrolment, author=world.users["coach"], text="Même texte.")
    assert raw(Note, "text", first.pk) != raw(Note, "text", second.pk)


def test_bulk_inserts_and_updates_encrypt_too(world):
    coach = world.users["coach"]
    [change] = PhaseChange.objects.bulk_create(
        [
            PhaseChange(
                organisation=world.org_a,
                enrolment=world.enrolment,
                phase=Phase.PLAN,
                changed_on=pathways.today(),
                comment=SECRET,
                recorded_by=coach,
            )
        ]
    )
    assert raw(PhaseChange, "comment", change.pk).startswith("enc:")
    change.comment = "Autre commentaire."
    PhaseChange.objects.bulk_update([change], ["comment"])
    assert raw(PhaseChange, "comment", change.pk).startswith("enc:")
    assert PhaseChange.objects.get(pk=change.pk).comment == "Autre commentaire."


@pytest.mark.parametrize("lookup", ["text", "text__icontains", "text__startswith", "text__in"])
def test_a_database_search_on_an_encrypted_field_is_refused_rather_than_matching_nothing(world, lookup):
    value = ["x"] if lookup.endswith("__in") else "x"
    with pytest.raises(FieldError):
        list(Note.objects.filter(**{lookup: value}))


def test_a_wrong_key_is_an_error_never_the_ciphertext_nor_an_empty_text(world, case, keys, caplog):
    keys(OTHER)
    with caplog.at_level(logging.ERROR, logger="filrouge.crypto"), pytest.raises(crypto.DecryptionError):
        Note.objects.get(pk=case["note"].pk)
    assert "journal.Note.text" in caplog.text
    assert "psychiatrie" not in caplog.text and "enc:" not in caplog.text


def test_a_page_read_with_a_wrong_key_is_a_server_error_showing_nothing(client, world, case, keys):
    keys(OTHER)
    client.raise_request_exception = False
    client.force_login(world.users["coach"])
    response = client.get(reverse("journal:note_detail", args=[case["note"].pk]))
    assert response.status_code == 500
    body = response.content.decode()
    assert "enc:" not in body and "psychiatrie" not in body


def test_an_old_key_still_reads_while_a_new_one_encrypts(world, keys):
    keys(OLD)
    note = NoteFactory(enrolment=world.enrolment, author=world.users["coach"], text=SECRET)
    keys(NEW, OLD)
    assert Note.objects.get(pk=note.pk).text == SECRET
    later = NoteFactory(enrolment=world.enrolment, author=world.users["coach"], text="Plus tard.")
    keys(NEW)
    assert Note.objects.get(pk=later.pk).text == "Plus tard."
    with pytest.raises(crypto.DecryptionError):
        Note.objects.get(pk=note.pk)


# --- The key file and the system check -------------------------------------------------------


def test_a_missing_key_file_without_creation_is_improperly_configured_and_fails_the_check(settings, tmp_path):
    settings.ENCRYPTION_KEYS = []
    settings.ENCRYPTION_KEY_FILE = tmp_path / "encryption_keys"
    settings.ENCRYPTION_KEY_FILE_CREATE = False
    with pytest.raises(ImproperlyConfigured, match="No encryption key"):
        crypto.encrypt("x")
    assert [e.id for e in checks.encryption_keys(None)] == ["filrouge.E001"]
    with pytest.raises(SystemCheckError, match="filrouge.E001"):
        call_command("check")
    assert not settings.ENCRYPTION_KEY_FILE.exists()


def test_production_does_not_start_without_a_key_and_passes_the_deploy_check_with_one(tmp_path):
    production = PRODUCTION | {"FILROUGE_VAR_DIR": str(tmp_path), "FILROUGE_ENCRYPTION_KEYS": ""}
    missing = run_manage("check", "--deploy", env=production)
    assert missing.returncode != 0 and "filrouge.E001" in missing.stderr
    assert not (tmp_path / "encryption_keys").exists()
    given = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=production | {"FILROUGE_ENCRYPTION_KEYS": f"{NEW},{OLD}"},
    )
    assert given.returncode == 0, given.stdout + given.stderr


def test_a_local_installation_creates_a_private_key_file_once_and_keeps_it(settings, tmp_path):
    settings.ENCRYPTION_KEYS = []
    settings.ENCRYPTION_KEY_FILE = tmp_path / "var" / "encryption_keys"
    settings.ENCRYPTION_KEY_FILE_CREATE = True
    assert checks.encryption_keys(None) == []  # made on first use, not by the check
    token = crypto.encrypt("x")
    path = settings.ENCRYPTION_KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["encryption_keys"]  # no temporary file left
    first = path.read_text()
    crypto.reset_keys()
    assert crypto.decrypt(token) == "x" and path.read_text() == first
    assert checks.encryption_keys(None) == [] and checks.key_file_permissions(None) == []
    path.chmod(0o644)
    assert [w.id for w in checks.key_file_permissions(None)] == ["filrouge.W001"]


def test_a_malformed_key_is_reported_by_position_never_shown(settings, tmp_path):
    settings.ENCRYPTION_KEYS = [NEW, "not-a-key-at-all"]
    errors = checks.encryption_keys(None)
    assert [e.id for e in errors] == ["filrouge.E002"]
    assert "number 2" in errors[0].msg and "not-a-key" not in errors[0].msg
    with pytest.raises(ImproperlyConfigured, match="number 2") as raised:
        crypto.encrypt("x")
    assert "not-a-key" not in str(raised.value)


def test_an_empty_key_file_fails_the_check(settings, tmp_path):
    path = tmp_path / "encryption_keys"
    path.write_text(crypto.KEY_FILE_HEADER)
    settings.ENCRYPTION_KEYS, settings.ENCRYPTION_KEY_FILE = [], path
    assert [e.id for e in checks.encryption_keys(None)] == ["filrouge.E003"]
    with pytest.raises(ImproperlyConfigured, match="holds no key"):
        crypto.encrypt("x")


def test_the_key_file_reads_its_first_key_line_as_the_current_key(settings, tmp_path, keys):
    path = tmp_path / "encryption_keys"
    path.write_text(f"# comment\n{NEW}\n{OLD}\n")
    keys(OLD)
    token = crypto.encrypt("x")
    settings.ENCRYPTION_KEYS, settings.ENCRYPTION_KEY_FILE = [], path
    assert crypto.decrypt(token) == "x" and not crypto.opens_with_current_key(token)
    assert crypto.opens_with_current_key(crypto.encrypt("y"))


# --- The keys command ------------------------------------------------------------------------


def keys_command(*args) -> str:
    out = StringIO()
    call_command("keys", *args, stdout=out)
    return out.getvalue()


def test_generate_prints_a_valid_key_and_how_to_install_it():
    output = keys_command("generate")
    key = next(line for line in output.splitlines() if line and " " not in line)
    Fernet(key.encode())
    assert "FIRST" in output and "keys rotate" in output


def test_rotation_re_encrypts_every_value_so_that_the_new_key_alone_reads_them(world, case, keys):
    # The world's values were written with the test key: it plays the old key here.
    old = crypto.load_keys()[0]
    before = stored(world, case)
    keys(NEW, old)
    output = keys_command("rotate")
    assert "journal.Note: 1 re-encrypted, 0 already with the current key" in output
    assert "pathways.Enrolment: 1 re-encrypted" in output  # referral_reason; exit_comment is empty
    keys(NEW)
    assert stored(world, case) == before
    again = keys_command("rotate")
    assert "journal.Note: 0 re-encrypted, 1 already with the current key" in again


def test_rotation_leaves_a_value_no_key_opens_and_says_so(world, keys):
    current = crypto.load_keys()[0]
    keys(OTHER)
    lost = NoteFactory(enrolment=world.enrolment, author=world.users["coach"], text=SECRET)
    held = raw(Note, "text", lost.pk)
    keys(NEW, current)  # every other value opens: the lost note's key is missing
    out = StringIO()
    with pytest.raises(CommandError, match="values open with none of the configured keys"):
        call_command("keys", "rotate", stdout=out)
    assert (
        "journal.Note: 0 re-encrypted, 0 already with the current key, 0 found in clear and encrypted, "
        "1 opened by no key." in out.getvalue()
    )
    assert raw(Note, "text", lost.pk) == held


def test_rotation_encrypts_a_value_found_in_clear(world):
    note = NoteFactory(enrolment=world.enrolment, author=world.users["coach"])
    with connection.cursor() as cursor:
        cursor.execute("UPDATE journal_note SET text = %s WHERE id = %s", ["Écrit en clair.", note.pk])
    assert "journal.Note: 0 re-encrypted, 0 already with the current key, 1 found in clear" in keys_command(
        "rotate"
    )
    assert raw(Note, "text", note.pk).startswith("enc:")
    assert Note.objects.get(pk=note.pk).text == "Écrit en clair."


def test_check_reports_failures_by_model_and_field_without_any_value(world, case, keys):
    assert "journal.Note.text: 1 checked, 0 opened by no key, 0 stored in clear — ok" in keys_command("check")
    keys(OTHER)
    out = StringIO()
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("keys", "check", "--all", stdout=out)
    report = out.getvalue()
    assert "journal.Note.text: 1 checked, 1 opened by no key" in report
    assert "psychiatrie" not in report and "enc:" not in report


# --- The data step of the migrations ---------------------------------------------------------


def test_the_migration_step_encrypts_text_stored_in_clear_and_reverses(world):
    notes = [NoteFactory(enrolment=world.enrolment, author=world.users["coach"]) for _ in range(3)]
    clear = notes[0]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE journal_note SET text = %s WHERE id = %s", ["enc:pas un jeton", clear.pk])
    field = Note._meta.get_field("text")
    counts = crypto.rewrite(Note, [field], crypto.encrypted, batch_size=2)
    assert counts == {"encrypted": 1, "already": 2}
    assert Note.objects.get(pk=clear.pk).text == "enc:pas un jeton"
    assert all(raw(Note, "text", n.pk).startswith("enc:") for n in notes)
    assert crypto.rewrite(Note, [field], crypto.decrypted) == {"decrypted": 3}
    assert raw(Note, "text", notes[1].pk) == notes[1].text
    assert raw(Note, "text", clear.pk) == "enc:pas un jeton"


def test_a_profile_revision_keeps_its_whole_snapshot(world):
    data = {"skills": "Rigueur", "barriers": [{"comment": SECRET, "status": "present"}], "dream_job": None}
    saved = revision(world.person, data)
    assert ProfileRevision.objects.get(pk=saved.pk).data == data
    assert "Rigueur" not in raw(ProfileRevision, "data", saved.pk)


def test_a_suspension_written_through_the_domain_is_encrypted(world):
    suspension = pathways.suspend(
        world.enrolment,
        start=pathways.today() - timedelta(days=40),
        end=pathways.today() - timedelta(days=35),
        reason="health",
        by=None,
        comment=SECRET,
    )
    assert raw(Suspension, "comment", suspension.pk).startswith("enc:")
    assert Suspension.objects.get(pk=suspension.pk).comment == SECRET


def test_the_first_keys_of_a_production_setup_are_made_by_the_commands_the_checks_name(tmp_path):
    """`keys generate` and `audit rotate-key` are what the startup checks tell the administrator to
    run: they work where the checks refuse everything else for want of a key, before any migrate."""
    production = PRODUCTION | {
        "FILROUGE_VAR_DIR": str(tmp_path),
        "FILROUGE_ENCRYPTION_KEYS": "",
        "FILROUGE_AUDIT_KEYS": "",
    }
    refused = run_manage("audit", "verify", env=production)
    assert refused.returncode != 0 and "filrouge.E001" in refused.stderr and "filrouge.E020" in refused.stderr

    generated = run_manage("keys", "generate", env=production)
    assert generated.returncode == 0, generated.stderr
    key = next(line for line in generated.stdout.splitlines() if line and " " not in line)
    made = run_manage("audit", "rotate-key", env=production)
    assert made.returncode == 0, made.stderr
    assert stat.S_IMODE((tmp_path / "audit_keys").stat().st_mode) == 0o600

    ready = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env=production | {"FILROUGE_ENCRYPTION_KEYS": key}
    )
    assert ready.returncode == 0, ready.stdout + ready.stderr
