"""``cluster-planner db ...``: the shared plan store on PostgreSQL + PostGIS.

::

    cluster-planner db init URL                       # schema and region layers
    cluster-planner db grant URL --user NAME --province CODE | --coordinator
    cluster-planner db push PLAN URL [--as NAME]      # file -> store (NAME: the plan there)
    cluster-planner db pull URL NAME OUT              # store -> file
    cluster-planner db lock URL NAME REGION:INDUSTRY... [--unlock]   # coordinator only
    cluster-planner db log URL NAME [--limit N] [--format text|json]

URL is a ``postgresql://`` connection string without a password: libpq takes it from
``PGPASSWORD``, ``~/.pgpass`` or a service file, or the command asks for it on a
terminal. Exit status: 0 done, 1 a push refused (its conflicts listed on stdout, nothing
written), 2 unusable input or no connection (one line on stderr).
"""

from __future__ import annotations

import getpass
import sys
from contextlib import contextmanager

from cluster_planner.cli._output import add_format_argument, print_json
from cluster_planner.domain.errors import InputError
from cluster_planner.store.connection import (
    StoreError,
    connect,
    needs_password,
    redact_url,
    translated_errors,
    url_has_password,
)


def add_arguments(parser) -> None:
    """Add the ``init``, ``grant``, ``push``, ``pull`` and ``log`` sub-commands."""
    sub = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    init = sub.add_parser("init", help="create the store's schema and region layers "
                          "(idempotent; refuses a database holding other tables)")
    init.add_argument("url", metavar="URL")
    grant = sub.add_parser("grant", help="make a login role a provincial member or a coordinator")
    grant.add_argument("url", metavar="URL")
    grant.add_argument("--user", required=True, help="the PostgreSQL role (created if missing)")
    who = grant.add_mutually_exclusive_group(required=True)
    who.add_argument("--province", metavar="CODE", help="province adcode, e.g. 430000")
    who.add_argument("--coordinator", action="store_true",
                     help="may change every assignment and lock them")
    push = sub.add_parser("push", help="push a plan file into the store (conflicts are listed, "
                          "nothing is overwritten)")
    push.add_argument("plan", metavar="PLAN")
    push.add_argument("url", metavar="URL")
    push.add_argument("--as", dest="name", metavar="NAME",
                      help="the plan's name in the store (default: the plan's own name)")
    pull = sub.add_parser("pull", help="write a plan of the store to a file")
    pull.add_argument("url", metavar="URL")
    pull.add_argument("name", metavar="NAME")
    pull.add_argument("out", metavar="OUT")
    lock = sub.add_parser("lock", help="lock assignments so that provincial teams cannot "
                          "change them (coordinator only)")
    lock.add_argument("url", metavar="URL")
    lock.add_argument("name", metavar="NAME")
    lock.add_argument("keys", metavar="REGION:INDUSTRY", nargs="+")
    lock.add_argument("--unlock", action="store_true", help="unlock them instead")
    log = sub.add_parser("log", help="print the history of a plan in the store")
    log.add_argument("url", metavar="URL")
    log.add_argument("name", metavar="NAME")
    log.add_argument("--limit", type=int, default=None, help="only the last N changes")
    add_format_argument(log)


def run(args) -> int:
    """Run one ``db`` action."""
    if url_has_password(args.url):
        raise StoreError(
            f"{redact_url(args.url)}: the URL holds a password; put it in ~/.pgpass or "
            "PGPASSWORD instead (a command line is visible to other users and kept in history)"
        )
    return {"init": _init, "grant": _grant, "push": _push, "pull": _pull, "lock": _lock,
            "log": _log}[args.db_command](args)


def _connect(url: str, **options):
    try:
        return connect(url, **options)
    except StoreError as error:
        if not (needs_password(error) and sys.stdin.isatty()):
            raise
    password = getpass.getpass(f"Password for {redact_url(url)}: ")
    return connect(url, password=password, **options)


@contextmanager
def _session(url: str, doing: str, **options):
    """A connection to the store; database errors become one-line ``StoreError``s."""
    conn = _connect(url, **options)
    try:
        with translated_errors(url, doing):
            yield conn
    finally:
        conn.close()


def _init(args) -> int:
    from cluster_planner.store.admin import init_store

    result = init_store(args.url)
    counts = ", ".join(f"{count} {level}" for level, count in result.regions.items())
    if result.created:
        print(f"{redact_url(args.url)}: created the plan store ({counts} regions)")
    else:
        print(f"{redact_url(args.url)}: the plan store is already here ({counts} regions)")
    return 0


def _grant(args) -> int:
    from cluster_planner.store.admin import grant

    member = grant(args.url, args.user, province=args.province, coordinator=args.coordinator)
    what = "coordinator" if member.coordinator else f"member for province {member.province}"
    print(f"{member.role_name} is now a {what} of {redact_url(args.url)}")
    return 0


def _push(args) -> int:
    from cluster_planner.domain.catalog import load_catalog
    from cluster_planner.io.planfile import load_plan, save_plan
    from cluster_planner.store.sync import push, remember_changes

    plan = load_plan(args.plan, catalog=load_catalog())
    with _session(args.url, "pushing") as conn:
        result = push(conn, args.url, plan, args.name)
    if not result.written:
        for conflict in result.conflicts:
            print(conflict.message())
        print(f"{args.plan}: not pushed: {len(result.conflicts)} assignment(s) listed above; "
              "nothing was written")
        return 1
    remember_changes(plan, result)
    try:
        save_plan(plan, args.plan)
    except InputError as error:  # the push itself is in the store already
        print(f"cluster-planner db: pushed, but {error.one_line()}; pull the plan before "
              "editing it again", file=sys.stderr)
    created = "created " if result.created else ""
    print(f"{created}{result.plan!r} in {redact_url(args.url)}: {result.inserted} added, "
          f"{result.updated} changed, {result.deleted} removed, {result.unchanged} unchanged"
          + (f", {result.kept_theirs} newer in the store (pull to get them)"
             if result.kept_theirs else "")
          + (f"; {result.settings_note}" if result.settings_note else ""))
    return 0


def _pull(args) -> int:
    from cluster_planner.io.planfile import save_plan
    from cluster_planner.store.sync import pull_plan

    with _session(args.url, "pulling") as conn:
        plan = pull_plan(conn, args.url, args.name)
    save_plan(plan, args.out)
    print(f"{args.out}: {args.name!r}, {len(plan)} assignments")
    return 0


def _lock(args) -> int:
    from cluster_planner.store.shared import SharedPlan

    keys = []
    for text in args.keys:
        region, colon, industry = text.partition(":")
        if not colon or not region or not industry:
            raise StoreError(f"{text!r} is not REGION:INDUSTRY (e.g. 430200:rail-transit-equipment)")
        keys.append((region, industry))
    with _session(args.url, "locking", autocommit=True) as conn:
        shared = SharedPlan(conn, args.url, args.name)
        shared.load()
        missing = [f"{r}:{i}" for r, i in keys if shared.version(r, i) is None]
        if missing:
            raise StoreError(f"{redact_url(args.url)}: {args.name!r} has no assignment "
                             + ", ".join(missing))
        with conn.transaction():
            for region, industry in keys:
                shared.set_locked(region, industry, not args.unlock)
    verb = "unlocked" if args.unlock else "locked"
    print(f"{verb} {len(keys)} assignment(s) of {args.name!r}")
    return 0


def _log(args) -> int:
    from cluster_planner.store.sync import read_history

    with _session(args.url, "reading the history") as conn:
        entries = read_history(conn, args.url, args.name, limit=args.limit)
    if args.format == "json":
        print_json({"plan": args.name, "changes": [entry.to_json() for entry in entries]})
        return 0
    for entry in entries:
        print(f"#{entry.seq} {entry.at:%Y-%m-%d %H:%M:%S%z} {entry.who} {entry.action} "
              f"{entry.region_name} ({entry.region}) {entry.industry}: "
              f"{_state(entry.before)} -> {_state(entry.after)}")
    return 0


def _state(value) -> str:
    if value is None:
        return "-"
    note = f" {value['note']!r}" if value.get("note") else ""
    lock = " locked" if value.get("locked") else ""
    return f"{value['role']}{note}{lock} v{value['version']}"
