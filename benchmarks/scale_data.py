"""A national-scale data set, written with SQL (not the ORM) so ten million entries take minutes.

`build_postgres` uses generate_series; `build_sqlite` writes the small embedded case with executemany.
Both end with the caseload summary rebuilt from the entries, as `flask caseload rebuild` does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import Connection, text

from webapp.models import AuditEvent, Entry, utcnow
from webapp.signup import consent

DAYS = 730  # two years of history
# Audit events: about 30 file openings per advisor per working day, over the last AUDIT_DAYS working days
# (about eight months: 10^7 events for 2,000 advisors), and each advisor's sign-in of each of those days.
OPENINGS_PER_DAY = 30
AUDIT_DAYS = 167

# What people write, in the languages they write in: residents in Arabic, Dari, Danish and English, advisors mostly
# in Danish. Short answers and long stories alike; the bench picks one by the entry's number.
RESIDENT_WORDS = (
    "شكراً",
    "حسناً، سأحضر غداً.",
    "مرحبا، أنا مريضة اليوم ولا أستطيع أن أحضر الدورة. ابني أيضاً عنده حرارة منذ الليلة الماضية.",
    "لقد تحدثت مع مديرة الروضة، ويمكن لابنتي أن تبقى حتى الساعة الرابعة من الشهر القادم. هذا يعني أنني أستطيع أن "
    "أعمل أكثر، ربما خمس عشرة ساعة في الأسبوع. هل يمكننا أن نتحدث عن المطبخ في بيت الحي مرة أخرى؟",
    "سلام، امروز کمی دیرتر می‌آیم.",
    "من در کورس زبان دنمارکی بودم و معلم گفت که پیشرفت کرده‌ام. می‌خواهم در ماه آینده امتحان بدهم.",
    "با تشکر از کمک شما. دیروز با کارفرما در فروشگاه صحبت کردم و آنها گفتند که می‌توانم دو هفته کارآموزی کنم. "
    "فقط نمی‌دانم چطور با اتوبوس به آنجا بروم، چون خط مستقیم ندارد و بچه‌ها باید ساعت هشت در مدرسه باشند.",
    "Hej, jeg kan ikke komme i dag.",
    "Jeg har været til samtale hos Netto. De ringer på fredag.",
    "Min datter er syg igen, og jeg har ingen til at passe hende. Kan vi flytte mødet til næste uge? Undskyld.",
    "Hello, I sent my CV to the warehouse job you told me about. They want a copy of my driving licence.",
    "ok",
)
ADVISOR_WORDS = (
    "Tak for beskeden. God bedring til jer begge.",
    "Det lyder rigtig godt! Jeg ringer til køkkenet i morgen og hører, om de stadig søger en til formiddagene.",
    "Hej. Husk vores møde på torsdag kl. 10 i beboerhuset. Der kommer en tolk. Tag gerne dit CV med, så kigger vi "
    "på det sammen, og vi taler om praktikken i Føtex og om, hvordan du kommer derud med bussen.",
    "Fint, vi finder en ny tid.",
    "Godt gået med prøven! Du kan være stolt af dig selv.",
    "Jeg har talt med din sagsbehandler om børnepasningen. Hun vender tilbage i næste uge, og jeg skriver til dig, "
    "så snart jeg ved mere. Skriv endelig, hvis der er noget i mellemtiden.",
    "Thank you. I will call you tomorrow morning.",
)
STEPS = ("Skrive CV", "Ringe til Netto", "الذهاب إلى مقهى اللغة", "ثبت نام در کورس زبان")
BARRIER_KEYS = ("transport", "childcare", "danish", "mental_health")
GOAL_KINDS = ("job", "danish", "education")
APPOINTMENT = {
    "starts_at": "2026-12-01T09:00:00+00:00",
    "place": "Beboerhuset, Østergade 12",
    "with_whom": "advisor",
    "interpreter": "ar",
    "needs": ["needs_childcare"],
}
SITUATION = {
    "key": "work",
    "name": "I arbejde (ordinære timer)",
    "category": "work",
    "starts_on": "2026-09-01",
    "hours": 15,
    "employer": "Føtex Nørremarken",
}
GOAL = {"kind": "job", "words": None, "hours": 20, "month": None}


@dataclass(frozen=True)
class Kind:
    """An entry kind's share of every hundred entries, who writes it, and what it keeps."""

    share: int
    kind: str
    by_resident: bool | None  # None: messages, in turns of a few between the two sides
    data: dict | None = None
    body: str | None = None  # "words": a message from RESIDENT_WORDS or ADVISOR_WORDS; "step": one of STEPS


# In proportion, per hundred entries. Phrases: the most used of each side's phrase book.
KINDS = (
    Kind(46, "message", None, body="words"),
    Kind(7, "phrase", True, {"phrase": "cant_come_today", "version": 1, "params": {}}),
    Kind(5, "phrase", False, {"phrase": "thanks_for_telling", "version": 1, "params": {}}),
    Kind(3, "voice", True, {"audio": "bench/voice.webm", "seconds": 14.5, "type": "audio/webm"}),
    Kind(2, "voice", False, {"audio": "bench/voice.webm", "seconds": 31.0, "type": "audio/webm"}),
    Kind(10, "checkin", True, {"mood": 3, "replaced": False}),
    Kind(3, "goal_comment", False, {"kind": "job", "words": None}, body="words"),
    Kind(2, "step_added", True, {"kind": "danish", "words": None}, body="step"),
    Kind(2, "step_done", True, {"kind": "danish", "words": None}, body="step"),
    Kind(2, "barrier_added", True, {"key": "childcare"}),
    Kind(2, "barrier_status", True, {"key": "transport", "status": "better"}),
    Kind(1, "barrier_seen", False, {"key": "childcare"}),
    Kind(2, "goal_added", True, GOAL),
    Kind(1, "goal_changed", False, {**GOAL, "hours": 25}),
    Kind(1, "goal_status", True, {"kind": "danish", "words": None, "status": "reached"}),
    Kind(3, "appointment_added", False, APPOINTMENT),
    Kind(2, "appointment_answered", True, {**APPOINTMENT, "response": "coming", "reason": None, "words": None}),
    Kind(1, "appointment_moved", False, {**APPOINTMENT, "previous_starts_at": "2026-11-28T09:00:00+00:00"}),
    Kind(1, "appointment_cancelled", False, APPOINTMENT),
    Kind(1, "appointment_outcome", False, {**APPOINTMENT, "outcome": "attended"}),
    Kind(1, "contact_made", False, {"how": "phone"}),
    Kind(1, "situation", False, SITUATION),
    Kind(1, "follow_up", False, {**SITUATION, "months": 3, "hours": 15}),
)
assert sum(kind.share for kind in KINDS) == 100


def kind_at(slot: int) -> Kind:
    """The kind of the entry in slot 0..99 of every hundred."""
    for kind in KINDS:
        if slot < kind.share:
            return kind
        slot -= kind.share
    raise ValueError(slot)


def _slot_ranges() -> list[tuple[int, int, Kind]]:
    ranges, first = [], 0
    for kind in KINDS:
        ranges.append((first, first + kind.share - 1, kind))
        first += kind.share
    return ranges


def words_of(number: int, *, by_resident: bool, body: str | None) -> str | None:
    if body == "step":
        return STEPS[number % len(STEPS)]
    if body == "words":
        said = RESIDENT_WORDS if by_resident else ADVISOR_WORDS
        return said[number % len(said)]
    return None


@dataclass
class Scale:
    residents: int
    advisors: int
    entries: int
    long_history: int  # entries of the one resident with a very long history
    big_caseload: int = 120
    residents_per_area: int = 250

    @classmethod
    def national(cls, factor: float = 1.0) -> Scale:
        return cls(
            residents=max(300, int(100_000 * factor)),
            advisors=max(6, int(2_000 * factor)),
            entries=max(30_000, int(10_000_000 * factor)),
            long_history=max(1_000, int(25_000 * factor)),
        )

    # Ids: advisors 1..A, residents A+1..A+R. Advisor 1 has the big caseload; the resident
    # with the long history is the first of advisor 2's.
    @property
    def long_resident(self) -> int:
        return self.advisors + self.big_caseload + 1


def build_postgres(connection: Connection, scale: Scale) -> None:
    entry_indexes = [*Entry.__table__.indexes, *AuditEvent.__table__.indexes]
    for index in entry_indexes:  # build them once at the end: much faster than row by row
        connection.execute(text(f"DROP INDEX IF EXISTS {index.name}"))
    params = {
        "a": scale.advisors,
        "r": scale.residents,
        "e": scale.entries,
        "l": scale.long_history,
        "big": scale.big_caseload,
        "long": scale.long_resident,
        "days": DAYS,
        "now": utcnow(),
        "consent": consent.VERSION,
    }
    connection.execute(
        text("""
        INSERT INTO users (id, username, display_name, role, locale, secret_hash, active, failed_logins, lock_count,
                           unlock_by_staff, created_at)
        SELECT i, 'adv' || i, 'Rådgiver ' || i, 'advisor', 'da', 'x', true, 0, 0, false, :now - interval '800 days'
        FROM generate_series(1, :a) AS i"""),
        params,
    )
    connection.execute(
        text("""
        INSERT INTO users (id, username, display_name, role, locale, secret_hash, active, advisor_id, failed_logins,
                           lock_count, unlock_by_staff, created_at, contact_preference, consent_version)
        SELECT :a + j, 'res' || j, 'Beboer ' || j, 'resident', 'ar', 'x', true,
               CASE WHEN j <= :big THEN 1 ELSE 2 + (j - :big - 1) % (:a - 1) END, 0, 0, false,
               :now - interval '750 days', 'sms', :consent
        FROM generate_series(1, :r) AS j"""),
        params,
    )
    # Each resident's entries go through every kind in turn: the slot moves on by one at each round of residents.
    ranges = _slot_ranges()

    def by_slot(then) -> str:
        return "CASE " + " ".join(f"WHEN g.slot <= {last} THEN {then(k)}" for _first, last, k in ranges) + " END"

    turns = "((g.i / :r) + (g.i / 3)) % 2 = 0"  # messages: the resident's and the advisor's in turns of a few
    bodies = {
        None: "NULL",
        "step": "(CAST(:steps AS text[]))[1 + g.i % :n_steps]",
        "words": "CASE WHEN {mine} THEN (CAST(:rw AS text[]))[1 + g.i % :n_rw] "
        "ELSE (CAST(:aw AS text[]))[1 + g.i % :n_aw] END",
    }
    kind = by_slot(lambda k: f"'{k.kind}'")
    data = by_slot(lambda k: f"CAST('{json.dumps(k.data)}' AS json)" if k.data else "NULL")
    mine = by_slot(lambda k: turns if k.by_resident is None else str(k.by_resident).lower())
    body = by_slot(lambda k: bodies[k.body].format(mine=turns if k.by_resident is None else k.by_resident))
    words = {
        "steps": list(STEPS),
        "n_steps": len(STEPS),
        "rw": list(RESIDENT_WORDS),
        "n_rw": len(RESIDENT_WORDS),
        "aw": list(ADVISOR_WORDS),
        "n_aw": len(ADVISOR_WORDS),
    }
    # The long history first (ids in time order within it), then everyone else's, round-robin.
    connection.execute(
        text(f"""
        INSERT INTO entries (resident_id, author_id, kind, body, data, created_at, seen_at, heard_at)
        SELECT s.resident, CASE WHEN s.mine THEN s.resident ELSE u.advisor_id END, s.kind, s.body, s.data, s.at,
               CASE WHEN s.mine AND s.at < :now - interval '2 days' THEN s.at + interval '1 hour' END,
               CASE WHEN s.kind = 'voice' AND s.at < :now - interval '2 days' THEN s.at + interval '3 hours' END
        FROM (
            SELECT g.i, CASE WHEN g.i <= :l THEN :long ELSE :a + 1 + (g.i % :r) END AS resident,
                   {kind} AS kind, {data} AS data, {mine} AS mine, {body} AS body,
                   :now - make_interval(secs => (:days * 86400.0) * (1 - g.i::float8 / :e)) AS at
            FROM (SELECT i, (i * 37 + i / :r) % 100 AS slot FROM generate_series(1, :e) AS i) AS g
        ) AS s JOIN users u ON u.id = s.resident"""),
        {**params, **words},
    )
    _audit_postgres(connection, params)
    _records_postgres(connection, params)
    _outcomes_postgres(connection, {**params, "per_area": scale.residents_per_area})
    for index in entry_indexes:
        index.create(connection)
    for table in (
        "users",
        "checkins",
        "barriers",
        "goals",
        "goal_steps",
        "appointments",
        "contact_requests",
        "housing_areas",
        "resident_situations",
        "follow_ups",
        "answer_times",
    ):
        connection.execute(
            text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 1))")
        )


def _audit_postgres(connection: Connection, params: dict) -> None:
    """Each advisor's file openings (OPENINGS_PER_DAY of their own residents' files a working day, in office hours)
    and sign-in, over the last AUDIT_DAYS working days, in time order."""
    per_advisor = "GREATEST(1, (:r - :big) / GREATEST(1, :a - 1))"
    connection.execute(
        text(f"""
        INSERT INTO audit_events (at, actor_id, action, subject_id, ip, device, detail, about_erased)
        SELECT d.day + make_interval(hours => 8) + make_interval(secs => n * 900 + a), a,
               CASE WHEN n = 0 THEN 'sign_in' ELSE 'file_opened' END,
               CASE WHEN n = 0 THEN a
                    WHEN a = 1 THEN :a + 1 + (n * 7 + d.k) % :big
                    ELSE :a + :big + 1 + (a - 2) + ((n * 7 + d.k) % {per_advisor}) * (:a - 1) END,
               CASE WHEN n = 0 THEN '10.0.0.1' ELSE '' END, 'windows_pc',
               CASE WHEN n = 0 THEN NULL ELSE CAST('{{"what": "resident_page"}}' AS json) END, false
        FROM (SELECT k, (:now - make_interval(days => (k / 5) * 7 + k % 5 + 1))::date AS day
              FROM generate_series(0, :audit_days - 1) AS k ORDER BY k DESC) AS d,
             generate_series(0, :per_day) AS n,
             generate_series(1, :a) AS a
        ORDER BY d.k DESC, n, a"""),
        {**params, "audit_days": AUDIT_DAYS, "per_day": OPENINGS_PER_DAY},
    )


def _records_postgres(connection: Connection, params: dict) -> None:
    """Records in proportion: per resident 10 check-ins, 2 barriers, 2 goals of 2 steps, 4 appointments."""
    connection.execute(
        text("""
        INSERT INTO checkins (resident_id, day, mood, wants_contact, created_at, updated_at)
        SELECT :a + j, (:now - make_interval(days => d * 3))::date, 1 + (j + d) % 5, false,
               :now - make_interval(days => d * 3), :now - make_interval(days => d * 3)
        FROM generate_series(1, :r) AS j, generate_series(0, 9) AS d"""),
        params,
    )
    connection.execute(
        text("""
        INSERT INTO barriers (resident_id, key, status, created_at, updated_at, acknowledged_at)
        SELECT :a + j, (ARRAY['transport', 'childcare'])[b], 'present', :now - interval '40 days', :now - interval '40 days',
               CASE WHEN j % 10 = 0 THEN NULL ELSE :now - interval '39 days' END
        FROM generate_series(1, :r) AS j, generate_series(1, 2) AS b"""),
        params,
    )
    connection.execute(
        text("""
        INSERT INTO goals (resident_id, kind, status, created_at, updated_at)
        SELECT :a + j, (ARRAY['job', 'danish'])[g], 'active', :now - interval '60 days', :now - interval '60 days'
        FROM generate_series(1, :r) AS j, generate_series(1, 2) AS g"""),
        params,
    )
    connection.execute(
        text("""
        INSERT INTO goal_steps (goal_id, text, created_by, created_at)
        SELECT g.id, 'Trin ' || s, g.resident_id, :now - interval '50 days'
        FROM goals g, generate_series(1, 2) AS s"""),
        params,
    )
    connection.execute(
        text("""
        INSERT INTO appointments (resident_id, created_by, starts_at, place, with_whom, needs_childcare, needs_companion,
                                  needs_transport, status, version, created_at, updated_at)
        SELECT u.id, u.advisor_id, :now + make_interval(days => n * 7 - 14), 'Jobcentret', 'advisor', false, false, false,
               'planned', 1, :now - interval '30 days', :now - interval '30 days'
        FROM users u, generate_series(0, 3) AS n WHERE u.role = 'resident'"""),
        params,
    )
    connection.execute(
        text("""
        INSERT INTO contact_requests (resident_id, asked_at)
        SELECT :a + j, :now - interval '1 day' FROM generate_series(1, :r, 50) AS j"""),
        params,
    )


def _outcomes_postgres(connection: Connection, params: dict) -> None:
    """Housing areas of about 250 residents; situations over the two years (a third into work, some of them
    followed up, a sixth into education, some ended); and an answer time for each advisor's message."""
    connection.execute(
        text("""
        INSERT INTO housing_areas (id, name, active, created_at)
        SELECT n, 'Område ' || n, true, :now - interval '800 days'
        FROM generate_series(1, GREATEST(1, :r / :per_area)) AS n"""),
        params,
    )
    connection.execute(
        text("""
        UPDATE users SET housing_area_id = 1 + (id % GREATEST(1, :r / :per_area)) WHERE role = 'resident'"""),
        params,
    )
    situation = "(SELECT id FROM situations WHERE key = '{}')"
    # Everyone starts "not yet in anything" when they join; then, by resident, one change on a day of the two years.
    connection.execute(
        text(f"""
        INSERT INTO resident_situations (resident_id, situation_id, starts_on, run_starts_on, recorded_by, recorded_at)
        SELECT u.id, {situation.format("nothing_yet")}, u.created_at::date, u.created_at::date, u.advisor_id, u.created_at
        FROM users u WHERE u.role = 'resident'"""),
        params,
    )
    connection.execute(
        text("""
        INSERT INTO resident_situations (resident_id, situation_id, starts_on, run_starts_on, hours_per_week, employer,
                                         recorded_by, recorded_at)
        SELECT u.id, s.id, d.day, d.day, CASE WHEN s.asks_hours THEN 10 + u.id % 28 END,
               CASE WHEN s.asks_employer THEN 'Virksomhed ' || (u.id % 997) END, u.advisor_id, d.day + interval '2 days'
        FROM users u
        JOIN situations s ON s.key = (ARRAY['work', 'work', 'education', 'flex_job', 'sick_leave', 'ended',
                                            'course', 'wage_subsidy', 'work_placement', 'nothing_yet'])[1 + u.id % 10]
        CROSS JOIN LATERAL (SELECT (:now - make_interval(days => (u.id * 7919) % 700))::date AS day) AS d
        WHERE u.role = 'resident' AND u.id % 10 <> 9"""),
        params,
    )
    connection.execute(
        text("""
        INSERT INTO follow_ups (resident_id, run_starts_on, months, still_there, hours_per_week, recorded_by, recorded_at)
        SELECT rs.resident_id, rs.run_starts_on, m.months, true, rs.hours_per_week, rs.recorded_by,
               rs.run_starts_on + make_interval(months => m.months)
        FROM resident_situations rs JOIN situations s ON s.id = rs.situation_id,
             (VALUES (1), (3), (6), (12)) AS m(months)
        WHERE s.category IN ('work', 'education') AND rs.run_starts_on + make_interval(months => m.months) < :now"""),
        params,
    )
    connection.execute(
        text("""
        INSERT INTO answer_times (resident_id, answered_at, waited_seconds)
        SELECT resident_id, created_at, 60 + (id::bigint * 7919) % 172800 FROM entries
        WHERE kind = 'message' AND author_id <> resident_id"""),
        params,
    )


def build_sqlite(connection: Connection, *, residents: int, entries_each: int, advisor_id: int) -> list[int]:
    """`residents` of one advisor, each with `entries_each` entries of every kind over two years."""
    now = utcnow()
    first = connection.execute(text("SELECT COALESCE(MAX(id), 0) FROM users")).scalar() + 1
    ids = list(range(first, first + residents))
    connection.execute(
        text(
            "INSERT INTO users (id, username, display_name, role, locale, secret_hash, active, advisor_id, failed_logins, "
            "lock_count, unlock_by_staff, created_at, consent_version) "
            "VALUES (:id, :u, :u, 'resident', 'ar', 'x', 1, :adv, 0, 0, 0, :at, :consent)"
        ),
        [
            {
                "id": i,
                "u": f"res{i}",
                "adv": advisor_id,
                "at": _sqlite_time(now - timedelta(days=750)),
                "consent": consent.VERSION,
            }
            for i in ids
        ],
    )
    count = residents * entries_each
    # Resident by resident in turn, as people write: entry i is the (i // residents)-th of resident i % residents.
    _insert_entries(
        connection,
        (
            _entry(i, resident=ids[i % residents], advisor=advisor_id, residents=residents, entries=count, now=now)
            for i in range(1, count + 1)
        ),
    )
    _records_sqlite(connection, {resident: advisor_id for resident in ids}, now)
    return ids


def build_sqlite_scale(connection: Connection, scale: Scale) -> None:
    """The data set of `build_postgres` on SQLite, with the same ids, kinds and words: for a community house's
    size (`make run`'s embedded database), not for 10^7 entries."""
    now = utcnow()
    a, r, big = scale.advisors, scale.residents, scale.big_caseload
    connection.execute(
        text(
            "INSERT INTO users (id, username, display_name, role, locale, secret_hash, active, failed_logins, "
            "lock_count, unlock_by_staff, created_at) VALUES (:id, :u, :name, 'advisor', 'da', 'x', 1, 0, 0, 0, :at)"
        ),
        [
            {"id": i, "u": f"adv{i}", "name": f"Rådgiver {i}", "at": _sqlite_time(now - timedelta(days=800))}
            for i in range(1, a + 1)
        ],
    )
    advisor_of = {a + j: 1 if j <= big else 2 + (j - big - 1) % (a - 1) for j in range(1, r + 1)}
    areas = max(1, r // scale.residents_per_area)
    connection.execute(
        text("INSERT INTO housing_areas (id, name, active, created_at) VALUES (:id, :name, 1, :at)"),
        [{"id": n, "name": f"Område {n}", "at": _sqlite_time(now - timedelta(days=800))} for n in range(1, areas + 1)],
    )
    connection.execute(
        text(
            "INSERT INTO users (id, username, display_name, role, locale, secret_hash, active, advisor_id, "
            "housing_area_id, failed_logins, lock_count, unlock_by_staff, created_at, contact_preference, "
            "consent_version) VALUES (:id, :u, :name, 'resident', 'ar', 'x', 1, :adv, :area, 0, 0, 0, :at, 'sms', "
            ":consent)"
        ),
        [
            {
                "id": resident,
                "u": f"res{resident - a}",
                "name": f"Beboer {resident - a}",
                "adv": advisor,
                "area": 1 + resident % areas,
                "at": _sqlite_time(now - timedelta(days=750)),
                "consent": consent.VERSION,
            }
            for resident, advisor in advisor_of.items()
        ],
    )
    residents = (
        (i, scale.long_resident if i <= scale.long_history else a + 1 + i % r) for i in range(1, scale.entries + 1)
    )
    _insert_entries(
        connection,
        (
            _entry(i, resident=resident, advisor=advisor_of[resident], residents=r, entries=scale.entries, now=now)
            for i, resident in residents
        ),
    )
    _records_sqlite(connection, advisor_of, now)
    per_advisor = max(1, (r - big) // max(1, a - 1))
    connection.execute(
        text(
            "INSERT INTO audit_events (at, actor_id, action, subject_id, ip, device, detail, about_erased) "
            "VALUES (:at, :actor, :action, :subject, :ip, 'windows_pc', :detail, 0)"
        ),
        [
            {
                "at": _sqlite_time(
                    datetime.combine(now.date() - timedelta(days=(k // 5) * 7 + k % 5 + 1), time(8), now.tzinfo)
                    + timedelta(seconds=n * 900 + advisor)
                ),
                "actor": advisor,
                "action": "sign_in" if n == 0 else "file_opened",
                "subject": advisor
                if n == 0
                else a + 1 + (n * 7 + k) % big
                if advisor == 1
                else a + big + 1 + (advisor - 2) + ((n * 7 + k) % per_advisor) * (a - 1),
                "ip": "10.0.0.1" if n == 0 else "",
                "detail": None if n == 0 else json.dumps({"what": "resident_page"}),
            }
            for k in reversed(range(AUDIT_DAYS))
            for n in range(OPENINGS_PER_DAY + 1)
            for advisor in range(1, a + 1)
        ],
    )


def _entry(i: int, *, resident: int, advisor: int, residents: int, entries: int, now: datetime) -> dict:
    """Entry number i of `entries`, as build_postgres writes it in SQL."""
    kind = kind_at((i * 37 + i // residents) % 100)
    mine = kind.by_resident if kind.by_resident is not None else ((i // residents) + (i // 3)) % 2 == 0
    at = now - timedelta(seconds=DAYS * 86400.0 * (1 - i / entries))
    old = at < now - timedelta(days=2)
    return {
        "r": resident,
        "a": resident if mine else advisor,
        "k": kind.kind,
        "b": words_of(i, by_resident=mine, body=kind.body),
        "d": json.dumps(kind.data) if kind.data else None,
        "at": _sqlite_time(at),
        "seen": _sqlite_time(at + timedelta(hours=1)) if mine and old else None,
        "heard": _sqlite_time(at + timedelta(hours=3)) if kind.kind == "voice" and old else None,
    }


def _insert_entries(connection: Connection, rows) -> None:
    statement = text(
        "INSERT INTO entries (resident_id, author_id, kind, body, data, created_at, seen_at, heard_at) "
        "VALUES (:r, :a, :k, :b, :d, :at, :seen, :heard)"
    )
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == 50_000:
            connection.execute(statement, batch)
            batch = []
    if batch:
        connection.execute(statement, batch)


def _records_sqlite(connection: Connection, advisor_of: dict[int, int], now: datetime) -> None:
    """Per resident, as on PostgreSQL: 10 check-ins, 2 barriers, 2 goals of 2 steps, 4 appointments."""
    ids = list(advisor_of)
    connection.execute(
        text(
            "INSERT INTO checkins (resident_id, day, mood, wants_contact, created_at, updated_at) "
            "VALUES (:r, :day, :mood, 0, :at, :at)"
        ),
        [
            {
                "r": r,
                "day": (now - timedelta(days=d * 3)).date().isoformat(),
                "mood": 1 + (r + d) % 5,
                "at": _sqlite_time(now - timedelta(days=d * 3)),
            }
            for r in ids
            for d in range(10)
        ],
    )
    connection.execute(
        text(
            "INSERT INTO barriers (resident_id, key, status, created_at, updated_at) VALUES (:r, :key, 'present', :at, :at)"
        ),
        [
            {"r": r, "key": key, "at": _sqlite_time(now - timedelta(days=40))}
            for r in ids
            for key in ("transport", "childcare")
        ],
    )
    connection.execute(
        text(
            "INSERT INTO goals (resident_id, kind, status, created_at, updated_at) "
            "VALUES (:r, :kind, 'active', :at, :at)"
        ),
        [
            {"r": r, "kind": kind, "at": _sqlite_time(now - timedelta(days=60))}
            for r in ids
            for kind in ("job", "danish")
        ],
    )
    connection.execute(
        text(
            "INSERT INTO goal_steps (goal_id, text, created_by, created_at) "
            "SELECT goals.id, 'Trin ' || n.n, goals.resident_id, :at FROM goals, (SELECT 1 AS n UNION ALL SELECT 2) AS n"
        ),
        {"at": _sqlite_time(now - timedelta(days=50))},
    )
    connection.execute(
        text(
            "INSERT INTO appointments (resident_id, created_by, starts_at, place, with_whom, needs_childcare, needs_companion, "
            "needs_transport, status, version, created_at, updated_at) "
            "VALUES (:r, :adv, :starts, 'Jobcentret', 'advisor', 0, 0, 0, 'planned', 1, :at, :at)"
        ),
        [
            {
                "r": r,
                "adv": advisor,
                "starts": _sqlite_time(now + timedelta(days=7 * n - 14)),
                "at": _sqlite_time(now - timedelta(days=30)),
            }
            for r, advisor in advisor_of.items()
            for n in range(4)
        ],
    )


def _sqlite_time(moment) -> str:
    """As SQLAlchemy stores a UTC moment in SQLite."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")
