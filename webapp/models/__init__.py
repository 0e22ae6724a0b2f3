"""All tables, importable from one place."""
from .accounts import STAFF_ROLES, AuditEvent, DeviceSession, Role, User
from .joining import ConsentText, HousingArea, PairingLink, SignupDraft, TrustedDevice
from .base import UTCDateTime, timestamp, utcnow
from .records import Appointment, Barrier, CheckIn, ContactRequest, Goal, GoalStep
from .drafts import StaffDraft
from .timeline import ANSWER_KINDS, Entry, EntryKind

__all__ = [
    "ANSWER_KINDS", "STAFF_ROLES", "Appointment", "AuditEvent", "Barrier", "CheckIn", "ContactRequest", "DeviceSession", "Entry", "EntryKind",
    "Goal", "GoalStep", "ConsentText", "HousingArea", "PairingLink", "SignupDraft", "StaffDraft", "TrustedDevice", "Role", "UTCDateTime", "User", "timestamp", "utcnow",
]
