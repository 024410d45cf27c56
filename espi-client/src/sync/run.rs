//! The run: [`sync_subscription`] reads the context, then each month not yet done,
//! and commits each month's whole response with its record.

use super::plan::{PlannedMonth, SyncOptions, block_lookahead, plan_months, sync_window};
use super::store::{SyncBatch, SyncStore, readings_of};
use crate::client::Session;
use crate::error::{Error, Result};
use crate::ids::UsagePointId;
use crate::resources::ResourcePath;
use crate::token::GrantedScope;
use espi_auth::Query;
use espi_model::atom::Entry;
use espi_model::date_time::format_utc;
use std::collections::BTreeSet;
use url::Url;

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
    /// Months skipped because an earlier run covered them whole (and they are not
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
    /// What the run could not use, in plain words (a granted scope that does not
    /// parse).
    pub notes: Vec<String>,
}

/// Syncs the subscription of `session`'s token into `store`: month by month over the
/// window the program and the authorization permit, resumable, idempotent, and
/// re-reading the recent months.
///
/// # The window
///
/// The window to sync intersects:
///
/// - the program's policy (Ameren Share My Usage by default: 24 calendar months back
///   from the grant, 24 forward), applied with espi-auth's
///   [`WindowPolicy::window`](espi_auth::WindowPolicy::window) to the grant
///   instant and cut at `now` (data after now does not exist yet);
/// - the scope's `HistoryLength`, counted back from the grant;
/// - the Authorization resource, when given: its `publishedPeriod` start, the end of
///   its `authorizedPeriod`, and its status (a revoked authorization has nothing left
///   to sync).
///
/// The grant instant is the Authorization's `authorizedPeriod` start, or else when the
/// code was exchanged ([`TokenSet::granted_at`](crate::TokenSet::granted_at)).
///
/// # Two clocks
///
/// The grant instant may come from the Data Custodian's clock and `now` from the
/// client's; they differ. Up to [`SyncOptions::clock_skew`] (five minutes by default)
/// costs nothing: a `now` that far before the grant is taken as the grant; the window
/// asks for that much more history and that much past `now` (the Data Custodian
/// clamps a request to what it permits, so asking a little more is harmless, while
/// data never asked for is lost); and a request is taken to cover its range only up
/// to `now` less the skew (the settled instant), so data the Data Custodian did
/// not have yet is asked for again.
///
/// # The requests
///
/// The window is cut into calendar months with espi-auth's
/// [`monthly_chunks`](espi_auth::monthly_chunks). Each month is one `GET
/// Batch/Subscription/{id}` with `published-min` = the month's start and
/// `published-max` = its end **plus a look-ahead**: a Data Custodian selects an
/// IntervalBlock only when its whole interval lies within the bounds (NAESB REQ.21's
/// query parameters), so a block that starts in one month and ends in the next (a
/// monthly block starting on the 9th, as GBA's own sample has) would fall between two
/// month-sized requests and never be delivered. The look-ahead is the scope's longest
/// `BlockDuration` (daily 1 day, weekly 7, monthly and billingPeriod 35, seasonal 92;
/// 35 days when the scope names none), or [`SyncOptions::block_lookahead`]. Blocks in
/// the look-ahead are delivered twice; the store keeps them once.
///
/// # Progress: the range covered, not the calendar month
///
/// A month's entries are read to the end of the response (every page) before anything
/// is written; then [`SyncStore::commit`] stores them together with the month's
/// [`MonthRecord`](crate::MonthRecord), in one step. The record says how far the
/// request covered ([`MonthRecord::covered_until`](crate::MonthRecord::covered_until)):
/// the month's end plus the look-ahead, unless `now`
/// or the window's end cut it. A month is done only once a request covering its whole
/// range completed (the month's plan); until then every run reads it
/// again, so a block crossing the month's end that had not ended at fetch time is
/// requested once it has. A response cut off, a failed request, a revoked
/// authorization: the month in progress is not written and not recorded, and the next
/// run reads it again. Entries are keyed by their `self` link and readings by
/// (MeterReading, start), so a month delivered twice leaves one copy.
///
/// Each run also re-reads the last [`SyncOptions::reread_months`] calendar months (2 by
/// default) and the month in progress even when done, because utilities correct
/// recent data (Ameren's program page recommends it).
///
/// Before the months, the run reads the context that month requests may not carry
/// (entries that are not IntervalBlocks are selected by their own `published` date):
/// the UsagePoints, their MeterReadings, and the ReadingTypes and LocalTimeParameters
/// they link to, through the resource-level endpoints. A Data Custodian that does not
/// serve them (403, 404) only costs the context; the report says so.
///
/// # Errors
///
/// On failure the error is [`Error::SyncStopped`] naming the month and how many
/// months this run committed; the store holds the responses of those months and the
/// records of the ranges they covered, nothing of the month it stopped in.
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
    let granted = options
        .authorization
        .as_ref()
        .and_then(|authorization| authorization.scope.clone())
        .map(GrantedScope::new)
        .or_else(|| tokens.scope.clone());
    let mut notes = Vec::new();
    let scope = match granted.as_ref().map(GrantedScope::scope) {
        Some(Ok(scope)) => Some(scope),
        Some(Err(error)) => {
            let note = format!(
                "the granted scope is not an ESPI scope ({error}): its HistoryLength and \
                 BlockDuration do not narrow the window and the look-ahead"
            );
            tracing::warn!(%subscription, "{note}");
            notes.push(note);
            None
        }
        None => None,
    };
    let window = sync_window(options, grant, scope, now)?;
    let lookahead = options
        .block_lookahead
        .unwrap_or_else(|| block_lookahead(scope));
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
        notes,
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
                let batch = SyncBatch {
                    entries,
                    fetched_at: session.client().now(),
                    month: None,
                };
                store.commit(&subscription, batch).await?;
            }
            Err(error) if error.is_authorization_ended() => {
                return Err(stopped(&subscription, None, &report, error));
            }
            Err(error) => report.context_notes.push(error.to_string()),
        }
    }
    let records = store.month_records(&subscription).await?;
    for month in months {
        if !month.recent && month.is_covered_by(&records) {
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
        let fetched_at = session.client().now();
        let record = month.record(entries.len() as u64, readings, fetched_at);
        report.entries += record.entries;
        report.readings += readings;
        let batch = SyncBatch {
            entries,
            fetched_at,
            month: Some(record),
        };
        store.commit(&subscription, batch).await?;
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
            |month| format!("the month starting {}", format_utc(month.start)),
        ),
        months_committed: report.months_fetched,
        source: Box::new(error),
    }
}

/// Reads one month to the end, retrying a broken response.
async fn fetch_month(
    session: &Session,
    url: &Url,
    month: &PlannedMonth,
    options: &SyncOptions,
    report: &mut SyncReport,
) -> Result<Vec<Entry>> {
    let query = Query::new().published_between(month.request_min, month.request_max);
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
    let Some(ResourcePath::BatchSubscription { subscription_id }) = ResourcePath::parse(&relative)
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
    let usage_points = ResourcePath::UsagePoints {
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
            .map(|segment| UsagePointId::new(crate::ids::decoded(segment)));
        linked.extend(related_shared(&point));
        entries.push(point);
        let Some(usage_point_id) = usage_point_id else {
            continue;
        };
        let meter_readings = ResourcePath::MeterReadings {
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
    path: &ResourcePath,
    attempts: u32,
    retries: &mut u32,
    notes: &mut Vec<String>,
) -> Result<Option<Vec<Entry>>> {
    let url = session.client().resource_url(path)?;
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
