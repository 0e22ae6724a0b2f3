"""Usernames a helper can read aloud and a resident can type: two syllables and three digits.

No 0/O, no 1/l/I: the letters i, l and o and the digits 0 and 1 are never used,
and every letter is small, so "bemu-472" cannot be misread.
"""

from __future__ import annotations

import secrets

CONSONANTS = "bdfgkmnprstvz"
VOWELS = "aeu"
DIGITS = "23456789"


def new_username() -> str:
    pick = secrets.choice
    syllables = "".join(pick(CONSONANTS) + pick(VOWELS) for _ in range(2))
    return f"{syllables}-{''.join(pick(DIGITS) for _ in range(3))}"
