//! GBA's assertions that read only an entry's own content (its UsagePoint's service
//! kind, its IntervalBlocks' starts and readings, its ReadingType's codes, its summaries'
//! measurements): checked as the entry goes by, their failures kept with the entry's
//! record and reported when their Function Block runs.

use super::facts::{Kinds, StartText, start_keys};
use super::view::*;
use super::xpath::exists;
use espi_model::atom::Entry;
use espi_model::interval_block::IntervalBlock;
use espi_model::quality_summary::ElectricPowerQualitySummary;
use espi_model::reading_type::ReadingType;
use espi_model::resource::Resource;
use espi_model::usage_summary::SummaryMeasurement;
use std::borrow::Cow;
use std::collections::HashSet;

/// An assertion about the entry's own content that failed: reported when its
/// Function Block runs, in the loop over the entries of kind `phase`.
#[derive(Debug, Clone)]
pub(crate) struct Local {
    pub(super) block: u16,
    pub(super) phase: Kinds,
    pub(super) id: &'static str,
    /// The element path below the entry.
    pub(super) rest: Cow<'static, str>,
}

/// `IntervalReading[timePeriod/start = preceding-sibling::IntervalReading/timePeriod/start]`,
/// as strings.
pub(super) fn repeats_a_reading_start(block: &IntervalBlock) -> bool {
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
pub(super) fn local_checks(entry: &Entry, kinds: Kinds) -> Vec<Local> {
    let mut out = Locals(Vec::new());
    if kinds.has(Kinds::UP) {
        usage_point_checks(entry, &mut out);
    }
    if kinds.has(Kinds::IB) {
        let failed = interval_block_checks(entry);
        for ((block, id, rest), failed) in IB_LOCALS.into_iter().zip(failed) {
            out.require(!failed, block, Kinds::IB, id, rest);
        }
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

/// GBA's assertions about an IntervalBlock entry's own content: (Function Block, id,
/// element path), in the order the Function Blocks report them.
pub(super) const IB_LOCALS: [(u16, &str, &str); 8] = [
    (4, "D039", "content/IntervalBlock/interval/start"),
    (4, "D042", "content/IntervalBlock/interval/start"),
    (
        4,
        "D044",
        "content/IntervalBlock/IntervalReading/timePeriod/duration",
    ),
    (
        4,
        "D045",
        "content/IntervalBlock/IntervalReading/timePeriod/start",
    ),
    (4, "D046", "content/IntervalBlock/IntervalReading/value"),
    (4, "D038", "content/IntervalBlock/interval/duration"),
    (12, "D043", "content/IntervalBlock/IntervalReading/cost"),
    (
        99,
        "D047",
        "content/IntervalBlock/IntervalReading/ReadingQuality/quality",
    ),
];

/// Which of [`IB_LOCALS`] the entry's IntervalBlocks fail.
pub(super) fn interval_block_checks(entry: &Entry) -> [bool; IB_LOCALS.len()] {
    let blocks: Vec<&IntervalBlock> = blocks_of(entry).collect();
    let intervals = || blocks.iter().filter_map(|b| b.interval.as_ref());
    let readings = || blocks.iter().flat_map(|b| b.interval_reading.iter());
    let periods = || readings().filter_map(|r| r.time_period.as_ref());
    // `interval/start = IntervalReading/timePeriod/start`: some string equal.
    let starts: HashSet<StartText> = periods().flat_map(start_keys).collect();
    let start_matches = intervals()
        .flat_map(start_keys)
        .any(|s| starts.contains(&s));
    let quality = readings()
        .flat_map(|r| r.reading_quality.iter())
        .any(|q| exists(q.quality, &q.unknown_elements, "quality"));
    [
        intervals().any(has_start),
        start_matches,
        periods().any(has_duration),
        periods().any(has_start),
        readings().any(|r| exists(r.value, &r.unknown_elements, "value")),
        intervals().any(has_duration),
        readings().any(|r| exists(r.cost, &r.unknown_elements, "cost")),
        quality,
    ]
    .map(|ok| !ok)
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
