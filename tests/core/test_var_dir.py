"""Installed from the wheel, a production server must say where its data go (FILROUGE_VAR_DIR):
var/ beside the package would be inside the virtual environment, lost at the next install.

The settings module is copied into a directory named like an installed package's (site-packages,
dist-packages) or like a checkout's, then imported there in a subprocess: BASE_DIR is computed
from the file's own place, and the refusal happens at import, before any Django setup."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.test_settings import PRODUCTION

SETTINGS = Path(__file__).resolve().parents[2] / "filrouge" / "settings.py"


def import_settings(root: Path, env: dict):
    """Imports a copy of filrouge/settings.py placed at root/filrouge/settings.py; the other
    modules of filrouge are not needed at import time without SENTRY_DSN."""
    package = root / "filrouge"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    shutil.copy(SETTINGS, package / "settings.py")
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("FILROUGE_", "DJANGO_", "DATABASE_URL", "SENTRY_", "HTTPS", "PYTHON"))
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import filrouge.settings as s; print(s.__file__); print(s.VAR_DIR)"],
        cwd=root,
        env=base | {"PYTHONPATH": str(root)} | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("directory", ["site-packages", "dist-packages"])
def test_production_from_an_installed_package_refuses_to_start_without_var_dir(tmp_path, directory):
    root = tmp_path / "venv" / "lib" / "python3" / directory
    result = import_settings(root, PRODUCTION)
    assert result.returncode != 0
    assert "ImproperlyConfigured: FILROUGE_VAR_DIR is not set" in result.stderr
    assert str(root) in result.stderr  # names where the package is
    assert not (root / "var").exists()  # nothing written inside the environment first


def test_an_empty_var_dir_counts_as_not_set(tmp_path):
    root = tmp_path / "site-packages"
    result = import_settings(root, PRODUCTION | {"FILROUGE_VAR_DIR": ""})
    assert result.returncode != 0
    assert "FILROUGE_VAR_DIR is not set" in result.stderr


def test_production_from_an_installed_package_starts_with_var_dir(tmp_path):
    root = tmp_path / "site-packages"
    var = tmp_path / "srv" / "var"
    result = import_settings(root, PRODUCTION | {"FILROUGE_VAR_DIR": str(var)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [str(root / "filrouge" / "settings.py"), str(var)]


def test_without_https_an_installed_package_keeps_its_default(tmp_path):
    # `filrouge demo` from the wheel, on a laptop: var/ beside the package, as before.
    root = tmp_path / "site-packages"
    result = import_settings(root, {"HTTPS": "false"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1] == str(root / "var")


def test_production_from_a_checkout_keeps_var_beside_the_source(tmp_path):
    root = tmp_path / "src"
    result = import_settings(root, PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1] == str(root / "var")
