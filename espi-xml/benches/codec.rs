//! Codec throughput benchmark: the typed streaming reader against bare quick-xml
//! event loops, and the writer, on ~50 MB of synthetic interval data.
//!
//! ```text
//! cargo bench -p espi-xml --bench codec -- --sample-size 10
//! ```
//!
//! The input is generated once, in memory, by the feed generator shared with the
//! `generate` example (`espi_xml::synthetic`); nothing is read from disk.
//! Set `ESPI_BENCH_INDENT=1` to benchmark indented instead of compact XML.
//!
//! - `parse_50mb/bare_quick_xml`: `quick_xml::Reader` event loop counting start tags,
//!   the floor any quick-xml based reader stands on.
//! - `parse_50mb/bare_ns_reader`: the same with `quick_xml::NsReader`, resolving the
//!   namespace of every start and empty tag (what a namespace-correct reader must do).
//! - `parse_50mb/typed_entry_reader`: `espi_xml::EntryReader`, every entry decoded
//!   into the model, IntervalReading values summed.
//! - `write_50mb/writer`: `espi_xml::Writer` writing the parsed entries back.
//!
//! Every variant reads from an in-memory `&[u8]` (a `BufRead`). Throughput is in
//! bytes of XML (input for parsing, output for writing).

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use espi_model::atom::{Entry, Metadata};
use espi_model::resource::Resource;
use espi_xml::{EntryReader, WriteOptions, Writer, synthetic};
use quick_xml::events::Event;
use quick_xml::name::{Namespace, ResolveResult};
use std::hint::black_box;
use std::sync::OnceLock;
use std::time::Duration;

/// Size of the generated input.
const TARGET_BYTES: u64 = 50_000_000;

fn indent() -> bool {
    std::env::var_os("ESPI_BENCH_INDENT").is_some_and(|value| value != "0")
}

/// The generated feed, built on first use.
fn input() -> &'static [u8] {
    static INPUT: OnceLock<Vec<u8>> = OnceLock::new();
    INPUT.get_or_init(|| {
        let mut bytes = Vec::with_capacity(TARGET_BYTES as usize + (1 << 20));
        let stats = synthetic::write_feed(&mut bytes, TARGET_BYTES, indent())
            .expect("writing to a Vec cannot fail");
        eprintln!(
            "input: {} bytes ({}), {} entries, {} IntervalBlocks, {} readings, value sum {}, cost sum {}",
            stats.bytes,
            if indent() { "indented" } else { "compact" },
            stats.entries,
            stats.interval_blocks,
            stats.readings,
            stats.value_sum,
            stats.cost_sum,
        );
        // The typed reader must see exactly what was generated.
        let (readings, sum) = typed_sum(&bytes);
        assert_eq!((readings, sum), (stats.readings, stats.value_sum));
        bytes
    })
}

/// Bare quick-xml: every event, counting start tags.
fn bare_quick_xml(bytes: &[u8]) -> u64 {
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut buf = Vec::with_capacity(8 * 1024);
    let mut starts = 0u64;
    loop {
        match reader.read_event_into(&mut buf).expect("well-formed input") {
            Event::Start(_) => starts += 1,
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    starts
}

/// Bare NsReader: every event, resolving the namespace of each start and empty tag.
fn bare_ns_reader(bytes: &[u8]) -> u64 {
    let mut reader = quick_xml::NsReader::from_reader(bytes);
    let mut buf = Vec::with_capacity(8 * 1024);
    let mut espi = 0u64;
    loop {
        match reader.read_event_into(&mut buf).expect("well-formed input") {
            Event::Start(start) | Event::Empty(start) => {
                let (ns, local) = reader.resolver().resolve_element(start.name());
                if matches!(ns, ResolveResult::Bound(Namespace("http://naesb.org/espi"))) {
                    espi += local.into_inner().len() as u64;
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    espi
}

/// The typed reader: every entry decoded; (readings, sum of values).
fn typed_sum(bytes: &[u8]) -> (u64, i64) {
    let (mut readings, mut sum) = (0u64, 0i64);
    for entry in EntryReader::new(bytes) {
        for resource in entry.expect("valid input").content {
            if let Resource::IntervalBlock(block) = resource {
                for reading in &block.interval_reading {
                    readings += 1;
                    sum += reading.value.unwrap_or(0);
                }
            }
        }
    }
    (readings, sum)
}

fn parse(c: &mut Criterion) {
    let bytes = input();
    let mut group = c.benchmark_group("parse_50mb");
    group
        .sampling_mode(SamplingMode::Flat)
        .measurement_time(Duration::from_secs(6))
        .throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("bare_quick_xml", |b| {
        b.iter(|| black_box(bare_quick_xml(black_box(bytes))))
    });
    group.bench_function("bare_ns_reader", |b| {
        b.iter(|| black_box(bare_ns_reader(black_box(bytes))))
    });
    group.bench_function("typed_entry_reader", |b| {
        b.iter(|| black_box(typed_sum(black_box(bytes))))
    });
    group.finish();
}

fn write(c: &mut Criterion) {
    let bytes = input();
    let mut reader = EntryReader::new(bytes);
    let entries: Vec<Entry> = reader
        .by_ref()
        .collect::<Result<_, _>>()
        .expect("valid input");
    let feed: Metadata = reader.feed().clone();
    let options = WriteOptions::with_indent(indent());
    let write_all = |out: &mut Vec<u8>| {
        out.clear();
        let mut writer = Writer::new(&mut *out, options);
        writer.start_feed(&feed).expect("in memory");
        for entry in &entries {
            writer.write_entry(entry).expect("in memory");
        }
        writer.finish().expect("in memory");
    };
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 8);
    write_all(&mut out);
    let written = out.len() as u64;

    let mut group = c.benchmark_group("write_50mb");
    group
        .sampling_mode(SamplingMode::Flat)
        .measurement_time(Duration::from_secs(5))
        .throughput(Throughput::Bytes(written));
    group.bench_function("writer", |b| {
        b.iter(|| {
            write_all(&mut out);
            black_box(out.len())
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1));
    targets = parse, write
}
criterion_main!(benches);
