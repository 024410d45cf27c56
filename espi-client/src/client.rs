//! The client ([`Client`]) and the authenticated handle on one grant ([`Session`]).

use crate::config::ClientConfig;
use crate::error::{CallbackError, Error, Result};
use crate::http::{
    ClientStats, Counters, RequestSpec, Transport, check_content_length, same_origin, status_error,
};
use crate::oauth::{AuthorizationOptions, AuthorizationRequest, OAuth, PendingAuthorization};
use crate::resources::ResourcePath;
use crate::secret::Secret;
use crate::stream::{self, FeedStream};
use crate::token::{MemoryTokenStore, TokenKey, TokenSet, TokenStore};
use espi_auth::Query;
use espi_model::atom::Document;
use reqwest::header::RETRY_AFTER;
use reqwest::{Method, StatusCode};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;
use url::Url;

/// A Green Button Connect My Data client for one registered application at one Data
/// Custodian.
///
/// ```no_run
/// # async fn demo() -> espi_client::Result<()> {
/// use espi_auth::Query;
/// use espi_client::{AuthorizationOptions, Client, ClientConfig, Endpoints};
///
/// let endpoints = Endpoints::new(
///     "https://dc.example/oauth/authorize",
///     "https://dc.example/oauth/token",
///     "https://dc.example/DataCustodian/espi/1_1/resource",
/// )?;
/// let config = ClientConfig::new(endpoints, "third_party", "s3cr3t")
///     .with_redirect_uri("https://tp.example/callback")?;
/// let client = Client::new(config)?;
///
/// // 1. Send the customer to the Data Custodian…
/// let request = client.authorization_request(
///     "FB=1_3_4_5_13_14_39;IntervalDuration=3600;BlockDuration=monthly;HistoryLength=13",
///     AuthorizationOptions::new(),
/// )?;
/// println!("visit {}", request.url);
/// // 2. …and when the browser comes back to the redirect URI:
/// let callback = "https://tp.example/callback?code=…&state=…";
/// let tokens = client.complete_authorization(&request.pending, callback).await?;
///
/// // 3. Read the customer's data.
/// let session = client.session(tokens.key());
/// let subscription = tokens.subscription_id().expect("a customer grant names its subscription");
/// let mut feed = session.batch_subscription(&subscription, &Query::new()).await?;
/// while let Some(entry) = feed.next().await {
///     println!("{:?}", entry?.meta.title);
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    config: ClientConfig,
    transport: Transport,
    oauth: OAuth,
    store: Arc<dyn TokenStore>,
    /// One lock per token key, so that refreshes are single-flight per grant and
    /// grants refresh independently.
    refresh_locks: std::sync::Mutex<HashMap<TokenKey, Arc<tokio::sync::Mutex<()>>>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

/// What a resource request got: a body to read, or nothing (204).
pub(crate) enum Fetched {
    Body(reqwest::Response),
    NoContent,
}

impl Client {
    /// A client keeping its tokens in memory ([`MemoryTokenStore`]).
    pub fn new(config: ClientConfig) -> Result<Client> {
        Client::with_token_store(config, Arc::new(MemoryTokenStore::new()))
    }

    /// A client keeping its tokens in `store`.
    pub fn with_token_store(config: ClientConfig, store: Arc<dyn TokenStore>) -> Result<Client> {
        if config.client_id.is_empty() {
            return Err(Error::Config("the client id is empty".to_owned()));
        }
        let transport = Transport::new(&config)?;
        let oauth = OAuth::new(&config);
        Ok(Client {
            inner: Arc::new(Inner {
                config,
                transport,
                oauth,
                store,
                refresh_locks: std::sync::Mutex::new(HashMap::new()),
            }),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// The token store.
    pub fn token_store(&self) -> &Arc<dyn TokenStore> {
        &self.inner.store
    }

    /// Counters of what the client did so far.
    pub fn stats(&self) -> ClientStats {
        self.inner.transport.counters.snapshot()
    }

    /// The client's clock, epoch seconds.
    pub fn now(&self) -> i64 {
        self.inner.transport.now()
    }

    pub(crate) fn transport(&self) -> &Transport {
        &self.inner.transport
    }

    /// The authorization request for `scope` (an ESPI scope string,
    /// [`espi_auth::Scope`]): the URL to send the customer to and the [`PendingAuthorization`] to
    /// keep until the callback. PKCE S256 is on unless `options` turn it off.
    pub fn authorization_request(
        &self,
        scope: &str,
        options: AuthorizationOptions,
    ) -> Result<AuthorizationRequest> {
        self.inner.oauth.authorization_request(scope, options)
    }

    /// Exchanges an authorization code for tokens (client_secret_basic, the PKCE
    /// verifier and redirect URI of `pending`), stores them under
    /// [`TokenSet::key`] and returns them once the store has them.
    pub async fn exchange_code(
        &self,
        pending: &PendingAuthorization,
        code: &Secret,
    ) -> Result<TokenSet> {
        let tokens = self
            .inner
            .oauth
            .exchange_code(&self.inner.transport, pending, code)
            .await?;
        self.inner.store.put(&tokens.key(), tokens.clone()).await?;
        tracing::info!(key = %tokens.key(), scope = ?tokens.scope, "authorization code exchanged");
        Ok(tokens)
    }

    /// Checks the callback ([`PendingAuthorization::check_callback`]) and exchanges
    /// its code.
    pub async fn complete_authorization(
        &self,
        pending: &PendingAuthorization,
        callback: &str,
    ) -> Result<TokenSet> {
        let code = pending
            .check_callback(callback)
            .map_err(|error: CallbackError| Error::Callback(error))?;
        self.exchange_code(pending, &code).await
    }

    /// A `client_credentials` token for `scope` (bulk `FB=…_35;BR=…`, admin or
    /// registration scopes), stored under [`TokenSet::key`].
    pub async fn client_credentials(&self, scope: Option<&str>) -> Result<TokenSet> {
        let tokens = self
            .inner
            .oauth
            .client_credentials(&self.inner.transport, scope)
            .await?;
        self.inner.store.put(&tokens.key(), tokens.clone()).await?;
        tracing::info!(key = %tokens.key(), "client_credentials token obtained");
        Ok(tokens)
    }

    /// Stores a token set obtained elsewhere (for example loaded from a file) under
    /// its key, and returns the key.
    pub async fn insert_tokens(&self, tokens: TokenSet) -> Result<TokenKey> {
        let key = tokens.key();
        self.inner.store.put(&key, tokens).await?;
        Ok(key)
    }

    /// Stores a token set under a key of the caller's choice (for tokens without
    /// URIs, such as a Data Custodian's admin token).
    pub async fn insert_tokens_under(&self, key: TokenKey, tokens: TokenSet) -> Result<TokenKey> {
        self.inner.store.put(&key, tokens).await?;
        Ok(key)
    }

    /// Refreshes the token set under `key` now.
    pub async fn refresh(&self, key: &TokenKey) -> Result<TokenSet> {
        let current = self.tokens(key).await?;
        self.session(key.clone()).refresh_from(&current).await
    }

    /// The token set under `key`, as stored.
    pub async fn tokens(&self, key: &TokenKey) -> Result<TokenSet> {
        self.inner
            .store
            .get(key)
            .await?
            .ok_or_else(|| Error::NoToken {
                key: key.to_string(),
            })
    }

    /// The handle for requests with the token set under `key`.
    pub fn session(&self, key: impl Into<TokenKey>) -> Session {
        Session {
            client: self.clone(),
            key: key.into(),
        }
    }

    /// The URL of `path` under the resource endpoint; [`Error::InvalidUrl`] for an id
    /// that cannot be a path segment (empty, `.` or `..`).
    pub fn resource_url(&self, path: &ResourcePath) -> Result<Url> {
        let mut url = self.inner.config.endpoints.resource.clone();
        let relative = path.path().map_err(|error| Error::InvalidUrl {
            url: format!("{url}/{}", path.template()),
            reason: error.to_string(),
        })?;
        let joined = format!("{}/{relative}", url.path().trim_end_matches('/'));
        url.set_path(&joined);
        Ok(url)
    }

    /// Checks that `url` lies under the resource endpoint (same origin, and its path
    /// under the endpoint's): the only URLs the client sends its bearer tokens to.
    pub fn check_resource_url(&self, url: &Url) -> Result<()> {
        crate::http::check_url(url)?;
        let base = &self.inner.config.endpoints.resource;
        let refuse = |reason: String| {
            Err(Error::ForeignResource {
                url: url.to_string(),
                reason,
            })
        };
        if !same_origin(base, url) {
            return refuse(format!(
                "it is not on the Data Custodian's resource server {}",
                base.origin().ascii_serialization()
            ));
        }
        let prefix = base.path().trim_end_matches('/');
        let path = url.path();
        let under = path == prefix
            || path
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with('/'));
        if !under {
            return refuse(format!("its path is not under {}", base.path()));
        }
        Ok(())
    }
}

/// Requests with one token set.
///
/// A `Client` holds the configuration, the HTTP transport, the OAuth client and the
/// token store; it is cheap to clone (an `Arc`) and meant to be shared. A `Session` is
/// the client plus the key of one token set (one customer's authorization, or a
/// client-credentials grant): every resource call goes through it.
///
/// For each request a session:
///
/// 1. takes the token set from the store and refreshes it first when it expires
///    within [`ClientConfig::refresh_margin`](crate::ClientConfig::refresh_margin);
/// 2. sends the request with retries ([`RetryPolicy`](crate::RetryPolicy));
/// 3. on **401** refreshes once and sends the request once more; when the refresh is
///    refused (`invalid_grant`: revoked or expired) the result is
///    [`Error::AuthorizationEnded`];
/// 4. on **202 Accepted** waits (honouring `Retry-After`) and asks again, up to
///    [`AcceptedPolicy`](crate::AcceptedPolicy)'s bounds;
/// 5. on **204 No Content** yields no entries (no data is not an error).
///
/// Refreshes are single-flight: concurrent requests that find the same token stale
/// refresh it once.
#[derive(Clone)]
pub struct Session {
    client: Client,
    key: TokenKey,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session").field("key", &self.key).finish()
    }
}

impl Session {
    /// The token key.
    pub fn key(&self) -> &TokenKey {
        &self.key
    }

    /// The client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The current token set, refreshed first when it is about to expire.
    pub async fn tokens(&self) -> Result<TokenSet> {
        let tokens = self.client.tokens(&self.key).await?;
        let margin = i64::try_from(self.client.config().refresh_margin.as_secs()).unwrap_or(0);
        if !tokens.expires_within(self.client.now(), margin) {
            return Ok(tokens);
        }
        match self.refresh_from(&tokens).await {
            Ok(renewed) => Ok(renewed),
            // A refresh that failed for a passing reason still leaves a token that
            // has not expired yet.
            Err(error) if error.is_retryable() && !tokens.expires_within(self.client.now(), 0) => {
                tracing::warn!(key = %self.key, %error, "refreshing before expiry failed; using the current token");
                Ok(tokens)
            }
            Err(error) => Err(error),
        }
    }

    /// Refreshes `stale` unless another request already did.
    pub(crate) async fn refresh_from(&self, stale: &TokenSet) -> Result<TokenSet> {
        let inner = &self.client.inner;
        let lock = {
            let mut locks = inner
                .refresh_locks
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            Arc::clone(locks.entry(self.key.clone()).or_default())
        };
        let _guard = lock.lock().await;
        let _shared = inner.store.refresh_lock(&self.key).await?;
        let current = self.client.tokens(&self.key).await?;
        if !current.access_token.matches(stale.access_token.expose()) {
            return Ok(current);
        }
        let renewed = inner
            .oauth
            .refresh(&inner.transport, &current)
            .await
            .map_err(|error| match error {
                Error::OAuth {
                    error, description, ..
                } if error == "invalid_grant" => Error::AuthorizationEnded {
                    key: self.key.to_string(),
                    reason: format!(
                        "the token endpoint refused the refresh: invalid_grant{}",
                        description.map(|d| format!(": {d}")).unwrap_or_default()
                    ),
                },
                other => other,
            })?;
        // Committed before it is used: the Data Custodian may have rotated the
        // refresh token, and the old one no longer works.
        inner.store.put(&self.key, renewed.clone()).await?;
        Counters::bump(&inner.transport.counters.token_refreshes);
        tracing::info!(key = %self.key, "access token refreshed");
        Ok(renewed)
    }

    /// `GET` a resource path with `query`, streaming the entries.
    pub async fn get(&self, path: &ResourcePath, query: &Query) -> Result<FeedStream> {
        let url = self.client.resource_url(path)?;
        self.get_url(&url, query).await
    }

    /// `GET` a URL under the resource endpoint (for example a `resourceURI` or a
    /// notification's URI) with `query` added to the parameters it already has.
    pub async fn get_url(&self, url: &Url, query: &Query) -> Result<FeedStream> {
        self.client.check_resource_url(url)?;
        let mut url = url.clone();
        let mut query = query.clone();
        let existing = crate::query::of_url(&url).unwrap_or_default();
        if query.max_results.is_none() && existing.max_results.is_none() {
            query.max_results = self.client.config().page_size;
        }
        crate::query::apply(&query, &mut url);
        let effective = crate::query::of_url(&url).unwrap_or_default();
        let page_size = effective.page_size();
        let permit = self.client.transport().permit().await?;
        let first = self.fetch(&url).await?;
        Ok(stream::start(
            self.clone(),
            url,
            effective,
            page_size,
            first,
            permit,
        ))
    }

    /// `GET` a resource path and read the whole (small) answer as a [`Document`].
    pub async fn document(&self, path: &ResourcePath) -> Result<Document> {
        self.get(path, &Query::new()).await?.into_document().await
    }

    /// `DELETE` a resource path (with the same token handling as `GET`).
    pub async fn delete(&self, path: &ResourcePath) -> Result<()> {
        let url = self.client.resource_url(path)?;
        let _permit = self.client.transport().permit().await?;
        let response = self.send(Method::DELETE, &url).await?;
        if response.status().is_success() {
            Ok(())
        } else {
            let spec = RequestSpec {
                method: Method::DELETE,
                ..RequestSpec::get(url, None)
            };
            Err(status_error(response, &spec, self.client.transport().request_timeout).await)
        }
    }

    /// A GET with the session's token handling and 202/204 handling.
    pub(crate) async fn fetch(&self, url: &Url) -> Result<Fetched> {
        let accepted = self.client.config().accepted;
        let started = Instant::now();
        let mut polls: u32 = 0;
        loop {
            let response = self.send(Method::GET, url).await?;
            match response.status() {
                StatusCode::NO_CONTENT => return Ok(Fetched::NoContent),
                StatusCode::ACCEPTED => {
                    polls += 1;
                    let retry_after = response
                        .headers()
                        .get(RETRY_AFTER)
                        .and_then(|value| value.to_str().ok())
                        .and_then(|value| {
                            crate::retry::parse_retry_after(value, self.client.now())
                        });
                    let delay = accepted.delay(polls, retry_after);
                    if polls > accepted.max_polls
                        || started.elapsed() + delay > accepted.max_elapsed
                    {
                        return Err(Error::StillPreparing {
                            url: url.to_string(),
                            polls: polls - 1,
                            elapsed: started.elapsed(),
                        });
                    }
                    Counters::bump(&self.client.transport().counters.accepted_polls);
                    tracing::info!(%url, polls, ?delay, "202 Accepted: the data is being prepared; polling again");
                    drop(response);
                    tokio::time::sleep(delay).await;
                }
                status if status.is_success() => {
                    let transport = self.client.transport();
                    let spec = RequestSpec::get(url.clone(), None);
                    if let Err(error) =
                        check_content_length(&response, transport.body_limit(), &spec)
                    {
                        Counters::bump(&transport.counters.broken_bodies);
                        return Err(error);
                    }
                    return Ok(Fetched::Body(response));
                }
                _ => {
                    let spec = RequestSpec::get(url.clone(), None);
                    return Err(status_error(
                        response,
                        &spec,
                        self.client.transport().request_timeout,
                    )
                    .await);
                }
            }
        }
    }

    /// Sends a request with a fresh token; on 401 refreshes once and sends again.
    async fn send(&self, method: Method, url: &Url) -> Result<reqwest::Response> {
        let transport = self.client.transport();
        let mut tokens = self.tokens().await?;
        let mut refreshed = false;
        loop {
            let spec = RequestSpec {
                method: method.clone(),
                ..RequestSpec::get(url.clone(), Some(tokens.access_token.clone()))
            };
            let response = transport.send(&spec).await?;
            if response.status() != StatusCode::UNAUTHORIZED {
                return Ok(response);
            }
            let refused = status_error(response, &spec, transport.request_timeout).await;
            if refreshed {
                return Err(refused);
            }
            refreshed = true;
            tracing::info!(%url, key = %self.key, "401: refreshing the access token once");
            tokens = match self.refresh_from(&tokens).await {
                Ok(renewed) => renewed,
                Err(Error::AuthorizationEnded { key, reason }) => {
                    return Err(Error::AuthorizationEnded {
                        key,
                        reason: format!("{refused}; {reason}"),
                    });
                }
                Err(error) => return Err(error),
            };
        }
    }
}
