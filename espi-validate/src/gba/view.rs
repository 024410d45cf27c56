//! What GBA's XPath expressions read from the model: whether an element exists (typed,
//! or kept as raw XML when its text did not parse), an entry's links, and the views of
//! usage summaries and ReadingType codes the Function Block tests share.

use super::xpath::{Numbers, atom_exists, exists};
use espi_model::atom::Metadata;
use espi_model::interval::DateTimeInterval;
use espi_model::interval_block::IntervalBlock;
use espi_model::reading_type::ReadingType;
use espi_model::usage_summary::SummaryMeasurement;
use espi_model::{atom::Entry, resource::Resource};

pub(super) fn is_summary(resource: &Resource) -> bool {
    matches!(
        resource,
        Resource::UsageSummary(_) | Resource::ElectricPowerUsageSummary(_)
    )
}

/// Whether the interval has a `start` element.
pub(super) fn has_start(interval: &DateTimeInterval) -> bool {
    exists(interval.start, &interval.unknown_elements, "start")
}

/// Whether the interval has a `duration` element.
pub(super) fn has_duration(interval: &DateTimeInterval) -> bool {
    exists(interval.duration, &interval.unknown_elements, "duration")
}

/// Whether the measurement has a `powerOfTenMultiplier` element.
pub(super) fn has_multiplier(measurement: &SummaryMeasurement) -> bool {
    exists(
        measurement.power_of_ten_multiplier,
        &measurement.unknown_elements,
        "powerOfTenMultiplier",
    )
}

/// Whether the measurement has a `uom` element.
pub(super) fn has_uom(measurement: &SummaryMeasurement) -> bool {
    exists(measurement.uom, &measurement.unknown_elements, "uom")
}

/// The elements GBA reads from UsageSummary and the deprecated ElectricPowerUsageSummary
/// alike: whether each simple one exists, and the complex ones.
pub(super) struct SummaryView<'a> {
    pub(super) billing_period: Option<&'a DateTimeInterval>,
    pub(super) bill_last_period: bool,
    pub(super) bill_to_date: bool,
    pub(super) cost_additional_last_period: bool,
    pub(super) currency: bool,
    pub(super) overall_consumption_last_period: bool,
    pub(super) current_billing_period: Option<&'a SummaryMeasurement>,
    pub(super) current_day_overall: Option<&'a SummaryMeasurement>,
    pub(super) peak_demand: Option<&'a SummaryMeasurement>,
    pub(super) previous_day_overall: Option<&'a SummaryMeasurement>,
    pub(super) quality_of_reading: bool,
    pub(super) ratchet_demand: Option<&'a SummaryMeasurement>,
    pub(super) ratchet_demand_period: Option<&'a DateTimeInterval>,
    pub(super) status_time_stamp: bool,
    pub(super) name: &'static str,
}

macro_rules! summary_view {
    ($s:expr, $name:literal) => {
        SummaryView {
            billing_period: $s.billing_period.as_ref(),
            bill_last_period: exists($s.bill_last_period, &$s.unknown_elements, "billLastPeriod"),
            bill_to_date: exists($s.bill_to_date, &$s.unknown_elements, "billToDate"),
            cost_additional_last_period: exists(
                $s.cost_additional_last_period,
                &$s.unknown_elements,
                "costAdditionalLastPeriod",
            ),
            currency: exists($s.currency, &$s.unknown_elements, "currency"),
            overall_consumption_last_period: $s.overall_consumption_last_period.is_some(),
            current_billing_period: $s.current_billing_period_over_all_consumption.as_ref(),
            current_day_overall: $s.current_day_overall_consumption.as_ref(),
            peak_demand: $s.peak_demand.as_ref(),
            previous_day_overall: $s.previous_day_overall_consumption.as_ref(),
            quality_of_reading: exists(
                $s.quality_of_reading,
                &$s.unknown_elements,
                "qualityOfReading",
            ),
            ratchet_demand: $s.ratchet_demand.as_ref(),
            ratchet_demand_period: $s.ratchet_demand_period.as_ref(),
            status_time_stamp: exists(
                $s.status_time_stamp,
                &$s.unknown_elements,
                "statusTimeStamp",
            ),
            name: $name,
        }
    };
}

pub(super) fn summary_view(resource: &Resource) -> Option<SummaryView<'_>> {
    match resource {
        Resource::UsageSummary(s) => Some(summary_view!(s, "UsageSummary")),
        Resource::ElectricPowerUsageSummary(s) => {
            Some(summary_view!(s, "ElectricPowerUsageSummary"))
        }
        _ => None,
    }
}

/// A ReadingType predicate over its (accumulationBehaviour, commodity, flowDirection, kind,
/// uom) codes.
pub(super) type RtTest = fn(&RtCodes) -> bool;

/// The numbers XPath reads from a ReadingType's codes.
#[derive(Debug, Clone)]
pub(super) struct RtCodes {
    pub(super) acc: Numbers,
    pub(super) commodity: Numbers,
    pub(super) flow: Numbers,
    pub(super) kind: Numbers,
    pub(super) uom: Numbers,
}

pub(super) fn rt_codes(rt: &ReadingType) -> RtCodes {
    let raw = &rt.unknown_elements;
    RtCodes {
        acc: Numbers::of(rt.accumulation_behaviour, raw, "accumulationBehaviour"),
        commodity: Numbers::of(rt.commodity, raw, "commodity"),
        flow: Numbers::of(rt.flow_direction, raw, "flowDirection"),
        kind: Numbers::of(rt.kind, raw, "kind"),
        uom: Numbers::of(rt.uom, raw, "uom"),
    }
}

/// Whether the feed or entry has an `atom:id`.
pub(super) fn has_id(meta: &Metadata) -> bool {
    atom_exists(meta, &meta.id, "id")
}

/// Whether the feed or entry has an `atom:title`.
pub(super) fn has_title(meta: &Metadata) -> bool {
    atom_exists(meta, &meta.title, "title")
}

/// Whether the entry has an `atom:published`.
pub(super) fn has_published(meta: &Metadata) -> bool {
    atom_exists(meta, &meta.published, "published")
}

/// Whether the feed or entry has an `atom:updated`.
pub(super) fn has_updated(meta: &Metadata) -> bool {
    atom_exists(meta, &meta.updated, "updated")
}

pub(super) fn blocks_of(entry: &Entry) -> impl Iterator<Item = &IntervalBlock> {
    entry.content.iter().filter_map(|r| match r {
        Resource::IntervalBlock(block) => Some(block),
        _ => None,
    })
}

pub(super) fn reading_types_of(entry: &Entry) -> impl Iterator<Item = &ReadingType> {
    entry.content.iter().filter_map(|r| match r {
        Resource::ReadingType(rt) => Some(rt),
        _ => None,
    })
}
