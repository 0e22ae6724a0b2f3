"""Pruning keeps the newest archive of each recent day and month, deletes only the app's own archives, and an
erased resident leaves the backups within the time the README states."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from webapp.backup.archive import archive_name
from webapp.backup.prune import DAILY, MONTHLY, choose

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
README = Path(__file__).resolve().parent.parent / "README.md"
NOT_OURS = [
    "notes.txt",
    "sammen-backup-latest.tar",
    ".sammen-backup-20261206T030000Z.tar.partial",
    "sammen-backup-20261206T030000Z.tar.bak",
    "sammen-backup-20200101T000000Z.zip",
]


def name(text: str, *, encrypted: bool = True) -> str:
    return archive_name(datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=UTC), encrypted=encrypted)


def twice_a_day(days: int) -> list[str]:
    start = NOW.replace(hour=3) - timedelta(days=days - 1)
    return [
        archive_name(start + timedelta(days=day, hours=hours), encrypted=True)
        for day in range(days)
        for hours in (0, 6)
    ]


def test_the_newest_of_each_of_the_last_days_and_months_is_kept_and_the_rest_deleted():
    names = twice_a_day(100)

    pruned = choose(names, now=NOW, daily=3, monthly=3)

    assert pruned.kept == [
        name("2026-12-06 09:00"),
        name("2026-12-05 09:00"),
        name("2026-12-04 09:00"),
        name("2026-11-30 09:00"),
        name("2026-10-31 09:00"),
    ]
    assert sorted(pruned.deleted) == sorted(set(names) - set(pruned.kept))


def test_only_files_named_as_the_app_names_its_archives_are_deleted(tmp_path):
    from webapp.backup.prune import prune

    for file in [*NOT_OURS, *twice_a_day(10)]:
        (tmp_path / file).write_bytes(b"x")

    pruned = prune(tmp_path, now=NOW, daily=2, monthly=0)

    assert len(pruned.deleted) == 18
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted([*NOT_OURS, *pruned.kept])


def test_the_newest_archive_is_kept_even_when_the_backups_stopped_long_ago():
    old = [name("2025-01-01 03:00"), name("2025-01-02 03:00")]

    assert choose(old, now=NOW, daily=7, monthly=0).kept == [name("2025-01-02 03:00")]


def test_two_archives_of_the_same_second_are_told_apart_and_both_pruned_by_their_time():
    at = datetime(2026, 1, 1, 3, tzinfo=UTC)
    names = [archive_name(at, encrypted=False), archive_name(at, encrypted=False, number=1), twice_a_day(1)[0]]

    assert set(choose(names, now=NOW, daily=1, monthly=0).deleted) == set(names[:2])


def test_the_command_prints_what_it_kept_and_deleted(app, tmp_path):
    folder, now = tmp_path / "backups", datetime.now(UTC)
    folder.mkdir()
    for back in range(5):
        (folder / archive_name(now - timedelta(days=back), encrypted=True)).write_bytes(b"x")
    (folder / "notes.txt").write_text("mine")

    done = app.test_cli_runner().invoke(args=["backup", "prune", str(folder), "--daily", "2", "--monthly", "0"])

    assert done.exit_code == 0, done.output
    assert "Archives kept: 2 · deleted: 3" in done.output
    assert len(list(folder.iterdir())) == 3


def longest_stay_after_erasure(*, backup_hour: int, prune_hour: int, daily: int, monthly: int) -> timedelta:
    """Backups and prunes once a day for 200 days; for a resident erased at any hour of it, how long an archive
    made before the erasure is kept."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    archives: list[str] = []
    deleted_at: dict[str, datetime] = {}
    for day in range(200):
        midnight = start + timedelta(days=day)
        for hour in sorted({backup_hour, prune_hour}):
            at = midnight + timedelta(hours=hour, minutes=1 if hour == prune_hour else 0)
            if hour == backup_hour:
                archives.append(archive_name(at, encrypted=True))
            if hour == prune_hour:
                for gone in choose(archives, now=at, daily=daily, monthly=monthly).deleted:
                    archives.remove(gone)
                    deleted_at[gone] = at
    longest = timedelta(0)
    for archive, gone in deleted_at.items():
        made = datetime.strptime(re.search(r"\d{8}T\d{6}Z", archive).group(), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        # The latest archive holding someone erased just after `made` is this one, if it is the day's last.
        longest = max(longest, gone - made)
    return longest


@pytest.mark.parametrize("backup_hour, prune_hour", [(3, 3), (3, 4), (22, 2), (1, 23)])
def test_an_erased_resident_leaves_the_backups_within_the_time_the_readme_states(backup_hour, prune_hour):
    stay = longest_stay_after_erasure(backup_hour=backup_hour, prune_hour=prune_hour, daily=DAILY, monthly=MONTHLY)

    assert timedelta(days=DAILY - 1) < stay <= timedelta(days=DAILY + 1)
    assert f"{DAILY + 1} days" in backups_section()


@pytest.mark.parametrize("monthly", [2, 3])
def test_with_monthly_archives_an_erased_resident_leaves_within_that_many_months_and_a_day(monthly):
    stay = longest_stay_after_erasure(backup_hour=3, prune_hour=4, daily=DAILY, monthly=monthly)

    assert timedelta(days=28 * (monthly - 1)) < stay <= timedelta(days=31 * monthly + 1)
    assert "With `--monthly M` it can be up to M months and a day" in backups_section()


def backups_section() -> str:
    text = README.read_text()
    section = text[text.index("### Backups") : text.index("## For developers")]
    return " ".join(section.split())


def test_the_readme_names_the_prune_defaults_the_command_uses():
    section = backups_section()

    assert f"`--daily {DAILY}`" in section and f"`--monthly {MONTHLY}`" in section
    assert "backup prune" in section and "backup create" in section and "backup restore" in section


def test_the_readme_section_sits_after_retention_and_before_the_developers():
    text = README.read_text()

    assert (
        text.index("### Keeping nothing longer than promised")
        < text.index("### Backups")
        < text.index("## For developers")
    )
