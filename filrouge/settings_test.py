"""Settings for the test suite: the real ones, with speed-ups that change no behaviour under test."""

import os
import tempfile
from pathlib import Path

from filrouge.settings import *  # noqa: F403
from filrouge.settings import database_settings

DATABASES = {"default": database_settings(os.environ.get("DATABASE_URL"))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
# Argon2 is deliberately slow; tests that check the hasher read PASSWORD_HASHERS from settings.py.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # noqa: S303
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# WhiteNoise serves from the finders in tests; no collected directory is expected.
STATIC_ROOT = None
# Uploaded files of a test run go to a throwaway directory, never to the demo's var/.
PRIVATE_MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="filrouge-test-uploads-"))
# A fixed key, for tests only (tests that change keys call crypto.reset_keys()).
ENCRYPTION_KEYS = ["dGVzdC1rZXktZmlscm91Z2UtMDAwMDAwMDAwMDAwMDA="]
# Likewise the audit trail's key; its published heads go to a throwaway file, emptied after each
# test (tests/conftest.py).
AUDIT_KEYS = ["dGVzdC1hdWRpdC1rZXktZmlscm91Z2UtMDAwMDAwMDA="]
AUDIT_HEADS_FILE = Path(tempfile.mkdtemp(prefix="filrouge-test-audit-")) / "heads.log"
# Two-factor authentication is asked of case workers in production; tests that prove it turn
# it on (tests/accounts/test_two_factor.py), the rest sign in with force_login.
TWO_FACTOR_REQUIRED = False
# Tasks run at once, inside the enqueuing call, so tests read their emails in mail.outbox; the
# tests of the queue itself (tests/accounts/test_emails.py) put the database backend back.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
# SMS of a test run (the "file" backend) go to a throwaway directory, never to the demo's var/.
SMS_FILE_PATH = Path(tempfile.mkdtemp(prefix="filrouge-test-sms-"))
