"""A few weeks of check-ins, barriers, goals and appointments for each demo resident, in their language."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session

from .models import COPENHAGEN, Appointment, Barrier, BarrierStatus, CheckIn, Entry, EntryKind, Goal, GoalStep, User
from .timeline import kinds

# days ago → mood, words
CHECKINS = {
    "resident1": [
        (19, 3, None),
        (16, 4, "كان يوماً جيداً في الدورة"),
        (12, 4, None),
        (9, 3, None),
        (6, 2, "ابنتي مريضة"),
        (4, 4, None),
        (2, 5, "أنا متحمسة لزيارة المطبخ"),
    ],
    "resident2": [(17, 2, "کمرم درد می‌کند"), (13, 3, None), (9, 3, None), (5, 4, "ورزش خوب بود"), (2, 4, None)],
    "resident3": [(14, 4, None), (10, 3, None), (5, 2, "Min søn er syg igen"), (3, 2, "Jeg har ikke sovet")],
    "resident4": [(13, 4, None), (8, 5, "I passed my test!"), (4, 4, None), (1, 4, None)],
}

# key, words, status, acknowledged, days ago
BARRIERS = {
    "resident1": [
        ("childcare", "ابنتي في الروضة حتى الساعة الثالثة فقط", "present", True, 18),
        ("danish", None, "better", True, 18),
        ("courage", "لم أعمل منذ سنوات طويلة", "present", False, 3),
    ],
    "resident2": [
        ("physical_health", "کمردرد دارم، نمی‌توانم زیاد ایستاده کار کنم", "present", True, 17),
        ("companion", None, "solved", True, 9),
        ("danish", None, "present", True, 16),
    ],
    "resident3": [
        ("sick_children", "Min søn er tit syg", "present", False, 2),
        ("mental_health", None, "better", True, 14),
    ],
    "resident4": [("hours", "I can work in school hours only", "present", True, 12)],
}

# kind, words, hours, months ahead, status, steps [(text, done)], days ago
GOALS = {
    "resident1": [
        (
            "own",
            "مطبخ مشترك نطبخ فيه للروضات",
            10,
            6,
            "active",
            [("زيارة المطبخ مع ميته", False), ("دورة النظافة الغذائية", False)],
            11,
        ),
        ("danish", "أريد أن أتكلم مع المعلمة في الروضة", None, None, "active", [("الذهاب إلى مقهى اللغة", True)], 17),
    ],
    "resident2": [
        ("health", "ورزش هفته‌ای یک بار", None, None, "active", [("رفتن به ورزش خانم‌ها روز چهارشنبه", True)], 9),
        ("danish", "صنف زبان دنمارکی که با وقت من جور بیاید", None, 3, "active", [], 2),
    ],
    "resident3": [
        (
            "internship",
            "Praktik i en butik, få timer om ugen",
            15,
            3,
            "active",
            [("Skrive CV færdigt", True), ("Ringe til Netto i centret", False)],
            6,
        )
    ],
    "resident4": [
        (
            "internship",
            "An internship in a shop or a warehouse",
            20,
            2,
            "active",
            [("Visit the shop in the centre", False), ("Print my CV", True)],
            12,
        )
    ],
}

# created by advisor?, days ahead, clock, place, with whom, interpreter, needs, response, response reason
APPOINTMENTS = {
    "resident1": [
        (True, 5, "09:00", "Køkkenet, Østergade 12", "company", "ar", {"needs_companion"}, "coming", None),
        (True, 12, "10:00", "Beboerhuset", "advisor", "ar", {"needs_childcare"}, None, None),
    ],
    "resident2": [
        (True, 8, "10:00", "Sprogcenteret, Vejlevej 5", "course", "fa_AF", {"needs_transport"}, "coming", None),
        (False, 15, "08:30", "Lægehuset", "doctor", None, set(), None, None),
    ],
    "resident3": [(True, 2, "13:00", "Beboerhuset", "advisor", None, set(), "move", None)],
    "resident4": [(True, 3, "13:00", "Butikken i centret", "company", None, {"needs_companion"}, "coming", None)],
}


def load(session: Session, users: dict[str, User], moment) -> list[Entry]:
    """Make the records; return their timeline entries for the caller to add in time order.

    `moment(days_ago, 'HH:MM')` gives a UTC datetime. Call inside the demo's write transaction.
    """
    entries: list[Entry] = []
    for username in CHECKINS:
        resident = users[username]
        advisor = session.get(User, resident.advisor_id)
        add = _collector(entries, resident)
        _checkins(session, resident, moment, add)
        _barriers(session, resident, advisor, moment, add)
        _goals(session, resident, advisor, moment, add)
        _appointments(session, resident, advisor, moment, add)
    return entries


def _collector(entries: list[Entry], resident: User):
    def add(author, kind, at, **fields) -> None:
        entries.append(
            Entry(
                resident_id=resident.id,
                author_id=author.id,
                kind=kind,
                created_at=at,
                seen_at=at + timedelta(hours=2) if author.id == resident.id else None,
                **fields,
            )
        )

    return add


def _checkins(session, resident, moment, add) -> None:
    for days, mood, words in CHECKINS[resident.username]:
        at = moment(days, "08:15")
        checkin = CheckIn(resident_id=resident.id, day=at.date(), mood=mood, words=words, created_at=at, updated_at=at)
        session.add(checkin)
        session.flush()
        add(
            resident, EntryKind.CHECKIN, at, checkin_id=checkin.id, body=words, data=kinds.checkin(mood, replaced=False)
        )


def _barriers(session, resident, advisor, moment, add) -> None:
    for key, words, status, acknowledged, days in BARRIERS[resident.username]:
        at = moment(days, "09:30")
        barrier = Barrier(
            resident_id=resident.id,
            key=key,
            words=words,
            status=status,
            created_at=at,
            updated_at=at,
            acknowledged_at=at + timedelta(hours=5) if acknowledged else None,
            acknowledged_by=advisor.id if acknowledged else None,
        )
        session.add(barrier)
        session.flush()
        add(resident, EntryKind.BARRIER_ADDED, at, barrier_id=barrier.id, body=words, data=kinds.barrier(key))
        if acknowledged:
            add(
                advisor, EntryKind.BARRIER_SEEN, at + timedelta(hours=5), barrier_id=barrier.id, data=kinds.barrier(key)
            )
        if status != BarrierStatus.PRESENT:
            add(
                resident,
                EntryKind.BARRIER_STATUS,
                moment(max(days - 5, 1), "11:00"),
                barrier_id=barrier.id,
                data=kinds.barrier(key, status),
            )


def _goals(session, resident, advisor, moment, add) -> None:
    for kind, words, hours, months, status, steps, days in GOALS[resident.username]:
        at = moment(days, "10:10")
        month = _months_ahead(at.date(), months) if months else None
        goal = Goal(
            resident_id=resident.id,
            kind=kind,
            words=words,
            hours_per_week=hours,
            target_month=month,
            status=status,
            created_at=at,
            updated_at=at,
        )
        session.add(goal)
        session.flush()
        add(resident, EntryKind.GOAL_ADDED, at, goal_id=goal.id, data=kinds.goal(goal))
        for n, (text, done) in enumerate(steps):
            step_at = at + timedelta(hours=1 + n)
            session.add(
                GoalStep(
                    goal_id=goal.id,
                    text=text,
                    created_by=advisor.id if n % 2 else resident.id,
                    created_at=step_at,
                    done_at=moment(1, "16:00") if done else None,
                    done_by=resident.id if done else None,
                )
            )
            add(
                advisor if n % 2 else resident,
                EntryKind.STEP_ADDED,
                step_at,
                goal_id=goal.id,
                body=text,
                data=kinds.goal_name(goal),
            )


def _months_ahead(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    return date(day.year + month_index // 12, month_index % 12 + 1, 1)


def _appointments(session, resident, advisor, moment, add) -> None:
    for by_advisor, days_ahead, clock, place, with_whom, interpreter, needs, response, reason in APPOINTMENTS[
        resident.username
    ]:
        author = advisor if by_advisor else resident
        made = moment(3, "14:00")
        appointment = Appointment(
            resident_id=resident.id,
            created_by=author.id,
            starts_at=moment(-days_ahead, clock),
            place=place,
            with_whom=with_whom,
            interpreter=interpreter,
            needs_childcare="needs_childcare" in needs,
            needs_companion="needs_companion" in needs,
            needs_transport="needs_transport" in needs,
            created_at=made,
            updated_at=made,
        )
        while appointment.starts_at.astimezone(COPENHAGEN).weekday() >= 5:  # meetings happen on weekdays
            appointment.starts_at += timedelta(days=1)
        session.add(appointment)
        session.flush()
        add(
            author,
            EntryKind.APPOINTMENT_ADDED,
            made,
            appointment_id=appointment.id,
            data=kinds.appointment(appointment),
        )
        if response:
            answered = moment(1, "18:20")
            appointment.response, appointment.response_reason = response, reason
            appointment.version, appointment.response_version, appointment.updated_at = 2, 2, answered
            add(
                resident,
                EntryKind.APPOINTMENT_ANSWERED,
                answered,
                appointment_id=appointment.id,
                data=kinds.appointment(appointment, response=response, reason=reason, words=None),
            )
