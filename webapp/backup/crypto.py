"""age encryption (https://age-encryption.org/v1) through pyrage, streamed: pyrage reads and writes in chunks,
so a thread on one end of a pipe lets the archive be written or read while it is encrypted or decrypted,
and memory does not grow with the size of the database."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import pyrage

from .database import BackupError

MAGIC = b"age-encryption.org/v1\n"


def recipient(text: str) -> pyrage.x25519.Recipient:
    try:
        return pyrage.x25519.Recipient.from_str(text.strip())
    except pyrage.RecipientError as error:
        raise BackupError(
            "BACKUP_RECIPIENT is not an age public key (age1…); make a key pair with age-keygen"
        ) from error


def identities(key_file: Path) -> list[pyrage.x25519.Identity]:
    """The private keys in a file as age-keygen writes it: comment lines, then AGE-SECRET-KEY-1… lines."""
    try:
        lines = key_file.read_text().splitlines()
    except OSError as error:
        raise BackupError(f"cannot read the identity file {key_file}: {error.strerror}") from error
    keys = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    try:
        found = [pyrage.x25519.Identity.from_str(key) for key in keys]
    except pyrage.IdentityError as error:
        raise BackupError(f"{key_file} holds no age private key (AGE-SECRET-KEY-1…)") from error
    if not found:
        raise BackupError(f"{key_file} holds no age private key (AGE-SECRET-KEY-1…)")
    return found


def is_encrypted(path: Path) -> bool:
    with path.open("rb") as file:
        return file.read(len(MAGIC)) == MAGIC


class _Worker(threading.Thread):
    """Runs one pyrage call at one end of a pipe and keeps what it raised for the other end."""

    def __init__(self, call, *args, then_close: BinaryIO | None = None):
        super().__init__(daemon=True)
        self.call, self.args, self.then_close, self.error = call, args, then_close, None
        self.other_end_closed = threading.Event()

    def run(self) -> None:
        try:
            self.call(*self.args)
        except BaseException as error:  # noqa: BLE001 -- handed to the caller's thread
            if not self.other_end_closed.is_set():  # not the broken pipe of a reader that stopped on purpose
                self.error = error
        finally:
            if self.then_close is not None:
                with contextlib.suppress(BrokenPipeError):
                    self.then_close.close()


@contextmanager
def encrypting(out: BinaryIO, to: pyrage.x25519.Recipient) -> Iterator[BinaryIO]:
    """A file to write the plain archive into; what reaches `out` is encrypted to `to`."""
    read_end, write_end = os.pipe()
    source = os.fdopen(read_end, "rb")
    # A worker that fails (a full disk) closes its end, so the writer gets a broken pipe instead of waiting.
    worker = _Worker(pyrage.encrypt_io, source, out, [to], then_close=source)
    worker.start()
    sink = os.fdopen(write_end, "wb")
    try:
        yield sink
    finally:
        # The end of the archive: the worker writes the last chunk and returns. A broken pipe means the worker
        # stopped early; its error is raised below.
        with contextlib.suppress(BrokenPipeError):
            sink.close()
        worker.join()
        if worker.error is not None:
            raise BackupError(f"encryption failed: {worker.error}") from worker.error


@contextmanager
def decrypting(path: Path, keys: list[pyrage.x25519.Identity]) -> Iterator[BinaryIO]:
    """The plain archive, read from an encrypted file as it is decrypted. Each chunk is authenticated: a
    changed or cut file, or a key it was not made for, fails here."""
    read_end, write_end = os.pipe()
    with path.open("rb") as encrypted, os.fdopen(read_end, "rb") as source:
        sink = os.fdopen(write_end, "wb")
        worker = _Worker(pyrage.decrypt_io, encrypted, sink, keys, then_close=sink)
        worker.start()
        try:
            yield source
            while source.read(1 << 16):
                pass  # to the end, so that the last chunk is authenticated too
        finally:
            worker.other_end_closed.set()
            source.close()  # a worker still writing stops with a broken pipe
            worker.join()
            if worker.error is not None:
                raise BackupError("cannot decrypt the archive with this identity, or it is damaged") from worker.error
