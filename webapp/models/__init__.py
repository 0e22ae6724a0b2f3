"""All tables, importable from one place."""
from .accounts import STAFF_ROLES, AuditEvent, DeviceSession, Role, User
from .joining import ConsentText, HousingArea, PairingLink, SignupDraft, TrustedDevice
from .base import UTCDateTime, timestamp, utcnow
from .records import Appointment, Barrier, CheckIn, Goal, GoalStep
from .timeline import ANSWER_KINDS, Entry, EntryKind

__all__ = [
    "ANSWER_KINDS", "STAFF_ROLES", "Appointment", "AuditEvent", "Barrier", "CheckIn", "DeviceSession", "Entry", "EntryKind",
    "Goal", "GoalStep", "ConsentText", "HousingArea", "PairingLink", "SignupDraft", "TrustedDevice", "Role", "UTCDateTime", "User", "timestamp", "utcnow",
]
