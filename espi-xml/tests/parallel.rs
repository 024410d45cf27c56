//! Decoding on several threads gives exactly what one thread gives: the same entries,
//! spans, diagnostics (positions included), feed metadata and errors (at the same
//! position), on every sample, on generated feeds and on inputs made to trip the
//! splitter (`</entry>` inside comments and attribute values, metadata and comments
//! between entries, nested entries, prefixes, truncation, errors late in a file, limits).

use espi_xml::{EntryReader, Mode, ReaderLimits, ReaderOptions};
use std::io::BufReader;
use std::path::{Path, PathBuf};

/// Everything a reader reports, in order, as text.
fn trace(bytes: &[u8], options: ReaderOptions, capacity: usize) -> Vec<String> {
    let mut reader = EntryReader::with_options(BufReader::with_capacity(capacity, bytes), options);
    let mut out = Vec::new();
    while let Some(entry) = reader.next() {
        match entry {
            Ok(entry) => {
                out.push(format!("{entry:?}"));
                out.push(format!("{:?}", reader.entry_span()));
            }
            Err(error) => out.push(format!("error {error} {:?}", error.position())),
        }
        // Diagnostics taken as they come, as a streaming caller does.
        out.push(format!("{:?}", reader.take_diagnostics()));
    }
    out.push(format!("{:?}", reader.take_diagnostics()));
    out.push(format!("{:?}", reader.feed()));
    out.push(format!("{:?} {:?}", reader.root(), reader.root_position()));
    out
}

fn assert_same(name: &str, bytes: &[u8], options: ReaderOptions) -> usize {
    let one = trace(bytes, options, 64 * 1024);
    for threads in [2, 4] {
        for capacity in [61, 64 * 1024] {
            let many = trace(bytes, options.with_threads(threads), capacity);
            if many != one {
                let at = one.iter().zip(&many).position(|(a, b)| a != b);
                let show = |t: &[String], i: Option<usize>| {
                    i.and_then(|i| t.get(i))
                        .map(|s| s.chars().take(600).collect::<String>())
                };
                panic!(
                    "{name}: {threads} threads, buffer {capacity}: differs at item {at:?} of {}/{}:\n one: {:?}\n many: {:?}",
                    one.len(),
                    many.len(),
                    show(&one, at),
                    show(&many, at)
                );
            }
        }
    }
    one.len()
}

fn samples() -> Vec<PathBuf> {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/samples"));
    if !root.is_dir() {
        assert!(
            std::env::var_os("ESPI_REQUIRE_TESTDATA").is_none(),
            "testdata/samples is missing"
        );
        eprintln!("skipped: {} is missing", root.display());
        return Vec::new();
    }
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("readable testdata") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|ext| ext == "xml") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(root, &mut files);
    files.sort();
    files
}

#[test]
fn every_sample_reads_the_same_on_one_two_and_four_threads() {
    for path in samples() {
        let bytes = std::fs::read(&path).expect("sample");
        let name = path.display().to_string();
        assert_same(&name, &bytes, ReaderOptions::lenient());
        assert_same(&name, &bytes, ReaderOptions::strict());
    }
}

fn synthetic(size: u64, indent: bool) -> String {
    let mut xml = Vec::new();
    espi_xml::synthetic::write_feed(&mut xml, size, indent).expect("in memory");
    String::from_utf8(xml).expect("UTF-8")
}

#[test]
fn generated_feeds_read_the_same() {
    for indent in [false, true] {
        let xml = synthetic(3_000_000, indent);
        let items = assert_same("synthetic", xml.as_bytes(), ReaderOptions::lenient());
        assert!(items > 3 * 100, "{items} items");
    }
    // Entries of one reading each: thousands of small pieces for the splitter.
    let shape = espi_xml::synthetic::FeedShape {
        readings_per_block: 1,
        ..Default::default()
    };
    let mut xml = Vec::new();
    espi_xml::synthetic::write_feed_with(&mut xml, 3_000_000, shape).expect("in memory");
    let items = assert_same("one-reading blocks", &xml, ReaderOptions::lenient());
    assert!(items > 3000, "{items} items");
}

/// Replaces the `n`th occurrence (0-based) of `from` in `xml`.
fn replace_nth(xml: &str, from: &str, to: &str, n: usize) -> String {
    let (at, _) = xml
        .match_indices(from)
        .nth(n)
        .unwrap_or_else(|| panic!("no occurrence {n} of {from}"));
    format!("{}{to}{}", &xml[..at], &xml[at + from.len()..])
}

#[test]
fn inputs_that_trip_the_splitter_read_the_same() {
    let xml = synthetic(1_300_000, true);
    let entries = xml.matches("<entry").count();
    assert!(entries > 40, "{entries} entries");
    let late = entries - 3;
    let cases: Vec<(&str, String)> = vec![
        (
            "end tag in a comment",
            replace_nth(&xml, "<content>", "<!-- </entry> --><content>", 12),
        ),
        (
            "end tag in CDATA of raw content",
            replace_nth(
                &xml,
                "<content>",
                "<content><x><![CDATA[</entry>]]></x>",
                13,
            ),
        ),
        (
            "end tag in an attribute value",
            replace_nth(&xml, "<link ", "<link title=\"</entry>\" ", 30),
        ),
        (
            "'>' in an attribute of the entry tag",
            replace_nth(&xml, "<entry>", "<entry xml:lang=\"a>b\">", 9),
        ),
        (
            "feed metadata between entries",
            replace_nth(
                &xml,
                "<entry>",
                "<rights>r</rights><id>urn:x</id>\n<entry>",
                15,
            ),
        ),
        (
            "a comment and a PI between entries",
            replace_nth(&xml, "<entry>", "<!-- c --><?pi x?>\n<entry>", 16),
        ),
        (
            "text between entries",
            replace_nth(&xml, "<entry>", "stray\n<entry>", 17),
        ),
        (
            "a nested entry in raw content",
            replace_nth(&xml, "<content>", "<content><entry><id>n</id></entry>", 18),
        ),
        (
            "an empty entry",
            replace_nth(&xml, "<entry>", "<entry/>\n<entry>", 19),
        ),
        (
            "a prefixed entry",
            replace_nth(
                &xml,
                "<entry>",
                "<a:entry xmlns:a=\"http://www.w3.org/2005/Atom\"><a:id>p</a:id></a:entry>\n<entry>",
                20,
            ),
        ),
        (
            "an entry of another namespace",
            replace_nth(&xml, "<entry>", "<o:entry xmlns:o=\"urn:o\"/>\n<entry>", 10),
        ),
        (
            "a deviation late in the file",
            replace_nth(&xml, "<espi:value>", "<espi:value>x", 2000),
        ),
        (
            "a mismatched end tag late in the file",
            replace_nth(&xml, "</espi:value>", "</espi:valu>", 2100),
        ),
        (
            "a bad character late in the file",
            replace_nth(&xml, "<espi:value>", "<espi:value>\u{1}", 2200),
        ),
        (
            "an undeclared prefix",
            replace_nth(&xml, "<entry>", "<entry><q:x/>", late),
        ),
        (
            "a misspelt end of entry",
            replace_nth(&xml, "</entry>", "</entryx>", late),
        ),
        ("the feed end missing", xml.replace("</feed>", "")),
        ("a second root", format!("{xml}<feed/>")),
        ("CRLF line ends", xml.replace('\n', "\r\n")),
    ];
    for (name, case) in &cases {
        assert_same(name, case.as_bytes(), ReaderOptions::lenient());
        assert_same(name, case.as_bytes(), ReaderOptions::strict());
    }
}

#[test]
fn truncated_inputs_fail_at_the_same_place() {
    let xml = synthetic(150_000, true);
    for cut in (0..xml.len()).step_by(1999) {
        assert_same(
            &format!("cut at {cut}"),
            &xml.as_bytes()[..cut],
            ReaderOptions::lenient(),
        );
    }
}

#[test]
fn limits_trip_at_the_same_place() {
    let xml = synthetic(300_000, false);
    for limits in [
        ReaderLimits::default().with_max_entry_size(5_000),
        ReaderLimits::default().with_max_document_size(Some(150_000)),
        ReaderLimits::default().with_max_text_size(8),
        ReaderLimits::default().with_max_depth(4),
    ] {
        let options = ReaderOptions::with_mode(Mode::Lenient).with_limits(limits);
        assert_same(&format!("{limits:?}"), xml.as_bytes(), options);
    }
}

#[test]
fn whole_document_and_facts_agree_across_threads() {
    let xml = synthetic(2_000_000, true);
    let one = espi_xml::read_document(xml.as_bytes()).expect("read");
    let many =
        espi_xml::read_document_with(xml.as_bytes(), ReaderOptions::default().with_threads(3))
            .expect("read");
    assert_eq!(format!("{one:?}"), format!("{many:?}"));
    let one = espi_xml::read_facts(xml.as_bytes(), ReaderOptions::default()).expect("facts");
    let many = espi_xml::read_facts(xml.as_bytes(), ReaderOptions::default().with_threads(2))
        .expect("facts");
    assert_eq!(format!("{one:?}"), format!("{many:?}"));
}
