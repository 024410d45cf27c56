//! `espi-fleet`: keep many Green Button authorizations in sync (see the crate
//! documentation and the README's walk-through).
//!
//! ```text
//! espi-fleet run    --config fleet.toml     # a worker (and the endpoints, with `listen`)
//! espi-fleet status --config fleet.toml     # authorizations, last success, next due, backlog
//! espi-fleet import --config fleet.toml --custodian NAME --resource-uri URI \
//!     [--authorization-uri URI] [--scope SCOPE]   # refresh token on standard input
//! ```

use clap::{Parser, Subcommand};
use espi_client::Secret;
use espi_fleet::{Fleet, FleetConfig};
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

/// Keeps many Green Button authorizations in sync.
#[derive(Parser)]
#[command(name = "espi-fleet", version)]
struct Cli {
    /// The configuration file (TOML); ESPI_FLEET_* variables override it.
    #[arg(long, short, global = true, default_value = "fleet.toml")]
    config: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a worker: claim due authorizations and sync them; serve the callback,
    /// notification and metrics endpoints when `listen` is set. Stops on Ctrl-C or
    /// SIGTERM after the syncs in progress.
    Run,
    /// List every authorization with its last successful sync and next due time,
    /// then each Data Custodian's backlog.
    Status,
    /// Add an authorization from its refresh token, read from standard input.
    Import {
        /// The Data Custodian's name in the configuration.
        #[arg(long)]
        custodian: String,
        /// The subscription (the token response's resourceURI).
        #[arg(long)]
        resource_uri: String,
        /// The Authorization resource (authorizationURI), when known.
        #[arg(long)]
        authorization_uri: Option<String>,
        /// The scope granted, when known.
        #[arg(long)]
        scope: Option<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = std::env::var("ESPI_FLEET_LOG")
        .ok()
        .and_then(|text| text.parse::<tracing_subscriber::filter::Targets>().ok())
        .unwrap_or_else(|| {
            tracing_subscriber::filter::Targets::new().with_default(tracing::Level::INFO)
        });
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    tracing_subscriber::registry()
        .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr))
        .with(filter)
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("espi-fleet: no async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("espi-fleet: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), espi_fleet::Error> {
    let config = FleetConfig::load(&cli.config)?;
    let fleet = Fleet::open(config).await?;
    match cli.command {
        Command::Run => {
            let (stop, stopped) = tokio::sync::watch::channel(false);
            tokio::spawn(async move {
                shutdown_signal().await;
                let _ = stop.send(true);
            });
            if let Some(address) = fleet.config().listen {
                let listener = espi_serve::listen(address, None).map_err(|source| {
                    espi_fleet::Error::Serve {
                        address: address.to_string(),
                        source,
                    }
                })?;
                let server = fleet.clone();
                let mut until = stopped.clone();
                tokio::spawn(async move {
                    let stop = async move {
                        let _ = until.wait_for(|stop| *stop).await;
                    };
                    if let Err(error) = server.serve(listener, stop).await {
                        tracing::error!(%error, "the endpoints stopped");
                    }
                });
                tracing::info!(%address, public_url = ?fleet.config().public_url(), "serving the callback, notifications and /metrics");
            }
            tracing::info!(worker = %fleet.config().worker, concurrency = fleet.config().concurrency, "working");
            let mut until = stopped;
            fleet
                .work(async move {
                    let _ = until.wait_for(|stop| *stop).await;
                })
                .await;
            Ok(())
        }
        Command::Status => status(&fleet).await,
        Command::Import {
            custodian,
            resource_uri,
            authorization_uri,
            scope,
        } => {
            let mut token = String::new();
            std::io::stdin()
                .read_to_string(&mut token)
                .map_err(|error| {
                    espi_fleet::Error::Config(format!(
                        "reading the refresh token from standard input: {error}"
                    ))
                })?;
            let token = token.trim();
            if token.is_empty() {
                return Err(espi_fleet::Error::Config(
                    "give the refresh token on standard input".to_owned(),
                ));
            }
            let key = fleet
                .import(
                    &custodian,
                    Secret::new(token),
                    &resource_uri,
                    authorization_uri.as_deref(),
                    scope.as_deref(),
                )
                .await?;
            println!("imported {key}; due at once");
            Ok(())
        }
    }
}

async fn status(fleet: &Fleet) -> Result<(), espi_fleet::Error> {
    let time = |at: Option<i64>| {
        at.and_then(|at| chrono::DateTime::from_timestamp(at, 0))
            .map_or_else(
                || "never".to_owned(),
                |at| at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            )
    };
    let schedules = fleet.store().schedules().await?;
    println!(
        "{:<12} {:<20} {:<20} {:<9} authorization (state)",
        "custodian", "last success", "next due", "failures"
    );
    for schedule in &schedules {
        let state = match (&schedule.ended, &schedule.leased_by) {
            (Some((at, reason)), _) => format!("ended {}: {reason}", time(Some(*at))),
            (None, Some(worker)) => format!("syncing on {worker}"),
            (None, None) if schedule.pending_notifications > 0 => {
                format!("{} notification(s) waiting", schedule.pending_notifications)
            }
            (None, None) => schedule
                .last_error
                .as_ref()
                .map_or_else(|| "ok".to_owned(), |error| format!("last error: {error}")),
        };
        println!(
            "{:<12} {:<20} {:<20} {:<9} {} ({state})",
            schedule.custodian,
            time(schedule.last_success_at),
            time(Some(schedule.due_at)),
            schedule.failures,
            schedule
                .subscription
                .as_deref()
                .unwrap_or(&schedule.token_key),
        );
    }
    println!();
    println!(
        "{:<12} {:>8} {:>8} {:>8} {:>10}",
        "custodian", "active", "waiting", "syncing", "lag (s)"
    );
    for row in fleet.store().backlog(fleet.now()).await? {
        println!(
            "{:<12} {:>8} {:>8} {:>8} {:>10}",
            row.custodian, row.active, row.waiting, row.leased, row.lag_seconds
        );
    }
    Ok(())
}

/// Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(_) => {
                    let _ = interrupt.await;
                    return;
                }
            };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}
