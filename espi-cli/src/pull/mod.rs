//! `espi pull`: one customer's Green Button data pulled from a Data Custodian into a
//! store, and exported.
//!
//! ```text
//! espi pull [--config FILE] [--store FILE|URL] [--export FILE.xml|FILE.csv]
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
//! | `export` | optional: a file to write from the store after the sync, as an ESPI feed (`.xml`) or the CSV of `espi convert` (`.csv`); `--export` wins |
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
//! espi generate --size-mb 56 /tmp/recent.xml   # 2020-01 to 2027
//! espi sandbox --data /tmp/recent.xml --auto-approve --port 8080
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
//! espi pull --store /tmp/pull.sqlite --export /tmp/pulled.xml
//! ```
//!
//! With `--auto-approve` the authorization URL answers at once with the redirect:
//! `curl -s -o /dev/null -w '%{redirect_url}\n' "URL"` prints the address to paste.
//! (Without it, open the URL in a browser: the sandbox shows a consent page.) A second
//! run finds the authorization in the store, needs no browser and reads only the
//! recent months. `espi inspect /tmp/pulled.xml`
//! summarises what was pulled.

mod export;
mod progress;
mod settings;

pub use settings::PullArgs;

use espi_client::{
    AuthorizationOptions, Client, ClientConfig, ClientIdentity, Endpoints, Grant, RootCertificates,
    Secret, SyncOptions, SyncReport, TokenKey, TokenSet, sync_subscription,
};
use espi_model::resource::Resource;
use espi_store::Store;
use settings::Settings;
use std::error::Error;
use std::path::Path;
use std::sync::Arc;

type Failure = Box<dyn Error>;

/// Pulls with the settings of `args` and the environment: authorizes when the store
/// holds no authorization, syncs the subscription month by month into the store,
/// and writes the export if one is asked for. Progress goes to standard error; the
/// authorization URL, when one is needed, to standard output.
///
/// # Errors
///
/// [`crate::Error::Pull`], saying what failed with its causes: a missing setting, the
/// store, the Data Custodian, the export.
pub async fn pull(args: &PullArgs) -> Result<(), crate::Error> {
    let pulled = match Settings::load(args) {
        Ok(settings) => run(&settings).await,
        Err(error) => Err(error),
    };
    pulled.map_err(|error| crate::Error::Pull(chain(error.as_ref())))
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

async fn run(settings: &Settings) -> Result<(), Failure> {
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
        export::export(&store, &report.subscription, path, client.now()).await?;
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
    let progress = progress::Progress::new(store);
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
/// `scope` (a customer's access token may not read it: NAESB REQ.21 reserves the
/// Authorization resources for the third party's client_credentials tokens).
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
