//! What workers of a fleet share through the store (see the crate's docs).

pub(crate) mod inbox;
pub(crate) mod leases;
pub(crate) mod pacing;

use crate::store::Backend;

/// Backend-specific pieces of the fleet's SQL: `NOW_MS` (the database clock in epoch
/// milliseconds), `SKIP_LOCKED` (the claim's row locking), `GREATEST(`; then `?`
/// placeholders numbered for PostgreSQL.
pub(crate) fn fleet_sql(backend: Backend, text: &str) -> String {
    match backend {
        Backend::Sqlite => text
            .replace(
                "NOW_MS",
                "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)",
            )
            .replace("SKIP_LOCKED", "")
            .replace("GREATEST(", "MAX("),
        Backend::Postgres => crate::store::numbered(
            &text
                .replace(
                    "NOW_MS",
                    "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)",
                )
                .replace("SKIP_LOCKED", "FOR UPDATE OF s SKIP LOCKED"),
        ),
    }
}

pub use inbox::{PendingAuthorizationRecord, QueuedNotifications};
pub use leases::{
    Backlog, Claim, Lease, LeaseRecord, LeasedStore, Release, ScheduleStatus, SyncOutcome,
};
pub use pacing::Pace;
