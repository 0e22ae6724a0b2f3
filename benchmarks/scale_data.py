"""A national-scale data set, written with SQL (not the ORM) so ten million entries take minutes.

`build_postgres` uses generate_series; `build_sqlite` writes the small embedded case with executemany.
Both end with the caseload summary rebuilt from the entries, as `flask caseload rebuild` does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Connection, text

from webapp.models import Entry, utcnow
from webapp.signup import consent

DAYS = 730  # two years of history

# One entry in twenty of each kind below; the rest of the twenty are messages. Data as the records write it.
KIND_DATA = {
    12: ("checkin", {"mood": 2, "wants_contact": False, "replaced": False}),
    13: ("barrier_added", {"key": "transport"}),
    14: ("goal_comment", {"kind": "job"}),
    15: ("step_done", {"kind": "job"}),
    16: (
        "appointment_added",
        {"starts_at": "2026-12-01T09:00:00+00:00", "with_whom": "advisor", "place": "Beboerhuset"},
    ),
    17: ("appointment_answered", {"starts_at": "2026-12-01T09:00:00+00:00", "response": "coming"}),
    18: ("barrier_status", {"key": "transport", "status": "better"}),
    19: ("goal_added", {"kind": "job", "hours": 20}),
}
# By the resident: messages on even rounds, check-ins, barriers, answers to appointments.
BY_RESIDENT = {"checkin", "barrier_added", "barrier_status", "appointment_answered"}


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


def _case(column: str, values: dict[int, str], default: str) -> str:
    whens = " ".join(f"WHEN {key} THEN {value}" for key, value in values.items())
    return f"CASE {column} {whens} ELSE {default} END"


def build_postgres(connection: Connection, scale: Scale) -> None:
    entry_indexes = [index for index in Entry.__table__.indexes]
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
    kind = _case("i % 20", {k: f"'{name}'" for k, (name, _d) in KIND_DATA.items()}, "'message'")
    data = _case("i % 20", {k: f"'{json.dumps(d)}'::json" for k, (_n, d) in KIND_DATA.items()}, "NULL")
    theirs = ", ".join(str(k) for k, (name, _d) in KIND_DATA.items() if name in BY_RESIDENT)
    # Messages: the resident's and the advisor's in turns of a few.
    by_resident = (
        f"CASE WHEN i % 20 IN ({theirs}) THEN true WHEN i % 20 < 12 THEN ((i / :r) + (i / 3)) % 2 = 0 ELSE false END"
    )
    # The long history first (ids in time order within it), then everyone else's, round-robin.
    connection.execute(
        text(f"""
        INSERT INTO entries (resident_id, author_id, kind, body, data, created_at, seen_at)
        SELECT s.resident, CASE WHEN s.mine THEN s.resident ELSE u.advisor_id END, s.kind,
               CASE WHEN s.kind = 'message' THEN 'Besked nummer ' || s.i END, s.data, s.at,
               CASE WHEN s.mine AND s.at < :now - interval '2 days' THEN s.at + interval '1 hour' END
        FROM (
            SELECT i, CASE WHEN i <= :l THEN :long ELSE :a + 1 + (i % :r) END AS resident,
                   {kind} AS kind, {data} AS data, {by_resident} AS mine,
                   :now - make_interval(secs => (:days * 86400.0) * (1 - i::float8 / :e)) AS at
            FROM generate_series(1, :e) AS i
        ) AS s JOIN users u ON u.id = s.resident"""),
        params,
    )
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
    rows = []
    for resident in ids:
        for n in range(entries_each):
            kind, data = KIND_DATA.get(n % 20, ("message", None))
            mine = kind in BY_RESIDENT or (kind == "message" and (n // 20) % 2 == 0)
            at = now - timedelta(days=DAYS * (1 - n / entries_each))
            rows.append(
                {
                    "r": resident,
                    "a": resident if mine else advisor_id,
                    "k": kind,
                    "b": f"Besked nummer {n}" if kind == "message" else None,
                    "d": json.dumps(data) if data else None,
                    "at": _sqlite_time(at),
                    "seen": _sqlite_time(at + timedelta(hours=1)) if mine and n < entries_each - 3 else None,
                }
            )
    connection.execute(
        text(
            "INSERT INTO entries (resident_id, author_id, kind, body, data, created_at, seen_at) "
            "VALUES (:r, :a, :k, :b, :d, :at, :seen)"
        ),
        rows,
    )
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
            "INSERT INTO appointments (resident_id, created_by, starts_at, place, with_whom, needs_childcare, needs_companion, "
            "needs_transport, status, version, created_at, updated_at) "
            "VALUES (:r, :adv, :starts, 'Jobcentret', 'advisor', 0, 0, 0, 'planned', 1, :at, :at)"
        ),
        [
            {
                "r": r,
                "adv": advisor_id,
                "starts": _sqlite_time(now + timedelta(days=7 * n - 14)),
                "at": _sqlite_time(now - timedelta(days=30)),
            }
            for r in ids
            for n in range(4)
        ],
    )
    return ids


def _sqlite_time(moment) -> str:
    """As SQLAlchemy stores a UTC moment in SQLite."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")
