"""Settings of the Portail des proches, read from the environment.

``DJANGO_ENV=development`` (the default): SQLite unless ``DATABASE_URL`` is set, Celery tasks run
eagerly unless ``CELERY_BROKER_URL`` is set, the sandbox stand-ins are on, demo data is allowed.
``DJANGO_ENV=production``: DEBUG off, stand-ins off, ``DJANGO_SECRET_KEY``, ``DJANGO_ALLOWED_HOSTS``,
``DATABASE_URL`` and ``CELERY_BROKER_URL`` required.
"""

import os
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV doit valoir « development » ou « production ».")
PRODUCTION = DJANGO_ENV == "production"


def _required(name: str) -> str:
    value = env.str(name, default="")
    if not value:
        raise ImproperlyConfigured(f"La variable d'environnement {name} est obligatoire en production.")
    return value


if PRODUCTION:
    SECRET_KEY = _required("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = [h.strip() for h in _required("DJANGO_ALLOWED_HOSTS").split(",") if h.strip()]
    _required("DATABASE_URL")
    _required("CELERY_BROKER_URL")
    DEBUG = env.bool("DJANGO_DEBUG", default=False)
else:
    # Development only: a fixed, obviously unsafe key; production refuses to start without its own.
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="development-only-insecure-key-do-not-use-in-production")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver", "[::1]"])
    DEBUG = env.bool("DJANGO_DEBUG", default=True)

# The portal's public address (links in e-mails, PSD2 return URLs, the sandbox bank's API URL).
# Required in production, over https: e-mail links, the banks' return addresses, the OIDC redirect URIs and
# the passkeys' origin all derive from it.
if PRODUCTION:
    PORTAL_BASE_URL = _required("PORTAL_BASE_URL").rstrip("/")
    if not PORTAL_BASE_URL.startswith("https://"):
        raise ImproperlyConfigured("PORTAL_BASE_URL doit être une adresse en https:// en production.")
else:
    PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

# The stand-ins of sandbox/ replace FranceConnect, the banks and the cashier system.
SANDBOX_ENABLED = env.bool("SANDBOX_ENABLED", default=not PRODUCTION)
# The embedded default works on whatever host and port it is started on (`make run PORT=8822`, reached at 127.0.0.1
# or localhost): when PORTAL_BASE_URL is not set, the portal's return addresses and every address under
# PORTAL_BASE_URL (the stand-ins' issuers, the demo bank's API) follow the request's host (core.addresses). Never in
# production; anything set explicitly (PORTAL_BASE_URL, an issuer or a bank elsewhere) wins.
PORTAL_BASE_URL_FROM_REQUEST = (
    not PRODUCTION
    and SANDBOX_ENABLED
    and env.bool("PORTAL_BASE_URL_FROM_REQUEST", default="PORTAL_BASE_URL" not in os.environ)
)
# Demo data (load_demo) and its staff accounts: never in production.
DEMO_DATA_ALLOWED = not PRODUCTION

# FranceConnect (OIDC): the issuer (discovery at ``{ISSUER}/.well-known/openid-configuration``), the client id
# and secret. The embedded default points at the stand-in of sandbox/ (/sandbox/franceconnect/).
FRANCECONNECT_ISSUER = env.str(
    "FRANCECONNECT_ISSUER", default="" if PRODUCTION else f"{PORTAL_BASE_URL}/sandbox/franceconnect"
).rstrip("/")
FRANCECONNECT_CLIENT_ID = env.str(
    "FRANCECONNECT_CLIENT_ID", default="" if PRODUCTION else "portail-des-proches-sandbox"
)
FRANCECONNECT_CLIENT_SECRET = env.str(
    "FRANCECONNECT_CLIENT_SECRET", default="" if PRODUCTION else "sandbox-secret-not-for-production"
)
FRANCECONNECT_HTTP_TIMEOUT = env.float("FRANCECONNECT_HTTP_TIMEOUT", default=10.0)
# A relative's session ends after this many seconds without a request.
RELATIVE_SESSION_IDLE_SECONDS = env.int("RELATIVE_SESSION_IDLE_SECONDS", default=30 * 60)

# ProConnect (OIDC, the State agents' identity federation): the staff's production login on /gestion/login/ and
# /cms/login/. The issuer (discovery at ``{ISSUER}/.well-known/openid-configuration``; ProConnect's is
# ``https://{domain}/api/v2``), the client id and secret; an empty issuer hides the button. The embedded default
# points at the stand-in of sandbox/ (/sandbox/proconnect/). A login whose id_token ``acr`` is one of
# PROCONNECT_TWO_FACTOR_ACR counts as the staff's second factor; any other asks for the local one.
PROCONNECT_ISSUER = env.str(
    "PROCONNECT_ISSUER", default="" if PRODUCTION else f"{PORTAL_BASE_URL}/sandbox/proconnect"
).rstrip("/")
PROCONNECT_CLIENT_ID = env.str("PROCONNECT_CLIENT_ID", default="" if PRODUCTION else "portail-des-proches-agents")
PROCONNECT_CLIENT_SECRET = env.str(
    "PROCONNECT_CLIENT_SECRET", default="" if PRODUCTION else "sandbox-agents-secret-not-for-production"
)
PROCONNECT_HTTP_TIMEOUT = env.float("PROCONNECT_HTTP_TIMEOUT", default=10.0)
PROCONNECT_TWO_FACTOR_ACR = [
    value.strip() for value in env.list("PROCONNECT_TWO_FACTOR_ACR", default=["eidas2", "eidas3"]) if value.strip()
]

INSTALLED_APPS = [
    "core",
    "accounts",
    "establishments",
    "permits",
    "transfers",
    "visits",
    "monitoring",
    "reconciliation",
    "cms",
    "sandbox",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Third parties
    "dsfr",
    "widget_tweaks",
    "import_export",
    "simple_history",
    "csp",
    "django_otp",  # the staff second factor (accounts.second_factor)
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "axes",
    # Django
    "accounts.admin_config.PortalAdminConfig",  # django.contrib.admin with the portal's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.forms",
]

MIDDLEWARE = [
    # Bad input refused before anything reads it (config.middleware): oversized public bodies, NUL bytes; and
    # input that a view let reach the database unchecked (a malformed id, a date out of range): a 400, not a 500.
    "config.middleware.PublicRequestSizeMiddleware",
    "config.middleware.NulByteMiddleware",
    "config.middleware.BadLookupMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # The embedded default: the stand-ins' addresses follow the host and port the request came to (core.addresses).
    "core.addresses.RequestOriginMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The relatives' languages (core.languages): the address's prefix, the session's choice for the returns.
    "core.languages.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.RelativeSessionMiddleware",
    "accounts.middleware.StaffSessionMiddleware",  # staff sessions' idle and absolute limits, before the gate
    "accounts.middleware.StaffSecondFactorMiddleware",  # /gestion/ and /cms/ only after the second factor
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last: relaxes the CSP for Wagtail's admin (/cms/) only, before CSPMiddleware writes the header, and lets
    # the portal itself frame an editor's previews (frame-ancestors 'self'); everything else keeps 'none'.
    "cms.middleware.CmsAdminSecurityMiddleware",
    # After every other: turns a staff login refused by django-axes into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cms.context_processors.site_config",  # django-dsfr's, cached (cms.selectors)
            ],
        },
    },
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
# No FORMS_URLFIELD_ASSUME_HTTPS (deprecated transitional setting): every URL form field passes
# assume_scheme="https" itself (the back office's default, accounts.admin_config; Wagtail's forms do it for theirs).

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})  # the lock's timeout and mode: "Bad input and concurrency" below
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.PortalBackend"]  # with django-axes' lockout check
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/gestion/login/"
# After a staff login without "next": the back office (Django's default, /accounts/profile/, is a 404 here).
LOGIN_REDIRECT_URL = "/gestion/"

# Language and time: French, Europe/Paris. The relatives' side also speaks each language that has a catalog in
# locale/ (locale/<code>/LC_MESSAGES/django.po: English and Arabic today; docs/languages.md): adding a language is
# adding its catalog, no code. Names and direction (right to left) from Django's LANG_INFO.
LANGUAGE_CODE = "fr"
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGES = [("fr", "Français")] + [
    (code, LANG_INFO[code]["name_local"])
    for code in sorted(path.parent.parent.name for path in LOCALE_PATHS[0].glob("*/LC_MESSAGES/django.po"))
    if code != LANGUAGE_CODE and code in LANG_INFO
]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(BASE_DIR / "media"))
# Django serves MEDIA_ROOT itself with DEBUG or with this (the one-machine stack); else the proxy or storage does.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Uploads: imports are bounded (see permits.constants.MAX_IMPORT_BYTES).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# Bad input and concurrency.
# The embedded default's SQLite serves a small office's concurrency: each transaction takes the write lock when
# it begins (IMMEDIATE: two transactions that read then write no longer fail at once with "database is
# locked"), waits up to SQLITE_TIMEOUT_SECONDS for it, and readers do not block the writer (write-ahead log).
SQLITE_TIMEOUT_SECONDS = env.float("SQLITE_TIMEOUT_SECONDS", default=20.0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"].setdefault("timeout", SQLITE_TIMEOUT_SECONDS)
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    DATABASES["default"]["OPTIONS"].setdefault("init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
# The largest body a public request (outside /gestion/ and /cms/) may send; a larger one is refused with a
# French error page before it is read (config.middleware): nothing stored nor e-mailed.
PUBLIC_REQUEST_MAX_BYTES = env.int("PUBLIC_REQUEST_MAX_BYTES", default=64 * 1024)

# Cache: Redis when given (shared by every node), else local memory.
CACHE_URL = env.str("CACHE_URL", default="")
CACHES = {"default": env.cache_url_config(CACHE_URL)} if CACHE_URL else {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "config.cache.RedisCache"  # the same, keeping its client (config/cache.py)
# Rendered fragments of the page layout (footer, theme dialog) in each process's memory: they change only
# with the code or with the site's chrome, whose version (in the shared cache) is part of their key.
CACHES["fragments"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fragments"}

# Sessions, cookies, security headers.
# Sessions live in the database; with a shared cache (CACHE_URL, Redis) they are read from it (written to
# both). Without one, the per-process memory cache would keep a logged-out session alive in the other
# worker processes, so sessions are then read from the database only.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if CACHE_URL else "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Proxies in front of the portal (the load balancer...), each appending the address it saw to
# X-Forwarded-For: the client is the TRUSTED_PROXY_COUNT-th entry from the right. 0: REMOTE_ADDR, and
# the header (which anyone can forge) is ignored. Used by the contact form's rate limit.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT doit être un entier positif ou nul.")
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=63072000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[f"https://{h}" for h in ALLOWED_HOSTS])

# Staff login throttling (django-axes) and staff sessions.
# A staff login (/gestion/login/, /cms/login/) is refused, with the lockout page, once AXES_FAILURE_LIMIT
# failures came either for one account (from any address: a targeted account) or from one address (on any
# account: password spraying), the address read as TRUSTED_PROXY_COUNT says. The lock lifts
# AXES_COOLOFF_MINUTES after the last failure, or when the national administration unlocks it in the back
# office (accounts.StaffLockout keeps every lockout and who lifted it). FranceConnect logins are not counted.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_MINUTES = env.int("AXES_COOLOFF_MINUTES", default=30)
if AXES_FAILURE_LIMIT < 1 or AXES_COOLOFF_MINUTES < 1:
    raise ImproperlyConfigured("AXES_FAILURE_LIMIT et AXES_COOLOFF_MINUTES doivent être des entiers positifs.")
AXES_COOLOFF_TIME = __import__("datetime").timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "core.ratelimit.client_address"  # the portal's one reading of X-Forwarded-For
AXES_LOCKOUT_CALLABLE = "accounts.lockouts.lockout_response"
AXES_COOLOFF_MESSAGE = AXES_PERMALOCK_MESSAGE = (
    "Trop de tentatives de connexion infructueuses : la connexion est bloquée pour ce compte ou depuis cette adresse."
)
AXES_RESET_ON_SUCCESS = False  # a success would also wipe its address's failures (on other accounts)
AXES_DISABLE_ACCESS_LOG = True  # no record of each successful login (the relatives' included)
AXES_ENABLE_ADMIN = False  # the lockouts' admin is accounts.admin_lockouts
AXES_VERBOSE = False  # no banner at every start (the operator commands' output stays theirs)
# A staff session ends after STAFF_SESSION_IDLE_SECONDS without a request, and STAFF_SESSION_MAX_SECONDS
# after its login whatever the activity; its cookie ends with the browser.
STAFF_SESSION_IDLE_SECONDS = env.int("STAFF_SESSION_IDLE_SECONDS", default=30 * 60)
STAFF_SESSION_MAX_SECONDS = env.int("STAFF_SESSION_MAX_SECONDS", default=12 * 60 * 60)
if STAFF_SESSION_IDLE_SECONDS < 60 or STAFF_SESSION_MAX_SECONDS < STAFF_SESSION_IDLE_SECONDS:
    raise ImproperlyConfigured(
        "STAFF_SESSION_IDLE_SECONDS doit valoir au moins 60 et STAFF_SESSION_MAX_SECONDS au moins autant."
    )


def _origin(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _provider_origins(issuer: str) -> list[str]:
    """The origin the login buttons' redirects lead to; none for the stand-in of the embedded default, which is the
    portal itself ('self') at whatever address it is reached (core.addresses)."""
    if not issuer or (PORTAL_BASE_URL_FROM_REQUEST and issuer.startswith(f"{PORTAL_BASE_URL}/")):
        return []
    return [_origin(issuer)]


# Content Security Policy (django-csp): same-origin only, nothing inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "media-src": ["'self'"],
        "frame-src": ["'self'", "https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "frame-ancestors": ["'none'"],
        "form-action": [
            "'self'",
            *env.list("CSP_FORM_ACTION_EXTRA", default=[]),
            # The login and logout buttons post to the portal, which redirects to FranceConnect.
            *_provider_origins(FRANCECONNECT_ISSUER),
            # The staff's ProConnect button and logout, likewise.
            *_provider_origins(PROCONNECT_ISSUER),
        ],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# Staff second factor: TOTP codes (django-otp) with ten one-time recovery codes, and passkeys
# (django-otp-webauthn, second factor only: never a login without the password). The gate is
# accounts.middleware.StaffSecondFactorMiddleware; the demo accounts' TOTP secret is in sandbox/demo.py.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Portail des proches")
# Wrong codes in a row wait 1, 2, 4, 8… seconds (times this factor) before the next try is even checked.
OTP_TOTP_THROTTLE_FACTOR = env.int("OTP_TOTP_THROTTLE_FACTOR", default=1)
OTP_STATIC_THROTTLE_FACTOR = OTP_TOTP_THROTTLE_FACTOR
# Passkeys need https (or http://localhost) and a domain name: on the embedded default at http://127.0.0.1:8000
# they are offered at http://localhost:8000 only.
_PASSKEY_ORIGIN = _origin(PORTAL_BASE_URL)
if not _PASSKEY_ORIGIN.startswith(("https://", "http://localhost")):
    _port = _PASSKEY_ORIGIN.rsplit(":", 1)[1] if _PASSKEY_ORIGIN.count(":") == 2 else ""
    _PASSKEY_ORIGIN = "http://localhost" + (f":{_port}" if _port else "")
OTP_WEBAUTHN_ALLOWED_ORIGINS = env.list("OTP_WEBAUTHN_ALLOWED_ORIGINS", default=[_PASSKEY_ORIGIN])
OTP_WEBAUTHN_RP_ID = env.str("OTP_WEBAUTHN_RP_ID", default=_PASSKEY_ORIGIN.split("://", 1)[1].rsplit(":", 1)[0])
OTP_WEBAUTHN_RP_NAME = "Portail des proches"
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_EXCEPTION_LOGGER_NAME = "accounts.passkeys"

# Celery: Redis when CELERY_BROKER_URL is set, else every task runs eagerly in-process.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or "cache+memory://")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Periodic jobs (Celery beat); filled by the issues that need them.
CELERY_BEAT_SCHEDULE: dict = {}
# Transfers: ask the banks about pending transfers (each with its own backoff), expire abandoned ones.
CELERY_BEAT_SCHEDULE["transfers-poll-banks"] = {"task": "transfers.poll_pending_transfers", "schedule": 30.0}
CELERY_BEAT_SCHEDULE["transfers-expire"] = {"task": "transfers.expire_stale_transfers", "schedule": 60.0}
# Parloir (visits/): sessions opened from the weekly templates up to the booking horizon, every hour; past visits
# (and their companions) deleted VISITS_RETENTION_DAYS after their day, every night (written in the
# "Données personnelles" page).
VISITS_RETENTION_DAYS = env.int("VISITS_RETENTION_DAYS", default=365)
CELERY_BEAT_SCHEDULE["visits-open-sessions"] = {"task": "visits.open_sessions", "schedule": 3600.0}
# At night (03:30 Europe/Paris, CELERY_TIMEZONE), when no one books: the "Données personnelles" page says so.
CELERY_BEAT_SCHEDULE["visits-purge-past"] = {
    "task": "visits.purge_past_visits", "schedule": crontab(hour=3, minute=30),
}
# Reconciliation: the bank's files dropped in the inbox folder (camt.053 statements, camt.052/054 intraday notices)
# are imported and matched every RECONCILIATION_INBOX_SECONDS; each cashier cut-off of the day
# (Establishment.cashier_cutoffs) makes its batch, checked every CASHIER_CUTOFF_CHECK_SECONDS.
RECONCILIATION_INBOX_SECONDS = env.int("RECONCILIATION_INBOX_SECONDS", default=300)
CASHIER_CUTOFF_CHECK_SECONDS = env.int("CASHIER_CUTOFF_CHECK_SECONDS", default=60)
CELERY_BEAT_SCHEDULE["reconciliation-statement-inbox"] = {
    "task": "reconciliation.scan_statement_inbox", "schedule": float(RECONCILIATION_INBOX_SECONDS),
}
CELERY_BEAT_SCHEDULE["reconciliation-cashier-cutoffs"] = {
    "task": "reconciliation.run_cashier_cutoffs", "schedule": float(CASHIER_CUTOFF_CHECK_SECONDS),
}
# Monitoring: each security staff member's digest of the alerts waiting, every morning (monitoring.DIGEST_HOUR).
CELERY_BEAT_SCHEDULE["monitoring-digests"] = {"task": "monitoring.send_digests", "schedule": crontab(hour=7, minute=0)}

# Reconciliation: the folder where the bank drops camt.053 statements (empty: no inbox), the
# folder where uploaded statements wait for the worker, and the cashier system's implementation.
RECONCILIATION_INBOX_DIR = env.str("RECONCILIATION_INBOX_DIR", default="")
RECONCILIATION_UPLOAD_DIR = env.str(
    "RECONCILIATION_UPLOAD_DIR", default=str(Path(__import__("tempfile").gettempdir()) / "portail-releves")
)
CASHIER_BACKEND = env.str("CASHIER_BACKEND", default="reconciliation.cashier.files.FileCashier")

# E-mail: console on the embedded default.
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend" if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ne-pas-repondre@proches.justice.gouv.fr")
SUPPORT_EMAIL = env.str("SUPPORT_EMAIL", default="support-proches@justice.gouv.fr")

# Payment initiation (transfers/psd2/, STET PSD2 PISP). The portal's client id and secret at the
# banks; mTLS (QWAC) and HTTP signatures (QSealC) are plugged in here (see transfers/psd2/http.py).
PSD2_CLIENT_ID = env.str("PSD2_CLIENT_ID", default="" if PRODUCTION else "portail-des-proches-sandbox")
PSD2_CLIENT_SECRET = env.str("PSD2_CLIENT_SECRET", default="" if PRODUCTION else "sandbox-secret")
PSD2_TIMEOUT = (env.float("PSD2_CONNECT_TIMEOUT", default=3.05), env.float("PSD2_READ_TIMEOUT", default=10.0))
PSD2_SESSION_FACTORY = env.str("PSD2_SESSION_FACTORY", default="transfers.psd2.http.default_session")
PSD2_REQUEST_SIGNER = env.str("PSD2_REQUEST_SIGNER", default="")
PSD2_CLIENT_CERT = env.str("PSD2_CLIENT_CERT", default="")
PSD2_CLIENT_KEY = env.str("PSD2_CLIENT_KEY", default="")
PSD2_CA_BUNDLE = env.str("PSD2_CA_BUNDLE", default="")
PSD2_INITIATING_PARTY_NAME = env.str(
    "PSD2_INITIATING_PARTY_NAME", default="Direction de l'administration penitentiaire"
)
PSD2_ORGANISATION_ID = env.str("PSD2_ORGANISATION_ID", default="PSDFR-ACPR-00000")
# The sandbox bank's behaviour, for tests and demos: "" (normal), "reject" (refuses the payment at
# confirmation), "accept_then_reject", "error" (HTTP 500), "timeout", "unknown_status", "garbled".
SANDBOX_BANK_FAILURE = env.str("SANDBOX_BANK_FAILURE", default="")
SANDBOX_BANK_TIMEOUT_SECONDS = env.float("SANDBOX_BANK_TIMEOUT_SECONDS", default=15.0)

# Wagtail.
WAGTAIL_SITE_NAME = "Portail des proches"
# No avatar fetched from gravatar.com: a staff member's e-mail (hashed) never goes to a third party, and the CSP's
# img-src would refuse the image anyway (a console error on every page of /cms/).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILADMIN_BASE_URL = env.str("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
# The content pages in French (the source), English and Arabic: Wagtail's own simple translation (a copy of the
# French page in the other locale, translated by the team); the admin itself stays French.
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "txt", "vtt", "mp4", "webm"]
# Tutorial videos and their captions are read by the browser's player, not downloaded.
WAGTAILDOCS_INLINE_CONTENT_TYPES = ["application/pdf", "text/plain", "text/vtt", "video/mp4", "video/webm"]
WAGTAILADMIN_PERMITTED_LANGUAGES = [("fr", "Français")]
# Wagtail's database backend, with what visitors and staff type made safe for SQLite's full-text syntax (cms.search).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "cms.search"}}
# Scheduled publishing (cms): pages whose date has come go live, expired ones go offline.
CELERY_BEAT_SCHEDULE["cms-publish-scheduled"] = {"task": "cms.publish_scheduled", "schedule": 60.0}

# django-import-export.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

# simple-history: the acting user is taken from the request (middleware) or set by services.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_REVERT_DISABLED = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False}},
}
