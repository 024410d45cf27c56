//! `DateTimeInterval`: a start in epoch seconds and a duration in seconds.

use chrono::{DateTime, Utc};

crate::schema::espi_element! {
    /// A time interval (espi.xsd `DateTimeInterval`): `start` is epoch seconds (TimeType),
    /// `duration` is UInt32 seconds; the end (start + duration) is not stored.
    /// Both are required by the schema; they are `Option` so that a lenient read of a
    /// file that omits one keeps the rest (strict reading rejects it).
    pub struct DateTimeInterval: "DateTimeInterval" {
        /// Object extensions.
        pub extension: crate::raw::RawList = "extension",
        /// Duration in seconds.
        pub duration: Option<u32> = "duration" required,
        /// Start, seconds since 1970-01-01T00:00:00Z.
        pub start: Option<i64> = "start" required,
    }
}

impl DateTimeInterval {
    /// An interval from `start` (epoch seconds) lasting `duration` seconds.
    ///
    /// ```
    /// use espi_model::interval::DateTimeInterval;
    /// let day = DateTimeInterval::new(1_293_868_800, 86_400);
    /// assert_eq!(day.end(), Some(1_293_955_200));
    /// assert_eq!(day.start_time().unwrap().to_rfc3339(), "2011-01-01T08:00:00+00:00");
    /// ```
    pub fn new(start: i64, duration: u32) -> Self {
        DateTimeInterval {
            duration: Some(duration),
            start: Some(start),
            ..DateTimeInterval::default()
        }
    }

    /// start + duration, in epoch seconds.
    pub fn end(&self) -> Option<i64> {
        self.start?.checked_add(i64::from(self.duration?))
    }

    /// The start as a UTC date-time.
    pub fn start_time(&self) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp(self.start?, 0)
    }

    /// The end as a UTC date-time.
    pub fn end_time(&self) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp(self.end()?, 0)
    }

    /// Whether the epoch second `instant` lies in [start, end).
    pub fn contains(&self, instant: i64) -> bool {
        match (self.start, self.end()) {
            (Some(start), Some(end)) => start <= instant && instant < end,
            _ => false,
        }
    }
}
