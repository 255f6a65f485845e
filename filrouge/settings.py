"""Settings, read from the environment with safe defaults.

Production gives at least SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL (the secrets also as files:
SECRET_KEY_FILE, DATABASE_URL_FILE, EMAIL_HOST_PASSWORD_FILE); `manage.py check --deploy`
is clean with DEBUG=false and HTTPS=true. Without them the app runs locally on SQLite under var/.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("FILROUGE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_secret(name: str) -> str:
    """A secret from the environment, or from the file that `<name>_FILE` names (as systemd's
    credentials and container secrets give them: kept out of the environment file and of `ps`).
    The variable itself wins when both are set; a file that cannot be read stops start-up."""
    value = os.environ.get(name)
    if value:
        return value
    path = os.environ.get(f"{name}_FILE")
    if not path:
        return ""
    try:
        return Path(path).read_text().strip()
    except OSError as error:
        raise ImproperlyConfigured(
            f"{name}_FILE: the file {path} cannot be read ({error.strerror})."
        ) from None


def local_secret_key() -> str:
    """A key generated once per installation, for running without SECRET_KEY (demo, development)."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


# Installed from the wheel, BASE_DIR is site-packages: var/ beside the package would hold a server's
# data inside the virtual environment, replaced at the next install. Production must name it.
if (
    env_bool("HTTPS", False)
    and not os.environ.get("FILROUGE_VAR_DIR")
    and BASE_DIR.name in {"site-packages", "dist-packages"}
):
    raise ImproperlyConfigured(
        f"FILROUGE_VAR_DIR is not set: filrouge is installed as a package ({BASE_DIR}) and would "
        "keep its data inside it. Set FILROUGE_VAR_DIR to a directory of its own, e.g. "
        "/srv/filrouge/var (docs/deployment.md, step 5)."
    )

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_secret("SECRET_KEY") or local_secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "filrouge.core.errors.csrf_failure"

# HTTPS=true behind TLS (production): secure cookies, HSTS and redirects.
HTTPS = env_bool("HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The client address (login throttle, audit trail) is the X-Forwarded-For entry this many places
# from the right (filrouge.core.addresses); BEHIND_PROXY alone means one proxy, as before.
FILROUGE_TRUSTED_PROXIES = env_int("FILROUGE_TRUSTED_PROXIES", 1 if env_bool("BEHIND_PROXY", False) else 0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Scripts: the app's own files only. Every <script> tag also carries the request's nonce
# (`{{ csp_nonce }}`), so no page ever needs 'unsafe-inline'; inline code stays blocked.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
}

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",  # its widget templates, for the project's own widgets (FORM_RENDERER below)
    "django_tasks_db",  # the background tasks' table (TASKS below)
    "filrouge.background",  # the worker, the periodic jobs and the retries of the tasks above
    "filrouge.core",
    "filrouge.organisations",
    "filrouge.accounts",
    "filrouge.people",
    "filrouge.pathways",
    "filrouge.referentials",
    "filrouge.profiles",
    "filrouge.plans",
    "filrouge.journal",
    "filrouge.workshops",
    "filrouge.documents",
    "filrouge.consents",
    "filrouge.employers",
    "filrouge.matching",
    "filrouge.placements",
    "filrouge.followalong",
    "filrouge.outcomes",
    "filrouge.reports",
    "filrouge.imports",  # a service's spreadsheets brought in (issue 21)
    "filrouge.fidelity",
    "filrouge.privacy",
    "filrouge.audit",
    "filrouge.notifications",
    "filrouge.backups",  # `filrouge backup` / `filrouge restore`, the nightly backup
    "filrouge.seed",
]

# Widgets render with the project's templates too (the ROME job-title picker).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

MIDDLEWARE = [
    # First: every response carries its X-Request-ID, and every log line of the request its id.
    "filrouge.core.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "filrouge.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "filrouge.accounts.middleware.SessionLifetimeMiddleware",
    # Case workers finish signing in with their second factor before any other page.
    "filrouge.accounts.middleware.TwoFactorMiddleware",
    # Who read which person's record, note, document or export; refused attempts too.
    "filrouge.audit.middleware.AuditMiddleware",
    # A form sent twice (a double click, a resent request) is saved once.
    "filrouge.core.idempotency.IdempotencyMiddleware",
    # Deny by default: every view needs a logged-in user unless marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "filrouge.core.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "filrouge.urls"
WSGI_APPLICATION = "filrouge.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "filrouge" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "filrouge.core.context_processors.navigation",
            ],
        },
    },
]


def database_settings(url: str | None) -> dict:
    url = url or f"sqlite:///{VAR_DIR / 'filrouge.sqlite3'}"
    config = dj_database_url.parse(url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers work while one request writes; IMMEDIATE transactions and a
        # timeout make concurrent writers wait their turn instead of failing at once.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    # One request, one transaction: an error leaves nothing half-written.
    config["ATOMIC_REQUESTS"] = True
    return config


_database_url = env_secret("DATABASE_URL")  # lower case: not a setting (it holds a password)
if not _database_url:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": database_settings(_database_url)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "full_name")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Reset and invitation links stay valid three days.
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Absolute lifetime of a session, and how long it survives without a request.
SESSION_ABSOLUTE_LIFETIME = timedelta(hours=env_int("SESSION_ABSOLUTE_HOURS", 10))
SESSION_IDLE_TIMEOUT = timedelta(minutes=env_int("SESSION_IDLE_MINUTES", 30))
# Pages show a countdown with "Rester connecté" this long before the session ends.
SESSION_EXPIRY_WARNING = timedelta(minutes=env_int("SESSION_WARNING_MINUTES", 5))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_LIFETIME.total_seconds())

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("Anglais"))]
LOCALE_PATHS = [BASE_DIR / "filrouge" / "locale"]
USE_I18N = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Paris")
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"

# Sensitive fields (health information, confidential notes) are encrypted with these keys,
# kept outside the database (filrouge.core.crypto). A local installation creates its key file
# on first use; production gives FILROUGE_ENCRYPTION_KEYS or a key file it made itself.
ENCRYPTION_KEYS = env_list("FILROUGE_ENCRYPTION_KEYS", [])
ENCRYPTION_KEY_FILE = Path(os.environ.get("FILROUGE_KEY_FILE", VAR_DIR / "encryption_keys"))
ENCRYPTION_KEY_FILE_CREATE = env_bool("FILROUGE_CREATE_KEY_FILE", not HTTPS)

# Two-factor authentication (TOTP, recovery codes) for whoever can read case content.
TWO_FACTOR_REQUIRED = env_bool("FILROUGE_REQUIRE_2FA", True)
# Access entries of the audit trail are purged after this many days (`filrouge audit purge`).
AUDIT_ACCESS_RETENTION_DAYS = env_int("FILROUGE_AUDIT_ACCESS_DAYS", 365)
# The tables' owner's DATABASE_URL, for the worker's scheduled purge only (filrouge.audit.tasks);
# empty: the purge runs with the worker's own role, which a hardened install refuses.
AUDIT_PURGE_DATABASE_URL = env_secret("FILROUGE_AUDIT_PURGE_DATABASE_URL")
# The audit chains are sealed with HMAC keys kept outside the database (filrouge.audit.keys): the
# first seals, every one verifies. A local installation creates its key file on first use.
AUDIT_KEYS = env_list("FILROUGE_AUDIT_KEYS", [])
AUDIT_KEY_FILE = Path(os.environ.get("FILROUGE_AUDIT_KEY_FILE", VAR_DIR / "audit_keys"))
AUDIT_KEY_FILE_CREATE = env_bool("FILROUGE_CREATE_KEY_FILE", not HTTPS)
# Each chain's head is published outside the database (filrouge.audit.heads): appended to this
# file, kept apart from the database's directory, and sent to the system log when
# FILROUGE_AUDIT_SYSLOG gives its socket ("/dev/log") or "host:port".
AUDIT_HEADS_FILE = Path(os.environ.get("FILROUGE_AUDIT_HEADS_FILE", VAR_DIR / "audit" / "heads.log"))
AUDIT_SYSLOG = os.environ.get("FILROUGE_AUDIT_SYSLOG", "")

# Attached files (CVs, signed agreements): outside the static root, served only through a view
# that asks the policy module.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("FILROUGE_PRIVATE_MEDIA_ROOT", VAR_DIR / "uploads"))
MAX_UPLOAD_MB = int(os.environ.get("FILROUGE_MAX_UPLOAD_MB", "10"))
# An accepted upload (the file and the form around it) stays in memory until it is stored
# encrypted: never in clear in the system's temporary directory, where a killed worker leaves it.
FILE_UPLOAD_MAX_MEMORY_SIZE = (MAX_UPLOAD_MB + 1) * 1024 * 1024
# The nightly backup (filrouge.backups.tasks): its archives go to this directory (owner-only), the
# last FILROUGE_BACKUP_KEEP of them are kept; 0 turns the nightly backup off.
BACKUP_DIR = Path(os.environ.get("FILROUGE_BACKUP_DIR", VAR_DIR / "backups"))
BACKUP_KEEP = env_int("FILROUGE_BACKUP_KEEP", 7)
# The largest spreadsheet an import reads, and the most data rows of one of its sheets
# (filrouge.imports.reading): beyond them the file is refused with the limit in the message.
IMPORT_MAX_MB = env_int("FILROUGE_IMPORT_MAX_MB", 20)
IMPORT_MAX_ROWS = env_int("FILROUGE_IMPORT_MAX_ROWS", 100_000)
# An import of more data rows than this (every file of the run together) is checked and applied by
# the worker, its page showing the progress (filrouge.imports.tasks); smaller ones in the request.
IMPORT_BACKGROUND_ROWS = env_int("FILROUGE_IMPORT_BACKGROUND_ROWS", 2000)
# An activity report's PDF or workbook over more pathways than this is prepared by the worker and
# offered on its own page (filrouge.reports.files; the figure comes from a measurement there).
REPORT_BACKGROUND_THRESHOLD = env_int("FILROUGE_REPORT_BACKGROUND_THRESHOLD", 1000)
STATICFILES_DIRS = [BASE_DIR / "filrouge" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Email: SMTP when EMAIL_HOST is given; otherwise one file per email in EMAIL_FILE_PATH (the demo's).
if os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["EMAIL_HOST"],
                "port": env_int("EMAIL_PORT", 587),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": env_secret("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": 20,
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "filrouge.notifications.mail.MessageFileBackend",
            "OPTIONS": {"file_path": Path(os.environ.get("EMAIL_FILE_PATH", VAR_DIR / "emails"))},
        }
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "filrouge <ne-pas-repondre@filrouge.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# SMS (filrouge.notifications.sms): "file" (one file per SMS in SMS_FILE_PATH, the demo's), "console",
# "brevo" (with BREVO_API_KEY or BREVO_API_KEY_FILE, and SMS_SENDER) or a backend's dotted path.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "file")
SMS_FILE_PATH = Path(os.environ.get("SMS_FILE_PATH", VAR_DIR / "sms"))
SMS_SENDER = os.environ.get("SMS_SENDER", "filrouge")
BREVO_API_URL = os.environ.get("BREVO_API_URL", "https://api.brevo.com/v3/transactionalSMS/send")
BREVO_API_KEY = os.environ.get("BREVO_API_KEY", "")
BREVO_API_KEY_FILE = os.environ.get("BREVO_API_KEY_FILE", "")
# A reminder claimed by a worker this many seconds ago without being recorded as sent belongs to a
# worker that stopped: resent if its backend is idempotent, else "to check" (notifications.delivery).
REMINDER_CLAIM_TIMEOUT = env_int("FILROUGE_REMINDER_CLAIM_TIMEOUT", 300)
# The site's address, for the links of emails a background task sends with no request at hand
# (the staff's daily digest).
BASE_URL = os.environ.get("FILROUGE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Background tasks (emails first): queued in the application's database, in the request's
# transaction, and run by the worker that `filrouge serve` starts beside the web server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Logs carry no personal data (filrouge.core.logs): route patterns and ids, never a path or query string.
# FILROUGE_LOG_FORMAT: "text" (the default: plain messages, for development and the demo) or "json"
# (one JSON object a line with the request's id and the user's id, for production). Both drop what
# may quote a person (filrouge.core.logs).
LOG_FORMAT = os.environ.get("FILROUGE_LOG_FORMAT", "text").strip().lower() or "text"
if LOG_FORMAT not in {"text", "json"}:
    raise ValueError(f'FILROUGE_LOG_FORMAT must be "text" or "json", not {LOG_FORMAT!r}')
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "filrouge.core.logs.RequestContextFilter"}},
    "formatters": {
        "text": {"()": "filrouge.core.logs.TextFormatter"},
        "json": {"()": "filrouge.core.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_context"], "formatter": LOG_FORMAT}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint reports each rendering step at INFO; only its warnings matter.
    "loggers": {"weasyprint": {"level": "WARNING"}},
}
# The audit chains' published heads (filrouge.audit.heads) are logged whatever LOG_LEVEL says; with
# FILROUGE_AUDIT_SYSLOG they also go to the system log, out of reach of the database's users.
LOGGING["loggers"]["filrouge.audit.heads"] = {"level": "INFO"}
if AUDIT_SYSLOG:
    _host, _, _port = AUDIT_SYSLOG.rpartition(":")
    LOGGING["handlers"]["audit_syslog"] = {
        "class": "logging.handlers.SysLogHandler",
        "address": AUDIT_SYSLOG if AUDIT_SYSLOG.startswith("/") else (_host, int(_port)),
        "facility": "authpriv",
    }
    LOGGING["loggers"]["filrouge.audit.heads"]["handlers"] = ["audit_syslog"]

# Error tracking (filrouge.core.errors_tracking) only when SENTRY_DSN or SENTRY_DSN_FILE is set:
# sentry_sdk is not even imported otherwise, and its events carry nothing of a person.
if os.environ.get("SENTRY_DSN") or os.environ.get("SENTRY_DSN_FILE"):
    from filrouge.core import errors_tracking

    if errors_tracking.init_from_environment():
        MIDDLEWARE.insert(
            MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
            "filrouge.core.errors_tracking.UserIdMiddleware",
        )
