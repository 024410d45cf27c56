//! Starting a sandbox from files, as the `espi-sandbox` and `espi sandbox` commands do:
//! reading each retail customer's documents, and the summary printed once it listens.

use crate::{CustomerData, Generated, RunningSandbox};
use espi_model::atom::Document;
use espi_model::resource::Resource;
use std::fmt;
use std::path::{Path, PathBuf};

/// A data file the sandbox cannot serve.
#[derive(Debug, thiserror::Error)]
pub enum DataFileError {
    /// The file cannot be read.
    #[error("cannot open {path}: {source}")]
    Open {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not ESPI Atom XML.
    #[error("{path} is not ESPI Atom XML: {source}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// Where and why reading stopped.
        source: espi_xml::Error,
    },
}

impl CustomerData {
    /// Reads one retail customer's usage files and, optionally, a customer (PII) file.
    ///
    /// Files are read leniently; each that deviates from the schemas gives one line in
    /// the returned warnings (how many deviations, and the first).
    pub fn read_files(
        usage: &[PathBuf],
        customer: Option<&Path>,
    ) -> Result<(CustomerData, Vec<String>), DataFileError> {
        let mut warnings = Vec::new();
        let mut read = |path: &Path| read_file(path, &mut warnings);
        let usage = usage
            .iter()
            .map(|path| read(path))
            .collect::<Result<Vec<_>, _>>()?;
        let customer = customer.map(&mut read).transpose()?.into_iter().collect();
        Ok((CustomerData { usage, customer }, warnings))
    }
}

fn read_file(path: &Path, warnings: &mut Vec<String>) -> Result<Document, DataFileError> {
    let file = std::fs::File::open(path).map_err(|source| DataFileError::Open {
        path: path.to_owned(),
        source,
    })?;
    let parsed = espi_xml::read_document(std::io::BufReader::new(file)).map_err(|source| {
        DataFileError::Parse {
            path: path.to_owned(),
            source,
        }
    })?;
    if let Some(first) = parsed.diagnostics.first() {
        warnings.push(format!(
            "{}: read leniently, {} deviations from the schemas (first: {first})",
            path.display(),
            parsed.diagnostics.len()
        ));
    }
    Ok(parsed.document)
}

/// How many retail customers [`StartupSummary`] lists one by one.
const LISTED_CUSTOMERS: usize = 10;

/// What a running sandbox serves, to print when it starts: its endpoints and client
/// credentials, how it approves, its clock, each retail customer's subscription with
/// the span of its interval data, and what loading the data noted.
///
/// ```no_run
/// # async fn demo(config: espi_sandbox::SandboxConfig) -> std::io::Result<()> {
/// let sandbox = espi_sandbox::start(config, "127.0.0.1:0".parse().unwrap()).await?;
/// print!("{}", espi_sandbox::StartupSummary::new(&sandbox, None));
/// # Ok(())
/// # }
/// ```
pub struct StartupSummary<'a> {
    sandbox: &'a RunningSandbox,
    generated: Option<&'a Generated>,
}

impl<'a> StartupSummary<'a> {
    /// The summary of `sandbox`, naming the generated customers it serves, if any.
    pub fn new(sandbox: &'a RunningSandbox, generated: Option<&'a Generated>) -> Self {
        StartupSummary { sandbox, generated }
    }
}

impl fmt::Display for StartupSummary<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sandbox = self.sandbox;
        let config = &sandbox.shared.config;
        let text = espi_model::date_time::format_utc;
        let now = sandbox.shared.now();
        writeln!(f, "  base URL            {}", sandbox.base_url())?;
        writeln!(f, "  resource endpoint   {}", sandbox.resource_endpoint())?;
        writeln!(
            f,
            "  authorization       {}",
            sandbox.authorization_endpoint()
        )?;
        writeln!(f, "  token               {}", sandbox.token_endpoint())?;
        writeln!(f, "  client id           {}", sandbox.client_id())?;
        writeln!(f, "  client secret       {}", sandbox.client_secret())?;
        let approval = if config.auto_approve {
            "on"
        } else {
            "off (a consent page is shown)"
        };
        writeln!(f, "  auto-approve        {approval}")?;
        match &config.client.notify_uri {
            Some(uri) => writeln!(f, "  notify URI          {uri}")?,
            None => writeln!(f, "  notify URI          none (no notifications are sent)")?,
        }
        writeln!(f, "  clock               {}", text(now))?;
        if let Some(generated) = self.generated {
            writeln!(
                f,
                "  generated           {} customers, {} hourly readings each, {} – {} (scope {})",
                generated.customers,
                generated.readings_per_customer(),
                text(generated.first_day),
                text(generated.end()),
                Generated::SCOPE
            )?;
        }
        let spans: Vec<_> = config
            .customers
            .iter()
            .map(|customer| interval_span(&customer.usage))
            .collect();
        let customers = sandbox.retail_customers();
        for (customer, span) in customers.iter().zip(&spans).take(LISTED_CUSTOMERS) {
            let subscription = sandbox.subscription_uri(customer).unwrap_or_default();
            let span = span.map_or_else(
                || "no interval data".to_owned(),
                |(start, end)| format!("data {} – {}", text(start), text(end)),
            );
            writeln!(f, "  retail customer {customer:<3} {subscription} ({span})")?;
        }
        if let Some(more) = customers
            .len()
            .checked_sub(LISTED_CUSTOMERS)
            .filter(|n| *n > 0)
        {
            writeln!(f, "  … and {more} more retail customers")?;
        }
        writeln!(
            f,
            "  add data            POST {} (Atom feed, Bearer: the Data Custodian's token)",
            sandbox.add_usage_url("{retailCustomerId}")
        )?;
        writeln!(
            f,
            "  Data Custodian token {}",
            sandbox.data_custodian_token()
        )?;
        for note in sandbox.data_notes() {
            writeln!(f, "  note: {note}")?;
        }
        if spans
            .iter()
            .flatten()
            .any(|(_, end)| *end < now - 2 * 365 * 86_400)
        {
            writeln!(
                f,
                "  note: some data ends more than two years before the clock, outside the access \
                 window; start the clock just after the data to serve it"
            )?;
        }
        Ok(())
    }
}

/// The span of a customer's interval data: the earliest IntervalBlock start and the
/// latest end.
fn interval_span(documents: &[Document]) -> Option<(i64, i64)> {
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
