from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from argon2.exceptions import VerificationError

from webapp import create_app, i18n, passwords


@pytest.fixture
def production_app(tmp_path):
    return create_app({"SECRET_PEPPER": "pepper-one", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"})


def test_secrets_are_hashed_with_owasp_argon2id_parameters(production_app):
    with production_app.app_context():
        stored = passwords.hash_secret("4827")
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_the_pepper_is_needed_to_verify(production_app):
    with production_app.app_context():
        stored = passwords.hash_secret("4827")
        assert passwords.verify_secret(stored, "4827")
        assert not passwords.verify_secret(stored, "4828")
    # Without the pepper the hash alone is useless: plain argon2 does not accept the PIN.
    with pytest.raises(VerificationError):
        PasswordHasher().verify(stored, "4827")
    production_app.config["SECRET_PEPPER"] = "another-pepper"
    with production_app.app_context():
        assert not passwords.verify_secret(stored, "4827")


@pytest.mark.parametrize(
    ("typed", "normal"), [("١٢٣٤٥", "12345"), ("۰۹۸۷", "0987"), ("12٣۴", "1234"), (" 4827 ", "4827")]
)
def test_eastern_digits_mean_the_same(typed, normal):
    assert i18n.normalize_digits(typed) == normal


@pytest.mark.parametrize("pin", ["1234", "0000", "1111", "1212", "2580", "4567", "9876", "55555"])
def test_common_pins_are_recognised(pin):
    assert passwords.is_common_pin(pin)


@pytest.mark.parametrize("pin", ["4827", "59037", "730194"])
def test_ordinary_pins_are_accepted(pin):
    assert passwords.is_pin(pin) and not passwords.is_common_pin(pin)


@pytest.mark.parametrize("pin", ["123", "123456789", "12a4", "١٢٣"])
def test_pin_is_4_to_8_ascii_digits_after_normalizing(pin):
    assert not passwords.is_pin(i18n.normalize_digits(pin))
