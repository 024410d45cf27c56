//! The fleet's benchmark: N authorizations × D days of hourly data from the sandbox
//! on loopback, synced by `espi-fleet` worker processes into PostgreSQL; wall time,
//! readings per second end to end, and where the CPU time went (sandbox, workers,
//! PostgreSQL).
//!
//! ```text
//! cargo build --release -p espi-sandbox -p espi-fleet --bins
//! ESPI_TEST_POSTGRES_URL=postgres://… cargo run --release -p espi-fleet --example fleet_bench -- \
//!     [--authorizations 1000] [--days 729] [--workers 1] [--concurrency 16] [--max-syncs 16]
//! ```
//!
//! The sandbox (`espi-sandbox --customers N --days D`) and the workers
//! (`espi-fleet run`) are the release binaries next to this example, each its own
//! process, so that their CPU time can be told apart; a fresh database is made on the
//! server `ESPI_TEST_POSTGRES_URL` names and dropped at the end. The clock starts
//! before the first authorization (each one the whole OAuth code flow through the
//! fleet's callback) and stops when every authorization has synced its whole window;
//! the readings stored are then counted in the store and must equal N × D × 24.

#[path = "../tests/common/mod.rs"]
mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Customers authorizing at the same time.
const AUTHORIZING_AT_ONCE: usize = 8;

struct Options {
    authorizations: usize,
    days: u32,
    workers: usize,
    concurrency: u32,
    max_syncs: u32,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        authorizations: 1_000,
        days: 729,
        workers: 1,
        concurrency: 16,
        max_syncs: 16,
    };
    let mut arguments = std::env::args().skip(1);
    while let Some(name) = arguments.next() {
        let value = arguments
            .next()
            .ok_or_else(|| format!("{name} needs a value"))?;
        let number = |value: &str| {
            value
                .parse::<u64>()
                .map_err(|_| format!("{name} {value:?} is not a number"))
        };
        match name.as_str() {
            "--authorizations" => options.authorizations = number(&value)? as usize,
            "--days" => options.days = number(&value)? as u32,
            "--workers" => options.workers = number(&value)?.max(1) as usize,
            "--concurrency" => options.concurrency = number(&value)? as u32,
            "--max-syncs" => options.max_syncs = number(&value)? as u32,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(options)
}

/// A release binary next to this example.
fn binary(name: &str) -> Result<PathBuf, String> {
    let example = std::env::current_exe().map_err(|error| error.to_string())?;
    let path = example
        .parent()
        .and_then(Path::parent)
        .map(|directory| directory.join(name))
        .ok_or("no directory above the example")?;
    if path.exists() {
        Ok(path)
    } else {
        Err(format!(
            "{} is missing: cargo build --release -p espi-sandbox -p espi-fleet --bins",
            path.display()
        ))
    }
}

/// CPU seconds (user + system) a process and the children it has waited for used.
fn cpu_seconds(pid: u32) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0.0;
    };
    // The fields after the command name, which is in parentheses and may hold spaces.
    let Some(rest) = stat.rsplit_once(')').map(|(_, rest)| rest) else {
        return 0.0;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime, stime, cutime, cstime: fields 14–17 of proc(5), 11–14 after the name.
    let ticks: f64 = fields
        .get(11..15)
        .map(|fields| fields.iter().filter_map(|f| f.parse::<f64>().ok()).sum())
        .unwrap_or(0.0);
    ticks / 100.0
}

/// CPU seconds of a PostgreSQL server: its postmaster (with the backends it has
/// reaped) and its live children.
fn postgres_cpu_seconds(postmaster: u32) -> f64 {
    let mut total = cpu_seconds(postmaster);
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|p| p.parse::<u32>().ok())
            else {
                continue;
            };
            let parent = std::fs::read_to_string(format!("/proc/{pid}/status"))
                .ok()
                .and_then(|status| {
                    status
                        .lines()
                        .find_map(|line| line.strip_prefix("PPid:"))
                        .and_then(|ppid| ppid.trim().parse::<u32>().ok())
                });
            if parent == Some(postmaster) {
                total += cpu_seconds(pid);
            }
        }
    }
    total
}

/// The PostgreSQL server's postmaster, from its data directory's `postmaster.pid`.
async fn postmaster(url: &str) -> Option<u32> {
    use sqlx::Connection;
    let mut connection = sqlx::PgConnection::connect(url).await.ok()?;
    let directory: String = sqlx::query_scalar("SHOW data_directory")
        .fetch_one(&mut connection)
        .await
        .ok()?;
    let text = std::fs::read_to_string(Path::new(&directory).join("postmaster.pid")).ok()?;
    text.lines().next()?.trim().parse().ok()
}

/// Transactions committed and rows inserted, updated and deleted in the database
/// at `url` so far (PostgreSQL's statistics, a little behind).
async fn database_activity(url: &str) -> Option<(i64, i64)> {
    use sqlx::Connection;
    let mut connection = sqlx::PgConnection::connect(url).await.ok()?;
    let row: (i64, i64) = sqlx::query_as(
        "SELECT xact_commit, tup_inserted + tup_updated + tup_deleted \
         FROM pg_stat_database WHERE datname = current_database()",
    )
    .fetch_one(&mut connection)
    .await
    .ok()?;
    let _ = connection.close().await;
    Some(row)
}

/// Starts the sandbox binary and reads what it prints until it is ready.
fn sandbox(options: &Options, fleet_port: u16) -> Result<(Child, Vec<(String, String)>), String> {
    let mut child = Command::new(binary("espi-sandbox")?)
        .args(["--customers", &options.authorizations.to_string()])
        .args(["--days", &options.days.to_string()])
        .arg("--auto-approve")
        .args([
            "--redirect-uri",
            &format!(
                "http://127.0.0.1:{fleet_port}/callback/{}",
                common::CUSTODIAN
            ),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|error| format!("starting espi-sandbox: {error}"))?;
    let stdout = child.stdout.take().ok_or("no standard output")?;
    let mut printed = Vec::new();
    let mut lines = BufReader::new(stdout).lines();
    for line in lines.by_ref() {
        let line = line.map_err(|error| error.to_string())?;
        if line.starts_with("ready in") {
            break;
        }
        if let Some((name, value)) = line.trim().split_once("  ") {
            printed.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
    // Whatever it prints later is read, so that it never writes to a closed pipe.
    std::thread::spawn(move || lines.for_each(drop));
    Ok((child, printed))
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let options = options()?;
    binary("espi-fleet")?;
    let Some(database) = common::TestDatabase::postgres().await else {
        return Err("set ESPI_TEST_POSTGRES_URL to a PostgreSQL server".to_owned());
    };
    let admin = common::postgres_url().ok_or("no server")?;
    let postmaster = postmaster(&admin).await;
    let readings_expected = options.authorizations as u64 * u64::from(options.days) * 24;
    println!(
        "{} authorizations × {} days of hourly data ({readings_expected} readings), \
         {} worker(s) × {} syncs at once, at most {} at the Data Custodian",
        options.authorizations,
        options.days,
        options.workers,
        options.concurrency,
        options.max_syncs
    );

    let port = common::free_port();
    let generating = Instant::now();
    let (sandbox_process, printed) = sandbox(&options, port)?;
    let field = |name: &str| {
        printed
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .ok_or_else(|| format!("the sandbox did not print its {name}"))
    };
    println!("sandbox ready in {:.1?}", generating.elapsed());
    let config = database
        .directory()
        .join(format!("fleet-bench-{port}.toml"));
    let head = common::head_toml(&database.location, options.concurrency, 30);
    let custodian = format!(
        r#"
[[custodian]]
name = "{}"
authorization_endpoint = "{}"
token_endpoint = "{}"
resource_endpoint = "{}"
client_id = "{}"
client_secret = "{}"
scope = "{}"
max_syncs = {}
"#,
        common::CUSTODIAN,
        field("authorization")?,
        field("token")?,
        field("resource endpoint")?,
        field("client id")?,
        field("client secret")?,
        espi_sandbox::Generated::SCOPE,
        options.max_syncs,
    );
    std::fs::write(&config, head + &custodian).map_err(|error| error.to_string())?;

    let activity = database_activity(&database.location).await;
    let sandbox_cpu = cpu_seconds(sandbox_process.id());
    let postgres_cpu = postmaster.map(postgres_cpu_seconds);
    let started = Instant::now();
    let workers: Vec<Child> = (0..options.workers)
        .map(|n| {
            let log = database
                .directory()
                .join(format!("fleet-bench-{port}-{n}.log"));
            common::worker(
                &config,
                &format!("bench-{n}"),
                (n == 0).then_some(port),
                &log,
            )
        })
        .collect();
    let base = format!("http://127.0.0.1:{port}");
    common::wait_for_http(&base, Duration::from_secs(30)).await;
    // Customers authorize eight at a time, as they would: independently.
    let streams: Vec<_> = (0..AUTHORIZING_AT_ONCE)
        .map(|stream| {
            let base = base.clone();
            let customers: Vec<usize> = (1..=options.authorizations)
                .filter(|customer| customer % AUTHORIZING_AT_ONCE == stream)
                .collect();
            tokio::spawn(
                async move { common::authorize(&base, common::CUSTODIAN, customers).await },
            )
        })
        .collect();
    for stream in streams {
        stream
            .await
            .map_err(|error| format!("authorizing: {error}"))?;
    }
    let authorized = started.elapsed();
    println!(
        "{} authorizations granted in {authorized:.1?}",
        options.authorizations
    );
    let store = espi_store::Store::open(&database.location)
        .await
        .map_err(|error| error.to_string())?;
    common::wait_synced(
        &store,
        options.authorizations,
        Duration::from_secs(24 * 3600),
    )
    .await;
    let wall = started.elapsed();
    let workers_cpu: f64 = workers.iter().map(|child| cpu_seconds(child.id())).sum();
    let sandbox_cpu = cpu_seconds(sandbox_process.id()) - sandbox_cpu;
    let postgres_cpu =
        postgres_cpu.map(|before| postgres_cpu_seconds(postmaster.unwrap_or(0)) - before);
    let metrics = reqwest::get(format!("{base}/metrics"))
        .await
        .map_err(|error| error.to_string())?
        .text()
        .await
        .map_err(|error| error.to_string())?;
    // The statistics collector reports within a second or so.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let activity = match (activity, database_activity(&database.location).await) {
        (Some(before), Some(after)) => Some((after.0 - before.0, after.1 - before.1)),
        _ => None,
    };
    for worker in workers {
        common::stop_worker(worker);
    }
    common::stop_worker(sandbox_process);

    let mut stored = 0u64;
    let schedules = store.schedules().await.map_err(|error| error.to_string())?;
    let failed: Vec<_> = schedules.iter().filter(|s| s.ended.is_some()).collect();
    for schedule in &schedules {
        if let Some(subscription) = &schedule.subscription {
            stored += store
                .reading_totals(subscription)
                .await
                .map_err(|error| error.to_string())?
                .count;
        }
    }
    store.close().await;
    database.finish().await;

    let seconds = wall.as_secs_f64();
    println!(
        "wall time            {seconds:.1} s (authorizing {:.1} s of it)",
        authorized.as_secs_f64()
    );
    println!("readings stored      {stored} of {readings_expected}");
    println!(
        "readings/s           {:.0} end to end",
        stored as f64 / seconds
    );
    println!(
        "CPU seconds          workers {workers_cpu:.1}, sandbox {sandbox_cpu:.1}, PostgreSQL {}",
        postgres_cpu.map_or_else(
            || "unknown (not a local server)".to_owned(),
            |cpu| format!("{cpu:.1}")
        )
    );
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cpu = workers_cpu + sandbox_cpu + postgres_cpu.unwrap_or(0.0);
    println!(
        "CPU busy             {:.0} % of {seconds:.0} s × {cores} cores (the rest: idle or other \
         processes'; load average {})",
        100.0 * cpu / (seconds * cores as f64),
        std::fs::read_to_string("/proc/loadavg")
            .ok()
            .and_then(|load| load.split_whitespace().next().map(str::to_owned))
            .unwrap_or_else(|| "unknown".to_owned()),
    );
    println!(
        "readings/CPU second  {:.0} (sandbox, workers and PostgreSQL together)",
        stored as f64 / cpu
    );
    if let Some((commits, rows)) = activity {
        println!(
            "PostgreSQL           {commits} transactions ({:.0}/s), {rows} rows written ({:.0}/s)",
            commits as f64 / seconds,
            rows as f64 / seconds
        );
    }
    println!("worker 0's counters  (/metrics)");
    for line in metrics.lines().filter(|line| {
        [
            "espi_fleet_syncs_total",
            "espi_fleet_requests_total",
            "espi_fleet_errors_total",
        ]
        .iter()
        .any(|name| line.starts_with(name))
    }) {
        println!("  {line}");
    }
    if stored != readings_expected || !failed.is_empty() {
        return Err(format!(
            "incomplete: {stored} of {readings_expected} readings, {} authorization(s) ended",
            failed.len()
        ));
    }
    Ok(())
}
