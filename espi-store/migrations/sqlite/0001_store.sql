-- The durable state of a pull client (SQLite). Instants are epoch seconds (INTEGER).
-- The PostgreSQL schema (migrations/postgres) has the same tables and columns.

-- A Data Custodian, by the origin of its resource server (scheme://host[:port]).
CREATE TABLE data_custodians (
    id INTEGER PRIMARY KEY,
    origin TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

-- One grant: the key its tokens are stored under (normally the authorizationURI).
CREATE TABLE authorizations (
    id INTEGER PRIMARY KEY,
    data_custodian_id INTEGER REFERENCES data_custodians (id),
    token_key TEXT NOT NULL UNIQUE,
    authorization_uri TEXT,
    scope TEXT,
    granted_at INTEGER,
    -- NULL while in force; when and why it ended (revoked, expired, invalid_grant).
    ended_at INTEGER,
    ended_reason TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- The authorization's current token set: JSON, or sealed with XChaCha20-Poly1305
-- (sealed = 1: 24-byte nonce followed by the ciphertext).
CREATE TABLE tokens (
    authorization_id INTEGER PRIMARY KEY REFERENCES authorizations (id) ON DELETE CASCADE,
    sealed INTEGER NOT NULL,
    payload BLOB NOT NULL,
    updated_at INTEGER NOT NULL
);

-- A subscription, by its resource URI (…/Batch/Subscription/{id}).
CREATE TABLE subscriptions (
    id INTEGER PRIMARY KEY,
    uri TEXT NOT NULL UNIQUE,
    data_custodian_id INTEGER REFERENCES data_custodians (id),
    authorization_id INTEGER REFERENCES authorizations (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    -- When a month was last committed (the client's clock).
    last_sync_at INTEGER
);

-- Sync progress: the range each month's last request covered.
CREATE TABLE sync_months (
    subscription_id INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    month_start INTEGER NOT NULL,
    month_end INTEGER NOT NULL,
    covered_until INTEGER NOT NULL,
    entries INTEGER NOT NULL,
    readings INTEGER NOT NULL,
    fetched_at INTEGER NOT NULL,
    PRIMARY KEY (subscription_id, month_start, month_end)
);

-- Every entry received, as espi-xml writes it standalone (lossless), keyed by its
-- self link (else its Atom id).
CREATE TABLE entries (
    id INTEGER PRIMARY KEY,
    subscription_id INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    entry_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    xml TEXT NOT NULL,
    fetched_at INTEGER NOT NULL,
    UNIQUE (subscription_id, entry_key)
);

CREATE TABLE meter_readings (
    id INTEGER PRIMARY KEY,
    subscription_id INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    uri TEXT NOT NULL,
    UNIQUE (subscription_id, uri)
);

-- Interval readings keyed by (MeterReading, start); `position` is 0 for a reading
-- with its own timePeriod, else its index + 1 in a block without times (whose start
-- `start` then is).
-- readings and reading_revisions refer to meter_readings without a foreign key:
-- a per-row key check is most of the cost of a bulk insert (PostgreSQL measured:
-- 70 080 readings 1.5 s with it). The store is their only writer, and deletes them
-- itself before their subscriptions (Store::end_authorization).
CREATE TABLE readings (
    meter_reading_id INTEGER NOT NULL,
    start INTEGER NOT NULL,
    position INTEGER NOT NULL,
    duration INTEGER,
    value INTEGER,
    cost INTEGER,
    -- ReadingQuality codes, comma-separated; NULL when the reading has none.
    quality TEXT,
    -- The IntervalBlock entry it came in (entries.id; not a foreign key, so that
    -- deleting a subscription does not scan the readings once per entry).
    block_id INTEGER NOT NULL,
    fetched_at INTEGER NOT NULL,
    PRIMARY KEY (meter_reading_id, start, position)
) WITHOUT ROWID;

-- The values a correction replaced: one row per change, with when the old value
-- had been received and when it was replaced.
CREATE TABLE reading_revisions (
    meter_reading_id INTEGER NOT NULL,
    start INTEGER NOT NULL,
    position INTEGER NOT NULL,
    duration INTEGER,
    value INTEGER,
    cost INTEGER,
    quality TEXT,
    received_at INTEGER NOT NULL,
    replaced_at INTEGER NOT NULL
);
CREATE INDEX reading_revisions_reading ON reading_revisions (meter_reading_id, start, position);

CREATE TRIGGER readings_revised AFTER UPDATE ON readings
WHEN old.value IS NOT new.value OR old.cost IS NOT new.cost
    OR old.duration IS NOT new.duration OR old.quality IS NOT new.quality
BEGIN
    INSERT INTO reading_revisions
        (meter_reading_id, start, position, duration, value, cost, quality, received_at, replaced_at)
    VALUES
        (old.meter_reading_id, old.start, old.position, old.duration, old.value, old.cost,
         old.quality, old.fetched_at, new.fetched_at);
END;
