//! The flat view: every interval reading of a linked feed with its derived values.

use crate::atom::Entry;
use crate::code_list::QualityOfReading;
use crate::interval_block::{IntervalBlock, IntervalReading};
use crate::link::UsageTree;
use crate::local_time::LocalTimeRules;
use crate::raw::RawList;
use crate::reading_type::{ReadingType, cost_amount};
use crate::resource::Resource;
use chrono::{DateTime, FixedOffset, Utc};
use rust_decimal::Decimal;

/// One interval reading with the context needed to interpret it.
#[derive(Debug, Clone, Copy)]
pub struct FlatReading<'a> {
    /// Index of the UsagePoint entry.
    pub usage_point: usize,
    /// Index of the MeterReading entry.
    pub meter_reading: usize,
    /// The MeterReading's ReadingType, when linked.
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

    /// The start in the UsagePoint's local time (LocalTimeParameters).
    pub fn local_start(&self) -> Option<DateTime<FixedOffset>> {
        self.local_time?.to_local(self.start?).ok()
    }

    /// The value × 10^powerOfTenMultiplier as an exact decimal in [`FlatReading::unit`].
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

    /// The unit label of the scaled value, e.g. "kWh".
    pub fn unit(&self) -> String {
        self.reading_type
            .map(ReadingType::unit_label)
            .unwrap_or_default()
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

/// Every reading of the linked tree, in tree order (UsagePoint, MeterReading, block).
pub fn flat_readings<'a>(
    entries: &'a [Entry],
    tree: &'a UsageTree,
) -> impl Iterator<Item = FlatReading<'a>> + 'a {
    tree.usage_points.iter().flat_map(move |point| {
        let local_time = point.local_time_parameters.and_then(|index| {
            match entries.get(index).and_then(Entry::resource) {
                Some(Resource::LocalTimeParameters(parameters)) => parameters.rules(),
                _ => None,
            }
        });
        point.meter_readings.iter().flat_map(move |meter_reading| {
            let reading_type = meter_reading.reading_type.and_then(|index| {
                match entries.get(index).and_then(Entry::resource) {
                    Some(Resource::ReadingType(reading_type)) => Some(reading_type),
                    _ => None,
                }
            });
            let context = FlatReading {
                usage_point: point.entry,
                meter_reading: meter_reading.entry,
                reading_type,
                local_time,
                reading: &EMPTY_READING,
                start: None,
                duration: None,
            };
            meter_reading
                .interval_blocks
                .iter()
                .flat_map(move |&index| {
                    entries
                        .get(index)
                        .into_iter()
                        .flat_map(|entry| entry.content.iter())
                })
                .filter_map(|resource| match resource {
                    Resource::IntervalBlock(block) => Some(block),
                    _ => None,
                })
                .flat_map(move |block| block_readings(block, context))
        })
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
