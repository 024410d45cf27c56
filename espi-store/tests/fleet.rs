//! What a fleet's workers share through the store, on SQLite and on PostgreSQL:
//! schedules, leases and their expiry, fenced commits, the lease history, pacing,
//! notifications and authorization requests; on PostgreSQL, one refresh at a time.

mod common;

use common::TestStore;
use espi_client::{Grant, Secret, TokenKey, TokenSet, TokenStore};
use espi_client::{SyncBatch, SyncStore};
use espi_store::{Claim, Lease, PendingAuthorizationRecord, Release, SyncOutcome};
use espi_store::{Error, Store, StoreOptions};
use std::time::Duration;

const BASE: &str = "https://dc.example/DataCustodian/espi/1_1/resource";

/// An authorization with tokens for subscription `n`, scheduled for "dc" due at 100.
async fn authorization(store: &Store, n: u32) -> String {
    let mut tokens = TokenSet::new(
        Secret::new(format!("access-{n}")),
        Grant::AuthorizationCode,
        1,
    );
    tokens.resource_uri = Some(format!("{BASE}/Batch/Subscription/{n}"));
    tokens.authorization_uri = Some(format!("{BASE}/Authorization/{n}"));
    let key = tokens.key();
    store.put(&key, tokens).await.expect("tokens stored");
    assert!(
        store
            .schedule_authorization(key.as_str(), "dc", 100)
            .await
            .expect("scheduled")
    );
    key.to_string()
}

fn claim<'a>(worker: &'a str, wanted: u32, now: i64, ttl_ms: i64) -> Claim<'a> {
    let mut claim = Claim::new(worker, "dc", 3, wanted, now);
    claim.ttl_ms = ttl_ms;
    claim
}

fn empty_batch() -> SyncBatch {
    SyncBatch {
        entries: Vec::new(),
        fetched_at: 1,
        month: None,
    }
}

async fn leases_share_work_and_expire(test: &TestStore) {
    let store = &test.store;
    for n in 1..=5 {
        authorization(store, n).await;
    }
    assert!(
        !store
            .schedule_authorization(&format!("{BASE}/Authorization/1"), "dc", 5)
            .await
            .expect("scheduled again")
    );
    assert!(matches!(
        store.schedule_authorization("unknown", "dc", 5).await,
        Err(Error::UnknownAuthorization(_))
    ));

    // Nothing is due before 100.
    assert!(
        store
            .claim(claim("a", 5, 99, 60_000))
            .await
            .expect("claim")
            .is_empty()
    );
    // The Data Custodian's limit (3) holds over both workers.
    let first = store
        .claim(claim("a", 2, 100, 60_000))
        .await
        .expect("claim");
    let second = store
        .claim(claim("b", 5, 100, 60_000))
        .await
        .expect("claim");
    assert_eq!((first.len(), second.len()), (2, 1));
    let mut held: Vec<i64> = first
        .iter()
        .chain(&second)
        .map(|lease| lease.authorization_id)
        .collect();
    held.sort_unstable();
    held.dedup();
    assert_eq!(held.len(), 3, "no authorization leased twice");
    assert_eq!(
        first[0].subscription.as_deref(),
        Some(&*format!("{BASE}/Batch/Subscription/1"))
    );
    assert!(
        store
            .claim(claim("b", 5, 100, 60_000))
            .await
            .expect("claim")
            .is_empty()
    );

    let backlog = store.backlog(160).await.expect("backlog");
    assert_eq!(
        (backlog[0].active, backlog[0].waiting, backlog[0].leased),
        (5, 2, 3)
    );
    assert_eq!(backlog[0].lag_seconds, 60);

    // A fenced commit under a held lease writes; the release reschedules.
    let lease = &first[0];
    let subscription = lease.subscription.clone().expect("a subscription");
    store
        .leased(lease)
        .commit(&subscription, empty_batch())
        .await
        .expect("fenced commit");
    assert!(
        store
            .renew_lease(lease, 60_000)
            .await
            .expect("renewed")
            .is_some()
    );
    let release = Release::new(SyncOutcome::Succeeded { whole_window: true }, 1_000, 150);
    assert!(store.release(lease, &release).await.expect("released"));
    assert!(
        store
            .leased(lease)
            .commit(&subscription, empty_batch())
            .await
            .is_err(),
        "released"
    );
    assert!(
        store
            .renew_lease(lease, 60_000)
            .await
            .expect("renew")
            .is_none()
    );

    // A lease that expires is taken over; its holder can no longer commit.
    let short = store.claim(claim("c", 1, 200, 300)).await.expect("claim");
    assert_eq!(short.len(), 1);
    tokio::time::sleep(Duration::from_millis(600)).await;
    let taken = store
        .claim(claim("d", 5, 200, 60_000))
        .await
        .expect("claim");
    assert!(
        taken
            .iter()
            .any(|lease| lease.authorization_id == short[0].authorization_id)
    );
    let stale = short[0].subscription.clone().expect("a subscription");
    let error = store
        .leased(&short[0])
        .commit(&stale, empty_batch())
        .await
        .expect_err("fenced");
    assert!(error.to_string().contains("no longer held"), "{error}");
    assert!(
        store
            .renew_lease(&short[0], 60_000)
            .await
            .expect("renew")
            .is_none()
    );
    let failed = Release::new(SyncOutcome::Failed { error: "x".into() }, 300, 200);
    assert!(!store.release(&short[0], &failed).await.expect("release"));

    let history = store.lease_history().await.expect("history");
    let expired = history
        .iter()
        .find(|record| record.id == short[0].id)
        .expect("recorded");
    assert_eq!(expired.outcome.as_deref(), Some("expired"));
    assert_eq!(
        history
            .iter()
            .find(|r| r.id == lease.id)
            .map(|r| r.commits_ms.len()),
        Some(1)
    );
    for pair in history.windows(2) {
        if pair[0].authorization_id == pair[1].authorization_id {
            let end = pair[0].released_ms.expect("closed before the next");
            assert!(end <= pair[1].acquired_ms, "{pair:?}");
        }
    }

    // Ended authorizations are never claimed; statuses list every one.
    let ended = &taken[0];
    store
        .end_authorization(&TokenKey::new(ended.token_key.clone()), "revoked", 250)
        .await
        .expect("ended");
    let ended_release = Release::new(
        SyncOutcome::Ended {
            reason: "revoked".into(),
        },
        250,
        250,
    );
    assert!(
        store
            .release(ended, &ended_release)
            .await
            .expect("released")
    );
    let statuses = store.schedules().await.expect("statuses");
    assert_eq!(statuses.len(), 5);
    let status = statuses
        .iter()
        .find(|s| s.token_key == ended.token_key)
        .expect("listed");
    assert_eq!(status.ended.as_ref().map(|(at, _)| *at), Some(250));
    assert_eq!(status.leased_by, None);
}
on_both_backends!(leases, StoreOptions::new(), leases_share_work_and_expire);

async fn notifications_make_authorizations_due(test: &TestStore) {
    let store = &test.store;
    let key = authorization(store, 7).await;
    let lease: Lease = store
        .claim(claim("a", 1, 100, 60_000))
        .await
        .expect("claim")
        .remove(0);
    let release = Release::new(SyncOutcome::Succeeded { whole_window: true }, 10_000, 100);
    store.release(&lease, &release).await.expect("released");
    assert!(
        store
            .claim(claim("a", 1, 200, 60_000))
            .await
            .expect("claim")
            .is_empty()
    );

    let uris = vec![
        format!("{BASE}/Batch/Subscription/7?published-min=2024-01-01T00:00:00Z"),
        format!("{BASE}/Batch/Subscription/99"),
    ];
    let queued = store
        .queue_notifications("dc", &uris, 200)
        .await
        .expect("queued");
    assert_eq!(queued.queued.len(), 1);
    assert_eq!(queued.unknown, vec![uris[1].clone()]);
    let other = store
        .queue_notifications("other", &uris[..1], 200)
        .await
        .expect("queued");
    assert!(
        other.queued.is_empty(),
        "another Data Custodian's name does not match"
    );

    let lease = store
        .claim(claim("a", 1, 200, 60_000))
        .await
        .expect("claim")
        .remove(0);
    assert_eq!(lease.token_key, key);
    let pending = store
        .pending_notifications(lease.authorization_id, 200)
        .await
        .expect("pending");
    assert_eq!(
        pending
            .iter()
            .map(|(_, uri)| uri.clone())
            .collect::<Vec<_>>(),
        uris[..1]
    );
    let ids: Vec<i64> = pending.iter().map(|(id, _)| *id).collect();
    // A failed fetch waits until its retry time.
    store
        .postpone_notifications(&ids, 400)
        .await
        .expect("postponed");
    let failed = Release::new(
        SyncOutcome::Failed {
            error: "503".into(),
        },
        10_000,
        201,
    );
    store.release(&lease, &failed).await.expect("released");
    assert!(
        store
            .claim(claim("a", 1, 300, 60_000))
            .await
            .expect("claim")
            .is_empty()
    );
    let lease = store
        .claim(claim("a", 1, 400, 60_000))
        .await
        .expect("claim")
        .remove(0);
    store.notifications_done(&ids, 401).await.expect("done");
    store
        .release(
            &lease,
            &Release::new(
                SyncOutcome::Succeeded {
                    whole_window: false,
                },
                10_000,
                201,
            ),
        )
        .await
        .expect("released");
    assert!(
        store
            .claim(claim("a", 1, 300, 60_000))
            .await
            .expect("claim")
            .is_empty()
    );
}
on_both_backends!(
    notifications,
    StoreOptions::new(),
    notifications_make_authorizations_due
);

async fn pacing_and_requests_are_shared(test: &TestStore) {
    let store = &test.store;
    let pace = store.pace("dc").await.expect("pace");
    assert_eq!((pace.remaining_ms(), pace.failures), (0, 0));
    let paused = store.pause_custodian("dc", 5_000).await.expect("paused");
    assert!(
        (4_000..=5_000).contains(&paused.remaining_ms()),
        "{paused:?}"
    );
    let shorter = store.pause_custodian("dc", 1_000).await.expect("paused");
    assert!(
        shorter.remaining_ms() > 3_000,
        "a shorter pause does not cut a longer one"
    );
    store.record_custodian_failure("dc").await.expect("failure");
    assert_eq!(
        store
            .record_custodian_failure("dc")
            .await
            .expect("failure")
            .failures,
        2
    );
    store.record_custodian_success("dc").await.expect("success");
    assert_eq!(store.pace("dc").await.expect("pace").failures, 0);

    let record = PendingAuthorizationRecord::new("s1", "dc", Some("v".into()), None, "FB=4_5", 500);
    assert!(
        store
            .put_pending_authorization(&record, 100, 2)
            .await
            .expect("kept")
    );
    let other = PendingAuthorizationRecord::new("s2", "dc", None, None, "FB=4_5", 500);
    assert!(
        store
            .put_pending_authorization(&other, 100, 2)
            .await
            .expect("kept")
    );
    let third = PendingAuthorizationRecord::new("s3", "dc", None, None, "FB=4_5", 500);
    assert!(
        !store
            .put_pending_authorization(&third, 100, 2)
            .await
            .expect("refused"),
        "bounded"
    );
    assert_eq!(
        store
            .take_pending_authorization("s1", 100)
            .await
            .expect("taken"),
        Some(record)
    );
    assert_eq!(
        store
            .take_pending_authorization("s1", 100)
            .await
            .expect("taken"),
        None,
        "once"
    );
    assert_eq!(
        store
            .take_pending_authorization("s2", 600)
            .await
            .expect("taken"),
        None,
        "expired"
    );
}
on_both_backends!(pacing, StoreOptions::new(), pacing_and_requests_are_shared);

/// On PostgreSQL a second refresh lock on the same key waits for the first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refreshes_are_one_at_a_time_on_postgres() {
    let Some(test) = TestStore::new(common::Kind::Postgres, StoreOptions::new()).await else {
        return;
    };
    let other = Store::open(&test.location).await.expect("a second pool");
    let key = TokenKey::new("k");
    let first = test.store.refresh_lock(&key).await.expect("locked");
    let waiting = tokio::spawn(async move {
        let started = std::time::Instant::now();
        let _second = other
            .refresh_lock(&TokenKey::new("k"))
            .await
            .expect("locked");
        started.elapsed()
    });
    let unrelated = test
        .store
        .refresh_lock(&TokenKey::new("other"))
        .await
        .expect("not held up");
    drop(unrelated);
    tokio::time::sleep(Duration::from_millis(500)).await;
    drop(first);
    let waited = waiting.await.expect("joined");
    assert!(waited >= Duration::from_millis(400), "waited {waited:?}");
    test.finish().await;
}

/// Runs `statements` on the store's database outside the store, then `select` (a
/// column of integers).
async fn on_database(test: &TestStore, statements: &[String], select: &str) -> Vec<i64> {
    use sqlx::Connection;
    macro_rules! run {
        ($connection:expr) => {{
            let mut connection = $connection.await.expect("the database connects");
            for statement in statements {
                sqlx::query(statement)
                    .execute(&mut connection)
                    .await
                    .unwrap_or_else(|error| panic!("{statement}: {error}"));
            }
            let rows = sqlx::query_scalar(select)
                .fetch_all(&mut connection)
                .await
                .unwrap_or_else(|error| panic!("{select}: {error}"));
            let _ = connection.close().await;
            rows
        }};
    }
    match test.kind() {
        common::Kind::Sqlite => run!(sqlx::SqliteConnection::connect(&format!(
            "sqlite:{}",
            test.location
        ))),
        common::Kind::Postgres => run!(sqlx::PgConnection::connect(&test.location)),
    }
}

/// A store migrated by a release without the fleet has migrations 0001 and 0003
/// (the packed readings) but not 0002: opening it applies 0002 after 0003, and the
/// fleet's tables work. The two touch different tables, so either order gives the
/// same schema.
async fn a_store_without_the_fleet_migration_gets_it(test: &TestStore) {
    let key = authorization(&test.store, 1).await;
    test.store.close().await;
    let cascade = match test.kind() {
        common::Kind::Sqlite => "",
        common::Kind::Postgres => " CASCADE",
    };
    let mut statements: Vec<String> = [
        "fleet_lease_commits",
        "fleet_leases",
        "fleet_notifications",
        "fleet_pending_authorizations",
        "fleet_schedules",
        "fleet_custodians",
    ]
    .iter()
    .map(|table| format!("DROP TABLE {table}{cascade}"))
    .collect();
    statements.push("DELETE FROM _sqlx_migrations WHERE version = 2".to_owned());
    let versions = "SELECT version FROM _sqlx_migrations ORDER BY version";
    assert_eq!(on_database(test, &statements, versions).await, [1, 3]);

    let store = Store::open_with(&test.location, StoreOptions::new())
        .await
        .expect("opens and migrates");
    assert!(
        store
            .schedule_authorization(&key, "dc", 100)
            .await
            .expect("the fleet's tables are back")
    );
    assert_eq!(
        store
            .claim(claim("a", 5, 100, 60_000))
            .await
            .expect("claim")
            .len(),
        1
    );
    store.close().await;
    assert_eq!(on_database(test, &[], versions).await, [1, 2, 3]);
}

on_both_backends!(
    migration_0002_after_0003,
    StoreOptions::new(),
    a_store_without_the_fleet_migration_gets_it
);
