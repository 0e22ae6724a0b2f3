"""Where voice messages are kept: a small interface, so a deployment can put them in object storage.

The default keeps them in a directory under instance/ (AUDIO_DIR), one folder per resident, so that
removing a resident removes their audio with one call.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Protocol

from flask import current_app


class AudioStore(Protocol):
    def put(self, key: str, data: bytes) -> None: ...

    def get(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None: ...

    def delete_resident(self, resident_id: int) -> None: ...

    def can_write(self) -> bool: ...


def key_for(resident_id: int, name: str) -> str:
    return f"{int(resident_id)}/{name}"


class LocalAudioStore:
    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        folder, _, name = key.partition("/")
        if not folder.isdigit() or not name or "/" in name or name.startswith("."):
            raise ValueError(f"not a key this store made: {key!r}")
        return self.root / folder / name

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written whole, then renamed: a reader never sees half a file.
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as temporary:
            temporary.write(data)
        os.replace(temporary.name, path)

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
    """The app's store: AUDIO_STORE if a deployment set one, otherwise a directory under instance/."""
    app = current_app._get_current_object()
    store = app.extensions.get("audio_store")
    if store is None:
        store = app.config.get("AUDIO_STORE") or LocalAudioStore(app.config["AUDIO_DIR"])
        app.extensions["audio_store"] = store
    return store
