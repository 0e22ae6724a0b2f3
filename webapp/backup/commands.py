"""flask backup create | restore | prune, and flask upgrade (a backup, then the migrations)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import click
from alembic import command
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from .. import oplog
from . import archive, crypto, database, operations
from . import prune as pruning
from .database import BackupError

backup_cli = AppGroup("backup", help="Backups of the database and the voice messages, and restoring them.")

NOT_ENCRYPTED = (
    "The archive is NOT encrypted and holds health data: set BACKUP_RECIPIENT to an age public key "
    "so that it is (README, Backups)."
)


def settings_of(app: Flask) -> operations.Settings:
    try:
        version = metadata.version("webapp")
    except metadata.PackageNotFoundError:
        version = "unknown"
    audio = None if app.config.get("AUDIO_STORE") else Path(app.config["AUDIO_DIR"])
    return operations.Settings(
        database_url=app.config["DATABASE_URL"],
        audio_dir=audio,
        recipient=app.config.get("BACKUP_RECIPIENT", ""),
        app_version=version,
    )


def default_folder(app: Flask) -> Path:
    """<DATA_DIR>/backups, or instance/backups where no data folder is set."""
    return Path(app.config.get("DATA_DIR") or app.instance_path) / "backups"


def rows_of(counts: dict[str, int]) -> int:
    return sum(count for name, count in counts.items() if name != database.VERSION_TABLE)


@contextmanager
def said_in_one_line(step: str, **fields: object) -> Iterator[None]:
    """What stops a backup or restore is said in one line, and logged, rather than as a traceback."""
    try:
        yield
    except (BackupError, SQLAlchemyError, OSError) as error:
        oplog.event("backup.failed", step=step, **fields)
        if isinstance(error, SQLAlchemyError):
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
            raise click.ClickException(f"the database cannot be read: {reason}") from error
        raise click.ClickException(str(error)) from error


def make_backup(app: Flask, dest: Path | None) -> operations.Created:
    settings = settings_of(app)
    if not settings.recipient:
        click.echo(NOT_ENCRYPTED, err=True)
    if settings.audio_dir is None:
        click.echo(
            "Voice messages are kept in AUDIO_STORE, not in this archive: back them up with that store.", err=True
        )
    with said_in_one_line("create"):
        created = operations.create(settings, dest or default_folder(app))
    manifest = created.manifest
    size = created.path.stat().st_size
    audio = len(archive.audio_entries(manifest))
    oplog.event(
        "backup.created",
        file=created.path.name,
        bytes=size,
        encrypted=created.encrypted,
        tables=len(manifest["tables"]),
        rows=rows_of(manifest["tables"]),
        audio_files=audio,
        migration=manifest["migration"],
    )
    click.echo(
        f"Backup written: {created.path} ({size} bytes, {'encrypted' if created.encrypted else 'NOT encrypted'}"
        f"; {rows_of(manifest['tables'])} rows in {len(manifest['tables'])} tables, "
        f"{audio} voice message{'' if audio == 1 else 's'})."
    )
    return created


@backup_cli.command("create")
@click.argument("dest", required=False, type=click.Path(path_type=Path))
def create(dest: Path | None) -> None:
    """Write one archive with the database, the voice messages and a manifest. DEST: a folder (a name with the
    UTC time is made) or a file ending .tar or .age; default <SAMMEN_DATA>/backups, or instance/backups."""
    make_backup(current_app, dest)


@backup_cli.command("restore")
@click.argument("src", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--identity",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The age private key file, for an encrypted archive.",
)
@click.option(
    "--verify",
    is_flag=True,
    help="Restore into a scratch database and audio folder, compare, and remove them; production is not touched.",
)
def restore(src: Path, identity: Path | None, verify: bool) -> None:
    """Restore SRC into an empty database and an empty audio folder (with --verify: only check that it would)."""
    settings = settings_of(current_app)
    step = "verify" if verify else "restore"
    with said_in_one_line(step, file=src.name):
        keys = crypto.identities(identity) if identity else []
        done = (operations.verify if verify else operations.restore)(settings, src, keys)
    oplog.event(
        "backup.verified" if verify else "backup.restored",
        file=src.name,
        tables=len(done.counts),
        rows=done.rows,
        audio_files=done.audio_files,
        migration=done.manifest["migration"],
    )
    what = (
        f"{done.rows} rows in {len(done.counts)} tables and {done.audio_files} "
        f"voice message{'' if done.audio_files == 1 else 's'}"
    )
    if verify:
        click.echo(
            f"Verified {src.name}: {what} restored in a scratch copy and match the manifest. "
            f"Nothing in production was touched."
        )
        return
    click.echo(f"Restored {src.name}: {what}, as the manifest says.")
    if settings.audio_dir is None and done.audio_files:
        click.echo("The voice messages were not restored: this app keeps them in AUDIO_STORE.", err=True)
    head = database.head_revision()
    if done.manifest["migration"] != head:
        click.echo(
            f"The database is at migration {done.manifest['migration']} and this release's is {head}: "
            f"run `flask --app webapp db upgrade`."
        )


@backup_cli.command("prune")
@click.argument("folder", required=False, type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option(
    "--daily",
    default=pruning.DAILY,
    show_default=True,
    type=click.IntRange(min=0),
    help="Keep the newest archive of each of the last N days (UTC, today included).",
)
@click.option(
    "--monthly",
    default=pruning.MONTHLY,
    show_default=True,
    type=click.IntRange(min=0),
    help="Keep the newest archive of each of the last M months (this month included).",
)
def prune(folder: Path | None, daily: int, monthly: int) -> None:
    """Delete the archives in FOLDER (default: where `backup create` writes) that are not kept; only files named
    as this app names its archives are ever deleted. The newest archive is always kept."""
    done = pruning.prune(folder or default_folder(current_app), now=datetime.now(UTC), daily=daily, monthly=monthly)
    oplog.event("backup.pruned", kept=len(done.kept), deleted=len(done.deleted), daily=daily, monthly=monthly)
    click.echo(f"Archives kept: {len(done.kept)} · deleted: {len(done.deleted)}")


@click.command("upgrade")
@with_appcontext
@click.option("--dest", type=click.Path(path_type=Path), help="Where the backup goes, as for `backup create`.")
def upgrade(dest: Path | None) -> None:
    """Take a backup (as `backup create`), then run the migrations to this release's head. No backup, no
    migration."""
    from ..cli import alembic_config

    try:
        created = make_backup(current_app, dest)
    except click.ClickException as error:
        raise click.ClickException(f"{error.message}. No migration was run.") from error
    url = current_app.config["DATABASE_URL"]
    before = database.revision(url)
    command.upgrade(alembic_config(url), "head")
    after = database.revision(url)
    oplog.event("upgrade.migrated", before=before, after=after, backup=created.path.name)
    click.echo(
        f"Migrations: {before or 'none'} → {after}"
        if before != after
        else f"Migrations: already at {after}, nothing to run."
    )
