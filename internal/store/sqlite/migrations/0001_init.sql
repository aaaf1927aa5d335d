-- 0001: the initial schema. Migrations are append-only: never edit a
-- released file, add the next number instead. The SQL is kept portable
-- (PostgreSQL runs it too): TEXT, INTEGER and BIGINT columns only, and
-- timestamps as TEXT in fixed-width RFC 3339 UTC with nanoseconds
-- ("2015-09-26T01:02:03.000000000Z") so text order is time order. Lists
-- and nested values are JSON text.

CREATE TABLE actors (
    source           TEXT    NOT NULL,
    id               TEXT    NOT NULL,
    name             TEXT    NOT NULL,
    aliases          TEXT    NOT NULL,
    external_id      TEXT    NOT NULL,
    description      TEXT    NOT NULL,
    sponsors         TEXT    NOT NULL,
    techniques       TEXT    NOT NULL,
    software         TEXT    NOT NULL,
    target_sectors   TEXT    NOT NULL,
    target_countries TEXT    NOT NULL,
    revoked          INTEGER NOT NULL,
    merges           TEXT    NOT NULL,
    PRIMARY KEY (source, id)
);

-- actor_names maps intel.NameKey of an actor's name and of each alias to
-- the actor, so FindActors is an index lookup.
CREATE TABLE actor_names (
    name_key TEXT NOT NULL,
    source   TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    PRIMARY KEY (name_key, source, actor_id),
    FOREIGN KEY (source, actor_id) REFERENCES actors (source, id) ON DELETE CASCADE
);
CREATE INDEX actor_names_actor ON actor_names (source, actor_id);

CREATE TABLE software (
    id          TEXT NOT NULL PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    aliases     TEXT NOT NULL,
    external_id TEXT NOT NULL,
    source      TEXT NOT NULL
);

CREATE TABLE techniques (
    id          TEXT NOT NULL PRIMARY KEY,
    external_id TEXT NOT NULL,
    name        TEXT NOT NULL,
    tactics     TEXT NOT NULL
);
CREATE INDEX techniques_external_id ON techniques (external_id);

CREATE TABLE relationships (
    id       TEXT NOT NULL PRIMARY KEY,
    type     TEXT NOT NULL,
    from_ref TEXT NOT NULL,
    to_ref   TEXT NOT NULL,
    source   TEXT NOT NULL
);
CREATE INDEX relationships_from ON relationships (from_ref);
CREATE INDEX relationships_to ON relationships (to_ref);

-- valid_from and valid_until are NULL when unknown or unbounded.
CREATE TABLE indicators (
    id          TEXT    NOT NULL,
    type        TEXT    NOT NULL,
    value       TEXT    NOT NULL,
    pattern     TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    valid_from  TEXT,
    valid_until TEXT,
    confidence  INTEGER NOT NULL,
    tlp         TEXT    NOT NULL,
    source      TEXT    NOT NULL,
    indicates   TEXT    NOT NULL,
    PRIMARY KEY (id, type, value)
);

CREATE TABLE unsupported (
    file   TEXT   NOT NULL,
    id     TEXT   NOT NULL,
    input  TEXT   NOT NULL,
    line   BIGINT NOT NULL,
    reason TEXT   NOT NULL,
    PRIMARY KEY (file, id, input)
);

CREATE TABLE organisations (
    id   TEXT NOT NULL PRIMARY KEY,
    body TEXT NOT NULL
);

CREATE TABLE agreements (
    id   TEXT NOT NULL PRIMARY KEY,
    body TEXT NOT NULL
);

CREATE TABLE checkpoints (
    input_key   TEXT   NOT NULL PRIMARY KEY,
    file        TEXT   NOT NULL,
    byte_offset BIGINT NOT NULL,
    line        BIGINT NOT NULL,
    events      BIGINT NOT NULL,
    errors      BIGINT NOT NULL,
    updated     TEXT   NOT NULL
);

-- hits are matched events, keyed by the input they came from and the byte
-- offset of their line in it; body is the telemetry.Event as JSON.
CREATE TABLE hits (
    input_key   TEXT   NOT NULL,
    byte_offset BIGINT NOT NULL,
    org_id      TEXT   NOT NULL,
    event_time  TEXT   NOT NULL,
    body        TEXT   NOT NULL,
    PRIMARY KEY (input_key, byte_offset)
);
CREATE INDEX hits_time ON hits (event_time, input_key, byte_offset);
CREATE INDEX hits_org ON hits (org_id, event_time);

-- hit_matches are the indicators found in a hit; seq keeps the order the
-- sweep reported them in.
CREATE TABLE hit_matches (
    input_key    TEXT    NOT NULL,
    byte_offset  BIGINT  NOT NULL,
    field        TEXT    NOT NULL,
    value        TEXT    NOT NULL,
    indicator_id TEXT    NOT NULL,
    type         TEXT    NOT NULL,
    indicator    TEXT    NOT NULL,
    seq          INTEGER NOT NULL,
    PRIMARY KEY (input_key, byte_offset, field, value, indicator_id, type, indicator),
    FOREIGN KEY (input_key, byte_offset) REFERENCES hits (input_key, byte_offset) ON DELETE CASCADE
);
CREATE INDEX hit_matches_indicator ON hit_matches (indicator_id);

CREATE TABLE intrusions (
    id         TEXT NOT NULL PRIMARY KEY,
    org_id     TEXT NOT NULL,
    start_time TEXT NOT NULL,
    end_time   TEXT NOT NULL,
    status     TEXT NOT NULL,
    body       TEXT NOT NULL
);
CREATE INDEX intrusions_start ON intrusions (start_time, id);
CREATE INDEX intrusions_org ON intrusions (org_id, start_time);

CREATE TABLE attributions (
    intrusion_id TEXT    NOT NULL PRIMARY KEY,
    attributed   INTEGER NOT NULL,
    body         TEXT    NOT NULL
);

CREATE TABLE intents (
    intrusion_id TEXT NOT NULL PRIMARY KEY,
    class        TEXT NOT NULL,
    body         TEXT NOT NULL
);

-- A finding is one intrusion judged against one agreement: that pair is
-- its key. Agreements are not foreign keys: the built-in ones live in the
-- binary, not here.
CREATE TABLE findings (
    intrusion_id TEXT NOT NULL,
    agreement_id TEXT NOT NULL,
    id           TEXT NOT NULL,
    verdict      TEXT NOT NULL,
    body         TEXT NOT NULL,
    PRIMARY KEY (intrusion_id, agreement_id)
);
CREATE INDEX findings_id ON findings (id);
CREATE INDEX findings_agreement ON findings (agreement_id, verdict);
CREATE INDEX findings_verdict ON findings (verdict);
