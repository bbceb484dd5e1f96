"""Setting a store up: ``db init`` (schema and region layers) and ``db grant`` (members)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from cluster_planner.domain.plan import LEVELS
from cluster_planner.store.connection import StoreError, redact_url, session
from cluster_planner.store.schema import CREATE_SCHEMA, MEMBER_ROLE, SCHEMA, SCHEMA_VERSION
from cluster_planner.store.sync import store_id

#: Schemas that belong to PostgreSQL or PostGIS, not to a user's data.
_SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "topology", "tiger", "tiger_data")
MAX_ROLE_NAME = 63


@dataclass
class InitResult:
    created: bool
    regions: dict[str, int] = field(default_factory=dict)


def init_store(url: str, data_dir=None) -> InitResult:
    """Create the plan store in the database at ``url``; idempotent.

    A database that already holds the store is left as it is. A database holding other
    tables is refused, so that a mistyped URL never mixes the store into unrelated data.

    Raises
    ------
    StoreError
        The database cannot be reached, holds unrelated tables, or has another version
        of the store's schema.
    """
    with session(url, "setting up the store") as conn, conn.transaction():
        present = conn.execute(
            "SELECT to_regclass(%s) IS NOT NULL, to_regnamespace(%s) IS NOT NULL",
            (f"{SCHEMA}.store", SCHEMA),
        ).fetchone()
        if present[0]:
            version = conn.execute(f"SELECT schema_version FROM {SCHEMA}.store").fetchone()
            if version is None or version[0] != SCHEMA_VERSION:
                found = "no" if version is None else version[0]
                raise StoreError(
                    f"{redact_url(url)}: holds a Cluster Planner store of schema version "
                    f"{found}; this app makes version {SCHEMA_VERSION}"
                )
            counts = dict(conn.execute(
                f"SELECT level, count(*) FROM {SCHEMA}.regions GROUP BY level").fetchall())
            return InitResult(created=False, regions=counts)
        others = _foreign_tables(conn)
        if others or present[1]:
            listed = ", ".join(others[:5]) or f"the schema {SCHEMA}"
            more = f" and {len(others) - 5} more" if len(others) > 5 else ""
            raise StoreError(
                f"{redact_url(url)}: the database already holds tables that are not a "
                f"Cluster Planner store ({listed}{more}); use an empty database"
            )
        _ensure_member_role(conn)
        conn.execute(CREATE_SCHEMA.replace("{member}", _quote(conn, MEMBER_ROLE)))
        counts = _load_regions(conn, data_dir)
        conn.execute(
            f"INSERT INTO {SCHEMA}.store (store_id, schema_version, region_data) "
            "VALUES (%s, %s, %s)",
            (uuid.uuid4(), SCHEMA_VERSION, _region_data_version(data_dir)),
        )
        return InitResult(created=True, regions=counts)


def _quote(conn, name: str) -> str:
    from psycopg import sql

    return sql.Identifier(name).as_string(conn)


def _foreign_tables(conn) -> list[str]:
    """Tables, views and sequences of the database that no extension owns."""
    rows = conn.execute(
        """
        SELECT n.nspname || '.' || c.relname
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
          AND n.nspname <> ALL (%s) AND n.nspname NOT LIKE 'pg\\_%%'
          AND NOT EXISTS (SELECT 1 FROM pg_depend d
                          WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                            AND d.deptype = 'e')
        ORDER BY 1
        """,
        (list(_SYSTEM_SCHEMAS),),
    ).fetchall()
    return [row[0] for row in rows]


def _ensure_member_role(conn) -> None:
    from psycopg import errors

    exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (MEMBER_ROLE,)).fetchone()
    if exists is None:
        try:
            with conn.transaction():
                conn.execute(f"CREATE ROLE {_quote(conn, MEMBER_ROLE)} NOLOGIN")
        except (errors.DuplicateObject, errors.UniqueViolation):
            pass  # made meanwhile by another init on the same server


def _region_data_version(data_dir) -> str:
    from cluster_planner.domain.regions import data_version

    try:
        return str(data_version(data_dir))
    except Exception:
        return "unknown"


def _load_regions(conn, data_dir) -> dict[str, int]:
    import shapely

    from cluster_planner.domain.regions import load_layer

    counts: dict[str, int] = {}
    with conn.cursor() as cursor, cursor.copy(
        f"COPY {SCHEMA}.regions (level, code, province, prefecture, name_zh, name_en, geom) "
        "FROM STDIN"
    ) as copy:
        for level in LEVELS:
            frame = load_layer(level, data_dir).frame
            geometries = shapely.set_srid(frame.geometry.to_numpy(), 4326)
            hexes = shapely.to_wkb(geometries, hex=True, include_srid=True)
            prefectures = (
                frame["prefecture"] if "prefecture" in frame.columns
                else frame["adcode"] if level == "prefecture" else [None] * len(frame)
            )
            for code, province, prefecture, zh, en, geometry in zip(
                frame["adcode"], frame["province"], prefectures, frame["name_zh"],
                frame["name_en"], hexes, strict=True,
            ):
                copy.write_row((level, code, province, prefecture, zh, en, geometry))
            counts[level] = len(frame)
    return counts


@dataclass
class Member:
    role_name: str
    province: str | None
    coordinator: bool


def grant(url: str, user: str, *, province: str | None = None,
          coordinator: bool = False) -> Member:
    """Make ``user`` a member of the store: a provincial team member or a coordinator.

    Creates the login role when it does not exist yet (without a password: set one
    with ``ALTER ROLE ... PASSWORD`` or psql's ``\\password``, never on a command line).
    Granting again changes the member's province or makes them coordinator.
    """
    if not user or len(user) > MAX_ROLE_NAME or any(ord(c) < 32 for c in user):
        raise StoreError(f"the user name {user!r} cannot be a PostgreSQL role "
                         f"(1 to {MAX_ROLE_NAME} printable characters)")
    if coordinator == (province is not None):
        raise StoreError("give either --province CODE or --coordinator")
    with session(url, "granting") as conn, conn.transaction():
        store_id(conn, url)
        if province is not None:
            name = conn.execute(
                f"SELECT name_en FROM {SCHEMA}.regions WHERE level = 'province' "
                "AND code = %s", (province,),
            ).fetchone()
            if name is None:
                raise StoreError(f"{province!r} is not a province code of this store "
                                 "(e.g. 430000 for Hunan)")
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (user,)).fetchone() is None:
            conn.execute(f"CREATE ROLE {_quote(conn, user)} LOGIN")
        conn.execute(f"GRANT {_quote(conn, MEMBER_ROLE)} TO {_quote(conn, user)}")
        conn.execute(
            f"INSERT INTO {SCHEMA}.members (role_name, province, coordinator) "
            "VALUES (%s, %s, %s) ON CONFLICT (role_name) DO UPDATE "
            "SET province = excluded.province, coordinator = excluded.coordinator",
            (user, province, coordinator),
        )
        return Member(user, province, coordinator)
