// Package sqlite is the embedded store backend: one SQLite file, written
// through modernc.org/sqlite (no cgo) with hand-written SQL on database/sql.
//
// The schema is created and upgraded by numbered, append-only migrations
// embedded from migrations/*.sql; each runs in its own transaction and is
// recorded in the schema_version table. Open refuses a database whose
// schema is newer than the program with store.ErrSchema.
//
// Time values in indexed columns are TEXT in fixed-width RFC 3339 UTC with
// nanoseconds ("2015-09-26T01:02:03.000000000Z"), so text order is time
// order on both SQLite and PostgreSQL, and the zero time fits (unix nanos
// would not). Records with nested or list fields are stored as JSON text
// next to the columns they are queried by. The SQL uses $N placeholders and
// ON CONFLICT upserts so the postgres backend can share it.
//
// Writes are serialised in-process by a mutex and across processes by
// BEGIN IMMEDIATE with a 10 s busy timeout; reads run concurrently (WAL).
package sqlite
