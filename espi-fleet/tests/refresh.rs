//! Expiring access tokens refreshed by exactly one worker at a time: three worker
//! processes sharing PostgreSQL sync one authorization every second while its access
//! token lasts three seconds (63 s, refreshed 60 s before expiry), so it is claimed
//! by one worker after another and refreshed again and again. The sandbox's record
//! of its token endpoint shows one refresh per expiry, never two together, and none
//! refused: a refresh token used twice (rotation) would have been answered
//! `invalid_grant` and ended the authorization.

mod common;

use common::{CUSTODIAN, TestDatabase};
use espi_sandbox::RecordedRequest;
use std::collections::BTreeSet;
use std::time::Duration;

const WORKERS: usize = 3;
/// How long the workers run.
const RUN: Duration = Duration::from_secs(20);
/// The access token's lifetime: three seconds past the client's refresh margin.
const TOKEN_LIFETIME: u64 = 63;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_refresh_per_expiry_across_workers() {
    let Some(database) = TestDatabase::postgres().await else {
        return;
    };
    let port = common::free_port();
    let (sandbox, generated) = common::sandbox_with(1, 3, port, CUSTODIAN, |config| {
        config.access_token_lifetime = TOKEN_LIFETIME;
    })
    .await;
    let config = database
        .directory()
        .join(format!("fleet-refresh-{port}.toml"));
    // Due again a second after each sync, without jitter.
    let text = common::head_toml(&database.location, 2, 5)
        .replace("interval_seconds = 86400", "interval_seconds = 1")
        .replace("jitter = 0.1", "jitter = 0.0")
        + &common::custodian_toml(&sandbox, CUSTODIAN, 2);
    std::fs::write(&config, text).expect("the configuration is written");

    let redirect = format!("http://127.0.0.1:{port}/callback/{CUSTODIAN}");
    let tokens = common::grant_outside(&sandbox, &redirect, 1).await;
    let resource_uri = tokens.resource_uri.clone().expect("a resourceURI");
    let refresh = tokens.refresh_token.as_ref().expect("a refresh token");
    let imported = common::espi_fleet(
        &config,
        &[
            "import",
            "--custodian",
            CUSTODIAN,
            "--resource-uri",
            &resource_uri,
        ],
        refresh.expose(),
    );
    assert!(imported.status.success(), "{imported:?}");
    let granted = sandbox.requests().len();

    let workers: Vec<_> = (0..WORKERS)
        .map(|n| {
            let log = database.directory().join(format!("refresh-{port}-{n}.log"));
            common::worker(&config, &format!("w{n}"), None, &log)
        })
        .collect();
    tokio::time::sleep(RUN).await;
    for worker in workers {
        common::stop_worker(worker);
    }

    let store = espi_store::Store::open(&database.location)
        .await
        .expect("the store opens");
    let log = sandbox.requests();
    let refreshes: Vec<&RecordedRequest> = log[granted..]
        .iter()
        .filter(|request| request.path == RecordedRequest::TOKEN)
        .collect();
    // The imported token is expired: refreshed at once, then every ~3 s of the run.
    assert!(
        refreshes.len() >= 4,
        "{} refreshes in {RUN:?}: {refreshes:#?}",
        refreshes.len()
    );
    assert!(
        refreshes.iter().all(|request| request.status == 200),
        "a refresh was refused: {refreshes:#?}"
    );
    // One refresh per expiry: the next comes when the new token nears its end, not
    // while another worker's refresh is on its way (the client's clock counts whole
    // seconds, so the 3 s may look like 2).
    for pair in refreshes.windows(2) {
        let apart = pair[1].at_ms - pair[0].at_ms;
        assert!(apart >= 1_500, "two refreshes {apart} ms apart: {pair:#?}");
    }
    // It moved between workers (so the refresh tokens did, through the store), it
    // is still in force, and its data is complete.
    let history = store.lease_history().await.expect("the lease history");
    common::check_leases(&history);
    let holders: BTreeSet<&str> = history.iter().map(|lease| lease.worker.as_str()).collect();
    eprintln!(
        "{} syncs by {holders:?}, refreshes at {:?}",
        history.len(),
        refreshes
            .iter()
            .map(|r| r.at_ms % 100_000)
            .collect::<Vec<_>>()
    );
    assert!(holders.len() >= 2, "held by {holders:?} only");
    assert!(history.len() >= 6, "{} syncs in {RUN:?}", history.len());
    let schedules = store.schedules().await.expect("the schedules");
    assert!(schedules[0].ended.is_none(), "{schedules:#?}");
    common::check_complete(&store, &sandbox, &generated, &[]).await;

    store.close().await;
    sandbox.shutdown().await;
    database.finish().await;
}
