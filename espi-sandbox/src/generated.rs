//! Generated customers for a sandbox that serves a fleet ([`Generated`]).

use crate::config::CustomerData;
use espi_model::atom::{Entry, Feed, Link, Metadata};
use espi_model::code_list::{
    AccumulationKind, CodeList, CommodityKind, Currency, FlowDirectionKind, MeasurementKind,
    ServiceKind, UnitMultiplierKind, UnitSymbolKind,
};
use espi_model::dst::DstRule;
use espi_model::interval::DateTimeInterval;
use espi_model::interval_block::{IntervalBlock, IntervalReading};
use espi_model::local_time_parameters::LocalTimeParameters;
use espi_model::meter_reading::MeterReading;
use espi_model::reading_type::ReadingType;
use espi_model::usage_point::{ServiceCategory, UsagePoint};
use espi_model::{atom::Document, resource::Resource};

const DAY: i64 = 86_400;
const HOUR: u32 = 3_600;
/// Where the generated hrefs point before the sandbox rewrites them.
const SOURCE: &str = "https://generated.example/DataCustodian/espi/1_1/resource";
/// US Central standard time and its DST rules (second Sunday of March, first Sunday
/// of November, 02:00).
const TZ_OFFSET: i64 = -21_600;
const DST_START_RULE: u32 = 0x360E_2000;
const DST_END_RULE: u32 = 0xB40E_2000;
/// $0.12 per kWh, in 1/100 000 USD per Wh.
const PRICE_PER_WH: i64 = 12;

/// N retail customers of generated data, each with one electricity
/// UsagePoint of hourly readings in daily IntervalBlocks, so that a sandbox can serve
/// a fleet (`espi-sandbox --customers N`).
///
/// Each customer has a UsagePoint (US Central time), its LocalTimeParameters, one
/// MeterReading and its ReadingType (Wh, hourly, USD), then one IntervalBlock per UTC
/// day of [`Generated::first_day`] + [`Generated::days`] days: 24 readings with their
/// own `timePeriod`, a value in Wh and a cost. Values are a household profile plus
/// noise drawn from the customer's number and the hour, so every run serves the same
/// data and customers differ. Entries link by the ESPI URL pattern under a
/// `generated.example` base; the sandbox places them in its own URL space as it does
/// any file's.
///
/// ```
/// use espi_sandbox::Generated;
/// let generated = Generated::new(2, 1_700_006_400, 3);
/// let customers = generated.customers();
/// assert_eq!(customers.len(), 2);
/// assert_eq!(generated.readings_per_customer(), 72);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generated {
    /// How many retail customers.
    pub customers: usize,
    /// The first day's UTC midnight, epoch seconds.
    pub first_day: i64,
    /// How many days of data.
    pub days: u32,
}

impl Generated {
    /// The scope the sandbox offers for generated data: usage with hourly readings
    /// in daily blocks, 24 months of history.
    pub const SCOPE: &'static str =
        "FB=1_3_4_5_13_14_39;IntervalDuration=3600;BlockDuration=daily;HistoryLength=24";

    /// `customers` customers with `days` days of data from `first_day` (rounded down
    /// to its UTC midnight).
    pub fn new(customers: usize, first_day: i64, days: u32) -> Generated {
        Generated {
            customers,
            first_day: first_day.div_euclid(DAY) * DAY,
            days,
        }
    }

    /// `customers` customers with `days` days of data ending at the UTC midnight at
    /// or before `now`.
    pub fn ending_at(customers: usize, now: i64, days: u32) -> Generated {
        let end = now.div_euclid(DAY) * DAY;
        Generated::new(customers, end - i64::from(days) * DAY, days)
    }

    /// The end of the data, epoch seconds (exclusive).
    pub fn end(&self) -> i64 {
        self.first_day + i64::from(self.days) * DAY
    }

    /// Readings of each customer.
    pub fn readings_per_customer(&self) -> u64 {
        u64::from(self.days) * 24
    }

    /// Every customer's data, customer 1 first.
    pub fn customers(&self) -> Vec<CustomerData> {
        (1..=self.customers)
            .map(|customer| CustomerData {
                usage: vec![self.usage(customer)],
                customer: Vec::new(),
            })
            .collect()
    }

    /// The value and cost of customer `customer`'s reading starting at `start`.
    pub fn reading(customer: usize, start: i64) -> (i64, i64) {
        let local = start + TZ_OFFSET;
        let hour = local.rem_euclid(DAY) / 3_600;
        let shape = match hour {
            0..=5 => 350,
            6..=8 => 900,
            9..=16 => 550,
            17..=21 => 1_200,
            _ => 650,
        };
        let noise = mix((customer as u64) << 32 ^ start as u64) % 400;
        let value = shape + noise as i64;
        (value, value * PRICE_PER_WH)
    }

    /// A feed of customer `customer`'s IntervalBlocks for `days` days from
    /// `first_day` (its UTC midnight), linked to the customer's MeterReading as the
    /// generated data links: what the sandbox's add-usage route takes.
    pub fn blocks(customer: usize, first_day: i64, days: u32) -> Document {
        let first_day = first_day.div_euclid(DAY) * DAY;
        let entries = (0..i64::from(days))
            .map(|day| block(customer, first_day + day * DAY))
            .collect();
        Document::Feed(Feed {
            entries,
            ..Feed::default()
        })
    }

    fn usage(&self, customer: usize) -> Document {
        let paths = Paths::of(customer);
        let date = rfc3339(self.first_day);
        let mut entries = vec![
            entry(
                &date,
                vec![
                    Link::new("self", &paths.usage_point),
                    Link::new("up", &format!("{}/UsagePoint", paths.subscription)),
                    Link::new("related", &format!("{}/MeterReading", paths.usage_point)),
                    Link::new("related", &paths.local_time),
                ],
                Resource::UsagePoint(UsagePoint {
                    service_category: Some(ServiceCategory {
                        kind: Some(ServiceKind::from_code(0)),
                        ..ServiceCategory::default()
                    }),
                    ..UsagePoint::default()
                }),
            ),
            entry(
                &date,
                vec![
                    Link::new("self", &paths.local_time),
                    Link::new("up", &format!("{SOURCE}/LocalTimeParameters")),
                ],
                Resource::LocalTimeParameters(LocalTimeParameters {
                    dst_end_rule: Some(DstRule(DST_END_RULE)),
                    dst_offset: Some(3_600),
                    dst_start_rule: Some(DstRule(DST_START_RULE)),
                    tz_offset: Some(TZ_OFFSET),
                    ..LocalTimeParameters::default()
                }),
            ),
            entry(
                &date,
                vec![
                    Link::new("self", &paths.meter_reading),
                    Link::new("up", &format!("{}/MeterReading", paths.usage_point)),
                    Link::new("related", &paths.blocks),
                    Link::new("related", &paths.reading_type),
                ],
                Resource::MeterReading(MeterReading::default()),
            ),
            entry(
                &date,
                vec![
                    Link::new("self", &paths.reading_type),
                    Link::new("up", &format!("{SOURCE}/ReadingType")),
                ],
                Resource::ReadingType(ReadingType {
                    accumulation_behaviour: Some(AccumulationKind::from_code(4)),
                    commodity: Some(CommodityKind::from_code(1)),
                    currency: Some(Currency::from_code(840)),
                    flow_direction: Some(FlowDirectionKind::from_code(1)),
                    interval_length: Some(HOUR),
                    kind: Some(MeasurementKind::from_code(12)),
                    power_of_ten_multiplier: Some(UnitMultiplierKind::from_code(0)),
                    uom: Some(UnitSymbolKind::from_code(72)),
                    ..ReadingType::default()
                }),
            ),
        ];
        entries.extend(
            (0..i64::from(self.days)).map(|day| block(customer, self.first_day + day * DAY)),
        );
        Document::Feed(Feed {
            entries,
            ..Feed::default()
        })
    }
}

/// The source hrefs of one customer's resources.
struct Paths {
    subscription: String,
    usage_point: String,
    meter_reading: String,
    blocks: String,
    reading_type: String,
    local_time: String,
}

impl Paths {
    fn of(customer: usize) -> Paths {
        let subscription = format!("{SOURCE}/Subscription/{customer}");
        let usage_point = format!("{subscription}/UsagePoint/1");
        let meter_reading = format!("{usage_point}/MeterReading/1");
        Paths {
            blocks: format!("{meter_reading}/IntervalBlock"),
            reading_type: format!("{SOURCE}/ReadingType/{customer}"),
            local_time: format!("{SOURCE}/LocalTimeParameters/{customer}"),
            subscription,
            usage_point,
            meter_reading,
        }
    }
}

/// Customer `customer`'s IntervalBlock of the UTC day starting at `start`.
fn block(customer: usize, start: i64) -> Entry {
    let paths = Paths::of(customer);
    let readings = (0..24)
        .map(|hour| {
            let begin = start + i64::from(hour * HOUR);
            let (value, cost) = Generated::reading(customer, begin);
            IntervalReading {
                cost: Some(cost),
                time_period: Some(DateTimeInterval::new(begin, HOUR)),
                value: Some(value),
                ..IntervalReading::default()
            }
        })
        .collect();
    entry(
        &rfc3339(start + DAY),
        vec![
            Link::new("self", &format!("{}/{}", paths.blocks, start / DAY)),
            Link::new("up", &paths.blocks),
        ],
        Resource::IntervalBlock(IntervalBlock {
            interval: Some(DateTimeInterval::new(start, 24 * HOUR)),
            interval_reading: readings,
            ..IntervalBlock::default()
        }),
    )
}

fn entry(date: &str, links: Vec<Link>, resource: Resource) -> Entry {
    Entry {
        meta: Metadata {
            published: Some(date.to_owned()),
            updated: Some(date.to_owned()),
            links,
            ..Metadata::default()
        },
        content: vec![resource],
        ..Entry::default()
    }
}

fn rfc3339(epoch: i64) -> String {
    chrono::DateTime::from_timestamp(epoch, 0).map_or_else(
        || epoch.to_string(),
        |at| at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    )
}

/// SplitMix64's finaliser: a well-spread hash of a number.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn customers_differ_and_repeat() {
        let generated = Generated::ending_at(3, 1_700_050_000, 2);
        assert_eq!(generated.end(), 1_700_006_400);
        let sums: Vec<i64> = generated
            .customers()
            .iter()
            .map(|customer| {
                customer.usage[0]
                    .resources()
                    .filter_map(|resource| match resource {
                        Resource::IntervalBlock(block) => Some(
                            block
                                .interval_reading
                                .iter()
                                .filter_map(|reading| reading.value)
                                .sum::<i64>(),
                        ),
                        _ => None,
                    })
                    .sum()
            })
            .collect();
        assert_eq!(sums.len(), 3);
        assert_ne!(sums[0], sums[1]);
        assert_eq!(
            Generated::reading(2, 1_700_000_000),
            Generated::reading(2, 1_700_000_000)
        );
    }
}
