//! The flat view: every interval reading of a linked feed with its derived values.

use crate::atom::Entry;
use crate::code_list::QualityOfReading;
use crate::interval_block::{IntervalBlock, IntervalReading};
use crate::link::UsageTree;
use crate::local_time::{LocalTimeError, LocalTimeRules};
use crate::quantity::Quantity;
use crate::raw::RawList;
use crate::reading_type::{ReadingType, cost_amount};
use crate::resource::Resource;
use chrono::{DateTime, FixedOffset, Utc};
use rust_decimal::Decimal;

/// One interval reading with the context needed to interpret it.
#[derive(Debug, Clone, Copy)]
pub struct FlatReading<'a> {
    /// Index of the UsagePoint entry, when known.
    pub usage_point: Option<usize>,
    /// Index of the MeterReading entry, when known.
    pub meter_reading: Option<usize>,
    /// Index of the IntervalBlock entry.
    pub interval_block: usize,
    /// Whether the block is in the linked tree. `false` for a block linking could not
    /// place (a [`LinkProblem`](crate::link::LinkProblem)): its UsagePoint,
    /// MeterReading, ReadingType and local time are what its links still tell
    /// ([`UnplacedBlocks`](crate::link::UnplacedBlocks)), and may be unknown.
    pub linked: bool,
    /// The MeterReading's ReadingType, when known.
    pub reading_type: Option<&'a ReadingType>,
    /// The UsagePoint's local time rules, when it links complete LocalTimeParameters.
    pub local_time: Option<LocalTimeRules>,
    /// The reading as stored.
    pub reading: &'a IntervalReading,
    /// Start in epoch seconds: the reading's timePeriod, or for a reading without one
    /// the end of the previous reading (the block's start for the first).
    pub start: Option<i64>,
    /// Duration in seconds: the timePeriod's, or the ReadingType's intervalLength.
    pub duration: Option<u32>,
}

impl FlatReading<'_> {
    /// The start as a UTC date-time.
    pub fn start_utc(&self) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp(self.start?, 0)
    }

    /// The start on the UsagePoint's local clock (LocalTimeParameters, DST included).
    ///
    /// `Ok(None)` when the start or the LocalTimeParameters are unknown. An error when
    /// the LocalTimeParameters cannot be applied (a DST rule that does not decode, an
    /// offset out of range): local time is then unknown rather than silently wrong.
    /// [`FlatReading::standard_start`] still gives the start on standard time, and
    /// [`FlatReading::start_utc`] the instant.
    pub fn local_start(&self) -> Result<Option<DateTime<FixedOffset>>, LocalTimeError> {
        match (self.local_time, self.start) {
            (Some(rules), Some(start)) => rules.to_local(start).map(Some),
            _ => Ok(None),
        }
    }

    /// The start on the UsagePoint's standard time (`tzOffset`, DST ignored): the
    /// fallback when [`FlatReading::local_start`] fails because of the DST rules.
    /// `Ok(None)` when the start or the LocalTimeParameters are unknown.
    pub fn standard_start(&self) -> Result<Option<DateTime<FixedOffset>>, LocalTimeError> {
        match (self.local_time, self.start) {
            (Some(rules), Some(start)) => rules.to_standard(start).map(Some),
            _ => Ok(None),
        }
    }

    /// The value × 10^powerOfTenMultiplier as an exact decimal in [`FlatReading::unit`]
    /// (the raw value when the ReadingType is unknown).
    pub fn value(&self) -> Option<Decimal> {
        let value = self.reading.value?;
        match self.reading_type {
            Some(reading_type) => reading_type.scaled_value(value),
            None => Some(Decimal::from(value)),
        }
    }

    /// The scaled value as a float.
    pub fn value_f64(&self) -> Option<f64> {
        let value = self.reading.value?;
        Some(self.reading_type.map_or(value as f64, |reading_type| {
            reading_type.scaled_value_f64(value)
        }))
    }

    /// The unit [`FlatReading::value`] is in: the ReadingType's `uom`, e.g. "Wh", "m³"
    /// ("" when unknown). The power of ten is in the value, never in this label.
    pub fn unit(&self) -> String {
        self.reading_type
            .map(ReadingType::unit_label)
            .unwrap_or_default()
    }

    /// The scaled value with its unit, for conversions ([`Quantity::kwh`] and others).
    /// `None` without a value or a known unit.
    pub fn quantity(&self) -> Option<Quantity> {
        self.reading_type?.quantity(self.reading.value?)
    }

    /// The cost in currency units (the wire value is in 1/100 000).
    pub fn cost(&self) -> Option<Decimal> {
        self.reading.cost.map(cost_amount)
    }

    /// The reading's first ReadingQuality, or the ReadingType's defaultQuality.
    pub fn quality(&self) -> Option<QualityOfReading> {
        self.reading
            .reading_quality
            .first()
            .and_then(|quality| quality.quality)
            .or_else(|| self.reading_type?.default_quality)
    }
}

/// Every reading of every IntervalBlock entry: first those of the linked tree in tree
/// order (UsagePoint, MeterReading, block), then those of the blocks linking could not
/// place ([`UsageTree::unplaced`], with `linked` false), group by group. Nothing is
/// left out: each IntervalReading of an IntervalBlock entry appears once.
pub fn flat_readings<'a>(
    entries: &'a [Entry],
    tree: &'a UsageTree,
) -> impl Iterator<Item = FlatReading<'a>> + 'a {
    let linked = tree.usage_points.iter().flat_map(move |point| {
        point.meter_readings.iter().flat_map(move |meter_reading| {
            let group = Group {
                usage_point: Some(point.entry),
                meter_reading: Some(meter_reading.entry),
                reading_type: meter_reading.reading_type,
                local_time_parameters: point.local_time_parameters,
                linked: true,
            };
            group_readings(entries, group, &meter_reading.interval_blocks)
        })
    });
    let unplaced = tree.unplaced.iter().flat_map(move |unplaced| {
        let group = Group {
            usage_point: unplaced.usage_point,
            meter_reading: unplaced.meter_reading,
            reading_type: unplaced.reading_type,
            local_time_parameters: unplaced.local_time_parameters,
            linked: false,
        };
        group_readings(entries, group, &unplaced.interval_blocks)
    });
    linked.chain(unplaced)
}

/// The entries that interpret one group of blocks.
#[derive(Clone, Copy)]
struct Group {
    usage_point: Option<usize>,
    meter_reading: Option<usize>,
    reading_type: Option<usize>,
    local_time_parameters: Option<usize>,
    linked: bool,
}

/// The readings of a group's blocks, in block order.
fn group_readings<'a>(
    entries: &'a [Entry],
    group: Group,
    blocks: &'a [usize],
) -> impl Iterator<Item = FlatReading<'a>> + 'a {
    let resource = |index: Option<usize>| entries.get(index?).and_then(Entry::resource);
    let local_time = match resource(group.local_time_parameters) {
        Some(Resource::LocalTimeParameters(parameters)) => parameters.rules(),
        _ => None,
    };
    let reading_type = match resource(group.reading_type) {
        Some(Resource::ReadingType(reading_type)) => Some(reading_type),
        _ => None,
    };
    blocks.iter().flat_map(move |&index| {
        let context = FlatReading {
            usage_point: group.usage_point,
            meter_reading: group.meter_reading,
            interval_block: index,
            linked: group.linked,
            reading_type,
            local_time,
            reading: &EMPTY_READING,
            start: None,
            duration: None,
        };
        entries
            .get(index)
            .into_iter()
            .flat_map(|entry| entry.content.iter())
            .filter_map(|resource| match resource {
                Resource::IntervalBlock(block) => Some(block),
                _ => None,
            })
            .flat_map(move |block| block_readings(block, context))
    })
}

static EMPTY_READING: IntervalReading = IntervalReading {
    extension: RawList::new(),
    cost: None,
    reading_quality: Vec::new(),
    time_period: None,
    value: None,
    consumption_tier: None,
    tou: None,
    cpp: None,
    unknown_elements: RawList::new(),
};

/// The readings of one block, placing readings without a timePeriod one after the other.
fn block_readings<'a>(
    block: &'a IntervalBlock,
    context: FlatReading<'a>,
) -> impl Iterator<Item = FlatReading<'a>> + 'a {
    let interval_length = context
        .reading_type
        .and_then(|reading_type| reading_type.interval_length);
    let block_start = block.interval.as_ref().and_then(|interval| interval.start);
    block
        .interval_reading
        .iter()
        .scan(block_start, move |cursor, reading| {
            let period = reading.time_period.as_ref();
            let start = period.and_then(|period| period.start).or(*cursor);
            let duration = period
                .and_then(|period| period.duration)
                .or(interval_length);
            *cursor = match (start, duration) {
                (Some(start), Some(duration)) => start.checked_add(i64::from(duration)),
                _ => None,
            };
            Some(FlatReading {
                reading,
                start,
                duration,
                ..context
            })
        })
}
