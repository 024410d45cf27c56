//! `espi sandbox`: espi-sandbox's Data Custodian, run in this process.

use clap::Args;
use espi_auth::{Clock, SystemClock};
use espi_model::{atom::Document, resource::Resource};
use espi_sandbox::{CustomerData, Generated, SandboxConfig, start};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
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

/// Reads one document, saying which file and where it went wrong.
fn read(path: &Path) -> Result<Document, String> {
    let name = path.display();
    let file = std::fs::File::open(path).map_err(|error| format!("cannot open {name}: {error}"))?;
    let parsed = espi_xml::read_document(std::io::BufReader::new(file))
        .map_err(|error| format!("{name} is not ESPI Atom XML: {error}"))?;
    if let Some(first) = parsed.diagnostics.first() {
        eprintln!(
            "espi: {name}: read leniently, {} deviations from the schemas (first: {first})",
            parsed.diagnostics.len()
        );
    }
    Ok(parsed.document)
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
        let usage = files
            .split(',')
            .filter(|file| !file.is_empty())
            .map(|path| read(Path::new(path)))
            .collect::<Result<Vec<_>, _>>()?;
        let customer = match args.customer_data.get(index) {
            Some(path) => vec![read(path)?],
            None => Vec::new(),
        };
        customers.push(CustomerData { usage, customer });
    }
    Ok(customers)
}

/// The span of a customer's interval data, for the summary printed at start.
fn data_span(documents: &[Document]) -> Option<(i64, i64)> {
    documents
        .iter()
        .flat_map(Document::resources)
        .filter_map(|resource| match resource {
            Resource::IntervalBlock(block) => {
                let interval = block.interval.as_ref()?;
                Some((interval.start?, interval.end()?))
            }
            _ => None,
        })
        .reduce(|(low, high), (start, end)| (low.min(start), high.max(end)))
}

fn text(epoch: i64) -> String {
    espi_model::date_time::format_utc(epoch)
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
    let spans: Vec<Option<(i64, i64)>> = customers
        .iter()
        .map(|customer| data_span(&customer.usage))
        .collect();
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
    let now = clock.now();
    println!("espi sandbox: a Green Button Connect My Data Data Custodian");
    println!("  base URL            {}", sandbox.base_url());
    println!("  resource endpoint   {}", sandbox.resource_endpoint());
    println!("  authorization       {}", sandbox.authorization_endpoint());
    println!("  token               {}", sandbox.token_endpoint());
    println!("  client id           {}", sandbox.client_id());
    println!("  client secret       {}", sandbox.client_secret());
    println!(
        "  auto-approve        {}",
        if args.auto_approve {
            "on"
        } else {
            "off (a consent page is shown)"
        }
    );
    println!("  clock               {}", text(now));
    if let Some(generated) = &generated {
        println!(
            "  generated           {} customers, {} hourly readings each, {} – {} (scope {})",
            generated.customers,
            generated.readings_per_customer(),
            text(generated.first_day),
            text(generated.end()),
            Generated::SCOPE
        );
    }
    let listed = args.data.len().max(spans.len().min(10));
    for (customer, span) in sandbox.retail_customers().iter().zip(&spans).take(listed) {
        let subscription = sandbox.subscription_uri(customer).unwrap_or_default();
        let span = span.map_or_else(
            || "no interval data".to_owned(),
            |(start, end)| format!("data {} – {}", text(start), text(end)),
        );
        println!("  retail customer {customer:<3} {subscription} ({span})");
    }
    for note in sandbox.data_notes() {
        println!("  note: {note}");
    }
    if spans
        .iter()
        .flatten()
        .any(|(_, end)| *end < now - 2 * 365 * 86_400)
    {
        println!(
            "  note: some data ends more than two years before the clock, outside the access \
             window; pass --now with a date just after the data to serve it"
        );
    }
    println!("ready in {:.1?}; stop with Ctrl-C", started.elapsed());
    runtime.block_on(std::future::pending::<()>());
    Ok(())
}
