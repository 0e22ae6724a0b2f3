"""The one build step pyproject.toml cannot say: the installed package carries what it needs at run
time. The wheel gets the catalogs compiled from translations/ and a copy of migrations/, inside the
`webapp` package; the repository keeps both folders at its top (see webapp/config.py, `bundled`)."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildWithCatalogsAndMigrations(build_py):
    def run(self):
        super().run()
        if self.editable_mode:  # an editable install reads the repository's folders
            return
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        package = Path(self.build_lib) / "webapp"
        for po in sorted((HERE / "translations").glob("*/LC_MESSAGES/messages.po")):
            target = package / "translations" / po.relative_to(HERE / "translations").with_suffix(".mo")
            target.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as source:
                catalog = read_po(source)
            with target.open("wb") as compiled:
                write_mo(compiled, catalog)
        shutil.copytree(
            HERE / "migrations",
            package / "migrations",
            dirs_exist_ok=True,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        )


setup(cmdclass={"build_py": BuildWithCatalogsAndMigrations})
