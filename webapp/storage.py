"""Where voice messages are kept: a small interface, so a deployment can put them in object storage.

The default keeps them in a directory (AUDIO_DIR, by default audio/ in the data folder SAMMEN_DATA), one
folder per resident, so that removing a resident removes their audio with one call.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Protocol

from flask import current_app


class AudioStore(Protocol):
    def put(self, key: str, data: bytes) -> None:
        """Keep DATA whole under KEY, or raise CannotKeep and keep nothing."""

    def get(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None: ...

    def delete_resident(self, resident_id: int) -> None: ...

    def can_write(self) -> bool: ...


def key_for(resident_id: int, name: str) -> str:
    return f"{int(resident_id)}/{name}"


class CannotKeep(Exception):
    """The store could not keep a recording (a full or read-only disk, a folder the server may not write
    to); nothing of it is left. The cause is chained."""


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class LocalAudioStore:
    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        folder, _, name = key.partition("/")
        if not folder.isdigit() or not name or "/" in name or name.startswith("."):
            raise ValueError(f"not a key this store made: {key!r}")
        return self.root / folder / name

    def put(self, key: str, data: bytes) -> None:
        """Written to a temporary file beside it, on disk, then renamed: a reader, or the server after a
        power cut, finds the whole file or none. A full or read-only disk leaves nothing behind."""
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".part-")
        except OSError as error:
            raise CannotKeep(key) from error
        try:
            try:
                _write_all(descriptor, data)
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
            os.replace(temporary, path)
            _sync_folder(path.parent)  # the rename itself reaches the disk
        except OSError as error:
            Path(temporary).unlink(missing_ok=True)
            path.unlink(missing_ok=True)
            raise CannotKeep(key) from error

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def can_write(self) -> bool:
        """A byte written and removed again: a read-only or full disk, or a folder the server's user may not
        write to, shows here rather than at a resident's first voice message."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.root, prefix=".ready-") as probe:
                probe.write(b"\0")
                probe.flush()
        except OSError:
            return False
        return True

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def delete_resident(self, resident_id: int) -> None:
        shutil.rmtree(self.root / str(int(resident_id)), ignore_errors=True)


def audio_store() -> AudioStore:
    """The app's store: AUDIO_STORE if a deployment set one, otherwise the directory AUDIO_DIR."""
    app = current_app._get_current_object()
    store = app.extensions.get("audio_store")
    if store is None:
        store = app.config.get("AUDIO_STORE") or LocalAudioStore(app.config["AUDIO_DIR"])
        app.extensions["audio_store"] = store
    return store
