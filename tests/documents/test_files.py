"""Attached files on disk: written on commit, swept when nothing keeps them, encrypted at rest."""

import hashlib
import importlib
import io
import os
import time
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.urls import reverse

from filrouge.core import crypto, filecrypto
from filrouge.documents import domain, storage
from filrouge.documents.models import Attachment, private_storage
from filrouge.privacy import domain as privacy
from filrouge.privacy.export import export_data, export_zip
from tests.accounts.helpers import recently_authenticated
from tests.documents.factories import attachment, pdf_bytes, upload
from tests.privacy.factories import rich_record

pytestmark = pytest.mark.django_db

MARKER = b"%MARQUEUR-EN-CLAIR-Hospitalisation-2026"
NEW = Fernet.generate_key().decode()
OTHER = Fernet.generate_key().decode()
AN_HOUR_AGO = time.time() - storage.SWEEP_AGE - 60


def content(padding: int = 0) -> bytes:
    """A PDF with a marker readable in its bytes (a trailing comment), `padding` bytes longer."""
    return pdf_bytes() + b"\n" + MARKER + b"\n%" + b"x" * padding + b"\n"


def saved(person, data: bytes | None = None, **fields) -> Attachment:
    """An attachment whose transaction committed: its file has its final name."""
    arguments = {"kind": "cv", "title": "CV", "by": None} | fields
    with transaction.atomic():
        made = domain.attach(person, upload(content=content() if data is None else data), **arguments)
        final = Path(private_storage.path(made.file.name))
    # The test's own transaction never commits: what on commit does is run here.
    storage.settle(final)
    assert final.exists()
    return made


def on_disk(root: Path) -> set[str]:
    return (
        {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} if root.exists() else set()
    )


def age(root: Path, *names: str) -> None:
    for name in names:
        os.utime(root / name, (AN_HOUR_AGO, AN_HOUR_AGO))


def sweep(*options) -> str:
    out = StringIO()
    call_command("files", "sweep", *options, stdout=out)
    return out.getvalue()


def keys_command(*arguments) -> str:
    out = StringIO()
    call_command("keys", *arguments, stdout=out)
    return out.getvalue()


def download(client, world, made, user="coach"):
    client.force_login(world.users[user])
    return client.get(reverse("documents:download", args=[made.pk]))


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- Written on commit -----------------------------------------------------------------------------


def test_an_upload_is_moved_to_its_final_name_only_when_its_transaction_commits(
    world, private_media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        made = attachment(world.person)
        name = made.file.name
        assert on_disk(private_media) == {f"{name}.part"}  # before the commit
        # Its own transaction reads it already.
        with made.file.open("rb") as handle:
            assert handle.read(5) == b"%PDF-"
    assert on_disk(private_media) == {name}


def test_an_upload_whose_request_rolls_back_leaves_no_file(client, world, private_media, monkeypatch):
    def later_step_fails(*args, **kwargs):
        raise RuntimeError("a step after the upload failed")

    monkeypatch.setattr("filrouge.documents.views.messages.success", later_step_fails)
    client.force_login(world.users["coach"])
    with pytest.raises(RuntimeError):
        client.post(
            reverse("documents:upload", args=[world.person.pk]), {"file": upload(), "kind": "cv", "title": ""}
        )
    assert not Attachment.objects.exists()
    assert on_disk(private_media) == set()


def test_a_file_whose_transaction_never_commits_is_only_a_temporary_file_that_the_sweep_removes(
    world, private_media
):
    # A worker killed before its commit: the row goes with the transaction, the request never ends.
    with pytest.raises(RuntimeError), transaction.atomic():
        name = attachment(world.person).file.name
        raise RuntimeError("the worker dies here")
    assert not Attachment.objects.exists()
    assert on_disk(private_media) == {f"{name}.part"}  # never under its final name

    assert "0 temporary file(s)" in sweep()  # too young: it may be a request still running
    age(private_media, f"{name}.part")
    listed = sweep("--dry-run")
    assert "1 temporary file(s) of uploads never saved would be removed (dry run)" in listed
    assert f"  {name}.part" in listed
    assert on_disk(private_media) == {f"{name}.part"}  # the dry run removes nothing
    assert f"  {name}.part" in sweep()
    assert on_disk(private_media) == set()


def test_the_sweep_keeps_recent_files_and_files_with_a_row_and_removes_the_others(world, private_media):
    kept = saved(world.person).file.name
    with pytest.raises(RuntimeError), transaction.atomic():
        erased = saved(world.person).file.name  # its row is gone, its file stayed (a killed worker)
        raise RuntimeError("rolled back after the move")
    organisation = kept.split("/")[0]
    young = f"{organisation}/{'a' * 32}"
    (private_media / young).write_bytes(b"an orphan written a minute ago")
    stranger = "notes-de-l-administrateur.txt"
    (private_media / stranger).write_text("not an attached file")
    age(private_media, kept, erased, stranger)

    output = sweep()
    assert f"1 file(s) no document names removed\n  {erased}\n" in output
    assert "0 temporary file(s)" in output
    assert "1 other file(s), not named like attached files, left alone" in output
    assert on_disk(private_media) == {kept, young, stranger}


def test_the_sweep_moves_into_place_a_saved_file_its_dead_worker_never_moved(world, private_media):
    # Committed, then killed before the move: the row is saved, the file still temporary.
    made = attachment(world.person)
    name = made.file.name
    age(private_media, f"{name}.part")
    assert f"moved into place (dry run)\n  {name}.part" in sweep("--dry-run")
    sweep()
    assert on_disk(private_media) == {name}
    with made.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == made.sha256


# --- Encrypted at rest -----------------------------------------------------------------------------


def test_the_bytes_on_disk_are_not_the_clear_bytes_and_the_download_gives_them_back(
    client, world, private_media
):
    made = saved(world.person)
    stored = (private_media / made.file.name).read_bytes()
    assert MARKER in content() and MARKER not in stored and b"%PDF" not in stored
    assert stored.startswith(filecrypto.MAGIC)
    assert oct((private_media / made.file.name).stat().st_mode & 0o777) == "0o600"
    response = download(client, world, made)
    assert response.status_code == 200
    assert body(response) == content() and int(response["Content-Length"]) == len(content())
    assert made.file.size == len(content())


@pytest.mark.parametrize(
    "size", [0, 1, filecrypto.SEGMENT - 1, filecrypto.SEGMENT, 3 * filecrypto.SEGMENT + 5]
)
def test_any_length_reads_back_whole(size):
    clear = os.urandom(size)
    sealed = io.BytesIO()
    filecrypto.encrypt(io.BytesIO(clear), sealed)
    assert filecrypto.clear_size(len(sealed.getvalue())) == size
    sealed.seek(0)
    assert filecrypto.Reader(sealed).read() == clear


def large(world):
    """A file of three segments and a bit."""
    return saved(world.person, content(padding=3 * filecrypto.SEGMENT))


def segment_at(index: int) -> int:
    return filecrypto.HEADER_SIZE + index * filecrypto.SEALED_SEGMENT


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda b: b[:100] + bytes([b[100] ^ 1]) + b[101:], id="one byte changed"),
        pytest.param(lambda b: b[:20] + bytes([b[20] ^ 1]) + b[21:], id="header changed"),
        pytest.param(lambda b: b[:-1] + bytes([b[-1] ^ 1]), id="last tag changed"),
        pytest.param(lambda b: b[:-10], id="cut in the last segment"),
        pytest.param(lambda b: b[: segment_at(3)], id="last segment dropped"),
        pytest.param(lambda b: b[: segment_at(1)], id="cut at a segment's end"),
        pytest.param(lambda b: b[: filecrypto.HEADER_SIZE], id="header only"),
        pytest.param(lambda b: b + b[segment_at(1) : segment_at(2)], id="segment added"),
        pytest.param(
            lambda b: (
                b[: segment_at(1)]
                + b[segment_at(2) : segment_at(3)]
                + b[segment_at(1) : segment_at(2)]
                + b[segment_at(3) :]
            ),
            id="segments swapped",
        ),
        pytest.param(lambda b: content(), id="replaced by a clear file"),
    ],
)
def test_a_tampered_or_truncated_file_is_refused_never_served(client, world, private_media, caplog, damage):
    made = large(world)
    path = private_media / made.file.name
    path.write_bytes(damage(path.read_bytes()))
    response = download(client, world, made)
    assert response.status_code == 500 and not response.streaming
    page = response.content.decode()
    assert "Document illisible" in page and "Il n'est pas transmis." in page
    assert MARKER.decode() not in page
    assert f"Attachment {made.pk} is not served" in caplog.text and "MARQUEUR" not in caplog.text


def test_a_file_whose_key_is_gone_is_refused(client, world, settings):
    made = saved(world.person)
    settings.ENCRYPTION_KEYS = [OTHER]
    response = download(client, world, made)
    assert response.status_code == 500 and "Document illisible" in response.content.decode()


def test_only_reading_is_allowed_through_the_storage(world):
    made = saved(world.person)
    with pytest.raises(ValueError, match="only read"):
        private_storage.open(made.file.name, "wb")


# --- Keys ------------------------------------------------------------------------------------------


def test_rotation_re_encrypts_the_files_so_that_the_old_key_can_be_dropped(
    client, world, settings, private_media
):
    old = crypto.load_keys()[0]
    made = saved(world.person)
    path = private_media / made.file.name
    before = path.read_bytes()
    settings.ENCRYPTION_KEYS = [NEW, old]
    output = keys_command("rotate")
    assert "Attached files: 1 re-encrypted, 0 already with the current key" in output
    after = path.read_bytes()
    assert after != before and MARKER not in after
    assert filecrypto.key_id_of(after) == filecrypto.key_id(crypto.file_keys()[0])
    assert on_disk(private_media) == {made.file.name}  # no temporary file left behind
    settings.ENCRYPTION_KEYS = [NEW]  # the old key dropped
    assert body(download(client, world, made)) == content()
    assert "Attached files: 0 re-encrypted, 1 already with the current key" in keys_command("rotate")


def test_rotation_encrypts_a_file_found_in_clear_and_leaves_one_no_key_opens(world, settings, private_media):
    current = crypto.load_keys()[0]
    clear = saved(world.person)
    (private_media / clear.file.name).write_bytes(content())
    settings.ENCRYPTION_KEYS = [OTHER]
    lost = saved(world.person)
    held = (private_media / lost.file.name).read_bytes()
    settings.ENCRYPTION_KEYS = [NEW, current]  # the lost file's key is missing
    out = StringIO()
    with pytest.raises(CommandError, match="open with none of the configured keys"):
        call_command("keys", "rotate", stdout=out)
    assert (
        "Attached files: 0 re-encrypted, 0 already with the current key, 1 found in clear and encrypted, "
        "1 opened by no key or damaged, 0 missing." in out.getvalue()
    )
    assert (private_media / lost.file.name).read_bytes() == held
    with private_storage.open_clear(clear.file.name) as handle:
        assert handle.read() == content()


def test_check_opens_the_files_and_reports_those_in_clear_or_damaged(world, private_media):
    made = saved(world.person)
    assert "Attached files: 1 checked, 0 opened by no key or damaged, 0 stored in clear, 0 missing — ok" in (
        keys_command("check")
    )
    (private_media / made.file.name).write_bytes(content())
    out = StringIO()
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("keys", "check", "--all", stdout=out)
    assert "Attached files: 1 checked, 0 opened by no key or damaged, 1 stored in clear" in out.getvalue()


def test_the_migration_encrypts_files_stored_in_clear_and_reverses(world, private_media):
    made = saved(world.person)
    path = private_media / made.file.name
    path.write_bytes(content())  # as stored before encryption
    migration = importlib.import_module("filrouge.documents.migrations.0002_encrypt_stored_files")
    forwards = migration.each_file(storage.encrypt_clear)
    forwards(apps, None)
    encrypted = path.read_bytes()
    assert encrypted.startswith(filecrypto.MAGIC) and MARKER not in encrypted
    forwards(apps, None)  # a file already encrypted is recognised by its header
    assert path.read_bytes() == encrypted
    migration.each_file(storage.decrypt_to_clear)(apps, None)
    assert path.read_bytes() == content()


# --- Readers ---------------------------------------------------------------------------------------


def test_the_export_zip_holds_the_clear_file(client, world):
    made = saved(world.person)
    recently_authenticated(client, world.users["head_of_service"])
    response = client.get(reverse("privacy:export_zip", args=[world.person.pk]))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = export_data(world.person, world.users["head_of_service"])
    path = next(a["file"] for a in data["attachments"] if a["id"] == made.pk)
    assert archive.read(path) == content()


def test_a_damaged_file_stops_the_export_rather_than_going_out_changed(world, private_media):
    made = saved(world.person)
    path = private_media / made.file.name
    path.write_bytes(path.read_bytes()[:-1])
    user = world.users["head_of_service"]
    with pytest.raises(filecrypto.DamagedFile):
        export_zip(world.person, export_data(world.person, user), user)


def test_anonymising_removes_the_files_and_their_names_so_nothing_brings_them_back(
    world, private_media, django_capture_on_commit_callbacks
):
    record = rich_record(world)
    for made in record.files:
        storage.settle(Path(private_storage.path(made.file.name)))
    assert len(on_disk(private_media)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        privacy.anonymise(record.person, world.users["head_of_service"])
    assert set(Attachment.objects.filter(person=record.person).values_list("file", flat=True)) == {""}
    assert on_disk(private_media) == set()
    assert "Attached files: 0 re-encrypted, 0 already" in keys_command("rotate")


def test_an_upload_up_to_the_limit_never_touches_the_disk_in_clear(client, world, monkeypatch, settings):
    settings.MAX_UPLOAD_MB = 10
    seen = []
    original = domain.attach

    def spy(person, upload, **fields):
        seen.append(type(upload))
        return original(person, upload, **fields)

    monkeypatch.setattr("filrouge.documents.views.domain.attach", spy)
    client.force_login(world.users["coach"])
    near_the_limit = content(padding=9 * 1024 * 1024)  # past Django's own 2.5 MB threshold
    response = client.post(
        reverse("documents:upload", args=[world.person.pk]),
        {"file": upload(content=near_the_limit), "kind": "cv", "title": ""},
    )
    assert response.status_code == 302
    assert seen == [InMemoryUploadedFile]  # not a TemporaryUploadedFile in the system's tmp
