"""PINs and passwords: argon2id over an HMAC with a pepper kept outside the database."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

PIN_MIN, PIN_MAX = 4, 8
PASSWORD_MIN = 12

# Refused when a PIN is chosen: the ones tried first by anyone guessing.
COMMON_PINS = frozenset(
    {
        "1234",
        "0000",
        "1111",
        "2222",
        "3333",
        "4444",
        "5555",
        "6666",
        "7777",
        "8888",
        "9999",
        "1212",
        "2580",
        "1004",
        "2000",
        "4321",
        "6969",
        "1122",
        "1313",
        "0852",
        "12345",
        "123456",
        "654321",
        "111111",
        "000000",
        "123123",
        "1234567",
        "12345678",
        "87654321",
        "11111111",
        "00000000",
        "0123",
        "01234",
        "012345",
        "9876",
        "98765",
        "987654",
        "2468",
        "1357",
        "1998",
        "1999",
        "2001",
        "2020",
        "2024",
        "2025",
        "2026",
    }
)


def is_pin(text: str) -> bool:
    return text.isascii() and text.isdigit() and PIN_MIN <= len(text) <= PIN_MAX


def is_common_pin(pin: str) -> bool:
    if pin in COMMON_PINS or len(set(pin)) == 1:
        return True
    steps = {int(b) - int(a) for a, b in zip(pin, pin[1:], strict=False)}
    return steps in ({1}, {-1})  # runs such as 3456 or 8765


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(
        time_cost=cfg["ARGON2_TIME_COST"],
        memory_cost=cfg["ARGON2_MEMORY_KIB"],
        parallelism=cfg["ARGON2_PARALLELISM"],
    )


def _peppered(secret: str) -> bytes:
    pepper = current_app.config["SECRET_PEPPER"].encode()
    return hmac.new(pepper, secret.encode(), hashlib.sha256).digest()


def hash_secret(secret: str) -> str:
    return _hasher().hash(_peppered(secret))


def verify_secret(stored_hash: str, secret: str) -> bool:
    try:
        return _hasher().verify(stored_hash, _peppered(secret))
    except (VerificationError, InvalidHashError):
        return False


def dummy_hash() -> str:
    """A hash no secret matches, made with the current parameters: checking a secret against it
    costs what checking a real one does, so a name without an account answers no faster."""
    cfg = current_app.config
    return _dummy_hash(cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_KIB"], cfg["ARGON2_PARALLELISM"])


@lru_cache(maxsize=4)
def _dummy_hash(time_cost: int, memory_kib: int, parallelism: int) -> str:
    hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)
    return hasher.hash(secrets.token_bytes(32))
