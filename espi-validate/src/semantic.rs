//! Semantic checks beyond GBA's data tests, each with a stable `V` id.
//!
//! - `V001` (error): two IntervalBlocks of one MeterReading (same `up` link) overlap in time.
//! - `V002` (warning): consecutive IntervalBlocks of one MeterReading leave a gap.
//! - `V003` (error): an IntervalReading lies (partly) outside its IntervalBlock's `interval`.
//! - `V004` (warning): a duration or ReadingType `intervalLength` looks like milliseconds
//!   (a multiple of 1000 whose thousandth is a usual interval length, e.g. 900000 for 15 minutes).
//! - `V005` (warning): an Authorization's `expires_at` looks like a duration (`expires_in`), not
//!   epoch seconds: it falls before 2000-01-01.
//! - `V006` (error): a LocalTimeParameters' DST rule does not decode to a date
//!   ([`DstRule::validate`](espi_model::dst::DstRule::validate): month 1–12, hour ≤ 23, seconds ≤ 3599, day of week 1–7, day of month 1–31 and existing
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

fn finding(id: &'static str, message: String, index: Option<usize>, path: String) -> Finding {
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
            entry_id: None,
            path,
            line: None,
            column: None,
        },
    }
}

fn end(interval: &DateTimeInterval) -> Option<i64> {
    Some(interval.start? + i64::from(interval.duration?))
}

/// Runs every semantic check.
pub fn check(document: &Document) -> Vec<Finding> {
    let mut collector = crate::Collector::of_document(document);
    let mut findings = collector.semantic.finish();
    collector.place(&mut findings);
    findings
}

/// What the semantic checks need of a document, gathered entry by entry: the findings
/// about one entry alone as it goes by, and for the checks across entries each
/// IntervalBlock's interval under its MeterReading and each entry's links.
#[derive(Debug, Clone, Default)]
pub(crate) struct Facts {
    /// Whether the root is `atom:feed` (entry paths start `feed/entry[n]`).
    is_feed: bool,
    findings: Vec<Finding>,
    /// Block intervals grouped by their entry's first up link: (start, end, entry index).
    groups: BTreeMap<String, Vec<(i64, i64, usize)>>,
    nodes: Vec<LinkNode>,
}

impl Facts {
    /// Facts for a document whose root is `atom:feed` (`is_feed`) or not.
    pub(crate) fn new(is_feed: bool) -> Self {
        Facts {
            is_feed,
            ..Facts::default()
        }
    }

    fn entry_path(&self, index: usize, rest: &str) -> String {
        if self.is_feed {
            format!("feed/entry[{}]/{rest}", index + 1)
        } else {
            format!("entry/{rest}")
        }
    }

    /// The next entry, the `index`th.
    pub(crate) fn add_entry(&mut self, index: usize, entry: &Entry) {
        self.nodes.push(LinkNode::from_entry(entry));
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
                        let group = match self.groups.get_mut(up) {
                            Some(group) => group,
                            None => self.groups.entry(up.to_owned()).or_default(),
                        };
                        group.push((start, stop, index));
                    }
                    if let Some(d) = interval.and_then(|i| i.duration)
                        && looks_like_ms(i64::from(d))
                    {
                        let path =
                            self.entry_path(index, "content/IntervalBlock/interval/duration");
                        self.findings.push(finding(
                            "V004",
                            format!(
                                "interval duration {d} s looks like {} s written in milliseconds",
                                d / 1000
                            ),
                            Some(index),
                            path,
                        ));
                    }
                    for (n, reading) in block.interval_reading.iter().enumerate() {
                        let Some(period) = reading.time_period.as_ref() else {
                            continue;
                        };
                        let ms = period.duration.filter(|&d| looks_like_ms(i64::from(d)));
                        let outside = match (interval, period.start, end(period)) {
                            (Some(i), Some(start), Some(stop)) => match (i.start, end(i)) {
                                (Some(block_start), Some(block_end))
                                    if start < block_start || stop > block_end =>
                                {
                                    Some((start, stop, block_start, block_end))
                                }
                                _ => None,
                            },
                            _ => None,
                        };
                        // Most readings are fine: their path is built only when needed.
                        if ms.is_none() && outside.is_none() {
                            continue;
                        }
                        let path = self.entry_path(
                            index,
                            &format!(
                                "content/IntervalBlock/IntervalReading[{}]/timePeriod",
                                n + 1
                            ),
                        );
                        if let Some(d) = ms {
                            self.findings.push(finding("V004", format!("reading duration {d} s looks like {} s written in milliseconds", d / 1000), Some(index), path.clone()));
                        }
                        if let Some((start, stop, block_start, block_end)) = outside {
                            self.findings.push(finding("V003", format!("reading [{start}, {stop}) is outside its block's interval [{block_start}, {block_end})"), Some(index), path));
                        }
                    }
                }
                Resource::ReadingType(rt) => {
                    if let Some(length) = rt.interval_length
                        && looks_like_ms(i64::from(length))
                    {
                        let path = self.entry_path(index, "content/ReadingType/intervalLength");
                        self.findings.push(finding(
                            "V004",
                            format!(
                                "intervalLength {length} s looks like {} s written in milliseconds",
                                length / 1000
                            ),
                            Some(index),
                            path,
                        ));
                    }
                }
                Resource::LocalTimeParameters(parameters) => {
                    for (element, problem) in local_time_problems(parameters) {
                        let path = self.entry_path(index, &format!("content/{element}"));
                        self.findings
                            .push(finding("V006", problem, Some(index), path));
                    }
                }
                Resource::Authorization(auth) => {
                    if let Some(expires) = auth.expires_at
                        && expires < YEAR_2000
                    {
                        let path = self.entry_path(index, "content/Authorization/expires_at");
                        self.findings.push(finding("V005", format!("expires_at {expires} is before 2000-01-01; it looks like a duration in seconds (expires_in), not a date"), Some(index), path));
                    }
                }
                _ => {}
            }
        }
    }

    /// A resource that is the document's root.
    pub(crate) fn add_bare(&mut self, resource: &Resource) {
        if let Resource::LocalTimeParameters(parameters) = resource {
            for (element, problem) in local_time_problems(parameters) {
                self.findings
                    .push(finding("V006", problem, None, element.to_owned()));
            }
        }
        if let Resource::Authorization(auth) = resource
            && let Some(expires) = auth.expires_at.filter(|e| *e < YEAR_2000)
        {
            self.findings.push(finding("V005", format!("expires_at {expires} is before 2000-01-01; it looks like a duration in seconds (expires_in), not a date"), None, "Authorization/expires_at".into()));
        }
    }

    /// The findings: those about single entries in document order, then the
    /// unresolved links, then overlaps and gaps by MeterReading.
    pub(crate) fn finish(&mut self) -> Vec<Finding> {
        let mut out = std::mem::take(&mut self.findings);
        out.extend(self.unresolved_links());
        for (up, mut blocks) in std::mem::take(&mut self.groups) {
            blocks.sort_unstable();
            for pair in blocks.windows(2) {
                let ((_, prev_end, prev_index), (start, _, index)) = (pair[0], pair[1]);
                let path = self.entry_path(index, "content/IntervalBlock/interval");
                if start < prev_end {
                    out.push(finding("V001", format!("block starting {start} overlaps the block of entry {prev_index} (ends {prev_end}) under {up}"), Some(index), path));
                } else if start > prev_end {
                    out.push(finding("V002", format!("{} s gap before the block starting {start} (previous block, entry {prev_index}, ends {prev_end}) under {up}", start - prev_end), Some(index), path));
                }
            }
        }
        out
    }

    /// The usage and customer links that do not resolve, where the document holds
    /// resources of the kind they should reach.
    fn unresolved_links(&self) -> Vec<Finding> {
        let nodes = &self.nodes;
        let present = |kind: ResourceKind| nodes.iter().any(|node| node.kind == kind);
        let mut problems: Vec<LinkProblem> = link(nodes).problems;
        problems.extend(link_customer(nodes).problems);
        problems.sort_by_key(|problem| problem.entry);
        problems
            .into_iter()
            .filter(|problem| present(problem.target))
            .map(|problem| {
                let path = self.entry_path(problem.entry, "link");
                finding("V007", problem.message, Some(problem.entry), path)
            })
            .collect()
    }
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
