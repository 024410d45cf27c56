//! A reading's start on its usage point's clock, with the offset remembered over the
//! span where it cannot change, so that the DST transitions are computed once per
//! span (months) rather than once per reading.

use crate::csv::LocalClock;
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};
use espi_model::dst::DstRuleError;
use espi_model::local_time::{LocalTimeError, LocalTimeRules};
use espi_model::reading::FlatReading;

/// The offset of one set of rules over `[from, until)` (UTC epoch seconds).
#[derive(Debug, Clone, Copy)]
struct Span {
    rules: LocalTimeRules,
    from: i64,
    until: i64,
    offset: FixedOffset,
}

/// The last span a start fell in; the rows of a block reuse it.
#[derive(Debug, Default)]
pub(crate) struct OffsetCache {
    span: Option<Span>,
}

impl OffsetCache {
    /// The reading's start on its local clock, falling back to standard time when the
    /// LocalTimeParameters cannot be applied: what [`FlatReading::local_start`] and
    /// [`FlatReading::standard_start`] give, with the offset looked up once per span.
    pub(crate) fn start(
        &mut self,
        reading: &FlatReading<'_>,
    ) -> (Option<DateTime<FixedOffset>>, LocalClock) {
        match self.local_start(reading) {
            Ok(Some(start)) => (Some(start), LocalClock::Local),
            Ok(None) => (None, LocalClock::None),
            Err(_) => match reading.standard_start() {
                Ok(Some(start)) => (Some(start), LocalClock::Standard),
                _ => (None, LocalClock::None),
            },
        }
    }

    fn local_start(
        &mut self,
        reading: &FlatReading<'_>,
    ) -> Result<Option<DateTime<FixedOffset>>, LocalTimeError> {
        let (Some(rules), Some(utc)) = (reading.local_time, reading.start) else {
            return Ok(None);
        };
        if let Some(span) = self.span
            && span.rules == rules
            && (span.from..span.until).contains(&utc)
            && let Some(start) = at_offset(utc, span.offset)
        {
            return Ok(Some(start));
        }
        let start = rules.to_local(utc)?;
        self.span = span_of(rules, utc, *start.offset());
        Ok(Some(start))
    }
}

/// The span around `utc` where `rules.offset_at` cannot change: within `utc`'s year on
/// standard time (the years `offset_at` looks at stay the same) and between the DST
/// transitions of those years that surround it (which of them lie at or before an
/// instant decides the offset). `None` when a year's rules do not evaluate.
fn span_of(rules: LocalTimeRules, utc: i64, offset: FixedOffset) -> Option<Span> {
    let year = DateTime::from_timestamp(utc, 0)?
        .naive_utc()
        .checked_add_offset(FixedOffset::east_opt(i32::try_from(rules.tz_offset).ok()?)?)?
        .year();
    let new_year = |year: i32| {
        Some(
            NaiveDate::from_ymd_opt(year, 1, 1)?
                .and_hms_opt(0, 0, 0)?
                .and_utc()
                .timestamp()
                - rules.tz_offset,
        )
    };
    let mut from = new_year(year)?;
    let mut until = new_year(year.checked_add(1)?)?;
    for year in year - 2..=year + 1 {
        let transitions = match rules.dst_period_utc(year) {
            Ok(Some((start, end))) => [start, end],
            Ok(None) => break,
            // A fixed day the year lacks: no change that year, as `offset_at` has it.
            Err(LocalTimeError::InvalidRule {
                source: DstRuleError::NoSuchDay { .. },
                ..
            }) => continue,
            Err(_) => return None,
        };
        for transition in transitions {
            if transition <= utc {
                from = from.max(transition);
            } else {
                until = until.min(transition);
            }
        }
    }
    Some(Span {
        rules,
        from,
        until,
        offset,
    })
}

/// `utc` shown at `offset`, unless the local time leaves chrono's range.
fn at_offset(utc: i64, offset: FixedOffset) -> Option<DateTime<FixedOffset>> {
    let instant = DateTime::from_timestamp(utc, 0)?;
    instant.naive_utc().checked_add_offset(offset)?;
    Some(instant.with_timezone(&offset))
}

#[cfg(test)]
mod tests {
    use super::*;
    use espi_model::dst::DstRule;
    use espi_model::interval_block::IntervalReading;

    fn rules(tz_offset: i64, dst_start: u32, dst_end: u32) -> LocalTimeRules {
        LocalTimeRules {
            tz_offset,
            dst_offset: 3600,
            dst_start: DstRule(dst_start),
            dst_end: DstRule(dst_end),
        }
    }

    /// The start and its offset, which `DateTime`'s equality leaves out.
    fn shown(start: Result<Option<DateTime<FixedOffset>>, LocalTimeError>) -> String {
        format!(
            "{:?}",
            start.map(|start| start.map(|start| start.to_rfc3339()))
        )
    }

    #[test]
    fn cached_offsets_are_the_models_at_every_instant() {
        let sets = [
            // US Eastern, the samples' rules.
            rules(-18000, 0x360E_2000, 0xB40E_2000),
            // The same months the other way round: DST outside [March, November).
            rules(36000, 0xB40E_2000, 0x360E_2000),
            // A start on 29 February: no change in the years without one.
            rules(3600, 0x21D0_2000, 0xB40E_2000),
            // No DST; and rules that do not decode.
            rules(-21600, DstRule::DISABLED.0, DstRule::DISABLED.0),
            rules(-18000, 0x65ED_5A70, 0x6727_1F70),
        ];
        let reading = IntervalReading::default();
        let mut cache = OffsetCache::default();
        let mut checked = 0;
        // Every 15 minutes over 2023 to 2025, back through 2024, then every 59 minutes
        // over 1998 to 2031, switching rules now and then so the cache sees a change
        // of rules too.
        let steps = (1_672_531_200..1_767_225_600)
            .step_by(900)
            .chain((1_704_067_200..1_735_689_600).rev().step_by(900))
            .chain((883_612_800..1_956_528_000).step_by(3540));
        for (index, start) in steps.enumerate() {
            let local_time = sets[index / 5000 % sets.len()];
            let flat = FlatReading {
                usage_point: None,
                meter_reading: None,
                interval_block: 0,
                linked: true,
                reading_type: None,
                local_time: Some(local_time),
                reading: &reading,
                start: Some(start),
                duration: Some(900),
            };
            assert_eq!(
                shown(cache.local_start(&flat)),
                shown(flat.local_start()),
                "{local_time:?} at {start}"
            );
            checked += 1;
        }
        assert!(checked > 430_000);
    }
}
