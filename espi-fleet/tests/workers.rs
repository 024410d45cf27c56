//! Worker processes (the `espi-fleet` binary) against a sandbox of generated
//! customers: three workers sharing one PostgreSQL database, and one process on
//! SQLite; a worker killed with SIGKILL mid-run. Every subscription must end
//! complete (count and sum of readings equal to the source's, each block once), no
//! authorization held by two workers at once (the store's lease history), every
//! commit within its lease, and no authorization lost on the way (a refresh token
//! used twice would have made the sandbox revoke the grant).

mod common;

use common::{CUSTODIAN, TestDatabase};
use std::process::Child;
use std::time::Duration;

/// Generated customers and days of hourly data each.
const CUSTOMERS: usize = 200;
const DAYS: u32 = 40;

/// Runs the scenario with `workers` processes on `database`; kills the second (or,
/// with one, the only one, starting it again) once it holds leases mid-run.
async fn scenario(database: &TestDatabase, workers: usize) {
    let port = common::free_port();
    let (sandbox, generated) = common::sandbox(CUSTOMERS, DAYS, port, CUSTODIAN).await;
    let directory = database.directory();
    let config = directory.join(format!("fleet-{port}.toml"));
    let text = common::head_toml(&database.location, 4, 3)
        + &common::custodian_toml(&sandbox, CUSTODIAN, 8);
    std::fs::write(&config, text).expect("the configuration is written");
    let logs: Vec<_> = (0..=workers)
        .map(|n| directory.join(format!("worker-{port}-{n}.log")))
        .collect();
    let mut children: Vec<Option<Child>> = (0..workers)
        .map(|n| {
            Some(common::worker(
                &config,
                &format!("w{n}"),
                (n == 0).then_some(port),
                &logs[n],
            ))
        })
        .collect();
    let base = format!("http://127.0.0.1:{port}");
    common::wait_for_http(&base, Duration::from_secs(30)).await;
    let store = espi_store::Store::open(&database.location)
        .await
        .expect("the store opens");

    common::authorize(&base, CUSTODIAN, 1..=CUSTOMERS).await;

    // Kill a worker while it holds leases, after some authorizations are done.
    let victim = if workers > 1 { 1 } else { 0 };
    let victim_name = format!("w{victim}");
    let killed_at = loop {
        let schedules = store.schedules().await.expect("schedules");
        let done = schedules
            .iter()
            .filter(|s| s.last_success_at.is_some())
            .count();
        let holding = schedules
            .iter()
            .filter(|s| s.leased_by.as_deref() == Some(victim_name.as_str()))
            .count();
        if done >= CUSTOMERS / 5 && holding > 0 {
            let mut child = children[victim].take().expect("running");
            child.kill().expect("SIGKILL");
            let _ = child.wait();
            break done;
        }
        assert!(
            done < CUSTOMERS,
            "the fleet finished before the kill: make the run longer"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    eprintln!("killed {victim_name} with {killed_at} of {CUSTOMERS} authorizations synced");
    if workers == 1 {
        // One process: it is started again, as a service manager would.
        children[0] = Some(common::worker(
            &config,
            "w0-again",
            Some(port),
            &logs[workers],
        ));
    }

    common::wait_synced(&store, CUSTOMERS, Duration::from_secs(600)).await;
    for child in children.into_iter().flatten() {
        common::stop_worker(child);
    }

    common::check_complete(&store, &sandbox, &generated, &[]).await;
    let schedules = store.schedules().await.expect("schedules");
    assert!(
        schedules
            .iter()
            .all(|s| s.ended.is_none() && s.last_error.is_none()),
        "no authorization ended or failed: {:#?}",
        schedules
            .iter()
            .filter(|s| s.ended.is_some() || s.last_error.is_some())
            .collect::<Vec<_>>()
    );
    let history = store.lease_history().await.expect("the lease history");
    let leases = common::check_leases(&history);
    assert_eq!(leases.len(), CUSTOMERS);
    let expired: Vec<_> = history
        .iter()
        .filter(|lease| lease.worker == victim_name && lease.outcome.as_deref() == Some("expired"))
        .collect();
    assert!(
        !expired.is_empty(),
        "the killed worker held leases that expired and were taken over"
    );
    if workers > 1 {
        let mut by_worker = std::collections::BTreeMap::<&str, usize>::new();
        for lease in &history {
            *by_worker.entry(lease.worker.as_str()).or_default() += 1;
        }
        assert!(
            by_worker.len() >= workers,
            "every worker took work: {by_worker:?}"
        );
        eprintln!("leases by worker: {by_worker:?}");
    }
    assert!(sandbox.authorizations().len() >= CUSTOMERS);
    store.close().await;
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_workers_share_postgres_and_survive_a_kill() {
    let Some(database) = TestDatabase::postgres().await else {
        return;
    };
    scenario(&database, 3).await;
    database.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_process_on_sqlite_survives_a_kill() {
    let database = TestDatabase::sqlite();
    scenario(&database, 1).await;
    database.finish().await;
}
