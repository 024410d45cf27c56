//! The Parquet export of a large generated feed keeps its memory bounded by the row
//! group, not by the file: the peak of live heap bytes, counted by this test binary's
//! allocator, is about the same for a feed four times larger. The totals read back
//! equal what the generator wrote.

mod common;

use common::parquet_rows::for_each_row;
use espi_convert::parquet::{ParquetOptions, write_parquet};
use espi_xml::synthetic::{FeedStats, write_feed};
use rust_decimal::Decimal;
use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{BufReader, BufWriter, Seek};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The system allocator, counting live bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        unsafe { System.dealloc(pointer, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const ROW_GROUP_ROWS: usize = 5_000;

/// Converts a generated feed of about `bytes` bytes from a file to a file; returns
/// the generator's stats, the peak of live heap bytes above those live before the
/// conversion, and the Parquet file.
fn convert(bytes: u64) -> (FeedStats, usize, std::fs::File) {
    let mut xml = tempfile::tempfile().expect("a temporary file");
    let stats = write_feed(BufWriter::new(&mut xml), bytes, false).expect("the feed");
    xml.rewind().expect("rewinds");
    let mut parquet = tempfile::tempfile().expect("a temporary file");
    let options = ParquetOptions::default().with_row_group_rows(ROW_GROUP_ROWS);
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let report = write_parquet(
        BufReader::new(&xml),
        BufWriter::new(&mut parquet),
        espi_xml::ReaderOptions::default(),
        &options,
    )
    .expect("converts");
    let peak = PEAK.load(Ordering::Relaxed) - before;
    assert_eq!(report.rows, stats.readings);
    assert!(report.problems.is_empty() && report.warnings.is_empty());
    parquet.rewind().expect("rewinds");
    (stats, peak, parquet)
}

#[test]
fn memory_is_bounded_by_the_row_group_and_totals_match_the_generator() {
    let (small, small_peak, _) = convert(4 << 20);
    let (large, large_peak, file) = convert(16 << 20);
    assert!(large.readings >= 3 * small.readings, "{small:?} {large:?}");
    eprintln!(
        "peak heap: {small_peak} B for {} readings ({} B of XML), {large_peak} B for {} ({} B)",
        small.readings, small.bytes, large.readings, large.bytes
    );
    // Both feeds fill several row groups; four times the readings need about the
    // same memory.
    assert!(
        large_peak < small_peak + small_peak / 4,
        "{large_peak} B for {} readings vs {small_peak} B for {}",
        large.readings,
        small.readings
    );
    // About 4.5 MiB for row groups of 5 000 rows (the open row group's pages and
    // the Arrow arrays of one batch), whatever the file's size.
    assert!(
        large_peak < 8 << 20,
        "{large_peak} B for a {} B feed",
        large.bytes
    );

    let (mut rows, mut value_sum, mut cost_sum) = (0u64, 0i64, 0i64);
    let row_groups = for_each_row(file, |row| {
        rows += 1;
        value_sum += row.raw_value.expect("a value");
        let cost = row.cost.expect("a cost") * Decimal::from(100_000);
        cost_sum += i64::try_from(cost.trunc().mantissa() / 10i128.pow(cost.trunc().scale()))
            .expect("in range");
        assert_eq!(row.unit.as_deref(), Some("Wh"));
    });
    assert_eq!(
        (rows, value_sum, cost_sum),
        (large.readings, large.value_sum, large.cost_sum)
    );
    assert_eq!(
        row_groups as u64,
        large.readings.div_ceil(ROW_GROUP_ROWS as u64)
    );
}
