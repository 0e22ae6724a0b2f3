"""What an operator's monitor reads: /healthz while the process answers, /readyz while the app can serve,
and the name of what fails when it cannot. Neither needs a sign-in, sets a cookie or says anything of a person."""

from __future__ import annotations

from sqlalchemy import text

from webapp.health import checks

from .factories import run


def test_healthz_answers_without_touching_the_database_or_a_session(app, monkeypatch):
    def no_database():
        raise AssertionError("healthz opened the database")

    monkeypatch.setattr("webapp.db.get_session", no_database)
    response = app.test_client().get("/healthz")
    assert (response.status_code, response.get_data(as_text=True)) == (200, "ok\n")
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_is_ready_at_the_migrations_head(app):
    response = app.test_client().get("/readyz")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == f"ready: migrations at {checks.migration_head()}\n"
    assert "Set-Cookie" not in response.headers


def test_readyz_names_the_database_when_the_schema_is_not_this_releases(app):
    def set_version(version):
        run(app, lambda s: (s.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": version}), s.commit()))

    set_version("0001")
    try:
        response = app.test_client().get("/readyz")
    finally:
        set_version(checks.migration_head())  # a PostgreSQL test database keeps this table between tests
    assert response.status_code == 503
    assert response.get_data(as_text=True) == "not ready: database\n"
    assert response.headers["Retry-After"] == "30"


def test_readyz_names_the_database_when_it_does_not_answer(app, monkeypatch):
    from sqlalchemy.exc import OperationalError

    def down(*args, **kwargs):
        raise OperationalError("SELECT version_num FROM alembic_version", {}, Exception("connection refused"))

    monkeypatch.setattr("sqlalchemy.orm.Session.execute", down)
    response = app.test_client().get("/readyz")
    assert (response.status_code, response.get_data(as_text=True)) == (503, "not ready: database\n")


def test_readyz_names_audio_when_voice_messages_cannot_be_kept(app, tmp_path):
    (tmp_path / "store").mkdir()
    blocked = tmp_path / "store" / "audio"
    blocked.write_text("a file where the folder should be")
    app.config["AUDIO_DIR"] = str(blocked)
    app.extensions.pop("audio_store", None)
    response = app.test_client().get("/readyz")
    assert (response.status_code, response.get_data(as_text=True)) == (503, "not ready: audio\n")
    assert list((tmp_path / "store").iterdir()) == [blocked]  # nothing left behind


def test_readyz_leaves_no_probe_file_in_the_audio_folder(app, tmp_path):
    app.config["AUDIO_DIR"] = str(tmp_path / "store" / "audio")
    app.extensions.pop("audio_store", None)
    assert app.test_client().get("/readyz").status_code == 200
    assert list((tmp_path / "store" / "audio").iterdir()) == []
