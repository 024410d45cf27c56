//! What each fuzz target checks, shared by the libFuzzer targets (`fuzz_targets/`) and
//! the corpus replay of `cargo test` (`tests/fuzz_replay.rs`), so that a saved input is
//! judged the same way with and without the fuzzer.
//!
//! Every check runs a parser on arbitrary bytes and asserts what must hold for any
//! input: no panic (a panic is the crash the fuzzer reports), an error that says where,
//! and the parser's own promises (a value read back from what was written is the same
//! value; a strict parse implies a lenient one).

#![allow(dead_code)] // each target uses one check; the replay test uses them all

use espi_auth::Scope;
use espi_model::dst::DstRule;
use espi_model::local_time::LocalTimeRules;
use espi_xml::{EntryReader, Error, Mode, ReaderLimits, ReaderOptions, WriteOptions};

/// The XML reader in lenient mode: streaming and whole-document reading agree, errors
/// carry a position, tight limits end in an error rather than growth, and a document
/// that reads reads back the same after writing.
pub fn xml_lenient(data: &[u8]) {
    xml(data, Mode::Lenient);
    let tight = ReaderLimits::default()
        .with_max_depth(8)
        .with_max_text_size(64)
        .with_max_attribute_size(64)
        .with_max_entry_size(1024)
        .with_max_document_size(Some(data.len() as u64 / 2 + 1));
    let _ = stream(data, ReaderOptions::lenient().with_limits(tight));
}

/// The XML reader in strict mode: as lenient, and what strict mode accepts lenient
/// mode accepts without a single diagnostic.
pub fn xml_strict(data: &[u8]) {
    if xml(data, Mode::Strict) {
        let lenient = espi_xml::read_document(data).expect("strict accepted it, lenient must");
        assert!(
            lenient.diagnostics.is_empty(),
            "strict accepted what lenient reports: {:?}",
            lenient.diagnostics
        );
    }
}

/// Reads `data` both ways in `mode`; true when it reads.
fn xml(data: &[u8], mode: Mode) -> bool {
    let options = ReaderOptions::with_mode(mode);
    let streamed = stream(data, options);
    let whole = espi_xml::read_document_with(data, options);
    match (&streamed, &whole) {
        (Ok(entries), Ok(parsed)) => assert_eq!(
            *entries,
            parsed.document.entries().len()
                + usize::from(matches!(
                    parsed.document,
                    espi_model::atom::Document::Resource(_)
                )),
            "streaming and whole-document reading disagree on the entry count"
        ),
        (Err(_), Err(_)) => {}
        _ => panic!(
            "streaming ({:?}) and whole-document ({:?}) reading disagree",
            streamed.as_ref().map(|_| ()),
            whole.as_ref().map(|_| ())
        ),
    }
    let Ok(parsed) = whole else {
        return false;
    };
    round_trip(&parsed.document, options);
    true
}

/// Streams every entry; the error, when there is one, must say where.
fn stream(data: &[u8], options: ReaderOptions) -> Result<usize, Error> {
    let mut reader = EntryReader::with_options(data, options);
    let mut count = 0;
    for entry in &mut reader {
        match entry {
            Ok(_) => count += 1,
            Err(error) => {
                assert!(
                    error.position().is_some(),
                    "an error without a position: {error}"
                );
                return Err(error);
            }
        }
    }
    Ok(count)
}

/// `read(write(x)) == x`. A document the writer refuses (usage and customer data mixed
/// in one feed) is not written, which is its documented behaviour.
fn round_trip(document: &espi_model::atom::Document, options: ReaderOptions) {
    let Ok(written) = espi_xml::write_document(document, Vec::new(), WriteOptions::default())
    else {
        return;
    };
    let again = espi_xml::read_document_with(&written[..], options).unwrap_or_else(|error| {
        panic!(
            "cannot read what was written: {error}\n{}",
            String::from_utf8_lossy(&written)
        )
    });
    assert!(
        again.document == *document,
        "the document changed through the writer:\n{}",
        String::from_utf8_lossy(&written)
    );
}

/// The scope grammar: errors point inside the input, a lenient parse of what strict
/// parsing accepts gives the same scope with no warning, and the canonical form parses
/// to the same scope (leniently: it keeps what was accepted, such as a history in months).
pub fn scope(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let strict = Scope::parse_strict(text);
    match Scope::parse(text) {
        Ok(parsed) => {
            let canonical = parsed.scope.to_string();
            let again = Scope::parse(&canonical)
                .unwrap_or_else(|error| panic!("canonical form {canonical:?} refused: {error}"));
            assert_eq!(
                again.scope, parsed.scope,
                "the canonical form {canonical:?} changed"
            );
            if let Ok(scope) = &strict {
                assert_eq!(*scope, parsed.scope);
                assert!(
                    parsed.warnings.is_empty(),
                    "strict accepted what lenient warns of"
                );
            }
            let _ = parsed.scope.check_length();
        }
        Err(error) => {
            assert!(
                error.position() <= text.len(),
                "{error} points past the input"
            );
            assert!(strict.is_err(), "strict accepted what lenient refused");
        }
    }
}

/// The DST rule: its text form, and the rules of local time built from arbitrary bit
/// patterns and offsets, evaluated at arbitrary years and instants.
pub fn dst_rule(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(rule) = text.parse::<DstRule>()
    {
        assert_eq!(rule.to_hex().parse::<DstRule>().ok(), Some(rule));
    }
    let Some(fields) = Fields::new(data) else {
        return;
    };
    let rules = LocalTimeRules {
        dst_start: DstRule(fields.u32()),
        dst_end: DstRule(fields.u32()),
        // Offsets near the valid range (±86399 s) and sometimes beyond it.
        tz_offset: i64::from(fields.i32() % 100_000),
        dst_offset: i64::from(fields.i32() % 100_000),
    };
    let year = i32::from(fields.i16());
    let utc = fields.i64();
    for rule in [rules.dst_start, rules.dst_end] {
        if let (Some(parts), Ok(())) = (rule.parts(), rule.validate()) {
            assert_eq!(
                DstRule::encode(&parts).ok(),
                Some(rule),
                "{rule} does not re-encode"
            );
        }
        let _ = rule.transition(year);
    }
    if rules.validate().is_err() {
        return;
    }
    let _ = rules.dst_period_utc(year);
    let _ = rules.offset_at(utc);
    if let Ok(local) = rules.to_local(utc) {
        // The instant must be among the readings of its own wall-clock time.
        let readings = rules.from_local(local.naive_local()).expect("valid rules");
        let found: Vec<i64> = readings
            .earliest()
            .into_iter()
            .chain(readings.latest())
            .map(|at| at.timestamp())
            .collect();
        assert!(
            found.contains(&utc),
            "{utc} reads as {local}, which gives {found:?}"
        );
    }
}

/// The query parameters of a resource GET (espi-auth's parser, both syntaxes) and of
/// an OAuth callback (the client's): no panic, and a parsed query keeps its bounds
/// ordered.
pub fn query(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for query in [
        espi_auth::QuerySyntax::Lenient,
        espi_auth::QuerySyntax::Strict,
    ]
    .into_iter()
    .filter_map(|syntax| espi_auth::Query::parse(text, syntax).ok())
    {
        for (min, max) in [
            (query.published_min, query.published_max),
            (query.updated_min, query.updated_max),
        ] {
            if let (Some(min), Some(max)) = (min, max) {
                assert!(
                    min <= max,
                    "{text:?} parsed with a minimum after its maximum"
                );
            }
        }
        assert_ne!(
            query.start_index,
            Some(0),
            "{text:?}: start-index 0 accepted"
        );
    }
    let pending = espi_client::PendingAuthorization::restore(
        espi_client::Secret::new("state"),
        None,
        None,
        "FB=4",
    );
    if let Ok(code) = pending.check_callback(text) {
        assert!(
            !code.expose().is_empty(),
            "{text:?}: an empty code accepted"
        );
    }
}

/// A token response body: no panic, and what reads is a usable token set (a bearer
/// token that is not empty; an expiry no earlier than the time it was obtained).
pub fn token_response(data: &[u8]) {
    let now = 1_700_000_000;
    if let Ok(tokens) =
        espi_client::read_token_response(data, espi_client::Grant::AuthorizationCode, now)
    {
        assert!(
            tokens.token_type.eq_ignore_ascii_case("bearer"),
            "{:?} taken",
            tokens.token_type
        );
        assert!(
            !tokens.access_token.is_empty(),
            "an empty access token taken"
        );
        if let Some(expires_at) = tokens.expires_at {
            assert!(
                expires_at >= now,
                "expires_at {expires_at} before it was obtained"
            );
        }
        let _ = (
            tokens.subscription_id(),
            tokens.authorization_id(),
            tokens.bulk_id(),
        );
    }
}

/// A BatchList notification body, and the URIs it lists checked against a resource
/// endpoint: no panic, and every URI is either refused or under the endpoint.
pub fn batch_list(data: &[u8]) {
    let Ok(notification) = espi_client::Notification::parse(data) else {
        return;
    };
    for target in notification.targets(notification_client()) {
        if let espi_client::NotificationTarget::Fetch(url) = target {
            assert!(
                url.as_str()
                    .starts_with("https://dc.example/espi/1_1/resource/"),
                "{url} is not under the resource endpoint"
            );
        }
    }
}

fn notification_client() -> &'static espi_client::Client {
    static CLIENT: std::sync::OnceLock<espi_client::Client> = std::sync::OnceLock::new();
    CLIENT.get_or_init(|| {
        let endpoints = espi_client::Endpoints::new(
            "https://dc.example/oauth/authorize",
            "https://dc.example/oauth/token",
            "https://dc.example/espi/1_1/resource",
        )
        .expect("fixed endpoints");
        espi_client::Client::new(espi_client::ClientConfig::new(endpoints, "tp", "secret"))
            .expect("a client from a fixed configuration")
    })
}

/// Fixed-width values read off the front of the input, zero when it runs out.
struct Fields<'a> {
    data: std::cell::Cell<&'a [u8]>,
}

impl<'a> Fields<'a> {
    fn new(data: &'a [u8]) -> Option<Fields<'a>> {
        (!data.is_empty()).then(|| Fields {
            data: std::cell::Cell::new(data),
        })
    }

    fn take<const N: usize>(&self) -> [u8; N] {
        let data = self.data.get();
        let mut bytes = [0; N];
        let n = N.min(data.len());
        bytes[..n].copy_from_slice(&data[..n]);
        self.data.set(&data[n..]);
        bytes
    }

    fn u32(&self) -> u32 {
        u32::from_le_bytes(self.take())
    }

    fn i32(&self) -> i32 {
        i32::from_le_bytes(self.take())
    }

    fn i16(&self) -> i16 {
        i16::from_le_bytes(self.take())
    }

    fn i64(&self) -> i64 {
        i64::from_le_bytes(self.take())
    }
}
