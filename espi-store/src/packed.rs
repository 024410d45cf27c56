//! An IntervalBlock's readings kept beside its entry's XML in a compact binary form.
//!
//! IntervalReadings are most of a subscription's XML (about 160 bytes each as
//! espi-xml writes them). The readings that carry nothing but a time period, a
//! value, a cost and ReadingQuality codes — nearly all of them — pack into a dozen
//! bytes each; the entry's XML is then stored without them. A block is packed only
//! when every one of its readings unpacks to exactly the reading it was (checked on
//! each write), so reading an entry back stays lossless whatever its readings hold.
//!
//! The format (version 1): the version byte, the number of readings, then per
//! reading a byte of flags saying which of cost, value, time period, its duration
//! and its start are present, those present as LEB128 varints (signed ones
//! zigzag-encoded), the number of ReadingQuality codes and the codes.

use espi_model::code_list::{CodeList, QualityOfReading};
use espi_model::interval::DateTimeInterval;
use espi_model::interval_block::{IntervalReading, ReadingQuality};
use espi_model::{atom::Entry, resource::Resource};

const VERSION: u8 = 1;
const COST: u8 = 1;
const VALUE: u8 = 1 << 1;
const TIME_PERIOD: u8 = 1 << 2;
const DURATION: u8 = 1 << 3;
const START: u8 = 1 << 4;

/// Takes the readings out of `entry` when it is an IntervalBlock whose readings all
/// pack exactly, and returns them packed; otherwise leaves `entry` whole.
pub(crate) fn take_readings(entry: &mut Entry) -> Option<Vec<u8>> {
    let Some(Resource::IntervalBlock(block)) = entry.content.first_mut() else {
        return None;
    };
    if block.interval_reading.is_empty() {
        return None;
    }
    let packed = pack(&block.interval_reading)?;
    if unpack(&packed).ok()? != block.interval_reading {
        return None;
    }
    block.interval_reading.clear();
    Some(packed)
}

/// Puts readings packed by [`take_readings`] back into `entry`.
pub(crate) fn restore_readings(entry: &mut Entry, packed: &[u8]) -> Result<(), String> {
    let Some(Resource::IntervalBlock(block)) = entry.content.first_mut() else {
        return Err("packed readings stored for an entry that is not an IntervalBlock".to_owned());
    };
    if !block.interval_reading.is_empty() {
        return Err("packed readings stored for a block that has readings in its XML".to_owned());
    }
    block.interval_reading = unpack(packed)?;
    Ok(())
}

/// The readings packed, or `None` when one holds anything the format does not
/// carry (the caller's comparison catches the rest).
fn pack(readings: &[IntervalReading]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(2 + readings.len() * 14);
    out.push(VERSION);
    put_unsigned(&mut out, readings.len() as u64);
    for reading in readings {
        let period = reading.time_period.as_ref();
        let mut flags = 0;
        for (present, flag) in [
            (reading.cost.is_some(), COST),
            (reading.value.is_some(), VALUE),
            (period.is_some(), TIME_PERIOD),
            (
                period.is_some_and(|period| period.duration.is_some()),
                DURATION,
            ),
            (period.is_some_and(|period| period.start.is_some()), START),
        ] {
            if present {
                flags |= flag;
            }
        }
        out.push(flags);
        if let Some(cost) = reading.cost {
            put_signed(&mut out, cost);
        }
        if let Some(value) = reading.value {
            put_signed(&mut out, value);
        }
        if let Some(duration) = period.and_then(|period| period.duration) {
            put_unsigned(&mut out, u64::from(duration));
        }
        if let Some(start) = period.and_then(|period| period.start) {
            put_signed(&mut out, start);
        }
        put_unsigned(&mut out, reading.reading_quality.len() as u64);
        for quality in &reading.reading_quality {
            put_unsigned(&mut out, u64::from(quality.quality?.code()));
        }
    }
    Some(out)
}

fn unpack(packed: &[u8]) -> Result<Vec<IntervalReading>, String> {
    let mut input = Input(packed);
    let version = input.byte()?;
    if version != VERSION {
        return Err(format!("packed readings of unknown version {version}"));
    }
    let count = input.unsigned()?;
    // Each reading takes at least two bytes: a corrupt count cannot reserve much.
    let mut readings = Vec::with_capacity(usize::try_from(count).unwrap_or(0).min(packed.len()));
    for _ in 0..count {
        let flags = input.byte()?;
        if flags & !(COST | VALUE | TIME_PERIOD | DURATION | START) != 0 {
            return Err(format!(
                "packed reading flags {flags:#04x} with unknown bits"
            ));
        }
        if flags & (DURATION | START) != 0 && flags & TIME_PERIOD == 0 {
            return Err(format!(
                "packed reading flags {flags:#04x}: a start or duration without a time period"
            ));
        }
        let mut reading = IntervalReading::default();
        if flags & COST != 0 {
            reading.cost = Some(input.signed()?);
        }
        if flags & VALUE != 0 {
            reading.value = Some(input.signed()?);
        }
        if flags & TIME_PERIOD != 0 {
            let mut period = DateTimeInterval::default();
            if flags & DURATION != 0 {
                period.duration = Some(
                    u32::try_from(input.unsigned()?)
                        .map_err(|_| "a packed duration beyond 32 bits".to_owned())?,
                );
            }
            if flags & START != 0 {
                period.start = Some(input.signed()?);
            }
            reading.time_period = Some(period);
        }
        for _ in 0..input.unsigned()? {
            let code = u16::try_from(input.unsigned()?)
                .map_err(|_| "a packed ReadingQuality code beyond 16 bits".to_owned())?;
            reading.reading_quality.push(ReadingQuality {
                quality: Some(QualityOfReading::from_code(code)),
                ..ReadingQuality::default()
            });
        }
        readings.push(reading);
    }
    if !input.0.is_empty() {
        return Err(format!("{} bytes after the packed readings", input.0.len()));
    }
    Ok(readings)
}

fn put_unsigned(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn put_signed(out: &mut Vec<u8>, value: i64) {
    put_unsigned(out, ((value << 1) ^ (value >> 63)) as u64);
}

/// What is left to read.
struct Input<'a>(&'a [u8]);

impl Input<'_> {
    fn byte(&mut self) -> Result<u8, String> {
        let (&first, rest) = self
            .0
            .split_first()
            .ok_or_else(|| "packed readings cut short".to_owned())?;
        self.0 = rest;
        Ok(first)
    }

    fn unsigned(&mut self) -> Result<u64, String> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            // The tenth byte holds the 64th bit alone.
            if shift == 63 && byte & 0x7f > 1 {
                return Err("a packed number beyond 64 bits".to_owned());
            }
            // A last byte of zero would make a second encoding of a shorter number.
            if byte == 0 && shift > 0 {
                return Err("a packed number not in its shortest form".to_owned());
            }
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err("a packed number beyond 64 bits".to_owned())
    }

    fn signed(&mut self) -> Result<i64, String> {
        let raw = self.unsigned()?;
        Ok((raw >> 1) as i64 ^ -((raw & 1) as i64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use espi_model::interval_block::IntervalBlock;
    use proptest::prelude::*;

    fn block(readings: Vec<IntervalReading>) -> Entry {
        Entry {
            content: vec![Resource::IntervalBlock(IntervalBlock {
                interval: Some(DateTimeInterval::new(1_700_000_000, 3_600)),
                interval_reading: readings,
                ..IntervalBlock::default()
            })],
            ..Entry::default()
        }
    }

    fn reading() -> impl Strategy<Value = IntervalReading> {
        (
            any::<Option<i64>>(),
            any::<Option<i64>>(),
            any::<Option<(Option<u32>, Option<i64>)>>(),
            proptest::collection::vec(any::<u16>(), 0..3),
        )
            .prop_map(|(cost, value, period, codes)| IntervalReading {
                cost,
                value,
                time_period: period.map(|(duration, start)| DateTimeInterval {
                    duration,
                    start,
                    ..DateTimeInterval::default()
                }),
                reading_quality: codes
                    .into_iter()
                    .map(|code| ReadingQuality {
                        quality: Some(QualityOfReading::from_code(code)),
                        ..ReadingQuality::default()
                    })
                    .collect(),
                ..IntervalReading::default()
            })
    }

    proptest! {
        #[test]
        fn readings_of_the_packed_kind_come_back_equal(
            readings in proptest::collection::vec(reading(), 1..50)
        ) {
            let original = block(readings);
            let mut stored = original.clone();
            let packed = take_readings(&mut stored).expect("these readings pack");
            prop_assert_eq!(stored.content.len(), 1);
            prop_assert_ne!(&stored, &original);
            restore_readings(&mut stored, &packed).expect("they unpack");
            prop_assert_eq!(stored, original);
        }

        #[test]
        fn any_bytes_after_the_version_unpack_or_fail_without_panicking(
            bytes in proptest::collection::vec(any::<u8>(), 0..256)
        ) {
            let mut packed = vec![VERSION];
            packed.extend(bytes);
            let _ = unpack(&packed);
        }

        /// Stored bytes damaged anywhere (one byte changed, or cut short) never come
        /// back as other readings without an error, unless the damage is itself a
        /// valid encoding, in which case it must re-encode to exactly those bytes.
        #[test]
        fn damaged_packed_readings_fail_or_decode_exactly(
            readings in proptest::collection::vec(reading(), 1..20),
            at in any::<prop::sample::Index>(),
            byte in any::<u8>(),
            cut in any::<bool>(),
        ) {
            let packed = pack(&readings).expect("these readings pack");
            let mut damaged = packed.clone();
            let at = at.index(damaged.len());
            if cut {
                damaged.truncate(at);
            } else {
                damaged[at] = byte;
            }
            if let Ok(decoded) = unpack(&damaged) {
                prop_assert_eq!(pack(&decoded).expect("decoded readings pack"), damaged);
            }
        }
    }

    #[test]
    fn flags_and_numbers_the_packer_never_writes_are_refused() {
        let one_reading = |flags: u8| vec![VERSION, 1, flags, 0];
        assert!(unpack(&one_reading(0)).is_ok());
        for flags in [1 << 5, 1 << 6, 1 << 7, DURATION, START, DURATION | START] {
            let mut bytes = one_reading(flags);
            bytes.splice(3..3, [0, 0]);
            assert!(unpack(&bytes).is_err(), "flags {flags:#04x}");
        }
        // A count in ten bytes whose last byte carries more than the 64th bit.
        let mut too_long = vec![VERSION];
        too_long.extend([0xff; 9]);
        too_long.push(0x02);
        assert!(unpack(&too_long).is_err());
    }

    #[test]
    fn a_block_with_anything_else_in_a_reading_stays_whole() {
        let plain = IntervalReading {
            value: Some(5),
            time_period: Some(DateTimeInterval::new(1_700_000_000, 900)),
            ..IntervalReading::default()
        };
        let others = [
            IntervalReading {
                tou: Some(1),
                ..plain.clone()
            },
            IntervalReading {
                consumption_tier: Some(2),
                ..plain.clone()
            },
            IntervalReading {
                cpp: Some(3),
                ..plain.clone()
            },
            IntervalReading {
                reading_quality: vec![ReadingQuality::default()],
                ..plain.clone()
            },
            // A listed code built by hand as `Other` would come back as the listed
            // variant: not the same value.
            IntervalReading {
                reading_quality: vec![ReadingQuality {
                    quality: Some(QualityOfReading::Other(8)),
                    ..ReadingQuality::default()
                }],
                ..plain.clone()
            },
        ];
        for other in others {
            let original = block(vec![plain.clone(), other]);
            let mut stored = original.clone();
            assert_eq!(take_readings(&mut stored), None, "{original:?}");
            assert_eq!(stored, original);
        }
        let mut empty = block(Vec::new());
        assert_eq!(take_readings(&mut empty), None);
        let mut usage_point = Entry::default();
        assert_eq!(take_readings(&mut usage_point), None);
    }

    #[test]
    fn restoring_refuses_what_does_not_fit() {
        let mut stored = block(vec![IntervalReading::default()]);
        let packed = take_readings(&mut stored).expect("packs");
        let mut twice = stored.clone();
        restore_readings(&mut twice, &packed).expect("once");
        assert!(restore_readings(&mut twice, &packed).is_err());
        assert!(restore_readings(&mut Entry::default(), &packed).is_err());
        assert!(restore_readings(&mut stored.clone(), &packed[..packed.len() - 1]).is_err());
        let mut longer = packed.clone();
        longer.push(0);
        assert!(restore_readings(&mut stored.clone(), &longer).is_err());
        let mut future = packed;
        future[0] = 2;
        assert!(restore_readings(&mut stored, &future).is_err());
    }
}
