-- cache.sql: schema of the nureach result cache (SQLite 3.40), the single source of truth.
--
-- The build embeds this file into nureachd (server/CMakeLists.txt -> nr_cache_schema_sql[]).
-- It is a list of migrations. Each starts with a marker line "-- @migration N" and brings a
-- database from user_version N-1 to N; the daemon runs, in order and each in its own
-- BEGIN IMMEDIATE transaction, every migration above the database's PRAGMA user_version, and
-- refuses a database whose user_version is above the highest N here. Each migration ends by
-- setting PRAGMA user_version = N itself, so `sqlite3 cache.db < schema/cache.sql` on an empty
-- file gives the same database as the daemon. Never edit a released migration: append a new one.
--
-- Times are integer microseconds since 1970-01-01 UTC. Connection settings (WAL,
-- synchronous=NORMAL, busy_timeout) are per connection and set by server/cache.c, not here.

-- @migration 1  (v0 -> v1: create the cache)

-- Marks the file as a nureach cache ('nrCa'), so that another program's database is not mistaken
-- for one (https://www.sqlite.org/pragma.html#pragma_application_id).
PRAGMA application_id = 1852982113;

-- One row per computed response.
CREATE TABLE results (
    key          TEXT PRIMARY KEY NOT NULL, -- sha256 hex of canonical request + engine + data version
    request      TEXT NOT NULL,             -- the canonical request (JSON), for humans and debugging
    content_type TEXT NOT NULL,             -- e.g. 'application/json'
    size         INTEGER NOT NULL CHECK (size >= 0), -- length(body) [bytes]; before body so that
                                            -- reading it does not walk the blob's overflow pages
    body_sha256  TEXT NOT NULL,             -- sha256 hex of body, checked on every read
    compute_ms   REAL NOT NULL,             -- wall time the computation took on the miss [ms]
    created_at   INTEGER NOT NULL,          -- when the row was stored [us since the epoch]
    last_used_at INTEGER NOT NULL,          -- last store or hit [us since the epoch]; LRU order
    body         BLOB NOT NULL              -- the exact response bytes served on a hit
);

-- Eviction deletes the least recently used rows first: ORDER BY last_used_at LIMIT 1.
CREATE INDEX results_last_used_at ON results (last_used_at);

-- Running totals over results, kept by the triggers below so that the size check after every
-- store is one row read instead of a scan. The daemon stores with an UPSERT
-- (INSERT ... ON CONFLICT DO UPDATE), which fires the update trigger; note that INSERT OR REPLACE
-- would not fire the delete trigger for the replaced row unless recursive_triggers is on.
CREATE TABLE totals (
    id      INTEGER PRIMARY KEY CHECK (id = 1), -- a single row
    entries INTEGER NOT NULL,                   -- count(*) of results
    bytes   INTEGER NOT NULL                    -- sum(size) of results [bytes]
);
INSERT INTO totals (id, entries, bytes) VALUES (1, 0, 0);

CREATE TRIGGER results_after_insert AFTER INSERT ON results BEGIN
    UPDATE totals SET entries = entries + 1, bytes = bytes + NEW.size WHERE id = 1;
END;

CREATE TRIGGER results_after_delete AFTER DELETE ON results BEGIN
    UPDATE totals SET entries = entries - 1, bytes = bytes - OLD.size WHERE id = 1;
END;

CREATE TRIGGER results_after_update_size AFTER UPDATE OF size ON results BEGIN
    UPDATE totals SET bytes = bytes - OLD.size + NEW.size WHERE id = 1;
END;

PRAGMA user_version = 1;

-- @migration 2  (v1 -> v2: API tokens of a group server)

-- One row per API token (nureachd token add|list|revoke). Only the sha256 of the secret is kept: the
-- secret itself is printed once by `token add` and cannot be recovered from this table. A revoked token
-- keeps its row (revoked_at set) so that `token list` shows it; its hash no longer authenticates.
CREATE TABLE tokens (
    name         TEXT PRIMARY KEY NOT NULL,  -- [A-Za-z0-9_-]{1,32}: the client's name in quotas and logs
    secret_sha256 TEXT UNIQUE NOT NULL,      -- sha256 hex of the secret ("nrt_" + 64 hex digits)
    admin        INTEGER NOT NULL CHECK (admin IN (0, 1)), -- 1: sees and cancels everyone's jobs
    created_at   INTEGER NOT NULL,           -- [us since the epoch]
    revoked_at   INTEGER                     -- NULL while valid [us since the epoch]
);

PRAGMA user_version = 2;
