"""flask db | translate | demo | users | caseload | retention | partnership"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import click
from alembic import command
from alembic.config import Config as AlembicConfig
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlmodel import func, select

from . import config as settings
from .config import bundled
from .db import get_session
from .models import Role, User

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
POT = TRANSLATIONS / "messages.pot"

db_cli = AppGroup("db", help="Database schema (Alembic migrations).")
translate_cli = AppGroup("translate", help="Extract, update and compile the translations.")
demo_cli = AppGroup("demo", help="The fixed demo data set.")
users_cli = AppGroup("users", help="Accounts.")
caseload_cli = AppGroup("caseload", help="What the advisors' caseloads read.")
retention_cli = AppGroup("retention", help="Keep nothing longer than the consent text promises.")
partnership_cli = AppGroup("partnership", help="The partnership's figures, counted ahead.")


def alembic_config(url: str | None = None) -> AlembicConfig:
    """The migrations the package carries (pyproject.toml's [tool.alembic] is for `alembic` in a checkout)."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(bundled("migrations")))
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    config.set_main_option("sqlalchemy.url", (url or current_app.config["DATABASE_URL"]).replace("%", "%%"))
    return config


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: head)."""
    command.upgrade(alembic_config(), revision)


@db_cli.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Undo migrations down to REVISION (e.g. base)."""
    command.downgrade(alembic_config(), revision)


def _babel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)


@translate_cli.command("update")
def translate_update() -> None:
    """Extract the source strings and merge them into every catalog."""
    _babel(
        "extract",
        "-F",
        "pyproject.toml",
        "-k",
        "_l",
        "--no-location",
        "--sort-output",
        "--omit-header",
        "-o",
        str(POT),
        ".",
    )
    _babel("update", "-i", str(POT), "-d", str(TRANSLATIONS), "--no-fuzzy-matching", "--ignore-obsolete")


@translate_cli.command("compile")
def translate_compile() -> None:
    """Compile every catalog to .mo."""
    _babel("compile", "-d", str(TRANSLATIONS), "--statistics")


@translate_cli.command("init")
@click.argument("locale")
def translate_init(locale: str) -> None:
    """Start a catalog for a new LOCALE."""
    _babel("init", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", locale)


@demo_cli.command("load")
def demo_load() -> None:
    """Load the demo data set when the database has no accounts yet."""
    from . import demo

    db = get_session()
    if not db.exec(select(func.count(User.id))).one():
        demo.load(db)
        click.echo("Demo data loaded.")
    elif demo.is_loaded(db):
        click.echo("The database already has the demo accounts; demo data not loaded again.")
    else:
        click.echo("The database has accounts of its own, so the demo was not loaded: no demo sign-ins to show.")
        return
    demo.print_sign_ins()


@demo_cli.command("pair-links")
@click.option(
    "--base-url", default=None, help="Where the app is served; default PUBLIC_URL, else http://127.0.0.1:$PORT."
)
def demo_pair_links(base_url: str | None) -> None:
    """Print a fresh pairing link for each demo resident, when the demo is loaded (`make run`)."""
    from . import demo, oplog

    db = get_session()
    if not demo.is_loaded(db):
        click.echo("No demo residents in this database, so no pairing links to print.")
        return
    click.echo("Residents sign in on a paired phone. Open a link below in a browser to pair it (15 minutes, once):")
    # Links to try the demo with, not events an operator follows: no log lines between them on the terminal.
    oplog.logger.disabled = True
    try:
        _print_pair_links(db, demo.RESIDENTS, base_url, new_pin=False)
    finally:
        oplog.logger.disabled = False


@users_cli.command("create-coordinator")
@click.argument("username")
@click.option("--name", "display_name", required=True, help="Full name shown in the app.")
@click.option("--locale", default="da", type=click.Choice(["da", "ar", "fa_AF", "en"]))
@click.password_option(help="At least 12 characters; asked for when not given.")
def create_coordinator(username: str, display_name: str, locale: str, password: str) -> None:
    """Create a coordinator account (the first account of a production install)."""
    from . import passwords
    from .auth import services

    if len(password) < passwords.PASSWORD_MIN:
        raise click.BadParameter("at least 12 characters", param_hint="password")
    db = get_session()
    if services.find_user(db, username):
        raise click.ClickException(f"{username} exists already")
    services.create_user(
        db, username=username, display_name=display_name, role=Role.COORDINATOR, secret=password, locale=locale
    )
    click.echo(f"Coordinator {username} created.")


@users_cli.command("reset-password")
@click.argument("username")
@click.option(
    "--base-url", default=None, help="Where the app is served; default PUBLIC_URL, else http://127.0.0.1:$PORT."
)
def reset_password(username: str, base_url: str | None) -> None:
    """Print a one-time link (30 minutes) with which staff member USERNAME chooses a new password; using it
    signs them out everywhere and clears their second factor. For the coordinator too."""
    from flask import url_for

    from .auth import password_links, services

    db = get_session()
    user = services.find_user(db, username)
    token = password_links.make_reset_link(db, user=user, actor=None) if user is not None and user.is_staff else None
    if token is None:
        raise click.ClickException(f"no active staff account {username}")
    base_url = base_url or current_app.config["PUBLIC_URL"] or f"http://127.0.0.1:{os.environ.get('PORT', '5000')}"
    with current_app.test_request_context(base_url=base_url):
        link = url_for("password_link.choose_password", token=token, _external=True)
    minutes = int(password_links.RESET_LIFETIME.total_seconds() // 60)
    click.echo(
        f"A password link for {username}, once, for {minutes} minutes. Using it signs {username} out "
        f"everywhere and removes their second factor:\n  {link}"
    )


@users_cli.command("unlock")
@click.argument("username")
def unlock(username: str) -> None:
    """Open an account locked after wrong tries."""
    from .auth import services

    db = get_session()
    user = services.find_user(db, username)
    if user is None:
        raise click.ClickException(f"no account {username}")
    services.unlock(db, actor=None, user=user)
    click.echo(f"{username} unlocked.")


@click.command("pair-link")
@click.argument("usernames", nargs=-1, required=True)
@click.option(
    "--base-url", default=None, help="Where the app is served; default PUBLIC_URL, else http://127.0.0.1:$PORT."
)
@click.option("--new-pin", is_flag=True, help="The link also asks for a new PIN (a forgotten PIN).")
def pair_link(usernames: tuple[str, ...], base_url: str | None, new_pin: bool) -> None:
    """Print a fresh one-time pairing link (15 minutes) for each resident USERNAME."""
    _print_pair_links(get_session(), usernames, base_url, new_pin=new_pin)


def _print_pair_links(db, usernames, base_url: str | None, *, new_pin: bool) -> None:
    from flask import url_for

    from .auth import pairing, services

    base_url = base_url or current_app.config["PUBLIC_URL"] or f"http://127.0.0.1:{os.environ.get('PORT', '5000')}"
    for username in usernames:
        resident = services.find_user(db, username)
        if resident is None or not resident.is_resident:
            raise click.ClickException(f"no resident {username}")
        token = pairing.make_link(db, resident=resident, actor=None, sets_pin=new_pin)
        with current_app.test_request_context(base_url=base_url):
            click.echo(f"  {username:<12} {url_for('pairing.pair', token=token, _external=True)}")


@users_cli.command("erase-resident")
@click.argument("username")
@click.confirmation_option(
    prompt="This removes the resident, their timeline, records and voice messages for good. Go on?"
)
def erase_resident(username: str) -> None:
    """Remove a resident and everything about them, voice messages included."""
    from .auth import erasure, services

    db = get_session()
    resident = services.find_user(db, username)
    if resident is None or not resident.is_resident:
        raise click.ClickException(f"no resident {username}")
    if not erasure.erase_resident(db, resident=resident, actor=None):
        raise click.ClickException(f"no resident {username}")  # erased meanwhile, from elsewhere
    click.echo(f"{username} and everything about them removed.")


@users_cli.command("purge-drafts")
def purge_drafts() -> None:
    """Delete sign-up drafts older than an hour (run from cron; sign-ups also do it as they go)."""
    from .signup import services

    click.echo(f"{services.purge_expired(get_session())} expired sign-up drafts deleted.")


@caseload_cli.command("rebuild")
def caseload_rebuild() -> None:
    """Compute every resident's caseload summary from their timeline again (after entries were
    written or changed with SQL, outside the app)."""
    from .timeline import activity

    click.echo(f"Caseload summary rebuilt for {activity.rebuild(get_session())} residents.")


@retention_cli.command("run")
def retention_run() -> None:
    """Erase the residents who are due, clear old addresses from the audit log, delete old audit events
    and unfinished sign-ups. For cron or a systemd timer, daily: running it twice, or from two places at
    once, does the same. Prints counts, never names."""
    from . import retention

    done = retention.run(get_session())
    click.echo(done.summary())
    if not done.log_emptied:
        click.echo(
            "The SQLite write-ahead log could not be emptied (a reader held it); the next run tries again.", err=True
        )


@partnership_cli.command("count")
def partnership_count() -> None:
    """Count, protect and store the partnership's figures of every month and quarter (the last 24 months and 8
    quarters), for the partnership page to read. For cron or a systemd timer, nightly after `retention run`:
    running it again counts again. Prints one line per period and the time taken, never a figure."""
    from . import oplog
    from .models import utcnow
    from .outcomes import figures

    started = time.perf_counter()
    done = figures.count_periods(
        get_session(),
        now=utcnow(),
        progress=lambda counted: click.echo(
            f"{counted.period.code:<8} {counted.seconds:7.2f} s"
            + (f"  (protected again: {', '.join(counted.again)})" if counted.again else "")
        ),
    )
    seconds = time.perf_counter() - started
    click.echo(f"{len(done)} periods counted in {seconds:.1f} s.")
    oplog.event("partnership.counted", periods=len(done), seconds=round(seconds, 1))


@click.command(
    "translate",
    hidden=True,
    add_help_option=False,
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
)
def translate_needs_a_checkout() -> None:
    """`translate` in an installed package, which carries its catalogs compiled and has no sources to extract."""
    raise click.ClickException(
        "flask translate works in a checkout of the repository; this installed package "
        "carries its translations compiled."
    )


def init_app(app: Flask) -> None:
    translate = translate_cli if settings.from_checkout() else translate_needs_a_checkout
    for group in (db_cli, translate, demo_cli, users_cli, caseload_cli, retention_cli, partnership_cli):
        app.cli.add_command(group)
    app.cli.add_command(pair_link)
    from .backup.commands import backup_cli, upgrade

    app.cli.add_command(backup_cli)
    app.cli.add_command(upgrade)
