//! The settings of a pull: a config file, the environment, the command line.

use super::Failure;
use espi_client::Secret;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

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

/// Where a pull's settings come from, besides the environment.
#[derive(Debug, Clone, Default, clap::Parser)]
#[command(name = "pull")]
pub struct PullArgs {
    /// A file of `key = value` settings (`#` starts a comment line); `ESPI_<KEY>`
    /// environment variables win over it.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Where everything is kept: an SQLite file (default espi-pull.sqlite) or a
    /// postgres:// URL; wins over the `store` setting.
    #[arg(long, value_name = "FILE|URL")]
    pub store: Option<String>,
    /// After the sync, write the subscription from the store to this file: an ESPI
    /// feed (.xml) or CSV (.csv); wins over the `export` setting.
    #[arg(long, value_name = "FILE.xml|FILE.csv")]
    pub export: Option<PathBuf>,
}

/// Everything a pull needs. `Debug` is not derived: two fields are secrets.
pub(super) struct Settings {
    pub(super) endpoints: [String; 3],
    pub(super) client_id: String,
    pub(super) client_secret: Secret,
    pub(super) redirect_uri: String,
    pub(super) scope: String,
    pub(super) client_certificate: Option<PathBuf>,
    pub(super) client_key: Option<PathBuf>,
    pub(super) root_certificates: Option<PathBuf>,
    pub(super) store: String,
    pub(super) refresh_token: Option<Secret>,
    pub(super) subscription: Option<String>,
    pub(super) authorization_scope: Option<String>,
    pub(super) export: Option<PathBuf>,
}

impl Settings {
    /// The settings of `--config`, the environment, `--store` and `--export`.
    pub(super) fn load(args: &PullArgs) -> Result<Settings, Failure> {
        let mut values = match &args.config {
            Some(path) => read_config(path)?,
            None => HashMap::new(),
        };
        for key in KEYS {
            if let Ok(value) = std::env::var(format!("ESPI_{}", key.to_uppercase())) {
                values.insert(key.to_owned(), value);
            }
        }
        if let Some(store) = &args.store {
            values.insert("store".to_owned(), store.clone());
        }
        if let Some(export) = &args.export {
            values.insert("export".to_owned(), export.display().to_string());
        }
        Settings::from_values(values)
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
