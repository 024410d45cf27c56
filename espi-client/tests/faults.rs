//! The client under the sandbox's injected faults: throttling with Retry-After, server
//! errors, bodies cut off mid-way, 202 Accepted, tokens expiring and an authorization
//! revoked in the middle of a sync, and a sync resumed after it failed. After every
//! recoverable fault the synced data is complete and has no duplicates.

mod common;

use common::*;
use espi_auth::Query;
use espi_client::{AcceptedPolicy, Client, Error, RetryPolicy, StoreError};
use espi_client::{
    MemorySyncStore, MonthRecord, SyncBatch, SyncOptions, SyncStore, sync_subscription,
};
use espi_sandbox::{Faults, RunningSandbox};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// A sandbox with `faults`, a client for it, and customer 2's tokens.
async fn faulty(faults: Faults) -> (RunningSandbox, TestClock, Client, espi_client::TokenSet) {
    let clock = TestClock::at(NOW);
    let mut config = sandbox_config(&clock);
    config.faults = faults;
    let sandbox = start(config).await;
    let client = client(&sandbox, &clock);
    let tokens = authorize(&client, "2", USAGE_SCOPE).await;
    (sandbox, clock, client, tokens)
}

/// From November 2013: four months, the data in December.
fn options() -> SyncOptions {
    SyncOptions::new()
        .with_earliest(NOVEMBER_2013)
        .with_month_attempts(10)
}

async fn sync(
    client: &Client,
    tokens: &espi_client::TokenSet,
    store: &dyn SyncStore,
) -> espi_client::Result<espi_client::SyncReport> {
    sync_subscription(&client.session(tokens.key()), store, &options()).await
}

fn subscription(tokens: &espi_client::TokenSet) -> String {
    tokens.resource_uri.clone().expect("a resourceURI")
}

#[tokio::test]
async fn a_throttling_storm_is_waited_out_as_retry_after_asks() {
    let (_sandbox, _clock, client, tokens) = faulty(Faults {
        error_429_share: 0.5,
        retry_after: 1,
        ..Faults::default()
    })
    .await;
    let store = MemorySyncStore::new();
    let started = Instant::now();
    let report = sync(&client, &tokens, &store)
        .await
        .expect("the sync completes");
    let elapsed = started.elapsed();
    let stats = client.stats();
    assert!(stats.throttled >= 2, "{stats:?}");
    assert_eq!(stats.retries, stats.throttled, "every 429 was retried");
    // Each retry waited at least the second the server asked for.
    assert!(
        elapsed >= Duration::from_secs(stats.throttled),
        "{elapsed:?} for {} throttled answers",
        stats.throttled
    );
    assert_eq!(report.months_fetched, 4);
    assert_complete(&store, &subscription(&tokens));
}

#[tokio::test]
async fn server_errors_are_retried_with_backoff() {
    let (_sandbox, _clock, client, tokens) = faulty(Faults {
        error_500_share: 0.4,
        ..Faults::default()
    })
    .await;
    let store = MemorySyncStore::new();
    sync(&client, &tokens, &store)
        .await
        .expect("the sync completes");
    let stats = client.stats();
    assert!(stats.server_errors >= 2, "{stats:?}");
    assert_complete(&store, &subscription(&tokens));
}

#[tokio::test]
async fn retries_are_bounded_and_say_what_failed() {
    let (_sandbox, _clock, client, tokens) = faulty(Faults {
        error_500_share: 1.0,
        ..Faults::default()
    })
    .await;
    let started = Instant::now();
    let error = client
        .session(tokens.key())
        .batch_subscription(&tokens.subscription_id().expect("an id"), &Query::new())
        .await
        .expect_err("always 500");
    assert!(started.elapsed() < Duration::from_secs(5));
    match &error {
        Error::RetriesExhausted {
            attempts,
            last,
            url,
            ..
        } => {
            assert_eq!(*attempts, fast_retry().max_attempts);
            assert_eq!(last.status(), Some(500));
            assert!(url.ends_with("/Batch/Subscription/2"), "{url}");
        }
        other => panic!("RetriesExhausted, got {other:?}"),
    }
    assert!(error.to_string().contains("500"), "{error}");
    // A time bound stops retries before the attempts run out.
    let mut config = client_config(&_sandbox, &_clock);
    config.retry = RetryPolicy::new(100, Duration::from_millis(20), Duration::from_millis(20))
        .with_max_elapsed(Duration::from_millis(200));
    let bounded = Client::new(config).expect("a client");
    bounded.insert_tokens(tokens.clone()).await.expect("stored");
    let started = Instant::now();
    let error = bounded
        .session(tokens.key())
        .batch_subscription(&"2".into(), &Query::new())
        .await
        .expect_err("always 500");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(
        matches!(&error, Error::RetriesExhausted { attempts, .. } if *attempts < 100),
        "{error}"
    );
}

#[tokio::test]
async fn a_body_cut_off_is_an_error_never_a_short_result() {
    let (_sandbox, _clock, client, tokens) = faulty(Faults {
        cut_off_share: 1.0,
        cut_off_after: 3000,
        ..Faults::default()
    })
    .await;
    let mut feed = client
        .session(tokens.key())
        .batch_subscription(&tokens.subscription_id().expect("an id"), &Query::new())
        .await
        .expect("the headers arrive");
    let mut entries = 0;
    let error = loop {
        match feed.next().await {
            Some(Ok(_)) => entries += 1,
            Some(Err(error)) => break error,
            None => panic!("a cut-off body ended cleanly after {entries} entries"),
        }
    };
    assert!(feed.next().await.is_none(), "nothing after the error");
    assert!(feed.summary().is_none(), "no summary for a broken stream");
    assert!(
        matches!(error, Error::Truncated { bytes: 3000, .. }),
        "{error:?}"
    );
    assert!(error.is_retryable());
    assert_eq!(client.stats().broken_bodies, 1);
}

#[tokio::test]
async fn bodies_cut_off_are_read_again_and_the_data_ends_complete() {
    let (_sandbox, _clock, client, tokens) = faulty(Faults {
        cut_off_share: 0.5,
        cut_off_after: 20_000,
        ..Faults::default()
    })
    .await;
    let store = MemorySyncStore::new();
    let report = sync(&client, &tokens, &store)
        .await
        .expect("the sync completes");
    assert!(report.month_retries >= 1, "{report:?}");
    assert!(client.stats().broken_bodies >= 1);
    assert_complete(&store, &subscription(&tokens));
}

#[tokio::test]
async fn accepted_is_polled_until_ready() {
    let (_sandbox, _clock, client, tokens) = faulty(Faults {
        accepted_polls: 2,
        ..Faults::default()
    })
    .await;
    let store = MemorySyncStore::new();
    let report = sync(&client, &tokens, &store)
        .await
        .expect("the sync completes");
    // The sandbox answers 202 where it would answer 200: December, the one month
    // with data, twice. The months without data are 204 at once.
    assert_eq!(report.months_fetched, 4);
    assert_eq!(client.stats().accepted_polls, 2);
    assert_complete(&store, &subscription(&tokens));
}

#[tokio::test]
async fn accepted_past_the_polling_bound_is_an_error() {
    let clock = TestClock::at(NOW);
    let mut config = sandbox_config(&clock);
    config.faults = Faults {
        accepted_polls: 50,
        ..Faults::default()
    };
    let sandbox = start(config).await;
    let client = Client::new(
        client_config(&sandbox, &clock).with_accepted(AcceptedPolicy::new(
            3,
            Duration::from_millis(1),
            Duration::from_millis(5),
        )),
    )
    .expect("a client");
    let tokens = authorize(&client, "2", USAGE_SCOPE).await;
    let error = client
        .session(tokens.key())
        .batch_subscription(&"2".into(), &Query::new())
        .await
        .expect_err("still preparing");
    assert!(
        matches!(error, Error::StillPreparing { polls: 3, .. }),
        "{error:?}"
    );
}

/// A store that runs `hook` with the number of months committed so far after each
/// month's commit.
struct Hooked<F> {
    inner: MemorySyncStore,
    months: AtomicU32,
    hook: F,
}

impl<F: Fn(u32) + Send + Sync> Hooked<F> {
    fn new(hook: F) -> Self {
        Hooked {
            inner: MemorySyncStore::new(),
            months: AtomicU32::new(0),
            hook,
        }
    }
}

#[async_trait::async_trait]
impl<F: Fn(u32) + Send + Sync> SyncStore for Hooked<F> {
    async fn month_records(&self, subscription: &str) -> Result<Vec<MonthRecord>, StoreError> {
        self.inner.month_records(subscription).await
    }

    async fn commit(&self, subscription: &str, batch: SyncBatch) -> Result<(), StoreError> {
        let month = batch.month.is_some();
        self.inner.commit(subscription, batch).await?;
        if month {
            (self.hook)(self.months.fetch_add(1, Ordering::SeqCst) + 1);
        }
        Ok(())
    }
}

#[tokio::test]
async fn tokens_expiring_mid_sync_are_refreshed_before_they_expire() {
    let clock = TestClock::at(NOW);
    let mut config = sandbox_config(&clock);
    config.access_token_lifetime = 300;
    let sandbox = start(config).await;
    let client = client(&sandbox, &clock);
    let tokens = authorize(&client, "2", USAGE_SCOPE).await;
    // Each month takes "four minutes" on the shared clock.
    let moving = clock.clone();
    let store = Hooked::new(move |_| moving.advance(240));
    sync(&client, &tokens, &store)
        .await
        .expect("the sync completes");
    let stats = client.stats();
    assert!(stats.token_refreshes >= 2, "{stats:?}");
    let renewed = client.tokens(&tokens.key()).await.expect("stored");
    assert!(!renewed.access_token.matches(tokens.access_token.expose()));
    assert_complete(&store.inner, &subscription(&tokens));
}

#[tokio::test]
async fn a_token_the_server_calls_expired_is_refreshed_once_and_the_request_repeated() {
    let server_clock = TestClock::at(NOW);
    let mut config = sandbox_config(&server_clock);
    config.access_token_lifetime = 300;
    let sandbox = start(config).await;
    // The client's clock stands still: only the server's 401 tells it.
    let client_clock = TestClock::at(NOW);
    let client = client(&sandbox, &client_clock);
    let tokens = authorize(&client, "2", USAGE_SCOPE).await;
    let moving = server_clock.clone();
    let store = Hooked::new(move |_| moving.advance(400));
    sync(&client, &tokens, &store)
        .await
        .expect("the sync completes");
    assert!(client.stats().token_refreshes >= 2, "{:?}", client.stats());
    assert_complete(&store.inner, &subscription(&tokens));
}

#[tokio::test]
async fn a_revocation_mid_sync_stops_it_clearly_and_keeps_only_whole_months() {
    let clock = TestClock::at(NOW);
    let sandbox = Arc::new(start(sandbox_config(&clock)).await);
    let client = client(&sandbox, &clock);
    let tokens = authorize(&client, "2", USAGE_SCOPE).await;
    let id = tokens.authorization_id().expect("an id");
    let revoker = Arc::clone(&sandbox);
    // The customer revokes right after the second month is committed.
    let store = Hooked::new(move |months| {
        if months == 2 {
            revoker.revoke(id.as_str()).expect("revoked");
        }
    });
    let error = sync(&client, &tokens, &store).await.expect_err("revoked");
    assert!(error.is_authorization_ended(), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("after committing 2 month(s)"), "{message}");
    assert!(
        message.contains("2014-01-01T00:00:00Z"),
        "stopped at January: {message}"
    );
    assert!(message.contains("revoked"), "{message}");
    assert!(message.contains("invalid_grant"), "{message}");
    let subscription = subscription(&tokens);
    let months = store.month_records(&subscription).await.expect("months");
    let starts: Vec<i64> = months.iter().map(|month| month.start).collect();
    // November and December, nothing of January.
    assert_eq!(starts, [NOVEMBER_2013, 1_385_856_000]);
    // December's data is whole: it was committed before the revocation.
    assert_complete(&store.inner, &subscription);
    // A later run fails at once and records nothing more.
    let again = sync(&client, &tokens, &store)
        .await
        .expect_err("still revoked");
    assert!(again.is_authorization_ended());
    assert_eq!(
        store
            .month_records(&subscription)
            .await
            .expect("months")
            .len(),
        2
    );
}

#[tokio::test]
async fn a_failed_sync_resumes_without_gaps_or_duplicates() {
    let (sandbox, clock, _, _) = faulty(Faults::default()).await;
    drop(sandbox);
    // A sandbox cutting half its bodies short, and a first client that gives up at
    // the first broken response.
    let mut config = sandbox_config(&clock);
    config.faults = Faults {
        cut_off_share: 0.5,
        cut_off_after: 20_000,
        ..Faults::default()
    };
    let sandbox = start(config).await;
    let impatient = Client::new(client_config(&sandbox, &clock).with_retry(RetryPolicy::none()))
        .expect("a client");
    let tokens = authorize(&impatient, "2", USAGE_SCOPE).await;
    let store = MemorySyncStore::new();
    let subscription = subscription(&tokens);
    let once = SyncOptions::new()
        .with_earliest(NOVEMBER_2013)
        .with_month_attempts(1)
        .with_reread_months(0);
    let mut failures = 0;
    let mut months_done = Vec::new();
    // Run until a run fails part-way (the dice decide where).
    let first_error = loop {
        match sync_subscription(&impatient.session(tokens.key()), &store, &once).await {
            Err(error) => break error,
            Ok(_) => {
                failures += 1;
                assert!(failures < 5, "no run failed");
            }
        }
    };
    assert!(
        matches!(first_error, Error::SyncStopped { .. }),
        "{first_error:?}"
    );
    assert!(first_error.is_retryable(), "{first_error}");
    for month in store.month_records(&subscription).await.expect("months") {
        months_done.push(month.start);
    }
    eprintln!("the first run committed {months_done:?} and stopped: {first_error}");
    assert!(!months_done.is_empty(), "the first run stopped part-way");
    // A patient client resumes.
    let patient = Client::new(client_config(&sandbox, &clock)).expect("a client");
    patient
        .insert_tokens(impatient.tokens(&tokens.key()).await.expect("stored"))
        .await
        .expect("stored");
    let report = sync_subscription(
        &patient.session(tokens.key()),
        &store,
        &once.clone().with_month_attempts(10),
    )
    .await
    .expect("the second run completes");
    assert_eq!(
        report.months_skipped as usize,
        months_done.len(),
        "months done before are not read again: {months_done:?}"
    );
    assert_eq!(report.months_fetched as usize, 4 - months_done.len());
    assert_complete(&store, &subscription);
    assert_eq!(
        store
            .month_records(&subscription)
            .await
            .expect("months")
            .len(),
        4
    );
}

#[tokio::test]
async fn concurrent_requests_with_an_expired_token_refresh_it_once() {
    let clock = TestClock::at(NOW);
    let mut config = sandbox_config(&clock);
    config.access_token_lifetime = 300;
    let sandbox = start(config).await;
    let client = client(&sandbox, &clock);
    let tokens = authorize(&client, "2", USAGE_SCOPE).await;
    clock.advance(400);
    let requests: Vec<_> = (0..5)
        .map(|_| {
            let session = client.session(tokens.key());
            tokio::spawn(async move {
                session
                    .get(
                        &espi_client::ResourcePath::UsagePoints {
                            subscription_id: "2".into(),
                        },
                        &Query::new(),
                    )
                    .await?
                    .collect()
                    .await
            })
        })
        .collect();
    for request in requests {
        request.await.expect("joined").expect("the usage points");
    }
    assert_eq!(client.stats().token_refreshes, 1);
}

#[tokio::test]
async fn a_retry_after_beyond_the_policy_fails_at_once_with_the_status() {
    let server = RawServer::start(|_| {
        http_response(
            "429 Too Many Requests",
            &[("Retry-After", "3600")],
            "slow down",
        )
    })
    .await;
    let endpoints = espi_client::Endpoints::new(
        &format!("{}/authorize", server.origin),
        &format!("{}/token", server.origin),
        &format!("{}/r", server.origin),
    )
    .expect("loopback");
    let client =
        Client::new(espi_client::ClientConfig::new(endpoints, "id", "secret")).expect("a client");
    client
        .insert_tokens_under(
            "k".into(),
            espi_client::TokenSet::new("tok".into(), espi_client::Grant::AuthorizationCode, 0),
        )
        .await
        .expect("stored");
    let started = Instant::now();
    let error = client
        .session("k")
        .read_service_status()
        .await
        .expect_err("throttled for an hour");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(error.status(), Some(429));
    assert!(error.to_string().contains("slow down"), "{error}");
    assert_eq!(client.stats().retries, 0);
}
