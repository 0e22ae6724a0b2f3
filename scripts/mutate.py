"""`make mutate`: mutation testing (mutmut 3) of the modules whose rules guard people, one module at a time.

mutmut reads one configuration, with one test selection, from the pyproject.toml of the folder it runs in. So each
module gets a folder of its own under mutants/, holding a pyproject.toml made from `[tool.mutmut]` with that
module's `only_mutate` and tests, and links to the code; mutmut copies the code into mutants/ there and mutates
the copy. Then each module's score is printed: killed / mutants (a timeout counts as killed, as mutmut's own badge
counts it). Survivors judged equivalent are listed, with the reason, in docs/mutation.md.

    .venv/bin/python scripts/mutate.py                 every module
    .venv/bin/python scripts/mutate.py redirects lockout   some of them
    .venv/bin/python scripts/mutate.py --again lockout     only last run's survivors, against the tests now
    MUTATE_CHILDREN=2 (the default) sets mutmut's --max-children.

SQLite only: TEST_DATABASE_URL is left out, so PostgreSQL is not needed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "mutants"  # one folder per module; .gitignore keeps it out
# What the tests read, linked into each module's folder (mutmut copies them into mutants/ from there).
LINKED = ["webapp", "tests", "translations", "migrations"]


@dataclass(frozen=True)
class Module:
    name: str
    path: str
    tests: tuple[str, ...]
    # mutmut mutant-name globs: only these functions are mutated and scored (all of the module when empty).
    functions: tuple[str, ...] = ()


# The matrix has over a thousand cases; these endpoints, with every actor, reach each rule of policy.py once.
POLICY_ENDPOINTS = [
    "timeline.home-",
    "timeline.post_message",
    "advisor.resident",
    "advisor.take",
    "advisor.follow_up",
    "signup.card",
    "signup.new_qr",
    "signup.remove_phones",
    "records.check_in-",
    "records.acknowledge_barrier",
    "records.barrier_status",
    "records.answer_appointment",
    "records.move_appointment",
    "export.for_resident",
    "coordinator.erase-",
    "coordinator.reset_link",
    "password_link.choose_password",
    "coordinator.overview",
]
# Beside the matrix: the QR codes that set a PIN and the volunteer's 24 hours, taking a resident, password
# resets, and a resident's own appointments.
POLICY_TESTS = [
    "test_policy",
    "new_pin",
    "pin_code",
    "24_hour_window",
    "test_taking_a_resident",
    "test_password_reset",
    "appointment_they_added",
    "volunteers_plain_qr",
    "appointment_the_advisor_made",
]
# The lockout and the address limit: the functions of auth/services.py that count, lock, wait and unlock.
LOCKOUT = [
    "staff_wait",
    "_failures_from",
    "sign_in",
    "sign_in_resident",
    "check_secret",
    "_attempt",
    "_not_locked",
    "_take_try",
    "_wait_from",
    "_record_try",
    "_refusal_now",
    "_record_success",
    "_lock_if_due",
    "unlock",
    "is_locked",
]

MODULES = [
    Module(
        "policy",
        "webapp/policy.py",
        (
            "tests/test_policy.py",
            "tests/test_access_matrix.py",
            "tests/test_takeover.py",
            "tests/test_taking_a_resident.py",
            "tests/test_password_reset.py",
            "tests/test_appointments.py",
            "-k",
            " or ".join([*POLICY_TESTS, *POLICY_ENDPOINTS]),
        ),
    ),
    Module("redirects", "webapp/redirects.py", ("tests/test_redirects.py",)),
    Module(
        "lockout",
        "webapp/auth/services.py",
        (
            "tests/test_lockout.py",
            "tests/test_auth.py",
            "tests/test_lockout_parallel.py",
            "tests/test_second_factor.py",
        ),
        tuple(f"webapp.auth.services.x_{name}__mutmut_*" for name in LOCKOUT),
    ),
    Module("barriers", "webapp/records/barriers.py", ("tests/test_barriers.py",)),
    Module("appointments", "webapp/records/appointments.py", ("tests/test_appointments.py",)),
    Module("disclosure", "webapp/outcomes/disclosure.py", ("tests/test_disclosure.py",)),
]

KILLED = {1, 3, 36, 24, -24, 152, 255}  # test failures, and timeouts
SURVIVED = {0}


def workspace(module: Module) -> Path:
    folder = WORK / module.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name in LINKED:
        (folder / name).symlink_to(ROOT / name)
    shutil.copy2(ROOT / module.path, folder / "mutated.py")  # the source these results are for
    configure(module)
    return folder


def configure(module: Module) -> None:
    base = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    settings = {**base, "only_mutate": [module.path], "pytest_add_cli_args_test_selection": list(module.tests)}
    pytest_settings = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    (WORK / module.name / "pyproject.toml").write_text(
        _toml("tool.mutmut", settings) + "\n" + _toml("tool.pytest.ini_options", pytest_settings)
    )


def _toml(table: str, values: dict) -> str:
    return f"[{table}]\n" + "".join(f"{key} = {json.dumps(value)}\n" for key, value in values.items())


def results(module: Module) -> dict[str, int | None]:
    """Each mutant's exit code from the module's last run (None: not run yet)."""
    meta = WORK / module.name / "mutants" / (module.path + ".meta")
    codes = json.loads(meta.read_text())["exit_code_by_key"] if meta.exists() else {}
    return {
        key: code
        for key, code in codes.items()
        if not module.functions or any(fnmatch(key, glob) for glob in module.functions)
    }


def run(module: Module, children: int, *, again: bool) -> dict[str, int | None]:
    """Mutate the module and run its tests against each mutant.

    `again`: only the mutants the last run left alive, against the tests as they are now, if the module's
    source is unchanged since. A mutant killed before stays killed (more tests kill no fewer), also where
    mutmut forgets the old results because the test selection changed."""
    folder = WORK / module.name
    before = results(module)
    unchanged = (folder / "mutated.py").exists() and (folder / "mutated.py").read_text() == (
        ROOT / module.path
    ).read_text()
    again = again and unchanged and bool(before)
    left = [key for key, code in before.items() if code not in KILLED] if again else []
    if again and not left:
        return before
    if again:
        configure(module)
    else:
        workspace(module)
    env = {key: value for key, value in os.environ.items() if key != "TEST_DATABASE_URL"}
    mutmut = Path(sys.executable).with_name("mutmut")
    print(f"== {module.name}: {module.path}, tests: {' '.join(module.tests)}", flush=True)
    subprocess.run(
        [str(mutmut), "run", "--max-children", str(children), *(left or module.functions)],
        cwd=folder,
        env=env,
        check=True,
    )
    now = results(module)
    if again:
        now = {key: before[key] if before.get(key) in KILLED else code for key, code in now.items()}
        meta_path = folder / "mutants" / (module.path + ".meta")
        meta = json.loads(meta_path.read_text())
        meta["exit_code_by_key"].update(now)
        meta_path.write_text(json.dumps(meta))
    return now


def report(results: dict[str, dict[str, int | None]]) -> None:
    print()
    print(f"{'module':<14} {'mutants':>7} {'killed':>7} {'survived':>8} {'other':>6} {'score':>6}")
    for name, codes in results.items():
        total = len(codes)
        killed = sum(code in KILLED for code in codes.values())
        survived = sum(code in SURVIVED for code in codes.values())
        score = 100 * killed / total if total else 0.0
        print(f"{name:<14} {total:>7} {killed:>7} {survived:>8} {total - killed - survived:>6} {score:>5.1f}%")
    for name, codes in results.items():
        left = sorted(key for key, code in codes.items() if code not in KILLED)
        if left:
            print(f"\n{name}: not killed (mutmut show NAME in mutants/{name}):")
            for key in left:
                print("  ", key)


def main(names: list[str]) -> None:
    again = "--again" in names
    names = [name for name in names if name != "--again"]
    chosen = [module for module in MODULES if not names or module.name in names]
    unknown = set(names) - {module.name for module in MODULES}
    if unknown:
        sys.exit(
            f"Unknown module(s): {', '.join(sorted(unknown))}. Choose from: "
            f"{', '.join(module.name for module in MODULES)}."
        )
    children = int(os.environ.get("MUTATE_CHILDREN", "2"))
    report({module.name: run(module, children, again=again) for module in chosen})


if __name__ == "__main__":
    main(sys.argv[1:])
