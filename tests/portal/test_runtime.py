"""The embedded PostgreSQL path: boots in an empty directory, serves queries, stops."""

from __future__ import annotations

import psutil
import psycopg
import pytest


@pytest.mark.slow
def test_embedded_server_boots_serves_and_stops(tmp_path, monkeypatch):
    from portal import runtime

    monkeypatch.setenv("HOSO_VAR_DIR", str(tmp_path))
    assert runtime.var_dir() == tmp_path
    server = runtime.embedded_server()  # the code path `make run` and `make test` take
    try:
        socket_dir = str(server.get_postmaster_info().socket_dir)
        with psycopg.connect(host=socket_dir, user="postgres", dbname="postgres") as conn:
            version = conn.execute("SHOW server_version_num").fetchone()[0]
        assert int(version) >= 150000
        pid = server.get_pid()
        assert psutil.pid_exists(pid)
    finally:
        server.cleanup()
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    assert (tmp_path / "pgdata" / "PG_VERSION").exists()  # the data stays for the next run


def test_local_secret_key_is_generated_once(tmp_path, monkeypatch):
    from portal import runtime

    monkeypatch.setenv("HOSO_VAR_DIR", str(tmp_path))
    first = runtime.local_secret_key()
    assert len(first) >= 50
    assert runtime.local_secret_key() == first
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"
