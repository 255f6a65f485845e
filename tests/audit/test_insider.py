"""The trail against someone holding the database's credentials (issue 17): the chains are keyed,
their heads are published outside the database, and a rewrite is found either way."""

import re
import socket
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from filrouge.audit import chain, heads, keys
from filrouge.audit.models import AuditEntry, ChainHead, Kind, chain_key, maintenance
from tests.audit.database import guards_off
from tests.audit.factories import reads, rechain, tamper, unkeyed

ATTACKER = "the rewrite went unnoticed"


def access_chain(world):
    return chain_key(world.org_a.pk, "access")


def verify_command():
    out, err = StringIO(), StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
    except CommandError as failure:
        return failure.returncode, out.getvalue() + err.getvalue()
    return 0, out.getvalue()


# --- The keyed chain -----------------------------------------------------------------------------


def test_entries_are_sealed_with_the_audit_key_not_a_plain_hash(world):
    (entry,) = reads(world, 1)
    assert entry.key_id == keys.sealing_id() != keys.LEGACY
    assert entry.hash == keys.mac(entry.key_id, chain.payload(entry))
    assert entry.hash != unkeyed(entry)


def test_the_insiders_rechaining_with_the_projects_unkeyed_function_is_detected(world):
    """The issue's attack: one entry deleted, every later one renumbered and re-hashed with the
    project's own (unkeyed) function, the head moved: `audit verify` said "intact"."""
    entries = reads(world, 6)
    key = access_chain(world)
    assert rechain(key, entries[1].seq, unkeyed) == 4

    status, output = verify_command()

    assert status == 1, ATTACKER
    found = [p for p in chain.verify_all().problems if p.chain == key]
    assert {p.seq for p in found if p.what == "edited"} == {e.seq for e in entries[1:5]}
    assert f"TAMPERED {key} #{entries[1].seq}" in output


def test_rechained_entries_passed_off_as_written_before_the_upgrade_are_detected(world):
    entries = reads(world, 4)
    key = access_chain(world)
    rechain(key, entries[1].seq, unkeyed, key_id=keys.LEGACY)

    found = [(p.seq, p.what) for p in chain.verify_all().problems if p.chain == key]

    assert [seq for seq, what in found if what == "unkeyed"] == [e.seq for e in entries[1:3]], ATTACKER


def test_even_with_the_key_a_rewrite_after_a_published_head_is_detected(world):
    """Whoever holds the key too can re-seal the chain: the heads published outside the database
    still tell. Before any publication, nothing can (hence a daily publication)."""
    entries = reads(world, 3)
    call_command("audit", "publish", stdout=StringIO())
    entries += reads(world, 2)
    call_command("audit", "publish", stdout=StringIO())
    never_published = chain_key(world.org_b.pk, "access")
    org_b_entries = [
        chain.append(Kind.READ, organisation_id=world.org_b.pk, detail="people:detail") for _ in range(4)
    ]
    # The same rewrite on both chains, with the project's keyed function.
    rechain(never_published, org_b_entries[1].seq, chain.entry_hash)
    rechain(access_chain(world), entries[1].seq, chain.entry_hash)

    found = chain.verify_all().problems

    assert {(p.chain, p.what) for p in found} == {(access_chain(world), "rewritten")}, ATTACKER
    assert [p.seq for p in found] == [entries[2].seq, entries[-1].seq]
    assert "rewritten after its head was published" in found[0].message
    assert f"a head was published at #{entries[-1].seq}, but the chain now ends at #{entries[-2].seq}" in (
        found[1].message
    )


def test_entries_removed_from_the_end_after_a_publication_are_detected(world):
    entries = reads(world, 5)
    call_command("audit", "publish", stdout=StringIO())
    with guards_off(), maintenance():
        AuditEntry.objects.filter(pk__in=[e.pk for e in entries[-2:]]).delete()
        ChainHead.objects.filter(key=access_chain(world)).update(seq=entries[-3].seq, hash=entries[-3].hash)

    found = chain.verify_all().problems

    assert [(p.seq, p.what) for p in found] == [(entries[-1].seq, "rewritten")], ATTACKER
    assert f"now ends at #{entries[-3].seq}" in found[0].message


def test_a_published_chain_that_was_removed_whole_is_detected(world):
    reads(world, 2)
    call_command("audit", "publish", stdout=StringIO())
    with guards_off(), maintenance():
        AuditEntry.objects.filter(chain=access_chain(world)).delete()
        ChainHead.objects.filter(key=access_chain(world)).delete()

    found = chain.verify_all().problems

    assert [(p.chain, p.what) for p in found] == [(access_chain(world), "rewritten")], ATTACKER
    assert "no longer exists" in found[0].message


def test_values_removed_without_a_recorded_redaction_are_detected(world):
    person = world.person
    person.phone = "0612345678"
    person.save()
    changed = AuditEntry.objects.filter(kind=Kind.UPDATE, person_id=person.pk).latest("pk")
    tamper(changed, changes="", redacted_at=timezone.now())

    found = chain.verify_all().problems

    assert [(p.seq, p.what) for p in found] == [(changed.seq, "redacted")], ATTACKER


def test_an_entry_added_after_the_head_behind_the_application_is_detected(world):
    (last,) = reads(world, 1)
    forged = AuditEntry(
        chain=last.chain,
        seq=last.seq + 1,
        organisation_id=last.organisation_id,
        kind=Kind.READ,
        at=last.at,
        prev_hash=last.hash,
        key_id=keys.sealing_id(),
    )
    forged.hash = chain.entry_hash(forged)
    forged.save(force_insert=True)

    found = chain.verify_all().problems

    assert [(p.seq, p.what) for p in found] == [(forged.seq, "edited")]
    assert "added after the chain's head" in found[0].message


# --- Publication ---------------------------------------------------------------------------------


def test_publishing_signs_each_chains_head_into_the_file_and_the_log(world, caplog):
    entries = reads(world, 2)
    caplog.set_level("INFO", logger="filrouge.audit.heads")
    out = StringIO()

    call_command("audit", "publish", stdout=out)

    heads_count = ChainHead.objects.count()
    assert f"{heads_count} chain head(s) published" in out.getvalue()
    lines = heads.heads_file().read_text().splitlines()
    logged = [r.getMessage() for r in caplog.records if r.name == "filrouge.audit.heads"]
    assert lines == logged and len(lines) == heads_count
    line = next(line for line in lines if f"chain={access_chain(world)} " in line)
    assert re.fullmatch(
        rf"filrouge-audit-head chain={access_chain(world)} seq={entries[-1].seq} hash={entries[-1].hash} "
        rf"at=\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\dZ key={keys.sealing_id()} sig=[0-9a-f]{{64}}",
        line,
    )
    published = heads.read_published()
    assert published.damaged == []
    assert published.heads[access_chain(world)] == {entries[-1].seq: {entries[-1].hash}}


def test_verify_compares_with_the_published_heads_and_publishes_only_intact_chains(world):
    entries = reads(world, 3)
    status, output = verify_command()
    assert status == 0 and "no published head yet" in output
    status, output = verify_command()
    assert status == 0 and "published head(s) compared" in output

    tamper(entries[0], detail="autre chose")
    lines_before = heads.heads_file().read_text().count(f"chain={access_chain(world)} ")
    status, _ = verify_command()

    assert status == 1
    assert heads.heads_file().read_text().count(f"chain={access_chain(world)} ") == lines_before
    assert heads.heads_file().read_text().count(f"chain={chain_key(world.org_a.pk, 'change')} ") == 3


def test_heads_that_cannot_be_published_make_the_commands_fail(world, settings, tmp_path):
    reads(world, 1)
    (tmp_path / "not-a-directory").write_text("")
    settings.AUDIT_HEADS_FILE = tmp_path / "not-a-directory" / "heads.log"
    with pytest.raises(CommandError, match="could not be published") as failure:
        call_command("audit", "verify", stdout=StringIO())
    assert failure.value.returncode == 2
    with pytest.raises(CommandError, match="could not be published"):
        call_command("audit", "publish", stdout=StringIO())


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        (lambda line: line.replace(" seq=", " seq=1"), "does not match its signature"),
        (lambda line: line[:-1] + ("0" if line[-1] != "0" else "1"), "does not match its signature"),
        (lambda line: "the next line was removed", "is not a published head"),
        (
            lambda line: re.sub(r" key=\S+", " key=k000000000000000", line),
            "a key this installation does not hold",
        ),
    ],
)
def test_a_heads_file_whose_lines_were_altered_is_reported(world, damage, said):
    reads(world, 1)
    call_command("audit", "publish", stdout=StringIO())
    path = heads.heads_file()
    lines = path.read_text().splitlines()
    path.write_text("\n".join([damage(lines[0]), *lines[1:]]) + "\n")

    found = chain.verify_all().problems

    assert [(p.chain, p.what) for p in found] == [(str(path), "heads_file")]
    assert found[0].message.startswith("line 1 ") and said in found[0].message


def test_the_heads_go_to_the_system_log_when_it_is_configured(tmp_path):
    from tests.core.test_settings import PRODUCTION, run_manage

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as syslog:
        syslog.bind(("127.0.0.1", 0))
        syslog.settimeout(60)
        port = syslog.getsockname()[1]
        code = (
            "from filrouge.audit import heads; "
            "heads.publish([heads.Head('org-1/change', 7, '" + "a" * 64 + "')])"
        )
        env = PRODUCTION | {
            "FILROUGE_VAR_DIR": str(tmp_path),
            "FILROUGE_AUDIT_SYSLOG": f"127.0.0.1:{port}",
            "FILROUGE_AUDIT_HEADS_FILE": str(tmp_path / "heads" / "published.log"),
        }
        result = run_manage("shell", "-c", code, env=env)
        assert result.returncode == 0, result.stderr
        received = syslog.recv(4096).decode()
    assert "filrouge-audit-head chain=org-1/change seq=7" in received
    assert (
        (tmp_path / "heads" / "published.log")
        .read_text()
        .startswith("filrouge-audit-head chain=org-1/change")
    )


# --- Keys: rotation and checks -------------------------------------------------------------------


@pytest.fixture
def key_file(settings, tmp_path):
    """The audit key from a key file holding the suite's key (which sealed the world's entries)."""
    path = tmp_path / "audit_keys"
    keys.write_key_file(path, list(settings.AUDIT_KEYS), replace=False)
    settings.AUDIT_KEYS = []
    settings.AUDIT_KEY_FILE = path
    return path


def test_rotating_the_key_seals_new_entries_with_it_and_keeps_history_verifiable(world, key_file):
    old_id = keys.sealing_id()
    before = reads(world, 2)
    out = StringIO()

    call_command("audit", "rotate-key", stdout=out)

    new_id = keys.sealing_id()
    assert new_id != old_id and f"New audit key {new_id}" in out.getvalue() and old_id in out.getvalue()
    assert len(keys.read_key_file(key_file)) == 2
    after = reads(world, 2)
    assert {e.key_id for e in before} == {old_id} and {e.key_id for e in after} == {new_id}
    for entry in before:
        entry.refresh_from_db()
        assert entry.key_id == old_id  # history is not rewritten
    assert chain.verify_all().ok

    # Without the old key, what it sealed can no longer be verified: it must be kept.
    keys.write_key_file(key_file, keys.read_key_file(key_file)[:1], replace=True)
    keys.reset()
    found = chain.verify_all().problems
    assert {p.what for p in found} == {"unknown_key"}
    assert {p.seq for p in found if p.chain == access_chain(world)} == {e.seq for e in before}


def test_with_keys_from_the_environment_rotation_prints_a_key_and_writes_nothing(settings, tmp_path):
    settings.AUDIT_KEY_FILE = tmp_path / "audit_keys"
    out = StringIO()
    call_command("audit", "rotate-key", stdout=out)
    key = re.search(r"^([A-Za-z0-9_-]{43}=)$", out.getvalue(), re.MULTILINE)[1]
    assert keys.decode(key, 1) and "FILROUGE_AUDIT_KEYS" in out.getvalue()
    assert not settings.AUDIT_KEY_FILE.exists()


def test_a_local_installation_creates_a_private_audit_key_file_once(settings, tmp_path):
    from filrouge.audit import checks

    settings.AUDIT_KEYS = []
    settings.AUDIT_KEY_FILE = tmp_path / "var" / "audit_keys"
    settings.AUDIT_KEY_FILE_CREATE = True
    assert checks.audit_keys(None) == []  # made on first use, not by the check
    first = keys.sealing_id()
    keys.reset()
    assert keys.sealing_id() == first
    assert settings.AUDIT_KEY_FILE.stat().st_mode & 0o777 == 0o600
    assert checks.audit_key_file_permissions(None) == []
    settings.AUDIT_KEY_FILE.chmod(0o644)
    assert [w.id for w in checks.audit_key_file_permissions(None)] == ["filrouge.W020"]


def test_a_missing_or_invalid_audit_key_stops_the_application(settings, tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    from filrouge.audit import checks

    settings.AUDIT_KEYS = []
    settings.AUDIT_KEY_FILE = tmp_path / "audit_keys"
    settings.AUDIT_KEY_FILE_CREATE = False
    assert [e.id for e in checks.audit_keys(None)] == ["filrouge.E020"]
    with pytest.raises(ImproperlyConfigured, match="No audit key"):
        keys.sealing_id()
    assert not settings.AUDIT_KEY_FILE.exists()

    settings.AUDIT_KEYS = ["dHJvcC1jb3VydA=="]
    errors = checks.audit_keys(None)
    assert [e.id for e in errors] == ["filrouge.E021"] and "dHJvcC1jb3VydA" not in errors[0].msg
    with pytest.raises(ImproperlyConfigured, match="Audit key number 1"):
        keys.sealing_id()


def test_production_does_not_start_without_an_audit_key(tmp_path):
    from tests.core.test_settings import PRODUCTION, run_manage

    result = run_manage(
        "check", "--deploy", env=PRODUCTION | {"FILROUGE_VAR_DIR": str(tmp_path), "FILROUGE_AUDIT_KEYS": ""}
    )
    assert result.returncode != 0 and "filrouge.E020" in result.stderr
    assert not (tmp_path / "audit_keys").exists()


# --- The application's database role -------------------------------------------------------------


def test_the_grants_command_prints_an_insert_only_audit_for_the_named_role():
    out = StringIO()
    call_command("audit", "grants", "--role", "filrouge_app", stdout=out)
    sql = out.getvalue()
    assert 'GRANT SELECT, INSERT ON "audit_auditentry" TO "filrouge_app";' in sql
    assert 'REVOKE ALL ON "audit_auditentry", "audit_chainhead" FROM "filrouge_app";' in sql
    assert 'DELETE ON "audit_auditentry"' not in sql and "TRUNCATE" not in sql
    with pytest.raises(CommandError, match="not a plain PostgreSQL name"):
        call_command("audit", "grants", "--role", 'x"; DROP TABLE audit_auditentry; --')
