"""`flask secrets create`: the secret key and the pepper, written once into SAMMEN_DATA.

Offered as a Flask plugin command (pyproject.toml's "flask.commands" entry point), because the app itself
refuses to start in production until these files exist: Flask runs a plugin command without loading the app.
"""

from __future__ import annotations

import os

import click

from . import config

secrets_cli = click.Group("secrets", help="The secret key and the pepper, kept in SAMMEN_DATA.")


@secrets_cli.command("create")
def create() -> None:
    """Write SAMMEN_DATA's secret_key and pepper files, readable by this user alone. An existing pepper is
    never replaced: every password and PIN depends on it."""
    data = config.data_folder()
    pepper = data / config.SECRET_FILES["SECRET_PEPPER"]
    if pepper.exists():
        raise click.ClickException(
            f"{pepper} exists already and is not replaced: every password and PIN depends on it."
        )
    for name, file in config.SECRET_FILES.items():
        path = data / file
        if os.environ.get(name):
            click.echo(f"{name} is set in the environment, and the app uses it rather than a file: {path} not written.")
        elif path.exists():
            click.echo(f"{path} exists already and is kept.")
        else:
            config.write_secret(path)
            click.echo(f"Wrote {path} (readable by this user alone).")
    click.echo(config.PEPPER_WARNING)
