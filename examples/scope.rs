//! Explain an ESPI scope string, and optionally the Ameren access windows of a grant.
//!
//! ```text
//! cargo run --example scope -- [--strict] [--window GRANT] SCOPE
//! cargo run --example scope -- "FB=4_5_15;IntervalDuration=3600;BlockDuration=monthly;HistoryLength=13" --window 2024-03-10
//! ```
//!
//! Prints the lenient parse's warnings (or, with `--strict`, parses strictly and fails on
//! the first deviation), the canonical form and the explanation in the current GBA
//! Function Block numbering. With `--window GRANT` (a date, taken as 00:00 UTC, or an
//! RFC 3339 date-time) it prints the Ameren Illinois Share My Usage windows of a grant at
//! that time, months counted on UTC: the Authorization's publishedPeriod and
//! authorizedPeriod, and the monthly request plan (`published-min`/`published-max` per
//! calendar month: the history up to the grant, then the forward months).

use std::process::ExitCode;

use chrono::{DateTime, NaiveDate};
use espi_auth::MonthClock;
use espi_auth::{Catalogue, Scope};
use espi_auth::{Window, WindowPolicy, monthly_chunks};
use espi_model::interval::DateTimeInterval;

const USAGE: &str = "usage: scope [--strict] [--window GRANT_DATE] SCOPE\n  \
                     GRANT_DATE: YYYY-MM-DD (00:00 UTC) or an RFC 3339 date-time";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(arguments: Vec<String>) -> Result<(), String> {
    let mut strict = false;
    let mut grant = None;
    let mut scope_text = None;
    let mut arguments = arguments.into_iter();
    while let Some(argument) = arguments.next() {
        match argument.as_str() {
            "--strict" => strict = true,
            "--window" => {
                let value = arguments
                    .next()
                    .ok_or_else(|| format!("--window needs a grant date\n{USAGE}"))?;
                grant = Some(parse_grant(&value)?);
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            flag if flag.starts_with("--") => {
                return Err(format!("unknown option `{flag}`\n{USAGE}"));
            }
            _ if scope_text.is_some() => {
                return Err(format!("more than one scope given\n{USAGE}"));
            }
            _ => scope_text = Some(argument),
        }
    }
    let scope_text = scope_text.ok_or_else(|| format!("no scope given\n{USAGE}"))?;

    let scope = if strict {
        Scope::parse_strict(&scope_text).map_err(|e| format!("invalid scope (strict): {e}"))?
    } else {
        let parsed = Scope::parse(&scope_text).map_err(|e| format!("invalid scope: {e}"))?;
        if parsed.warnings.is_empty() {
            println!("Warnings: none");
        } else {
            println!("Warnings:");
            for warning in &parsed.warnings {
                println!("  {warning}");
            }
        }
        parsed.scope
    };
    println!("Canonical: {scope}");
    if let Err(too_long) = scope.check_length() {
        println!("Note: {too_long}");
    }
    println!();
    println!("{}", scope.explain(Catalogue::Current));

    if let Some(grant) = grant {
        println!();
        print_windows(grant)?;
    }
    Ok(())
}

/// A date (00:00 UTC) or an RFC 3339 date-time, as epoch seconds.
fn parse_grant(text: &str) -> Result<i64, String> {
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(date.and_time(chrono::NaiveTime::MIN).and_utc().timestamp());
    }
    DateTime::parse_from_rfc3339(text)
        .map(|at| at.timestamp())
        .map_err(|e| format!("`{text}` is not a date (YYYY-MM-DD) or an RFC 3339 date-time: {e}"))
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

fn print_windows(grant: i64) -> Result<(), String> {
    let clock = MonthClock::Utc;
    let window: Window = WindowPolicy::ameren_share_my_usage()
        .window(grant, &clock)
        .map_err(|e| format!("cannot compute the window: {e}"))?;
    println!(
        "Ameren Illinois Share My Usage, grant at {} (months counted on UTC)",
        rfc3339(grant)
    );
    match window
        .published_period()
        .map_err(|e| format!("publishedPeriod: {e}"))?
    {
        Some(published) => println!("publishedPeriod:  {}", interval_text(&published)),
        None => println!("publishedPeriod:  none (unlimited history)"),
    }
    let authorized = window
        .authorized_period()
        .map_err(|e| format!("authorizedPeriod: {e}"))?;
    println!("authorizedPeriod: {}", interval_text(&authorized));

    println!();
    println!("Monthly request plan (published-min .. published-max):");
    if let Some(start) = window.history_start {
        let history =
            monthly_chunks(&clock, (start, grant)).map_err(|e| format!("history plan: {e}"))?;
        println!(
            "  history ({} requests, available at the grant):",
            history.len()
        );
        for (min, max) in history {
            println!("    {} .. {}", rfc3339(min), rfc3339(max));
        }
    }
    match window.forward_end {
        Some(end) => {
            let forward =
                monthly_chunks(&clock, (grant, end)).map_err(|e| format!("forward plan: {e}"))?;
            println!(
                "  forward ({} requests, each once its month has passed):",
                forward.len()
            );
            for (min, max) in forward {
                println!("    {} .. {}", rfc3339(min), rfc3339(max));
            }
        }
        None => println!("  forward: open-ended, one request per month until revoked"),
    }
    Ok(())
}
