"""`filrouge demo`: the demo accounts sign in without an authenticator app, and it says so."""

import io
import os

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_demo_serves_with_two_factor_optional_and_says_production_requires_it(monkeypatch):
    monkeypatch.setenv("FILROUGE_REQUIRE_2FA", "")
    monkeypatch.delenv("FILROUGE_REQUIRE_2FA")
    out = io.StringIO()
    call_command("demo", no_serve=True, stdout=out)
    assert os.environ["FILROUGE_REQUIRE_2FA"] == "0"  # inherited by the served process
    assert "Two-factor authentication is optional in this demo; production requires it" in out.getvalue()


def test_production_settings_require_two_factor_by_default(monkeypatch, tmp_path):
    from tests.core.test_settings import run_manage

    monkeypatch.delenv("FILROUGE_REQUIRE_2FA", raising=False)
    code = "from django.conf import settings; print(settings.TWO_FACTOR_REQUIRED)"
    result = run_manage("shell", "-c", code, env={"FILROUGE_VAR_DIR": str(tmp_path)})
    assert result.stdout.strip().splitlines()[-1] == "True"
