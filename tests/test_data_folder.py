"""What the server keeps lives in one folder, SAMMEN_DATA, and an installed wheel (production) starts only
when it is set and the secrets are given: never inside the virtual environment, never a pepper made up anew.

A wheel install is simulated by making `config.from_checkout` say no; .ci/production-install does it for real."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.cli import cli as flask_cli

from webapp import config, create_app

from .conftest import TEST_CONFIG

SECRETS = ("SECRET_KEY", "SECRET_PEPPER")


@pytest.fixture
def wheel(monkeypatch, tmp_path):
    """An installed wheel: no checkout around it, and none of the settings given yet."""
    monkeypatch.setattr(config, "from_checkout", lambda: False)
    for name in ("SAMMEN_DATA", "AUDIO_DIR", *SECRETS):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'elsewhere.sqlite3'}")
    return monkeypatch


@pytest.fixture
def data(wheel, tmp_path) -> Path:
    folder = tmp_path / "data"
    wheel.setenv("SAMMEN_DATA", str(folder))
    return folder


def flask(*args: str):
    return CliRunner().invoke(flask_cli, ["--app", "webapp", *args])


def started(capsys) -> tuple[int, str]:
    with pytest.raises(SystemExit) as stopped:
        create_app()
    return stopped.value.code, capsys.readouterr().err


def test_a_wheel_without_sammen_data_refuses_to_start_in_one_line_saying_what_to_set(wheel, capsys):
    code, said = started(capsys)
    assert code == config.CANNOT_BOOT
    assert said.count("\n") == 1 and said.startswith("SAMMEN_DATA is not set") and "/srv/sammen/data" in said


def test_a_wheel_without_secrets_refuses_to_start_saying_how_to_make_them_and_why_the_pepper_is_kept_apart(
    data, capsys
):
    code, said = started(capsys)
    assert code == config.CANNOT_BOOT
    assert said.startswith(f"SECRET_KEY and SECRET_PEPPER are not set, and {data} holds no secret_key or pepper file.")
    assert "flask --app webapp secrets create" in said
    assert "apart from the database backups: with both, anyone can test PINs and passwords offline" in said
    assert "every password and PIN stops working: residents must pair their phones again" in said
    assert not (data / "pepper").exists() and not (data / "secret_key").exists()


def test_a_wheel_with_only_the_pepper_missing_names_the_pepper(data, capsys, wheel):
    wheel.setenv("SECRET_KEY", "from-the-environment")
    code, said = started(capsys)
    assert code == config.CANNOT_BOOT and said.startswith("SECRET_PEPPER is not set") and "pepper file" in said


def test_a_wheel_with_a_missing_secret_key_alone_says_nothing_of_the_pepper(data, capsys, wheel):
    wheel.setenv("SECRET_PEPPER", "from-the-environment")
    code, said = started(capsys)
    assert code == config.CANNOT_BOOT and said.startswith("SECRET_KEY is not set") and "pepper" not in said


def test_secrets_create_writes_both_files_for_this_user_alone_and_the_app_reads_them(data):
    made = flask("secrets", "create")
    assert made.exit_code == 0, made.output
    assert "apart from the database backups" in made.output
    for name in ("secret_key", "pepper"):
        assert stat.S_IMODE((data / name).stat().st_mode) == 0o600
        assert len((data / name).read_text()) >= 32
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    app = create_app()
    assert app.config["SECRET_PEPPER"] == (data / "pepper").read_text()
    assert app.config["SECRET_KEY"] == (data / "secret_key").read_text()


def test_secrets_create_never_replaces_a_pepper(data):
    assert flask("secrets", "create").exit_code == 0
    pepper = (data / "pepper").read_text()
    again = flask("secrets", "create")
    assert again.exit_code == 1 and "is not replaced" in again.output
    assert (data / "pepper").read_text() == pepper


def test_secrets_create_keeps_a_secret_key_there_is(data):
    data.mkdir()
    (data / "secret_key").write_text("kept")
    assert flask("secrets", "create").exit_code == 0
    assert (data / "secret_key").read_text() == "kept" and (data / "pepper").exists()


def test_secrets_create_in_a_wheel_without_sammen_data_says_what_to_set(wheel):
    made = flask("secrets", "create")
    assert made.exit_code == config.CANNOT_BOOT and "SAMMEN_DATA is not set" in made.output
    assert "Traceback" not in made.output


def test_secrets_from_the_environment_are_enough_and_no_file_is_written(data, wheel):
    for name in SECRETS:
        wheel.setenv(name, f"{name.lower()}-from-the-environment")
    app = create_app()
    assert app.config["SECRET_PEPPER"] == "secret_pepper-from-the-environment"
    assert not (data / "pepper").exists() and not (data / "secret_key").exists()


def test_in_a_wheel_everything_the_server_keeps_is_in_sammen_data_and_nothing_in_the_venv(data, wheel):
    wheel.delenv("DATABASE_URL")
    assert flask("secrets", "create").exit_code == 0
    app = create_app()
    assert app.instance_path == app.config["DATA_DIR"] == str(data)
    assert app.config["AUDIO_DIR"] == str(data / "audio")
    assert app.config["DATABASE_URL"] == f"sqlite:///{data / 'webapp.sqlite3'}"
    assert flask("db", "upgrade").exit_code == 0
    assert app.test_client().get("/healthz").status_code == 200
    assert not (Path(sys.prefix) / "var" / "webapp-instance").exists()  # Flask's own default in a wheel install
    assert {path.name for path in data.iterdir()} >= {"secret_key", "pepper", "webapp.sqlite3"}


def test_audio_dir_still_chooses_where_voice_messages_go(data, wheel, tmp_path):
    for name in SECRETS:
        wheel.setenv(name, "given")
    wheel.setenv("AUDIO_DIR", str(tmp_path / "recordings"))
    assert create_app().config["AUDIO_DIR"] == str(tmp_path / "recordings")


def test_a_checkout_keeps_its_data_under_instance(monkeypatch):
    monkeypatch.delenv("SAMMEN_DATA", raising=False)
    assert config.from_checkout()
    app = create_app(TEST_CONFIG)
    assert app.config["DATA_DIR"] == app.instance_path == str(Path(config.PACKAGE).parent / "instance")


def test_sammen_data_chooses_the_folder_in_a_checkout_as_well(monkeypatch, tmp_path):
    monkeypatch.setenv("SAMMEN_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    app = create_app(TEST_CONFIG)
    assert app.config["DATA_DIR"] == str(tmp_path / "data")
    assert (tmp_path / "data" / "pepper").exists()  # a checkout still makes its development secrets


def test_workers_starting_at_once_in_a_checkout_all_read_the_one_pepper_made(monkeypatch, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.delenv("SECRET_PEPPER", raising=False)
    with ThreadPoolExecutor(8) as pool:
        peppers = set(pool.map(lambda _: config.secret(str(tmp_path), "SECRET_PEPPER"), range(40)))
    assert peppers == {(tmp_path / "pepper").read_text()} and len(peppers.pop()) >= 32
    assert [path.name for path in tmp_path.iterdir()] == ["pepper"]  # no temporary file left


def test_a_wheel_is_told_from_a_checkout_by_the_catalogs_inside_the_package(monkeypatch, tmp_path):
    monkeypatch.setattr(config, "PACKAGE", tmp_path / "webapp")
    (tmp_path / "webapp").mkdir()
    assert config.from_checkout()
    (tmp_path / "webapp" / "translations").mkdir()
    assert not config.from_checkout()


def test_flask_help_in_a_wheel_without_sammen_data_says_what_to_set_without_a_traceback(wheel):
    shown = flask("--help")
    assert shown.exit_code == config.CANNOT_BOOT
    assert "SAMMEN_DATA is not set" in shown.output and "Traceback" not in shown.output


def test_a_wheel_does_not_offer_translate_and_explains_it_in_one_line(data, wheel):
    for name in SECRETS:
        wheel.setenv(name, "given")
    listed = flask("--help")
    assert listed.exit_code == 0 and "translate" not in listed.output and "secrets" in listed.output
    for args in (["translate", "compile"], ["translate", "update"], ["translate", "--help"]):
        tried = flask(*args)
        assert tried.exit_code == 1 and "Traceback" not in tried.output
        assert tried.output.strip() == (
            "Error: flask translate works in a checkout of the repository; this "
            "installed package carries its translations compiled."
        )


def test_a_checkout_offers_translate(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    listed = flask("--help")
    assert listed.exit_code == 0 and "translate" in listed.output


# --- What the README's production section says ----------------------------------------------------

README = Path(__file__).resolve().parent.parent / "README.md"


def production_section() -> str:
    text = README.read_text()
    return text[text.index("## Production") : text.index("\n## ", text.index("## Production") + 1)]


def production_steps() -> list[str]:
    section = production_section()
    block = section[section.index("```sh\n") + 6 :]
    return [line.split("#")[0].strip() for line in block[: block.index("```")].splitlines()]


def test_the_readme_sets_sammen_data_and_makes_the_secrets_before_the_app_first_starts():
    steps = production_steps()
    assert "SAMMEN_DATA=/srv/sammen/data" in steps  # a line of the settings file the steps load
    loaded = steps.index("cd /srv/sammen && set -a && . ./sammen.env && set +a")
    made = steps.index("runuser -u sammen -- venv/bin/flask --app webapp secrets create")
    assert (
        steps.index("SAMMEN_DATA=/srv/sammen/data")
        < loaded
        < made
        < steps.index("runuser -u sammen -- venv/bin/flask --app webapp db upgrade")
    )
    assert not any("SECRET_KEY" in step or "SECRET_PEPPER" in step for step in steps)


def test_the_readme_says_of_the_pepper_what_the_app_says_when_it_is_missing():
    said = " ".join(production_section().split())
    assert " ".join(config.PEPPER_WARNING.split()) in said
    assert "instance/audio" not in said and "random ones under `instance/` on first start, for development" in said


def test_the_readme_names_the_files_and_folders_the_data_folder_holds(data, wheel):
    wheel.delenv("DATABASE_URL")
    assert flask("secrets", "create").exit_code == 0
    app = create_app()
    said = " ".join(production_section().split())
    assert (
        "the secret key and the pepper (the files `secret_key` and `pepper`), voice messages (`audio/`), "
        "backups (`backups/`), and the SQLite database itself when `DATABASE_URL` is not set"
    ) in said
    assert {path.name for path in data.iterdir()} == {"secret_key", "pepper"}
    assert Path(app.config["DATABASE_URL"].removeprefix("sqlite:///")).parent == data
    assert Path(app.config["AUDIO_DIR"]) == data / "audio"
