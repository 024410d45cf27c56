//! Property test of the codec: any model value the writer accepts reads back equal,
//! compact and indented. Strings cover markup characters, quotes, line ends and
//! non-ASCII text; raw XML covers namespaces, prefixes and attributes.

use espi_model::atom::{Document, Entry, Feed, Link, Metadata};
use espi_model::code_list::{CodeList, QualityOfReading};
use espi_model::hex::HexBinary;
use espi_model::interval::DateTimeInterval;
use espi_model::interval_block::{IntervalBlock, IntervalReading, ReadingQuality};
use espi_model::raw::{QualifiedName, RawAttribute, RawElement, RawNode};
use espi_model::usage_point::{ServiceCategory, UsagePoint};
use espi_model::{code_list::ServiceKind, resource::Resource};
use espi_xml::{WriteOptions, read_document, write_document};
use proptest::prelude::*;

/// Text XML can carry: markup characters, quotes, line ends (CR included), tabs, non-ASCII.
fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just('&'),
            Just('<'),
            Just('>'),
            Just('"'),
            Just('\''),
            Just('\r'),
            Just('\n'),
            Just('\t'),
            Just(' '),
            Just('¢'),
            Just('é'),
            Just(']'),
            Just('😀'),
            prop::char::range('a', 'z'),
        ],
        0..24,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

/// Identifiers and dates are whitespace-collapsed by their schema types.
fn token() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9:/._&<>-]{1,24}"
}

fn interval() -> impl Strategy<Value = DateTimeInterval> {
    (any::<i64>(), any::<u32>())
        .prop_map(|(start, duration)| DateTimeInterval::new(start, duration))
}

fn reading() -> impl Strategy<Value = IntervalReading> {
    (
        prop::option::of(any::<i64>()),
        prop::option::of(any::<i64>()),
        prop::option::of(interval()),
        prop::collection::vec(any::<u16>(), 0..3),
        prop::option::of(any::<i16>()),
    )
        .prop_map(
            |(cost, value, time_period, qualities, tou)| IntervalReading {
                cost,
                value,
                time_period,
                reading_quality: qualities
                    .into_iter()
                    .map(|code| ReadingQuality {
                        quality: Some(QualityOfReading::from_code(code)),
                        ..Default::default()
                    })
                    .collect(),
                tou,
                ..Default::default()
            },
        )
}

fn name(namespace: Option<&str>, prefix: Option<&str>, local: &str) -> QualifiedName {
    QualifiedName {
        namespace: namespace.map(str::to_owned),
        local: local.to_owned(),
        prefix: prefix.map(str::to_owned),
    }
}

/// A prefixed element with an attribute and optional text.
fn leaf() -> impl Strategy<Value = RawElement> {
    ("[a-z][a-z0-9]{0,6}", text(), prop::option::of(text())).prop_map(|(local, value, body)| {
        RawElement {
            name: name(Some("urn:example:x"), Some("x"), &local),
            attributes: vec![RawAttribute {
                name: name(None, None, "note"),
                value,
            }],
            children: body
                .filter(|body| !body.is_empty())
                .map(RawNode::Text)
                .into_iter()
                .collect(),
            value_namespaces: Vec::new(),
        }
    })
}

/// A default-namespace element holding leaves separated by text.
fn raw() -> impl Strategy<Value = RawElement> {
    (prop::collection::vec(leaf(), 0..3), text()).prop_map(|(children, gap)| {
        let mut wrapper = RawElement {
            name: name(Some("urn:example:y"), None, "wrapper"),
            attributes: Vec::new(),
            children: Vec::new(),
            value_namespaces: Vec::new(),
        };
        for child in children {
            wrapper.children.push(RawNode::Element(child));
            if !gap.is_empty() {
                wrapper.children.push(RawNode::Text(gap.clone()));
            }
        }
        wrapper
    })
}

fn resource() -> impl Strategy<Value = Resource> {
    prop_oneof![
        (
            prop::option::of(interval()),
            prop::collection::vec(reading(), 0..5)
        )
            .prop_map(|(interval, interval_reading)| {
                Resource::IntervalBlock(IntervalBlock {
                    interval,
                    interval_reading,
                    ..Default::default()
                })
            }),
        (
            any::<u16>(),
            prop::option::of(any::<u8>()),
            prop::option::of(text()),
            prop::collection::vec(any::<u8>(), 0..3)
        )
            .prop_map(|(kind, status, read_route, flags)| {
                Resource::UsagePoint(UsagePoint {
                    service_category: Some(ServiceCategory {
                        kind: Some(ServiceKind::from_code(kind)),
                        ..Default::default()
                    }),
                    status,
                    read_route,
                    role_flags: (!flags.is_empty()).then(|| HexBinary::new(flags)),
                    ..Default::default()
                })
            }),
        raw().prop_map(Resource::Unknown),
    ]
}

fn entry() -> impl Strategy<Value = Entry> {
    (
        token(),
        prop::option::of(text()),
        token(),
        prop::collection::vec((token(), token()), 0..3),
        prop::collection::vec(resource(), 0..3),
    )
        .prop_map(|(id, title, href, links, content)| Entry {
            meta: Metadata {
                id: Some(id),
                title,
                updated: Some("2024-03-10T07:00:00Z".into()),
                links: std::iter::once(Link::new("self", &href))
                    .chain(links.iter().map(|(rel, href)| Link::new(rel, href)))
                    .collect(),
                ..Default::default()
            },
            content,
            ..Default::default()
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn documents_read_back_equal(entries in prop::collection::vec(entry(), 0..4), indent in any::<bool>()) {
        let document = Document::Feed(Feed {
            meta: Metadata { id: Some("urn:uuid:feed".into()), ..Default::default() },
            entries,
        });
        let written = write_document(&document, Vec::new(), WriteOptions::with_indent(indent)).expect("the writer accepts it");
        let read = read_document(&written[..]).map_err(|error| {
            TestCaseError::fail(format!("{error}\n{}", String::from_utf8_lossy(&written)))
        })?;
        prop_assert_eq!(read.document, document);
    }
}

#[test]
fn characters_xml_cannot_carry_are_refused_by_the_writer() {
    let entry = Entry {
        meta: Metadata {
            title: Some("bell\u{7}".into()),
            ..Default::default()
        },
        ..Default::default()
    };
    let error = write_document(&Document::Entry(entry), Vec::new(), WriteOptions::default())
        .expect_err("refused");
    assert!(error.to_string().contains("U+0007"), "{error}");
}
