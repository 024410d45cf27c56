//! The text of a CSV row, written field by field into a byte buffer: the bytes the csv
//! crate's serde support writes for a [`CsvRow`] (RFC 4180 quoting where a field needs
//! it, `""`-doubled quotes, `\n` after each row), without serde's per-field dispatch,
//! the csv writer's byte-by-byte quoting scan of fields that cannot need quotes
//! (numbers, timestamps, names), or a String per decimal. A property test holds the two
//! writers to the same bytes (`rows_are_what_serde_writes`).

use crate::csv::CsvRow;
use chrono::{DateTime, Datelike, FixedOffset, NaiveDateTime, Timelike, Utc};
use rust_decimal::Decimal;

/// Appends one row and its line end to `out`.
pub(crate) fn write_row(out: &mut Vec<u8>, row: &CsvRow<'_>) {
    text(out, row.usage_point);
    out.push(b',');
    text(out, row.meter_reading);
    out.push(b',');
    out.extend_from_slice(if row.linked { b"true," } else { b"false," });
    text(out, row.service_kind);
    out.push(b',');
    if let Some(start) = &row.start_utc {
        match Stamp::utc(start) {
            Some(stamp) => out.extend_from_slice(stamp.as_bytes()),
            None => text(out, &start.format(UTC_FORMAT).to_string()),
        }
    }
    out.push(b',');
    if let Some(start) = &row.start_local {
        match Stamp::local(start) {
            Some(stamp) => out.extend_from_slice(stamp.as_bytes()),
            None => text(out, &start.format(LOCAL_FORMAT).to_string()),
        }
    }
    out.push(b',');
    out.extend_from_slice(row.local_clock.name().as_bytes());
    out.push(b',');
    integer(out, row.duration_s);
    integer(out, row.raw_value);
    integer(out, row.power_of_ten);
    decimal(out, row.scaled_value);
    out.push(b',');
    text(out, row.unit);
    out.push(b',');
    decimal(out, row.cost);
    out.push(b',');
    text(out, row.currency);
    out.push(b',');
    text(out, row.quality.as_deref().unwrap_or_default());
    out.push(b',');
    text(out, row.flow_direction);
    out.push(b'\n');
}

/// Appends the header: the names, quoted where they need it, and a line end.
pub(crate) fn write_header<'n>(out: &mut Vec<u8>, names: impl IntoIterator<Item = &'n str>) {
    for (index, name) in names.into_iter().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        text(out, name);
    }
    out.push(b'\n');
}

/// A number and the comma after it (nothing before the comma when unknown).
fn integer<N: itoa::Integer>(out: &mut Vec<u8>, number: Option<N>) {
    if let Some(number) = number {
        out.extend_from_slice(itoa::Buffer::new().format(number).as_bytes());
    }
    out.push(b',');
}

/// A decimal as rust_decimal writes it: the mantissa's digits with the point `scale`
/// digits from the right, a `0` before a leading point, trailing zeros kept.
fn decimal(out: &mut Vec<u8>, value: Option<Decimal>) {
    let Some(value) = value else {
        return;
    };
    if value.is_sign_negative() {
        out.push(b'-');
    }
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(value.mantissa().unsigned_abs()).as_bytes();
    let scale = value.scale() as usize;
    if scale == 0 {
        out.extend_from_slice(digits);
    } else if digits.len() > scale {
        let (whole, fraction) = digits.split_at(digits.len() - scale);
        out.extend_from_slice(whole);
        out.push(b'.');
        out.extend_from_slice(fraction);
    } else {
        out.extend_from_slice(b"0.");
        out.resize(out.len() + scale - digits.len(), b'0');
        out.extend_from_slice(digits);
    }
}

/// A text field, in quotes when it holds a comma, a quote or a line break (as the csv
/// crate's `QuoteStyle::Necessary` with its default delimiter and terminator).
fn text(out: &mut Vec<u8>, field: &str) {
    let bytes = field.as_bytes();
    let special = memchr::memchr3(b',', b'"', b'\n', bytes).is_some()
        || memchr::memchr(b'\r', bytes).is_some();
    if !special {
        out.extend_from_slice(bytes);
        return;
    }
    out.push(b'"');
    for (index, part) in field.split('"').enumerate() {
        if index > 0 {
            out.extend_from_slice(b"\"\"");
        }
        out.extend_from_slice(part.as_bytes());
    }
    out.push(b'"');
}

/// `start_utc`'s format, for the years a [`Stamp`] does not write.
pub(crate) const UTC_FORMAT: &str = "%Y-%m-%dT%H:%M:%SZ";
/// `start_local`'s format, for the years and offsets a [`Stamp`] does not write.
pub(crate) const LOCAL_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%:z";

/// A start as the CSV writes it, digit by digit: chrono's `format` parses its format
/// string again on every call, and every row writes two starts. `None` where
/// chrono's `%Y` or `%:z` would write something else than four digits of year or an
/// offset in whole minutes (a sign before the year, a rounded offset): the callers use
/// chrono then.
pub(crate) struct Stamp {
    bytes: [u8; 25],
    len: usize,
}

impl Stamp {
    /// [`UTC_FORMAT`].
    pub(crate) fn utc(start: &DateTime<Utc>) -> Option<Stamp> {
        let mut stamp = Stamp::date_time(start.naive_utc())?;
        stamp.push(b'Z');
        Some(stamp)
    }

    /// [`LOCAL_FORMAT`].
    pub(crate) fn local(start: &DateTime<FixedOffset>) -> Option<Stamp> {
        let offset = start.offset().local_minus_utc();
        if offset % 60 != 0 {
            return None;
        }
        let mut stamp = Stamp::date_time(start.naive_local())?;
        stamp.push(if offset < 0 { b'-' } else { b'+' });
        let minutes = offset.unsigned_abs() / 60;
        stamp.two_digits(minutes / 60);
        stamp.push(b':');
        stamp.two_digits(minutes % 60);
        Some(stamp)
    }

    /// `%Y-%m-%dT%H:%M:%S`, for a year of four digits.
    fn date_time(time: NaiveDateTime) -> Option<Stamp> {
        let year = u32::try_from(time.year())
            .ok()
            .filter(|year| *year <= 9999)?;
        let mut stamp = Stamp {
            bytes: [0; 25],
            len: 0,
        };
        stamp.two_digits(year / 100);
        stamp.two_digits(year % 100);
        for (separator, value) in [
            (b'-', time.month()),
            (b'-', time.day()),
            (b'T', time.hour()),
            (b':', time.minute()),
            (b':', time.second()),
        ] {
            stamp.push(separator);
            stamp.two_digits(value);
        }
        Some(stamp)
    }

    fn two_digits(&mut self, value: u32) {
        // Both digits are below 10, so the casts do not truncate.
        self.push(b'0' + (value / 10 % 10) as u8);
        self.push(b'0' + (value % 10) as u8);
    }

    fn push(&mut self, byte: u8) {
        self.bytes[self.len] = byte;
        self.len += 1;
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(self.as_bytes()).expect("a stamp is ASCII digits and punctuation")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csv::LocalClock;
    use proptest::prelude::*;
    use std::borrow::Cow;

    /// Stamps are chrono's `format`, or `None` where that writes a sign or rounds.
    #[test]
    fn stamps_are_what_chrono_writes() {
        let offsets = [-86_340, -18_000, -12_600, 0, 3_600, 19_800, 20_700, 50_400];
        // Every 115 days and a bit, from year -2 to 10001, through every hour and minute.
        let instants = (-62_230_000_000i64..253_500_000_000).step_by(9_999_991);
        let mut checked = 0;
        for instant in instants.chain([-62_167_219_200, -62_167_219_201, 253_402_300_799]) {
            let utc = DateTime::from_timestamp(instant, 0).unwrap();
            let four_digits = (0..=9999).contains(&utc.naive_utc().year());
            let expected = utc.format(UTC_FORMAT).to_string();
            match Stamp::utc(&utc) {
                Some(stamp) => assert_eq!(stamp.as_str(), expected),
                None => assert!(!four_digits, "{expected}"),
            }
            for offset in offsets {
                let local = utc_with_offset(instant, offset);
                let four_digits = (0..=9999).contains(&local.naive_local().year());
                let expected = local.format(LOCAL_FORMAT).to_string();
                match Stamp::local(&local) {
                    Some(stamp) => assert_eq!(stamp.as_str(), expected),
                    None => assert!(!four_digits, "{expected}"),
                }
                checked += 1;
            }
        }
        assert!(checked > 200_000);
        let seconds = utc_with_offset(1_700_000_000, 19_830);
        assert!(Stamp::local(&seconds).is_none());
    }

    fn utc_with_offset(instant: i64, offset: i32) -> DateTime<FixedOffset> {
        DateTime::from_timestamp(instant, 0)
            .unwrap()
            .with_timezone(&FixedOffset::east_opt(offset).unwrap())
    }

    /// The row as the csv crate's serde support writes it.
    fn serde_text(row: &CsvRow<'_>) -> String {
        let mut writer = ::csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::new());
        writer.serialize(row).unwrap();
        String::from_utf8(writer.into_inner().unwrap()).unwrap()
    }

    fn own_text(row: &CsvRow<'_>) -> String {
        let mut out = Vec::new();
        write_row(&mut out, row);
        String::from_utf8(out).unwrap()
    }

    /// Texts with and without what needs quoting.
    fn field() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            "[a-z/:._0-9]{1,40}",
            "[a-z,\"\r\n ]{1,12}",
            any::<String>(),
        ]
    }

    fn decimal_value() -> impl Strategy<Value = Option<Decimal>> {
        prop_oneof![
            Just(None),
            (any::<i64>(), 0u32..=28).prop_map(|(n, scale)| Some(Decimal::new(n, scale))),
            (any::<i128>(), 0u32..=28)
                .prop_map(|(n, scale)| { Decimal::try_from_i128_with_scale(n >> 32, scale).ok() }),
            Just(Some(-Decimal::ZERO)),
            Just(Some(Decimal::new(-5, 3))),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Every field's text (quoted or not, empty or not, extreme numbers, negative
        /// zero, years beyond four digits, offsets with seconds) is what serde writes.
        #[test]
        fn rows_are_what_serde_writes(
            texts in proptest::collection::vec(field(), 7),
            linked: bool,
            instant in prop_oneof![Just(None), (-100_000_000_000i64..300_000_000_000).prop_map(Some)],
            offset in prop_oneof![Just(None), (-86_399i32..86_400).prop_map(Some), Just(Some(-21_600))],
            clock in prop_oneof![Just(LocalClock::Local), Just(LocalClock::Standard), Just(LocalClock::None)],
            duration_s: Option<u32>,
            raw_value: Option<i64>,
            power_of_ten: Option<i16>,
            scaled_value in decimal_value(),
            cost in decimal_value(),
            quality in prop_oneof![Just(None), field().prop_map(Some)],
        ) {
            let start_utc = instant.and_then(|instant| DateTime::from_timestamp(instant, 0));
            let start_local = start_utc.zip(offset).map(|(start, offset)| {
                start.with_timezone(&FixedOffset::east_opt(offset).unwrap())
            });
            let row = CsvRow {
                usage_point: &texts[0],
                meter_reading: &texts[1],
                linked,
                service_kind: &texts[2],
                start_utc,
                start_local,
                local_clock: clock,
                duration_s,
                raw_value,
                power_of_ten,
                scaled_value,
                unit: &texts[3],
                cost,
                currency: &texts[4],
                quality: quality.map(Cow::Owned),
                flow_direction: &texts[5],
            };
            prop_assert_eq!(own_text(&row), serde_text(&row));
        }
    }

    #[test]
    fn the_header_is_what_the_csv_crate_writes() {
        let header = crate::csv::csv_header().unwrap();
        let mut own = Vec::new();
        write_header(&mut own, header.iter());
        let mut writer = ::csv::Writer::from_writer(Vec::new());
        writer.write_record(&header).unwrap();
        assert_eq!(own, writer.into_inner().unwrap());
    }
}
