"""The archive: a tar with the database dump under database/, each voice file under audio/<resident>/, and
manifest.json last, which names every file with its size and sha256. The app's archives, and only they, are
named sammen-backup-<UTC time>.tar, or .tar.age when encrypted."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tarfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from .database import BackupError

FORMAT = 1
MANIFEST = "manifest.json"
NAME = re.compile(r"sammen-backup-(\d{8}T\d{6}Z)(?:-\d+)?\.tar(?:\.age)?")
MEMBER = re.compile(r"database/[a-z0-9_.]+|audio/\d+/[^/.][^/]*")
CHUNK = 1 << 16


def archive_name(at: datetime, *, encrypted: bool, number: int = 0) -> str:
    suffix = f"-{number}" if number else ""
    return f"sammen-backup-{at.astimezone(UTC):%Y%m%dT%H%M%SZ}{suffix}.tar{'.age' if encrypted else ''}"


def made_at(name: str) -> datetime | None:
    """When an archive of the app's was made, read from its name; None for any other file."""
    found = NAME.fullmatch(name)
    return datetime.strptime(found.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC) if found else None


def audio_files(root: Path) -> Iterator[tuple[str, Path]]:
    """The store's files, as `<resident>/<name>`; names that begin with a dot are its temporary files."""
    if not root.is_dir():
        return
    for folder in sorted(root.iterdir()):
        if folder.is_dir() and not folder.is_symlink() and folder.name.isdigit():
            for path in sorted(folder.iterdir()):
                if not path.name.startswith(".") and path.is_file() and not path.is_symlink():
                    yield f"{folder.name}/{path.name}", path


class _Hashing:
    def __init__(self, file: BinaryIO):
        self.file, self.sha256 = file, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        self.sha256.update(data)
        return data


def _member(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o600, int(time.time())
    return info


def _add_file(tar: tarfile.TarFile, name: str, path: Path) -> dict | None:
    """None when the file went away meanwhile (its resident was erased): the archive is still whole."""
    try:
        file = path.open("rb")
    except FileNotFoundError:
        return None
    with file:
        # The store replaces a file by renaming, never writes into one: the open file keeps its size.
        size = os.fstat(file.fileno()).st_size
        hashing = _Hashing(file)
        tar.addfile(_member(name, size), hashing)
    return {"path": name, "bytes": size, "sha256": hashing.sha256.hexdigest()}


def write(out: BinaryIO, *, database_file: Path, audio_root: Path | None, header: dict) -> dict:
    """Stream the archive into `out`; returns the manifest it ends with."""
    files = []
    with tarfile.open(fileobj=out, mode="w|", format=tarfile.PAX_FORMAT) as tar:
        files.append(_add_file(tar, f"database/{database_file.name}", database_file))
        for key, path in audio_files(audio_root) if audio_root else ():
            entry = _add_file(tar, f"audio/{key}", path)
            if entry:
                files.append(entry)
        manifest = {"format": FORMAT, **header, "files": files}
        data = json.dumps(manifest, indent=2, sort_keys=True).encode()
        tar.addfile(_member(MANIFEST, len(data)), BytesIO(data))
    return manifest


def extract(source: BinaryIO, into: Path) -> dict:
    """Unpack an archive read from `source`, and check every file against the manifest."""
    try:
        with tarfile.open(fileobj=source, mode="r|") as tar:
            for member in tar:
                if not member.isfile() or not (member.name == MANIFEST or MEMBER.fullmatch(member.name)):
                    raise BackupError(f"not an archive of this app: it holds {member.name!r}")
                _write_member(tar, member, into)
    except tarfile.TarError as error:
        raise BackupError(f"not a readable archive: {error}") from error
    if not (into / MANIFEST).is_file():
        raise BackupError("the archive has no manifest: it is cut short or not one of this app's")
    manifest = json.loads((into / MANIFEST).read_text())
    check(manifest, into)
    return manifest


def _write_member(tar: tarfile.TarFile, member: tarfile.TarInfo, into: Path) -> None:
    """A plain file, by a name MEMBER allows (no "..", no absolute path), with no owner or mode of the archive's:
    what tarfile's "data" filter does, which Debian 12's Python 3.11.2 does not have yet."""
    target = into / member.name
    target.parent.mkdir(parents=True, exist_ok=True)
    with tar.extractfile(member) as data, target.open("wb") as out:
        shutil.copyfileobj(data, out)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def check(manifest: dict, folder: Path) -> None:
    """Every file the manifest names is in `folder` with its checksum, and no other."""
    named = {entry["path"]: entry["sha256"] for entry in manifest["files"]}
    present = {str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file()} - {MANIFEST}
    if present - named.keys():
        raise BackupError(f"the archive holds a file its manifest does not name: {sorted(present - named.keys())[0]}")
    for name, sha256 in named.items():
        if name not in present:
            raise BackupError(f"{name} is missing from the archive")
        if sha256_of(folder / name) != sha256:
            raise BackupError(f"{name} does not match its checksum in the manifest: the archive was changed or damaged")


def database_file(manifest: dict, folder: Path) -> Path:
    (entry,) = [entry for entry in manifest["files"] if entry["path"].startswith("database/")]
    return folder / entry["path"]


def audio_entries(manifest: dict) -> list[dict]:
    return [entry for entry in manifest["files"] if entry["path"].startswith("audio/")]
