"""Make an archive, restore one into an empty database and audio folder, or check one in a scratch copy."""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import nullcontext
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from . import archive, crypto, database
from .database import BackupError


@dataclass(frozen=True)
class Settings:
    database_url: str
    # None when a deployment keeps voice messages in an AUDIO_STORE of its own: they are backed up with it.
    audio_dir: Path | None
    recipient: str = ""
    app_version: str = "unknown"


@dataclass(frozen=True)
class Created:
    path: Path
    manifest: dict

    @property
    def encrypted(self) -> bool:
        return self.path.name.endswith(".age")


@dataclass(frozen=True)
class Restored:
    manifest: dict
    counts: dict[str, int]

    @property
    def rows(self) -> int:
        return sum(count for name, count in self.counts.items() if name != database.VERSION_TABLE)

    @property
    def audio_files(self) -> int:
        return len(archive.audio_entries(self.manifest))


def archive_path(dest: Path, *, now: datetime, encrypted: bool) -> Path:
    """DEST is the archive's own path when it ends in .tar or .age, otherwise a folder (made if need be) for a
    name with the time."""
    if dest.is_dir() or dest.suffix not in (".tar", ".age"):
        dest.mkdir(mode=0o700, parents=True, exist_ok=True)
        number = 0
        while (dest / archive.archive_name(now, encrypted=encrypted, number=number)).exists():
            number += 1
        return dest / archive.archive_name(now, encrypted=encrypted, number=number)
    if dest.exists():
        raise BackupError(f"{dest} exists already")
    return dest


def create(settings: Settings, dest: Path, *, now: datetime | None = None) -> Created:
    to = crypto.recipient(settings.recipient) if settings.recipient else None
    began = now or datetime.now(UTC)
    path = archive_path(dest, now=began, encrypted=to is not None)
    partial = path.with_name(f".{path.name}.partial")
    with tempfile.TemporaryDirectory(prefix="sammen-backup-") as staging:
        snapshot = database.dump(settings.database_url, Path(staging))
        header = {
            "app_version": settings.app_version,
            "backend": database.backend(settings.database_url),
            "migration": snapshot.revision,
            "created_at": began.isoformat(timespec="seconds"),
            "tables": snapshot.counts,
            "audio": "included" if settings.audio_dir else "not included",
        }
        try:
            with _private_file(partial) as out:
                with crypto.encrypting(out, to) if to else nullcontext(out) as sink:
                    manifest = archive.write(
                        sink, database_file=snapshot.file, audio_root=settings.audio_dir, header=header
                    )
                out.flush()
                os.fsync(out.fileno())
            os.replace(partial, path)  # nobody sees, restores or prunes half an archive
        finally:
            partial.unlink(missing_ok=True)
    return Created(path=path, manifest=manifest)


def _private_file(path: Path):
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")


def refuse_unless_empty(settings: Settings) -> None:
    rows = database.rows_held(settings.database_url)
    if rows:
        raise BackupError(
            f"the database already holds {rows} rows: a backup is restored only into an empty "
            f"database (a new one, or one with the schema and no rows)"
        )
    if settings.audio_dir and any(archive.audio_files(settings.audio_dir)):
        raise BackupError(
            f"the audio folder {settings.audio_dir} already holds voice messages: a backup is "
            f"restored only into an empty one"
        )


def unpack(source: Path, keys: list, into: Path) -> dict:
    if crypto.is_encrypted(source):
        if not keys:
            raise BackupError("the archive is encrypted: give --identity FILE, the private key kept off the server")
        with crypto.decrypting(source, keys) as plain:
            return archive.extract(plain, into)
    with source.open("rb") as plain:
        return archive.extract(plain, into)


def _check_fits(manifest: dict, settings: Settings) -> None:
    target = database.backend(settings.database_url)
    if manifest["backend"] != target:
        raise BackupError(
            f"the archive holds a {manifest['backend']} database and DATABASE_URL names {target}: "
            f"restore it into the same kind"
        )
    if manifest["migration"] is not None and manifest["migration"] not in database.known_revisions():
        raise BackupError(
            f"the archive's schema ({manifest['migration']}) is newer than this release: "
            f"install that release, or a newer one, to restore it"
        )


def restore(settings: Settings, source: Path, keys: list) -> Restored:
    refuse_unless_empty(settings)
    with tempfile.TemporaryDirectory(prefix="sammen-restore-") as folder:
        manifest = unpack(source, keys, Path(folder))
        _check_fits(manifest, settings)
        database.restore(settings.database_url, archive.database_file(manifest, Path(folder)))
        if settings.audio_dir:
            _put_audio(manifest, Path(folder), settings.audio_dir)
    counts = database.row_counts(settings.database_url)
    if counts != manifest["tables"]:
        differ = sorted(
            name
            for name in counts.keys() | manifest["tables"].keys()
            if counts.get(name) != manifest["tables"].get(name)
        )
        raise BackupError(f"the restored rows differ from the manifest's counts in {', '.join(differ)}")
    return Restored(manifest=manifest, counts=counts)


def _put_audio(manifest: dict, unpacked: Path, audio_dir: Path) -> None:
    for entry in archive.audio_entries(manifest):
        target = audio_dir / entry["path"].removeprefix("audio/")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(unpacked / entry["path"], target)
        if archive.sha256_of(target) != entry["sha256"]:
            raise BackupError(f"{target} does not match its checksum after copying: is the disk full?")


def verify(settings: Settings, source: Path, keys: list) -> Restored:
    """Restore into a scratch database and audio folder, compare, and remove both: production is not touched."""
    with database.scratch(settings.database_url) as url, tempfile.TemporaryDirectory(prefix="sammen-verify-") as audio:
        return restore(
            replace(settings, database_url=url, audio_dir=Path(audio) if settings.audio_dir else None), source, keys
        )
