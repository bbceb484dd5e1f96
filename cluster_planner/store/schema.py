"""The plan store's schema: tables, triggers, row-level security and the QGIS view.

Everything lives in the schema ``cluster_planner`` of one database:

``store``
    One row: the store's id (a UUID, written into pulled plan files so that a file is
    only ever compared with the store it came from), schema version, region data version.
``regions``
    The region layers as PostGIS geometries (``MultiPolygon``, EPSG:4326), keyed by
    ``(level, code)``, each with its ``province`` (a province's own code for a province).
``members``
    Who may change what: a login role is either a provincial team member (``province``)
    or a coordinator. Written only by ``cluster-planner db grant`` (the store's owner).
``plans``, ``assignments``
    A plan and its assignments. Each assignment carries its ``province`` (set by a
    trigger from ``regions``, never by the client), a ``version`` that every change bumps
    (optimistic concurrency), ``locked`` (coordinator only), and who changed it last.
``history``
    Append-only: one row per inserted, updated or deleted assignment with who, when, and
    the assignment before and after (JSON). Rows are written only by the assignments'
    triggers; updating or deleting them is refused, for the owner too.
``facts``
    Local-condition facts users add (region, condition, value, source).
``plan_map`` (view)
    Every plan's assignments joined to their region's geometry: QGIS opens it as a live
    layer (filter on ``plan``).

Who may change what is enforced here, not by the app: the row-level-security policies
on ``assignments`` let a provincial role insert, update and delete only rows of its own
province that are not locked, a coordinator everything; everyone reads everything. A
change notifies ``cluster_planner`` (LISTEN/NOTIFY) once per statement and plan, with
the plan and the highest change number in the payload.
"""

from __future__ import annotations

SCHEMA = "cluster_planner"
SCHEMA_VERSION = 1
#: The group role every member of every store belongs to (cluster-wide, NOLOGIN).
MEMBER_ROLE = "cluster_planner_member"
#: The LISTEN/NOTIFY channel.
CHANNEL = "cluster_planner"

#: Run once, in one transaction, on a database without the schema. ``{member}`` is the
#: group role's quoted name.
CREATE_SCHEMA = r"""
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE SCHEMA cluster_planner;

CREATE TABLE cluster_planner.store (
    id integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    store_id uuid NOT NULL,
    schema_version integer NOT NULL,
    region_data text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE cluster_planner.regions (
    level text NOT NULL CHECK (level IN ('province', 'prefecture', 'county')),
    code text NOT NULL,
    province text NOT NULL,
    prefecture text,
    name_zh text NOT NULL,
    name_en text NOT NULL,
    geom geometry(MultiPolygon, 4326) NOT NULL,
    PRIMARY KEY (level, code)
);
CREATE INDEX regions_geom ON cluster_planner.regions USING gist (geom);

CREATE TABLE cluster_planner.members (
    role_name text PRIMARY KEY,
    province text,
    coordinator boolean NOT NULL DEFAULT false,
    CHECK (coordinator OR province IS NOT NULL)
);

CREATE TABLE cluster_planner.plans (
    id bigserial PRIMARY KEY,
    name text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 500),
    level text NOT NULL CHECK (level IN ('province', 'prefecture', 'county')),
    settings jsonb NOT NULL DEFAULT '{}',
    created_by text NOT NULL DEFAULT current_user,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE SEQUENCE cluster_planner.change_seq;

CREATE TABLE cluster_planner.assignments (
    id bigserial PRIMARY KEY,
    plan_id bigint NOT NULL REFERENCES cluster_planner.plans (id) ON DELETE CASCADE,
    region text NOT NULL,
    industry text NOT NULL CHECK (length(industry) BETWEEN 1 AND 200),
    role text NOT NULL CHECK (role IN ('lead', 'support')),
    note text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    locked boolean NOT NULL DEFAULT false,
    province text NOT NULL,
    version integer NOT NULL DEFAULT 1,
    seq bigint NOT NULL DEFAULT nextval('cluster_planner.change_seq'),
    changed_by text NOT NULL DEFAULT current_user,
    changed_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (plan_id, region, industry)
);
CREATE INDEX assignments_province ON cluster_planner.assignments (plan_id, province);

CREATE TABLE cluster_planner.history (
    seq bigint PRIMARY KEY,
    plan_id bigint NOT NULL,
    region text NOT NULL,
    industry text NOT NULL,
    action text NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
    who text NOT NULL,
    at timestamptz NOT NULL,
    before jsonb,
    after jsonb
);
CREATE INDEX history_plan ON cluster_planner.history (plan_id, region, industry, seq);

CREATE TABLE cluster_planner.facts (
    id bigserial PRIMARY KEY,
    level text NOT NULL,
    region text NOT NULL,
    condition text NOT NULL,
    value text NOT NULL DEFAULT '',
    source text NOT NULL CHECK (length(source) > 0),
    province text NOT NULL DEFAULT '',
    added_by text NOT NULL DEFAULT current_user,
    added_at timestamptz NOT NULL DEFAULT now()
);

-- The province of a region on a plan's level; unknown regions are refused.
CREATE FUNCTION cluster_planner.province_of(level_ text, region_ text) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, cluster_planner AS $$
DECLARE
    found_ text;
BEGIN
    SELECT r.province INTO found_ FROM cluster_planner.regions r
    WHERE r.level = level_ AND r.code = region_;
    IF found_ IS NULL THEN
        RAISE EXCEPTION 'region % is not on the % layer of this store', region_, level_
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN found_;
END $$;

-- May the current role change a row of this province in this lock state?
CREATE FUNCTION cluster_planner.may_change(province_ text, locked_ boolean) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (
        SELECT 1 FROM cluster_planner.members m
        WHERE m.role_name = current_user
          AND (m.coordinator OR (m.province = province_ AND NOT locked_))
    )
$$;

CREATE FUNCTION cluster_planner.is_coordinator() RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (
        SELECT 1 FROM cluster_planner.members m
        WHERE m.role_name = current_user AND m.coordinator
    )
$$;

-- Inserted rows get their version, change number, author and time from the column
-- defaults (members may not write those columns), and the policy below checks that the
-- province they name is their region's: no row trigger, so a push of 14,000 assignments
-- is one fast INSERT. An update is stamped here: a new version and change number, who
-- and when. A delete leaves the deleting role for the history trigger (which runs as
-- the store's owner) in a transaction-local setting, overwritten before every row.
CREATE FUNCTION cluster_planner.stamp_assignment() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, cluster_planner AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM set_config('cluster_planner.actor', current_user, true);
        RETURN OLD;
    END IF;
    IF NEW.plan_id <> OLD.plan_id OR NEW.region <> OLD.region
       OR NEW.industry <> OLD.industry OR NEW.province <> OLD.province THEN
        RAISE EXCEPTION 'an assignment''s plan, region, industry and province cannot change'
            USING ERRCODE = 'check_violation';
    END IF;
    NEW.version := OLD.version + 1;
    NEW.seq := nextval('cluster_planner.change_seq');
    NEW.changed_by := current_user;
    NEW.changed_at := now();
    RETURN NEW;
END $$;

CREATE TRIGGER stamp BEFORE UPDATE OR DELETE ON cluster_planner.assignments
FOR EACH ROW EXECUTE FUNCTION cluster_planner.stamp_assignment();

-- Is province_ the province of region_ on the level of plan plan_id_?
CREATE FUNCTION cluster_planner.is_province_of(plan_id_ bigint, region_ text, province_ text)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (
        SELECT 1 FROM cluster_planner.plans p
        JOIN cluster_planner.regions r ON r.level = p.level AND r.code = region_
        WHERE p.id = plan_id_ AND r.province = province_
    )
$$;

CREATE FUNCTION cluster_planner.assignment_json(role_ text, note_ text, locked_ boolean,
                                                version_ integer) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_build_object('role', role_, 'note', note_, 'locked', locked_,
                              'version', version_)
$$;

CREATE FUNCTION cluster_planner.announce(plan_id_ bigint, seq_ bigint, count_ bigint,
                                         who_ text) RETURNS void
LANGUAGE sql AS $$
    SELECT pg_notify('cluster_planner', json_build_object(
        'plan', (SELECT p.name FROM cluster_planner.plans p WHERE p.id = plan_id_),
        'plan_id', plan_id_, 'seq', seq_, 'count', count_, 'who', who_)::text)
$$;

-- History and notification, once per statement (transition tables: a push of 14,000
-- assignments writes its history in one INSERT, not 14,000). These run as the store's
-- owner: members cannot write history themselves.
CREATE FUNCTION cluster_planner.record_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, cluster_planner AS $$
DECLARE
    plans_ bigint[];
    seqs_ bigint[];
    whos_ text[];
BEGIN
    -- Each branch names only its own transition tables (plpgsql plans a statement when
    -- it first runs it).
    IF TG_OP = 'INSERT' THEN
        WITH written AS (
            INSERT INTO cluster_planner.history
            SELECT n.seq, n.plan_id, n.region, n.industry, 'insert', n.changed_by,
                   n.changed_at, NULL,
                   cluster_planner.assignment_json(n.role, n.note, n.locked, n.version)
            FROM new_rows n RETURNING plan_id, seq, who)
        SELECT array_agg(plan_id), array_agg(seq), array_agg(who) INTO plans_, seqs_, whos_
        FROM written;
    ELSIF TG_OP = 'UPDATE' THEN
        WITH written AS (
            INSERT INTO cluster_planner.history
            SELECT n.seq, n.plan_id, n.region, n.industry, 'update', n.changed_by,
                   n.changed_at,
                   cluster_planner.assignment_json(o.role, o.note, o.locked, o.version),
                   cluster_planner.assignment_json(n.role, n.note, n.locked, n.version)
            FROM new_rows n JOIN old_rows o ON o.id = n.id RETURNING plan_id, seq, who)
        SELECT array_agg(plan_id), array_agg(seq), array_agg(who) INTO plans_, seqs_, whos_
        FROM written;
    ELSE
        WITH written AS (
            INSERT INTO cluster_planner.history
            SELECT nextval('cluster_planner.change_seq'), o.plan_id, o.region, o.industry,
                   'delete', current_setting('cluster_planner.actor'), now(),
                   cluster_planner.assignment_json(o.role, o.note, o.locked, o.version), NULL
            FROM old_rows o RETURNING plan_id, seq, who)
        SELECT array_agg(plan_id), array_agg(seq), array_agg(who) INTO plans_, seqs_, whos_
        FROM written;
    END IF;
    PERFORM cluster_planner.announce(u.plan_id, max(u.seq), count(*), min(u.who))
    FROM unnest(plans_, seqs_, whos_) AS u(plan_id, seq, who) GROUP BY u.plan_id;
    RETURN NULL;
END $$;

-- Transition tables allow one event per trigger: three triggers, one function.
CREATE TRIGGER record_insert AFTER INSERT ON cluster_planner.assignments
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION cluster_planner.record_change();
CREATE TRIGGER record_update AFTER UPDATE ON cluster_planner.assignments
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION cluster_planner.record_change();
CREATE TRIGGER record_delete AFTER DELETE ON cluster_planner.assignments
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION cluster_planner.record_change();

-- History never changes, for the owner too.
CREATE FUNCTION cluster_planner.refuse_history_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the history of a plan store is append-only'
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON cluster_planner.history
FOR EACH ROW EXECUTE FUNCTION cluster_planner.refuse_history_change();
CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON cluster_planner.history
FOR EACH STATEMENT EXECUTE FUNCTION cluster_planner.refuse_history_change();

CREATE FUNCTION cluster_planner.stamp_fact() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, cluster_planner AS $$
BEGIN
    NEW.province := cluster_planner.province_of(NEW.level, NEW.region);
    NEW.added_by := current_user;
    NEW.added_at := now();
    RETURN NEW;
END $$;
CREATE TRIGGER stamp BEFORE INSERT OR UPDATE ON cluster_planner.facts
FOR EACH ROW EXECUTE FUNCTION cluster_planner.stamp_fact();

-- Row-level security: everyone reads; a provincial role writes its own province's
-- unlocked rows; a coordinator writes everything and alone may lock.
ALTER TABLE cluster_planner.assignments ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON cluster_planner.assignments FOR SELECT USING (true);
CREATE POLICY add_own ON cluster_planner.assignments FOR INSERT
    WITH CHECK (cluster_planner.is_province_of(plan_id, region, province)
                AND cluster_planner.may_change(province, locked));
CREATE POLICY change_own ON cluster_planner.assignments FOR UPDATE
    USING (cluster_planner.may_change(province, locked))
    WITH CHECK (cluster_planner.may_change(province, locked));
CREATE POLICY remove_own ON cluster_planner.assignments FOR DELETE
    USING (cluster_planner.may_change(province, locked));

ALTER TABLE cluster_planner.plans ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON cluster_planner.plans FOR SELECT USING (true);
CREATE POLICY members_create ON cluster_planner.plans FOR INSERT
    WITH CHECK (created_by = current_user AND EXISTS (
        SELECT 1 FROM cluster_planner.members m WHERE m.role_name = current_user));
CREATE POLICY coordinator_changes ON cluster_planner.plans FOR UPDATE
    USING (cluster_planner.is_coordinator()) WITH CHECK (cluster_planner.is_coordinator());
CREATE POLICY coordinator_removes ON cluster_planner.plans FOR DELETE
    USING (cluster_planner.is_coordinator());

ALTER TABLE cluster_planner.facts ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON cluster_planner.facts FOR SELECT USING (true);
CREATE POLICY add_own ON cluster_planner.facts FOR INSERT
    WITH CHECK (cluster_planner.may_change(province, false));
CREATE POLICY change_own ON cluster_planner.facts FOR UPDATE
    USING (cluster_planner.may_change(province, false))
    WITH CHECK (cluster_planner.may_change(province, false));
CREATE POLICY remove_own ON cluster_planner.facts FOR DELETE
    USING (cluster_planner.may_change(province, false));

-- The live layer for QGIS: one feature per assignment, with its region's polygon.
CREATE VIEW cluster_planner.plan_map AS
SELECT a.id, p.name AS plan, p.level, a.region, r.name_zh, r.name_en, r.province,
       a.industry, a.role, a.note, a.locked, a.version, a.changed_by, a.changed_at, r.geom
FROM cluster_planner.assignments a
JOIN cluster_planner.plans p ON p.id = a.plan_id
JOIN cluster_planner.regions r ON r.level = p.level AND r.code = a.region;

REVOKE ALL ON ALL TABLES IN SCHEMA cluster_planner FROM PUBLIC;
GRANT USAGE ON SCHEMA cluster_planner TO {member};
GRANT SELECT ON ALL TABLES IN SCHEMA cluster_planner TO {member};
GRANT INSERT (plan_id, region, industry, role, note, locked, province),
    UPDATE (role, note, locked), DELETE ON cluster_planner.assignments TO {member};
GRANT INSERT, UPDATE, DELETE ON cluster_planner.facts, cluster_planner.plans TO {member};
GRANT USAGE ON ALL SEQUENCES IN SCHEMA cluster_planner TO {member};
"""
