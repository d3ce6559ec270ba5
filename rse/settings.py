"""RSE settings, read from the environment.

Two modes, one code base:
- embedded (default): SQLite, tasks run eagerly, console e-mail, DEBUG on;
- production (RSE_PRODUCTION=true): every secret must be given, DEBUG is off and
  the secure defaults of `manage.py check --deploy` are on.
"""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from identity import conf as sso_conf

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

PRODUCTION = env_bool("RSE_PRODUCTION", False)
_DEV_SECRET = "embedded-mode-only-not-a-secret"  # noqa: S105 - refused in production below

SECRET_KEY = env_str("SECRET_KEY", "" if PRODUCTION else _DEV_SECRET)
DEBUG = env_bool("DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "rse.views.csrf_failure"

if PRODUCTION:
    if not SECRET_KEY or SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("Production needs SECRET_KEY: 50 random characters or more.")
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production (RSE_PRODUCTION=true).")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Production needs ALLOWED_HOSTS (comma-separated host names).")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "guardian",
    "taggit",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "oauth2_provider",
    "core",
    "access",
    "rse",
    "profiles",
    "communities",
    "posts",
    "notifications",
    "moderation",
    "consultation",
    "charter",
    "audit",
    "lifecycle",
    "search",
    "identity",
    "directory",
    "privacy",
    "questions",
    "events",
    "ideas",
    "alerts",
    "observatory",
    "api",
    "webhooks",
]

MIDDLEWARE = [
    "rse.health.LivenessMiddleware",  # /healthz/live: before anything reads the database
    "core.replica.ReplicaReadsMiddleware",  # which server this request's reads go to
    "core.requestmeta.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "rse.security.ControlCharactersMiddleware",
    "rse.security.RequestSizeLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "access.middleware.ViewerMiddleware",
    "rse.security.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "identity.middleware.MFAPolicyMiddleware",
    "charter.middleware.CharterGateMiddleware",
]

ROOT_URLCONF = "rse.urls"
WSGI_APPLICATION = "rse.wsgi.application"
ASGI_APPLICATION = "rse.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
                "access.context_processors.viewer",
                "charter.context_processors.charter",
                "notifications.context_processors.notifications",
                "moderation.context_processors.moderation",
            ],
        },
    },
]

# Database: SQLite file by default, PostgreSQL (or any dj-database-url URL) when set.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60 if PRODUCTION else 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql") and not env_bool("DATABASE_JIT", False):
    # Web pages read a handful of rows: PostgreSQL's JIT (50-60 ms compiling any plan
    # it estimates expensive) and parallel workers (started for a LIMIT 21 scan) only
    # add latency there. DATABASE_JIT=true keeps the server's settings.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = (
        f"{options.get('options', '')} -c jit=off -c max_parallel_workers_per_gather=0".strip()
    )
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # A database that restarts or is gone makes requests fail fast with the 503 page
    # (rse.views.server_error) instead of hanging; the connection is checked before
    # reuse (conn_health_checks above), so the workers recover on their own when it is
    # back, without a restart.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 3)
    )
# Reads on a streaming replica (core/replica.py, README "Capacity"): with
# DATABASE_REPLICA_URL set, the reads of read-only requests go to it, and a browser that
# wrote reads the primary for RSE_REPLICA_STICKY_SECONDS (longer than the replica's usual
# delay). Celery tasks and commands read the primary. Tests mirror it onto the primary.
RSE_REPLICA_STICKY_SECONDS = env_int("RSE_REPLICA_STICKY_SECONDS", 10)
RSE_REPLICA_READS = True  # the test suite turns it off (tests/conftest.py)
if env_str("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        env_str("DATABASE_REPLICA_URL"),
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    )
    DATABASES["replica"]["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
# Behind PgBouncer in transaction mode (README, "Capacity"): no server-side cursors (a
# cursor does not survive the end of a transaction on a pooled connection), and no
# startup options (PgBouncer refuses them: set jit and parallel workers on the role).
if env_bool("DATABASE_PGBOUNCER", False):
    for _alias in DATABASES.values():
        _alias["DISABLE_SERVER_SIDE_CURSORS"] = True
        _alias.get("OPTIONS", {}).pop("options", None)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis serves as Celery broker and as the shared cache (sign-in rate limits must be
# counted across all web workers). Without it, a local-memory cache and eager tasks.
# The cache is a help, not a dependency: with Redis gone, django-redis answers every
# read as a miss and drops every write (IGNORE_EXCEPTIONS, logged), within
# REDIS_TIMEOUT_SECONDS, so pages still serve (README, "Operations"). Sessions live in
# the database; with Redis, a copy is read from the cache (below).
REDIS_URL = env_str("REDIS_URL")
REDIS_TIMEOUT_SECONDS = env_int("REDIS_TIMEOUT_SECONDS", 2)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": REDIS_TIMEOUT_SECONDS,
                "SOCKET_TIMEOUT": REDIS_TIMEOUT_SECONDS,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# With Redis, sessions are read from the cache and written through to the database
# (core/sessions.py: Django's cached_db, the cached copy kept RSE_SESSION_CACHE_SECONDS
# at most, so a revocation whose cache delete failed while Redis was unreachable still
# takes effect within that time). Without Redis, sessions stay in the database.
RSE_SESSION_CACHE_SECONDS = env_int("RSE_SESSION_CACHE_SECONDS", 600)
if REDIS_URL and env_bool("RSE_SESSIONS_IN_CACHE", True):
    SESSION_ENGINE = "core.sessions"

# Celery: see rse/celery.py. Settings are read with the CELERY_ namespace.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_TASK_ALWAYS_EAGER = env_bool(
    "CELERY_TASK_ALWAYS_EAGER", not (REDIS_URL or env_str("CELERY_BROKER_URL"))
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 2 * 3600,  # longer than any task
    # A web request publishing a task never waits long on a broker that is gone: the
    # publication fails fast and the outbox sweep publishes it later (notifications).
    "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
    "socket_timeout": REDIS_TIMEOUT_SECONDS,
}
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_TIMEOUT_SECONDS
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
# A hard limit keeps every task shorter than the visibility timeout (a job stopped by it
# has committed whole batches only, and its next run carries on).
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 3600)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "audit-purge-expired": {
        "task": "audit.tasks.purge_expired_entries",
        "schedule": 24 * 3600,
    },
    # The head of the audit chain, signed, written outside the database every hour.
    "audit-anchor-head": {
        "task": "audit.tasks.anchor_head",
        "schedule": crontab(minute=5),
    },
    # The daily digest of notifications. CELERY_TIMEZONE is UTC: 06:00 UTC is 07:00 in
    # Paris in winter, 08:00 in summer.
    "notifications-daily-digest": {
        "task": "notifications.tasks.send_daily_digests",
        "schedule": crontab(minute=0, hour=env_int("NOTIFICATIONS_DIGEST_HOUR_UTC", 6)),
    },
    # Consultations on charter drafts: "opened" once started, "closing soon" before the end.
    "consultation-notices": {
        "task": "consultation.tasks.send_notices",
        "schedule": crontab(minute=15),
    },
    # The outbox of immediate e-mails: those whose task could not be published (Redis
    # down) or failed for good are sent by this sweep (notifications.services).
    # Webhooks: retries whose backoff has elapsed (and deliveries whose first task was
    # lost with the broker); the delivery log's retention.
    "webhooks-deliveries-due": {
        "task": "webhooks.tasks.deliveries_due",
        "schedule": 60,
    },
    "webhooks-deliveries-purge": {
        "task": "webhooks.tasks.deliveries_purge",
        "schedule": crontab(minute=40, hour=3),
    },
    "notifications-email-sweep": {
        "task": "notifications.tasks.send_pending_emails",
        "schedule": env_int("NOTIFICATIONS_EMAIL_SWEEP_MINUTES", 5) * 60,
    },
    "moderation-end-expired-mutes": {
        "task": "moderation.tasks.end_expired_mutes",
        "schedule": 15 * 60,
    },
    # Lifecycle jobs (lifecycle/jobs.py): `manage.py run_job <name> [--dry-run]` by hand.
    "lifecycle-communities-dormant": {
        "task": "lifecycle.tasks.run_job",
        "args": ["communities_dormant"],
        "schedule": crontab(hour=3, minute=0),
    },
    "lifecycle-externals": {
        "task": "lifecycle.tasks.run_job",
        "args": ["externals"],
        "schedule": crontab(hour=3, minute=20),
    },
    "lifecycle-memberships-expire": {
        "task": "lifecycle.tasks.run_job",
        "args": ["memberships_expire"],
        "schedule": crontab(minute=40),
    },
    "lifecycle-erased-data-purge": {
        "task": "lifecycle.tasks.run_job",
        "args": ["erased_data_purge"],
        "schedule": crontab(hour=3, minute=40),
    },
    # Events starting within a day: their attendees are reminded (once per event).
    "events-reminders": {
        "task": "events.tasks.send_event_reminders",
        "schedule": crontab(minute=10),
    },
    "lifecycle-notifications-purge": {
        "task": "lifecycle.tasks.run_job",
        "args": ["notifications_purge"],
        "schedule": crontab(hour=4, minute=0),
    },
    # Personal data (privacy/): deleted and hidden content, expired archives.
    "privacy-content-retention": {
        "task": "lifecycle.tasks.run_job",
        "args": ["content_retention"],
        "schedule": crontab(hour=4, minute=20),
    },
    "privacy-data-exports-purge": {
        "task": "lifecycle.tasks.run_job",
        "args": ["data_exports_purge"],
        "schedule": crontab(minute=50),
    },
    "privacy-person-erasures-purge": {
        "task": "lifecycle.tasks.run_job",
        "args": ["person_erasures_purge"],
        "schedule": crontab(hour=4, minute=30),
    },
    # Alerts: e-mails held outside working hours leave when the period begins;
    # managers are reminded of join requests about to expire.
    "alerts-release-held": {
        "task": "alerts.tasks.release_held",
        "schedule": 5 * 60,
    },
    "alerts-remind-requests": {
        "task": "alerts.tasks.remind_expiring_requests",
        "schedule": crontab(minute=50),
    },
    # The observatory's nightly rollup of yesterday (local days: 01:30 UTC is after
    # midnight in Paris all year); `manage.py observatory_rollup` by hand.
    "observatory-rollup": {
        "task": "observatory.tasks.rollup",
        "schedule": crontab(hour=1, minute=30),
    },
}

AUTH_USER_MODEL = "profiles.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The site is for signed-in people only: no object permission is ever granted to
# anonymous visitors, so guardian's stand-in anonymous user is not created.
ANONYMOUS_USER_NAME = None
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "posts:home"

# django-allauth: e-mail sign-in, verified addresses, company domains only.
ACCOUNT_ADAPTER = "identity.adapters.CompanyAccountAdapter"  # profiles one + SSO policy
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "profiles.forms.RealNameSignupForm"
ACCOUNT_FORMS = {"signup": "profiles.signup_forms.CompanySignupForm"}
# Signing up (or resetting a password) with an address answers the same, costs the same
# and sends one e-mail whether or not it has an account (allauth's default, kept explicit).
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PRESERVE_USERNAME_CASING = False
# Failed sign-ins (allauth's rate syntax: amount/period). Per account from one address
# first: wrong passwords typed somewhere lock the account there only, not for everyone.
# Then per client address (whatever the account), and per account from all addresses
# together: a much higher ceiling, against guesses spread over many addresses. A
# successful sign-in gives its attempt back. Wrong two-factor codes count per address
# and per account too.
RSE_LOGIN_FAILED_PER_ACCOUNT_AND_ADDRESS = env_str(
    "RSE_LOGIN_FAILED_PER_ACCOUNT_AND_ADDRESS", "5/5m"
)
RSE_LOGIN_FAILED_PER_ADDRESS = env_str("RSE_LOGIN_FAILED_PER_ADDRESS", "10/m")
RSE_LOGIN_FAILED_PER_ACCOUNT = env_str("RSE_LOGIN_FAILED_PER_ACCOUNT", "100/h")
ACCOUNT_RATE_LIMITS = {
    "login_failed": f"{RSE_LOGIN_FAILED_PER_ADDRESS}/ip,{RSE_LOGIN_FAILED_PER_ACCOUNT}/key",
    "login_failed_from_address": f"{RSE_LOGIN_FAILED_PER_ACCOUNT_AND_ADDRESS}/key",
}
# Reverse proxies in front of the app (addresses or networks). Client addresses for the
# audit trail and the sign-in rate limits come from X-Forwarded-For only behind them.
RSE_TRUSTED_PROXIES = env_list("RSE_TRUSTED_PROXIES")
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]  # webauthn: security keys
# Security keys and passkeys need HTTPS, except on http://localhost in embedded mode.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
# Every signed-in session is recorded per person at sign-in (not on each request, which
# would cost queries on every page): they can review and end their other sessions, and
# closing an account ends all of them at once without scanning the session table.
USERSESSIONS_TRACK_ACTIVITY = False
MFA_TOTP_ISSUER = env_str("RSE_SITE_NAME", "RSE")

# Self sign-up is open only to these company e-mail domains; externals come by invitation.
RSE_ALLOWED_EMAIL_DOMAINS = [
    d.lower() for d in env_list("RSE_ALLOWED_EMAIL_DOMAINS", ["example.com"])
]
RSE_SITE_NAME = env_str("RSE_SITE_NAME", "RSE")

# Company sign-in (identity/, README "Company sign-in"): OpenID Connect and SAML providers through
# allauth's socialaccount; accounts created or linked only for verified addresses of the
# company's domains (RSE_ALLOWED_EMAIL_DOMAINS); the provider's attributes fill the
# directory-owned fields at each sign-in.
SOCIALACCOUNT_ADAPTER = "identity.adapters.CompanySocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        # allauth's provider, with the nonce and the ID token's signature always checked.
        "provider_class": "identity.oidc.provider.CompanyOIDCProvider",
        "OAUTH_PKCE_ENABLED": True,
        "APPS": sso_conf.oidc_apps_from_env(company_domains=RSE_ALLOWED_EMAIL_DOMAINS),
    },
    "saml": {
        # allauth's provider, with replayed assertions refused and AuthnContext kept.
        "provider_class": "identity.saml.provider.CompanySAMLProvider",
        "APPS": sso_conf.saml_apps_from_env(company_domains=RSE_ALLOWED_EMAIL_DOMAINS),
    },
}
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_REQUIRED = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"  # the adapter accepts provider-verified ones only
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True  # a local account with that address is linked
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
RSE_SSO_ATTRIBUTES = sso_conf.attribute_map_from_env()
# Values of the "kind" attribute that mean an external partner (who must be invited).
RSE_SSO_EXTERNAL_VALUES = [
    v.lower() for v in env_list("RSE_SSO_EXTERNAL_VALUES", ["external", "contractor", "guest"])
]
# "all": everyone may have a local password; "externals-only": employees sign in with
# the company's provider only.
RSE_LOCAL_PASSWORDS = sso_conf.local_passwords_from_env()
# Two-factor policy: these roles must have a second factor (staff, site_moderators,
# community_managers, externals). A provider's sign-in asserting MFA (these `amr` or
# `acr` values) counts as one.
RSE_MFA_REQUIRED_FOR = sso_conf.mfa_roles_from_env()
RSE_SSO_MFA_AMR = env_list("RSE_SSO_MFA_AMR", ["mfa"])
RSE_SSO_MFA_ACR = env_list("RSE_SSO_MFA_ACR", [])
# The site's public address, for absolute links in e-mails (no trailing slash).
RSE_SITE_URL = env_str("RSE_SITE_URL", "http://127.0.0.1:8000")
RSE_NOTIFICATIONS_PAGE_SIZE = env_int("RSE_NOTIFICATIONS_PAGE_SIZE", 20)
# The navigation's per-person counters (unread notifications, open cases) are kept in
# the cache this many seconds at most, invalidated on change (core/navcounters.py); 0
# counts them on every page. Off by default for several processes without Redis (each
# would keep its own copy, which another process's change could not invalidate).
RSE_NAV_COUNTERS_SECONDS = env_int(
    "RSE_NAV_COUNTERS_SECONDS", 300 if (REDIS_URL or not PRODUCTION) else 0
)
# The sweep of unsent immediate e-mails leaves the younger ones to their own task, and
# gives up on the older ones (the reader has the notification in the app).
NOTIFICATIONS_EMAIL_SWEEP_GRACE_MINUTES = env_int("NOTIFICATIONS_EMAIL_SWEEP_GRACE_MINUTES", 2)
NOTIFICATIONS_EMAIL_SWEEP_MAX_HOURS = env_int("NOTIFICATIONS_EMAIL_SWEEP_MAX_HOURS", 24)

# Profile photos: uploads larger than these are refused; accepted ones are re-encoded
# (JPEG, or PNG when transparent) and scaled down to fit RSE_PHOTO_SIZE pixels.
RSE_PHOTO_MAX_BYTES = env_int("RSE_PHOTO_MAX_BYTES", 5 * 1024 * 1024)
RSE_PHOTO_MAX_PIXELS = env_int("RSE_PHOTO_MAX_PIXELS", 6000)
RSE_PHOTO_SIZE = env_int("RSE_PHOTO_SIZE", 512)
RSE_DIRECTORY_PAGE_SIZE = env_int("RSE_DIRECTORY_PAGE_SIZE", 20)
# Search: results per page of a section ("show more").
RSE_SEARCH_PAGE_SIZE = env_int("RSE_SEARCH_PAGE_SIZE", 20)
# Search counts stop past this number ("1,000+"), and posts are ranked among the newest
# this many matches: a broad word matches tens of thousands of readable posts, and
# counting or ranking all of them would take seconds.
RSE_SEARCH_MAX_RESULTS = env_int("RSE_SEARCH_MAX_RESULTS", 1000)
# Tag addresses stay ASCII ("réunion" → /tags/reunion/), as the URL patterns expect.
TAGGIT_STRIP_UNICODE_WHEN_SLUGIFYING = True

# The API (api/, README "API"): Django REST framework under /api/v1/, its OpenAPI
# schema by drf-spectacular, personal access tokens and OAuth 2.0 (django-oauth-toolkit).
RSE_API_PAGE_SIZE = env_int("RSE_API_PAGE_SIZE", 20)
RSE_API_PAGE_SIZE_MAX = env_int("RSE_API_PAGE_SIZE_MAX", 100)
RSE_API_TOKEN_MAX_DAYS = env_int("RSE_API_TOKEN_MAX_DAYS", 365)
# Calls allowed per token and per person (all their tokens and sessions together), in
# DRF's syntax (number/second, minute, hour or day); past them: 429 with Retry-After.
RSE_API_RATE_PER_TOKEN = env_str("RSE_API_RATE_PER_TOKEN", "120/minute")
RSE_API_RATE_PER_PERSON = env_str("RSE_API_RATE_PER_PERSON", "300/minute")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.PersonalTokenAuthentication",
        "api.authentication.PersonOAuth2Authentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.PersonWithScope"],
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.PerTokenThrottle",
        "api.throttling.PerPersonThrottle",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.problems.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{env_str('RSE_SITE_NAME', 'RSE')} API",
    "DESCRIPTION": (
        "The enterprise social network's API: the same rules as the site. Authenticate "
        "with a personal access token (Authorization: Bearer rse_pat_…, created at "
        "/me/api-tokens/) or an OAuth 2.0 access token (authorization code + PKCE)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "MembershipStatusEnum": "communities.models.Membership.Status",
        "CaseStatusEnum": "moderation.models.Case.Status",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_problem_responses",
    ],
}
# OAuth 2.0 for intranet and mobile apps: authorization code with PKCE (required), the
# API's three scopes. Applications are registered by administrators in Django admin.
OAUTH2_PROVIDER = {
    "SCOPES": {
        "read": _("Read what you may read"),
        "write": _("Post, comment, like, join and follow as you"),
        "moderate": _("Handle the reports you may handle"),
    },
    "DEFAULT_SCOPES": ["read"],
    "PKCE_REQUIRED": True,
    "ACCESS_TOKEN_EXPIRE_SECONDS": env_int("RSE_OAUTH_ACCESS_TOKEN_SECONDS", 3600),
    "REFRESH_TOKEN_EXPIRE_SECONDS": env_int("RSE_OAUTH_REFRESH_TOKEN_SECONDS", 30 * 24 * 3600),
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"] if DEBUG else ["https"],
    # The OAuth 2.0 Security BCP (RFC 9700): no implicit nor password grant, S256 only,
    # tokens never in the query string, `iss` in the answer, tokens stored hashed,
    # a replayed refresh token revokes its whole family (`check --deploy` asks for it).
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
}

# E-mail: console in embedded mode, SMTP (EMAIL_HOST…) in production.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "RSE <no-reply@example.com>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Languages: French and English, chosen from the browser, switchable.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "Europe/Paris")
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Production serves collected files (collectstatic); embedded mode serves them from the
# source folders directly, so nothing needs collecting before `make run` or the tests.
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles"))) if PRODUCTION else None
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}

# Security: always-on headers, and HTTPS-only cookies and HSTS in production.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 14 * 24 * 3600)
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz(/live|/ready)?$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# Content-Security-Policy (django-csp) on every response: scripts, styles, images, fonts
# and requests from the site itself only (every asset is served by the app; no inline
# script or style attribute is left in the templates), the two-factor QR code as a data:
# image, no plugins, no framing. form-action is not restricted: signing in through the
# company's identity provider follows a form POST with a redirect to it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Permissions-Policy (django-permissions-policy): no page may use these browser features.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
# Audit trail: entries older than this are purged by the daily retention job.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 365)
# The key of the audit trail's hash chain (HMAC): kept outside the database, so whoever
# can write the tables cannot recompute a chain that verifies. Required in production;
# changing it makes the entries written before unverifiable (README, "Audit trail").
_DEV_AUDIT_KEY = "embedded-mode-only-audit-key"  # noqa: S105 - refused in production below
AUDIT_HMAC_KEY = env_str("AUDIT_HMAC_KEY", "" if PRODUCTION else _DEV_AUDIT_KEY)
if PRODUCTION and (len(AUDIT_HMAC_KEY) < 32 or AUDIT_HMAC_KEY in {_DEV_AUDIT_KEY, SECRET_KEY}):
    raise ImproperlyConfigured(
        "Production needs AUDIT_HMAC_KEY: 32 random characters or more, not SECRET_KEY."
    )
# Where the hourly anchor job appends the signed head of the chain (and audit_verify
# reads it back): put it where the database's users cannot write (README).
AUDIT_ANCHOR_PATH = Path(env_str("AUDIT_ANCHOR_PATH", str(BASE_DIR / "audit_anchor")))
# Governance numbers, read by the code and quoted by the default charter alike.
ERASED_DATA_RETENTION_DAYS = env_int("ERASED_DATA_RETENTION_DAYS", 30)
COMMUNITY_INACTIVE_DAYS = env_int("COMMUNITY_INACTIVE_DAYS", 180)
COMMUNITY_DORMANT_GRACE_DAYS = env_int("COMMUNITY_DORMANT_GRACE_DAYS", 30)
# Invitations into a community expire after this many days.
COMMUNITY_INVITATION_DAYS = env_int("COMMUNITY_INVITATION_DAYS", 14)
RSE_COMMUNITIES_PAGE_SIZE = env_int("RSE_COMMUNITIES_PAGE_SIZE", 20)
EXTERNAL_RECONFIRM_DAYS = env_int("EXTERNAL_RECONFIRM_DAYS", 90)
# Lifecycle jobs (lifecycle/): days externals have to re-confirm once it is due; days
# before archiving a dormant community when its managers are reminded; join requests
# left unanswered are closed after COMMUNITY_REQUEST_DAYS; read notifications deleted
# after NOTIFICATIONS_READ_RETENTION_DAYS.
EXTERNAL_RECONFIRM_GRACE_DAYS = env_int("EXTERNAL_RECONFIRM_GRACE_DAYS", 14)
COMMUNITY_DORMANT_REMINDER_DAYS = [
    int(d) for d in env_list("COMMUNITY_DORMANT_REMINDER_DAYS", ["30", "15", "1"])
]
COMMUNITY_REQUEST_DAYS = env_int("COMMUNITY_REQUEST_DAYS", 30)
NOTIFICATIONS_READ_RETENTION_DAYS = env_int("NOTIFICATIONS_READ_RETENTION_DAYS", 90)
# Personal data (privacy/, README "Personal data"). Posts and comments deleted or hidden
# are purged this many days later (quoted by the charter), unless a case or an appeal
# about them is open. The data protection officer's contact, quoted by the charter.
CONTENT_DELETED_RETENTION_DAYS = env_int("CONTENT_DELETED_RETENTION_DAYS", 30)
PRIVACY_DPO_CONTACT = env_str("PRIVACY_DPO_CONTACT", "dpo@example.com")
# Erasure of a departed person (DPO, Django admin): their posts and comments are "keep"
# (signed "Former employee") or "remove" (deleted, then purged by the retention).
PRIVACY_ERASURE_CONTENT = env_str("PRIVACY_ERASURE_CONTENT", "keep")
if PRIVACY_ERASURE_CONTENT not in ("keep", "remove"):
    raise ImproperlyConfigured('PRIVACY_ERASURE_CONTENT is "keep" or "remove".')
# "Download my data": where archives are kept (outside MEDIA_ROOT: served only by the
# owner-only view), how long, how many requests per person in a rolling day, and the
# most bytes of attachments one archive holds (beyond: listed, not included).
PRIVACY_EXPORT_ROOT = Path(env_str("PRIVACY_EXPORT_ROOT", str(BASE_DIR / "exports")))
PRIVACY_EXPORT_DAYS = env_int("PRIVACY_EXPORT_DAYS", 7)
PRIVACY_EXPORTS_PER_DAY = env_int("PRIVACY_EXPORTS_PER_DAY", 3)
PRIVACY_EXPORT_MAX_ATTACHMENT_BYTES = env_int(
    "PRIVACY_EXPORT_MAX_ATTACHMENT_BYTES", 2 * 1024 * 1024 * 1024
)
# Rows per transaction in the jobs; RSE_JOB_BATCH_HOOK (dotted path of a callable run at
# the end of each batch, before it commits) exists for the worker tests only.
RSE_JOB_BATCH_SIZE = env_int("RSE_JOB_BATCH_SIZE", 200)
RSE_JOB_BATCH_HOOK = env_str("RSE_JOB_BATCH_HOOK")
REPORT_AUTO_HIDE_THRESHOLD = env_int("REPORT_AUTO_HIDE_THRESHOLD", 3)
# Roles are groups (created by the migration access.0001_role_groups): members of the
# first moderate everywhere; the second is for the communications team.
RSE_SITE_MODERATORS_GROUP = env_str("RSE_SITE_MODERATORS_GROUP", "Site moderators")
RSE_COMMUNICATIONS_GROUP = env_str("RSE_COMMUNICATIONS_GROUP", "Communications")
# The usage observatory (observatory/, README "Usage observatory"): members of this group
# (created by a migration) see the network dashboard, like administrators. No figure
# computed from fewer than OBSERVATORY_MIN_PEOPLE people is shown; the nightly rollup
# catches up at most OBSERVATORY_CATCH_UP_DAYS missed days.
RSE_OBSERVERS_GROUP = env_str("RSE_OBSERVERS_GROUP", "Observers")
OBSERVATORY_MIN_PEOPLE = max(2, env_int("OBSERVATORY_MIN_PEOPLE", 5))
OBSERVATORY_CATCH_UP_DAYS = env_int("OBSERVATORY_CATCH_UP_DAYS", 31)

# Alerts (alerts/): communities of at least RSE_ALERTS_LARGE_COMMUNITY members alert
# their members of announcements and mentions only unless they ask for every post;
# followed tags alert at RSE_ALERTS_TAG_DEFAULT ("all", "highlights" or "none").
# Recipients are written RSE_ALERTS_BATCH_SIZE at a time. Managers are reminded of a
# join request RSE_ALERTS_REQUEST_REMINDER_DAYS before it expires.
RSE_ALERTS_LARGE_COMMUNITY = env_int("RSE_ALERTS_LARGE_COMMUNITY", 200)
RSE_ALERTS_TAG_DEFAULT = env_str("RSE_ALERTS_TAG_DEFAULT", "all")
RSE_ALERTS_BATCH_SIZE = env_int("RSE_ALERTS_BATCH_SIZE", 1000)
RSE_ALERTS_REQUEST_REMINDER_DAYS = env_int("RSE_ALERTS_REQUEST_REMINDER_DAYS", 3)
# Managers pin at most RSE_PINS_PER_COMMUNITY ordinary posts; an announcement stays
# pinned RSE_ANNOUNCEMENT_DAYS unless given another end.
RSE_PINS_PER_COMMUNITY = env_int("RSE_PINS_PER_COMMUNITY", 3)
RSE_ANNOUNCEMENT_DAYS = env_int("RSE_ANNOUNCEMENT_DAYS", 30)
# The right to disconnect: working hours of whoever did not set their own (days are ISO
# weekdays, 1 = Monday). With RSE_QUIET_HOURS_DEFAULT false, only the people who set
# their own hours have e-mails held.
RSE_QUIET_HOURS_DEFAULT = env_bool("RSE_QUIET_HOURS_DEFAULT", True)
RSE_WORK_TIME_ZONE = env_str("RSE_WORK_TIME_ZONE", TIME_ZONE)
RSE_WORK_START = env_str("RSE_WORK_START", "09:00")
RSE_WORK_END = env_str("RSE_WORK_END", "18:00")
RSE_WORK_DAYS = env_str("RSE_WORK_DAYS", "12345")
# Web Push (alerts/push.py): the VAPID key pair (base64url, from `manage.py
# alerts_vapid_keys`) and the contact the push services may write to. Without the
# keys, push is off and the settings page says so. Subscriptions must be https, except
# to the hosts of RSE_PUSH_INSECURE_HOSTS (the tests' push service on 127.0.0.1).
RSE_VAPID_PUBLIC_KEY = env_str("RSE_VAPID_PUBLIC_KEY")
RSE_VAPID_PRIVATE_KEY = env_str("RSE_VAPID_PRIVATE_KEY")
RSE_VAPID_SUBJECT = env_str("RSE_VAPID_SUBJECT", "mailto:rse-admin@example.com")
RSE_PUSH_INSECURE_HOSTS = env_list("RSE_PUSH_INSECURE_HOSTS", [])
RSE_PUSH_TTL_SECONDS = env_int("RSE_PUSH_TTL_SECONDS", 24 * 3600)
# Changes the service worker's cache name: browsers fetch the application shell anew.
RSE_APP_VERSION = env_str("RSE_APP_VERSION", "1")

# Webhooks (webhooks/): https only; http to 127.0.0.1/localhost only with
# RSE_WEBHOOKS_ALLOW_HTTP_LOCALHOST (tests, development). Private, loopback, link-local
# and reserved addresses are refused, except the networks of
# RSE_WEBHOOKS_ALLOWED_NETWORKS (CIDR list: an intranet receiver the company trusts).
# Each attempt waits RSE_WEBHOOKS_TIMEOUT_SECONDS at most and reads at most
# RSE_WEBHOOKS_MAX_RESPONSE_BYTES of the answer; a failed one is retried after
# RSE_WEBHOOKS_BACKOFF_SECONDS, doubled each time, RSE_WEBHOOKS_MAX_ATTEMPTS attempts in
# all; a hook is switched off after RSE_WEBHOOKS_DISABLE_AFTER failed deliveries in a
# row. The delivery log is kept RSE_WEBHOOKS_LOG_DAYS.
RSE_WEBHOOKS_ALLOW_HTTP_LOCALHOST = env_bool("RSE_WEBHOOKS_ALLOW_HTTP_LOCALHOST", False)
RSE_WEBHOOKS_ALLOWED_NETWORKS = env_list("RSE_WEBHOOKS_ALLOWED_NETWORKS", [])
RSE_WEBHOOKS_TIMEOUT_SECONDS = env_int("RSE_WEBHOOKS_TIMEOUT_SECONDS", 5)
RSE_WEBHOOKS_MAX_RESPONSE_BYTES = env_int("RSE_WEBHOOKS_MAX_RESPONSE_BYTES", 64 * 1024)
RSE_WEBHOOKS_BACKOFF_SECONDS = env_int("RSE_WEBHOOKS_BACKOFF_SECONDS", 60)
RSE_WEBHOOKS_MAX_ATTEMPTS = env_int("RSE_WEBHOOKS_MAX_ATTEMPTS", 6)
RSE_WEBHOOKS_DISABLE_AFTER = env_int("RSE_WEBHOOKS_DISABLE_AFTER", 5)
RSE_WEBHOOKS_LOG_DAYS = env_int("RSE_WEBHOOKS_LOG_DAYS", 30)

# Moderation: a claim on a case lapses after this many minutes; mutes last at most
# this many days; this many warnings within this many days suggest a mute.
MODERATION_CLAIM_MINUTES = env_int("MODERATION_CLAIM_MINUTES", 30)
MODERATION_MUTE_MAX_DAYS = env_int("MODERATION_MUTE_MAX_DAYS", 365)
MODERATION_ESCALATION_WARNINGS = env_int("MODERATION_ESCALATION_WARNINGS", 3)
MODERATION_ESCALATION_DAYS = env_int("MODERATION_ESCALATION_DAYS", 90)
# The charter must be accepted before contributing; with this on, before reading too.
CHARTER_REQUIRED_TO_READ = env_bool("CHARTER_REQUIRED_TO_READ", False)
# Sign-off: the active members of this group (created by charter.0003) each approve a
# major version before it is published; nobody in the group, no sign-off asked.
CHARTER_APPROVERS_GROUP = env_str("CHARTER_APPROVERS_GROUP", "Charter approvers")
# Consultation on drafts (consultation/): people consulted are told this many hours
# before the end that it closes soon.
CONSULTATION_CLOSING_SOON_HOURS = env_int("CONSULTATION_CLOSING_SOON_HOURS", 48)
# Failed sign-ins recorded per client address and hour; beyond, one "throttled" entry,
# so that an attack cannot fill the disk through the audit trail.
AUDIT_LOGIN_FAILED_PER_HOUR = env_int("AUDIT_LOGIN_FAILED_PER_HOUR", 30)

# Company directory (directory/, README "Company directory"). A directory group named
# on the left feeds the RSE role group on the right ("IdP name=RSE group", comma-
# separated), e.g. DIRECTORY_ROLE_GROUPS="RSE-Moderators=Site moderators".
DIRECTORY_ROLE_GROUPS = dict(
    item.split("=", 1) for item in env_list("DIRECTORY_ROLE_GROUPS") if "=" in item
)
# SCIM calls allowed per client and minute; results per page of a SCIM list at most.
DIRECTORY_SCIM_RATE_LIMIT = env_int("DIRECTORY_SCIM_RATE_LIMIT", 1200)
DIRECTORY_SCIM_MAX_RESULTS = env_int("DIRECTORY_SCIM_MAX_RESULTS", 200)
# SCIM userType values that make a person an external member (case ignored).
DIRECTORY_EXTERNAL_USER_TYPES = [
    t.lower()
    for t in env_list(
        "DIRECTORY_EXTERNAL_USER_TYPES", ["external", "contractor", "guest", "partner"]
    )
]
# LDAP / Active Directory sync (manage.py directory_sync, and the beat job when
# LDAP_URL is set).
LDAP_URL = env_str("LDAP_URL")
LDAP_BIND_DN = env_str("LDAP_BIND_DN")
LDAP_BIND_PASSWORD = env_str("LDAP_BIND_PASSWORD")
LDAP_USER_BASE = env_str("LDAP_USER_BASE")
LDAP_USER_FILTER = env_str("LDAP_USER_FILTER", "(objectClass=inetOrgPerson)")
LDAP_GROUP_BASE = env_str("LDAP_GROUP_BASE")
LDAP_GROUP_FILTER = env_str("LDAP_GROUP_FILTER", "(|(objectClass=groupOfNames)(objectClass=group))")
# "openldap" or "ad": which attributes say a person is disabled and who they are.
LDAP_FLAVOUR = env_str("LDAP_FLAVOUR", "openldap")
# Which attributes carry the country (ISO code) and the legal entity, for the variants
# of the usage charter; empty turns one off. `c` is the standard country attribute
# (Active Directory; on OpenLDAP with an auxiliary class such as `friendlyCountry`).
LDAP_COUNTRY_ATTRIBUTE = env_str("LDAP_COUNTRY_ATTRIBUTE", "c")
LDAP_LEGAL_ENTITY_ATTRIBUTE = env_str("LDAP_LEGAL_ENTITY_ATTRIBUTE", "")
LDAP_SYNC_MINUTES = env_int("LDAP_SYNC_MINUTES", 15)
if LDAP_URL:
    CELERY_BEAT_SCHEDULE["directory-ldap-sync"] = {
        "task": "directory.tasks.ldap_sync",
        "schedule": LDAP_SYNC_MINUTES * 60,
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# Posts: limits on what a post carries (README, "Posts and the home stream").
RSE_POST_MAX_CHARS = env_int("RSE_POST_MAX_CHARS", 10_000)
RSE_COMMENT_MAX_CHARS = env_int("RSE_COMMENT_MAX_CHARS", 5_000)
RSE_ATTACHMENT_MAX_BYTES = env_int("RSE_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
RSE_ATTACHMENTS_PER_POST = env_int("RSE_ATTACHMENTS_PER_POST", 5)
# Attached images: at most RSE_PHOTO_MAX_PIXELS on each side; pages show a re-encoded
# preview of at most this many pixels on its longer side, the original is a download.
RSE_ATTACHMENT_PREVIEW_SIZE = env_int("RSE_ATTACHMENT_PREVIEW_SIZE", 1280)
# Office documents (zip archives): caps read from the archive's directory before any
# part is unpacked, and enforced again while the one part read is inflated.
RSE_ARCHIVE_MAX_MEMBERS = env_int("RSE_ARCHIVE_MAX_MEMBERS", 2000)
RSE_ARCHIVE_MAX_MEMBER_BYTES = env_int("RSE_ARCHIVE_MAX_MEMBER_BYTES", 50 * 1024 * 1024)
RSE_ARCHIVE_MAX_TOTAL_BYTES = env_int("RSE_ARCHIVE_MAX_TOTAL_BYTES", 100 * 1024 * 1024)
RSE_TAGS_PER_POST = env_int("RSE_TAGS_PER_POST", 10)
RSE_TAG_MAX_CHARS = env_int("RSE_TAG_MAX_CHARS", 50)
RSE_STREAM_PAGE_SIZE = env_int("RSE_STREAM_PAGE_SIZE", 20)
# How long a post card's shared HTML stays in the cache (posts.card_cache); 0: no cache.
RSE_CARD_CACHE_SECONDS = env_int("RSE_CARD_CACHE_SECONDS", 24 * 3600)
# Questions (README, "Questions and experts"): how many willing experts a question is
# offered to, how many questions one person is offered at most in seven days.
RSE_QUESTION_EXPERTS = env_int("RSE_QUESTION_EXPERTS", 3)
RSE_QUESTION_OFFERS_PER_WEEK = env_int("RSE_QUESTION_OFFERS_PER_WEEK", 5)
RSE_QUESTIONS_PAGE_SIZE = env_int("RSE_QUESTIONS_PAGE_SIZE", 20)
RSE_EVENTS_PAGE_SIZE = env_int("RSE_EVENTS_PAGE_SIZE", 20)
RSE_IDEAS_PAGE_SIZE = env_int("RSE_IDEAS_PAGE_SIZE", 20)
# Posting rate limits (posts/ratelimits.py), amount/period (s, m, h, d; empty: none):
# per person for posts and comments, per community for posts from everyone. Site
# moderators, and a community's managers and moderators there, are exempt.
RSE_POSTS_PER_PERSON = env_str("RSE_POSTS_PER_PERSON", "10/10m")
RSE_COMMENTS_PER_PERSON = env_str("RSE_COMMENTS_PER_PERSON", "30/10m")
RSE_POSTS_PER_COMMUNITY = env_str("RSE_POSTS_PER_COMMUNITY", "60/10m")

# Request bodies: refused with 413 from their announced length, before any of it is read,
# past RSE_REQUEST_MAX_BYTES (default: a post with all its attachments at their largest,
# and 1 MB of text). Put the same cap on the reverse proxy (client_max_body_size). Form
# fields without files are capped by DATA_UPLOAD_MAX_MEMORY_SIZE; uploads larger than
# FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file while they are checked.
RSE_REQUEST_MAX_BYTES = env_int(
    "RSE_REQUEST_MAX_BYTES", RSE_ATTACHMENTS_PER_POST * RSE_ATTACHMENT_MAX_BYTES + 1024 * 1024
)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)

# Benchmark mode (bench/): floors served by the app and per-request SQL figures in
# response headers. Never on in production.
RSE_BENCH = env_bool("RSE_BENCH", False) and not PRODUCTION
if RSE_BENCH:
    INSTALLED_APPS.append("bench")
    MIDDLEWARE.insert(0, "bench.middleware.QueryStatsMiddleware")
