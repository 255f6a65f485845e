"""`filrouge import`: the same import from the command line, its report and its exit status."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.core.management.base import CommandError as BaseCommandError

from filrouge.audit.models import AuditEntry
from filrouge.employers.models import Company
from tests.imports.companies import BAKERY, GARAGE, companies_csv, row

pytestmark = pytest.mark.django_db


def run_command(*args) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("import", *map(str, args), stdout=out)
    except SystemExit as exit_:
        return exit_.code, out.getvalue()
    return 0, out.getvalue()


@pytest.fixture
def companies_file(tmp_path):
    def write(*rows):
        path = tmp_path / "entreprises.csv"
        path.write_bytes(companies_csv(*rows))
        return path

    return write


def test_the_command_imports_and_prints_the_report(world, companies_file):
    path = companies_file(BAKERY, GARAGE)
    head = world.users["head_of_service"].email
    status, out = run_command("companies", path, "--service", world.a1.pk, "--as", head)
    assert status == 0
    assert "Row 2: created\nRow 3: created\n" in out
    assert "2 created, 0 updated, 0 unchanged, 0 refused.\nImported" in out
    assert Company.objects.filter(organisation=world.org_a).count() == 2
    assert AuditEntry.objects.get(object_type="imports.importrun").actor == world.users["head_of_service"]

    status, out = run_command("companies", path, "--service", world.a1.pk, "--by", head)
    assert status == 0 and "0 created, 0 updated, 2 unchanged, 0 refused" in out


def test_the_dry_run_writes_nothing(world, companies_file):
    path = companies_file(BAKERY)
    head = world.users["head_of_service"].email
    status, out = run_command("companies", path, "--service", world.a1.pk, "--as", head, "--dry-run")
    assert status == 0 and "1 created" in out and "Dry run: nothing was written" in out
    assert not Company.objects.exists()


def test_a_refused_row_exits_1_and_says_where(world, companies_file):
    path = companies_file(BAKERY, row("E-3", "123", "Menuiserie Vidal"))
    head = world.users["head_of_service"].email
    status, out = run_command("companies", path, "--service", world.a1.pk, "--as", head)
    assert status == 1
    assert "Row 3: refused\n  SIRET: " in out
    assert "Refused: nothing was written" in out
    assert not Company.objects.exists()


def test_a_file_refused_exits_2(world, tmp_path):
    path = tmp_path / "entreprises.csv"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n" + bytes(range(256)))
    status, out = run_command(
        "companies", path, "--service", world.a1.pk, "--as", world.users["head_of_service"].email
    )
    assert status == 2 and out.startswith("File refused: ")
    assert not Company.objects.exists()


def test_a_missing_required_column_refuses_the_file(world, tmp_path):
    path = tmp_path / "entreprises.csv"
    path.write_bytes(b"SIRET;Commune\r\n;Valence\r\n")
    status, out = run_command(
        "companies", path, "--service", world.a1.pk, "--as", world.users["head_of_service"].email
    )
    assert status == 2 and "« Raison sociale » est obligatoire" in out


@pytest.mark.parametrize("subject", ["coach", "org_admin", "other_org_admin", "nobody"])
def test_only_an_account_that_may_import_is_accepted(world, companies_file, subject):
    email = world.users[subject].email if subject in world.users else "nobody@a.example"
    with pytest.raises(BaseCommandError, match="may not import into service"):
        call_command(
            "import", "companies", str(companies_file(BAKERY)), "--service", str(world.a1.pk), "--as", email
        )
    assert not Company.objects.exists()


def test_an_unknown_kind_is_an_error(world, companies_file):
    with pytest.raises(CommandError, match="Unknown kind 'bananas'"):
        call_command(
            "import",
            "bananas",
            str(companies_file(BAKERY)),
            "--service",
            str(world.a1.pk),
            "--as",
            "x@a.example",
        )


def test_an_unknown_service_is_an_error(world, companies_file):
    with pytest.raises(CommandError, match="No service with id 999999"):
        call_command(
            "import", "companies", str(companies_file(BAKERY)), "--service", "999999", "--as", "x@a.example"
        )
