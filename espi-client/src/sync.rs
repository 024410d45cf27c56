//! Syncing one subscription: month by month over the window the program and the
//! authorization permit, resumable, idempotent, and re-reading the recent months.
//!
//! # The window
//!
//! [`sync_window`] intersects:
//!
//! - the program's policy (Ameren Share My Usage by default: 24 calendar months back
//!   from the grant, 24 forward), applied with espi-auth's [`WindowPolicy::window`] to
//!   the grant instant and cut at `now` (data after now does not exist yet);
//! - the scope's `HistoryLength`, counted back from the grant;
//! - the Authorization resource, when given: its `publishedPeriod` start, the end of
//!   its `authorizedPeriod`, and its status (a revoked authorization has nothing left
//!   to sync).
//!
//! The grant instant is the Authorization's `authorizedPeriod` start, or else when the
//! code was exchanged ([`TokenSet::granted_at`](crate::TokenSet::granted_at)).
//!
//! # The requests
//!
//! The window is cut into calendar months with espi-auth's [`monthly_chunks`]. Each
//! month is one `GET Batch/Subscription/{id}` with `published-min` = the month's start
//! and `published-max` = its end **plus a look-ahead**: a Data Custodian selects an
//! IntervalBlock only when its whole interval lies within the bounds (espi-reference
//! §1.6), so a block that starts in one month and ends in the next (a monthly block
//! starting on the 9th, as GBA's own sample has) would fall between two month-sized
//! requests and never be delivered. The look-ahead is the scope's longest
//! `BlockDuration` (daily 1 day, weekly 7, monthly and billingPeriod 35, seasonal 92;
//! 35 days when the scope names none), or [`SyncOptions::block_lookahead`]. Blocks
//! in the look-ahead are delivered twice; the store keeps them once.
//!
//! # Commit, resume, re-read
//!
//! A month's entries are read to the end of the response (every page) before anything
//! is written; then [`SyncStore::commit`] stores them and records the month complete,
//! in one step. A response cut off, a failed request, a revoked authorization: the
//! month in progress is not written and not recorded, and the next run starts again
//! from the first month not recorded. Entries are keyed by their `self` link and
//! readings by (MeterReading, start), so a month delivered twice leaves one copy.
//!
//! Each run re-reads the last [`SyncOptions::reread_months`] calendar months (2 by
//! default) and the month in progress even when recorded, because utilities correct
//! recent data (Ameren's program page recommends it).
//!
//! Before the months, the run reads the context that month requests may not carry
//! (entries that are not IntervalBlocks are selected by their own `published` date):
//! the UsagePoints, their MeterReadings, and the ReadingTypes and LocalTimeParameters
//! they link to, through the resource-level endpoints. A Data Custodian that does not
//! serve them (403, 404) only costs the context; the report says so.

use crate::client::Session;
use crate::error::{Error, Result, StoreError};
use crate::query::Query;
use crate::resources::Endpoint;
use espi_auth::calendar::MonthClock;
use espi_auth::scope::{NamedFrequency, Period};
use espi_auth::window::{WindowPolicy, monthly_chunks};
use espi_model::authorization::Authorization;
use espi_model::code_list::AuthorizationStatus;
use espi_model::{Entry, Resource, ResourceKind};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Mutex;
use url::Url;

const DAY: i64 = 86_400;

/// How to sync.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SyncOptions {
    /// The program's window rules (Ameren Share My Usage by default).
    pub policy: WindowPolicy,
    /// The clock months are counted on (UTC by default; the utility's local clock
    /// from its LocalTimeParameters where months must follow it).
    pub month_clock: MonthClock,
    /// Calendar months before the current one re-read on every run (2 by default).
    pub reread_months: u32,
    /// The Authorization resource of the grant, when the caller could read it (it
    /// takes a client or Data Custodian token, espi-reference §1.3).
    pub authorization: Option<Authorization>,
    /// The subscription to sync; when `None`, the feed of the subscription the token's
    /// `resourceURI` names ([`TokenSet::subscription_feed`](crate::TokenSet::subscription_feed),
    /// which reads GBA's `…/resource/Subscription/{id}` form too), else `resourceURI` as
    /// given.
    pub subscription_uri: Option<String>,
    /// Seconds added to each month's `published-max` so that blocks crossing the
    /// month's end are delivered; from the scope's `BlockDuration` when `None`.
    pub block_lookahead: Option<i64>,
    /// Read the UsagePoints, MeterReadings, ReadingTypes and LocalTimeParameters
    /// first (on by default).
    pub fetch_context: bool,
    /// Attempts per month when its response breaks off or fails in a retryable way
    /// (each request has its own retries as well).
    pub month_attempts: u32,
    /// The earliest instant to sync, for a policy without a history limit.
    pub earliest: Option<i64>,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            policy: WindowPolicy::ameren_share_my_usage(),
            month_clock: MonthClock::Utc,
            reread_months: 2,
            authorization: None,
            subscription_uri: None,
            block_lookahead: None,
            fetch_context: true,
            month_attempts: 3,
            earliest: None,
        }
    }
}

impl SyncOptions {
    /// The default options.
    pub fn new() -> SyncOptions {
        SyncOptions::default()
    }

    /// Uses the Authorization resource's periods and status.
    pub fn with_authorization(mut self, authorization: Authorization) -> SyncOptions {
        self.authorization = Some(authorization);
        self
    }

    /// Re-reads this many months before the current one on every run.
    pub fn with_reread_months(mut self, months: u32) -> SyncOptions {
        self.reread_months = months;
        self
    }

    /// Another program policy.
    pub fn with_policy(mut self, policy: WindowPolicy) -> SyncOptions {
        self.policy = policy;
        self
    }

    /// Syncs nothing before `earliest` (epoch seconds).
    pub fn with_earliest(mut self, earliest: i64) -> SyncOptions {
        self.earliest = Some(earliest);
        self
    }

    /// Reads a broken month up to `attempts` times.
    pub fn with_month_attempts(mut self, attempts: u32) -> SyncOptions {
        self.month_attempts = attempts.max(1);
        self
    }

    /// Turns the context requests on or off.
    pub fn with_context(mut self, fetch_context: bool) -> SyncOptions {
        self.fetch_context = fetch_context;
        self
    }
}

/// The span to sync, `[start, end)` in epoch seconds, and where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncWindow {
    /// The first instant.
    pub start: i64,
    /// The end (exclusive): now, or the end of the authorization.
    pub end: i64,
    /// The grant instant the window is counted from.
    pub grant: i64,
}

/// The window to sync at `now` (see the [module documentation](self)).
///
/// ```
/// use espi_auth::calendar::MonthClock;
/// use espi_auth::window::WindowPolicy;
/// use espi_client::sync::sync_window;
///
/// // Granted 2014-03-01 with HistoryLength=13 (months): from 2013-02-01 to now.
/// let grant = 1_393_632_000;
/// let window = sync_window(
///     &WindowPolicy::ameren_share_my_usage(),
///     &MonthClock::Utc,
///     grant,
///     Some("FB=1_3_4_5_13_14_39;HistoryLength=13"),
///     None,
///     None,
///     grant + 3600,
/// )?;
/// assert_eq!((window.start, window.end), (1_359_676_800, grant + 3600));
/// # Ok::<(), espi_client::Error>(())
/// ```
pub fn sync_window(
    policy: &WindowPolicy,
    clock: &MonthClock,
    grant: i64,
    scope: Option<&str>,
    authorization: Option<&Authorization>,
    earliest: Option<i64>,
    now: i64,
) -> Result<SyncWindow> {
    if let Some(authorization) = authorization
        && matches!(
            authorization.status,
            Some(AuthorizationStatus::Revoked | AuthorizationStatus::Denied)
        )
    {
        return Err(Error::AuthorizationEnded {
            key: authorization.authorization_uri.clone().unwrap_or_default(),
            reason: format!(
                "the Authorization resource's status is {:?}",
                authorization.status
            ),
        });
    }
    let window = policy
        .window(grant, clock)
        .map_err(|error| Error::Window(format!("the program's window: {error}")))?;
    let (history_start, mut end) = window
        .permitted(None, None, now)
        .map_err(|reason| Error::Window(format!("nothing may be read at {now}: {reason}")))?;
    let mut floors: Vec<i64> = history_start.into_iter().chain(earliest).collect();
    if let Some(scope) = scope
        && let Ok(parsed) = espi_auth::Scope::parse(scope)
        && let Some(history) = parsed.scope.history_length
    {
        if let Some(seconds) = history.seconds() {
            floors.push(grant.saturating_sub(i64::try_from(seconds).unwrap_or(i64::MAX)));
        } else if let Some(months) = history.months() {
            let months = i32::try_from(months).unwrap_or(i32::MAX);
            if let Ok(floor) = MonthClock::Utc.add_months(grant, -months) {
                floors.push(floor);
            }
        }
    }
    if let Some(authorization) = authorization {
        if let Some(start) = authorization
            .published_period
            .as_ref()
            .and_then(|period| period.start)
        {
            floors.push(start);
        }
        if let Some(period) = &authorization.authorized_period
            && period.duration.is_some_and(|duration| duration > 0)
            && let Some(period_end) = period.end()
        {
            end = end.min(period_end);
        }
    }
    let start = floors.into_iter().max().ok_or_else(|| {
        Error::Window(
            "the policy has no history limit and no earliest instant was given (SyncOptions::earliest)"
                .to_owned(),
        )
    })?;
    Ok(SyncWindow {
        start,
        end: end.max(start),
        grant,
    })
}

/// The look-ahead for a scope: its longest `BlockDuration` (see the
/// [module documentation](self)).
///
/// ```
/// use espi_client::sync::block_lookahead;
/// assert_eq!(block_lookahead(Some("FB=4_5;BlockDuration=daily")), 86_400);
/// assert_eq!(block_lookahead(Some("FB=4_5;BlockDuration=daily_monthly")), 35 * 86_400);
/// assert_eq!(block_lookahead(None), 35 * 86_400);
/// ```
pub fn block_lookahead(scope: Option<&str>) -> i64 {
    let default = 35 * DAY;
    let Some(parsed) = scope.and_then(|scope| espi_auth::Scope::parse(scope).ok()) else {
        return default;
    };
    parsed
        .scope
        .block_duration
        .iter()
        .map(|period| match period {
            Period::Seconds(seconds) => i64::try_from(*seconds).unwrap_or(default),
            Period::Named(NamedFrequency::Daily) => DAY,
            Period::Named(NamedFrequency::Weekly) => 7 * DAY,
            Period::Named(NamedFrequency::Monthly | NamedFrequency::BillingPeriod) => 35 * DAY,
            Period::Named(NamedFrequency::Seasonal) => 92 * DAY,
        })
        .max()
        .unwrap_or(default)
}

/// One month of the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlannedMonth {
    /// The month's part of the window, `[start, end)`.
    pub start: i64,
    /// The end (exclusive).
    pub end: i64,
    /// The `published-max` sent: the end plus the look-ahead, within the window.
    pub request_max: i64,
    /// Whether the month is re-read even when recorded complete.
    pub recent: bool,
}

/// The months of a window, with the look-ahead and the recent stretch applied.
pub fn plan_months(
    clock: &MonthClock,
    window: &SyncWindow,
    lookahead: i64,
    reread_months: u32,
    now: i64,
) -> Result<Vec<PlannedMonth>> {
    let chunks = monthly_chunks(clock, (window.start, window.end))
        .map_err(|error| Error::Window(format!("cutting the window into months: {error}")))?;
    let month_error = |error| Error::Window(format!("month arithmetic: {error}"));
    let this_month = clock
        .next_month_start(now)
        .and_then(|next| clock.add_months(next, -1))
        .map_err(month_error)?;
    let recent_from = clock
        .add_months(
            this_month,
            -i32::try_from(reread_months).unwrap_or(i32::MAX),
        )
        .map_err(month_error)?;
    Ok(chunks
        .into_iter()
        .map(|(start, end)| PlannedMonth {
            start,
            end,
            request_max: end.saturating_add(lookahead.max(0)).min(window.end),
            recent: start >= recent_from,
        })
        .collect())
}

/// A month recorded complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthRecord {
    /// The month's part of the window, `[start, end)`.
    pub start: i64,
    /// The end (exclusive).
    pub end: i64,
    /// Entries the month's response carried.
    pub entries: u64,
    /// Interval readings among them.
    pub readings: u64,
    /// When it was read, on the client's clock.
    pub fetched_at: i64,
}

/// What [`SyncStore::commit`] writes in one step.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    /// The entries read (whole responses only).
    pub entries: Vec<Entry>,
    /// The month to record complete with them; `None` for context entries and
    /// notification deltas.
    pub month: Option<MonthRecord>,
}

/// Where synced data is kept. Implementations must write a [`Batch`] as one unit: the
/// month is recorded only together with its entries. Keying entries with
/// [`entry_key`] and readings with [`readings_of`] makes re-delivery idempotent.
///
/// Like [`TokenStore`](crate::TokenStore) it is synchronous; see that trait's note on
/// blocking.
pub trait SyncStore: Send + Sync {
    /// The months recorded complete for `subscription` (its resource URI).
    fn completed_months(&self, subscription: &str) -> Result<Vec<MonthRecord>, StoreError>;
    /// Writes `batch` for `subscription`.
    fn commit(&self, subscription: &str, batch: Batch) -> Result<(), StoreError>;
}

/// The key of an entry: its `self` link, else its Atom id.
pub fn entry_key(entry: &Entry) -> Option<String> {
    entry
        .meta
        .self_href()
        .map(str::to_owned)
        .or_else(|| entry.meta.id.clone())
}

/// Where a reading sits: its own start, or its position in a block without times.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ReadingPosition {
    /// The reading's `timePeriod` start, epoch seconds.
    At(i64),
    /// The block's start and the reading's index (no `timePeriod`).
    InBlock(i64, usize),
}

/// One interval reading as a sync store keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredReading {
    /// The MeterReading the block belongs to (its `self` href as the Data Custodian
    /// writes it).
    pub meter_reading: String,
    /// Where the reading sits.
    pub position: ReadingPosition,
    /// The reading's duration, seconds.
    pub duration: Option<u32>,
    /// The raw value (× 10^powerOfTenMultiplier of the ReadingType's unit).
    pub value: Option<i64>,
    /// The cost in 1/100 000 of the currency.
    pub cost: Option<i64>,
    /// The IntervalBlock entry it came in.
    pub block: String,
}

impl StoredReading {
    /// The start, when the reading has one.
    pub fn start(&self) -> Option<i64> {
        match self.position {
            ReadingPosition::At(start) => Some(start),
            ReadingPosition::InBlock(..) => None,
        }
    }

    /// The end, when the reading has a start and a duration.
    pub fn end(&self) -> Option<i64> {
        Some(self.start()? + i64::from(self.duration?))
    }
}

/// The readings of an IntervalBlock entry (none for other entries).
pub fn readings_of(entry: &Entry) -> Vec<StoredReading> {
    let Some(Resource::IntervalBlock(block)) = entry.resource() else {
        return Vec::new();
    };
    let block_key = entry_key(entry).unwrap_or_default();
    let meter_reading = meter_reading_of(entry).unwrap_or_else(|| block_key.clone());
    let block_start = block
        .interval
        .as_ref()
        .and_then(|interval| interval.start)
        .unwrap_or(0);
    block
        .interval_reading
        .iter()
        .enumerate()
        .map(|(index, reading)| {
            let period = reading.time_period.as_ref();
            StoredReading {
                meter_reading: meter_reading.clone(),
                position: match period.and_then(|period| period.start) {
                    Some(start) => ReadingPosition::At(start),
                    None => ReadingPosition::InBlock(block_start, index),
                },
                duration: period.and_then(|period| period.duration),
                value: reading.value,
                cost: reading.cost,
                block: block_key.clone(),
            }
        })
        .collect()
}

/// The MeterReading of an IntervalBlock entry: its `up` link (the MeterReading's
/// IntervalBlock collection) without the last segment, else its `self` link without
/// the last two.
fn meter_reading_of(entry: &Entry) -> Option<String> {
    if let Some(up) = entry.meta.up_href() {
        let trimmed = up.trim_end_matches('/');
        return Some(
            trimmed
                .strip_suffix("/IntervalBlock")
                .unwrap_or(trimmed)
                .to_owned(),
        );
    }
    let own = entry.meta.self_href()?.trim_end_matches('/');
    let (collection, _) = own.rsplit_once('/')?;
    let (meter_reading, _) = collection.rsplit_once('/')?;
    Some(meter_reading.to_owned())
}

/// Totals of the stored readings, to compare with a source file's facts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadingTotals {
    /// Readings.
    pub count: u64,
    /// The sum of their raw values.
    pub sum: i64,
    /// The earliest start.
    pub first_start: Option<i64>,
    /// The latest end.
    pub last_end: Option<i64>,
}

#[derive(Debug, Default)]
struct Subscription {
    entries: BTreeMap<String, Entry>,
    readings: BTreeMap<(String, ReadingPosition), StoredReading>,
    /// The reading keys each block put in, so that a corrected block replaces its
    /// readings.
    block_readings: HashMap<String, Vec<(String, ReadingPosition)>>,
    months: BTreeMap<(i64, i64), MonthRecord>,
    commits: u64,
    redelivered: u64,
}

/// A [`SyncStore`] in memory.
#[derive(Debug, Default)]
pub struct MemorySyncStore {
    subscriptions: Mutex<HashMap<String, Subscription>>,
}

impl MemorySyncStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Subscription>> {
        // Every commit is applied whole under the lock, so a poisoned lock still
        // guards consistent data.
        self.subscriptions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The subscriptions stored.
    pub fn subscriptions(&self) -> Vec<String> {
        let mut keys: Vec<String> = self.lock().keys().cloned().collect();
        keys.sort();
        keys
    }

    /// Every entry stored for `subscription`, by key.
    pub fn entries(&self, subscription: &str) -> Vec<Entry> {
        self.lock()
            .get(subscription)
            .map(|stored| stored.entries.values().cloned().collect())
            .unwrap_or_default()
    }

    /// Every entry stored for `subscription` as one feed, in key order: link it with
    /// `espi_model::link::link_entries` and read it with
    /// `espi_model::reading::flat_readings` for scaled values in their units.
    pub fn document(&self, subscription: &str) -> espi_model::Document {
        espi_model::Document::Feed(espi_model::Feed {
            entries: self.entries(subscription),
            ..espi_model::Feed::default()
        })
    }

    /// Every reading stored for `subscription`, by MeterReading and position.
    pub fn readings(&self, subscription: &str) -> Vec<StoredReading> {
        self.lock()
            .get(subscription)
            .map(|stored| stored.readings.values().cloned().collect())
            .unwrap_or_default()
    }

    /// The totals of the readings of `subscription`.
    pub fn totals(&self, subscription: &str) -> ReadingTotals {
        let mut totals = ReadingTotals::default();
        for reading in self.readings(subscription) {
            totals.count += 1;
            totals.sum = totals.sum.saturating_add(reading.value.unwrap_or(0));
            if let Some(start) = reading.start() {
                totals.first_start = Some(totals.first_start.map_or(start, |s| s.min(start)));
            }
            if let Some(end) = reading.end() {
                totals.last_end = Some(totals.last_end.map_or(end, |e| e.max(end)));
            }
        }
        totals
    }

    /// How many entries arrived again after they were stored (and replaced their
    /// earlier copy), over all commits.
    pub fn redelivered(&self, subscription: &str) -> u64 {
        self.lock()
            .get(subscription)
            .map_or(0, |stored| stored.redelivered)
    }

    /// Commits written for `subscription`.
    pub fn commits(&self, subscription: &str) -> u64 {
        self.lock()
            .get(subscription)
            .map_or(0, |stored| stored.commits)
    }
}

impl SyncStore for MemorySyncStore {
    fn completed_months(&self, subscription: &str) -> Result<Vec<MonthRecord>, StoreError> {
        Ok(self
            .lock()
            .get(subscription)
            .map(|stored| stored.months.values().copied().collect())
            .unwrap_or_default())
    }

    fn commit(&self, subscription: &str, batch: Batch) -> Result<(), StoreError> {
        let mut subscriptions = self.lock();
        let stored = subscriptions.entry(subscription.to_owned()).or_default();
        for entry in batch.entries {
            let Some(key) = entry_key(&entry) else {
                continue;
            };
            if let Some(old_keys) = stored.block_readings.remove(&key) {
                for old in old_keys {
                    stored.readings.remove(&old);
                }
            }
            let readings = readings_of(&entry);
            if !readings.is_empty() {
                let keys: Vec<(String, ReadingPosition)> = readings
                    .iter()
                    .map(|reading| (reading.meter_reading.clone(), reading.position.clone()))
                    .collect();
                for (reading_key, reading) in keys.iter().cloned().zip(readings) {
                    stored.readings.insert(reading_key, reading);
                }
                stored.block_readings.insert(key.clone(), keys);
            }
            if stored.entries.insert(key, entry).is_some() {
                stored.redelivered += 1;
            }
        }
        if let Some(month) = batch.month {
            stored.months.insert((month.start, month.end), month);
        }
        stored.commits += 1;
        Ok(())
    }
}

/// What a sync run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SyncReport {
    /// The subscription (its resource URI).
    pub subscription: String,
    /// The window synced, `[start, end)`.
    pub window: Option<(i64, i64)>,
    /// Months in the plan.
    pub months_planned: u32,
    /// Months read and committed in this run.
    pub months_fetched: u32,
    /// Months skipped because an earlier run recorded them (and they are not
    /// recent).
    pub months_skipped: u32,
    /// Months read again after a broken or failed response.
    pub month_retries: u32,
    /// Entries committed in this run (context included).
    pub entries: u64,
    /// Interval readings committed in this run.
    pub readings: u64,
    /// Context entries committed.
    pub context_entries: u64,
    /// Why context could not be read, when it could not.
    pub context_notes: Vec<String>,
}

/// Syncs the subscription of `session`'s token into `store` (see the
/// [module documentation](self)).
///
/// On failure the error is [`Error::SyncStopped`] naming the month and how many
/// months this run committed; the store holds exactly the months recorded complete.
pub async fn sync_subscription(
    session: &Session,
    store: &dyn SyncStore,
    options: &SyncOptions,
) -> Result<SyncReport> {
    let tokens = session.tokens().await?;
    let subscription = options
        .subscription_uri
        .clone()
        .or_else(|| tokens.subscription_feed())
        .or_else(|| tokens.resource_uri.clone())
        .ok_or_else(|| {
            Error::Window(
                "the token has no resourceURI; set SyncOptions::subscription_uri".to_owned(),
            )
        })?;
    let url = Url::parse(&subscription).map_err(|error| Error::InvalidUrl {
        url: subscription.clone(),
        reason: error.to_string(),
    })?;
    session.client().check_resource_url(&url)?;
    let now = session.client().now();
    let grant = options
        .authorization
        .as_ref()
        .and_then(|authorization| authorization.authorized_period.as_ref())
        .and_then(|period| period.start)
        .unwrap_or(tokens.granted_at);
    let scope = options
        .authorization
        .as_ref()
        .and_then(|authorization| authorization.scope.clone())
        .or_else(|| tokens.scope.clone());
    let window = sync_window(
        &options.policy,
        &options.month_clock,
        grant,
        scope.as_deref(),
        options.authorization.as_ref(),
        options.earliest,
        now,
    )?;
    let lookahead = options
        .block_lookahead
        .unwrap_or_else(|| block_lookahead(scope.as_deref()));
    let months = plan_months(
        &options.month_clock,
        &window,
        lookahead,
        options.reread_months,
        now,
    )?;
    let mut report = SyncReport {
        subscription: subscription.clone(),
        window: Some((window.start, window.end)),
        months_planned: u32::try_from(months.len()).unwrap_or(u32::MAX),
        ..SyncReport::default()
    };
    tracing::info!(
        %subscription,
        start = window.start,
        end = window.end,
        months = months.len(),
        "sync planned"
    );
    if options.fetch_context {
        match fetch_context(
            session,
            &url,
            options.month_attempts,
            &mut report.month_retries,
        )
        .await
        {
            Ok((entries, notes)) => {
                report.context_entries = entries.len() as u64;
                report.entries += entries.len() as u64;
                report.context_notes = notes;
                store.commit(
                    &subscription,
                    Batch {
                        entries,
                        month: None,
                    },
                )?;
            }
            Err(error) if error.is_authorization_ended() => {
                return Err(stopped(&subscription, None, &report, error));
            }
            Err(error) => report.context_notes.push(error.to_string()),
        }
    }
    let completed: BTreeSet<(i64, i64)> = store
        .completed_months(&subscription)?
        .into_iter()
        .map(|month| (month.start, month.end))
        .collect();
    for month in months {
        if !month.recent && completed.contains(&(month.start, month.end)) {
            report.months_skipped += 1;
            continue;
        }
        let entries = match fetch_month(session, &url, &month, options, &mut report).await {
            Ok(entries) => entries,
            Err(error) => return Err(stopped(&subscription, Some(&month), &report, error)),
        };
        let readings: u64 = entries
            .iter()
            .map(|entry| readings_of(entry).len() as u64)
            .sum();
        let record = MonthRecord {
            start: month.start,
            end: month.end,
            entries: entries.len() as u64,
            readings,
            fetched_at: session.client().now(),
        };
        report.entries += record.entries;
        report.readings += readings;
        store.commit(
            &subscription,
            Batch {
                entries,
                month: Some(record),
            },
        )?;
        report.months_fetched += 1;
        tracing::info!(%subscription, start = month.start, entries = record.entries, readings, "month committed");
    }
    Ok(report)
}

/// The error for a run that stopped.
fn stopped(
    subscription: &str,
    month: Option<&PlannedMonth>,
    report: &SyncReport,
    error: Error,
) -> Error {
    Error::SyncStopped {
        subscription: subscription.to_owned(),
        at: month.map_or_else(
            || "the context requests".to_owned(),
            |month| format!("the month starting {}", utc_text(month.start)),
        ),
        months_committed: report.months_fetched,
        source: Box::new(error),
    }
}

/// `YYYY-MM-DDThh:mm:ssZ` for messages.
fn utc_text(seconds: i64) -> String {
    chrono::DateTime::from_timestamp(seconds, 0).map_or_else(
        || seconds.to_string(),
        |at| at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    )
}

/// Reads one month to the end, retrying a broken response.
async fn fetch_month(
    session: &Session,
    url: &Url,
    month: &PlannedMonth,
    options: &SyncOptions,
    report: &mut SyncReport,
) -> Result<Vec<Entry>> {
    let query = Query::new().published_between(month.start, month.request_max);
    read_whole(
        session,
        url,
        &query,
        options.month_attempts,
        &mut report.month_retries,
    )
    .await
}

/// Every entry of a response, read to its end; a response that breaks off or fails
/// in a retryable way is read again from the start, up to `attempts` times.
async fn read_whole(
    session: &Session,
    url: &Url,
    query: &Query,
    attempts: u32,
    retries: &mut u32,
) -> Result<Vec<Entry>> {
    let attempts = attempts.max(1);
    let policy = session.client().config().retry;
    let mut attempt = 0;
    loop {
        attempt += 1;
        match read_all(session, url, query).await {
            Ok(entries) => return Ok(entries),
            Err(error) if error.is_retryable() && attempt < attempts => {
                *retries += 1;
                let delay = policy.delay(attempt, None, crate::retry::jitter_draw());
                tracing::warn!(%url, attempt, %error, ?delay, "response failed; reading it again");
                tokio::time::sleep(delay).await;
            }
            Err(error) => return Err(error),
        }
    }
}

/// Every entry of a response, read to its end.
async fn read_all(session: &Session, url: &Url, query: &Query) -> Result<Vec<Entry>> {
    let mut feed = session.get_url(url, query).await?;
    let mut entries = Vec::new();
    while let Some(entry) = feed.next().await {
        entries.push(entry?);
    }
    Ok(entries)
}

/// The UsagePoints, their MeterReadings, and the ReadingTypes and
/// LocalTimeParameters they link to; notes for what could not be read.
async fn fetch_context(
    session: &Session,
    subscription: &Url,
    attempts: u32,
    retries: &mut u32,
) -> Result<(Vec<Entry>, Vec<String>)> {
    let client = session.client();
    let base = client.config().endpoints.resource.clone();
    let relative = subscription
        .path()
        .strip_prefix(base.path())
        .unwrap_or_default()
        .to_owned();
    let Some(Endpoint::BatchSubscription { subscription_id }) = Endpoint::parse_path(&relative)
    else {
        return Ok((
            Vec::new(),
            vec![format!(
                "{subscription} is not a Batch/Subscription URI; no context read"
            )],
        ));
    };
    let mut notes = Vec::new();
    let mut entries = Vec::new();
    let usage_points = Endpoint::UsagePoints {
        subscription_id: subscription_id.clone(),
    };
    let points = match tolerant(session, &usage_points, attempts, retries, &mut notes).await? {
        Some(points) => points,
        None => return Ok((entries, notes)),
    };
    let mut linked: BTreeSet<String> = BTreeSet::new();
    for point in points {
        let usage_point_id = point
            .meta
            .self_href()
            .and_then(|href| href.trim_end_matches('/').rsplit('/').next())
            .map(str::to_owned);
        linked.extend(related_shared(&point));
        entries.push(point);
        let Some(usage_point_id) = usage_point_id else {
            continue;
        };
        let meter_readings = Endpoint::MeterReadings {
            subscription_id: subscription_id.clone(),
            usage_point_id,
        };
        if let Some(readings) =
            tolerant(session, &meter_readings, attempts, retries, &mut notes).await?
        {
            for reading in readings {
                linked.extend(related_shared(&reading));
                entries.push(reading);
            }
        }
    }
    for href in linked {
        let Ok(url) = Url::parse(&href) else {
            notes.push(format!("{href} is not an absolute URL; not read"));
            continue;
        };
        if let Err(error) = client.check_resource_url(&url) {
            notes.push(error.to_string());
            continue;
        }
        match read_whole(session, &url, &Query::new(), attempts, retries).await {
            Ok(mut read) => entries.append(&mut read),
            Err(error) if error.is_authorization_ended() => return Err(error),
            Err(error) => notes.push(error.to_string()),
        }
    }
    Ok((entries, notes))
}

/// Reads an endpoint whole; a refusal (403, 404, 405) becomes a note.
async fn tolerant(
    session: &Session,
    endpoint: &Endpoint,
    attempts: u32,
    retries: &mut u32,
    notes: &mut Vec<String>,
) -> Result<Option<Vec<Entry>>> {
    let url = session.client().endpoint_url(endpoint);
    match read_whole(session, &url, &Query::new(), attempts, retries).await {
        Ok(entries) => Ok(Some(entries)),
        Err(error) if matches!(error.status(), Some(403..=405)) => {
            notes.push(error.to_string());
            Ok(None)
        }
        Err(error) => Err(error),
    }
}

/// The `related` links of an entry that name a ReadingType or LocalTimeParameters.
fn related_shared(entry: &Entry) -> Vec<String> {
    entry
        .meta
        .links_with_rel("related")
        .filter(|href| {
            let path = href.split(['?', '#']).next().unwrap_or_default();
            let mut segments = path.trim_end_matches('/').rsplit('/');
            let _id = segments.next();
            matches!(segments.next(), Some("ReadingType" | "LocalTimeParameters"))
        })
        .map(str::to_owned)
        .collect()
}

/// Whether an entry carries interval data.
pub fn is_interval_block(entry: &Entry) -> bool {
    entry.resource().map(Resource::kind) == Some(ResourceKind::IntervalBlock)
}

#[cfg(test)]
mod tests {
    use super::*;
    use espi_model::Link;
    use espi_model::atom::Metadata;
    use espi_model::interval::DateTimeInterval;
    use espi_model::interval_block::{IntervalBlock, IntervalReading};

    /// 2014-03-01T00:00:00Z.
    const NOW: i64 = 1_393_632_000;

    #[test]
    fn the_window_is_the_narrowest_of_policy_scope_and_authorization() {
        let ameren = WindowPolicy::ameren_share_my_usage();
        // Ameren alone: 24 months back from the grant.
        let window = sync_window(&ameren, &MonthClock::Utc, NOW, None, None, None, NOW + 10)
            .expect("a window");
        assert_eq!((window.start, window.end), (1_330_560_000, NOW + 10)); // 2012-03-01
        // HistoryLength in seconds: 30 days.
        let window = sync_window(
            &ameren,
            &MonthClock::Utc,
            NOW,
            Some("FB=4;HistoryLength=2592000"),
            None,
            None,
            NOW,
        )
        .expect("a window");
        assert_eq!(window.start, NOW - 2_592_000);
        // The Authorization's publishedPeriod and authorizedPeriod.
        let authorization = Authorization {
            published_period: Some(DateTimeInterval::new(NOW - 86_400 * 10, 86_400 * 10)),
            authorized_period: Some(DateTimeInterval::new(NOW, 3600)),
            status: Some(AuthorizationStatus::Active),
            ..Authorization::default()
        };
        let window = sync_window(
            &ameren,
            &MonthClock::Utc,
            NOW,
            None,
            Some(&authorization),
            None,
            NOW + 7200,
        );
        // The authorized period ended an hour after the grant: the policy says so too
        // only through the authorization, so the window ends there.
        let window = window.expect("a window");
        assert_eq!((window.start, window.end), (NOW - 864_000, NOW + 3600));
        let revoked = Authorization {
            status: Some(AuthorizationStatus::Revoked),
            ..authorization
        };
        assert!(
            sync_window(
                &ameren,
                &MonthClock::Utc,
                NOW,
                None,
                Some(&revoked),
                None,
                NOW
            )
            .expect_err("revoked")
            .is_authorization_ended()
        );
        // Unlimited history needs an earliest instant.
        let open = WindowPolicy::open_ended();
        assert!(matches!(
            sync_window(&open, &MonthClock::Utc, NOW, None, None, None, NOW),
            Err(Error::Window(_))
        ));
        let window = sync_window(&open, &MonthClock::Utc, NOW, None, None, Some(NOW - 5), NOW)
            .expect("a window");
        assert_eq!(window.start, NOW - 5);
    }

    #[test]
    fn months_carry_the_lookahead_and_the_recent_flag() {
        // 2013-11-15 to 2014-02-10.
        let window = SyncWindow {
            start: 1_384_473_600,
            end: 1_391_990_400,
            grant: 0,
        };
        let months = plan_months(&MonthClock::Utc, &window, DAY, 1, window.end).expect("a plan");
        let starts: Vec<i64> = months.iter().map(|month| month.start).collect();
        assert_eq!(
            starts,
            [1_384_473_600, 1_385_856_000, 1_388_534_400, 1_391_212_800]
        );
        assert_eq!(months[0].end, 1_385_856_000);
        assert_eq!(months[0].request_max, 1_385_856_000 + DAY);
        // The last month's look-ahead stops at the window's end.
        assert_eq!(months[3].request_max, window.end);
        // One month before February is recent: January and February.
        let recent: Vec<bool> = months.iter().map(|month| month.recent).collect();
        assert_eq!(recent, [false, false, true, true]);
        assert_eq!(block_lookahead(Some("FB=4;BlockDuration=3600")), 3600);
        assert_eq!(
            block_lookahead(Some("FB=4;BlockDuration=seasonal_daily")),
            92 * DAY
        );
    }

    fn block(self_href: &str, up: &str, start: i64, values: &[i64]) -> Entry {
        Entry {
            meta: Metadata {
                links: vec![Link::new("self", self_href), Link::new("up", up)],
                ..Metadata::default()
            },
            content: vec![Resource::IntervalBlock(IntervalBlock {
                interval: Some(DateTimeInterval::new(start, 60 * values.len() as u32)),
                interval_reading: values
                    .iter()
                    .zip(0..)
                    .map(|(&value, minute)| IntervalReading {
                        time_period: Some(DateTimeInterval::new(start + 60 * minute, 60)),
                        value: Some(value),
                        ..IntervalReading::default()
                    })
                    .collect(),
                ..IntervalBlock::default()
            })],
            ..Entry::default()
        }
    }

    #[test]
    fn redelivery_replaces_and_never_duplicates() {
        let store = MemorySyncStore::new();
        let up = "https://dc/r/Subscription/1/UsagePoint/1/MeterReading/1/IntervalBlock";
        let first = block(&format!("{up}/1"), up, 0, &[1, 2, 3]);
        let second = block(&format!("{up}/2"), up, 180, &[4]);
        store
            .commit(
                "s",
                Batch {
                    entries: vec![first.clone(), second.clone()],
                    month: None,
                },
            )
            .expect("commit");
        // A corrected first block with one reading less, delivered again.
        let corrected = block(&format!("{up}/1"), up, 0, &[10, 20]);
        let month = MonthRecord {
            start: 0,
            end: 1000,
            entries: 2,
            readings: 3,
            fetched_at: 5,
        };
        store
            .commit(
                "s",
                Batch {
                    entries: vec![corrected, second],
                    month: Some(month),
                },
            )
            .expect("commit");
        let totals = store.totals("s");
        assert_eq!(totals.count, 3);
        assert_eq!(totals.sum, 34);
        assert_eq!((totals.first_start, totals.last_end), (Some(0), Some(240)));
        assert_eq!(store.redelivered("s"), 2);
        assert_eq!(store.completed_months("s").expect("months"), [month]);
        assert_eq!(store.entries("s").len(), 2);
        let readings = store.readings("s");
        assert_eq!(
            readings[0].meter_reading,
            "https://dc/r/Subscription/1/UsagePoint/1/MeterReading/1"
        );
        assert!(is_interval_block(&store.entries("s")[0]));
    }

    #[test]
    fn readings_without_times_are_kept_by_position() {
        let mut entry = block(
            "https://dc/r/x/MeterReading/2/IntervalBlock/9",
            "",
            100,
            &[5, 6],
        );
        entry
            .meta
            .links
            .retain(|link| link.rel.as_deref() == Some("self"));
        if let Some(Resource::IntervalBlock(block)) = entry.content.first_mut() {
            for reading in &mut block.interval_reading {
                reading.time_period = None;
            }
        }
        let readings = readings_of(&entry);
        assert_eq!(readings[1].position, ReadingPosition::InBlock(100, 1));
        assert_eq!(readings[1].meter_reading, "https://dc/r/x/MeterReading/2");
        assert_eq!(readings[1].start(), None);
    }
}
