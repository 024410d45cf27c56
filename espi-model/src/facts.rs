//! The facts of a document: counts, reading totals and the linked tree, gathered one
//! entry at a time so that memory grows with the number of entries' links, never
//! with the number of readings (`espi_xml::read_facts` runs it over a stream).
//!
//! The field names and values follow `expected.json` of the conformance corpus (code
//! lists serialize as their bare codes), so the facts can be compared with the
//! independent oracle's directly.

use crate::admin_link::{AdminUris, link_admin};
use crate::atom::Entry;
use crate::code_list::{
    AccumulationKind, CodeList, CommodityKind, Currency, FlowDirectionKind, MeasurementKind,
    ServiceKind, UnitMultiplierKind, UnitSymbolKind,
};
use crate::customer_link::{CustomerNode, link_customer};
use crate::interval_block::IntervalReading;
use crate::link::{LinkNode, LinkProblem, link, normalize_href};
use crate::local_time::LocalTimeRules;
use crate::quantity::Quantity;
use crate::reading_type::{ReadingType, scale};
use crate::resource::{CUSTOMER_NS, ESPI_NS, Resource, ResourceKind};
use std::collections::{BTreeMap, HashMap};

/// Totals over interval readings. Sums are exact (`i128`), min/max come from
/// `timePeriod` start and start + duration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ReadingStats {
    /// Number of readings.
    pub count: u64,
    /// Sum of `value`.
    pub sum_value: i128,
    /// Readings without `value`.
    pub missing_value: u64,
    /// Sum of `cost` (1/100 000 of the currency).
    pub sum_cost: i128,
    /// Readings with `cost`.
    pub with_cost: u64,
    /// Earliest `timePeriod` start (epoch seconds).
    pub min_start: Option<i64>,
    /// Latest `timePeriod` end (epoch seconds).
    pub max_end: Option<i64>,
    /// Readings without `timePeriod`.
    pub missing_time_period: u64,
}

impl ReadingStats {
    /// Adds one reading.
    pub fn add(&mut self, reading: &IntervalReading) {
        self.count += 1;
        match reading.value {
            Some(value) => self.sum_value += i128::from(value),
            None => self.missing_value += 1,
        }
        if let Some(cost) = reading.cost {
            self.sum_cost += i128::from(cost);
            self.with_cost += 1;
        }
        match &reading.time_period {
            Some(period) => {
                if let Some(start) = period.start {
                    self.min_start = Some(self.min_start.map_or(start, |min| min.min(start)));
                }
                if let Some(end) = period.end() {
                    self.max_end = Some(self.max_end.map_or(end, |max| max.max(end)));
                }
            }
            None => self.missing_time_period += 1,
        }
    }

    /// Adds another set of totals.
    pub fn merge(&mut self, other: &ReadingStats) {
        self.count += other.count;
        self.sum_value += other.sum_value;
        self.missing_value += other.missing_value;
        self.sum_cost += other.sum_cost;
        self.with_cost += other.with_cost;
        self.min_start = min_option(self.min_start, other.min_start);
        self.max_end = match (self.max_end, other.max_end) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        self.missing_time_period += other.missing_time_period;
    }
}

fn min_option(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The facts of a ReadingType that describe a MeterReading's values.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ReadingTypeFacts {
    /// The ReadingType's `self` href.
    #[cfg_attr(feature = "serde", serde(rename = "self"))]
    pub self_href: Option<String>,
    /// Unit.
    pub uom: Option<UnitSymbolKind>,
    /// Power of ten the raw values are scaled by.
    #[cfg_attr(feature = "serde", serde(rename = "powerOfTenMultiplier"))]
    pub power_of_ten_multiplier: Option<UnitMultiplierKind>,
    /// Flow direction.
    #[cfg_attr(feature = "serde", serde(rename = "flowDirection"))]
    pub flow_direction: Option<FlowDirectionKind>,
    /// Commodity.
    pub commodity: Option<CommodityKind>,
    /// Measurement kind.
    pub kind: Option<MeasurementKind>,
    /// Interval length in seconds.
    #[cfg_attr(feature = "serde", serde(rename = "intervalLength"))]
    pub interval_length: Option<u32>,
    /// Accumulation behaviour.
    #[cfg_attr(feature = "serde", serde(rename = "accumulationBehaviour"))]
    pub accumulation_behaviour: Option<AccumulationKind>,
    /// The unit scaled values are in, e.g. "Wh", "m³" ([`ReadingType::unit_label`];
    /// not in `expected.json`).
    #[cfg_attr(feature = "serde", serde(skip))]
    pub unit_label: String,
    /// Currency of costs (not in `expected.json`).
    #[cfg_attr(feature = "serde", serde(skip))]
    pub currency: Option<Currency>,
}

impl ReadingTypeFacts {
    fn new(self_href: Option<String>, reading_type: &ReadingType) -> Self {
        ReadingTypeFacts {
            self_href,
            uom: reading_type.uom,
            power_of_ten_multiplier: reading_type.power_of_ten_multiplier,
            flow_direction: reading_type.flow_direction,
            commodity: reading_type.commodity,
            kind: reading_type.kind,
            interval_length: reading_type.interval_length,
            accumulation_behaviour: reading_type.accumulation_behaviour,
            unit_label: reading_type.unit_label(),
            currency: reading_type.currency,
        }
    }
}

/// A linked MeterReading with the totals of its IntervalBlocks.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MeterReadingFacts {
    /// The MeterReading's `self` href.
    #[cfg_attr(feature = "serde", serde(rename = "self"))]
    pub self_href: Option<String>,
    /// Its ReadingType.
    pub reading_type: Option<ReadingTypeFacts>,
    /// IntervalBlock entries linked to it.
    pub interval_block_entries: u64,
    /// IntervalBlock elements in those entries.
    pub interval_blocks: u64,
    /// Number of readings.
    pub readings: u64,
    /// Sum of raw values.
    pub sum_value: i128,
    /// Sum of costs.
    pub sum_cost: i128,
    /// Readings without value.
    pub missing_value: u64,
    /// Earliest start.
    pub min_start: Option<i64>,
    /// Latest end.
    pub max_end: Option<i64>,
}

impl MeterReadingFacts {
    /// The sum of the values scaled into their unit: `sum_value × 10^powerOfTenMultiplier`
    /// in the ReadingType's `uom`. `None` without a ReadingType or `uom`, or when the
    /// sum does not fit a decimal.
    pub fn total(&self) -> Option<Quantity> {
        let facts = self.reading_type.as_ref()?;
        let exponent = facts.power_of_ten_multiplier.map_or(0, CodeList::code);
        let value = scale(self.sum_value, exponent)?;
        Some(Quantity::new(value, facts.uom?))
    }
}

/// A linked UsagePoint.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct UsagePointFacts {
    /// The UsagePoint's `self` href.
    #[cfg_attr(feature = "serde", serde(rename = "self"))]
    pub self_href: Option<String>,
    /// Service kind.
    pub service_kind: Option<ServiceKind>,
    /// Its MeterReadings.
    pub meter_readings: Vec<MeterReadingFacts>,
    /// Its local time rules (not in `expected.json`).
    #[cfg_attr(feature = "serde", serde(skip))]
    pub local_time: Option<LocalTimeRules>,
}

/// The facts of a whole document.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DocumentFacts {
    /// Number of `atom:entry` elements.
    pub entries: u64,
    /// Direct children of every `atom:content`, keyed `espi:Local`, `cust:Local`,
    /// `atom:Local` or `{uri}Local`.
    pub resources: BTreeMap<String, u64>,
    /// Totals over every IntervalReading.
    pub interval_readings: ReadingStats,
    /// ReadingQuality elements.
    pub reading_qualities: u64,
    /// The linked tree.
    pub linked: Vec<UsagePointFacts>,
    /// Links that did not resolve (the oracle's `link_problems`).
    pub link_problems: Vec<String>,
    /// Usage resources left outside the tree.
    pub unlinked: Vec<String>,
    /// Customer (PII) resources linked Customer → CustomerAccount → … (not in
    /// `expected.json`, whose oracle links usage data only).
    pub customer_linked: Vec<LinkedResource>,
    /// Customer resources that could not be placed.
    pub customer_link_problems: Vec<String>,
    /// Authorization and ApplicationInformation entries with what they link to.
    pub admin_linked: Vec<AdminFacts>,
    /// Administrative entries whose stated URIs disagree with their `self` link.
    pub admin_link_problems: Vec<String>,
}

/// A linked customer resource: its kind, `self` href and the resources under it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LinkedResource {
    /// The resource's kind.
    pub kind: ResourceKind,
    /// The entry's `self` href.
    #[cfg_attr(feature = "serde", serde(rename = "self"))]
    pub self_href: Option<String>,
    /// The resources linked under it.
    pub children: Vec<LinkedResource>,
}

impl LinkedResource {
    /// How many resources of `kind` this node and its descendants hold.
    pub fn count(&self, kind: ResourceKind) -> usize {
        usize::from(self.kind == kind)
            + self
                .children
                .iter()
                .map(|child| child.count(kind))
                .sum::<usize>()
    }
}

/// An Authorization or ApplicationInformation entry and what it links to.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AdminFacts {
    /// Authorization or ApplicationInformation.
    pub kind: ResourceKind,
    /// The entry's `self` href.
    #[cfg_attr(feature = "serde", serde(rename = "self"))]
    pub self_href: Option<String>,
    /// The `self` href of the entry its `resourceURI` names, when in the document.
    pub grants: Option<String>,
    /// The `self` hrefs of the entries its `related` links name.
    pub related: Vec<Option<String>>,
}

/// What the builder keeps of one entry.
#[derive(Debug, Clone)]
enum Kept {
    UsagePoint(Option<ServiceKind>),
    ReadingType(Box<ReadingTypeFacts>),
    LocalTime(Option<LocalTimeRules>),
    Admin(AdminUris),
    /// IntervalBlock entries sharing one `up` link: how many entries, how many
    /// IntervalBlock elements, and their totals.
    Blocks {
        entries: u64,
        blocks: u64,
        stats: ReadingStats,
    },
    Nothing,
}

/// Gathers [`DocumentFacts`] one entry at a time.
///
/// ```
/// use espi_model::facts::FactsBuilder;
/// let mut builder = FactsBuilder::default();
/// builder.add_entry(&espi_model::atom::Entry::default());
/// assert_eq!(builder.finish().entries, 1);
/// ```
#[derive(Debug, Default)]
pub struct FactsBuilder {
    entries: u64,
    resources: BTreeMap<String, u64>,
    readings: ReadingStats,
    qualities: u64,
    nodes: Vec<LinkNode>,
    kept: Vec<Kept>,
    /// The node of each group of IntervalBlock entries, by normalised `up` link: a
    /// feed of a million blocks keeps one node per MeterReading, not per block.
    block_groups: HashMap<String, usize>,
}

impl FactsBuilder {
    /// Adds an Atom entry.
    pub fn add_entry(&mut self, entry: &Entry) {
        self.entries += 1;
        for resource in &entry.content {
            *self.resources.entry(resource_key(resource)).or_default() += 1;
        }
        self.add_resources(entry);
    }

    /// Adds a bare root resource (a document whose root is not feed or entry): its
    /// readings count, but it is no `atom:content` child.
    pub fn add_bare_root(&mut self, entry: &Entry) {
        self.add_resources(entry);
    }

    fn add_resources(&mut self, entry: &Entry) {
        let mut blocks = 0;
        let mut stats = ReadingStats::default();
        for resource in &entry.content {
            if let Resource::IntervalBlock(block) = resource {
                blocks += 1;
                for reading in &block.interval_reading {
                    stats.add(reading);
                    self.qualities += reading.reading_quality.len() as u64;
                }
            }
        }
        self.readings.merge(&stats);
        let self_href = entry.meta.self_href().map(str::to_owned);
        let kept = match entry.resource() {
            Some(Resource::IntervalBlock(_)) => return self.add_blocks(entry, blocks, stats),
            Some(Resource::UsagePoint(point)) => Kept::UsagePoint(point.service_kind()),
            Some(Resource::ReadingType(reading_type)) => {
                Kept::ReadingType(Box::new(ReadingTypeFacts::new(self_href, reading_type)))
            }
            Some(Resource::LocalTimeParameters(parameters)) => Kept::LocalTime(parameters.rules()),
            Some(Resource::Authorization(authorization)) => Kept::Admin(AdminUris {
                own: authorization.authorization_uri.clone(),
                grants: authorization.resource_uri.clone(),
            }),
            Some(Resource::ApplicationInformation(application)) => Kept::Admin(AdminUris {
                own: application.registration_client_uri.clone(),
                grants: None,
            }),
            _ => Kept::Nothing,
        };
        self.nodes.push(LinkNode::from_entry(entry));
        self.kept.push(kept);
    }

    /// Adds an IntervalBlock entry to the group of entries with the same `up` link.
    fn add_blocks(&mut self, entry: &Entry, blocks: u64, stats: ReadingStats) {
        let up = normalize_href(entry.meta.up_href().unwrap_or_default()).to_owned();
        if let Some(&index) = self.block_groups.get(&up)
            && let Kept::Blocks {
                entries,
                blocks: count,
                stats: total,
            } = &mut self.kept[index]
        {
            *entries += 1;
            *count += blocks;
            total.merge(&stats);
            return;
        }
        self.block_groups.insert(up, self.nodes.len());
        self.nodes.push(LinkNode::from_entry(entry));
        self.kept.push(Kept::Blocks {
            entries: 1,
            blocks,
            stats,
        });
    }

    /// Links what was gathered and returns the facts.
    pub fn finish(self) -> DocumentFacts {
        let tree = link(&self.nodes);
        let href = |index: usize| self.nodes[index].self_href.clone();
        let linked = tree
            .usage_points
            .iter()
            .map(|point| UsagePointFacts {
                self_href: href(point.entry),
                service_kind: match &self.kept[point.entry] {
                    Kept::UsagePoint(kind) => *kind,
                    _ => None,
                },
                local_time: point
                    .local_time_parameters
                    .and_then(|index| match &self.kept[index] {
                        Kept::LocalTime(rules) => *rules,
                        _ => None,
                    }),
                meter_readings: point
                    .meter_readings
                    .iter()
                    .map(|reading| {
                        let mut stats = ReadingStats::default();
                        let (mut entries, mut blocks) = (0, 0);
                        for &group in &reading.interval_blocks {
                            if let Kept::Blocks {
                                entries: group_entries,
                                blocks: count,
                                stats: group_stats,
                            } = &self.kept[group]
                            {
                                entries += group_entries;
                                blocks += count;
                                stats.merge(group_stats);
                            }
                        }
                        MeterReadingFacts {
                            self_href: href(reading.entry),
                            reading_type: reading.reading_type.and_then(|index| {
                                match &self.kept[index] {
                                    Kept::ReadingType(facts) => Some(facts.as_ref().clone()),
                                    _ => None,
                                }
                            }),
                            interval_block_entries: entries,
                            interval_blocks: blocks,
                            readings: stats.count,
                            sum_value: stats.sum_value,
                            sum_cost: stats.sum_cost,
                            missing_value: stats.missing_value,
                            min_start: stats.min_start,
                            max_end: stats.max_end,
                        }
                    })
                    .collect(),
            })
            .collect();
        let messages = |problems: Vec<LinkProblem>| {
            problems
                .into_iter()
                .map(|problem| problem.message)
                .collect()
        };
        let customer = link_customer(&self.nodes);
        let uris: Vec<AdminUris> = self
            .kept
            .iter()
            .map(|kept| match kept {
                Kept::Admin(uris) => uris.clone(),
                _ => AdminUris::default(),
            })
            .collect();
        let admin = link_admin(&self.nodes, &uris);
        let admin_linked = admin
            .nodes
            .iter()
            .map(|node| AdminFacts {
                kind: node.kind,
                self_href: href(node.entry),
                grants: node.grants.and_then(href),
                related: node.related.iter().map(|&index| href(index)).collect(),
            })
            .collect();
        DocumentFacts {
            entries: self.entries,
            resources: self.resources,
            interval_readings: self.readings,
            reading_qualities: self.qualities,
            linked,
            link_problems: messages(tree.problems),
            unlinked: messages(tree.unlinked),
            customer_linked: customer
                .roots
                .iter()
                .map(|root| linked_resource(root, &self.nodes))
                .collect(),
            customer_link_problems: messages(customer.problems),
            admin_linked,
            admin_link_problems: messages(admin.problems),
        }
    }
}

fn linked_resource(node: &CustomerNode, nodes: &[LinkNode]) -> LinkedResource {
    LinkedResource {
        kind: node.kind,
        self_href: nodes[node.entry].self_href.clone(),
        children: node
            .children
            .iter()
            .map(|child| linked_resource(child, nodes))
            .collect(),
    }
}

/// The `expected.json` key of a resource: `espi:Local`, `cust:Local`, `atom:Local` or `{uri}Local`.
pub fn resource_key(resource: &Resource) -> String {
    match resource.element_name() {
        (Some(ESPI_NS), local) => format!("espi:{local}"),
        (Some(CUSTOMER_NS), local) => format!("cust:{local}"),
        (Some(crate::resource::ATOM_NS), local) => format!("atom:{local}"),
        (Some(ns), local) => format!("{{{ns}}}{local}"),
        (None, local) => local.to_owned(),
    }
}
