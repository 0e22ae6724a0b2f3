"""The code keeps the shape a newcomer relies on: imports go views → pages → services → models."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "webapp"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_view_module(name: str) -> bool:
    last = name.rsplit(".", 1)[-1]
    return last == "views" or last.endswith("_views")


def imported_modules(path: Path, source: str | None = None) -> set[str]:
    """Every module the file imports, relative imports resolved, `from x import y` as both x and x.y."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source if source is not None else path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def view_modules() -> list[Path]:
    return sorted(path for path in PACKAGE.rglob("*.py") if is_view_module(module_name(path)))


def test_the_view_modules_are_found():
    names = {module_name(path) for path in view_modules()}
    assert {"webapp.advisor.views", "webapp.resident.views", "webapp.timeline.views", "webapp.records.views",
            "webapp.records.goal_views", "webapp.records.appointment_views", "webapp.auth.pairing_views"} <= names


def test_no_view_module_imports_another_view_module():
    offenders = {
        module_name(path): sorted(name for name in imported_modules(path) if is_view_module(name))
        for path in view_modules()
    }
    assert {module: names for module, names in offenders.items() if names} == {}


def test_pages_and_services_never_import_views():
    others = [path for path in PACKAGE.rglob("*.py")
              if not is_view_module(module_name(path)) and path.name != "__init__.py"]
    offenders = {module_name(path): sorted(name for name in imported_modules(path) if is_view_module(name))
                 for path in others}
    assert {module: names for module, names in offenders.items() if names} == {}


def test_a_view_importing_a_view_would_be_caught():
    sample = PACKAGE / "advisor" / "views.py"
    for line in ("from ..resident.views import home", "from ..resident import views",
                 "import webapp.records.goal_views", "from ..records import goal_views"):
        assert any(is_view_module(name) for name in imported_modules(sample, line)), line
    assert not any(is_view_module(name) for name in imported_modules(sample, "from ..pages.timeline import viewer_page"))
