//! The whole Green Button Connect My Data flow in one command, offline:
//!
//! ```text
//! cargo run --release --example quickstart
//! ```
//!
//! It starts espi-sandbox on a free loopback port, serving an embedded year of hourly
//! readings (GBA's "Desert Multi-Family" sample, Apache-2.0, see `testdata/SOURCES.md`)
//! with auto-approve on and its clock at 2012-11-01, a week after the file was
//! published. Then it does what a third party does with espi-client:
//!
//! 1. builds the authorization URL (scope, `state`, PKCE S256) and follows it once, as
//!    the customer's browser would: auto-approve answers with the redirect at once;
//! 2. checks the callback (`state`) and exchanges the code for tokens;
//! 3. reads the Authorization resource (that takes a client_credentials token,
//!    espi_auth::ENDPOINTS) for the window the customer granted;
//! 4. syncs the subscription month by month within the Ameren Share My Usage window
//!    (24 months back from the grant);
//! 5. prints the usage per calendar month of the usage point's local time, in kWh,
//!    and checks the synced readings against the embedded file's.
//!
//! The table is built from what the sync stored, never from the embedded file, so it
//! shows what went over the wire. `tests/quickstart.rs` runs the same [`run`].

use chrono::Datelike as _;
use espi_auth::Clock;
use espi_client::{AuthorizationOptions, Client, ClientConfig, Endpoints, TokenSet};
use espi_client::{MemorySyncStore, SyncOptions, SyncReport, sync_subscription};
use espi_model::authorization::Authorization;
use espi_model::code_list::UnitSymbolKind;
use espi_model::interval::DateTimeInterval;
use espi_model::link::link_entries;
use espi_model::local_time::LocalTimeRules;
use espi_model::reading::{FlatReading, flat_readings};
use espi_model::{atom::Entry, resource::Resource};
use espi_sandbox::{CustomerData, RunningSandbox, SandboxConfig};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::error::Error;
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

/// A year of hourly readings in monthly IntervalBlocks, with LocalTimeParameters
/// (US Pacific) and a ReadingType in Wh.
const SAMPLE: &[u8] = include_bytes!(
    "../testdata/samples/gba-sample-data/Desert_Multi_Family_Jan_1_2011_to_Jan_1_2012_RetailCustomer_6.xml"
);
const SAMPLE_NAME: &str = "GBA sample data \"Desert Multi-Family\" (Apache-2.0)";

/// 2012-11-01T00:00:00Z, the sandbox's and the client's clock. The file was published
/// 2012-10-24; a grant now may read back to 2010-11-01, before its first reading.
const NOW: i64 = 1_351_728_000;

/// Nothing listens here: the quickstart reads the redirect's `Location` instead.
const REDIRECT_URI: &str = "http://127.0.0.1/callback";

/// Hourly usage in monthly blocks, without `HistoryLength`, so that the program's 24
/// months of history apply (the sandbox's default offer asks for 13).
const SCOPE: &str = "FB=1_3_4_5_13_14_39;IntervalDuration=3600;BlockDuration=monthly";

#[tokio::main]
async fn main() -> ExitCode {
    let started = Instant::now();
    let mut out = std::io::stdout().lock();
    match run(&mut out).await {
        Ok(_) => {
            let _ = writeln!(out, "\nDone in {:.1} s.", started.elapsed().as_secs_f64());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("quickstart: {error}");
            ExitCode::FAILURE
        }
    }
}

/// What the quickstart found: the monthly table and the totals it checked.
#[derive(Debug)]
pub struct Outcome {
    /// The synced usage.
    pub synced: Usage,
    /// The embedded file's usage, computed the same way.
    pub source: Usage,
}

/// Runs the whole flow, writing the story to `out`.
pub async fn run(out: &mut dyn Write) -> Result<Outcome, Box<dyn Error>> {
    let document = espi_xml::read_document(SAMPLE)
        .expect("the embedded sample parses")
        .document;
    let source = Usage::of(document.entries());
    let sandbox = start_sandbox(document).await?;
    writeln!(
        out,
        "espi quickstart: a third party pulls Green Button data from a local Data Custodian\n\n\
         Data Custodian  {} (espi-sandbox, clock {}, auto-approve)\nSample          {SAMPLE_NAME}\n",
        sandbox.base_url(),
        date_time(NOW),
    )?;
    let client = client_for(&sandbox)?;
    let tokens = authorize(&client, out).await?;
    let authorization = read_authorization(&client, &tokens, out).await?;
    let store = MemorySyncStore::new();
    let report = sync(&client, &tokens, authorization, &store).await?;
    write_sync(out, &report, &store)?;
    let synced = Usage::of(&store.entries(&report.subscription));
    synced.write_table(out)?;
    check(out, &synced, &source)?;
    sandbox.shutdown().await;
    Ok(Outcome { synced, source })
}

/// The sandbox with the sample as retail customer 1, auto-approve, the fixed clock
/// and one offered scope.
async fn start_sandbox(
    document: espi_model::atom::Document,
) -> Result<RunningSandbox, Box<dyn Error>> {
    let mut config = SandboxConfig::new(vec![CustomerData {
        usage: vec![document],
        customer: vec![],
    }]);
    config.auto_approve = true;
    config.clock = clock();
    config.client.redirect_uris = vec![REDIRECT_URI.to_owned()];
    config.client.scopes = vec![SCOPE.to_owned()];
    let loopback = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    Ok(espi_sandbox::start(config, loopback).await?)
}

/// The clock both sides read: fixed, so that every run prints the same windows.
fn clock() -> Arc<dyn Clock> {
    Arc::new(|| NOW)
}

/// An espi-client configured with the sandbox's endpoints and credentials.
fn client_for(sandbox: &RunningSandbox) -> Result<Client, Box<dyn Error>> {
    let endpoints = Endpoints::new(
        &sandbox.authorization_endpoint(),
        &sandbox.token_endpoint(),
        &sandbox.resource_endpoint(),
    )?;
    let config = ClientConfig::new(endpoints, sandbox.client_id(), sandbox.client_secret())
        .with_redirect_uri(REDIRECT_URI)?
        .with_clock(clock());
    Ok(Client::new(config)?)
}

/// Steps 1 and 2: the authorization URL, the customer's visit (auto-approved), the
/// callback check and the code exchange.
async fn authorize(client: &Client, out: &mut dyn Write) -> Result<TokenSet, Box<dyn Error>> {
    let request = client.authorization_request(SCOPE, AuthorizationOptions::new())?;
    writeln!(out, "1. Authorization URL  {}", request.url)?;
    let callback = follow_once(request.url.as_str()).await?;
    let tokens = client
        .complete_authorization(&request.pending, &callback)
        .await?;
    writeln!(
        out,
        "2. Callback           state matches; code exchanged (PKCE verifier sent)\n   \
         Token              scope {}\n                      resourceURI {}",
        tokens.scope.as_deref().unwrap_or("(none)"),
        tokens.resource_uri.as_deref().unwrap_or("(none)"),
    )?;
    Ok(tokens)
}

/// The customer's browser: one GET of the authorization URL, returning the redirect's
/// `Location` (the callback URL with the code and state).
async fn follow_once(url: &str) -> Result<String, Box<dyn Error>> {
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let response = browser.get(url).send().await?;
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)
        .ok_or_else(|| format!("the authorization endpoint answered {}", response.status()))?;
    Ok(location.to_str()?.to_owned())
}

/// Step 3: the Authorization resource of the grant, read with a client_credentials
/// token (a customer's access token may not read it).
async fn read_authorization(
    client: &Client,
    tokens: &TokenSet,
    out: &mut dyn Write,
) -> Result<Authorization, Box<dyn Error>> {
    let id = tokens
        .authorization_id()
        .ok_or("the token response has no authorizationURI")?;
    let client_tokens = client.client_credentials(None).await?;
    let document = client
        .session(client_tokens.key())
        .authorization(&id)
        .await?;
    let authorization = document
        .resources()
        .find_map(|resource| match resource {
            Resource::Authorization(authorization) => Some(authorization.clone()),
            _ => None,
        })
        .ok_or("the Authorization response holds no Authorization")?;
    let status = authorization
        .status
        .map_or_else(|| "(none)".to_owned(), |status| format!("{status:?}"));
    writeln!(
        out,
        "3. Authorization {id}    {status}; authorizedPeriod {}; publishedPeriod {}",
        period(authorization.authorized_period.as_ref()),
        period(authorization.published_period.as_ref()),
    )?;
    Ok(authorization)
}

/// Step 4: the sync of the customer's subscription within the Ameren window (the
/// default policy), bounded by the Authorization's periods.
async fn sync(
    client: &Client,
    tokens: &TokenSet,
    authorization: Authorization,
    store: &MemorySyncStore,
) -> Result<SyncReport, Box<dyn Error>> {
    let options = SyncOptions::new().with_authorization(authorization);
    Ok(sync_subscription(&client.session(tokens.key()), store, &options).await?)
}

/// The sync in two lines. Readings are counted in the store: a block that crosses a
/// month's end comes with both months' requests, and the store keeps it once.
fn write_sync(
    out: &mut dyn Write,
    report: &SyncReport,
    store: &MemorySyncStore,
) -> std::io::Result<()> {
    let window = report.window.map_or_else(
        || "(none)".to_owned(),
        |(start, end)| format!("{} to {}", date(start), date(end)),
    );
    writeln!(
        out,
        "4. Sync               {window}, the Ameren Share My Usage window: {} monthly requests,\n                      \
         {} entries received, {} distinct interval readings stored",
        report.months_fetched,
        report.entries,
        store.totals(&report.subscription).count
    )?;
    for note in &report.context_notes {
        writeln!(out, "                      note: {note}")?;
    }
    Ok(())
}

/// Step 5's check: the synced readings are the file's, month by month.
fn check(out: &mut dyn Write, synced: &Usage, source: &Usage) -> Result<(), Box<dyn Error>> {
    if synced != source {
        return Err(format!(
            "the synced readings differ from the embedded file's: {} readings, {} kWh synced; \
             {} readings, {} kWh in the file",
            synced.readings(),
            synced.total_kwh(),
            source.readings(),
            source.total_kwh()
        )
        .into());
    }
    writeln!(
        out,
        "\nThe synced data equals the embedded file's: {} readings, {} kWh.",
        source.readings(),
        source.total_kwh().round_dp(1)
    )?;
    Ok(())
}

// ---------------------------------------------------------------------------------
// The monthly table
// ---------------------------------------------------------------------------------

/// Energy per month of the usage point's local time (UTC where the data has no
/// LocalTimeParameters).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Usage {
    /// `(year, month)` → kWh and readings.
    pub months: BTreeMap<(i32, u32), Month>,
    /// The earliest start and latest end, epoch seconds.
    pub span: Option<(i64, i64)>,
    /// The local time rules the months follow.
    pub local_time: Option<LocalTimeRules>,
    /// Readings left out: no value, no start, or a unit other than Wh.
    pub skipped: u64,
}

/// One row of the table.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Month {
    /// Energy, kWh.
    pub kwh: Decimal,
    /// Readings counted.
    pub readings: u64,
}

impl Usage {
    /// The usage of linked `entries` (any order: they are linked by their links).
    pub fn of(entries: &[Entry]) -> Usage {
        let tree = link_entries(entries);
        let mut usage = Usage::default();
        for reading in flat_readings(entries, &tree) {
            usage.add(&reading);
        }
        usage
    }

    fn add(&mut self, reading: &FlatReading<'_>) {
        let (Some(start), Some(kwh)) = (reading.start, kilowatt_hours(reading)) else {
            self.skipped += 1;
            return;
        };
        let end = start.saturating_add(i64::from(reading.duration.unwrap_or(0)));
        self.span = Some(self.span.map_or((start, end), |(first, last)| {
            (first.min(start), last.max(end))
        }));
        self.local_time = self.local_time.or(reading.local_time);
        // On standard time when the DST rules cannot be applied (the table says so).
        let local = reading
            .local_start()
            .or_else(|_| reading.standard_start())
            .ok()
            .flatten()
            .map(|local| local.naive_local());
        let utc = reading.start_utc().map(|utc| utc.naive_utc());
        let Some(when) = local.or(utc) else {
            self.skipped += 1;
            return;
        };
        let month = self.months.entry((when.year(), when.month())).or_default();
        month.kwh += kwh;
        month.readings += 1;
    }

    /// Readings counted.
    pub fn readings(&self) -> u64 {
        self.months.values().map(|month| month.readings).sum()
    }

    /// Energy over all months, kWh.
    pub fn total_kwh(&self) -> Decimal {
        self.months.values().map(|month| month.kwh).sum()
    }

    fn write_table(&self, out: &mut dyn Write) -> std::io::Result<()> {
        writeln!(
            out,
            "\nUsage per month ({}), {}\n\n  {:<7}  {:>10}  {:>8}",
            self.clock_words(),
            self.span_words(),
            "month",
            "kWh",
            "readings"
        )?;
        for ((year, month), row) in &self.months {
            writeln!(
                out,
                "  {year}-{month:02}  {:>10.1}  {:>8}",
                row.kwh.round_dp(1),
                row.readings
            )?;
        }
        writeln!(
            out,
            "  {:<7}  {:>10.1}  {:>8}",
            "total",
            self.total_kwh().round_dp(1),
            self.readings()
        )?;
        if self.skipped > 0 {
            writeln!(
                out,
                "  ({} readings without a value, a start or a unit in Wh are left out)",
                self.skipped
            )?;
        }
        Ok(())
    }

    /// "local time, UTC-08:00 and UTC-07:00 in summer time" or "UTC".
    fn clock_words(&self) -> String {
        match self.local_time {
            Some(rules) if rules.validate().is_err() => format!(
                "standard time UTC{}: the LocalTimeParameters' DST rules cannot be applied",
                offset(rules.tz_offset)
            ),
            Some(rules) if rules.has_dst() => format!(
                "local time: UTC{} and UTC{} in summer time",
                offset(rules.tz_offset),
                offset(rules.tz_offset + rules.dst_offset)
            ),
            Some(rules) => format!("local time: UTC{}", offset(rules.tz_offset)),
            None => "UTC: the data has no LocalTimeParameters".to_owned(),
        }
    }

    /// The period covered, in the table's clock.
    fn span_words(&self) -> String {
        let Some((first, last)) = self.span else {
            return "no readings".to_owned();
        };
        let show = |instant: i64| {
            let local = self.local_time.map(|rules| {
                rules
                    .to_local(instant)
                    .or_else(|_| rules.to_standard(instant))
            });
            match local {
                Some(Ok(local)) => local.format("%Y-%m-%d %H:%M").to_string(),
                _ => date_time(instant),
            }
        };
        format!("covering {} to {}", show(first), show(last))
    }
}

/// A reading's energy in kWh (exact from Wh); `None` for other units (gas, demand)
/// and readings without a value.
fn kilowatt_hours(reading: &FlatReading<'_>) -> Option<Decimal> {
    let quantity = reading.quantity()?;
    if quantity.unit != UnitSymbolKind::Wh {
        return None;
    }
    Some(quantity.kwh().ok()?.quantity.value)
}

// ---------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------

/// An offset in seconds as `-08:00`.
fn offset(seconds: i64) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.abs() / 60;
    format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

/// An interval as `2012-11-01 to 2014-11-01`, or `open` without a duration.
fn period(interval: Option<&DateTimeInterval>) -> String {
    match interval.and_then(|interval| interval.start) {
        None => "(none)".to_owned(),
        Some(start) => match interval.and_then(DateTimeInterval::end) {
            Some(end) if end > start => format!("{} to {}", date(start), date(end)),
            _ => format!("from {}", date(start)),
        },
    }
}

fn date(epoch: i64) -> String {
    chrono::DateTime::from_timestamp(epoch, 0).map_or_else(
        || epoch.to_string(),
        |time| time.format("%Y-%m-%d").to_string(),
    )
}

fn date_time(epoch: i64) -> String {
    espi_model::date_time::format_utc(epoch)
}
