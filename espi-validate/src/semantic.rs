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

use crate::gba::facts::{EntryRef, Rel};
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
use std::collections::HashMap;

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
    Some(
        interval
            .start?
            .saturating_add(i64::from(interval.duration?)),
    )
}

/// Runs every semantic check.
pub fn check(document: &Document) -> Vec<Finding> {
    let mut collector = crate::Collector::of_document(document);
    let mut findings = collector.semantic.finish(&collector.gba);
    collector.place(&mut findings);
    findings
}

/// The semantic checks' findings about single entries, made as each entry goes by; the
/// checks across entries read the entries' records ([`crate::gba::facts`]) at the end.
#[derive(Debug, Clone, Default)]
pub(crate) struct Facts {
    /// Whether the root is `atom:feed` (entry paths start `feed/entry[n]`).
    is_feed: bool,
    findings: Vec<Finding>,
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
        for resource in &entry.content {
            match resource {
                Resource::IntervalBlock(block) => {
                    let interval = block.interval.as_ref();
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
    /// unresolved links, then overlaps and gaps by MeterReading (by up href).
    pub(crate) fn finish(&mut self, entries: &crate::gba::Facts) -> Vec<Finding> {
        let mut out = std::mem::take(&mut self.findings);
        out.extend(self.unresolved_links(entries));
        // Each group of blocks (by their entry's first up link) is compared in order of
        // (start, end, entry index). Groups whose blocks come in that order (the usual
        // feed) are compared as they are read; the others are gathered and sorted.
        let mut groups: HashMap<u32, Group> = HashMap::new();
        for_each_block(entries, |up, block| {
            let group = groups.entry(up).or_insert_with(Group::new);
            group.blocks += 1;
            group.in_order &= crate::shortcuts();
            if group.in_order {
                match group.last.replace(block) {
                    Some(previous) if previous > block => group.in_order = false,
                    Some(previous) => group.findings.extend(Succession::of(previous, block)),
                    None => {}
                }
            }
        });
        let mut gathered: HashMap<u32, Vec<Block>> = groups
            .iter()
            .filter(|(_, group)| !group.in_order)
            .map(|(up, group)| (*up, Vec::with_capacity(group.blocks)))
            .collect();
        if !gathered.is_empty() {
            for_each_block(entries, |up, block| {
                if let Some(blocks) = gathered.get_mut(&up) {
                    blocks.push(block);
                }
            });
        }
        let hrefs = &entries.hrefs;
        let mut groups: Vec<(u32, Group)> = groups.into_iter().collect();
        groups.sort_unstable_by_key(|(up, _)| hrefs.name(*up));
        for (up, mut group) in groups {
            if let Some(mut blocks) = gathered.remove(&up) {
                blocks.sort_unstable();
                let pairs = blocks.windows(2);
                group.findings = pairs.flat_map(|p| Succession::of(p[0], p[1])).collect();
            }
            let up = hrefs.name(up);
            out.extend(group.findings.iter().map(|s| s.finding(self, up)));
        }
        out
    }

    /// The usage and customer links that do not resolve, where the document holds
    /// resources of the kind they should reach. The usual IntervalBlock entries are
    /// linked through one node per up href, which resolves exactly as each of them would.
    fn unresolved_links(&self, entries: &crate::gba::Facts) -> Vec<Finding> {
        let hrefs = &entries.hrefs;
        let name = |id: u32| hrefs.name(id).to_owned();
        // Each node stands for an entry or for the compact IntervalBlock entries of an up href.
        let mut nodes: Vec<LinkNode> = Vec::new();
        let mut stands_for: Vec<Result<usize, u32>> = Vec::new();
        let mut block_node: HashMap<u32, usize> = HashMap::new();
        for (index, entry) in entries.entries() {
            match entry {
                EntryRef::Block(block) => {
                    block_node.entry(block.up).or_insert_with(|| {
                        nodes.push(LinkNode {
                            kind: ResourceKind::IntervalBlock,
                            self_href: None,
                            up_href: Some(name(block.up)),
                            related: Vec::new(),
                        });
                        stands_for.push(Err(block.up));
                        nodes.len() - 1
                    });
                }
                EntryRef::Other(facts) => {
                    nodes.push(LinkNode {
                        kind: facts.first,
                        self_href: entry.hrefs(Rel::SelfLink).next().map(name),
                        up_href: entry.hrefs(Rel::Up).next().map(name),
                        related: entry.hrefs(Rel::Related).map(name).collect(),
                    });
                    stands_for.push(Ok(index));
                }
            }
        }
        let present = |kind: ResourceKind| nodes.iter().any(|node| node.kind == kind);
        let mut found: Vec<LinkProblem> = link(&nodes).problems;
        found.extend(link_customer(&nodes).problems);
        let mut problems = Vec::new();
        let mut unplaced_ups: Vec<u32> = Vec::new();
        for problem in found.into_iter().filter(|problem| present(problem.target)) {
            match stands_for[problem.entry] {
                Ok(entry) => problems.push(LinkProblem { entry, ..problem }),
                Err(up) => unplaced_ups.push(up),
            }
        }
        if !unplaced_ups.is_empty() {
            for (index, entry) in entries.entries() {
                if let EntryRef::Block(block) = entry
                    && unplaced_ups.contains(&block.up)
                {
                    let up = hrefs.name(block.up);
                    let self_href = format!("{up}/{}", block.tail().text());
                    problems.push(LinkProblem::unplaced_block(
                        index,
                        Some(&self_href),
                        Some(up),
                    ));
                }
            }
        }
        problems.sort_by_key(|problem| problem.entry);
        problems
            .into_iter()
            .map(|problem| {
                let path = self.entry_path(problem.entry, "link");
                finding("V007", problem.message, Some(problem.entry), path)
            })
            .collect()
    }
}

/// A block's interval in a group: (start, duration, entry index), ordered as GBA's
/// successor checks need (start, then end, then document order).
type Block = (i64, u32, u32);

/// A block that overlaps the one before it in its group, or leaves a gap after it.
struct Succession {
    previous_index: u32,
    previous_end: i64,
    start: i64,
    index: u32,
}

impl Succession {
    /// What lies between two blocks that follow each other in a group, if anything.
    fn of(previous: Block, block: Block) -> Option<Succession> {
        let ((previous_start, length, previous_index), (start, _, index)) = (previous, block);
        let previous_end = previous_start.saturating_add(i64::from(length));
        (start != previous_end).then_some(Succession {
            previous_index,
            previous_end,
            start,
            index,
        })
    }

    /// V001 or V002, under the group's up href `up`.
    fn finding(&self, facts: &Facts, up: &str) -> Finding {
        let Succession {
            previous_index,
            previous_end,
            start,
            index,
        } = *self;
        let index = index as usize;
        let path = facts.entry_path(index, "content/IntervalBlock/interval");
        if start < previous_end {
            let message = format!(
                "block starting {start} overlaps the block of entry {previous_index} (ends {previous_end}) under {up}"
            );
            finding("V001", message, Some(index), path)
        } else {
            let message = format!(
                "{} s gap before the block starting {start} (previous block, entry {previous_index}, ends {previous_end}) under {up}",
                start - previous_end
            );
            finding("V002", message, Some(index), path)
        }
    }
}

/// The blocks under one up href, compared while they come in order.
struct Group {
    /// How many blocks it has (the size of its list, should it be gathered).
    blocks: usize,
    last: Option<Block>,
    in_order: bool,
    findings: Vec<Succession>,
}

impl Group {
    fn new() -> Self {
        Group {
            blocks: 0,
            last: None,
            in_order: true,
            findings: Vec::new(),
        }
    }
}

/// Calls `each` with every block interval that has a start and a duration and the
/// interned first up href of its entry, in document order.
fn for_each_block(entries: &crate::gba::Facts, mut each: impl FnMut(u32, Block)) {
    for (index, entry) in entries.entries() {
        let index = index as u32;
        match entry {
            EntryRef::Block(block) => {
                if let Some(duration) = block.duration() {
                    each(block.up, (block.start, duration, index));
                }
            }
            EntryRef::Other(facts) => {
                let Some(up) = entry.hrefs(Rel::Up).next() else {
                    continue;
                };
                for &(start, duration) in &facts.block_intervals {
                    each(up, (start, duration, index));
                }
            }
        }
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
