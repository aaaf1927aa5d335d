-- 0003: casework. Cases referred to a counterparty with their append-only
-- log; evidence attached to the links of findings' enforcement chains, by
-- natural key; the files behind evidence, by the SHA-256 of their content;
-- overrides of link statuses, each with its reason, in the order recorded.
CREATE TABLE cases (
	id           TEXT NOT NULL PRIMARY KEY,
	agreement_id TEXT NOT NULL,
	counterparty TEXT NOT NULL,
	state        TEXT NOT NULL,
	opened       TEXT NOT NULL,
	deadline     TEXT,
	body         TEXT NOT NULL -- the case as JSON, without its log
);
CREATE INDEX cases_opened ON cases (opened, id);

CREATE TABLE case_log (
	case_id    TEXT    NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
	seq        INTEGER NOT NULL,
	from_state TEXT    NOT NULL,
	to_state   TEXT    NOT NULL,
	who        TEXT    NOT NULL,
	at         TEXT    NOT NULL,
	why        TEXT    NOT NULL,
	response   TEXT    NOT NULL,
	PRIMARY KEY (case_id, seq)
);

CREATE TABLE evidence_files (
	digest  TEXT   NOT NULL PRIMARY KEY, -- lower-case hex SHA-256 of content
	size    BIGINT NOT NULL,
	content BLOB   NOT NULL
);

CREATE TABLE evidence (
	key        TEXT NOT NULL PRIMARY KEY, -- casework.Evidence.Key
	finding_id TEXT NOT NULL,
	link       TEXT NOT NULL,
	kind       TEXT NOT NULL,
	digest     TEXT REFERENCES evidence_files (digest),
	ref        TEXT NOT NULL,
	text       TEXT NOT NULL,
	who        TEXT NOT NULL,
	at         TEXT NOT NULL
);
CREATE INDEX evidence_finding ON evidence (finding_id, at, key);

CREATE TABLE overrides (
	seq        INTEGER NOT NULL PRIMARY KEY, -- order recorded
	key        TEXT    NOT NULL UNIQUE,      -- SHA-256 over every field
	finding_id TEXT    NOT NULL,
	link       TEXT    NOT NULL,
	status     TEXT    NOT NULL,             -- '' withdraws earlier overrides
	reason     TEXT    NOT NULL,
	who        TEXT    NOT NULL,
	at         TEXT    NOT NULL
);
CREATE INDEX overrides_finding ON overrides (finding_id, seq);
