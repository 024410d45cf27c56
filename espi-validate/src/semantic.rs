//! Semantic checks beyond GBA's data tests, each with a stable `V` id.
//!
//! - `V001` (error): two IntervalBlocks of one MeterReading (same `up` link) overlap in time.
//! - `V002` (warning): consecutive IntervalBlocks of one MeterReading leave a gap.
//! - `V003` (error): an IntervalReading lies (partly) outside its IntervalBlock's `interval`.
//! - `V004` (warning): a duration or ReadingType `intervalLength` looks like milliseconds
//!   (a multiple of 1000 whose thousandth is a usual interval length, e.g. 900000 for 15 minutes).
//! - `V005` (warning): an Authorization's `expires_at` looks like a duration (`expires_in`), not
//!   epoch seconds: it falls before 2000-01-01.
//! - `V006` (error): a LocalTimeParameters' DST rule does not decode to a date (espi-reference
//!   §4.9: month 1–12, hour ≤ 23, seconds ≤ 3599, day of week 1–7, day of month 1–31 and existing
//!   in its month), or its offsets are outside ±86399 s.
//! - `V007` (error): a link does not resolve although the document holds resources of the kind it
//!   should reach: an IntervalBlock whose `up` matches no MeterReading's `related` link, a
//!   MeterReading that reaches no (or several) ReadingTypes or no UsagePoint, a summary outside
//!   every UsagePoint, a customer resource whose parent is missing. A document without any resource
//!   of that kind is a partial response (a single collection, say) and is not reported.

use crate::{Finding, FindingLocation, Severity, ValidationRule};
use espi_model::customer_link::link_customer;
use espi_model::dst::DstRule;
use espi_model::interval::DateTimeInterval;
use espi_model::link::{LinkNode, LinkProblem, link};
use espi_model::local_time_parameters::LocalTimeParameters;
use espi_model::{
    atom::{Document, Entry},
    resource::{Resource, ResourceKind},
};
use std::collections::BTreeMap;

/// The semantic rules.
pub const RULES: &[ValidationRule] = &[
    ValidationRule {
        id: "V001",
        function_block: None,
        severity: Severity::Error,
        summary: "IntervalBlocks of one MeterReading overlap",
    },
    ValidationRule {
        id: "V002",
        function_block: None,
        severity: Severity::Warning,
        summary: "IntervalBlocks of one MeterReading leave a gap",
    },
    ValidationRule {
        id: "V003",
        function_block: None,
        severity: Severity::Error,
        summary: "an IntervalReading lies outside its IntervalBlock's interval",
    },
    ValidationRule {
        id: "V004",
        function_block: None,
        severity: Severity::Warning,
        summary: "a duration looks like milliseconds",
    },
    ValidationRule {
        id: "V005",
        function_block: None,
        severity: Severity::Warning,
        summary: "an Authorization's expires_at looks like a duration, not a date",
    },
    ValidationRule {
        id: "V006",
        function_block: None,
        severity: Severity::Error,
        summary: "a LocalTimeParameters' DST rule or offset does not decode",
    },
    ValidationRule {
        id: "V007",
        function_block: None,
        severity: Severity::Error,
        summary: "a link does not resolve to a resource of the document",
    },
];

/// Usual interval lengths in seconds: if a duration is one of these times 1000, it was likely written in ms.
const USUAL_SECONDS: &[i64] = &[60, 300, 600, 900, 1800, 3600, 7200, 86_400];

/// 2000-01-01T00:00:00Z.
const YEAR_2000: i64 = 946_684_800;

fn looks_like_ms(duration: i64) -> bool {
    duration % 1000 == 0 && USUAL_SECONDS.contains(&(duration / 1000))
}

fn finding(
    id: &'static str,
    message: String,
    entries: &[Entry],
    index: Option<usize>,
    path: String,
) -> Finding {
    let severity = RULES
        .iter()
        .find(|rule| rule.id == id)
        .map_or(Severity::Warning, |rule| rule.severity);
    Finding {
        rule: id,
        function_block: None,
        severity,
        message,
        location: FindingLocation {
            entry_index: index,
            entry_id: index
                .and_then(|i| entries.get(i))
                .and_then(|e| e.meta.id.clone()),
            path,
            line: None,
            column: None,
        },
    }
}

fn entry_path(document: &Document, index: usize, rest: &str) -> String {
    match document {
        Document::Feed(_) => format!("feed/entry[{}]/{rest}", index + 1),
        _ => format!("entry/{rest}"),
    }
}

fn end(interval: &DateTimeInterval) -> Option<i64> {
    Some(interval.start? + i64::from(interval.duration?))
}

/// Runs every semantic check.
pub fn check(document: &Document) -> Vec<Finding> {
    let entries = document.entries();
    let mut out = Vec::new();
    // Blocks grouped by their entry's first up link: (start, end, entry index, block position).
    let mut groups: BTreeMap<&str, Vec<(i64, i64, usize)>> = BTreeMap::new();
    for (index, entry) in entries.iter().enumerate() {
        let up = entry
            .meta
            .links
            .iter()
            .find(|l| l.rel.as_deref() == Some("up"))
            .map(|l| l.href.as_str());
        for resource in &entry.content {
            match resource {
                Resource::IntervalBlock(block) => {
                    let interval = block.interval.as_ref();
                    if let (Some(up), Some(i)) = (up, interval)
                        && let (Some(start), Some(stop)) = (i.start, end(i))
                    {
                        groups.entry(up).or_default().push((start, stop, index));
                    }
                    if let Some(d) = interval.and_then(|i| i.duration)
                        && looks_like_ms(i64::from(d))
                    {
                        let path =
                            entry_path(document, index, "content/IntervalBlock/interval/duration");
                        out.push(finding(
                            "V004",
                            format!(
                                "interval duration {d} s looks like {} s written in milliseconds",
                                d / 1000
                            ),
                            entries,
                            Some(index),
                            path,
                        ));
                    }
                    for (n, reading) in block.interval_reading.iter().enumerate() {
                        let Some(period) = reading.time_period.as_ref() else {
                            continue;
                        };
                        let path = entry_path(
                            document,
                            index,
                            &format!(
                                "content/IntervalBlock/IntervalReading[{}]/timePeriod",
                                n + 1
                            ),
                        );
                        if let Some(d) = period.duration
                            && looks_like_ms(i64::from(d))
                        {
                            out.push(finding("V004", format!("reading duration {d} s looks like {} s written in milliseconds", d / 1000), entries, Some(index), path.clone()));
                        }
                        if let (Some(i), Some(start), Some(stop)) =
                            (interval, period.start, end(period))
                            && let (Some(block_start), Some(block_end)) = (i.start, end(i))
                            && (start < block_start || stop > block_end)
                        {
                            out.push(finding("V003", format!("reading [{start}, {stop}) is outside its block's interval [{block_start}, {block_end})"), entries, Some(index), path));
                        }
                    }
                }
                Resource::ReadingType(rt) => {
                    if let Some(length) = rt.interval_length
                        && looks_like_ms(i64::from(length))
                    {
                        let path =
                            entry_path(document, index, "content/ReadingType/intervalLength");
                        out.push(finding(
                            "V004",
                            format!(
                                "intervalLength {length} s looks like {} s written in milliseconds",
                                length / 1000
                            ),
                            entries,
                            Some(index),
                            path,
                        ));
                    }
                }
                Resource::LocalTimeParameters(parameters) => {
                    for (element, problem) in local_time_problems(parameters) {
                        let path = entry_path(document, index, &format!("content/{element}"));
                        out.push(finding("V006", problem, entries, Some(index), path));
                    }
                }
                Resource::Authorization(auth) => {
                    if let Some(expires) = auth.expires_at
                        && expires < YEAR_2000
                    {
                        let path = entry_path(document, index, "content/Authorization/expires_at");
                        out.push(finding("V005", format!("expires_at {expires} is before 2000-01-01; it looks like a duration in seconds (expires_in), not a date"), entries, Some(index), path));
                    }
                }
                _ => {}
            }
        }
    }
    if let Document::Resource(resource) = document
        && let Resource::LocalTimeParameters(parameters) = resource.as_ref()
    {
        for (element, problem) in local_time_problems(parameters) {
            out.push(finding("V006", problem, entries, None, element.to_owned()));
        }
    }
    if let Document::Resource(resource) = document
        && let Resource::Authorization(auth) = resource.as_ref()
        && let Some(expires) = auth.expires_at.filter(|e| *e < YEAR_2000)
    {
        out.push(finding("V005", format!("expires_at {expires} is before 2000-01-01; it looks like a duration in seconds (expires_in), not a date"), entries, None, "Authorization/expires_at".into()));
    }
    out.extend(unresolved_links(document));
    for (up, mut blocks) in groups {
        blocks.sort_unstable();
        for pair in blocks.windows(2) {
            let ((_, prev_end, prev_index), (start, _, index)) = (pair[0], pair[1]);
            let path = entry_path(document, index, "content/IntervalBlock/interval");
            if start < prev_end {
                out.push(finding("V001", format!("block starting {start} overlaps the block of entry {prev_index} (ends {prev_end}) under {up}"), entries, Some(index), path));
            } else if start > prev_end {
                out.push(finding("V002", format!("{} s gap before the block starting {start} (previous block, entry {prev_index}, ends {prev_end}) under {up}", start - prev_end), entries, Some(index), path));
            }
        }
    }
    out
}

/// Two years, one leap and one not: whether a rule's day exists depends on nothing else.
const PROBE_YEARS: [i32; 2] = [2024, 2025];

/// What does not decode in a LocalTimeParameters, with the element it is about: each
/// rule on its own (a rule may be given without the other), then the offsets once all
/// four are there (the message names which offset).
fn local_time_problems(parameters: &LocalTimeParameters) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let rules = [
        (
            "LocalTimeParameters/dstStartRule",
            parameters.dst_start_rule,
        ),
        ("LocalTimeParameters/dstEndRule", parameters.dst_end_rule),
    ];
    for (field, rule) in rules {
        if let Some(problem) = rule.and_then(rule_problem) {
            out.push((field, problem));
        }
    }
    if out.is_empty()
        && let Some(rules) = parameters.rules()
        && let Err(error) = rules.validate()
    {
        out.push(("LocalTimeParameters", error.to_string()));
    }
    out
}

fn rule_problem(rule: DstRule) -> Option<String> {
    if let Err(error) = rule.validate() {
        return Some(format!("DST rule {rule} does not decode: {error}"));
    }
    PROBE_YEARS.iter().find_map(|&year| {
        rule.transition(year)
            .err()
            .map(|error| format!("DST rule {rule} names no date in {year}: {error}"))
    })
}

/// The usage and customer links that do not resolve, where the document holds
/// resources of the kind they should reach.
fn unresolved_links(document: &Document) -> Vec<Finding> {
    let entries = document.entries();
    let nodes: Vec<LinkNode> = entries.iter().map(LinkNode::from_entry).collect();
    let present = |kind: ResourceKind| nodes.iter().any(|node| node.kind == kind);
    let mut problems: Vec<LinkProblem> = link(&nodes).problems;
    problems.extend(link_customer(&nodes).problems);
    problems.sort_by_key(|problem| problem.entry);
    problems
        .into_iter()
        .filter(|problem| present(problem.target))
        .map(|problem| {
            let path = entry_path(document, problem.entry, "link");
            finding("V007", problem.message, entries, Some(problem.entry), path)
        })
        .collect()
}
