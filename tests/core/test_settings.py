"""Settings come from the environment; production settings pass Django's deployment check."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, env):
    base = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base | {"DJANGO_SETTINGS_MODULE": "filrouge.settings"} | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DEBUG": "false",
    "HTTPS": "true",
    "SECRET_KEY": "k" * 20 + "-production-secret-with-enough-entropy-0123456789",
    "ALLOWED_HOSTS": "filrouge.example.org",
    "EMAIL_HOST": "smtp.example.org",
    # A synthetic key: production gives its own, kept outside the database.
    "FILROUGE_ENCRYPTION_KEYS": "dGVzdC1rZXktZmlscm91Z2UtMDAwMDAwMDAwMDAwMDA=",
    "FILROUGE_AUDIT_KEYS": "dGVzdC1hdWRpdC1rZXktZmlscm91Z2UtMDAwMDAwMDA=",
}


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION | {"FILROUGE_VAR_DIR": str(tmp_path)}
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_without_https(tmp_path):
    env = PRODUCTION | {"HTTPS": "false", "FILROUGE_VAR_DIR": str(tmp_path)}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout  # no HSTS


def test_without_secret_key_one_is_generated_once_and_kept_private(tmp_path):
    env = {"FILROUGE_VAR_DIR": str(tmp_path)}
    first = run_manage("shell", "-c", "from django.conf import settings; print(settings.SECRET_KEY)", env=env)
    second = run_manage(
        "shell", "-c", "from django.conf import settings; print(settings.SECRET_KEY)", env=env
    )
    key_file = tmp_path / "secret_key"
    assert first.stdout.strip().splitlines()[-1] == second.stdout.strip().splitlines()[-1]
    assert len(key_file.read_text()) >= 50
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"


def test_database_url_selects_the_database(tmp_path):
    env = {"FILROUGE_VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/autre.sqlite3"}
    code = "from django.conf import settings; print(settings.DATABASES['default']['NAME'])"
    result = run_manage("shell", "-c", code, env=env)
    assert result.stdout.strip().splitlines()[-1] == f"{tmp_path}/autre.sqlite3"


SHOW_SECRETS = (
    "from django.conf import settings; "
    "print(settings.SECRET_KEY); print(settings.DATABASES['default']['NAME']); "
    "print(settings.MAILERS['default']['OPTIONS']['password'])"
)


def test_secrets_are_read_from_the_files_their_file_variables_name(tmp_path):
    (tmp_path / "secret_key").write_text("from-a-file-" + "s" * 50 + "\n")
    (tmp_path / "database_url").write_text(f"sqlite:///{tmp_path}/from-file.sqlite3\n")
    (tmp_path / "smtp_password").write_text("smtp-from-file\n")
    env = {
        "FILROUGE_VAR_DIR": str(tmp_path / "var"),
        "SECRET_KEY_FILE": str(tmp_path / "secret_key"),
        "DATABASE_URL_FILE": str(tmp_path / "database_url"),
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_HOST_PASSWORD_FILE": str(tmp_path / "smtp_password"),
    }
    result = run_manage("shell", "--no-imports", "-c", SHOW_SECRETS, env=env)
    assert result.returncode == 0, result.stderr
    key, database, password = result.stdout.split()
    assert key == "from-a-file-" + "s" * 50  # the file's final newline is not part of it
    assert database == f"{tmp_path}/from-file.sqlite3"
    assert password == "smtp-from-file"
    assert not (tmp_path / "var" / "secret_key").exists()  # no generated key beside it


def test_the_variable_itself_wins_over_its_file(tmp_path):
    (tmp_path / "secret_key").write_text("from-the-file-" + "f" * 50)
    env = {
        "FILROUGE_VAR_DIR": str(tmp_path),
        "SECRET_KEY": "from-the-environment-" + "e" * 50,
        "SECRET_KEY_FILE": str(tmp_path / "secret_key"),
    }
    result = run_manage(
        "shell", "--no-imports", "-c", "from django.conf import settings; print(settings.SECRET_KEY)", env=env
    )
    assert result.stdout.strip() == "from-the-environment-" + "e" * 50


def test_a_secret_file_that_cannot_be_read_stops_start_up_naming_its_variable(tmp_path):
    env = {"FILROUGE_VAR_DIR": str(tmp_path), "DATABASE_URL_FILE": str(tmp_path / "missing")}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert f"DATABASE_URL_FILE: the file {tmp_path / 'missing'} cannot be read" in result.stderr
