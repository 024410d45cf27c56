-- The state of a fleet of workers keeping many authorizations in sync (espi-fleet),
-- shared through this database with no coordinator. The SQLite schema
-- (migrations/sqlite) has the same tables and columns.
--
-- Two clocks: *_at columns are epoch seconds on the workers' clock (the schedule,
-- as the sync windows use it); *_ms columns are epoch milliseconds on the database
-- server's clock (leases and pauses, so that workers on several machines need not
-- agree on the time to agree on who holds what).

-- One row per authorization the fleet keeps in sync: when it is next due, how the
-- last attempts went, and the lease of the worker syncing it now.
CREATE TABLE fleet_schedules (
    authorization_id BIGINT PRIMARY KEY REFERENCES authorizations (id) ON DELETE CASCADE,
    -- The Data Custodian's name in the fleet's configuration.
    custodian TEXT NOT NULL,
    -- When its next scheduled sync is due (a notification waiting makes it
    -- claimable before).
    due_at BIGINT NOT NULL,
    -- When a sync of the whole window first succeeded.
    first_synced_at BIGINT,
    last_success_at BIGINT,
    last_attempt_at BIGINT,
    last_error TEXT,
    -- Failed attempts since the last success (the backoff counts them).
    failures BIGINT NOT NULL DEFAULT 0,
    -- The current lease (fleet_leases.id), its holder and expiry; NULL when free.
    lease_id BIGINT,
    lease_owner TEXT,
    lease_expires_ms BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX fleet_schedules_due ON fleet_schedules (custodian, due_at);

-- Every lease ever taken: who held which authorization from when to when. A lease
-- that expired is closed by the worker that takes the authorization next.
CREATE TABLE fleet_leases (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    authorization_id BIGINT NOT NULL REFERENCES authorizations (id) ON DELETE CASCADE,
    worker TEXT NOT NULL,
    acquired_ms BIGINT NOT NULL,
    expires_ms BIGINT NOT NULL,
    released_ms BIGINT,
    -- succeeded, failed, ended (the authorization), expired, lost.
    outcome TEXT
);
CREATE INDEX fleet_leases_authorization ON fleet_leases (authorization_id, acquired_ms);

-- Every commit made under a lease (a fenced commit checks the lease in the same
-- transaction), so that who wrote what when can be checked afterwards.
CREATE TABLE fleet_lease_commits (
    lease_id BIGINT NOT NULL,
    at_ms BIGINT NOT NULL
);
CREATE INDEX fleet_lease_commits_lease ON fleet_lease_commits (lease_id);

-- Notifications received and not yet fetched (done_at NULL), and fetched ones. A
-- waiting one makes its authorization claimable from retry_at on (when received,
-- later after a failed fetch), whatever the schedule says.
CREATE TABLE fleet_notifications (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    authorization_id BIGINT NOT NULL REFERENCES authorizations (id) ON DELETE CASCADE,
    uri TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    retry_at BIGINT NOT NULL,
    done_at BIGINT
);
CREATE INDEX fleet_notifications_pending ON fleet_notifications (authorization_id, done_at);

-- Each Data Custodian's pacing, shared by every worker: no request before
-- paused_until_ms; failures counts server failures in a row.
CREATE TABLE fleet_custodians (
    name TEXT PRIMARY KEY,
    paused_until_ms BIGINT NOT NULL DEFAULT 0,
    failures BIGINT NOT NULL DEFAULT 0,
    updated_ms BIGINT NOT NULL DEFAULT 0
);

-- Authorization requests sent to a customer's browser and not yet come back: any
-- worker may receive the callback.
CREATE TABLE fleet_pending_authorizations (
    state TEXT PRIMARY KEY,
    custodian TEXT NOT NULL,
    pkce_verifier TEXT,
    redirect_uri TEXT,
    scope TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
