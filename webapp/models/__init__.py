"""All tables, importable from one place."""
from .accounts import STAFF_ROLES, AuditEvent, DeviceSession, Role, User, staff_name_key
from .joining import Consent, ConsentText, HousingArea, PairingLink, PasswordLink, SignupDraft, TrustedDevice
from .base import COPENHAGEN, UTCDateTime, timestamp, utcnow
from .records import Appointment, Barrier, CheckIn, ContactRequest, Goal, GoalStep
from .drafts import StaffDraft
from .outcomes import (FOLLOW_UP_MONTHS, AnswerTime, FollowUp, PartnershipCount, ResidentSituation, Situation,
                       SituationCategory)
from .second_factor import Passkey, RecoveryCode, TotpSecret
from .timeline import ANSWER_KINDS, MESSAGE_KINDS, Entry, EntryKind, ResidentActivity

__all__ = [
    "ANSWER_KINDS", "FOLLOW_UP_MONTHS", "AnswerTime", "FollowUp", "PartnershipCount", "ResidentSituation", "Situation", "SituationCategory", "MESSAGE_KINDS", "COPENHAGEN", "STAFF_ROLES", "Appointment", "AuditEvent", "Barrier", "CheckIn", "ContactRequest", "DeviceSession", "Entry", "EntryKind",
    "Goal", "GoalStep", "Consent", "ConsentText", "HousingArea", "PairingLink", "PasswordLink", "SignupDraft", "StaffDraft", "TrustedDevice", "ResidentActivity", "Role", "Passkey", "RecoveryCode", "TotpSecret", "UTCDateTime", "User", "staff_name_key", "timestamp", "utcnow",
]
