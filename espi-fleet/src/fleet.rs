//! The fleet of one process: its configuration, its store, one client per Data
//! Custodian, and what the workers and endpoints share.

use crate::config::{CustodianConfig, FleetConfig};
use crate::error::Error;
use crate::metrics::Metrics;
use crate::pacing::SharedPacer;
use espi_auth::{Clock, SystemClock};
use espi_client::{
    Client, ClientConfig, ClientIdentity, Endpoints, Grant, GrantedScope, RetryPolicy,
    RootCertificates, Secret, TokenKey, TokenSet,
};
use espi_store::{Store, StoreOptions};
use std::sync::Arc;
use std::time::Duration;

/// A Data Custodian as the fleet talks to it.
#[derive(Debug, Clone)]
pub struct Custodian {
    /// Its configuration.
    pub config: CustodianConfig,
    /// The client (tokens in the fleet's store, requests paced by `pacer`).
    pub client: Client,
    /// Its shared pacing.
    pub pacer: Arc<SharedPacer>,
}

/// A fleet of one process: see the [crate documentation](crate). Cheap to clone.
#[derive(Debug, Clone)]
pub struct Fleet {
    pub(crate) inner: Arc<Inner>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) config: FleetConfig,
    pub(crate) store: Store,
    pub(crate) custodians: Vec<Custodian>,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) clock: Arc<dyn Clock>,
}

impl Fleet {
    /// Opens the store (migrating it) and builds a client per Data Custodian, on
    /// the system clock.
    pub async fn open(config: FleetConfig) -> Result<Fleet, Error> {
        Fleet::open_with_clock(config, Arc::new(SystemClock)).await
    }

    /// [`Fleet::open`] on `clock` (epoch seconds), which the clients and the
    /// schedule read.
    pub async fn open_with_clock(
        config: FleetConfig,
        clock: Arc<dyn Clock>,
    ) -> Result<Fleet, Error> {
        let mut options =
            StoreOptions::from_env()?.delete_on_revocation(config.delete_on_revocation);
        // A sync holds a connection while it commits and a refresh holds one for its
        // lock while it stores the new tokens with another: two per sync, and some
        // for the claims, renewals and endpoints.
        options.max_connections = 2 * config.concurrency + 4;
        let store = Store::open_with(&config.store, options).await?;
        let metrics = Arc::new(Metrics::default());
        let public_url = config.public_url();
        let mut custodians = Vec::with_capacity(config.custodians.len());
        for custodian in &config.custodians {
            let pacer = Arc::new(SharedPacer::new(
                &custodian.name,
                store.clone(),
                custodian.failure_threshold,
                Arc::clone(&metrics),
            ));
            let client_config =
                client_config(custodian, public_url.as_deref(), &clock, Arc::clone(&pacer))?;
            let client = Client::with_token_store(client_config, Arc::new(store.clone()))?;
            custodians.push(Custodian {
                config: custodian.clone(),
                client,
                pacer,
            });
        }
        Ok(Fleet {
            inner: Arc::new(Inner {
                config,
                store,
                custodians,
                metrics,
                clock,
            }),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &FleetConfig {
        &self.inner.config
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// This process's counters.
    pub fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    /// The Data Custodians.
    pub fn custodians(&self) -> &[Custodian] {
        &self.inner.custodians
    }

    /// The Data Custodian named `name`.
    pub fn custodian(&self, name: &str) -> Result<&Custodian, Error> {
        self.inner
            .custodians
            .iter()
            .find(|custodian| custodian.config.name == name)
            .ok_or_else(|| Error::UnknownCustodian(name.to_owned()))
    }

    /// The fleet's clock, epoch seconds.
    pub fn now(&self) -> i64 {
        self.inner.clock.now()
    }

    /// The Prometheus text of this process's counters and the fleet's backlog.
    pub async fn metrics_text(&self) -> Result<String, Error> {
        let backlog = self.inner.store.backlog(self.now()).await?;
        Ok(self.inner.metrics.render(&backlog))
    }

    /// Adds an authorization granted elsewhere, from its refresh token: stored with an
    /// expired access token, so that its first sync refreshes it (under the lease),
    /// and due at once. `resource_uri` is the subscription (the token response's
    /// `resourceURI`); `authorization_uri`, when known, is the key its tokens are kept
    /// under. Returns that key.
    pub async fn import(
        &self,
        custodian: &str,
        refresh_token: Secret,
        resource_uri: &str,
        authorization_uri: Option<&str>,
        scope: Option<&str>,
    ) -> Result<TokenKey, Error> {
        let custodian = self.custodian(custodian)?;
        let now = self.now();
        let mut tokens = TokenSet::new(Secret::new(""), Grant::AuthorizationCode, now);
        tokens.refresh_token = Some(refresh_token);
        tokens.expires_at = Some(0);
        tokens.resource_uri = Some(resource_uri.to_owned());
        tokens.authorization_uri = authorization_uri.map(str::to_owned);
        tokens.scope = scope.map(GrantedScope::new);
        let key = custodian.client.insert_tokens(tokens).await?;
        self.inner
            .store
            .schedule_authorization(key.as_str(), &custodian.config.name, now)
            .await?;
        tracing::info!(authorization = %key, custodian = %custodian.config.name, "authorization imported");
        Ok(key)
    }
}

/// The client configuration of one Data Custodian.
fn client_config(
    custodian: &CustodianConfig,
    public_url: Option<&str>,
    clock: &Arc<dyn Clock>,
    pacer: Arc<SharedPacer>,
) -> Result<ClientConfig, Error> {
    let name = &custodian.name;
    let problem = |what: String| Error::Config(format!("custodian {name}: {what}"));
    let endpoints = Endpoints::new(
        &custodian.authorization_endpoint,
        &custodian.token_endpoint,
        &custodian.resource_endpoint,
    )?;
    let secret = custodian.client_secret.clone().ok_or_else(|| {
        problem(format!(
            "no client secret (client_secret, client_secret_env or ESPI_FLEET_{}_CLIENT_SECRET)",
            name.to_ascii_uppercase().replace('-', "_")
        ))
    })?;
    let mut config = ClientConfig::new(endpoints, custodian.client_id.clone(), secret)
        .with_clock(Arc::clone(clock))
        .with_pacer(pacer)
        .with_max_concurrency(custodian.max_syncs.max(1) as usize * 2)
        .with_retry(RetryPolicy::new(
            custodian.retry_attempts,
            Duration::from_millis(custodian.retry_initial_ms),
            Duration::from_millis(custodian.retry_max_ms),
        ));
    let redirect = custodian
        .redirect_uri
        .clone()
        .or_else(|| public_url.map(|url| format!("{url}/callback/{name}")));
    if let Some(redirect) = redirect {
        config = config.with_redirect_uri(&redirect)?;
    }
    if let Some(path) = &custodian.identity_pem {
        let pem = std::fs::read(path)
            .map_err(|error| problem(format!("reading {}: {error}", path.display())))?;
        config = config.with_identity(ClientIdentity::from_pem(&pem, &pem)?);
    }
    if let Some(path) = &custodian.root_certificates_pem {
        let pem = std::fs::read(path)
            .map_err(|error| problem(format!("reading {}: {error}", path.display())))?;
        config = config.with_root_certificates(RootCertificates::from_pem(&pem)?);
    }
    Ok(config)
}
