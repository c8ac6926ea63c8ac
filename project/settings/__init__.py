"""Django settings, all taken from the environment.

With no variables set the project runs embedded: SQLite, the in-memory channel
layer, files under ``data/`` and e-mail printed to the console. ``DATABASE_URL``
and ``REDIS_URL`` switch to PostgreSQL and Redis. The README lists every variable.
"""

from datetime import date, timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from project.settings.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = Path(env_str("DATA_DIR") or BASE_DIR / "data")

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DJANGO_DEBUG is off "
            "(set DJANGO_DEBUG=1 for local development)."
        )
    # A development-only key: sessions signed with it are worthless elsewhere.
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Unfold's plain config leaves the admin site to ours, which admits only
    # clinic admins (admin_theme.sites.ClinicAdminSite).
    "unfold.apps.BasicAppConfig",
    "unfold.contrib.filters",
    "admin_theme.apps.ClinicAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "servestatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "channels",
    # Listed so Swagger UI is served from our static files, not a CDN, which
    # keeps the docs page inside the Content-Security-Policy.
    "ninja",
    "ninja_jwt",
    "ninja_jwt.token_blacklist",
    "django_tasks",
    "django_tasks_db",
    "project.jobs",
    "domain",
    "realtime",
    "forecasting",
    "admin_theme",
    "web",
]

MIDDLEWARE = [
    # First, so the request id and the timing cover everything below it.
    "project.observability.RequestLogMiddleware",
    "project.health.ProbeMiddleware",
    # Outside the others, so it reshapes their answers too.
    "project.failures.FailureMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "project.security.ContentSecurityPolicyMiddleware",
    "servestatic.middleware.ServeStaticMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "project.urls"
ASGI_APPLICATION = "project.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=0)
    if _db["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL.")
    # Under ASGI each request may run on another thread, so persistent
    # connections leak; psycopg's pool hands connections out per request.
    _db["OPTIONS"] = {
        "pool": {
            "min_size": env_int("DB_POOL_MIN_SIZE", 2),
            "max_size": env_int("DB_POOL_MAX_SIZE", 20),
            "timeout": env_int("DB_POOL_TIMEOUT", 10),
            # When the server is unreachable the pool retries each lost
            # connection with a doubling delay (1, 2, 4 ... s) for
            # reconnect_timeout, 5 minutes by default: after an outage of a
            # minute it would keep refusing for up to another minute. Giving
            # up after a few seconds caps the delay at 2 s; a request that
            # then finds no connection starts a new attempt at once.
            "reconnect_timeout": env_int("DB_POOL_RECONNECT_TIMEOUT", 5),
        }
    }
    _db["TEST"] = {"NAME": env_str("DATABASE_TEST_NAME") or None}
    DATABASES = {"default": _db}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "clinic.sqlite3",
            "OPTIONS": {
                # IMMEDIATE makes every transaction take the write lock at its
                # start, so the booking checks inside it cannot race.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                ),
            },
            "TEST": {"NAME": ""},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USING_POSTGRES = bool(DATABASE_URL)

# --- Channels ---------------------------------------------------------------

REDIS_URL = env_str("REDIS_URL")
# Channels offers two Redis layers: "pubsub" (Redis PUBLISH to every process
# subscribed to a group) and "core" (per-channel lists, groups kept as sorted
# sets). `make bench` measures both; see bench/README.md.
CHANNEL_LAYER_BACKENDS = {
    "pubsub": "channels_redis.pubsub.RedisPubSubChannelLayer",
    "core": "channels_redis.core.RedisChannelLayer",
}
CHANNEL_LAYER = env_choice("CHANNEL_LAYER", "pubsub", tuple(CHANNEL_LAYER_BACKENDS))
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": CHANNEL_LAYER_BACKENDS[CHANNEL_LAYER],
            "CONFIG": {
                "hosts": [REDIS_URL],
                "prefix": env_str("CHANNEL_PREFIX", "clinic"),
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Cache (rate-limit counters) ---------------------------------------------

# Counters must be shared by every app process, so with Redis configured they
# live there; the short socket timeouts keep a Redis outage from stalling
# requests (the rate limiter lets requests through when the cache is down).
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CHANNEL_PREFIX", "clinic"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Background tasks -------------------------------------------------------

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# Workers (manage.py run_worker) beat this often. A job whose worker has been
# silent for WORKER_STALE_AFTER_SECONDS goes back in the queue, up to
# WORKER_MAX_ATTEMPTS claims in all; then it is marked failed.
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 5)
WORKER_STALE_AFTER_SECONDS = env_int("WORKER_STALE_AFTER_SECONDS", 60)
WORKER_MAX_ATTEMPTS = env_int("WORKER_MAX_ATTEMPTS", 3)
if WORKER_HEARTBEAT_SECONDS < 1 or WORKER_MAX_ATTEMPTS < 1:
    raise ImproperlyConfigured(
        "WORKER_HEARTBEAT_SECONDS and WORKER_MAX_ATTEMPTS must be at least 1."
    )
if WORKER_STALE_AFTER_SECONDS < 2 * WORKER_HEARTBEAT_SECONDS:
    # Any less and a live worker between two beats would look dead.
    raise ImproperlyConfigured(
        "WORKER_STALE_AFTER_SECONDS must be at least twice WORKER_HEARTBEAT_SECONDS."
    )

# --- Waitlist ---------------------------------------------------------------

# How long a freed slot is held for the waiting patient it is offered to.
WAITLIST_OFFER_MINUTES = env_int("WAITLIST_OFFER_MINUTES", 10)

# --- Forecasting ------------------------------------------------------------

# Clinic holidays the demand model knows about (comma-separated ISO dates).
FORECAST_HOLIDAYS = [
    date.fromisoformat(day) for day in env_list("FORECAST_HOLIDAYS", [])
]
# A day is flagged high demand when the expected load reaches this share of the
# doctor's capacity for it.
FORECAST_HIGH_DEMAND_SHARE = env_int("FORECAST_HIGH_DEMAND_PERCENT", 90) / 100
# CPU threads the forecaster may use for training (the machine is shared).
FORECAST_THREADS = env_int("FORECAST_THREADS", 1)
# Hour of the day (UTC) of the nightly retraining (forecasting/tasks.py).
FORECAST_RETRAIN_HOUR = env_int("FORECAST_RETRAIN_HOUR", 2)

# --- Auth -------------------------------------------------------------------

AUTH_USER_MODEL = "domain.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
EMAIL_VERIFICATION = env_choice(
    "EMAIL_VERIFICATION", "mandatory", ("mandatory", "optional")
)

NINJA_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env_int("JWT_ACCESS_MINUTES", 15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env_int("JWT_REFRESH_DAYS", 7)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "ALGORITHM": "HS256",
    "SIGNING_KEY": SECRET_KEY,
    "LEEWAY": 30,
    "UPDATE_LAST_LOGIN": True,
}

RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", True)
# Scopes of domain/api/ratelimit.py: "count/period", period s, m, h or d with
# an optional multiple ("20/10m"). Sign-in counts failures only; the others
# count every attempt.
RATE_LIMITS = {
    "login_account": "5/m",
    "login_ip": "20/m",
    "register_ip": "5/m",
    "register_account": "5/m",
    "password_reset_ip": "5/m",
    "booking_patient": "10/m",
}
# Mails one account may be sent in an hour, counted from the audit trail. Past
# the reset limit a request is answered as usual but sends nothing (no hint to
# whoever probes addresses); past the resend limit the caller gets 429.
PASSWORD_RESET_MAILS_PER_HOUR = env_int("PASSWORD_RESET_MAILS_PER_HOUR", 3)
VERIFICATION_RESENDS_PER_HOUR = env_int("VERIFICATION_RESENDS_PER_HOUR", 3)

# --- Files, static, e-mail --------------------------------------------------

STATIC_URL = "/static/"
# Outside DATA_DIR in the image, so a volume mounted for files cannot hide it.
STATIC_ROOT = Path(env_str("STATIC_ROOT") or DATA_DIR / "static")
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
PRIVATE_FILES_ROOT = DATA_DIR / "private"
PRIVATE_STORAGE_BUCKET = env_str("PRIVATE_STORAGE_BUCKET")
if PRIVATE_STORAGE_BUCKET:
    # S3-compatible object storage (django-storages, the ``s3`` extra). Files
    # stay private: no public ACL, and nothing hands out their URLs; downloads
    # go through the authorised endpoint.
    _private_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": PRIVATE_STORAGE_BUCKET,
            "endpoint_url": env_str("PRIVATE_STORAGE_ENDPOINT_URL") or None,
            "region_name": env_str("PRIVATE_STORAGE_REGION") or None,
            "access_key": env_str("PRIVATE_STORAGE_ACCESS_KEY") or None,
            "secret_key": env_str("PRIVATE_STORAGE_SECRET_KEY") or None,
            "location": env_str("PRIVATE_STORAGE_PREFIX", "private"),
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
else:
    _private_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_FILES_ROOT, "base_url": None},
    }
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": _private_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "servestatic.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
SERVESTATIC_USE_FINDERS = DEBUG
SERVESTATIC_AUTOREFRESH = DEBUG

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Clinic <no-reply@clinic.local>")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Admin (Unfold) ---------------------------------------------------------

UNFOLD = {
    "SITE_TITLE": "Clinic admin",
    "SITE_HEADER": "Clinic",
    "SITE_SUBHEADER": "Appointments and care",
    "SITE_SYMBOL": "local_hospital",
    "SITE_URL": "/",
    "SHOW_HISTORY": True,
    "SHOW_VIEW_ON_SITE": False,
    "ENVIRONMENT": "admin_theme.callbacks.environment",
    "DASHBOARD_CALLBACK": "admin_theme.dashboard.dashboard_callback",
    "COLORS": {
        "primary": {
            "50": "oklch(97.9% .021 166.113)",
            "100": "oklch(95% .052 163.051)",
            "200": "oklch(90.5% .093 164.15)",
            "300": "oklch(84.5% .143 164.978)",
            "400": "oklch(76.5% .177 163.223)",
            "500": "oklch(69.6% .17 162.48)",
            "600": "oklch(59.6% .145 163.225)",
            "700": "oklch(50.8% .118 165.612)",
            "800": "oklch(43.2% .095 166.913)",
            "900": "oklch(37.8% .077 168.94)",
            "950": "oklch(26.2% .051 172.552)",
        },
    },
    "SIDEBAR": {
        "show_search": True,
        "show_all_applications": False,
        "navigation": "admin_theme.navigation.sidebar",
    },
}

# --- Care: verification, reminders, uploads ---------------------------------

# How long an e-mail verification link stays valid.
EMAIL_VERIFICATION_MAX_AGE_HOURS = env_int("EMAIL_VERIFICATION_MAX_AGE_HOURS", 72)
# Password reset links (Django's token generator) expire after this long.
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_MINUTES", 60) * 60
# Reminders go out this long before the visit; the sweep catches any missed.
REMINDER_LEAD_HOURS = env_int("REMINDER_LEAD_HOURS", 24)
REMINDER_SWEEP_MINUTES = env_int("REMINDER_SWEEP_MINUTES", 15)
REPORT_MAX_BYTES = env_int("REPORT_MAX_BYTES", 10 * 1024 * 1024)
PROFILE_PHOTO_MAX_BYTES = env_int("PROFILE_PHOTO_MAX_BYTES", 5 * 1024 * 1024)
# Longest side of a stored profile photo, in pixels.
PROFILE_PHOTO_MAX_SIDE = env_int("PROFILE_PHOTO_MAX_SIDE", 512)

# --- Locale -----------------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Proxy and security -----------------------------------------------------

# Number of reverse proxies in front of the app whose X-Forwarded-For entries
# are trusted when recording a client's IP address in the audit log and when
# counting requests per address for rate limits.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Behind a TLS-terminating proxy the app itself sees plain HTTP; the proxy's
# X-Forwarded-Proto says what the client used. Only trusted when a proxy is
# declared, since a client talking to the app directly could forge it.
if TRUSTED_PROXY_COUNT > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# HTTPS_ONLY switches on everything a site served only over HTTPS wants:
# redirect to HTTPS, secure cookies and HSTS. Each can be tuned on its own.
HTTPS_ONLY = env_bool("HTTPS_ONLY", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS_ONLY)
# Liveness and readiness probes come from inside the platform over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^livez$", r"^readyz$"]
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", HTTPS_ONLY)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", HTTPS_ONLY)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS_ONLY else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Preloading is a promise about a whole registrable domain that takes months to
# undo, and a platform subdomain (*.up.railway.app) cannot be preloaded at all;
# it stays the domain owner's choice, so its reminder is not a deploy failure.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (project/security.py). Our own pages load scripts
# and styles only from this origin. The admin (Unfold) runs Alpine.js, whose
# standard build evaluates expressions with Function(), and writes inline
# styles, so its policy is wider; it is only served to staff.
CSP_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
CSP_PATH_POLICIES = {
    "/admin/": {
        "script-src": ["'self'", "'unsafe-inline'", "'unsafe-eval'"],
        "style-src": ["'self'", "'unsafe-inline'"],
    },
    # Swagger UI sets element styles from script.
    "/api/v1/docs": {"style-src": ["'self'", "'unsafe-inline'"]},
}
CSP_REPORT_ONLY = env_bool("CSP_REPORT_ONLY", False)

# --- Logging ----------------------------------------------------------------

LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
LOG_FORMAT = env_choice("LOG_FORMAT", "plain" if DEBUG else "json", ("plain", "json"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "project.observability.RequestIdFilter"},
    },
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
        },
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # uvicorn configures its own loggers before Django starts; routing them
        # through our handler keeps every line in one format. Its access log is
        # replaced by project.observability's one line per request.
        "uvicorn": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "uvicorn.error": {"level": LOG_LEVEL},
        "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
    },
}
