"""Settings for the Ombudsman decision tracker.

Everything comes from environment variables (see the README's configuration table). With
nothing set the product runs on its embedded default: SQLite, Celery tasks run eagerly
in-process and e-mail printed to the console. With DEBUG off it refuses to start without
a real SECRET_KEY and ALLOWED_HOSTS.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=True)

_DEV_SECRET_KEY = "django-insecure-embedded-default-only-for-local-use"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", default=_DEV_SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

if not DEBUG:
    # What `check --deploy` asks of a key (security.W009): 50 characters, 5 different.
    if SECRET_KEY.startswith("django-insecure") or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            "DEBUG is off: set SECRET_KEY to a random value of at least 50 characters "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    if env_str("ALLOWED_HOSTS") is None:
        raise ImproperlyConfigured(
            "DEBUG is off: set ALLOWED_HOSTS to the host names the site is served on "
            "(comma-separated)."
        )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # The trigram indexes of the lists' searches (decisions.models): an index's operator
    # class around an expression is written as PostgreSQL takes it once this is loaded.
    "django.contrib.postgres",
    "django_filters",
    "simple_history",
    "axes",
    "csp",
    "mozilla_django_oidc",
    # The second factor of password sign-ins (ombudsman/two_factor.py): authenticator
    # apps' codes and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ombudsman",  # template tags shared by every page
    "decisions",
    "remedies",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Permissions-Policy on every response (see PERMISSIONS_POLICY below).
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's, writing the session only when its expiry moves on (ombudsman/sessions.py).
    "ombudsman.sessions.IdleSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Whether the session has passed a second factor (request.user.is_verified()).
    "django_otp.middleware.OTPMiddleware",
    # Cache-Control: no-store on whatever is sent to someone signed in.
    "ombudsman.middleware.no_store_when_signed_in",
    # In the admin, a NUL in the query string is the 400 page before a filter queries with
    # it (after the user is known, so that the page has the person's navigation).
    "ombudsman.middleware.RefuseNulInAdminQuery",
    # Every page needs a login unless its view is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # ...and, for those who must give a second factor, that they have (two_factor.py).
    "ombudsman.two_factor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records the logged-in user on every history row (the audit trail's "who").
    "simple_history.middleware.HistoryRequestMiddleware",
    # Content-Security-Policy on every response (see CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    # Login throttling; django-axes wants its middleware last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ombudsman.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ombudsman.context_processors.navigation",
            ],
        },
    },
]

# Django's form renderer with the select and input widgets written out in Python (the same
# text as its templates, a fraction of the time: ombudsman/widgets.py).
FORM_RENDERER = "ombudsman.widgets.WidgetRenderer"

WSGI_APPLICATION = "ombudsman.wsgi.application"

# Embedded default: a SQLite file beside the code. DATABASE_URL selects PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", default=60, minimum=0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiler spends more time compiling the lists' and dashboard's
    # queries than it saves at national scale (measured: the decisions list 706 -> 436 ms).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    # psycopg prepares a statement only where the code asks (ombudsman.statements.planned_once):
    # Django's own cursors bind values in the text, which is never prepared, and psycopg's
    # own count of repeats never reaches this. Django's default (None) forbids preparing.
    DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", 2**31)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # The NCSC's advice for accounts without a second factor: long passwords, at least 12.
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one user name
# from one address, that pair is refused for AXES_COOLOFF_MINUTES, with a page saying so
# (429). A right password resets the count. Axes' backend must come first. Then a person's
# permissions, read in one query (ombudsman/backends.py); Django's backend signs people in.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "ombudsman.backends.PermissionsBackend",
    # Single sign-on (below); it answers no question of permissions.
    "ombudsman.sso.SingleSignOnBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", default=5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", default=15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
# The client's address (django-ipware reads it for axes). AXES_PROXY_COUNT is the number of
# reverse proxies in front of the application (0: none, REMOTE_ADDR is the client). Each
# proxy appends the address it was reached from to X-Forwarded-For and the nearest one is
# REMOTE_ADDR, so the client is the AXES_PROXY_COUNT-th entry from the right; anything a
# client wrote further left is ignored. ipware counts only the proxies listed in the header
# (hence - 1), and must not give up on a header with forged extra or malformed entries
# (IPWARE_STRICT): it would then fall back to the proxy's address, shared by everyone.
_PROXY_COUNT = env_int("AXES_PROXY_COUNT", default=0, minimum=0)
IPWARE_ALGORITHM = "modern"
IPWARE_STRICT = False
AXES_IPWARE_PROXY_ORDER = "left-most"
AXES_IPWARE_PROXY_COUNT = _PROXY_COUNT - 1 if _PROXY_COUNT else None
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR"] if _PROXY_COUNT else ["REMOTE_ADDR"]

# Sessions end after SESSION_IDLE_MINUTES without a request and when the browser closes.
# A request moves the expiry on, writing the session when that moves it by over a minute
# (not on every request: ombudsman/sessions.py), so a session ends between a minute before
# and SESSION_IDLE_MINUTES after the last request, never later. Pages warn two minutes
# before the end the server keeps, with a button to stay signed in (static/src/app.js).
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", default=60, minimum=5)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_ENGINE = "ombudsman.sessions"
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Single sign-on with the council's identity provider over OpenID Connect (ombudsman/sso.py,
# mozilla-django-oidc; how to register the tracker in Microsoft Entra ID: the README). On
# when OIDC_ISSUER (or OIDC_DISCOVERY_URL, where the provider's discovery document is not
# at the issuer's /.well-known/openid-configuration) and OIDC_CLIENT_ID are set. Roles
# come from the groups claim (OIDC_GROUPS_CLAIM) through the mapping administrators set
# in the admin ("Directory groups' roles"). SSO_ONLY turns local passwords off, but for
# active superusers (the break-glass administrators) on their own page.
OIDC_ISSUER = env_str("OIDC_ISSUER", "").rstrip("/")
OIDC_DISCOVERY_URL = env_str("OIDC_DISCOVERY_URL", "") or (
    f"{OIDC_ISSUER}/.well-known/openid-configuration" if OIDC_ISSUER else ""
)
OIDC_RP_CLIENT_ID = env_str("OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET", "")
OIDC_GROUPS_CLAIM = env_str("OIDC_GROUPS_CLAIM", "groups")
SSO_ONLY = env_bool("SSO_ONLY", default=False)
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10  # seconds for any request to the provider (the library waits for ever)
OIDC_CLOCK_SKEW_SECONDS = 60
OIDC_CREATE_USER = True
OIDC_AUTHENTICATE_CLASS = "ombudsman.sso.SignInView"
OIDC_CALLBACK_CLASS = "ombudsman.sso.CallbackView"
AXES_WHITELIST_CALLABLE = "ombudsman.sso.skip_axes"

# A second factor (ombudsman/two_factor.py) for password sign-ins: always for
# administrators, for everyone with SECOND_FACTOR_FOR_EVERYONE, offered to the rest.
SECOND_FACTOR_FOR_EVERYONE = env_bool("SECOND_FACTOR_FOR_EVERYONE", default=False)
OTP_TOTP_ISSUER = "Ombudsman decision tracker"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# A form sent with a stale token gets a page that says so and leads back to the form.
CSRF_FAILURE_VIEW = "ombudsman.views.csrf_failure"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# static/ holds the project's own sources; static/dist/ is built from npm packages by
# scripts/build-static.sh (GOV.UK Frontend and MOJ Frontend are never copied into the repository).
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files in production; plain files while developing and testing
        # so that a template never fails for want of a manifest.
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", default=str(BASE_DIR / "media")))

# Celery: Redis when REDIS_URL is set; otherwise tasks run eagerly in-process.
REDIS_URL = env_str("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=REDIS_URL is None)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# With Redis down, a request that queues work answers at once: one short try to connect,
# no retries (ombudsman.outbox.enqueue also publishes without retry and without waiting on
# the result store). What was not queued waits in its row for the every-minute requeue.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5,
    "socket_connect_timeout": 2,
}  # fmt: skip
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    # Every minute: give back the claims of workers that died and queue again the
    # reminders, digests and committee reports still waiting (ombudsman.outbox), e.g.
    # those recorded while Redis was down. Expires before the next run.
    "requeue-reminders-and-digests": {
        "task": "remedies.requeue_reminders_and_digests",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
    "requeue-committee-reports": {
        "task": "decisions.requeue_committee_reports",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
    # Every night at 02:30 Europe/London: count the annual statistics from the records
    # again and replace the year summaries the writing services keep
    # (decisions.statistics.summary), mending anything written around the services.
    # Expires at 06:30, before the working day: a missed night waits for the next one.
    "rebuild-year-summaries": {
        "task": "decisions.rebuild_year_summaries",
        "schedule": crontab(hour=2, minute=30),
        "options": {"expires": 4 * 60 * 60},
    },
    # Every night at 02:45 Europe/London: work out every complaint's columns for the
    # decisions list from its records again (decisions.complaint_columns), mending
    # anything written around the services. Expires at 06:45, as the one above.
    "rebuild-list-columns": {
        "task": "decisions.rebuild_list_columns",
        "schedule": crontab(hour=2, minute=45),
        "options": {"expires": 4 * 60 * 60},
    },
    # Every morning at 07:00 Europe/London (CELERY_TIMEZONE): flag what went overdue,
    # record the reminders due and send each person one e-mail listing theirs (one task
    # per person). Expires at noon so a beat that was down does not fire it late in the
    # day; the next morning's run catches up anything missed.
    "overdue-sweep": {
        "task": "remedies.run_overdue_sweep",
        "schedule": crontab(hour=7, minute=0),
        "options": {"expires": 5 * 60 * 60},
    },
    # Mondays at 08:00 Europe/London, after the sweep has flagged the morning's overdue
    # actions: one summary e-mail to each manager and service-area lead with something to
    # report. Expires at noon so a beat that was down does not send Monday's summary late;
    # `manage.py send_weekly_digest` sends it by hand, still once per person per week.
    "weekly-digest": {
        "task": "remedies.send_weekly_digests",
        "schedule": crontab(hour=8, minute=0, day_of_week="mon"),
        "options": {"expires": 4 * 60 * 60},
    },
}

# E-mail: SMTP when EMAIL_HOST is set, files in EMAIL_FILE_PATH when that is set (for
# trials and tests), otherwise printed to the console.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", default=587, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
elif EMAIL_FILE_PATH:
    # Django's file backend that can say whether a message was already written
    # (ombudsman.mail: a retry after an accepted send is not sent again).
    EMAIL_BACKEND = "ombudsman.mail.FileBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Seconds an SMTP connection may hang: well inside the send tasks' time limit.
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", default="ombudsman-tracker@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
    # Health checks come from inside the container network over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_HTTPONLY = True
# No script reads the CSRF cookie: the token travels in each form (and the sign-out
# warning's request takes it from its form).
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp 4): only the site's own scripts, styles, images and
# fonts; no inline script or style, no plugins, no framing. Charts are inline SVG (markup,
# not script); the report preview's images are data: URIs.
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
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Permissions-Policy (django-permissions-policy): the tracker uses no camera, microphone,
# location, payment or other device feature, so none may be used by any page or frame.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "bluetooth", "camera", "display-capture",
        "encrypted-media", "fullscreen", "geolocation", "gyroscope", "hid", "idle-detection",
        "magnetometer", "microphone", "midi", "payment", "publickey-credentials-get",
        "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
    )
}  # fmt: skip

# simple-history: keep who made each change; the request middleware fills it in.
SIMPLE_HISTORY_REVERT_DISABLED = True

# Pages.
LIST_PAGE_SIZE = env_int("LIST_PAGE_SIZE", default=25, minimum=1)
# From how many matching rows a list sorted by a related record (the actions by
# organisation, service area, owner or reference) reads its page group by group on
# PostgreSQL (ombudsman.groupwalk) rather than sorting them all. Below it the plain sort
# takes a few milliseconds, and a walk through groups holding few of the rows can cost
# more: at 600,000 actions, 170 of them (one due date) sorted by reference took 3 ms
# sorted, 300 ms walked (through every complaint); 1,620 took 55 and 25 ms; 5,000, 30
# and 7 ms; 20,000 sorted by owner, 127 ms sorted and 1 ms walked.
LIST_GROUP_WALK_FROM = env_int("LIST_GROUP_WALK_FROM", default=1000, minimum=0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs each layout step at INFO ("Step 5 - Creating layout"): keep its
    # warnings (a missing font or image) and drop the chatter.
    "loggers": {"weasyprint": {"level": "WARNING"}, "weasyprint.progress": {"level": "WARNING"}},
}

# Agreed actions and the overdue sweep (see remedies/sweep.py).
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", default=20 * 1024 * 1024, minimum=1)
REMINDER_UPCOMING_DAYS = env_int("REMINDER_UPCOMING_DAYS", default=7, minimum=0)
REMINDER_ESCALATION_DAYS = env_int("REMINDER_ESCALATION_DAYS", default=14, minimum=1)
ENQUIRY_DEFAULT_WORKING_DAYS = env_int("ENQUIRY_DEFAULT_WORKING_DAYS", default=20, minimum=1)
# Links in e-mails point here (no request to build them from in a worker).
SITE_URL = env_str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
if not DEBUG and env_str("SITE_URL") is None:
    raise ImproperlyConfigured(
        "DEBUG is off: set SITE_URL to the address people open the tracker at "
        "(e.g. https://tracker.example.gov.uk), for the links in reminder e-mails."
    )
