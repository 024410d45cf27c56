//! The state every handler shares.

use crate::config::SandboxConfig;
use crate::data::DataStore;
use crate::faults::FaultState;
use crate::grants::AuthStore;
use crate::request_log::RequestLog;
use std::sync::{Mutex, RwLock};

/// Path of the Data Custodian under the server root (as OpenESPI's).
pub const DATA_CUSTODIAN: &str = "/DataCustodian";
/// Path of the ESPI resources under the Data Custodian (`/espi/1_1/resource` for every
/// ESPI version: the path of GBA's OpenAPI description and of OpenESPI).
pub const RESOURCE_PATH: &str = "/espi/1_1/resource";

/// What the handlers share: configuration, the data, the authorization server's
/// records and the fault dice. Locks are held briefly and never across an await.
pub struct Shared {
    /// The configuration the sandbox was started with.
    pub config: SandboxConfig,
    /// `http://127.0.0.1:PORT/DataCustodian`.
    pub base: String,
    /// The retail customers' data, in the sandbox's own URL space.
    pub data: RwLock<DataStore>,
    /// Applications, authorizations, codes and tokens.
    pub auth: Mutex<AuthStore>,
    /// Fault injection state (dice, poll counters).
    pub faults: Mutex<FaultState>,
    /// For notification POSTs.
    pub http: reqwest::Client,
    /// The resource requests served, when recorded.
    pub requests: Mutex<RequestLog>,
}

impl Shared {
    /// The current time, epoch seconds, from the configured clock.
    pub fn now(&self) -> i64 {
        self.config.clock.now()
    }

    /// `http://127.0.0.1:PORT/DataCustodian/espi/1_1/resource`.
    pub fn resource_base(&self) -> String {
        format!("{}{RESOURCE_PATH}", self.base)
    }
}

/// Locks that a panicking handler poisoned are still usable: the data they guard is
/// only ever replaced whole.
pub fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Read access to an `RwLock` (see [`lock`]).
pub fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Write access to an `RwLock` (see [`lock`]).
pub fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
