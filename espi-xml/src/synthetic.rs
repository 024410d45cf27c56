//! A synthetic, schema-valid, interval-heavy Green Button feed of any size, streamed
//! through [`Writer`]: test data for benchmarks, load tests and downstream
//! applications that need a large realistic file without a customer's data.
//!
//! ```
//! let mut xml = Vec::new();
//! let stats = espi_xml::synthetic::write_feed(&mut xml, 100_000, false)?;
//! assert_eq!(stats.bytes, xml.len() as u64);
//! assert_eq!(stats.readings, stats.interval_blocks * 96);
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! The feed holds one electricity UsagePoint in US Central time (as Ameren Illinois
//! would publish it), its LocalTimeParameters, one MeterReading with its ReadingType
//! (Wh, 15-minute delta data, USD) and then one IntervalBlock entry per day from
//! 2020-01-01, 96 readings a day with value and cost, every 10th reading with a
//! ReadingQuality, until the output reaches the requested size. [`write_feed_with`]
//! can cut the days into shorter blocks (down to one reading an entry, the shape that
//! costs a reader the most per byte). Entries are linked
//! in the ESPI URL pattern (`…/espi/1_1/resource/Subscription/1/UsagePoint/1/…`).
//!
//! Days start at local *standard* midnight (06:00 UTC), so every block has exactly 96
//! readings, DST days included. All values, ids and dates are deterministic: the
//! same arguments always give the same bytes.

use crate::{WriteOptions, Writer};
use espi_model::atom::Link;
use espi_model::atom::{Entry, Metadata};
use espi_model::code_list::{
    AccumulationKind, CodeList, CommodityKind, Currency, FlowDirectionKind, MeasurementKind,
    QualityOfReading, ServiceKind, UnitMultiplierKind, UnitSymbolKind,
};
use espi_model::dst::DstRule;
use espi_model::interval::DateTimeInterval;
use espi_model::interval_block::{IntervalBlock, IntervalReading, ReadingQuality};
use espi_model::local_time_parameters::LocalTimeParameters;
use espi_model::meter_reading::MeterReading;
use espi_model::reading_type::ReadingType;
use espi_model::resource::Resource;
use espi_model::usage_point::{ServiceCategory, UsagePoint};
use std::cell::Cell;
use std::io::{self, Write};
use std::rc::Rc;

/// What [`write_feed`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FeedStats {
    /// Bytes of XML written, exactly.
    pub bytes: u64,
    /// Atom entries written (4 header entries plus the IntervalBlocks).
    pub entries: u64,
    /// IntervalBlock entries (one per day unless [`FeedShape`] cuts days shorter).
    pub interval_blocks: u64,
    /// IntervalReadings written.
    pub readings: u64,
    /// Sum of every IntervalReading `value` (Wh).
    pub value_sum: i64,
    /// Sum of every IntervalReading `cost` (1/100 000 USD).
    pub cost_sum: i64,
}

/// Readings per day: 24 h of 15-minute intervals.
pub const READINGS_PER_DAY: u32 = 96;

/// The shape of a feed [`write_feed_with`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedShape {
    /// Indent the XML.
    pub indent: bool,
    /// IntervalReadings per IntervalBlock entry, from 1 to [`READINGS_PER_DAY`] (a
    /// day, the default); values that do not divide a day give a shorter last block
    /// each day, and values outside the range are clamped into it.
    pub readings_per_block: u32,
}

impl Default for FeedShape {
    fn default() -> Self {
        FeedShape {
            indent: false,
            readings_per_block: READINGS_PER_DAY,
        }
    }
}
/// Interval length in seconds.
const INTERVAL: u32 = 900;
/// 2020-01-01T00:00:00-06:00 (local standard midnight in US Central time).
const FIRST_DAY: i64 = 1_577_858_400;
/// US Central standard offset and DST offset, in seconds.
const TZ_OFFSET: i64 = -21_600;
const DST_OFFSET: i64 = 3_600;
/// Second Sunday of March / first Sunday of November at 02:00 (US rules since 2007).
const DST_START_RULE: u32 = 0x360E_2000;
const DST_END_RULE: u32 = 0xB40E_2000;
/// Energy price: 12 hundred-thousandths of a dollar per Wh ($0.12/kWh).
const PRICE_PER_WH: i64 = 12;

const BASE: &str = "https://datacustodian.example.com/DataCustodian/espi/1_1/resource";

/// Writes a feed of about `target_bytes` bytes to `out` and returns what was written.
///
/// The IntervalBlock loop stops at the first day boundary where the bytes that have
/// reached `out` are at least `target_bytes` (the writer hands them on in 64 KiB
/// chunks), so the result is at most a day's blocks and 64 KiB larger than asked
/// (about 100 KiB with daily blocks); at least one day is always written. Only one entry is in memory at any time.
pub fn write_feed<W: Write>(out: W, target_bytes: u64, indent: bool) -> io::Result<FeedStats> {
    let shape = FeedShape {
        indent,
        ..FeedShape::default()
    };
    write_feed_with(out, target_bytes, shape)
}

/// [`write_feed`] with the IntervalBlocks cut as `shape` says: the same readings,
/// values and dates, in more, shorter entries.
///
/// ```
/// use espi_xml::synthetic::{FeedShape, write_feed_with};
/// let shape = FeedShape { readings_per_block: 1, ..FeedShape::default() };
/// let stats = write_feed_with(std::io::sink(), 200_000, shape)?;
/// assert_eq!(stats.readings, stats.interval_blocks);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_feed_with<W: Write>(
    out: W,
    target_bytes: u64,
    shape: FeedShape,
) -> io::Result<FeedStats> {
    let indent = shape.indent;
    let per_block = shape.readings_per_block.clamp(1, READINGS_PER_DAY);
    let counted = Rc::new(Cell::new(0u64));
    let sink = CountingSink {
        inner: out,
        count: Rc::clone(&counted),
    };
    let mut writer = Writer::new(sink, WriteOptions::with_indent(indent));
    let mut stats = FeedStats::default();

    let subscription = format!("{BASE}/Subscription/1");
    let usage_point = format!("{subscription}/UsagePoint/1");
    let meter_reading = format!("{usage_point}/MeterReading/1");
    let blocks = format!("{meter_reading}/IntervalBlock");
    let local_time = format!("{BASE}/LocalTimeParameters/1");
    let reading_type = format!("{BASE}/ReadingType/1");
    let header_date = rfc3339(FIRST_DAY);

    writer.start_feed(&Metadata {
        id: Some(uuid(0, 0)),
        title: Some("Green Button Usage Feed".to_owned()),
        updated: Some(header_date.clone()),
        links: vec![Link::new("self", &format!("{BASE}/Batch/Subscription/1"))],
        ..Metadata::default()
    })?;

    let header: [(Metadata, Resource); 4] = [
        (
            metadata(
                1,
                "Electric Service",
                &header_date,
                vec![
                    link("self", &usage_point, "espi-entry/UsagePoint"),
                    link(
                        "up",
                        &format!("{subscription}/UsagePoint"),
                        "espi-feed/UsagePoint",
                    ),
                    link(
                        "related",
                        &format!("{usage_point}/MeterReading"),
                        "espi-feed/MeterReading",
                    ),
                    link("related", &local_time, "espi-entry/LocalTimeParameters"),
                ],
            ),
            Resource::UsagePoint(UsagePoint {
                service_category: Some(ServiceCategory {
                    kind: Some(ServiceKind::from_code(0)),
                    ..ServiceCategory::default()
                }),
                ..UsagePoint::default()
            }),
        ),
        (
            metadata(
                2,
                "DST For Central Time Zone",
                &header_date,
                vec![
                    link("self", &local_time, "espi-entry/LocalTimeParameters"),
                    link(
                        "up",
                        &format!("{BASE}/LocalTimeParameters"),
                        "espi-feed/LocalTimeParameters",
                    ),
                ],
            ),
            Resource::LocalTimeParameters(LocalTimeParameters {
                dst_end_rule: Some(DstRule(DST_END_RULE)),
                dst_offset: Some(DST_OFFSET),
                dst_start_rule: Some(DstRule(DST_START_RULE)),
                tz_offset: Some(TZ_OFFSET),
                ..LocalTimeParameters::default()
            }),
        ),
        (
            metadata(
                3,
                "Fifteen Minute Electricity Consumption",
                &header_date,
                vec![
                    link("self", &meter_reading, "espi-entry/MeterReading"),
                    link(
                        "up",
                        &format!("{usage_point}/MeterReading"),
                        "espi-feed/MeterReading",
                    ),
                    link("related", &blocks, "espi-feed/IntervalBlock"),
                    link("related", &reading_type, "espi-entry/ReadingType"),
                ],
            ),
            Resource::MeterReading(MeterReading::default()),
        ),
        (
            metadata(
                4,
                "Type of Meter Reading Data",
                &header_date,
                vec![
                    link("self", &reading_type, "espi-entry/ReadingType"),
                    link(
                        "up",
                        &format!("{BASE}/ReadingType"),
                        "espi-feed/ReadingType",
                    ),
                ],
            ),
            Resource::ReadingType(ReadingType {
                accumulation_behaviour: Some(AccumulationKind::from_code(4)),
                commodity: Some(CommodityKind::from_code(1)),
                currency: Some(Currency::from_code(840)),
                flow_direction: Some(FlowDirectionKind::from_code(1)),
                interval_length: Some(INTERVAL),
                kind: Some(MeasurementKind::from_code(12)),
                power_of_ten_multiplier: Some(UnitMultiplierKind::from_code(0)),
                uom: Some(UnitSymbolKind::from_code(72)),
                ..ReadingType::default()
            }),
        ),
    ];
    for (meta, resource) in header {
        writer.write_entry(&Entry {
            meta,
            content: vec![resource],
            ..Entry::default()
        })?;
        stats.entries += 1;
    }

    let mut values = Lcg(0x5EED_0F6B_0A11);
    let mut day: i64 = 0;
    // Blocks are numbered in order from 1, whatever their length.
    let mut number: u64 = 0;
    while stats.interval_blocks == 0 || counted.get() < target_bytes {
        let day_start = FIRST_DAY + day * 86_400;
        let mut first = 0;
        while first < READINGS_PER_DAY {
            let count = per_block.min(READINGS_PER_DAY - first);
            let start = day_start + i64::from(first * INTERVAL);
            let end = start + i64::from(count * INTERVAL);
            number += 1;
            let readings = (first..first + count)
                .map(|index| {
                    let begin = day_start + i64::from(index * INTERVAL);
                    let value = load_wh(begin, &mut values);
                    let cost = value * PRICE_PER_WH;
                    stats.readings += 1;
                    stats.value_sum += value;
                    stats.cost_sum += cost;
                    IntervalReading {
                        cost: Some(cost),
                        reading_quality: if index % 10 == 9 {
                            vec![ReadingQuality {
                                quality: Some(QualityOfReading::from_code(if index % 20 == 19 {
                                    8 // estimated using reference day
                                } else {
                                    0 // valid
                                })),
                                ..ReadingQuality::default()
                            }]
                        } else {
                            Vec::new()
                        },
                        time_period: Some(DateTimeInterval::new(begin, INTERVAL)),
                        value: Some(value),
                        ..IntervalReading::default()
                    }
                })
                .collect();
            let date = rfc3339(end);
            let entry = Entry {
                meta: metadata(
                    // Ids 1..=4 are the header entries; blocks follow.
                    4 + number,
                    "",
                    &date,
                    vec![
                        link(
                            "self",
                            &format!("{blocks}/{number}"),
                            "espi-entry/IntervalBlock",
                        ),
                        link("up", &blocks, "espi-feed/IntervalBlock"),
                    ],
                ),
                content: vec![Resource::IntervalBlock(IntervalBlock {
                    interval: Some(DateTimeInterval::new(start, count * INTERVAL)),
                    interval_reading: readings,
                    ..IntervalBlock::default()
                })],
                ..Entry::default()
            };
            writer.write_entry(&entry)?;
            stats.entries += 1;
            stats.interval_blocks += 1;
            first += count;
        }
        day += 1;
    }
    writer.finish()?;
    stats.bytes = counted.get();
    Ok(stats)
}

/// Entry metadata with a deterministic `urn:uuid` id and equal published/updated dates.
fn metadata(id: u64, title: &str, date: &str, links: Vec<Link>) -> Metadata {
    Metadata {
        id: Some(uuid(1, id)),
        title: Some(title.to_owned()),
        published: Some(date.to_owned()),
        updated: Some(date.to_owned()),
        links,
        ..Metadata::default()
    }
}

fn link(rel: &str, href: &str, media_type: &str) -> Link {
    Link {
        media_type: Some(media_type.to_owned()),
        ..Link::new(rel, href)
    }
}

/// Energy used in the 15 minutes starting at `utc` (epoch seconds), in Wh: a
/// household profile (night base, morning and evening peaks, more in winter and
/// summer) plus deterministic noise.
fn load_wh(utc: i64, noise: &mut Lcg) -> i64 {
    let local = utc + TZ_OFFSET;
    let minute_of_day = local.rem_euclid(86_400) / 60;
    let day_of_year = local.div_euclid(86_400).rem_euclid(365);
    let hour = minute_of_day / 60;
    let shape = match hour {
        0..=5 => 90,
        6..=8 => 220,
        9..=16 => 140,
        17..=21 => 300,
        _ => 160,
    };
    // Heating in winter, cooling in summer: a triangle over the year, lowest in spring
    // and autumn (days ~105 and ~290).
    let season = match day_of_year {
        0..=104 => 104 - day_of_year,
        105..=196 => day_of_year - 105,
        197..=289 => 289 - day_of_year,
        _ => day_of_year - 290,
    };
    shape + season + noise.below(60)
}

/// A 64-bit linear congruential generator (Knuth's MMIX constants).
struct Lcg(u64);

impl Lcg {
    /// A number in `0..bound`, from the generator's high bits.
    fn below(&mut self, bound: u64) -> i64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % bound) as i64
    }
}

/// A deterministic version-4-shaped `urn:uuid` for entry number `n` of `space`.
fn uuid(space: u64, n: u64) -> String {
    let high = splitmix(space.wrapping_mul(0x1000_0000_0000) ^ n);
    let low = splitmix(high ^ n);
    format!(
        "urn:uuid:{:08X}-{:04X}-4{:03X}-{:04X}-{:012X}",
        high >> 32,
        (high >> 16) & 0xFFFF,
        high & 0x0FFF,
        0x8000 | ((low >> 48) & 0x3FFF),
        low & 0xFFFF_FFFF_FFFF
    )
}

fn splitmix(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Epoch seconds as an RFC 3339 UTC date-time, e.g. `2020-01-01T06:00:00Z`
/// (proleptic Gregorian, H. Hinnant's `civil_from_days`).
fn rfc3339(utc: i64) -> String {
    let days = utc.div_euclid(86_400);
    let second_of_day = utc.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        second_of_day / 3600,
        second_of_day % 3600 / 60,
        second_of_day % 60
    )
}

/// Counts the bytes that reach the real sink, so the loop can stop at the target size.
struct CountingSink<W> {
    inner: W,
    count: Rc<Cell<u64>>,
}

impl<W: Write> Write for CountingSink<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let written = self.inner.write(bytes)?;
        self.count.set(self.count.get() + written as u64);
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
