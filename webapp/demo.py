"""The fixed demo data set: a few weeks of believable conversation in each resident's language."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import click
from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func
from sqlmodel import Session, select

from . import demo_records, file_openings, passwords
from .db import writing
from .models import (
    COPENHAGEN,
    AuditEvent,
    Entry,
    EntryKind,
    HousingArea,
    ResidentSituation,
    Role,
    Situation,
    User,
    utcnow,
)
from .outcomes import figures, situations
from .signup import consent

STAFF_PASSWORD = "demo-pass-2026"
RESIDENT_PIN = "4827"

AREAS = ["Skovparken", "Nørremarken"]
ACCOUNTS = [
    # username, role, display name, language, advisor, housing area
    ("coordinator", Role.COORDINATOR, "Karin Holm", "da", None, None),
    ("advisor1", Role.ADVISOR, "Mette Sørensen", "da", None, "Skovparken"),
    ("advisor2", Role.ADVISOR, "Jonas Bak", "da", None, "Nørremarken"),
    ("volunteer1", Role.VOLUNTEER, "Amina Yusuf", "da", None, None),
    ("resident1", Role.RESIDENT, "فاطمة الحسن", "ar", "advisor1", "Skovparken"),
    ("resident2", Role.RESIDENT, "مریم احمدی", "fa_AF", "advisor1", "Skovparken"),
    ("resident3", Role.RESIDENT, "Susanne Hansen", "da", "advisor1", "Skovparken"),
    ("resident4", Role.RESIDENT, "Grace Tesfay", "en", "advisor2", "Nørremarken"),
    ("partner1", Role.PARTNER, "Lone Winther", "da", None, None),
]
# Made-up numbers and how each resident likes to be reached.
CONTACT = {
    "resident1": ("+4520483917", "house"),
    "resident2": ("+4531590264", "sms"),
    "resident3": ("+4542718305", "call"),
    "resident4": (None, "house"),
}

# Each resident's situation as their advisor recorded it: (days ago it started, situation key, hours a week,
# employer). Grace started a small job a month ago, so advisor2's caseload asks for the 1-month follow-up.
SITUATIONS = {
    "resident1": [(30, "nothing_yet", None, None)],
    "resident2": [(30, "nothing_yet", None, None), (8, "course", 4, None)],
    "resident3": [(30, "nothing_yet", None, None), (15, "sick_leave", None, None)],
    "resident4": [(31, "work", 12, "Føtex Nørremarken")],
}

# (days ago, time of day in Copenhagen, written by the resident?, text). Advisors write Danish.
CONVERSATIONS = {
    "resident1": [
        (
            20,
            "09:12",
            True,
            "مرحبا ميته، أنا فاطمة. أريد أن أبدأ بشيء صغير، ربما عشر ساعات في الأسبوع. ابنتي الصغيرة في الروضة حتى الساعة الثالثة.",
        ),
        (
            20,
            "11:40",
            False,
            "Hej Fatima! Dejligt at høre fra dig. 10 timer om ugen er en rigtig god start – alt tæller. Skal vi mødes i beboerhuset torsdag kl. 10? Jeg bestiller en tolk.",
        ),
        (19, "15:05", True, "نعم، الخميس الساعة العاشرة مناسب. شكراً على المترجم."),
        (12, "13:20", True, "كان لقاءً جيداً. فكرت في حلمي: مطبخ مشترك نطبخ فيه للروضات. هل هذا ممكن؟"),
        (
            11,
            "09:35",
            False,
            "Det er en rigtig god drøm, Fatima. Jeg kender et køkken, der laver mad til daginstitutioner. Må jeg spørge, om du kan komme på besøg en formiddag?",
        ),
        (10, "16:02", True, "نعم من فضلك! لكن يجب أن أعود قبل الساعة الثالثة من أجل ابنتي."),
        (
            4,
            "10:48",
            False,
            "Jeg har talt med køkkenet. Du er velkommen på besøg tirsdag kl. 9–11. Jeg går med dig derhen.",
        ),
        (3, "19:30", True, "شكراً جزيلاً، سأكون هناك. أنا متوترة قليلاً لكنني سعيدة."),
        (3, "20:05", False, "Det er helt normalt at være lidt nervøs. Vi gør det sammen. Vi ses tirsdag!"),
    ],
    "resident2": [
        (
            18,
            "10:05",
            True,
            "سلام مته جان. من هر روز کمردرد دارم و نمی‌توانم زیاد ایستاده کار کنم. آیا کاری هست که نشسته باشد؟",
        ),
        (
            17,
            "13:15",
            False,
            "Hej Maryam. Tak fordi du fortæller mig det. Vi finder noget, der passer til din krop. Har du talt med din læge om smerterne?",
        ),
        (16, "09:40", True, "بلی، هفتهٔ گذشته پیش داکتر رفتم. داکتر گفت ورزش سبک برایم خوب است."),
        (
            9,
            "11:20",
            False,
            "Det lyder godt. Der er et motionshold for kvinder i beboerhuset om onsdagen kl. 10. Har du lyst til at prøve?",
        ),
        (8, "11:10", True, "بلی، می‌خواهم امتحان کنم. مگر دنمارکی‌ام خوب نیست. کسی همراهم می‌آید؟"),
        (8, "14:10", False, "Amina fra bydelsmødrene går med dig første gang. Hun taler også dari."),
        (2, "12:30", True, "امروز به ورزش رفتم. خیلی خوب بود و خانم‌ها مهربان بودند. تشکر!"),
        (
            2,
            "14:55",
            False,
            "Hvor er det dejligt, Maryam! Godt gået. Næste gang kan vi tale om et danskkursus, der passer til dine timer.",
        ),
    ],
    "resident3": [
        (15, "08:50", True, "Hej Mette. Jeg har været syg med min ryg igen, så jeg nåede ikke jobcaféen i sidste uge."),
        (
            15,
            "12:05",
            False,
            "Hej Susanne. Det er helt i orden – god bedring. Der er jobcafé igen på mandag, hvis du har det bedre.",
        ),
        (7, "14:30", True, "Jeg var på jobcaféen. Vi skrev på mit CV. Det føltes godt at komme ud."),
        (6, "10:15", False, "Hvor godt! Tag dit CV med næste gang, så kigger vi på det sammen."),
        (
            2,
            "19:40",
            True,
            "Min søn er syg, så jeg kan ikke komme til mødet på torsdag. Kan vi flytte det til næste uge?",
        ),
        (1, "09:05", True, "Og så har jeg et spørgsmål om praktik: kan man starte med få timer om ugen?"),
    ],
    "resident4": [
        (
            14,
            "09:30",
            True,
            "Hello Jonas. I passed the test for Danish module 3. I would like to find an internship in a warehouse or a shop.",
        ),
        (
            13,
            "11:05",
            False,
            "Tillykke med prøven, Grace! Jeg kender en butik i centret, der tager praktikanter. Skal vi besøge dem sammen?",
        ),
        (12, "16:20", True, "Yes please. Can we go after 12? I take my son to school in the morning."),
        (5, "13:45", False, "Vi har et besøg fredag kl. 13. Jeg henter dig ved beboerhuset kl. 12.45."),
        (4, "08:40", True, "Thank you, I will be ready. Should I bring my CV?"),
        (4, "11:30", False, "Ja, tag gerne dit CV med. Vi kan printe det i beboerhuset."),
    ],
}


def local_moment(now: datetime, days_ago: int, clock: str) -> datetime:
    hour, minute = map(int, clock.split(":"))
    day = now.astimezone(COPENHAGEN) - timedelta(days=days_ago)
    return day.replace(hour=hour, minute=minute, second=0, microsecond=0).astimezone(UTC)


def load(session: Session) -> None:
    now = utcnow()
    staff_hash = passwords.hash_secret(STAFF_PASSWORD)
    pin_hash = passwords.hash_secret(RESIDENT_PIN)
    with writing(session):
        areas = [HousingArea(name=name) for name in AREAS]
        session.add_all(areas)
        session.flush()
        area_ids = {area.name: area.id for area in areas}
        users: dict[str, User] = {}
        for username, role, name, locale, advisor, area in ACCOUNTS:
            phone, contact = CONTACT.get(username, (None, None))
            user = User(
                username=username,
                display_name=name,
                role=role,
                locale=locale,
                secret_hash=pin_hash if role == Role.RESIDENT else staff_hash,
                advisor_id=users[advisor].id if advisor else None,
                housing_area_id=area_ids.get(area),
                phone=phone,
                contact_preference=contact,
                created_at=now - timedelta(days=30),
            )
            session.add(user)
            session.flush()
            users[username] = user
            if role == Role.RESIDENT:
                with force_locale(locale):
                    consent.record_agreement(session, resident=user, locale=locale, at=now - timedelta(days=30))
                session.refresh(user)
        # Entries are added in time order, so ids follow time as they do in real use.
        entries = demo_records.load(session, users, lambda days, clock: local_moment(now, days, clock))
        for username, lines in CONVERSATIONS.items():
            resident = users[username]
            advisor = session.get(User, resident.advisor_id)
            moments = [local_moment(now, days, clock) for days, clock, _by, _text in lines]
            newest_reply = max(
                at for at, (_d, _c, by_resident, _t) in zip(moments, lines, strict=True) if not by_resident
            )
            for at, (_days, _clock, by_resident, text) in zip(moments, lines, strict=True):
                answered = at < newest_reply  # written before the advisor's last reply
                entries.append(
                    Entry(
                        resident_id=resident.id,
                        author_id=resident.id if by_resident else advisor.id,
                        kind=EntryKind.MESSAGE,
                        body=text,
                        created_at=at,
                        seen_at=at + timedelta(hours=1) if by_resident and answered else None,
                    )
                )
        entries += situations_of(session, users, now)
        session.add_all(sorted(entries, key=lambda entry: entry.created_at))
        session.add_all(opened_files(users, now))
    # The partnership page reads figures counted ahead (nightly in real use): counted once here, so it shows some.
    figures.count_periods(session, now=now)


def situations_of(session: Session, users: dict[str, User], now: datetime) -> list[Entry]:
    """The situations in SITUATIONS, each recorded by the advisor the morning it started, with its timeline entry."""
    listed = {situation.key: situation for situation in session.exec(select(Situation)).all()}
    entries = []
    for username, changes in SITUATIONS.items():
        resident = users[username]
        for days, key, hours, employer in changes:
            situation = listed[key]
            at = local_moment(now, days, "09:30")
            starts_on = at.astimezone(COPENHAGEN).date()
            record = ResidentSituation(
                resident_id=resident.id,
                situation_id=situation.id,
                starts_on=starts_on,
                run_starts_on=starts_on,
                hours_per_week=hours,
                employer=employer,
                recorded_by=resident.advisor_id,
                recorded_at=at,
            )
            session.add(record)
            entries.append(
                Entry(
                    resident_id=resident.id,
                    author_id=resident.advisor_id,
                    kind=EntryKind.SITUATION,
                    data=situations.entry_data(situation, record),
                    created_at=at,
                    seen_at=at,
                )
            )
    return entries


def opened_files(users: dict[str, User], now: datetime) -> list[AuditEvent]:
    """Each advisor opened their residents' pages in the last days, as residents see on their account page."""
    return [
        AuditEvent(
            action=file_openings.ACTION,
            actor_id=resident.advisor_id,
            subject_id=resident.id,
            at=local_moment(now, days, clock),
            detail={"what": what},
        )
        for resident in users.values()
        if resident.role == Role.RESIDENT and resident.advisor_id
        for days, clock, what in ((3, "09:40", "resident_page"), (1, "14:05", "goals"), (1, "14:20", "resident_page"))
    ]


RESIDENTS = tuple(username for username, role, *_ in ACCOUNTS if role == Role.RESIDENT)


def is_loaded(session: Session) -> bool:
    """Every demo account is in this database (the table of demo sign-ins is true of it)."""
    usernames = [username for username, *_ in ACCOUNTS]
    return session.exec(select(func.count(User.id)).where(User.username.in_(usernames))).one() == len(usernames)


def print_sign_ins() -> None:
    click.echo(f"\nDemo sign-ins (http://127.0.0.1:{os.environ.get('PORT', '5000')}/login):")
    for username, role, _name, locale, _advisor, _area in ACCOUNTS:
        secret = f"PIN {RESIDENT_PIN}" if role == Role.RESIDENT else f"password {STAFF_PASSWORD}"
        page = "/login (on a paired phone)" if role == Role.RESIDENT else "/login/staff"
        click.echo(f"  {username:<12} {role:<12} {secret:<25} {locale:<6} {page}")
    click.echo(second_factor_note())
    click.echo("")


def second_factor_note() -> str:
    """What the demo's staff sign-in asks for, said wherever the demo prints how to sign in."""
    if current_app.config["STAFF_SECOND_FACTOR"]:
        return (
            "Staff set up a second factor (a passkey, or a code from an authenticator app) at their first "
            "sign-in, and confirm every sign-in with it."
        )
    return (
        "The staff second factor is off (STAFF_SECOND_FACTOR=off), for this demo only: staff sign in with the "
        "password alone. Production keeps it on: leave STAFF_SECOND_FACTOR unset there."
    )
