-- 0004: open-source reporting. Articles as read, keyed by id; what
-- osint.Analyse derives from all of them (sources, stories, claims,
-- corroborated reports), replaced as a whole after each ingest; outlet
-- reliability grades; reports taken from public catalogues (CFR, EuRepoC).
CREATE TABLE articles (
	id     TEXT NOT NULL PRIMARY KEY,
	digest TEXT NOT NULL, -- SHA-256 of title and text
	body   TEXT NOT NULL  -- the osint.Article as JSON
);
CREATE INDEX articles_digest ON articles (digest);

CREATE TABLE osint_sources (
	seq   INTEGER NOT NULL PRIMARY KEY,
	id    TEXT    NOT NULL UNIQUE,
	story TEXT    NOT NULL,
	body  TEXT    NOT NULL
);

CREATE TABLE osint_stories (
	seq  INTEGER NOT NULL PRIMARY KEY,
	id   TEXT    NOT NULL UNIQUE,
	body TEXT    NOT NULL
);

CREATE TABLE osint_claims (
	seq        INTEGER NOT NULL PRIMARY KEY,
	id         TEXT    NOT NULL,
	article_id TEXT    NOT NULL,
	kind       TEXT    NOT NULL,
	body       TEXT    NOT NULL
);
CREATE INDEX osint_claims_article ON osint_claims (article_id);

CREATE TABLE osint_reports (
	seq  INTEGER NOT NULL PRIMARY KEY,
	kind TEXT    NOT NULL,
	key  TEXT    NOT NULL,
	body TEXT    NOT NULL
);

CREATE TABLE outlet_ratings (
	outlet_key  TEXT NOT NULL PRIMARY KEY, -- the outlet name in lower case
	outlet      TEXT NOT NULL,
	reliability TEXT NOT NULL
);

CREATE TABLE catalog_reports (
	key  TEXT NOT NULL PRIMARY KEY,
	date TEXT NOT NULL,
	body TEXT NOT NULL
);
CREATE INDEX catalog_reports_date ON catalog_reports (date, key);
