//! The output of `espi scope`: what an ESPI scope grants, in the current GBA Function
//! Block numbering, and the Ameren Illinois Share My Usage windows of a grant.
//!
//! ```
//! let mut out = Vec::new();
//! espi_cli::scope::explain(&mut out, "FB=4_5_15;IntervalDuration=3600", false, None)?;
//! let text = String::from_utf8(out)?;
//! assert!(text.contains("Canonical: FB=4_5_15;IntervalDuration=3600"), "{text}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::Error;
use chrono::{DateTime, NaiveDate};
use espi_auth::{Catalogue, MonthClock, Scope, Window, WindowPolicy, monthly_chunks};
use espi_model::interval::DateTimeInterval;
use std::io::Write;

/// Writes onto `out` the lenient parse's warnings (or, when `strict`, parses strictly
/// and fails on the first deviation), the canonical form and the explanation of
/// `scope_text`; with a `grant` instant (epoch seconds, see [`parse_grant`]), the
/// Ameren Illinois Share My Usage windows of a grant at that time, months counted on
/// UTC: the Authorization's publishedPeriod and authorizedPeriod, and the monthly
/// request plan.
///
/// # Errors
///
/// [`Error::Invalid`] when the scope does not parse, [`Error::Write`] when `out` fails.
pub fn explain(
    out: &mut dyn Write,
    scope_text: &str,
    strict: bool,
    grant: Option<i64>,
) -> Result<(), Error> {
    let scope = if strict {
        Scope::parse_strict(scope_text)
            .map_err(|e| Error::Invalid(format!("invalid scope (strict): {e}")))?
    } else {
        let parsed =
            Scope::parse(scope_text).map_err(|e| Error::Invalid(format!("invalid scope: {e}")))?;
        if parsed.warnings.is_empty() {
            writeln!(out, "Warnings: none").map_err(Error::Write)?;
        } else {
            writeln!(out, "Warnings:").map_err(Error::Write)?;
            for warning in &parsed.warnings {
                writeln!(out, "  {warning}").map_err(Error::Write)?;
            }
        }
        parsed.scope
    };
    writeln!(out, "Canonical: {scope}").map_err(Error::Write)?;
    if let Err(too_long) = scope.check_length() {
        writeln!(out, "Note: {too_long}").map_err(Error::Write)?;
    }
    writeln!(out, "\n{}", scope.explain(Catalogue::Current)).map_err(Error::Write)?;
    if let Some(grant) = grant {
        writeln!(out).map_err(Error::Write)?;
        print_windows(out, grant)?;
    }
    Ok(())
}

/// A grant instant given as a date (taken as 00:00 UTC) or an RFC 3339 date-time, as
/// epoch seconds.
///
/// # Errors
///
/// [`Error::Invalid`] when `text` is neither.
pub fn parse_grant(text: &str) -> Result<i64, Error> {
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(date.and_time(chrono::NaiveTime::MIN).and_utc().timestamp());
    }
    DateTime::parse_from_rfc3339(text)
        .map(|at| at.timestamp())
        .map_err(|e| {
            Error::Invalid(format!(
                "`{text}` is not a date (YYYY-MM-DD) or an RFC 3339 date-time: {e}"
            ))
        })
}

fn rfc3339(instant: i64) -> String {
    espi_model::date_time::format_utc(instant)
}

fn interval_text(interval: &DateTimeInterval) -> String {
    match (interval.start, interval.duration) {
        (Some(start), Some(0)) => format!("{} onwards (duration 0: open-ended)", rfc3339(start)),
        (Some(start), Some(duration)) => format!(
            "{} to {} (start {start}, duration {duration} s)",
            rfc3339(start),
            rfc3339(start + i64::from(duration))
        ),
        _ => "incomplete interval".to_string(),
    }
}

fn print_windows(out: &mut dyn Write, grant: i64) -> Result<(), Error> {
    let clock = MonthClock::Utc;
    let invalid = |what: &str, e: &dyn std::fmt::Display| Error::Invalid(format!("{what}: {e}"));
    let window: Window = WindowPolicy::ameren_share_my_usage()
        .window(grant, &clock)
        .map_err(|e| invalid("cannot compute the window", &e))?;
    let published = window
        .published_period()
        .map_err(|e| invalid("publishedPeriod", &e))?;
    let authorized = window
        .authorized_period()
        .map_err(|e| invalid("authorizedPeriod", &e))?;
    let history = match window.history_start {
        Some(start) => {
            Some(monthly_chunks(&clock, (start, grant)).map_err(|e| invalid("history plan", &e))?)
        }
        None => None,
    };
    let forward = match window.forward_end {
        Some(end) => {
            Some(monthly_chunks(&clock, (grant, end)).map_err(|e| invalid("forward plan", &e))?)
        }
        None => None,
    };
    let write = |out: &mut dyn Write| -> std::io::Result<()> {
        writeln!(
            out,
            "Ameren Illinois Share My Usage, grant at {} (months counted on UTC)",
            rfc3339(grant)
        )?;
        match published {
            Some(published) => writeln!(out, "publishedPeriod:  {}", interval_text(&published))?,
            None => writeln!(out, "publishedPeriod:  none (unlimited history)")?,
        }
        writeln!(out, "authorizedPeriod: {}", interval_text(&authorized))?;
        writeln!(out)?;
        writeln!(
            out,
            "Monthly request plan (published-min .. published-max):"
        )?;
        if let Some(history) = &history {
            writeln!(
                out,
                "  history ({} requests, available at the grant):",
                history.len()
            )?;
            for (min, max) in history {
                writeln!(out, "    {} .. {}", rfc3339(*min), rfc3339(*max))?;
            }
        }
        match &forward {
            Some(forward) => {
                writeln!(
                    out,
                    "  forward ({} requests, each once its month has passed):",
                    forward.len()
                )?;
                for (min, max) in forward {
                    writeln!(out, "    {} .. {}", rfc3339(*min), rfc3339(*max))?;
                }
            }
            None => writeln!(
                out,
                "  forward: open-ended, one request per month until revoked"
            )?,
        }
        Ok(())
    };
    write(out).map_err(Error::Write)
}
