-- store-v3.sql: a SQLite store of schema version 3 (stabforce before the
-- version-4 migration that lets fatalities be NULL), generated from
-- migrations 1-3 of src/lib/register/store_sqlite.c at 91fef7b, with two
-- incidents (fatalities 2 and 0) and their roll-ups. tests/cli/registers.sh
-- opens it with the current stabforce, which must migrate it.
CREATE TABLE batches(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, file TEXT, who TEXT, started TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')), summary TEXT);
CREATE TABLE incidents(event_id_cnty TEXT NOT NULL PRIMARY KEY, event_date TEXT NOT NULL, year TEXT, time_precision TEXT, disorder_type TEXT, event_type TEXT NOT NULL, sub_event_type TEXT, actor1 TEXT, assoc_actor_1 TEXT, inter1 TEXT, actor2 TEXT, assoc_actor_2 TEXT, inter2 TEXT, interaction TEXT, civilian_targeting TEXT, iso TEXT, region TEXT, country TEXT, admin1 TEXT, admin2 TEXT, admin3 TEXT, location TEXT, latitude REAL, longitude REAL, geo_precision TEXT, source TEXT, source_scale TEXT, notes TEXT, fatalities INTEGER NOT NULL DEFAULT 0, tags TEXT, timestamp INTEGER NOT NULL DEFAULT 0,  day INTEGER NOT NULL, sector TEXT NOT NULL DEFAULT '', sector_method TEXT NOT NULL DEFAULT 'none', sector_km REAL NOT NULL DEFAULT 0, status TEXT NOT NULL DEFAULT 'reported', source_system TEXT NOT NULL DEFAULT 'ACLED', batch INTEGER) WITHOUT ROWID;
CREATE TABLE incident_rollup(day INTEGER NOT NULL, sector TEXT NOT NULL, event_type TEXT NOT NULL, sub_event_type TEXT NOT NULL, status TEXT NOT NULL, n INTEGER NOT NULL, fatalities INTEGER NOT NULL, PRIMARY KEY(day, sector, event_type, sub_event_type, status)) WITHOUT ROWID;
CREATE TABLE actor_rollup(day INTEGER NOT NULL, actor TEXT NOT NULL, sector TEXT NOT NULL, status TEXT NOT NULL, n INTEGER NOT NULL, fatalities INTEGER NOT NULL, PRIMARY KEY(day, actor, sector, status)) WITHOUT ROWID;
CREATE TABLE edits(id INTEGER PRIMARY KEY, event_id TEXT NOT NULL, other_id TEXT NOT NULL DEFAULT '', what TEXT NOT NULL, old TEXT NOT NULL DEFAULT '', new TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '', who TEXT NOT NULL DEFAULT '', at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));
CREATE INDEX edits_event ON edits(event_id);
CREATE TABLE dupe_decisions(a TEXT NOT NULL, b TEXT NOT NULL, decision TEXT NOT NULL CHECK(decision IN ('duplicate','distinct')), PRIMARY KEY(a, b)) WITHOUT ROWID;
CREATE TABLE aid(day INTEGER NOT NULL, crossing TEXT NOT NULL, category TEXT NOT NULL, stage TEXT NOT NULL CHECK(stage IN ('entered','offloaded','collected','intercepted')), source TEXT NOT NULL, trucks INTEGER NOT NULL CHECK(trucks >= 0), tonnes REAL, batch INTEGER REFERENCES batches(id), PRIMARY KEY(day, crossing, category, stage, source)) WITHOUT ROWID;
CREATE TABLE meta(k TEXT PRIMARY KEY, v INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO meta VALUES('data_version', 0);
CREATE TRIGGER batches_version AFTER INSERT ON batches BEGIN UPDATE meta SET v = v + 1 WHERE k = 'data_version'; END;
CREATE TRIGGER batches_end_version AFTER UPDATE ON batches BEGIN UPDATE meta SET v = v + 1 WHERE k = 'data_version'; END;
CREATE TRIGGER edits_version AFTER INSERT ON edits BEGIN UPDATE meta SET v = v + 1 WHERE k = 'data_version'; END;
CREATE TABLE jobs(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, scenario TEXT NOT NULL, request TEXT NOT NULL, key TEXT NOT NULL DEFAULT '', status TEXT NOT NULL CHECK(status IN ('queued','running','done','failed','cancelled')), progress REAL NOT NULL DEFAULT 0, message TEXT NOT NULL DEFAULT '', result TEXT NOT NULL DEFAULT '', who TEXT NOT NULL DEFAULT '', worker TEXT NOT NULL DEFAULT '', created INTEGER NOT NULL, started INTEGER NOT NULL DEFAULT 0, finished INTEGER NOT NULL DEFAULT 0, lease_until INTEGER NOT NULL DEFAULT 0);
CREATE INDEX jobs_status ON jobs(status, id);
CREATE INDEX jobs_key ON jobs(key) WHERE key <> '';
CREATE TABLE tokens(name TEXT PRIMARY KEY, role TEXT NOT NULL CHECK(role IN ('viewer','editor','admin')), hash TEXT NOT NULL UNIQUE, created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')), revoked INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
CREATE INDEX incidents_day ON incidents(day, event_id_cnty);
ALTER TABLE incidents ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE jobs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
INSERT INTO incidents(event_id_cnty, event_date, year, event_type, sub_event_type, actor1, actor2, location, latitude, longitude, fatalities, timestamp, day, status) VALUES('OLD1', '2025-03-01', '2025', 'Battles', '', 'A', '', 'Here', 31.5, 34.4, 2, 10, 20148, 'reported');
INSERT INTO incidents(event_id_cnty, event_date, year, event_type, sub_event_type, actor1, actor2, location, latitude, longitude, fatalities, timestamp, day, status) VALUES('OLD2', '2025-03-01', '2025', 'Riots', '', 'A', '', 'There', 31.5, 34.4, 0, 10, 20148, 'reported');
INSERT INTO incident_rollup VALUES(20148, '', 'Battles', '', 'reported', 1, 2);
INSERT INTO incident_rollup VALUES(20148, '', 'Riots', '', 'reported', 1, 0);
INSERT INTO actor_rollup VALUES(20148, 'A', '', 'reported', 2, 2);
PRAGMA user_version = 3;
