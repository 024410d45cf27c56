//! Daily and monthly totals: on every linked sample they add up to the facts of
//! `testdata/expected.json` per meter reading; on a generated feed in US Central time
//! the days follow the local clock across DST.

mod common;

use common::{linked_samples, sample, scaled, testdata, well_formed_samples};
use espi_convert::MAX_PENDING_READINGS;
use espi_convert::totals::{Granularity, UsageTotals, usage_totals};
use espi_xml::ReaderOptions;
use rust_decimal::Decimal;

fn totals(xml: &[u8], period: Granularity) -> UsageTotals {
    usage_totals(xml, ReaderOptions::default(), period, MAX_PENDING_READINGS)
        .unwrap_or_else(|error| panic!("usage_totals: {error}"))
}

#[test]
fn daily_and_monthly_totals_add_up_to_the_expected_facts_of_every_linked_sample() {
    let Some(data) = testdata() else { return };
    let mut series_checked = 0;
    for (path, facts) in linked_samples(&data) {
        let xml = sample(&data, &path);
        for period in [Granularity::Day, Granularity::Month] {
            let totals = totals(&xml, period);
            assert_eq!(totals.period, period);
            for point in facts["linked"].as_array().expect("linked") {
                for reading in point["meter_readings"].as_array().expect("readings") {
                    let count = reading["readings"].as_u64().expect("a count");
                    let found = totals.series.iter().find(|series| {
                        Some(series.meter_reading.as_str()) == reading["self"].as_str()
                            && Some(series.usage_point.as_str()) == point["self"].as_str()
                    });
                    let Some(series) = found else {
                        assert_eq!(count, 0, "{path}: no series for {reading}");
                        continue;
                    };
                    let power = reading["reading_type"]["powerOfTenMultiplier"]
                        .as_i64()
                        .unwrap_or(0);
                    let value = scaled(reading["sum_value"].as_i64().expect("a sum"), power);
                    let cost = scaled(reading["sum_cost"].as_i64().expect("a sum"), -5);
                    let readings: u64 = series.periods.iter().map(|p| p.readings).sum();
                    assert_eq!(
                        (
                            readings + series.undated_readings,
                            series.total_value(),
                            series.total_cost()
                        ),
                        (count, Some(value), Some(cost)),
                        "{path} {period}: {}",
                        series.meter_reading
                    );
                    // Periods are in time order, each one period long.
                    for pair in series.periods.windows(2) {
                        assert!(pair[0].start < pair[1].start, "{path}");
                    }
                    for total in &series.periods {
                        assert_eq!(period.start_of(total.start), total.start, "{path}");
                    }
                    series_checked += 1;
                }
            }
            // Every series is accounted for by the expected facts' meter readings.
            let expected: u64 = facts["linked"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|point| point["meter_readings"].as_array().into_iter().flatten())
                .filter(|reading| reading["readings"].as_u64() > Some(0))
                .count() as u64;
            assert_eq!(totals.series.len() as u64, expected, "{path}");
        }
    }
    // 40 meter readings with readings in the 61 linked samples, by day and by month.
    assert_eq!(series_checked, 80);
}

#[test]
fn every_reading_of_every_sample_is_in_a_total_or_counted_as_undated() {
    let Some(data) = testdata() else { return };
    for (path, facts) in well_formed_samples(&data) {
        let totals = totals(&sample(&data, &path), Granularity::Month);
        let readings: u64 = totals
            .series
            .iter()
            .map(|series| {
                series.periods.iter().map(|p| p.readings).sum::<u64>() + series.undated_readings
            })
            .sum();
        assert_eq!(
            Some(readings),
            facts["interval_readings"]["count"].as_u64(),
            "{path}"
        );
        let unlinked = totals.series.iter().filter(|series| !series.linked).count();
        assert_eq!(unlinked > 0, totals.report.unlinked_rows > 0, "{path}");
        for series in totals.series.iter().filter(|series| !series.linked) {
            assert!(
                series
                    .notes()
                    .iter()
                    .any(|note| note.contains("not linked")),
                "{path}"
            );
        }
    }
}

#[test]
fn days_follow_the_local_clock_across_daylight_saving_time() {
    // US Central: 2020-03-08 has 23 hours (92 quarter hours), 2020-11-01 has 25 (100).
    let mut xml = Vec::new();
    let stats = espi_xml::synthetic::write_feed(&mut xml, 24 << 20, false).expect("a feed");
    assert!(stats.interval_blocks > 370, "{stats:?}");
    let days = totals(&xml, Granularity::Day);
    let [series] = days.series.as_slice() else {
        panic!("one series: {:?}", days.series.len());
    };
    assert_eq!(series.local_readings, stats.readings);
    assert!(series.notes().is_empty(), "{:?}", series.notes());
    let readings = |day: &str| {
        series
            .periods
            .iter()
            .find(|period| period.start.to_string() == day)
            .map(|period| period.readings)
    };
    assert_eq!(readings("2020-01-01"), Some(96));
    assert_eq!(readings("2020-03-07"), Some(96));
    assert_eq!(readings("2020-03-08"), Some(92));
    assert_eq!(readings("2020-03-09"), Some(96));
    assert_eq!(readings("2020-07-01"), Some(96));
    assert_eq!(readings("2020-11-01"), Some(100));
    assert_eq!(readings("2020-11-02"), Some(96));
    assert_eq!(series.total_value(), Some(Decimal::from(stats.value_sum)));
    assert_eq!(series.total_cost(), Some(scaled(stats.cost_sum, -5)));

    let months = totals(&xml, Granularity::Month);
    let march = &months.series[0].periods[2];
    assert_eq!(march.start.to_string(), "2020-03-01");
    assert_eq!(march.readings, 31 * 96 - 4);
    assert_eq!(months.series[0].total_value(), series.total_value());
}

#[test]
fn standard_time_and_missing_local_time_are_said() {
    let Some(data) = testdata() else { return };
    let enbridge = totals(
        &sample(
            &data,
            "enbridge-gas/EGD_Gas_EnergyUsage_20221225_20241225.xml",
        ),
        Granularity::Month,
    );
    let standard: u64 = enbridge
        .series
        .iter()
        .map(|s| s.standard_time_readings)
        .sum();
    assert_eq!(standard, 20);
    assert!(enbridge.series[0].notes()[0].contains("standard time"));
    assert_eq!(enbridge.report.warnings.len(), 1);
    // NGMA's gas bill has no LocalTimeParameters: UTC days, said.
    let ngma = totals(
        &sample(
            &data,
            "greenbutton-objects/ngma_natural_gas_billing_billing_data_Service_1_1_2021-05-26_to_2024-04-25.xml",
        ),
        Granularity::Month,
    );
    let series = &ngma.series[0];
    assert_eq!((series.utc_readings, series.unit.as_str()), (35, "therm"));
    assert!(
        series.notes().iter().any(|note| note.contains("UTC days")),
        "{:?}",
        series.notes()
    );
}
