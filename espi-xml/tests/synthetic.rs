//! The generated feed cut into blocks of any length holds the same readings: the first
//! day of each shape, read back, gives the same 96 linked readings in order, and the
//! blocks tile the days without gap or overlap.

use espi_model::resource::Resource;
use espi_xml::synthetic::{FeedShape, READINGS_PER_DAY, write_feed_with};

#[test]
fn every_block_length_gives_the_same_day() {
    let mut first_day = None;
    for readings_per_block in [1, 5, 24, 95, 96] {
        let shape = FeedShape {
            readings_per_block,
            ..FeedShape::default()
        };
        let mut xml = Vec::new();
        // Whole days: the loop stops at a day boundary.
        let stats = write_feed_with(&mut xml, 1, shape).expect("in memory");
        let days = stats.readings / u64::from(READINGS_PER_DAY);
        assert_eq!(stats.readings % u64::from(READINGS_PER_DAY), 0);
        let blocks = u64::from(READINGS_PER_DAY.div_ceil(readings_per_block));
        assert_eq!(stats.interval_blocks, days * blocks, "{readings_per_block}");

        let parsed = espi_xml::read_document(&xml[..]).expect("well-formed");
        assert!(
            parsed.tree.problems.is_empty(),
            "{:?}",
            parsed.tree.problems
        );
        let readings: Vec<(i64, Option<i64>, Option<i64>, bool)> = parsed
            .readings()
            .map(|r| {
                (
                    r.start.expect("a start"),
                    r.reading.value,
                    r.reading.cost,
                    r.linked,
                )
            })
            .collect();
        assert_eq!(readings.len() as u64, stats.readings);
        assert!(readings.iter().all(|r| r.3), "every reading linked");
        let mut end = None;
        for entry in parsed.document.entries() {
            if let Some(Resource::IntervalBlock(block)) = entry.resource() {
                let interval = block.interval.as_ref().expect("an interval");
                let start = interval.start.expect("a start");
                assert!(
                    end.is_none_or(|end| end == start),
                    "blocks follow one another"
                );
                end = Some(start + i64::from(interval.duration.expect("a duration")));
            }
        }
        let span = 86_400 * days as i64;
        assert_eq!(end, Some(readings[0].0 + span), "the blocks cover the days");
        let day = readings[..READINGS_PER_DAY as usize].to_vec();
        match &first_day {
            None => first_day = Some(day),
            Some(first) => assert_eq!(first, &day, "{readings_per_block}"),
        }
    }
}
