"""Settings from the environment, with safe defaults for a development machine."""

from __future__ import annotations

import contextlib
import os
import secrets
import sys
import tempfile
from datetime import timedelta
from ipaddress import ip_network
from pathlib import Path
from typing import NoReturn

PACKAGE = Path(__file__).resolve().parent


def bundled(name: str) -> Path:
    """translations/ or migrations/: inside the installed package (a wheel carries them there,
    see setup.py), or at the top of the repository in a checkout."""
    inside = PACKAGE / name
    return inside if inside.is_dir() else PACKAGE.parent / name


def from_checkout() -> bool:
    """A checkout keeps translations/ at the top of the repository; an installed wheel carries them inside the
    package (setup.py). An installed wheel is production: it needs SAMMEN_DATA and its secrets given."""
    return not (PACKAGE / "translations").is_dir()


def data_folder() -> Path:
    """SAMMEN_DATA: the folder for the secrets, voice messages, backups and the default SQLite database. A
    checkout defaults to instance/; an installed wheel has no default, since Flask's would be inside the
    virtual environment, which an upgrade replaces and the server's user may not write to."""
    given = os.environ.get("SAMMEN_DATA", "").strip()
    if given:
        return Path(given).expanduser().resolve()
    if from_checkout():
        return PACKAGE.parent / "instance"
    refuse_to_start(
        "SAMMEN_DATA is not set: set it to the folder where the server keeps its secrets, voice "
        "messages and backups, outside the virtual environment (e.g. SAMMEN_DATA=/srv/sammen/data)."
    )


# Each secret, when the environment does not give it, is read from this file in the data folder.
SECRET_FILES = {"SECRET_KEY": "secret_key", "SECRET_PEPPER": "pepper"}
PEPPER_WARNING = (
    "Keep a copy of the pepper apart from the database backups: with both, anyone can test PINs and passwords "
    "offline.\nIf the pepper is lost, every password and PIN stops working: residents must pair their phones "
    "again, and staff need password reset links."
)


def folder(path: Path) -> Path:
    """PATH, made if missing (for the server's user alone), or the app stops saying why."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        refuse_to_start(f"The folder {path} cannot be made: {error.strerror}. Check SAMMEN_DATA and who owns it.")
    return path


def write_secret(path: Path) -> None:
    """A new random secret in PATH, readable by this user alone (as mkstemp makes files). Linked into place
    whole, so another process never reads half of it, and never over an existing file (FileExistsError)."""
    folder(path.parent)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    try:
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(48))
        os.link(temporary, path)
    finally:
        os.unlink(temporary)


def secret(data: str, name: str) -> str | None:
    """NAME from the environment, or from its file in the data folder. In a checkout a random one is
    made there on first use; production makes none, so that a lost pepper is noticed, not replaced."""
    if os.environ.get(name):
        return os.environ[name]
    path = Path(data) / SECRET_FILES[name]
    if from_checkout() and not path.exists():
        with contextlib.suppress(FileExistsError):  # another process starting at once made it first
            write_secret(path)
    try:
        return path.read_text().strip() or None
    except FileNotFoundError:
        return None
    except OSError as error:
        refuse_to_start(f"{path} cannot be read: {error.strerror}. Check who owns it.")


def secrets_from(data: str) -> dict:
    found = {name: secret(data, name) for name in SECRET_FILES}
    missing = [name for name, value in found.items() if not value]
    if missing:
        names, verb = " and ".join(missing), "are" if len(missing) > 1 else "is"
        files = " or ".join(SECRET_FILES[name] for name in missing)
        refuse_to_start(
            f"{names} {verb} not set, and {data} holds no {files} file. Run `flask --app webapp "
            f"secrets create` once to write them there, or set them in the environment."
            + ("\n" + PEPPER_WARNING if "SECRET_PEPPER" in missing else "")
        )
    return found


def default_database_url(instance_path: str) -> str:
    return f"sqlite:///{folder(Path(instance_path)) / 'webapp.sqlite3'}"


def _proxies(text: str | None) -> int:
    """TRUSTED_PROXIES: unset means none. Anything but a whole number stops the app at start: read as 0, a
    "true" would silently leave every client with the proxy's address and cookies without Secure."""
    if text is None or not text.strip():
        return 0
    if not text.strip().isdigit():
        refuse_to_start(
            f"TRUSTED_PROXIES must be a whole number: how many proxies stand in front of the app "
            f"(usually 1), or 0 for none. It is {text!r}."
        )
    return int(text)


def _metrics_allow(text: str | None) -> str:
    """METRICS_ALLOW: addresses or networks, separated by commas; loopback when unset. One that is neither
    stops the app at start, rather than serve /metrics to nobody, or to more than meant."""
    text = text if text and text.strip() else "127.0.0.1,::1"
    try:
        for part in filter(None, (part.strip() for part in text.split(","))):
            ip_network(part, strict=False)
    except ValueError as error:
        refuse_to_start(
            f"METRICS_ALLOW must be addresses or networks separated by commas, such as 127.0.0.1,10.0.0.0/8: {error}."
        )
    return text


def _second_factor(text: str | None) -> bool:
    """STAFF_SECOND_FACTOR: on unless set to "off", which only the demo and the tests do. Anything else stops
    the app at start rather than guess which of the two was meant."""
    value = (text or "on").strip().lower()
    if value not in ("on", "off"):
        refuse_to_start(
            f"STAFF_SECOND_FACTOR must be on (the default; always in production) or off (the demo "
            f"and the tests only). It is {text!r}."
        )
    return value == "on"


# gunicorn's exit code for a worker that cannot boot: with it the whole server stops instead of starting
# worker after worker.
CANNOT_BOOT = 3


def refuse_to_start(message: str) -> NoReturn:
    """A setting the app cannot run with: say what to set, in one line, and stop."""
    print(message, file=sys.stderr)
    raise SystemExit(CANNOT_BOOT)


def load(instance_path: str) -> dict:
    env = os.environ
    return {
        # SECRET_KEY signs the cookies; SECRET_PEPPER is mixed into every PIN and password before hashing,
        # never stored in the database.
        **secrets_from(instance_path),
        "DATA_DIR": instance_path,
        "DATABASE_URL": env.get("DATABASE_URL") or default_database_url(instance_path),
        # Where residents and staff reach the app, e.g. https://sammen.example.dk: links in QR codes are
        # built from it, and requests for any other host are refused.
        "PUBLIC_URL": (env.get("PUBLIC_URL") or "").strip().rstrip("/"),
        # OWASP's argon2id minimum: 19 MiB, 2 iterations, 1 lane.
        "ARGON2_MEMORY_KIB": 19456,
        "ARGON2_TIME_COST": 2,
        "ARGON2_PARALLELISM": 1,
        "MAX_CONTENT_LENGTH": 64 * 1024,
        # Voice messages: the upload route alone takes a larger body (timeline/views.py).
        "VOICE_MAX_BYTES": 2 * 1024 * 1024,
        "VOICE_MAX_SECONDS": 120,
        # CPU seconds the check of one upload may use (timeline/voice.py); a real two-minute
        # recording needs 0.1 to 0.3 s, and 1 s in 2.5 ms packets. Whole seconds: the kernel counts no finer.
        "VOICE_CHECK_CPU_SECONDS": 3,
        # Checks one server process runs at once; more uploads are answered "busy" straight away,
        # so that of `make run`'s 4 threads a process always has 2 for pages.
        "VOICE_CHECKS_AT_ONCE": 2,
        # Per person, refused uploads counted too (each costs a check). Recording, hearing back and
        # sending takes longer than 10 s, so nobody who talks reaches it.
        "VOICE_UPLOADS_PER_MINUTE": 6,
        "AUDIO_DIR": env.get("AUDIO_DIR") or str(Path(instance_path) / "audio"),
        # An age public key ("age1…"): `backup create` encrypts to it, so the server cannot read its own backups.
        "BACKUP_RECIPIENT": (env.get("BACKUP_RECIPIENT") or "").strip(),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env.get("SESSION_COOKIE_SECURE", "").lower() in ("1", "true", "yes"),
        # How many proxies (e.g. nginx terminating TLS) stand in front of the app. Their
        # X-Forwarded-For and X-Forwarded-Proto are then believed, so the sign-in limits count
        # the real client address, and cookies are Secure and HSTS is sent on HTTPS.
        # 0 (the default) believes no such header: anyone could send one.
        "TRUSTED_PROXIES": _proxies(env.get("TRUSTED_PROXIES")),
        # Who may read /metrics (after TRUSTED_PROXIES is applied); everyone else gets a 404.
        "METRICS_ALLOW": _metrics_allow(env.get("METRICS_ALLOW")),
        # The cookie of a resident's phone lives as long as their device session;
        # staff cookies end with the browser and their sessions on the server sooner.
        "PERMANENT_SESSION_LIFETIME": timedelta(days=30),
        "RESIDENT_SESSION_LIFETIME": timedelta(days=30),
        "STAFF_SESSION_LIFETIME": timedelta(hours=12),
        "STAFF_IDLE_TIMEOUT": timedelta(minutes=30),
        # Staff confirm a password sign-in with a passkey or an authenticator app's code (auth/second_factor/).
        "STAFF_SECOND_FACTOR": _second_factor(env.get("STAFF_SECOND_FACTOR")),
        # A resident on the community-house tablet: signed out after 2 minutes without a touch.
        "TABLET_SESSION_LIFETIME": timedelta(hours=1),
        "TABLET_IDLE_TIMEOUT": timedelta(minutes=2),
        "TABLET_IDLE_GRACE": timedelta(seconds=30),
        "TABLET_WARNING": timedelta(seconds=30),
        # Words in the message box of a page whose person signed out in another tab (or window) are kept
        # for them when that page next asks the server, within this time; an idle sign-out keeps them always.
        "UNSENT_KEPT_AFTER_SIGN_OUT": timedelta(minutes=10),
        "PAIRING_LINK_LIFETIME": timedelta(minutes=15),
        "SIGNUP_DRAFT_LIFETIME": timedelta(hours=1),
        # Per address: opening bad pairing links; per helper: residents signed up.
        "PAIRING_FAILURE_LIMIT": 20,
        "SIGNUP_LIMIT_PER_HOUR": 30,
        # Browsers keep a cookie at most 400 days; a paired phone is asked to pair again after that.
        "DEVICE_COOKIE_NAME": "sammen_device",
        "DEVICE_COOKIE_MAX_AGE": timedelta(days=400),
        # The CSRF token lives as long as the session, so a form left open still submits.
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "da",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Copenhagen",
        "BABEL_TRANSLATION_DIRECTORIES": str(bundled("translations")),
        "POLL_SECONDS": 10,
        "TIMELINE_PAGE_SIZE": 30,
        # Refused sign-in tries from one address in 15 minutes before the staff form refuses it too. A paired
        # phone or a registered tablet is never held back by it (every tablet in a community house shares
        # one address); it still counts their wrong tries. Generous: colleagues share addresses as well.
        "ADDRESS_FAILED_LOGIN_LIMIT": 200,
        # How long things are kept (`flask --app webapp retention run`); the consent text says these.
        # A resident with no sign-in and no entry for this long is erased; their advisor is told a month before.
        "ERASE_WHEN_AWAY": timedelta(days=365),
        "ERASE_WARNING": timedelta(days=30),
        # A resident who stopped, or whom the coordinator erases "in 30 days", is erased this long after.
        "ERASE_GRACE": timedelta(days=30),
        # Addresses in the audit log are cleared after this; sign-in events and events about erased residents go.
        "AUDIT_ADDRESS_KEPT": timedelta(days=90),
        "AUDIT_EVENTS_KEPT": timedelta(days=730),
    }
