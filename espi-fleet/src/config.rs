//! The fleet's configuration (see [`FleetConfig`]).

use crate::error::Error;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The whole configuration of a fleet's process.
///
/// The fleet's configuration: a TOML file, then the environment.
///
/// ```toml
/// store = "postgres://fleet@db.example/espi"   # or an SQLite file: "fleet.sqlite"
/// worker = "worker-1"                          # default: host name and process id
/// listen = "127.0.0.1:8080"                    # callback, notifications, /metrics
/// public_url = "https://fleet.example"         # how browsers and Data Custodians reach it
/// concurrency = 8                              # syncs at once in this process
///
/// [http]                   # bounds of the endpoints, against hostile clients
/// connections = 256          # served at once; more wait in the listen backlog
/// header_read_timeout_ms = 10000  # to send a request's headers; also the longest idle keep-alive
/// body_read_timeout_ms = 10000    # the longest pause inside a request body
/// write_timeout_ms = 30000   # for a client to take more of a response
/// max_notification_bytes = 1048576
///
/// [schedule]
/// interval_seconds = 86400   # a sync of each authorization a day…
/// jitter = 0.1               # …±10 %, so that they spread out
/// reread_months = 2          # months before the current one read again each time
/// retry_initial_seconds = 60 # after a failure, then doubling…
/// retry_max_seconds = 3600   # …up to this
/// lease_seconds = 60         # a worker that stops renewing loses its work after this
///
/// [[custodian]]
/// name = "ameren"
/// authorization_endpoint = "https://dc.example/oauth/authorize"
/// token_endpoint = "https://dc.example/oauth/token"
/// resource_endpoint = "https://dc.example/DataCustodian/espi/1_1/resource"
/// client_id = "third_party"
/// client_secret_env = "AMEREN_CLIENT_SECRET"   # or client_secret = "…"
/// scope = "FB=1_3_4_5_13_14_39;IntervalDuration=3600;BlockDuration=daily;HistoryLength=24"
/// max_syncs = 4             # syncs at once over the whole fleet
/// ```
///
/// The environment overrides the file: `ESPI_FLEET_STORE`, `ESPI_FLEET_WORKER`,
/// `ESPI_FLEET_LISTEN`, `ESPI_FLEET_PUBLIC_URL`, `ESPI_FLEET_CONCURRENCY`, and for
/// each Data Custodian `ESPI_FLEET_<NAME>_CLIENT_SECRET` (the name in upper case,
/// other characters than letters and digits as `_`). A secret is never read from the
/// file when the environment gives it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct FleetConfig {
    /// Where the state is: a `postgres://` URL or an SQLite file.
    pub store: String,
    /// This worker's name in the lease records.
    #[serde(default = "default_worker")]
    pub worker: String,
    /// Where the HTTP endpoints listen; none when unset.
    #[serde(default)]
    pub listen: Option<SocketAddr>,
    /// The URL under which browsers and Data Custodians reach `listen` (the callback
    /// and notification URIs are made from it); `http://{listen}` when unset.
    #[serde(default)]
    pub public_url: Option<String>,
    /// Syncs at once in this process.
    #[serde(default = "default_concurrency")]
    pub concurrency: u32,
    /// Delete a customer's data when the authorization ends (kept by default).
    #[serde(default)]
    pub delete_on_revocation: bool,
    /// The bounds of the HTTP endpoints.
    #[serde(default)]
    pub http: HttpConfig,
    /// When and how often.
    #[serde(default)]
    pub schedule: ScheduleConfig,
    /// The Data Custodians.
    #[serde(default, rename = "custodian")]
    pub custodians: Vec<CustodianConfig>,
}

/// The bounds of the HTTP endpoints (callback, notifications, `/metrics`), which
/// face the Internet: see [`espi_serve::serve`] and [`espi_serve::read_body`].
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct HttpConfig {
    /// Connections served at once; more wait in the listen backlog.
    pub connections: usize,
    /// How long a client may take to send a request's headers, milliseconds; also
    /// the longest an idle kept-alive connection stays open.
    pub header_read_timeout_ms: u64,
    /// The longest pause between two pieces of a request body, milliseconds.
    pub body_read_timeout_ms: u64,
    /// How long a response may wait for the client to take more of it, milliseconds.
    pub write_timeout_ms: u64,
    /// The largest notification body accepted, bytes.
    pub max_notification_bytes: usize,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            connections: 256,
            header_read_timeout_ms: 10_000,
            body_read_timeout_ms: 10_000,
            write_timeout_ms: 30_000,
            max_notification_bytes: 1 << 20,
        }
    }
}

impl HttpConfig {
    /// The server loop's bounds.
    pub fn serve_limits(&self) -> espi_serve::ServeLimits {
        espi_serve::ServeLimits::new(
            self.connections,
            Duration::from_millis(self.header_read_timeout_ms),
            Duration::from_millis(self.write_timeout_ms),
        )
    }

    /// The longest pause inside a request body.
    pub fn body_read_timeout(&self) -> Duration {
        Duration::from_millis(self.body_read_timeout_ms)
    }
}

/// When authorizations are synced (see [`FleetConfig`]).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct ScheduleConfig {
    /// Seconds between scheduled syncs of one authorization.
    pub interval_seconds: u64,
    /// The share (0–1) of the interval by which each sync moves at random.
    pub jitter: f64,
    /// Months before the current one read again on every sync.
    pub reread_months: u32,
    /// The wait after a first failure, seconds; it doubles with each failure.
    pub retry_initial_seconds: u64,
    /// The longest wait after failures, seconds.
    pub retry_max_seconds: u64,
    /// How long a lease lasts unless renewed, seconds (renewed every third of it).
    pub lease_seconds: u64,
    /// How often an idle worker looks for due work, milliseconds.
    pub poll_ms: u64,
}

impl Default for ScheduleConfig {
    fn default() -> Self {
        ScheduleConfig {
            interval_seconds: 86_400,
            jitter: 0.1,
            reread_months: 2,
            retry_initial_seconds: 60,
            retry_max_seconds: 3_600,
            lease_seconds: 60,
            poll_ms: 1_000,
        }
    }
}

/// One Data Custodian (see [`FleetConfig`]).
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CustodianConfig {
    /// Its name in the fleet (URLs, metrics, the store's schedules).
    pub name: String,
    /// `authorizationServerAuthorizationEndpoint`.
    pub authorization_endpoint: String,
    /// `authorizationServerTokenEndpoint`.
    pub token_endpoint: String,
    /// `dataCustodianResourceEndpoint`.
    pub resource_endpoint: String,
    /// The registered client id.
    pub client_id: String,
    /// The client secret (prefer `client_secret_env` or the environment).
    #[serde(default)]
    pub client_secret: Option<String>,
    /// The environment variable holding the client secret.
    #[serde(default)]
    pub client_secret_env: Option<String>,
    /// The scope asked for in authorization requests.
    pub scope: String,
    /// The registered redirect URI; `{public_url}/callback/{name}` when unset.
    #[serde(default)]
    pub redirect_uri: Option<String>,
    /// Syncs at once over the whole fleet.
    #[serde(default = "default_max_syncs")]
    pub max_syncs: u32,
    /// A mutual-TLS identity: certificate chain and key in one PEM file.
    #[serde(default)]
    pub identity_pem: Option<PathBuf>,
    /// Root certificates to trust besides the built-in ones (PEM).
    #[serde(default)]
    pub root_certificates_pem: Option<PathBuf>,
    /// Attempts per request (retries of 429, 5xx and network failures).
    #[serde(default = "default_attempts")]
    pub retry_attempts: u32,
    /// The first retry's wait, milliseconds (it doubles).
    #[serde(default = "default_retry_initial_ms")]
    pub retry_initial_ms: u64,
    /// The longest retry wait, milliseconds.
    #[serde(default = "default_retry_max_ms")]
    pub retry_max_ms: u64,
    /// Server failures in a row after which every worker pauses this Data Custodian.
    #[serde(default = "default_failure_threshold")]
    pub failure_threshold: u32,
}

impl std::fmt::Debug for CustodianConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CustodianConfig")
            .field("name", &self.name)
            .field("resource_endpoint", &self.resource_endpoint)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "[redacted]"),
            )
            .field("client_secret_env", &self.client_secret_env)
            .field("scope", &self.scope)
            .field("max_syncs", &self.max_syncs)
            .finish_non_exhaustive()
    }
}

fn default_worker() -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .map(|name| name.trim().to_owned())
        .ok()
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "worker".to_owned());
    format!("{host}-{}", std::process::id())
}
fn default_concurrency() -> u32 {
    8
}
fn default_max_syncs() -> u32 {
    4
}
fn default_attempts() -> u32 {
    6
}
fn default_retry_initial_ms() -> u64 {
    500
}
fn default_retry_max_ms() -> u64 {
    30_000
}
fn default_failure_threshold() -> u32 {
    3
}

impl FleetConfig {
    /// Reads the file at `path`, then applies the environment.
    pub fn load(path: &Path) -> Result<FleetConfig, Error> {
        let text = std::fs::read_to_string(path)
            .map_err(|error| Error::Config(format!("reading {}: {error}", path.display())))?;
        let mut config = FleetConfig::parse(&text)
            .map_err(|error| Error::Config(format!("{}: {error}", path.display())))?;
        config.apply_env(|name| std::env::var(name).ok())?;
        Ok(config)
    }

    /// Parses TOML text (the environment is not read).
    ///
    /// ```
    /// let config = espi_fleet::FleetConfig::parse(r#"
    ///     store = "fleet.sqlite"
    ///     [[custodian]]
    ///     name = "sandbox"
    ///     authorization_endpoint = "http://127.0.0.1:1/DataCustodian/oauth/authorize"
    ///     token_endpoint = "http://127.0.0.1:1/DataCustodian/oauth/token"
    ///     resource_endpoint = "http://127.0.0.1:1/DataCustodian/espi/1_1/resource"
    ///     client_id = "third_party"
    ///     client_secret = "secret"
    ///     scope = "FB=4_5_15"
    /// "#)?;
    /// assert_eq!(config.custodians[0].max_syncs, 4);
    /// assert!(!format!("{config:?}").contains("\"secret\""));
    /// # Ok::<(), espi_fleet::Error>(())
    /// ```
    pub fn parse(text: &str) -> Result<FleetConfig, Error> {
        let config: FleetConfig =
            toml::from_str(text).map_err(|error| Error::Config(error.to_string()))?;
        config.check()?;
        Ok(config)
    }

    /// Applies the environment variables `lookup` finds (see
    /// [`FleetConfig`]).
    pub fn apply_env(&mut self, lookup: impl Fn(&str) -> Option<String>) -> Result<(), Error> {
        if let Some(store) = lookup("ESPI_FLEET_STORE") {
            self.store = store;
        }
        if let Some(worker) = lookup("ESPI_FLEET_WORKER") {
            self.worker = worker;
        }
        if let Some(listen) = lookup("ESPI_FLEET_LISTEN") {
            self.listen = Some(listen.parse().map_err(|_| {
                Error::Config(format!(
                    "ESPI_FLEET_LISTEN {listen:?} is not an address:port"
                ))
            })?);
        }
        if let Some(url) = lookup("ESPI_FLEET_PUBLIC_URL") {
            self.public_url = Some(url);
        }
        if let Some(concurrency) = lookup("ESPI_FLEET_CONCURRENCY") {
            self.concurrency = concurrency.parse().map_err(|_| {
                Error::Config(format!(
                    "ESPI_FLEET_CONCURRENCY {concurrency:?} is not a number"
                ))
            })?;
        }
        for custodian in &mut self.custodians {
            let variable = format!("ESPI_FLEET_{}_CLIENT_SECRET", env_name(&custodian.name));
            if let Some(secret) = lookup(&variable) {
                custodian.client_secret = Some(secret);
            } else if let Some(variable) = &custodian.client_secret_env {
                custodian.client_secret = Some(lookup(variable).ok_or_else(|| {
                    Error::Config(format!(
                        "custodian {}: client_secret_env names {variable}, which is not set",
                        custodian.name
                    ))
                })?);
            }
        }
        self.check()
    }

    /// The URL browsers and Data Custodians reach the endpoints at.
    pub fn public_url(&self) -> Option<String> {
        self.public_url
            .clone()
            .or_else(|| self.listen.map(|address| format!("http://{address}")))
            .map(|url| url.trim_end_matches('/').to_owned())
    }

    /// The lease duration.
    pub fn lease(&self) -> Duration {
        Duration::from_secs(self.schedule.lease_seconds.max(1))
    }

    fn check(&self) -> Result<(), Error> {
        let problem = |text: String| Err(Error::Config(text));
        if self.store.trim().is_empty() {
            return problem("store is empty; give a postgres:// URL or an SQLite file".into());
        }
        if self.concurrency == 0 {
            return problem("concurrency must be at least 1".into());
        }
        if self.http.connections == 0 {
            return problem("http.connections must be at least 1".into());
        }
        if !(0.0..=1.0).contains(&self.schedule.jitter) {
            return problem(format!(
                "schedule.jitter {} is not between 0 and 1",
                self.schedule.jitter
            ));
        }
        let mut names: Vec<&str> = Vec::new();
        for custodian in &self.custodians {
            let name = custodian.name.as_str();
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                return problem(format!(
                    "custodian name {name:?}: use letters, digits, - and _ (it appears in URLs)"
                ));
            }
            if names.contains(&name) {
                return problem(format!("custodian {name} appears twice"));
            }
            if custodian.max_syncs == 0 {
                return problem(format!("custodian {name}: max_syncs must be at least 1"));
            }
            names.push(name);
        }
        Ok(())
    }
}

/// A name as it appears in environment variables.
fn env_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"
        store = "fleet.sqlite"
        [schedule]
        interval_seconds = 3600
        [[custodian]]
        name = "dc-1"
        authorization_endpoint = "http://127.0.0.1:1/a"
        token_endpoint = "http://127.0.0.1:1/t"
        resource_endpoint = "http://127.0.0.1:1/r"
        client_id = "id"
        client_secret_env = "DC_SECRET"
        scope = "FB=4_5_15"
    "#;

    #[test]
    fn the_environment_overrides_the_file() {
        let mut config = FleetConfig::parse(TEXT).expect("parses");
        assert_eq!(config.schedule.interval_seconds, 3600);
        assert_eq!(config.schedule.lease_seconds, 60, "defaults fill the rest");
        let env = |name: &str| match name {
            "ESPI_FLEET_STORE" => Some("postgres://db/fleet".to_owned()),
            "ESPI_FLEET_LISTEN" => Some("127.0.0.1:9000".to_owned()),
            "DC_SECRET" => Some("from-env".to_owned()),
            _ => None,
        };
        config.apply_env(env).expect("applies");
        assert_eq!(config.store, "postgres://db/fleet");
        assert_eq!(
            config.public_url().as_deref(),
            Some("http://127.0.0.1:9000")
        );
        assert_eq!(
            config.custodians[0].client_secret.as_deref(),
            Some("from-env")
        );
        let direct =
            |name: &str| (name == "ESPI_FLEET_DC_1_CLIENT_SECRET").then(|| "direct".to_owned());
        config.apply_env(direct).expect("applies");
        assert_eq!(
            config.custodians[0].client_secret.as_deref(),
            Some("direct")
        );
    }

    #[test]
    fn mistakes_are_named() {
        let missing = FleetConfig::parse(TEXT)
            .expect("parses")
            .apply_env(|_| None)
            .expect_err("the secret's variable is unset");
        assert!(missing.to_string().contains("DC_SECRET"), "{missing}");
        let unknown = FleetConfig::parse("store = \"x\"\nstores = 1").expect_err("unknown key");
        assert!(unknown.to_string().contains("stores"), "{unknown}");
        let twice = TEXT.to_owned() + &TEXT[TEXT.find("[[custodian]]").expect("a custodian")..];
        assert!(FleetConfig::parse(&twice).is_err());
    }
}
