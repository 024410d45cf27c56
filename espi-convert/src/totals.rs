//! Daily or monthly usage and cost per meter reading, on the usage point's local clock.
//!
//! [`usage_totals`] reads the document through the same streaming pipeline as
//! [`write_csv`](crate::csv::write_csv) and adds each reading's scaled value and cost
//! to the period its start falls in: the day (or month) of `start_local`, the usage
//! point's clock. A reading counts whole in the period it starts in (a reading that
//! spans midnight is not split). Where the DST rules do not decode, the day is on
//! standard time; without LocalTimeParameters it is the UTC day. Each [`Series`]
//! says how many of its readings were placed on each clock, and whether its readings
//! were linked, so that a total never hides what it is made of.
//!
//! ```
//! use espi_convert::totals::{Granularity, usage_totals};
//!
//! let mut xml = Vec::new();
//! let stats = espi_xml::synthetic::write_feed(&mut xml, 200_000, false)?;
//! let totals = usage_totals(&xml[..], Default::default(), Granularity::Day, espi_convert::MAX_PENDING_READINGS)?;
//! let series = &totals.series[0];
//! assert_eq!((series.unit.as_str(), series.currency.as_str()), ("Wh", "USD"));
//! // Days of 96 readings from local midnight (US Central).
//! assert_eq!(series.periods[0].start.to_string(), "2020-01-01");
//! assert_eq!(series.periods[0].readings, 96);
//! let value: rust_decimal::Decimal = series.periods.iter().map(|period| period.value).sum();
//! assert_eq!(value, stats.value_sum.into());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::csv::{CsvRow, LocalClock};
use crate::stream::{self, RowSink};
use crate::{ConvertError, ConvertReport};
use chrono::{Datelike, NaiveDate};
use espi_xml::ReaderOptions;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::BufRead;

/// How long each total's period is: a calendar day or a calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Granularity {
    /// A calendar day.
    Day,
    /// A calendar month.
    Month,
}

impl Granularity {
    /// The first day of the period `date` falls in.
    pub fn start_of(self, date: NaiveDate) -> NaiveDate {
        match self {
            Granularity::Day => date,
            Granularity::Month => date.with_day(1).unwrap_or(date),
        }
    }

    /// How a period starting on `start` is written: `2024-03-10` for a day,
    /// `2024-03` for a month.
    pub fn label(self, start: NaiveDate) -> String {
        match self {
            Granularity::Day => start.format("%Y-%m-%d").to_string(),
            Granularity::Month => start.format("%Y-%m").to_string(),
        }
    }
}

impl fmt::Display for Granularity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Granularity::Day => "day",
            Granularity::Month => "month",
        })
    }
}

/// The totals of a document: one [`Series`] per meter reading (and unit), with the
/// report of the conversion (unlinked blocks, local time warnings, diagnostics).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct UsageTotals {
    /// The length of the periods.
    pub period: Granularity,
    /// One series per meter reading, in the order their first reading came.
    pub series: Vec<Series>,
    /// What the conversion found besides the readings.
    pub report: ConvertReport,
}

/// The totals of one meter reading, period by period.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Series {
    /// The UsagePoint's `self` href ("" when not known).
    pub usage_point: String,
    /// The MeterReading's `self` href; for blocks of no known MeterReading, their `up`.
    pub meter_reading: String,
    /// Whether the linked tree placed the readings (false: their links did not resolve).
    pub linked: bool,
    /// The UsagePoint's service kind ("electricity"), "" when not known.
    pub service_kind: String,
    /// The ReadingType's flow direction ("forward"), "" when not known.
    pub flow_direction: String,
    /// The unit of [`PeriodTotal::value`] ("Wh", "m³"), "" when not known.
    pub unit: String,
    /// The currency of [`PeriodTotal::cost`] ("USD"), "" when not known.
    pub currency: String,
    /// The periods that have readings, in time order.
    pub periods: Vec<PeriodTotal>,
    /// Readings placed on the usage point's local clock.
    pub local_readings: u64,
    /// Readings placed on standard time: the DST rules did not decode.
    pub standard_time_readings: u64,
    /// Readings placed on the UTC day: no LocalTimeParameters.
    pub utc_readings: u64,
    /// Readings without a start, in no period (their value is in no total).
    pub undated_readings: u64,
}

/// The readings of one period of a [`Series`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PeriodTotal {
    /// The first day of the period, on the clock the series' readings are placed on.
    pub start: NaiveDate,
    /// Readings that start in the period.
    pub readings: u64,
    /// The sum of their scaled values, in the series' unit, exact.
    pub value: Decimal,
    /// Readings that have a value.
    pub readings_with_value: u64,
    /// The sum of their costs, in the series' currency, exact.
    pub cost: Decimal,
    /// Readings that have a cost.
    pub readings_with_cost: u64,
}

/// Reads `input` and adds up its readings per meter reading and period.
///
/// The reader `options` and `max_pending_readings` are those of
/// [`write_csv`](crate::csv::write_csv). A sum that overflows 96 bits is
/// [`ConvertError::TotalOverflow`], never wrapped.
pub fn usage_totals<R: BufRead>(
    input: R,
    options: ReaderOptions,
    period: Granularity,
    max_pending_readings: usize,
) -> Result<UsageTotals, ConvertError> {
    let mut sink = TotalsSink {
        period,
        series: Vec::new(),
        index: HashMap::new(),
    };
    let report = stream::convert(input, options, max_pending_readings, &mut sink)?;
    let series = sink
        .series
        .into_iter()
        .map(|(series, periods)| Series {
            periods: periods.into_values().collect(),
            ..series
        })
        .collect();
    Ok(UsageTotals {
        period,
        series,
        report,
    })
}

/// What tells one series from another.
type SeriesKey = (String, String, bool, String, String);

struct TotalsSink {
    period: Granularity,
    series: Vec<(Series, BTreeMap<NaiveDate, PeriodTotal>)>,
    index: HashMap<SeriesKey, usize>,
}

impl RowSink for TotalsSink {
    fn row(&mut self, row: &CsvRow<'_>) -> Result<(), ConvertError> {
        let key = (
            row.usage_point.to_owned(),
            row.meter_reading.to_owned(),
            row.linked,
            row.unit.to_owned(),
            row.currency.to_owned(),
        );
        let next = self.series.len();
        let index = *self.index.entry(key).or_insert(next);
        if index == next {
            self.series.push((new_series(row), BTreeMap::new()));
        }
        let (series, periods) = &mut self.series[index];
        let date = match (row.start_local, row.start_utc) {
            (Some(local), _) => local.date_naive(),
            (None, Some(utc)) => utc.date_naive(),
            (None, None) => {
                series.undated_readings += 1;
                return Ok(());
            }
        };
        match (row.start_local, row.local_clock) {
            (None, _) => series.utc_readings += 1,
            (Some(_), LocalClock::Standard) => series.standard_time_readings += 1,
            (Some(_), _) => series.local_readings += 1,
        }
        let start = self.period.start_of(date);
        let total = periods.entry(start).or_insert_with(|| PeriodTotal {
            start,
            readings: 0,
            value: Decimal::ZERO,
            readings_with_value: 0,
            cost: Decimal::ZERO,
            readings_with_cost: 0,
        });
        let overflow = || ConvertError::TotalOverflow {
            meter_reading: row.meter_reading.to_owned(),
            period: self.period.label(start),
        };
        total.readings += 1;
        if let Some(value) = row.scaled_value {
            total.value = total.value.checked_add(value).ok_or_else(overflow)?;
            total.readings_with_value += 1;
        }
        if let Some(cost) = row.cost {
            total.cost = total.cost.checked_add(cost).ok_or_else(overflow)?;
            total.readings_with_cost += 1;
        }
        Ok(())
    }
}

fn new_series(row: &CsvRow<'_>) -> Series {
    Series {
        usage_point: row.usage_point.to_owned(),
        meter_reading: row.meter_reading.to_owned(),
        linked: row.linked,
        service_kind: row.service_kind.to_owned(),
        flow_direction: row.flow_direction.to_owned(),
        unit: row.unit.to_owned(),
        currency: row.currency.to_owned(),
        periods: Vec::new(),
        local_readings: 0,
        standard_time_readings: 0,
        utc_readings: 0,
        undated_readings: 0,
    }
}

impl Series {
    /// The sum of the values of every period (`None` if it overflows 96 bits).
    pub fn total_value(&self) -> Option<Decimal> {
        self.periods
            .iter()
            .try_fold(Decimal::ZERO, |sum, period| sum.checked_add(period.value))
    }

    /// The sum of the costs of every period (`None` if it overflows 96 bits).
    pub fn total_cost(&self) -> Option<Decimal> {
        self.periods
            .iter()
            .try_fold(Decimal::ZERO, |sum, period| sum.checked_add(period.cost))
    }

    /// What a reader of the totals should know about this series, in words: which
    /// clock its days are on, whether it is linked, what has no period. Empty when
    /// all its readings are linked and on the local clock.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if !self.linked {
            notes.push("not linked to a usage point (its links do not resolve)".to_owned());
        }
        if self.standard_time_readings > 0 {
            notes.push(format!(
                "{} readings on standard time (the DST rules do not decode)",
                self.standard_time_readings
            ));
        }
        if self.utc_readings > 0 {
            notes.push(format!(
                "{} readings on UTC days (no LocalTimeParameters)",
                self.utc_readings
            ));
        }
        if self.undated_readings > 0 {
            notes.push(format!(
                "{} readings without a start, in no period",
                self.undated_readings
            ));
        }
        notes
    }
}
