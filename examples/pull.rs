//! Pull one customer's Green Button data from a Data Custodian into a store, and
//! export it.
//!
//! ```text
//! cargo run --release --example pull -- [--config FILE] [--store FILE|URL] [--export FILE.xml|FILE.csv]
//! ```
//!
//! # Settings
//!
//! From a config file of `key = value` lines (`#` starts a comment line; values may be
//! quoted) and from environment variables `ESPI_<KEY>` (e.g. `ESPI_CLIENT_SECRET`),
//! which win over the file:
//!
//! | key | |
//! |---|---|
//! | `authorization_endpoint` | the Data Custodian's `authorizationServerAuthorizationEndpoint` |
//! | `token_endpoint` | its `authorizationServerTokenEndpoint` |
//! | `resource_endpoint` | its `dataCustodianResourceEndpoint` (`…/espi/1_1/resource`) |
//! | `client_id`, `client_secret` | the registered application's credentials (client_secret_basic) |
//! | `redirect_uri` | the registered redirect URI |
//! | `scope` | the ESPI scope to ask for, e.g. `FB=1_3_4_5_13_14_39;IntervalDuration=3600;BlockDuration=monthly` |
//! | `client_certificate`, `client_key` | optional PEM files for mutual TLS (PG&E requires it); without `client_key` the key is read from the certificate file |
//! | `root_certificates` | optional PEM file of certification authorities to trust besides the built-in roots, for a Data Custodian whose certificate a private authority issued |
//! | `store` | where everything is kept: an SQLite file (default `espi-pull.sqlite`) or a `postgres://` URL; `--store` wins |
//! | `refresh_token` | optional: a refresh token from an earlier authorization, imported into the store instead of a new authorization |
//! | `subscription` | optional: the subscription URI to sync, when the token response has no `resourceURI` or the store holds several |
//! | `authorization_scope` | optional: a client_credentials scope with which to read the Authorization resource, whose periods then bound the sync |
//! | `export` | optional: a file to write from the store after the sync, as an ESPI feed (`.xml`) or the CSV of the `convert` example (`.csv`); `--export` wins |
//!
//! With `ESPI_STORE_KEY` set (64 hexadecimal digits, e.g. `openssl rand -hex 32`) the
//! tokens are sealed in the store (espi-store's documentation).
//!
//! # What it does
//!
//! The store keeps the tokens, the sync's progress and every entry and reading
//! received, so a run picks up where the last one stopped: it syncs the new months
//! and re-reads the recent ones, not the whole window. Every token response is
//! committed to the store before it is used (the Data Custodian rotates refresh
//! tokens), and each month is committed in one transaction, so the process may be
//! killed at any moment and run again.
//!
//! When the store holds no authorization (and no `refresh_token` is given) it prints
//! the authorization URL (PKCE S256) on standard output. Open it in a browser and
//! approve as the customer; the browser then lands on the redirect URI, which need
//! not answer: copy the whole address from the address bar and paste it on standard
//! input. The callback is checked (`state`, errors) and the code exchanged. Later runs
//! need no browser.
//!
//! It then syncs the subscription month by month over the Ameren Share My Usage
//! window (24 months back from the grant, or the scope's `HistoryLength` if shorter),
//! showing each month on standard error as it is committed, and writes the export if
//! one is asked for, under a temporary name renamed when complete. An authorization
//! the Data Custodian ended (revoked, expired) is recorded as ended in the store.
//!
//! # Trying it against espi-sandbox
//!
//! The sync window counts back from now, so the data must be recent: generate some.
//!
//! ```text
//! cargo run --release --example generate -- --size-mb 56 /tmp/recent.xml   # 2020-01 to 2027
//! cargo run --release -p espi-sandbox -- --data /tmp/recent.xml --auto-approve --port 8080
//! ```
//!
//! The sandbox prints its endpoints and the client's credentials; with the defaults:
//!
//! ```text
//! export ESPI_AUTHORIZATION_ENDPOINT=http://127.0.0.1:8080/DataCustodian/oauth/authorize
//! export ESPI_TOKEN_ENDPOINT=http://127.0.0.1:8080/DataCustodian/oauth/token
//! export ESPI_RESOURCE_ENDPOINT=http://127.0.0.1:8080/DataCustodian/espi/1_1/resource
//! export ESPI_CLIENT_ID=third_party ESPI_CLIENT_SECRET=secret
//! export ESPI_REDIRECT_URI=http://127.0.0.1/callback
//! export ESPI_SCOPE='FB=1_3_4_5_13_14_39;IntervalDuration=3600;BlockDuration=monthly;HistoryLength=13'
//! cargo run --release --example pull -- --store /tmp/pull.sqlite --export /tmp/pulled.xml
//! ```
//!
//! With `--auto-approve` the authorization URL answers at once with the redirect:
//! `curl -s -o /dev/null -w '%{redirect_url}\n' "URL"` prints the address to paste.
//! (Without it, open the URL in a browser: the sandbox shows a consent page.) A second
//! run finds the authorization in the store, needs no browser and reads only the
//! recent months. `cargo run --release --example inspect -- /tmp/pulled.xml`
//! summarises what was pulled.

use espi_client::{
    AuthorizationOptions, Client, ClientConfig, ClientIdentity, Endpoints, Grant, RootCertificates,
    Secret, StoreError, TokenKey, TokenSet,
};
use espi_client::{
    MonthRecord, SyncBatch, SyncOptions, SyncReport, SyncStore, readings_of, sync_subscription,
};
use espi_model::resource::Resource;
use espi_store::Store;
use std::collections::HashMap;
use std::error::Error;
use std::io::{BufReader, BufWriter, Seek as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Instant;

const USAGE: &str = "usage: pull [--config FILE] [--store FILE|URL] [--export FILE.xml|FILE.csv]   \
                     (settings: see the file's docs; environment variables ESPI_<KEY> win over \
                     the config file)";

type Failure = Box<dyn Error>;

#[tokio::main]
async fn main() -> ExitCode {
    run(std::env::args().skip(1)).await
}

/// The whole program for `arguments` (without the program name).
pub async fn run(arguments: impl Iterator<Item = String>) -> ExitCode {
    let settings = match Settings::from_arguments(arguments) {
        Ok(Some(settings)) => settings,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            eprintln!("pull: {error}\n{USAGE}");
            return ExitCode::FAILURE;
        }
    };
    match pull(&settings).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("pull: {}", chain(error.as_ref()));
            ExitCode::FAILURE
        }
    }
}

/// An error and its sources on one line.
fn chain(error: &dyn Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let words = cause.to_string();
        if !text.contains(&words) {
            text.push_str(": ");
            text.push_str(&words);
        }
        source = cause.source();
    }
    text
}

// ---------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------

/// The keys a config file may hold, each also read from `ESPI_<KEY>`.
const KEYS: [&str; 15] = [
    "authorization_endpoint",
    "token_endpoint",
    "resource_endpoint",
    "client_id",
    "client_secret",
    "redirect_uri",
    "scope",
    "client_certificate",
    "client_key",
    "root_certificates",
    "store",
    "refresh_token",
    "subscription",
    "authorization_scope",
    "export",
];

/// Everything a pull needs. `Debug` is not derived: two fields are secrets.
struct Settings {
    endpoints: [String; 3],
    client_id: String,
    client_secret: Secret,
    redirect_uri: String,
    scope: String,
    client_certificate: Option<PathBuf>,
    client_key: Option<PathBuf>,
    root_certificates: Option<PathBuf>,
    store: String,
    refresh_token: Option<Secret>,
    subscription: Option<String>,
    authorization_scope: Option<String>,
    export: Option<PathBuf>,
}

impl Settings {
    /// The settings of `--config`, the environment, `--store` and `--export`; `None`
    /// for `--help`.
    fn from_arguments(
        mut arguments: impl Iterator<Item = String>,
    ) -> Result<Option<Settings>, Failure> {
        let mut config = None;
        let mut flags = Vec::new();
        while let Some(argument) = arguments.next() {
            match argument.as_str() {
                "--config" => config = Some(arguments.next().ok_or("--config needs a file")?),
                "--store" | "--export" => {
                    let value = arguments
                        .next()
                        .ok_or_else(|| format!("{argument} needs a value"))?;
                    flags.push((argument.trim_start_matches('-').to_owned(), value));
                }
                "-h" | "--help" => return Ok(None),
                other => return Err(format!("unexpected argument {other:?}").into()),
            }
        }
        let mut values = match config {
            Some(path) => read_config(Path::new(&path))?,
            None => HashMap::new(),
        };
        for key in KEYS {
            if let Ok(value) = std::env::var(format!("ESPI_{}", key.to_uppercase())) {
                values.insert(key.to_owned(), value);
            }
        }
        values.extend(flags);
        Settings::from_values(values).map(Some)
    }

    fn from_values(mut values: HashMap<String, String>) -> Result<Settings, Failure> {
        let mut take = |key: &str| values.remove(key).filter(|value| !value.trim().is_empty());
        let mut required = |key: &str| {
            take(key).ok_or_else(|| {
                format!(
                    "missing setting {key} (ESPI_{} or `{key} = …` in the config file)",
                    key.to_uppercase()
                )
            })
        };
        Ok(Settings {
            endpoints: [
                required("authorization_endpoint")?,
                required("token_endpoint")?,
                required("resource_endpoint")?,
            ],
            client_id: required("client_id")?,
            client_secret: Secret::new(required("client_secret")?),
            redirect_uri: required("redirect_uri")?,
            scope: required("scope")?,
            client_certificate: take("client_certificate").map(PathBuf::from),
            client_key: take("client_key").map(PathBuf::from),
            root_certificates: take("root_certificates").map(PathBuf::from),
            store: take("store").unwrap_or_else(|| "espi-pull.sqlite".to_owned()),
            refresh_token: take("refresh_token").map(Secret::new),
            subscription: take("subscription"),
            authorization_scope: take("authorization_scope"),
            export: take("export").map(PathBuf::from),
        })
    }
}

/// A `key = value` file. Unknown keys are errors, so that a typo does not pass
/// silently as a missing optional setting.
fn read_config(path: &Path) -> Result<HashMap<String, String>, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
    let mut values = HashMap::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let at = || format!("{}:{}", path.display(), number + 1);
        let (key, value) = line
            .split_once('=')
            .ok_or_else(|| format!("{}: expected key = value", at()))?;
        let key = key.trim();
        if !KEYS.contains(&key) {
            return Err(
                format!("{}: unknown key {key:?} (known: {})", at(), KEYS.join(", ")).into(),
            );
        }
        values.insert(key.to_owned(), unquote(value.trim()).to_owned());
    }
    Ok(values)
}

/// `"value"` or `'value'` without the quotes; anything else as it is.
fn unquote(value: &str) -> &str {
    for quote in ['"', '\''] {
        if let Some(inner) = value
            .strip_prefix(quote)
            .and_then(|rest| rest.strip_suffix(quote))
        {
            return inner;
        }
    }
    value
}

// ---------------------------------------------------------------------------------
// The pull
// ---------------------------------------------------------------------------------

async fn pull(settings: &Settings) -> Result<(), Failure> {
    let store = Arc::new(Store::open(&settings.store).await?);
    let client = Client::with_token_store(client_config(settings)?, Arc::clone(&store) as _)?;
    let key = obtain_tokens(&client, &store, settings).await?;
    let report = match sync(&client, &key, settings, &store).await {
        Ok(report) => report,
        Err(error) => {
            if let Some(ended) = error.downcast_ref::<espi_client::Error>()
                && ended.is_authorization_ended()
            {
                store
                    .end_authorization(&key, &ended.to_string(), client.now())
                    .await?;
                eprintln!(
                    "the authorization has ended; recorded in {}",
                    settings.store
                );
            }
            return Err(error);
        }
    };
    let totals = store.reading_totals(&report.subscription).await?;
    eprintln!(
        "the store holds {} interval readings{} of {}",
        totals.count,
        span_words(totals.first_start, totals.last_end),
        report.subscription
    );
    if let Some(path) = &settings.export {
        export(&store, &report.subscription, path, client.now()).await?;
    }
    Ok(())
}

/// The client: endpoints, credentials, redirect URI, the roots to trust and the
/// mutual-TLS identity.
fn client_config(settings: &Settings) -> Result<ClientConfig, Failure> {
    let [authorization, token, resource] = &settings.endpoints;
    let endpoints = Endpoints::new(authorization, token, resource)?;
    let mut config = ClientConfig::new(
        endpoints,
        settings.client_id.clone(),
        settings.client_secret.clone(),
    )
    .with_redirect_uri(&settings.redirect_uri)?;
    let read = |path: &Path| {
        std::fs::read(path).map_err(|error| format!("cannot read {}: {error}", path.display()))
    };
    if let Some(roots) = &settings.root_certificates {
        config = config.with_root_certificates(RootCertificates::from_pem(&read(roots)?)?);
    }
    if let Some(certificate) = &settings.client_certificate {
        let chain = read(certificate)?;
        let key = match &settings.client_key {
            Some(path) => read(path)?,
            None => Vec::new(),
        };
        config = config.with_identity(ClientIdentity::from_pem(&chain, &key)?);
    }
    Ok(config)
}

/// The authorization the store holds, else one from a given refresh token, else a
/// new one; returns the key its tokens are stored under.
async fn obtain_tokens(
    client: &Client,
    store: &Store,
    settings: &Settings,
) -> Result<TokenKey, Failure> {
    if let Some(key) = stored_authorization(client, store, settings).await? {
        eprintln!("using the authorization stored in {}", settings.store);
        return Ok(key);
    }
    match &settings.refresh_token {
        Some(refresh_token) => refresh(client, settings, refresh_token.clone()).await,
        None => authorize(client, settings).await,
    }
}

/// The key of the authorization in force in the store: the one of `subscription`
/// when it is set, else the only one.
async fn stored_authorization(
    client: &Client,
    store: &Store,
    settings: &Settings,
) -> Result<Option<TokenKey>, Failure> {
    let mut keys = Vec::new();
    for subscription in store.subscriptions().await? {
        let (Some(key), None) = (subscription.authorization, subscription.ended_at) else {
            continue;
        };
        let wanted = settings
            .subscription
            .as_ref()
            .is_none_or(|uri| *uri == subscription.uri);
        let key = TokenKey::new(key);
        if !wanted || keys.contains(&key) {
            continue;
        }
        match client.tokens(&key).await {
            Ok(_) => keys.push(key),
            Err(espi_client::Error::NoToken { .. }) => {}
            // Sealed tokens without their key, a database error: say so rather than
            // start a new authorization.
            Err(error) => return Err(error.into()),
        }
    }
    match keys.len() {
        0 | 1 => Ok(keys.pop()),
        _ => Err(format!(
            "{} holds {} authorizations; set `subscription` to the one to sync",
            settings.store,
            keys.len()
        )
        .into()),
    }
}

/// Imports a refresh token from an earlier authorization by refreshing it. The
/// grant instant is not known, so the sync window counts from now unless the
/// Authorization resource is read.
async fn refresh(
    client: &Client,
    settings: &Settings,
    refresh_token: Secret,
) -> Result<TokenKey, Failure> {
    let now = client.now();
    // An expired placeholder: the refresh fills in the access token and the URIs.
    let mut tokens = TokenSet::new(Secret::default(), Grant::AuthorizationCode, now);
    tokens.refresh_token = Some(refresh_token);
    tokens.expires_at = Some(now);
    tokens.resource_uri = settings.subscription.clone();
    let key = client
        .insert_tokens_under(TokenKey::new("imported refresh token"), tokens)
        .await?;
    let renewed = client.refresh(&key).await.map_err(|error| {
        format!("{error}\nTo authorize again, unset ESPI_REFRESH_TOKEN / refresh_token.")
    })?;
    eprintln!(
        "refreshed the given authorization: scope {}",
        renewed.scope.as_deref().unwrap_or("(not stated)")
    );
    Ok(key)
}

/// The authorization-code flow with the customer's browser in between.
async fn authorize(client: &Client, settings: &Settings) -> Result<TokenKey, Failure> {
    let request = client.authorization_request(&settings.scope, AuthorizationOptions::new())?;
    eprintln!(
        "Open this URL in a browser and approve as the customer. Then paste the address \
         the browser lands on (it starts with {}) here:",
        settings.redirect_uri
    );
    println!("{}", request.url);
    let callback = read_line().await?;
    let tokens = client
        .complete_authorization(&request.pending, &callback)
        .await?;
    eprintln!(
        "authorized: scope {}",
        tokens.scope.as_deref().unwrap_or("(not stated)")
    );
    Ok(tokens.key())
}

/// One line of standard input, without blocking the runtime.
async fn read_line() -> Result<String, Failure> {
    let line = tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).map(|_| line)
    })
    .await??;
    let line = line.trim().to_owned();
    if line.is_empty() {
        return Err("no callback address on standard input".into());
    }
    Ok(line)
}

/// The sync, with the Authorization resource's periods when `authorization_scope`
/// allows reading it, and progress on standard error.
async fn sync(
    client: &Client,
    key: &TokenKey,
    settings: &Settings,
    store: &Store,
) -> Result<SyncReport, Failure> {
    let mut options = SyncOptions::new();
    options.subscription_uri = settings.subscription.clone();
    if let Some(scope) = &settings.authorization_scope {
        let authorization = read_authorization(client, key, scope).await?;
        options = options.with_authorization(authorization);
    }
    let progress = Progress::new(store);
    let report = sync_subscription(&client.session(key.clone()), &progress, &options).await?;
    eprintln!(
        "synced {} of {} months in {:.1} s ({} read again after a failure)",
        report.months_fetched,
        report.months_planned,
        progress.started.elapsed().as_secs_f64(),
        report.month_retries
    );
    for note in &report.context_notes {
        eprintln!("note: {note}");
    }
    Ok(report)
}

/// The Authorization resource of the grant, read with a client_credentials token for
/// `scope` (a customer's access token may not read it, espi-reference §1.3).
async fn read_authorization(
    client: &Client,
    key: &TokenKey,
    scope: &str,
) -> Result<espi_model::authorization::Authorization, Failure> {
    let tokens = client.tokens(key).await?;
    let id = tokens
        .authorization_id()
        .ok_or("the token response has no authorizationURI to read")?;
    let client_tokens = client.client_credentials(Some(scope)).await?;
    let document = client
        .session(client_tokens.key())
        .authorization(&id)
        .await?;
    document
        .resources()
        .find_map(|resource| match resource {
            Resource::Authorization(authorization) => Some(authorization.clone()),
            _ => None,
        })
        .ok_or_else(|| format!("Authorization/{id} holds no Authorization").into())
}

// ---------------------------------------------------------------------------------
// Progress
// ---------------------------------------------------------------------------------

/// A [`SyncStore`] that reports each commit on standard error once the store has it:
/// the sync commits once per month, when the month's response has been read whole.
struct Progress<'a> {
    inner: &'a Store,
    started: Instant,
    months: Mutex<u32>,
}

impl<'a> Progress<'a> {
    fn new(inner: &'a Store) -> Self {
        Progress {
            inner,
            started: Instant::now(),
            months: Mutex::new(0),
        }
    }

    fn report(&self, month: Option<&MonthRecord>, entries: usize, readings: usize) {
        let elapsed = self.started.elapsed().as_secs_f64();
        let Some(month) = month else {
            eprintln!("{elapsed:7.1} s  context: {entries} entries committed");
            return;
        };
        let mut done = self
            .months
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        *done += 1;
        eprintln!(
            "{elapsed:7.1} s  month {:>3}  {}  {entries:>5} entries  {readings:>7} readings committed",
            *done,
            date(month.start),
        );
    }
}

#[async_trait::async_trait]
impl SyncStore for Progress<'_> {
    async fn month_records(&self, subscription: &str) -> Result<Vec<MonthRecord>, StoreError> {
        self.inner.month_records(subscription).await
    }

    async fn commit(&self, subscription: &str, batch: SyncBatch) -> Result<(), StoreError> {
        let month = batch.month;
        let entries = batch.entries.len();
        let readings = batch
            .entries
            .iter()
            .map(|entry| readings_of(entry).len())
            .sum();
        self.inner.commit(subscription, batch).await?;
        self.report(month.as_ref(), entries, readings);
        Ok(())
    }
}

// ---------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------

/// Writes the subscription from the store to `path`: an ESPI feed (`.xml`) or the
/// CSV of the `convert` example (`.csv`), through a temporary file renamed when
/// complete, so that an interrupted export never leaves a partial file under the
/// final name.
async fn export(store: &Store, subscription: &str, path: &Path, now: i64) -> Result<(), Failure> {
    let csv = match path.extension().and_then(|extension| extension.to_str()) {
        Some("xml") => false,
        Some("csv") => true,
        _ => return Err(format!("--export {}: name a .xml or .csv file", path.display()).into()),
    };
    eprintln!("exporting to {}", path.display());
    let partial = path.with_extension("partial");
    let create = |path: &Path| {
        std::fs::File::create(path)
            .map_err(|error| format!("cannot create {}: {error}", path.display()))
    };
    let file = create(&partial)?;
    let file = if csv {
        // The feed first (a temporary file), then espi-convert's CSV from it.
        let mut feed = store
            .write_feed(subscription, BufWriter::new(tempfile()?), now)
            .await?
            .into_inner()
            .map_err(|error| error.into_error())?;
        feed.rewind()?;
        let mut out = BufWriter::new(file);
        espi_convert::csv::write_csv(
            BufReader::new(feed),
            &mut out,
            espi_xml::ReaderOptions::default(),
            espi_convert::MAX_PENDING_READINGS,
        )?;
        out.into_inner().map_err(|error| error.into_error())?
    } else {
        store
            .write_feed(subscription, BufWriter::new(file), now)
            .await?
            .into_inner()
            .map_err(|error| error.into_error())?
    };
    file.sync_all()?;
    std::fs::rename(&partial, path).map_err(|error| {
        format!(
            "cannot rename {} to {}: {error}",
            partial.display(),
            path.display()
        )
    })?;
    eprintln!("exported {subscription} to {}", path.display());
    Ok(())
}

/// An anonymous temporary file (removed when closed).
fn tempfile() -> Result<std::fs::File, Failure> {
    let path = std::env::temp_dir().join(format!("espi-pull-{}.xml", std::process::id()));
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&path)?;
    std::fs::remove_file(&path)?;
    Ok(file)
}

fn span_words(first: Option<i64>, last: Option<i64>) -> String {
    match (first, last) {
        (Some(first), Some(last)) => format!(", {} to {}", date(first), date(last)),
        _ => String::new(),
    }
}

fn date(epoch: i64) -> String {
    chrono::DateTime::from_timestamp(epoch, 0).map_or_else(
        || epoch.to_string(),
        |time| time.format("%Y-%m-%d").to_string(),
    )
}
