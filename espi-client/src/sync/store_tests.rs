use super::store::*;
use espi_model::atom::Metadata;
use espi_model::interval::DateTimeInterval;
use espi_model::interval_block::{IntervalBlock, IntervalReading};
use espi_model::{
    atom::{Entry, Link},
    resource::Resource,
};

fn block(self_href: &str, up: &str, start: i64, values: &[i64]) -> Entry {
    Entry {
        meta: Metadata {
            links: vec![Link::new("self", self_href), Link::new("up", up)],
            ..Metadata::default()
        },
        content: vec![Resource::IntervalBlock(IntervalBlock {
            interval: Some(DateTimeInterval::new(start, 60 * values.len() as u32)),
            interval_reading: values
                .iter()
                .zip(0..)
                .map(|(&value, minute)| IntervalReading {
                    time_period: Some(DateTimeInterval::new(start + 60 * minute, 60)),
                    value: Some(value),
                    ..IntervalReading::default()
                })
                .collect(),
            ..IntervalBlock::default()
        })],
        ..Entry::default()
    }
}

#[tokio::test]
async fn redelivery_replaces_and_never_duplicates() {
    let store = MemorySyncStore::new();
    let up = "https://dc/r/Subscription/1/UsagePoint/1/MeterReading/1/IntervalBlock";
    let first = block(&format!("{up}/1"), up, 0, &[1, 2, 3]);
    let second = block(&format!("{up}/2"), up, 180, &[4]);
    store
        .commit(
            "s",
            SyncBatch {
                entries: vec![first.clone(), second.clone()],
                fetched_at: 1,
                month: None,
            },
        )
        .await
        .expect("commit");
    // A corrected first block with one reading less, delivered again: the readings
    // it carries are replaced, the one it no longer carries is kept.
    let corrected = block(&format!("{up}/1"), up, 0, &[10, 20]);
    let month = MonthRecord {
        start: 0,
        end: 1000,
        covered_until: 1000,
        entries: 2,
        readings: 3,
        fetched_at: 5,
    };
    store
        .commit(
            "s",
            SyncBatch {
                entries: vec![corrected, second],
                fetched_at: 5,
                month: Some(month),
            },
        )
        .await
        .expect("commit");
    let totals = store.totals("s");
    assert_eq!(totals.count, 4);
    assert_eq!(totals.sum, 10 + 20 + 3 + 4);
    assert_eq!((totals.first_start, totals.last_end), (Some(0), Some(240)));
    assert_eq!(store.redelivered("s"), 2);
    assert_eq!(store.month_records("s").await.expect("months"), [month]);
    assert_eq!(store.entries("s").len(), 2);
    let readings = store.readings("s");
    assert_eq!(
        readings[0].meter_reading,
        "https://dc/r/Subscription/1/UsagePoint/1/MeterReading/1"
    );
    assert!(is_interval_block(&store.entries("s")[0]));
}

#[test]
fn readings_without_times_are_kept_by_position() {
    let mut entry = block(
        "https://dc/r/x/MeterReading/2/IntervalBlock/9",
        "",
        100,
        &[5, 6],
    );
    entry
        .meta
        .links
        .retain(|link| link.rel.as_deref() == Some("self"));
    if let Some(Resource::IntervalBlock(block)) = entry.content.first_mut() {
        for reading in &mut block.interval_reading {
            reading.time_period = None;
        }
    }
    let readings = readings_of(&entry);
    assert_eq!(readings[1].position, ReadingPosition::InBlock(100, 1));
    assert_eq!(readings[1].meter_reading, "https://dc/r/x/MeterReading/2");
    assert_eq!(readings[1].start(), None);
}
