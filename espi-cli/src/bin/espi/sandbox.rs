//! `espi sandbox`: espi-sandbox's Data Custodian, run in this process.

use clap::Args;
use espi_auth::{Clock, SystemClock};
use espi_sandbox::{CustomerData, Generated, SandboxConfig, StartupSummary, start};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Usage data (ESPI Atom XML) of one retail customer per FILE ("1", "2", … in order);
    /// FILE,FILE… gives one customer several files.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    data: Vec<String>,
    /// Customer (PII) data of the next retail customer, in order (repeat it: the first
    /// goes to customer 1, the second to 2, …).
    #[arg(long, value_name = "FILE")]
    customer_data: Vec<PathBuf>,
    /// Serve N generated retail customers (hourly readings in daily blocks) besides the
    /// files, each authorizable.
    #[arg(long, value_name = "N", default_value_t = 0)]
    customers: usize,
    /// Days of data per generated customer, ending at the last UTC midnight of the clock.
    #[arg(long, value_name = "D", default_value_t = 730)]
    days: u32,
    /// Listen on 127.0.0.1:PORT (0: any free port, printed at start).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Approve authorization requests at once, without the consent page.
    #[arg(long)]
    auto_approve: bool,
    /// A redirect URI of the registered client (repeatable; default
    /// http://127.0.0.1/callback).
    #[arg(long, value_name = "URI")]
    redirect_uri: Vec<String>,
    /// Where BatchList notifications of added data are POSTed.
    #[arg(long, value_name = "URI")]
    notify_uri: Option<String>,
    /// Start the sandbox's clock at this date-time (e.g. 2014-03-01T00:00:00Z), just after
    /// old sample data, so that the data lies in the access window.
    #[arg(long, value_name = "DATETIME", value_parser = parse_now)]
    now: Option<i64>,
}

fn parse_now(text: &str) -> Result<i64, String> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|at| at.timestamp())
        .map_err(|error| format!("not a date-time like 2014-01-01T00:00:00Z: {error}"))
}

fn load(args: &SandboxArgs) -> Result<Vec<CustomerData>, String> {
    if args.data.is_empty() && args.customers == 0 {
        return Err("give at least one usage file with --data, or --customers N".to_owned());
    }
    if args.customer_data.len() > args.data.len() {
        return Err(format!(
            "{} --customer-data files for {} retail customers",
            args.customer_data.len(),
            args.data.len()
        ));
    }
    let mut customers = Vec::with_capacity(args.data.len());
    for (index, files) in args.data.iter().enumerate() {
        let usage: Vec<PathBuf> = files
            .split(',')
            .filter(|file| !file.is_empty())
            .map(PathBuf::from)
            .collect();
        let customer = args.customer_data.get(index).map(PathBuf::as_path);
        let (data, warnings) =
            CustomerData::read_files(&usage, customer).map_err(|error| error.to_string())?;
        for warning in warnings {
            eprintln!("espi: {warning}");
        }
        customers.push(data);
    }
    Ok(customers)
}

pub fn run(args: SandboxArgs) -> Result<(), String> {
    let started = Instant::now();
    let mut customers = load(&args)?;
    let clock: Arc<dyn Clock> = match args.now {
        // The clock starts at `--now` and runs.
        Some(at) => Arc::new(move || {
            at.saturating_add(i64::try_from(started.elapsed().as_secs()).unwrap_or(i64::MAX))
        }),
        None => Arc::new(SystemClock),
    };
    let generated =
        (args.customers > 0).then(|| Generated::ending_at(args.customers, clock.now(), args.days));
    if let Some(generated) = &generated {
        customers.extend(generated.customers());
    }
    let mut config = SandboxConfig::new(customers);
    config.auto_approve = args.auto_approve;
    if !args.redirect_uri.is_empty() {
        config.client.redirect_uris = args.redirect_uri.clone();
    }
    config.client.notify_uri = args.notify_uri.clone();
    config.clock = Arc::clone(&clock);
    if generated.is_some() {
        config.client.scopes.push(Generated::SCOPE.to_owned());
    }
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|error| format!("cannot start the async runtime: {error}"))?;
    let address = SocketAddr::from(([127, 0, 0, 1], args.port));
    let sandbox = runtime.block_on(start(config, address)).map_err(|error| {
        format!("cannot listen on {address}: {error} (--port 0 takes any free port)")
    })?;
    println!("espi sandbox: a Green Button Connect My Data Data Custodian");
    print!("{}", StartupSummary::new(&sandbox, generated.as_ref()));
    println!("ready in {:.1?}; stop with Ctrl-C", started.elapsed());
    runtime.block_on(std::future::pending::<()>());
    Ok(())
}
