//! What GBA's assertions need of each entry, taken as the entry goes by: which kinds of
//! resource it holds, which Atom children it has, its links (hrefs interned to numbers),
//! the failures of the assertions that read only the entry's own content, and the few
//! values the assertions across entries compare (ReadingType codes, service kinds,
//! IntervalBlock starts). An entry's readings are not kept, so memory grows with the
//! number of entries (a few hundred bytes each, most of it a new href), not with the
//! readings in them.

use super::view::*;
use super::xpath::{Numbers, exists, texts};
use espi_model::atom::{Entry, Metadata};
use espi_model::interval::DateTimeInterval;
use espi_model::interval_block::IntervalBlock;
use espi_model::quality_summary::ElectricPowerQualitySummary;
use espi_model::reading_type::ReadingType;
use espi_model::resource::Resource;
use espi_model::usage_summary::SummaryMeasurement;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// Kinds of resource an entry's content holds (a set of bits): what GBA's
/// `entry[content/X]` selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Kinds(u16);

impl Kinds {
    pub(super) const LTP: Kinds = Kinds(1);
    pub(super) const UP: Kinds = Kinds(1 << 1);
    pub(super) const IB: Kinds = Kinds(1 << 2);
    pub(super) const MR: Kinds = Kinds(1 << 3);
    pub(super) const RT: Kinds = Kinds(1 << 4);
    pub(super) const SUMMARY: Kinds = Kinds(1 << 5);
    pub(super) const PQ: Kinds = Kinds(1 << 6);
    /// A ReadingType of commodity 1 (electricity).
    pub(super) const RT_ELECTRIC: Kinds = Kinds(1 << 7);
    /// A ReadingType of accumulationBehaviour 4 (delta data).
    pub(super) const RT_DELTA: Kinds = Kinds(1 << 8);

    pub(super) fn has(self, kind: Kinds) -> bool {
        self.0 & kind.0 != 0
    }

    pub(super) fn of(resource: &Resource) -> Kinds {
        match resource {
            Resource::LocalTimeParameters(_) => Kinds::LTP,
            Resource::UsagePoint(_) => Kinds::UP,
            Resource::IntervalBlock(_) => Kinds::IB,
            Resource::MeterReading(_) => Kinds::MR,
            Resource::ReadingType(rt) => {
                let codes = rt_codes(rt);
                let mut kinds = Kinds::RT;
                if codes.commodity.is(1) {
                    kinds.0 |= Kinds::RT_ELECTRIC.0;
                }
                if codes.acc.is(4) {
                    kinds.0 |= Kinds::RT_DELTA.0;
                }
                kinds
            }
            Resource::ElectricPowerQualitySummary(_) => Kinds::PQ,
            other if is_summary(other) => Kinds::SUMMARY,
            _ => Kinds(0),
        }
    }

    pub(super) fn add(&mut self, other: Kinds) {
        self.0 |= other.0;
    }
}

/// The link relations GBA's assertions read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Rel {
    SelfLink,
    Up,
    Related,
}

/// Which Atom children a feed or entry has.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Atom {
    pub(super) id: bool,
    pub(super) title: bool,
    pub(super) published: bool,
    pub(super) updated: bool,
}

impl Atom {
    pub(super) fn of(meta: &Metadata) -> Atom {
        Atom {
            id: has_id(meta),
            title: has_title(meta),
            published: has_published(meta),
            updated: has_updated(meta),
        }
    }
}

/// An assertion about the entry's own content that failed: reported when its
/// Function Block runs, in the loop over the entries of kind `phase`.
#[derive(Debug, Clone)]
pub(super) struct Local {
    pub(super) block: u16,
    pub(super) phase: Kinds,
    pub(super) id: &'static str,
    /// The element path below the entry.
    pub(super) rest: Cow<'static, str>,
}

/// An IntervalBlock's `interval/start` as XPath compares it: as a string. Typed starts
/// (the usual case) are kept as their number, whose text is their canonical spelling.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum StartText {
    Number(i64),
    Text(Box<str>),
}

impl StartText {
    fn of(text: String) -> StartText {
        match text.parse::<i64>() {
            Ok(number) if number.to_string() == text => StartText::Number(number),
            _ => StartText::Text(text.into_boxed_str()),
        }
    }
}

/// The interval's `start` strings as [`StartText`]s: the typed start without making its
/// text (this runs for every reading), then those kept raw.
fn start_keys(interval: &DateTimeInterval) -> impl Iterator<Item = StartText> {
    let raw = if interval.unknown_elements.is_empty() {
        Vec::new()
    } else {
        texts(None::<i64>, &interval.unknown_elements, "start")
    };
    interval
        .start
        .map(StartText::Number)
        .into_iter()
        .chain(raw.into_iter().map(StartText::of))
}

/// What the assertions need of one entry.
#[derive(Debug, Clone, Default)]
pub(super) struct EntryFacts {
    pub(super) kinds: Kinds,
    pub(super) atom: Atom,
    /// `(rel, interned href)` of its self, up and related links, in document order.
    pub(super) links: Box<[(Rel, u32)]>,
    pub(super) locals: Vec<Local>,
    /// The codes of each ReadingType it holds.
    pub(super) reading_types: Vec<RtCodes>,
    /// The service kinds of its UsagePoints (`ServiceCategory/kind`).
    pub(super) services: Vec<Numbers>,
    /// Some IntervalBlock repeats a reading's `timePeriod/start` (D145).
    pub(super) repeated_reading: bool,
    /// The `interval/start` strings of each IntervalBlock, in order (D146).
    pub(super) block_starts: Vec<Box<[StartText]>>,
}

impl EntryFacts {
    /// The interned hrefs of its `rel` links, in order.
    pub(super) fn hrefs(&self, rel: Rel) -> impl Iterator<Item = u32> + '_ {
        self.links
            .iter()
            .filter(move |(r, _)| *r == rel)
            .map(|(_, href)| *href)
    }

    pub(super) fn has_link(&self, rel: Rel) -> bool {
        self.hrefs(rel).next().is_some()
    }
}

/// What GBA's assertions need of a document, gathered entry by entry.
#[derive(Debug, Clone, Default)]
pub(crate) struct Facts {
    /// Whether the root is `atom:feed` (otherwise only D000 applies).
    pub(super) is_feed: bool,
    pub(super) feed: Atom,
    pub(super) entries: Vec<EntryFacts>,
    /// Kinds of every resource of the document, a bare root included.
    pub(super) kinds: Kinds,
    hrefs: HashMap<Box<str>, u32>,
}

impl Facts {
    /// Facts for a document whose root is `atom:feed` (`is_feed`) or not.
    pub(crate) fn new(is_feed: bool) -> Self {
        Facts {
            is_feed,
            ..Facts::default()
        }
    }

    /// The feed's own metadata (complete once the feed has been read).
    pub(crate) fn set_feed(&mut self, meta: &Metadata) {
        self.feed = Atom::of(meta);
    }

    /// A resource that is the document's root.
    pub(crate) fn add_bare(&mut self, resource: &Resource) {
        self.kinds.add(Kinds::of(resource));
    }

    fn intern(&mut self, href: &str) -> u32 {
        if let Some(&id) = self.hrefs.get(href) {
            return id;
        }
        let id = self.hrefs.len() as u32;
        self.hrefs.insert(href.into(), id);
        id
    }

    /// The next entry.
    pub(crate) fn add_entry(&mut self, entry: &Entry) {
        let mut facts = EntryFacts {
            atom: Atom::of(&entry.meta),
            ..EntryFacts::default()
        };
        for resource in &entry.content {
            facts.kinds.add(Kinds::of(resource));
        }
        self.kinds.add(facts.kinds);
        let mut links = Vec::new();
        for link in &entry.meta.links {
            let rel = match link.rel.as_deref() {
                Some("self") => Rel::SelfLink,
                Some("up") => Rel::Up,
                Some("related") => Rel::Related,
                _ => continue,
            };
            links.push((rel, self.intern(&link.href)));
        }
        facts.links = links.into_boxed_slice();
        for resource in &entry.content {
            match resource {
                Resource::ReadingType(rt) => facts.reading_types.push(rt_codes(rt)),
                Resource::UsagePoint(up) => {
                    if let Some(category) = &up.service_category {
                        facts.services.push(Numbers::of(
                            category.kind,
                            &category.unknown_elements,
                            "kind",
                        ));
                    }
                }
                Resource::IntervalBlock(block) => {
                    facts.repeated_reading |= repeats_a_reading_start(block);
                    let starts: Vec<StartText> =
                        block.interval.iter().flat_map(start_keys).collect();
                    facts.block_starts.push(starts.into_boxed_slice());
                }
                _ => {}
            }
        }
        facts.locals = local_checks(entry, facts.kinds);
        self.entries.push(facts);
    }
}

/// `IntervalReading[timePeriod/start = preceding-sibling::IntervalReading/timePeriod/start]`,
/// as strings.
fn repeats_a_reading_start(block: &IntervalBlock) -> bool {
    let mut seen: HashSet<StartText> = HashSet::new();
    block.interval_reading.iter().any(|reading| {
        let starts: Vec<StartText> = reading.time_period.iter().flat_map(start_keys).collect();
        let repeated = starts.iter().any(|start| seen.contains(start));
        seen.extend(starts);
        repeated
    })
}

/// Collects failed assertions about the entry's own content.
struct Locals(Vec<Local>);

impl Locals {
    fn require(
        &mut self,
        ok: bool,
        block: u16,
        phase: Kinds,
        id: &'static str,
        rest: impl Into<Cow<'static, str>>,
    ) {
        if !ok {
            self.0.push(Local {
                block,
                phase,
                id,
                rest: rest.into(),
            });
        }
    }
}

/// Every assertion of every Function Block that reads only the entry's content, in the
/// order the Function Blocks report them.
fn local_checks(entry: &Entry, kinds: Kinds) -> Vec<Local> {
    let mut out = Locals(Vec::new());
    if kinds.has(Kinds::UP) {
        usage_point_checks(entry, &mut out);
    }
    if kinds.has(Kinds::IB) {
        interval_block_checks(entry, &mut out);
    }
    if kinds.has(Kinds::RT) {
        reading_type_checks(entry, kinds, &mut out);
    }
    if kinds.has(Kinds::SUMMARY) {
        for block in [15, 16, 27, 28] {
            summary_checks(entry, block, &mut out);
        }
    }
    if kinds.has(Kinds::PQ) {
        quality_summary_checks(entry, &mut out);
    }
    out.0
}

fn usage_point_checks(entry: &Entry, out: &mut Locals) {
    let ups = || {
        entry.content.iter().filter_map(|r| match r {
            Resource::UsagePoint(up) => Some(up),
            _ => None,
        })
    };
    let kind = ups().any(|up| {
        up.service_category
            .as_ref()
            .is_some_and(|c| exists(c.kind, &c.unknown_elements, "kind"))
    });
    out.require(
        kind,
        1,
        Kinds::UP,
        "D008",
        "content/UsagePoint/ServiceCategory/kind",
    );
    out.require(
        ups().any(|u| exists(u.role_flags.as_ref(), &u.unknown_elements, "roleFlags")),
        99,
        Kinds::UP,
        "D017",
        "content/UsagePoint/roleFlags",
    );
    out.require(
        ups().any(|u| exists(u.status, &u.unknown_elements, "status")),
        99,
        Kinds::UP,
        "D005",
        "content/UsagePoint/status",
    );
}

fn interval_block_checks(entry: &Entry, out: &mut Locals) {
    let blocks: Vec<&IntervalBlock> = blocks_of(entry).collect();
    let intervals = || blocks.iter().filter_map(|b| b.interval.as_ref());
    let readings = || blocks.iter().flat_map(|b| b.interval_reading.iter());
    let periods = || readings().filter_map(|r| r.time_period.as_ref());
    let ib = Kinds::IB;
    out.require(
        intervals().any(has_start),
        4,
        ib,
        "D039",
        "content/IntervalBlock/interval/start",
    );
    // `interval/start = IntervalReading/timePeriod/start`: some string equal.
    let starts: HashSet<StartText> = periods().flat_map(start_keys).collect();
    let ok = intervals()
        .flat_map(start_keys)
        .any(|s| starts.contains(&s));
    out.require(ok, 4, ib, "D042", "content/IntervalBlock/interval/start");
    out.require(
        periods().any(has_duration),
        4,
        ib,
        "D044",
        "content/IntervalBlock/IntervalReading/timePeriod/duration",
    );
    out.require(
        periods().any(has_start),
        4,
        ib,
        "D045",
        "content/IntervalBlock/IntervalReading/timePeriod/start",
    );
    out.require(
        readings().any(|r| exists(r.value, &r.unknown_elements, "value")),
        4,
        ib,
        "D046",
        "content/IntervalBlock/IntervalReading/value",
    );
    out.require(
        intervals().any(has_duration),
        4,
        ib,
        "D038",
        "content/IntervalBlock/interval/duration",
    );
    out.require(
        readings().any(|r| exists(r.cost, &r.unknown_elements, "cost")),
        12,
        ib,
        "D043",
        "content/IntervalBlock/IntervalReading/cost",
    );
    let quality = readings()
        .flat_map(|r| r.reading_quality.iter())
        .any(|q| exists(q.quality, &q.unknown_elements, "quality"));
    out.require(
        quality,
        99,
        ib,
        "D047",
        "content/IntervalBlock/IntervalReading/ReadingQuality/quality",
    );
}

fn reading_type_checks(entry: &Entry, kinds: Kinds, out: &mut Locals) {
    let rts: Vec<&ReadingType> = reading_types_of(entry).collect();
    let rt = Kinds::RT;
    type Present = fn(&ReadingType) -> bool;
    let fb04: [(&str, &str, Present); 4] = [
        ("D062", "content/ReadingType/intervalLength", |r| {
            exists(r.interval_length, &r.unknown_elements, "intervalLength")
        }),
        ("D063", "content/ReadingType/kind", |r| {
            exists(r.kind, &r.unknown_elements, "kind")
        }),
        ("D065", "content/ReadingType/powerOfTenMultiplier", |r| {
            exists(
                r.power_of_ten_multiplier,
                &r.unknown_elements,
                "powerOfTenMultiplier",
            )
        }),
        ("D068", "content/ReadingType/uom", |r| {
            exists(r.uom, &r.unknown_elements, "uom")
        }),
    ];
    for (id, path, present) in fb04 {
        out.require(rts.iter().any(|r| present(r)), 4, rt, id, path);
    }
    if kinds.has(Kinds::RT_ELECTRIC) {
        out.require(
            rts.iter()
                .any(|r| exists(r.phase, &r.unknown_elements, "phase")),
            5,
            Kinds::RT_ELECTRIC,
            "D064",
            "content/ReadingType/phase",
        );
    }
    out.require(
        rts.iter()
            .any(|r| exists(r.currency, &r.unknown_elements, "currency")),
        12,
        rt,
        "D058",
        "content/ReadingType/currency",
    );
    let fb99: [(&str, &str, Present); 5] = [
        ("D057", "content/ReadingType/consumptionTier", |r| {
            exists(r.consumption_tier, &r.unknown_elements, "consumptionTier")
        }),
        ("D059", "content/ReadingType/dataQualifier", |r| {
            exists(r.data_qualifier, &r.unknown_elements, "dataQualifier")
        }),
        ("D060", "content/ReadingType/defaultQuality", |r| {
            exists(r.default_quality, &r.unknown_elements, "defaultQuality")
        }),
        ("D066", "content/ReadingType/timeAttribute", |r| {
            exists(r.time_attribute, &r.unknown_elements, "timeAttribute")
        }),
        ("D067", "content/ReadingType/tou", |r| {
            exists(r.tou, &r.unknown_elements, "tou")
        }),
    ];
    for (id, path, present) in fb99 {
        out.require(rts.iter().any(|r| present(r)), 99, rt, id, path);
    }
}

fn summary_checks(entry: &Entry, block: u16, out: &mut Locals) {
    for summary in entry.content.iter().filter_map(summary_view) {
        let name = summary.name;
        let mut need = |ok: bool, id: &'static str, rest: &str| {
            out.require(
                ok,
                block,
                Kinds::SUMMARY,
                id,
                format!("content/{name}/{rest}"),
            );
        };
        let both =
            |m: Option<&SummaryMeasurement>| m.is_some_and(|m| has_multiplier(m) && has_uom(m));
        let p10 = |m: Option<&SummaryMeasurement>| m.is_some_and(has_multiplier);
        match block {
            15 => {
                need(
                    summary.billing_period.is_some_and(has_duration),
                    "D089",
                    "billingPeriod/duration",
                );
                need(
                    summary.billing_period.is_some_and(has_start),
                    "D090",
                    "billingPeriod/start",
                );
                need(
                    summary.overall_consumption_last_period,
                    "D081",
                    "overallConsumptionLastPeriod",
                );
                need(summary.quality_of_reading, "D099", "qualityOfReading");
                need(summary.status_time_stamp, "D100", "statusTimeStamp");
                if let Some(m) = summary.current_billing_period {
                    let rest = "currentBillingPeriodOverAllConsumption";
                    let raw = &m.unknown_elements;
                    need(
                        has_multiplier(m),
                        "D095",
                        &format!("{rest}/powerOfTenMultiplier"),
                    );
                    need(
                        exists(m.time_stamp, raw, "timeStamp"),
                        "D096",
                        &format!("{rest}/timeStamp"),
                    );
                    need(has_uom(m), "D097", &format!("{rest}/uom"));
                    need(
                        exists(m.value, raw, "value"),
                        "D098",
                        &format!("{rest}/value"),
                    );
                }
            }
            16 => {
                need(summary.bill_last_period, "D091", "billLastPeriod");
                need(
                    summary.cost_additional_last_period,
                    "D093",
                    "costAdditionalLastPeriod",
                );
                need(summary.currency, "D094", "currency");
            }
            27 => {
                need(
                    p10(summary.current_day_overall),
                    "D106",
                    "currentDayOverallConsumption/powerOfTenMultiplier",
                );
                need(
                    both(summary.current_day_overall),
                    "D111",
                    "currentDayOverallConsumption",
                );
                need(summary.peak_demand.is_some(), "D105", "peakDemand");
                need(both(summary.peak_demand), "D110", "peakDemand");
                need(
                    p10(summary.previous_day_overall),
                    "D107",
                    "previousDayOverallConsumption/powerOfTenMultiplier",
                );
                need(
                    both(summary.previous_day_overall),
                    "D112",
                    "previousDayOverallConsumption",
                );
                need(summary.ratchet_demand.is_some(), "D103", "ratchetDemand");
                need(both(summary.ratchet_demand), "D108", "ratchetDemand");
                need(
                    summary.ratchet_demand_period.is_some(),
                    "D104",
                    "ratchetDemandPeriod",
                );
                let period = summary.ratchet_demand_period;
                need(
                    period.is_some_and(|p| has_duration(p) && has_start(p)),
                    "D109",
                    "ratchetDemandPeriod",
                );
            }
            _ => need(summary.bill_to_date, "D092", "billToDate"),
        }
    }
}

fn quality_summary_checks(entry: &Entry, out: &mut Locals) {
    type Value = fn(&ElectricPowerQualitySummary) -> Option<i64>;
    let fields: [(&str, &str, Value); 12] = [
        ("D113", "flickerPlt", |s| s.flicker_plt),
        ("D114", "flickerPst", |s| s.flicker_pst),
        ("D115", "harmonicVoltage", |s| s.harmonic_voltage),
        ("D116", "longInterruptions", |s| s.long_interruptions),
        ("D117", "mainsVoltage", |s| s.mains_voltage),
        ("D118", "powerFrequency", |s| s.power_frequency),
        ("D119", "rapidVoltageChanges", |s| s.rapid_voltage_changes),
        ("D120", "shortInterruptions", |s| s.short_interruptions),
        ("D122", "supplyVoltageDips", |s| s.supply_voltage_dips),
        ("D123", "supplyVoltageImbalance", |s| {
            s.supply_voltage_imbalance
        }),
        ("D124", "supplyVoltageVariations", |s| {
            s.supply_voltage_variations
        }),
        ("D125", "tempOvervoltage", |s| s.temp_overvoltage),
    ];
    let summaries: Vec<&ElectricPowerQualitySummary> = entry
        .content
        .iter()
        .filter_map(|r| match r {
            Resource::ElectricPowerQualitySummary(s) => Some(s),
            _ => None,
        })
        .collect();
    let p = "content/ElectricPowerQualitySummary";
    for (id, field, value) in fields {
        let ok = summaries
            .iter()
            .any(|s| exists(value(s), &s.unknown_elements, field));
        out.require(ok, 17, Kinds::PQ, id, format!("{p}/{field}"));
    }
    let intervals = || summaries.iter().filter_map(|s| s.summary_interval.as_ref());
    out.require(
        intervals().next().is_some(),
        17,
        Kinds::PQ,
        "D121",
        format!("{p}/summaryInterval"),
    );
    // `summaryInterval/duration and summaryInterval/start`: each in some summary.
    out.require(
        intervals().any(has_duration) && intervals().any(has_start),
        17,
        Kinds::PQ,
        "D134",
        format!("{p}/summaryInterval"),
    );
}
