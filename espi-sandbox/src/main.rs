//! `espi-sandbox`: serve Green Button files over the ESPI REST API and OAuth 2.0 on
//! this machine, for developing and testing Third Party applications.
//!
//! ```text
//! cargo run -p espi-sandbox -- --data usage.xml [--data other.xml …] [--customer-data pii.xml]
//!     [--port N] [--auto-approve] [--redirect-uri URI …] [--notify-uri URI] [--now DATETIME]
//! ```
//!
//! It prints the endpoints, the client's credentials and each retail customer's
//! subscription, then serves until it is stopped (Ctrl-C).

use espi_auth::{Clock, SystemClock};
use espi_sandbox::{CustomerData, Generated, SandboxConfig, StartupSummary, start};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

const USAGE: &str = "\
usage: espi-sandbox (--data FILE[,FILE…]… | --customers N) [options]

  --data FILE…           usage data (ESPI Atom XML); each FILE is one retail customer
                         (\"1\", \"2\", … in order); FILE,FILE… gives one customer several files
  --customer-data FILE   customer (PII) data for the next retail customer, in order
                         (repeat it: the first goes to customer 1, the second to 2, …)
  --port N               listen on 127.0.0.1:N (default 0: any free port)
  --auto-approve         approve authorization requests without the consent page
  --redirect-uri URI     a redirect URI of the client (repeatable; default
                         http://127.0.0.1/callback)
  --notify-uri URI       where BatchList notifications of added data are POSTed
  --now DATETIME         start the sandbox's clock at DATETIME (YYYY-MM-DDThh:mm:ssZ),
                         e.g. just after old sample data, so that it lies in the window
  --customers N          serve N generated retail customers (hourly readings in daily
                         blocks) besides the files, each authorizable
  --days D               days of data per generated customer, ending at the last UTC
                         midnight of the clock (default 730, about 24 months)
  --latency-ms MS        wait MS before every resource response
  --error-500 SHARE      answer this share (0–1) of resource requests with 500
  --error-429 SHARE      answer this share (0–1) of resource requests with 429
  --retry-after S        the Retry-After sent with 429 and 202 (default 0)
  --cut-off SHARE        cut this share (0–1) of resource bodies off after 1 000 bytes
  -h, --help             this text";

/// The command line.
#[derive(Debug, Default)]
struct Options {
    data: Vec<Vec<String>>,
    customer_data: Vec<String>,
    port: u16,
    auto_approve: bool,
    redirect_uris: Vec<String>,
    notify_uri: Option<String>,
    now: Option<i64>,
    customers: usize,
    days: Option<u32>,
    faults: espi_sandbox::Faults,
}

/// What the command line asks for.
enum Command {
    Serve(Options),
    Help,
}

fn parse(arguments: Vec<String>) -> Result<Command, String> {
    let mut options = Options::default();
    let mut rest = arguments.into_iter().peekable();
    while let Some(argument) = rest.next() {
        let mut value = |name: &str| {
            rest.next()
                .filter(|value| !value.starts_with("--"))
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match argument.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--data" => {
                let first = value("--data")?;
                options.data.push(split_files(&first));
                while let Some(next) = rest.next_if(|next| !next.starts_with("--")) {
                    options.data.push(split_files(&next));
                }
            }
            "--customer-data" => options.customer_data.push(value("--customer-data")?),
            "--port" => {
                let text = value("--port")?;
                options.port = text
                    .parse()
                    .map_err(|_| format!("--port {text:?} is not a port number (0–65535)"))?;
            }
            "--auto-approve" => options.auto_approve = true,
            "--redirect-uri" => options.redirect_uris.push(value("--redirect-uri")?),
            "--notify-uri" => options.notify_uri = Some(value("--notify-uri")?),
            "--now" => {
                let text = value("--now")?;
                let parsed = chrono::DateTime::parse_from_rfc3339(&text).map_err(|error| {
                    format!("--now {text:?} is not a date-time like 2014-01-01T00:00:00Z: {error}")
                })?;
                options.now = Some(parsed.timestamp());
            }
            "--customers" => options.customers = number(&value("--customers")?, "--customers")?,
            "--days" => options.days = Some(number(&value("--days")?, "--days")?),
            "--latency-ms" => {
                options.faults.latency = std::time::Duration::from_millis(number(
                    &value("--latency-ms")?,
                    "--latency-ms",
                )?);
            }
            "--error-500" => options.faults.error_500_share = share(&value("--error-500")?)?,
            "--error-429" => options.faults.error_429_share = share(&value("--error-429")?)?,
            "--retry-after" => {
                options.faults.retry_after = number(&value("--retry-after")?, "--retry-after")?;
            }
            "--cut-off" => {
                options.faults.cut_off_share = share(&value("--cut-off")?)?;
                options.faults.cut_off_after = 1_000;
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if options.data.is_empty() && options.customers == 0 {
        return Err("give at least one usage file with --data, or --customers N".to_owned());
    }
    if options.customer_data.len() > options.data.len() {
        return Err(format!(
            "{} --customer-data files for {} retail customers",
            options.customer_data.len(),
            options.data.len()
        ));
    }
    Ok(Command::Serve(options))
}

fn number<T: std::str::FromStr>(text: &str, name: &str) -> Result<T, String> {
    text.parse()
        .map_err(|_| format!("{name} {text:?} is not a whole number"))
}

fn share(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(share) if (0.0..=1.0).contains(&share) => Ok(share),
        _ => Err(format!("{text:?} is not a share between 0 and 1")),
    }
}

fn split_files(argument: &str) -> Vec<String> {
    argument
        .split(',')
        .filter(|file| !file.is_empty())
        .map(str::to_owned)
        .collect()
}

fn load(options: &Options) -> Result<Vec<CustomerData>, String> {
    let mut customers = Vec::with_capacity(options.data.len());
    for (index, files) in options.data.iter().enumerate() {
        let usage: Vec<PathBuf> = files.iter().map(PathBuf::from).collect();
        let customer = options.customer_data.get(index).map(Path::new);
        let (data, warnings) =
            CustomerData::read_files(&usage, customer).map_err(|error| error.to_string())?;
        for warning in warnings {
            eprintln!("espi-sandbox: {warning}");
        }
        customers.push(data);
    }
    Ok(customers)
}

#[tokio::main]
async fn main() -> ExitCode {
    let options = match parse(std::env::args().skip(1).collect()) {
        Ok(Command::Serve(options)) => options,
        Ok(Command::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("espi-sandbox: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let started = Instant::now();
    let mut customers = match load(&options) {
        Ok(customers) => customers,
        Err(message) => {
            eprintln!("espi-sandbox: {message}");
            return ExitCode::FAILURE;
        }
    };
    let clock: Arc<dyn Clock> = match options.now {
        // The clock starts at `--now` and runs.
        Some(at) => {
            let origin = Instant::now();
            Arc::new(move || {
                at.saturating_add(i64::try_from(origin.elapsed().as_secs()).unwrap_or(i64::MAX))
            })
        }
        None => Arc::new(SystemClock),
    };
    let generated = (options.customers > 0)
        .then(|| Generated::ending_at(options.customers, clock.now(), options.days.unwrap_or(730)));
    if let Some(generated) = &generated {
        customers.extend(generated.customers());
    }
    let mut config = SandboxConfig::new(customers);
    config.auto_approve = options.auto_approve;
    if !options.redirect_uris.is_empty() {
        config.client.redirect_uris = options.redirect_uris.clone();
    }
    config.client.notify_uri = options.notify_uri.clone();
    config.clock = clock;
    config.faults = options.faults.clone();
    if generated.is_some() {
        config.client.scopes.push(Generated::SCOPE.to_owned());
    }
    let address = SocketAddr::from(([127, 0, 0, 1], options.port));
    let sandbox = match start(config, address).await {
        Ok(sandbox) => sandbox,
        Err(error) => {
            eprintln!(
                "espi-sandbox: cannot listen on {address}: {error} (--port 0 takes any free port)"
            );
            return ExitCode::FAILURE;
        }
    };
    println!("espi-sandbox: a Green Button Connect My Data Data Custodian");
    print!("{}", StartupSummary::new(&sandbox, generated.as_ref()));
    println!("ready in {:.1?}; stop with Ctrl-C", started.elapsed());
    std::future::pending::<()>().await;
    ExitCode::SUCCESS
}
