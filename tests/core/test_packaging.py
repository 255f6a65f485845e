"""The built wheel is what a server installs: it declares what it needs and carries what it reads.

One slow test (about 20 s: a wheel built, a virtual environment made, Django started twice), marked
`slow`. It builds the wheel from a copy of the project (the checkout stays clean), reads its
metadata and its files, then installs it with `--no-deps` into a fresh virtual environment that
borrows the project's installed dependencies through a `.pth` file (no network needed), and runs
`filrouge check --deploy` from there with production settings.
"""

import email
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.core.test_settings import PRODUCTION

ROOT = Path(__file__).resolve().parents[2]
NOT_SHIPPED = {".venv", "var", ".git", "tests", "benchmarks", "build", "dist", "test-results"}


def requirement_lines(path):
    """Each requirement of a requirements file, as (requirement, its hashes), continuations joined."""
    text = path.read_text().replace("\\\n", " ")
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            words = line.split(" --hash=")
            yield Requirement(words[0].strip()), [word.strip() for word in words[1:]]


def requirements(path):
    """The `name==version` requirements of a requirements file, by canonical name."""
    return {canonicalize_name(requirement.name): requirement for requirement, _ in requirement_lines(path)}


def test_the_lock_files_pin_every_package_with_its_hashes_and_agree():
    # `make lock` writes them; `--require-hashes` (Makefile, Containerfile, docs/deployment.md)
    # refuses a package without a pin and a hash, so a lock file edited by hand fails here first.
    locked = {}
    for name in ("requirements.txt", "requirements-dev.txt"):
        lines = list(requirement_lines(ROOT / name))
        assert lines, name
        for requirement, hashes in lines:
            assert pinned_version(requirement), (name, requirement)
            well_formed = [h.startswith("sha256:") and len(h) == 71 for h in hashes]
            assert hashes and all(well_formed), (name, requirement)
        locked[name] = {canonicalize_name(r.name): pinned_version(r) for r, _ in lines}
    runtime, development = locked["requirements.txt"], locked["requirements-dev.txt"]
    # The tests run with the versions that production installs.
    assert {name: development.get(name) for name in runtime} == runtime
    # Every direct dependency is locked at the version requirements.in pins.
    for name, pin in requirements(ROOT / "requirements.in").items():
        assert runtime[name] == pinned_version(pin), name


def pinned_version(requirement):
    (specifier,) = requirement.specifier
    assert specifier.operator == "==", requirement
    return specifier.version


def run(*args, **kwargs):
    result = subprocess.run(args, capture_output=True, text=True, timeout=180, **kwargs)  # noqa: S603
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


def build_wheel(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(
        ROOT,
        source,
        ignore=lambda directory, names: [
            name
            for name in names
            if name in NOT_SHIPPED
            or name.endswith((".egg-info", "_cache"))
            or name in {"__pycache__", ".pytest_cache"}
        ],
    )
    # The compiled catalogues are build products (`make messages`, which `make test` runs first).
    for po in (source / "filrouge").glob("**/LC_MESSAGES/*.po"):
        if not po.with_suffix(".mo").exists():
            msgfmt = shutil.which("msgfmt")
            if msgfmt is None:
                pytest.skip("no compiled catalogue and no msgfmt: run `make messages` first")
            run(msgfmt, "--check-format", "-o", str(po.with_suffix(".mo")), str(po))
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path / "dist")]
    try:
        import setuptools  # noqa: F401, PLC0415

        command.append("--no-build-isolation")  # the backend is here: no index needed
    except ImportError:
        pass  # pip fetches the backend named in pyproject.toml (from the configured index)
    run(*command, str(source))
    (wheel,) = (tmp_path / "dist").glob("filrouge-*.whl")
    return source, wheel


@pytest.mark.slow
def test_the_wheel_declares_its_dependencies_carries_its_files_and_runs(tmp_path):
    source, wheel = build_wheel(tmp_path)

    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        (metadata_name,) = [name for name in names if name.endswith(".dist-info/METADATA")]
        metadata = email.message_from_bytes(archive.read(metadata_name))

    # Every direct dependency of requirements.in, with its extras, and no other; each range admits
    # the version that requirements.in and the lock (requirements.txt) pin, the one tested.
    declared = {
        canonicalize_name(requirement.name): requirement
        for requirement in map(Requirement, metadata.get_all("Requires-Dist") or [])
    }
    direct = requirements(ROOT / "requirements.in")
    lock = requirements(ROOT / "requirements.txt")
    assert direct, "requirements.in lists nothing"
    assert set(declared) == set(direct)
    for name, pin in direct.items():
        assert declared[name].extras == pin.extras, name
        assert declared[name].marker is None, name
        assert declared[name].specifier.contains(pinned_version(pin)), (declared[name], pin)
        assert name in lock, f"{name} is not in requirements.txt"
        assert declared[name].specifier.contains(pinned_version(lock[name])), (declared[name], lock[name])
    assert metadata["Requires-Python"]

    # Every file of the package that the code may read (all but the .po sources and the bytecode).
    expected = {
        path.relative_to(source).as_posix()
        for path in (source / "filrouge").rglob("*")
        if path.is_file() and path.suffix not in {".pyc", ".po"} and "__pycache__" not in path.parts
    }
    assert expected - names == set()
    for name in [
        "filrouge/templates/base.html",
        "filrouge/static/filrouge/favicon.svg",
        "filrouge/referentials/data/rome_codes.csv",
        "filrouge/privacy/export_schema.json",
        "filrouge/locale/en/LC_MESSAGES/django.mo",
    ]:
        assert name in names
    assert any(name.startswith("filrouge/notifications/templates/") for name in names)
    assert any(name.startswith("filrouge/static/filrouge/vendor/htmx") for name in names)

    # A fresh environment: the wheel itself, the dependencies borrowed from the project's one.
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", str(venv))
    python = venv / "bin" / "python"
    run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        str(python),
        "install",
        "--quiet",
        "--no-deps",
        "--no-index",
        str(wheel),
    )
    purelib = Path(
        run(str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))").stdout.strip()
    )
    # Lines of a .pth file are added to sys.path, after the venv's own site-packages; the .pth files
    # found there are not run, so the project's editable install stays out of the way.
    (purelib / "_project_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")

    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "PYTHONPATH", "VIRTUAL_ENV"}
    }
    environment |= PRODUCTION | {"FILROUGE_VAR_DIR": str(tmp_path / "var")}
    elsewhere = {"cwd": tmp_path, "env": environment}
    filrouge = str(venv / "bin" / "filrouge")

    result = run(filrouge, "check", "--deploy", "--fail-level", "WARNING", **elsewhere)
    assert "no issues" in result.stdout

    # The installed copy is the one that runs, and finds its templates, static files, data and
    # translations inside itself.
    probe = "; ".join(
        [
            "import filrouge, django.contrib.staticfiles.finders as f, django.template.loader as t",
            "from django.utils import translation",
            "print(filrouge.__file__)",
            "print(t.get_template('base.html').origin.name)",
            "print(f.find('filrouge/favicon.svg'))",
            "translation.activate('en')",
            "print(translation.gettext('Comptes'))",
        ]
    )
    lines = run(filrouge, "shell", "--no-imports", "-c", probe, **elsewhere).stdout.splitlines()
    installed = str(purelib / "filrouge")
    assert [line.startswith(installed) for line in lines[:3]] == [True, True, True], lines
    assert lines[3] == "Accounts", lines
