//! `xs:dateTime` text and epoch seconds: the one place the workspace turns one into
//! the other.
//!
//! The model keeps instants as the wire has them in resources (epoch seconds, `i64`);
//! Atom's `published` and `updated` and the query parameters of the REST API
//! (`published-min`, `updated-max`, …) carry `xs:dateTime` text.
//! [`XsdDateTime::parse`] reads any `xs:dateTime` (XML Schema 1.0's lexical form, as
//! [`is_xsd_date_time`] checks it), [`XsdDateTime::parse_utc_seconds`] only the form
//! the standard tells clients to send, `YYYY-MM-DDThh:mm:ssZ`, and [`format_utc`]
//! writes that form.
//!
//! ```
//! use espi_model::date_time::{XsdDateTime, format_utc};
//!
//! let at = XsdDateTime::parse("2014-03-01T01:00:00.5+01:00")?;
//! assert_eq!((at.seconds, at.nanos), (1_393_632_000, 500_000_000));
//! assert_eq!(format_utc(at.seconds), "2014-03-01T00:00:00Z");
//! assert_eq!(XsdDateTime::parse_utc_seconds("2014-03-01T00:00:00Z")?, 1_393_632_000);
//! assert!(XsdDateTime::parse_utc_seconds("2014-03-01T01:00:00+01:00").is_err());
//! # Ok::<(), espi_model::date_time::DateTimeError>(())
//! ```

use crate::atom::is_xsd_date_time;
use chrono::DateTime;

/// An `xs:dateTime` as an instant: the whole second it falls in, epoch seconds, and
/// the nanoseconds after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct XsdDateTime {
    /// Epoch seconds, rounded down.
    pub seconds: i64,
    /// Nanoseconds after `seconds` (digits beyond the ninth are dropped).
    pub nanos: u32,
}

/// Why a text is not an [`XsdDateTime`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DateTimeError {
    /// Not in the lexical space of xs:dateTime.
    #[error("is not an xs:dateTime (YYYY-MM-DDThh:mm:ss[.fraction][Z|+hh:mm|-hh:mm])")]
    NotXsdDateTime,
    /// An xs:dateTime, but not in the form `YYYY-MM-DDThh:mm:ssZ` (UTC, whole seconds).
    #[error("is not a UTC date-time in whole seconds (YYYY-MM-DDThh:mm:ssZ)")]
    NotUtcSeconds,
    /// An xs:dateTime outside the years chrono counts in (about ±262 000).
    #[error("is an xs:dateTime outside the years handled (about -262000 to 262000)")]
    OutOfRange,
}

impl XsdDateTime {
    /// Parses `text` (surrounding whitespace ignored, as the schema's whitespace facet
    /// does): the time-zone offset is applied, a date-time without one is taken as UTC,
    /// and `24:00:00` is midnight of the next day.
    pub fn parse(text: &str) -> Result<XsdDateTime, DateTimeError> {
        let text = text.trim();
        if !is_xsd_date_time(text) {
            return Err(DateTimeError::NotXsdDateTime);
        }
        // The lexical form is checked: what follows only splits it.
        let malformed = DateTimeError::NotXsdDateTime;
        let (date, time) = text.split_once('T').ok_or(malformed)?;
        let (year, rest) = match date.strip_prefix('-') {
            Some(unsigned) => {
                let (year, rest) = unsigned.split_once('-').ok_or(malformed)?;
                (format!("-{year}"), rest)
            }
            None => {
                let (year, rest) = date.split_once('-').ok_or(malformed)?;
                (year.to_owned(), rest)
            }
        };
        let (month, day) = rest.split_once('-').ok_or(malformed)?;
        let (clock, offset_seconds) = match time.strip_suffix('Z') {
            Some(clock) => (clock, 0),
            None => match time.rfind(['+', '-']) {
                Some(sign) => {
                    let (hours, minutes) = time[sign + 1..].split_once(':').ok_or(malformed)?;
                    let magnitude = number(hours)? * 3600 + number(minutes)? * 60;
                    let offset = if time[sign..].starts_with('-') {
                        -magnitude
                    } else {
                        magnitude
                    };
                    (&time[..sign], offset)
                }
                None => (time, 0),
            },
        };
        let (hms, fraction) = clock.split_once('.').unwrap_or((clock, ""));
        let mut fields = hms.splitn(3, ':');
        let mut field = || fields.next().ok_or(malformed).and_then(number);
        let (hour, minute, second) = (field()?, field()?, field()?);
        let year: i32 = year.parse().map_err(|_| DateTimeError::OutOfRange)?;
        let date = u32::try_from(number(month)?)
            .ok()
            .zip(u32::try_from(number(day)?).ok())
            .and_then(|(month, day)| chrono::NaiveDate::from_ymd_opt(year, month, day))
            .ok_or(DateTimeError::OutOfRange)?;
        let midnight = date
            .and_hms_opt(0, 0, 0)
            .ok_or(DateTimeError::OutOfRange)?
            .and_utc()
            .timestamp();
        let seconds = midnight
            .checked_add(hour * 3600 + minute * 60 + second - offset_seconds)
            .ok_or(DateTimeError::OutOfRange)?;
        // Nine digits of nanoseconds: "5" is 500 000 000.
        let nanos = fraction
            .bytes()
            .chain(std::iter::repeat(b'0'))
            .take(9)
            .fold(0u32, |nanos, digit| nanos * 10 + u32::from(digit - b'0'));
        Ok(XsdDateTime { seconds, nanos })
    }

    /// Parses only `YYYY-MM-DDThh:mm:ssZ`, the form the standard tells clients to
    /// send (UTC, whole seconds, a four-digit year), to epoch seconds.
    pub fn parse_utc_seconds(text: &str) -> Result<i64, DateTimeError> {
        let bytes = text.as_bytes();
        let shaped = bytes.len() == 20
            && bytes.iter().enumerate().all(|(index, byte)| match index {
                4 | 7 => *byte == b'-',
                10 => *byte == b'T',
                13 | 16 => *byte == b':',
                19 => *byte == b'Z',
                _ => byte.is_ascii_digit(),
            });
        if !shaped {
            return Err(DateTimeError::NotUtcSeconds);
        }
        Ok(XsdDateTime::parse(text)?.seconds)
    }

    /// `YYYY-MM-DDThh:mm:ss[.fraction]Z`.
    pub fn to_utc_text(self) -> String {
        let whole = format_utc(self.seconds);
        if self.nanos == 0 {
            return whole;
        }
        let fraction = format!("{:09}", self.nanos);
        format!(
            "{}.{}Z",
            whole.trim_end_matches('Z'),
            fraction.trim_end_matches('0')
        )
    }

    /// The first whole second at or after the instant; `None` past `i64::MAX`.
    pub fn seconds_up(self) -> Option<i64> {
        if self.nanos == 0 {
            Some(self.seconds)
        } else {
            self.seconds.checked_add(1)
        }
    }
}

/// A field of digits the lexical check has passed.
fn number(digits: &str) -> Result<i64, DateTimeError> {
    digits.parse().map_err(|_| DateTimeError::NotXsdDateTime)
}

/// Epoch seconds as `YYYY-MM-DDThh:mm:ssZ`; an instant outside chrono's years is
/// written as its number of seconds.
///
/// ```
/// assert_eq!(espi_model::date_time::format_utc(951_782_400), "2000-02-29T00:00:00Z");
/// ```
pub fn format_utc(seconds: i64) -> String {
    DateTime::from_timestamp(seconds, 0).map_or_else(
        || seconds.to_string(),
        |time| time.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn date_times_are_xs_date_times_with_offsets_fractions_and_24_00() {
        let at = |text: &str| XsdDateTime::parse(text);
        let value = |seconds, nanos| Ok(XsdDateTime { seconds, nanos });
        assert_eq!(at("1970-01-01T00:01:00Z"), value(60, 0));
        assert_eq!(at("1970-01-01T00:01:00"), value(60, 0));
        assert_eq!(at(" 1970-01-01T01:01:00+01:00 "), value(60, 0));
        assert_eq!(at("1969-12-31T23:01:00-01:00"), value(60, 0));
        assert_eq!(at("1970-01-01T00:01:00.25Z"), value(60, 250_000_000));
        assert_eq!(at("1970-01-01T00:01:00.0000000019Z"), value(60, 1));
        assert_eq!(at("1969-12-31T24:00:00Z"), value(0, 0));
        assert_eq!(at("2000-02-29T12:00:00+14:00"), value(951_775_200, 0));
        assert_eq!(at("-0001-01-01T00:00:00Z"), value(-62_198_755_200, 0));
        assert_eq!(at("10000-01-01T00:00:00Z"), value(253_402_300_800, 0));
        for bad in [
            "1970-01-01",
            "1970-01-01T24:00:01Z",
            "2001-02-29T00:00:00Z",
            "1970-01-01T00:00:00+15:00",
            "1970-01-01T00:00:00.Z",
            "yesterday",
        ] {
            assert_eq!(at(bad), Err(DateTimeError::NotXsdDateTime), "{bad}");
        }
        assert_eq!(
            at("9999999999-01-01T00:00:00Z"),
            Err(DateTimeError::OutOfRange)
        );
        assert_eq!(at("1970-01-01T00:01:00.999Z").map(|at| at.seconds), Ok(60));
    }

    #[test]
    fn the_utc_form_is_whole_seconds_with_z() {
        assert_eq!(
            XsdDateTime::parse_utc_seconds("2024-03-01T00:00:00Z"),
            Ok(1_709_251_200)
        );
        for (text, error) in [
            ("2024-03-01T00:00:00+01:00", DateTimeError::NotUtcSeconds),
            ("2024-03-01T00:00:00", DateTimeError::NotUtcSeconds),
            ("2024-03-01T00:00:00.5Z", DateTimeError::NotUtcSeconds),
            ("10000-03-01T00:00:00Z", DateTimeError::NotUtcSeconds),
            ("2024-02-30T00:00:00Z", DateTimeError::NotXsdDateTime),
            ("yesterday", DateTimeError::NotUtcSeconds),
            ("2024-03-01T24:00:01Z", DateTimeError::NotXsdDateTime),
        ] {
            assert_eq!(XsdDateTime::parse_utc_seconds(text), Err(error), "{text}");
        }
    }

    #[test]
    fn known_instants_format() {
        assert_eq!(format_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_utc(1_393_632_000), "2014-03-01T00:00:00Z");
        assert_eq!(format_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(format_utc(1_710_072_000), "2024-03-10T12:00:00Z");
        assert_eq!(format_utc(-1), "1969-12-31T23:59:59Z");
        assert_eq!(format_utc(i64::MAX), i64::MAX.to_string());
        let fraction = XsdDateTime {
            seconds: 60,
            nanos: 250_000_000,
        };
        assert_eq!(fraction.to_utc_text(), "1970-01-01T00:01:00.25Z");
    }

    proptest! {
        #[test]
        fn formatted_instants_parse_back(seconds in -62_135_596_800i64..253_402_300_800) {
            let text = format_utc(seconds);
            prop_assert_eq!(XsdDateTime::parse_utc_seconds(&text), Ok(seconds));
            prop_assert_eq!(XsdDateTime::parse(&text), Ok(XsdDateTime { seconds, nanos: 0 }));
        }
    }
}
