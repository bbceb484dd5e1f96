"""The ``cluster-planner`` command.

``cluster-planner [PLAN]`` opens the app; ``cluster-planner <command> ...`` runs one of
the headless commands below. Each command lives in its own module exposing
``add_arguments(parser)`` and ``run(args) -> int``; it is imported only when used, so
``cluster-planner layers`` never loads Qt.

Exit status: 0 fine, 1 the analysis found warnings or errors, 2 unusable input (one line
on stderr naming the file and the problem, never a traceback).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

# Before numpy loads: one BLAS thread. The analysis multiplies small matrices, and on a
# 2-core machine OpenBLAS waking its second thread for them cost 10-15 ms a product
# (medians of 40 ms instead of 2.5 ms for a prefecture analysis on a busy machine).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from cluster_planner import __version__
from cluster_planner.cli._output import tolerate_unencodable_output
from cluster_planner.domain.errors import InputError
from cluster_planner.domain.files import os_reason
from cluster_planner.domain.safe_text import terminal_safe

COMMANDS = {
    "layers": "list the region layers and the ecosystem cities resolved onto them",
    "catalog": "list the industry catalog",
    "check": "analyse a plan and print its flags",
    "export": "export a plan by the suffix of OUT (.cplan .gpkg .geojson .csv .png .svg .pdf .html)",
    "diff": "compare two plans: what B adds, removes and changes, and which is more homogenized",
    "db": "share plans on a PostgreSQL + PostGIS server: init, grant, push, pull, log",
    "optimize": "propose the smallest change to a draft that clears its homogenization, and write it",
}


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cluster-planner",
        description="Plan China's regional industrial layout according to local conditions.",
    )
    parser.add_argument("--version", action="version", version=f"cluster-planner {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in COMMANDS.items():
        module = importlib.import_module(f"cluster_planner.cli.{name}")
        command_parser = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(command_parser)
    return parser


def window_plan(argv: list[str]) -> tuple[bool, str | None]:
    """Whether ``argv`` opens the window, and on which plan.

    Only a bare ``cluster-planner``, ``cluster-planner PLAN`` or ``cluster-planner -- PLAN``
    opens it; PLAN must be an existing file or look like one (a suffix or a folder in it),
    so a mistyped or unknown command is reported instead of opening a window that a
    script would wait on forever.
    """
    rest = argv[1:] if argv[:1] == ["--"] else argv
    if not rest:
        return True, None
    if argv[:1] != ["--"] and (rest[0] in COMMANDS or rest[0].startswith("-")):
        return False, None
    if len(rest) != 1:
        return False, None
    return (True, rest[0]) if _looks_like_a_file(rest[0]) else (False, None)


def _looks_like_a_file(word: str) -> bool:
    return os.path.exists(word) or "/" in word or os.sep in word or bool(os.path.splitext(word)[1])


def _refuse(argv: list[str]) -> int:
    """Usage and a one-line reason on stderr, exit 2 (an unknown command or extra words)."""
    rest = argv[1:] if argv[:1] == ["--"] else argv
    if _looks_like_a_file(rest[0]):
        reason = f"give one plan file to open, not {len(rest)} arguments"
    else:
        reason = f"unknown command '{rest[0]}' (choose from {', '.join(COMMANDS)}, or give a plan file)"
    _build_parser().print_usage(sys.stderr)
    print(f"cluster-planner: error: {reason}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    opens_window, plan = window_plan(argv)
    if opens_window:
        from cluster_planner.qt.app import run_app

        return run_app(plan)
    if argv[0] not in COMMANDS and not argv[0].startswith("-") or argv[0] == "--":
        return _refuse(argv)
    args = _build_parser().parse_args(argv)
    if args.command is None:
        from cluster_planner.qt.app import run_app

        return run_app(None)
    module = importlib.import_module(f"cluster_planner.cli.{args.command}")
    tolerate_unencodable_output()
    try:
        status = int(module.run(args))
        sys.stdout.flush()  # a full disk shows here, not in a traceback at exit
        return status
    except InputError as error:
        _say(args.command, error.one_line())
        return 2
    except BrokenPipeError:  # the reader (head, a pager) stopped reading: not an error
        _drop_pending_output()
        return 0
    except OSError as error:  # stdout on a full disk, a device error
        _drop_pending_output()
        _say(args.command, f"cannot write the output: {os_reason(error)}")
        return 2


def _say(command: str, problem: str) -> None:
    """One line on stderr, made safe for the terminal."""
    try:
        print(terminal_safe(f"cluster-planner {command}: {problem}"), file=sys.stderr, flush=True)
    except OSError:
        pass


def _drop_pending_output() -> None:
    # Point stdout at the null device, so that the interpreter's final flush of what is
    # still buffered does not fail again with "Exception ignored" on stderr.
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):
        pass
