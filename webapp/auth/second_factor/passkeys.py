"""Passkeys (WebAuthn, through py_webauthn): registering one, and signing in with it.

User verification is required: the device's own screen lock (fingerprint, face, PIN) unlocks the passkey.
The challenge of each ceremony is kept on the server, on the device session it was made for, and is taken
from there once: a response cannot be replayed, nor answered for another browser's sign-in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import webauthn
from sqlalchemy import update
from sqlmodel import Session, select
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from ... import audit, oplog
from ...db import writing
from ...models import DeviceSession, Passkey, User, utcnow

RP_NAME = "Sammen"


@dataclass(frozen=True)
class RelyingParty:
    id: str  # the host name, e.g. sammen.kolding.dk
    origin: str  # e.g. https://sammen.kolding.dk


def _keep_challenge(session: Session, device_session_id: int, challenge: bytes) -> None:
    with writing(session):
        session.execute(
            update(DeviceSession)
            .where(DeviceSession.id == device_session_id)
            .values(challenge=bytes_to_base64url(challenge))
        )


def _take_challenge(session: Session, device_session_id: int) -> bytes | None:
    """The open challenge, which no later response can use again."""
    kept = session.exec(select(DeviceSession.challenge).where(DeviceSession.id == device_session_id)).first()
    if not kept:
        return None
    with writing(session):
        taken = session.execute(
            update(DeviceSession)
            .where(DeviceSession.id == device_session_id, DeviceSession.challenge == kept)
            .values(challenge=None)
        ).rowcount
    return webauthn.base64url_to_bytes(kept) if taken else None


def _descriptors(session: Session, user: User) -> list[PublicKeyCredentialDescriptor]:
    ids = session.exec(select(Passkey.credential_id).where(Passkey.user_id == user.id)).all()
    return [PublicKeyCredentialDescriptor(id=webauthn.base64url_to_bytes(found)) for found in ids]


def registration_options(session: Session, *, user: User, device_session_id: int, rp: RelyingParty) -> str:
    options = webauthn.generate_registration_options(
        rp_id=rp.id,
        rp_name=RP_NAME,
        user_name=user.username,
        user_display_name=user.display_name,
        user_id=str(user.id).encode(),
        exclude_credentials=_descriptors(session, user),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED, user_verification=UserVerificationRequirement.REQUIRED
        ),
    )
    _keep_challenge(session, device_session_id, options.challenge)
    return webauthn.options_to_json(options)


def register(
    session: Session, *, user: User, device_session_id: int, credential: str, rp: RelyingParty, device: str = ""
) -> bool:
    """Store the new passkey if the response answers this session's challenge; False otherwise."""
    challenge = _take_challenge(session, device_session_id)
    if challenge is None:
        return False
    try:
        verified = webauthn.verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError):
        return False
    with writing(session):
        session.add(
            Passkey(
                user_id=user.id,
                credential_id=bytes_to_base64url(verified.credential_id),
                public_key=verified.credential_public_key,
                sign_count=verified.sign_count,
                device=device[:30],
            )
        )
        audit.record(session, "passkey_added", actor=user, subject=user, device=device)
    oplog.event("second_factor.passkey_added", user_id=user.id)
    return True


def authentication_options(session: Session, *, user: User, device_session_id: int, rp: RelyingParty) -> str:
    options = webauthn.generate_authentication_options(
        rp_id=rp.id,
        allow_credentials=_descriptors(session, user),
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    _keep_challenge(session, device_session_id, options.challenge)
    return webauthn.options_to_json(options)


def _credential_id(credential: str) -> str | None:
    try:
        found = json.loads(credential).get("id")
    except (ValueError, AttributeError):
        return None
    return found if isinstance(found, str) and 0 < len(found) <= 1400 else None


def authenticate(session: Session, *, user: User, device_session_id: int, credential: str, rp: RelyingParty) -> bool:
    """Whether the response is this user's passkey answering this session's challenge, its screen lock used."""
    challenge = _take_challenge(session, device_session_id)
    credential_id = _credential_id(credential)
    passkey = session.exec(
        select(Passkey).where(Passkey.user_id == user.id, Passkey.credential_id == credential_id)
    ).first()
    if challenge is None or passkey is None:
        return False
    try:
        verified = webauthn.verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError):
        return False
    with writing(session):
        session.execute(
            update(Passkey)
            .where(Passkey.id == passkey.id)
            .values(sign_count=verified.new_sign_count, last_used_at=utcnow())
        )
    return True
