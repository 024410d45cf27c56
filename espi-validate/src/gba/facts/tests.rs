//! The compact IntervalBlock records must judge exactly as the general ones: generated
//! feeds, broken in the ways real feeds are (blocks out of order, repeated, renumbered,
//! relinked, missing elements), are validated as they are and again with a `related`
//! link added to every IntervalBlock entry, which no rule reads but which keeps the entry
//! out of the compact form. The two reports must be equal, finding for finding.

use super::Record;
use crate::Collector;
use espi_xml::synthetic::{FeedShape, write_feed_with};
use proptest::prelude::*;

const ALL_BLOCKS: &[u16] = &[1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 15, 16, 17, 27, 28, 29, 99];
const BLOCK_TAG: &str = "<espi:IntervalBlock>";

/// A way to break a feed; `usize` fields pick an IntervalBlock entry (modulo their number).
#[derive(Debug, Clone)]
enum Break {
    Swap(usize, usize),
    Duplicate(usize, bool),
    Renumber(usize, u32),
    PadNumber(usize),
    Letter(usize),
    LongSegment(usize),
    UpElsewhere(usize),
    DropCosts(usize),
    DropAtom(usize, usize),
    SecondUp(usize),
    Shift(usize, i64),
    DropDuration(usize),
    Delete(usize),
    RepeatMeterReading,
    RawStart(usize, usize),
    RepeatReading(usize),
    SecondBlock(usize),
    MoveToEnd(usize),
    DropSelf(usize),
    SiblingDirectory(usize),
    DropStart(usize),
    DropMeterReading,
}

fn a_break() -> impl Strategy<Value = Break> {
    let entry = any::<usize>();
    prop_oneof![
        (entry, entry).prop_map(|(a, b)| Break::Swap(a, b)),
        (entry, any::<bool>()).prop_map(|(a, last)| Break::Duplicate(a, last)),
        (entry, 0u32..40).prop_map(|(a, n)| Break::Renumber(a, n)),
        entry.prop_map(Break::PadNumber),
        entry.prop_map(Break::Letter),
        entry.prop_map(Break::LongSegment),
        entry.prop_map(Break::UpElsewhere),
        entry.prop_map(Break::DropCosts),
        (entry, 0usize..4).prop_map(|(a, n)| Break::DropAtom(a, n)),
        entry.prop_map(Break::SecondUp),
        (entry, prop::sample::select(vec![-900i64, -60, 900, 3600]))
            .prop_map(|(a, d)| Break::Shift(a, d)),
        entry.prop_map(Break::DropDuration),
        entry.prop_map(Break::Delete),
        Just(Break::RepeatMeterReading),
        (entry, 0usize..3).prop_map(|(a, n)| Break::RawStart(a, n)),
        entry.prop_map(Break::RepeatReading),
        entry.prop_map(Break::SecondBlock),
        entry.prop_map(Break::MoveToEnd),
        entry.prop_map(Break::DropSelf),
        entry.prop_map(Break::SiblingDirectory),
        entry.prop_map(Break::DropStart),
        Just(Break::DropMeterReading),
    ]
}

/// A generated feed, indented so that entries start on their own lines, cut into the
/// text before the first entry, the entries, and the rest.
fn feed(readings_per_block: u32) -> (String, Vec<String>, String) {
    let shape = FeedShape {
        indent: true,
        readings_per_block,
    };
    // Enough IntervalBlock entries (20 to 30) that breaking five leaves some compact.
    let bytes = 30_000 * (1 + u64::from(readings_per_block) / 4);
    let mut xml = Vec::new();
    write_feed_with(&mut xml, bytes, shape).expect("a feed");
    let text = String::from_utf8(xml).expect("UTF-8");
    let first = text.find("  <entry>").expect("entries");
    let end = text.rfind("</feed>").expect("the end");
    let entries = text[first..end]
        .split_inclusive("  </entry>\n")
        .map(str::to_owned)
        .collect();
    (text[..first].to_owned(), entries, text[end..].to_owned())
}

/// The text between the first `open` and the `close` after it, both included.
fn element_range(text: &str, open: &str, close: &str) -> Option<std::ops::Range<usize>> {
    let start = text.find(open)?;
    let end = start + text[start..].find(close)? + close.len();
    Some(start..end)
}

fn replace_range(text: &mut String, range: Option<std::ops::Range<usize>>, with: &str) {
    if let Some(range) = range {
        text.replace_range(range, with);
    }
}

/// The interval's `start` element (the first `start` after `<espi:interval>`).
fn interval_start(text: &str) -> Option<std::ops::Range<usize>> {
    let interval = text.find("<espi:interval>")?;
    let range = element_range(&text[interval..], "<espi:start>", "</espi:start>")?;
    Some(interval + range.start..interval + range.end)
}

fn apply(entries: &mut Vec<String>, change: &Break) {
    let blocks: Vec<usize> = (0..entries.len())
        .filter(|&i| entries[i].contains(BLOCK_TAG))
        .collect();
    if blocks.is_empty() {
        return;
    }
    let pick = |n: usize| blocks[n % blocks.len()];
    let meter_reading = entries
        .iter()
        .position(|e| e.contains("<espi:MeterReading"));
    match *change {
        Break::Swap(a, b) => entries.swap(pick(a), pick(b)),
        Break::Duplicate(a, last) => {
            let copy = entries[pick(a)].clone();
            let at = if last { entries.len() } else { pick(a) + 1 };
            entries.insert(at, copy);
        }
        Break::Renumber(a, n) => {
            let e = &mut entries[pick(a)];
            let range = element_range(e, "IntervalBlock/", "\" type=\"espi-entry");
            replace_range(e, range, &format!("IntervalBlock/{n}\" type=\"espi-entry"));
        }
        Break::PadNumber(a) => {
            entries[pick(a)] = entries[pick(a)].replacen("IntervalBlock/", "IntervalBlock/0", 1)
        }
        Break::Letter(a) => {
            entries[pick(a)] = entries[pick(a)].replacen("IntervalBlock/", "IntervalBlock/b", 1)
        }
        Break::LongSegment(a) => {
            entries[pick(a)] =
                entries[pick(a)].replacen("IntervalBlock/", "IntervalBlock/block-", 1)
        }
        Break::UpElsewhere(a) => {
            entries[pick(a)] = entries[pick(a)].replacen(
                "MeterReading/1/IntervalBlock\" type=\"espi-feed",
                "MeterReading/2/IntervalBlock\" type=\"espi-feed",
                1,
            )
        }
        Break::DropCosts(a) => {
            let e = &mut entries[pick(a)];
            while let Some(range) = element_range(e, "<espi:cost>", "</espi:cost>") {
                e.replace_range(range, "");
            }
        }
        Break::DropAtom(a, n) => {
            let tag = ["id", "title", "published", "updated"][n];
            let e = &mut entries[pick(a)];
            let range = element_range(e, &format!("<{tag}>"), &format!("</{tag}>"));
            replace_range(e, range, "");
        }
        Break::SecondUp(a) => {
            let up = "<link rel=\"up\" href=\"https://datacustodian.example.com/DataCustodian/espi/1_1/resource/Subscription/1/UsagePoint/1/MeterReading/1/IntervalBlock\"/>";
            entries[pick(a)] = entries[pick(a)].replacen("<content>", &format!("{up}<content>"), 1);
        }
        Break::Shift(a, seconds) => {
            let e = &mut entries[pick(a)];
            if let Some(range) = interval_start(e) {
                let digits =
                    &e[range.start + "<espi:start>".len()..range.end - "</espi:start>".len()];
                if let Ok(start) = digits.parse::<i64>() {
                    let with = format!("<espi:start>{}</espi:start>", start + seconds);
                    e.replace_range(range, &with);
                }
            }
        }
        Break::DropDuration(a) => {
            let e = &mut entries[pick(a)];
            let range = element_range(e, "<espi:duration>", "</espi:duration>");
            replace_range(e, range, "");
        }
        Break::Delete(a) => {
            entries.remove(pick(a));
        }
        Break::RepeatMeterReading => {
            if let Some(at) = meter_reading {
                let copy = entries[at].clone();
                entries.insert(at + 1, copy);
            }
        }
        Break::RawStart(a, n) => {
            let e = &mut entries[pick(a)];
            if let Some(range) = interval_start(e) {
                let prefix = ["0", "x", " "][n];
                let at = range.start + "<espi:start>".len();
                e.insert_str(at, prefix);
            }
        }
        Break::RepeatReading(a) => {
            let e = &mut entries[pick(a)];
            if let Some(range) =
                element_range(e, "<espi:IntervalReading>", "</espi:IntervalReading>")
            {
                let reading = e[range.clone()].to_owned();
                e.insert_str(range.end, &reading);
            }
        }
        Break::SecondBlock(a) => {
            let e = &mut entries[pick(a)];
            if let Some(range) = element_range(e, BLOCK_TAG, "</espi:IntervalBlock>") {
                let block = e[range.clone()].to_owned();
                e.insert_str(range.end, &block);
            }
        }
        Break::MoveToEnd(a) => {
            let entry = entries.remove(pick(a));
            entries.push(entry);
        }
        Break::DropSelf(a) => {
            let e = &mut entries[pick(a)];
            let range = element_range(e, "<link rel=\"self\"", "/>");
            replace_range(e, range, "");
        }
        Break::SiblingDirectory(a) => {
            entries[pick(a)] = entries[pick(a)].replacen("IntervalBlock/", "IntervalBlocks/", 1)
        }
        Break::DropStart(a) => {
            let e = &mut entries[pick(a)];
            let range = interval_start(e);
            replace_range(e, range, "");
        }
        Break::DropMeterReading => {
            if let Some(at) = meter_reading {
                entries.remove(at);
            }
        }
    }
}

/// The report, and how many entries were kept as compact records.
fn judge(xml: &str) -> (crate::Report, usize) {
    let report = crate::validate_reader(xml.as_bytes(), Default::default(), Some(ALL_BLOCKS))
        .expect("well-formed");
    let document = espi_xml::read_document(xml.as_bytes()).expect("well-formed");
    let collector = Collector::of_document(&document.document);
    let compact = collector
        .gba
        .records
        .iter()
        .filter(|record| matches!(record, Record::Block(_)))
        .count();
    (report, compact)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn compact_records_judge_as_the_general_ones(
        shape in prop::sample::select(vec![1u32, 4, 96]),
        breaks in prop::collection::vec(a_break(), 0..6),
    ) {
        let (head, mut entries, tail) = feed(shape);
        for change in &breaks {
            apply(&mut entries, change);
        }
        let compact = format!("{head}{}{tail}", entries.concat());
        // The added link goes on the `<entry>` line, so no entry starts elsewhere.
        let general: String = entries
            .iter()
            .map(|e| if e.contains(BLOCK_TAG) {
                e.replacen("<entry>", "<entry><link rel=\"related\" href=\"urn:example:other\"/>", 1)
            } else {
                e.clone()
            })
            .collect();
        let general = format!("{head}{general}{tail}");
        let (compact_report, compact_records) = judge(&compact);
        let (general_report, general_records) = judge(&general);
        prop_assert!(compact_records > 0, "the feed has compact entries");
        prop_assert_eq!(general_records, 0, "the added link keeps every entry general");
        prop_assert_eq!(&compact_report, &general_report);
        // The shortcuts for data in order change nothing either.
        crate::SHORTCUTS.set(false);
        let (slow_report, _) = judge(&compact);
        crate::SHORTCUTS.set(true);
        prop_assert_eq!(&compact_report, &slow_report);
    }
}

#[test]
fn a_compact_record_takes_32_bytes() {
    assert_eq!(std::mem::size_of::<super::BlockRecord>(), 32);
    assert_eq!(
        std::mem::size_of::<Record>(),
        32,
        "the enum's tag fits a niche"
    );
}

#[test]
fn feeds_of_numbered_blocks_are_kept_compact() {
    for shape in [1, 4, 96] {
        let (head, entries, tail) = feed(shape);
        let (report, compact) = judge(&format!("{head}{}{tail}", entries.concat()));
        let blocks = entries.iter().filter(|e| e.contains(BLOCK_TAG)).count();
        assert_eq!(
            compact, blocks,
            "every IntervalBlock entry of the {shape}-reading feed"
        );
        assert!(
            report
                .findings
                .iter()
                .all(|f| f.rule != "V001" && f.rule != "D035")
        );
    }
}
