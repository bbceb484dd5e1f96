"""Update the Chinese translation source from the code and compile it.

``python scripts/build_translations.py`` runs ``pyside6-lupdate`` over the window's
Python files (new ``tr()`` strings appear in the ``.ts`` as unfinished, translations of
strings that still exist are kept) and ``pyside6-lrelease`` to write the ``.qm`` the app
loads. ``--check`` only compiles, for a tree where the ``.ts`` is already up to date.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TS_FILE = ROOT / "resources" / "translations" / "cluster_planner_zh_CN.ts"
QM_FILE = TS_FILE.with_suffix(".qm")


def source_files() -> list[Path]:
    """The Python files whose ``tr()`` strings are translated (the window, the app)."""
    return sorted((ROOT / "cluster_planner" / "qt").glob("*.py"))


def tool(name: str) -> str:
    """The PySide6 tool ``name`` next to this interpreter, else on ``PATH``."""
    beside = Path(sys.executable).with_name(name)
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"build_translations: {name} not found (install PySide6)")
    return found


def lupdate(ts_file: Path) -> None:
    """Write or update ``ts_file`` with every ``tr()`` string of :func:`source_files`."""
    ts_file.parent.mkdir(parents=True, exist_ok=True)
    command = [tool("pyside6-lupdate"), "-no-obsolete", "-locations", "none",
               *map(str, source_files()), "-ts", str(ts_file)]
    subprocess.run(command, check=True, capture_output=True, text=True)


def lrelease(ts_file: Path = TS_FILE, qm_file: Path = QM_FILE) -> None:
    """Compile ``ts_file`` into ``qm_file``."""
    subprocess.run([tool("pyside6-lrelease"), str(ts_file), "-qm", str(qm_file)],
                   check=True, capture_output=True, text=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compile the .ts")
    args = parser.parse_args(argv)
    if not args.check:
        lupdate(TS_FILE)
    lrelease()
    print(f"build_translations: wrote {QM_FILE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
