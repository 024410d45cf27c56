//! Reader behaviour on hand-made documents: namespaces by URI, positioned errors for
//! input that is not well-formed, strict versus lenient, the flat view and serde.

use espi_model::code_list::{CodeList, QualityOfReading};
use espi_model::resource::Resource;
use espi_xml::{EntryReader, Error, Mode, ReaderOptions, read_document, read_document_with};

const FEED: &str = r#"<?xml version="1.0"?>
<a:feed xmlns:a="http://www.w3.org/2005/Atom">
  <a:id>urn:uuid:f</a:id>
  <a:entry>
    <a:link rel="self" href="https://h.example/espi/1_1/resource/Subscription/1/UsagePoint/1"/>
    <a:link rel="related" href="/espi/1_1/resource/Subscription/1/UsagePoint/1/MeterReading/"/>
    <a:link rel="related" href="LocalTimeParameters/1"/>
    <a:content><UsagePoint xmlns="http://naesb.org/espi"><ServiceCategory><kind>0</kind></ServiceCategory></UsagePoint></a:content>
  </a:entry>
  <a:entry>
    <a:link rel="self" href="LocalTimeParameters/1"/>
    <a:content><ns3:LocalTimeParameters xmlns:ns3="http://naesb.org/espi"><ns3:dstEndRule>B40E2000</ns3:dstEndRule>
      <ns3:dstOffset>3600</ns3:dstOffset><ns3:dstStartRule>360E2000</ns3:dstStartRule><ns3:tzOffset>-21600</ns3:tzOffset>
    </ns3:LocalTimeParameters></a:content>
  </a:entry>
  <a:entry>
    <a:link rel="self" href="http://other.example/espi/1_1/resource/Subscription/1/UsagePoint/1/MeterReading/1"/>
    <a:link rel="up" href="http://other.example/espi/1_1/resource/Subscription/1/UsagePoint/1/MeterReading"/>
    <a:link rel="related" href="/espi/1_1/resource/Subscription/1/UsagePoint/1/MeterReading/1/IntervalBlock"/>
    <a:link rel="related" href="/espi/1_1/resource/ReadingType/1"/>
    <a:content><espi:MeterReading xmlns:espi="http://naesb.org/espi"/></a:content>
  </a:entry>
  <a:entry>
    <a:link rel="self" href="https://h.example/espi/1_1/resource/ReadingType/1"/>
    <a:content><x:ReadingType xmlns:x="http://naesb.org/espi"><x:defaultQuality>17</x:defaultQuality>
      <x:intervalLength>3600</x:intervalLength><x:powerOfTenMultiplier>3</x:powerOfTenMultiplier><x:uom>72</x:uom></x:ReadingType></a:content>
  </a:entry>
  <a:entry>
    <a:link rel="up" href="https://h.example/espi/1_1/resource/Subscription/1/UsagePoint/1/MeterReading/1/IntervalBlock/"/>
    <a:content><IntervalBlock xmlns="http://naesb.org/espi"><interval><duration>7200</duration><start>1710054000</start></interval>
      <IntervalReading><cost>150000</cost><timePeriod><duration>3600</duration><start>1710054000</start></timePeriod><value>2</value></IntervalReading>
      <IntervalReading><ReadingQuality><quality>8</quality></ReadingQuality><value>5</value></IntervalReading>
    </IntervalBlock></a:content>
  </a:entry>
</a:feed>"#;

#[test]
fn names_match_by_namespace_uri_whatever_the_prefix() {
    let parsed = read_document(FEED.as_bytes()).expect("reads");
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    let kinds: Vec<_> = parsed.document.resources().map(Resource::kind).collect();
    assert_eq!(kinds.len(), 5);
    assert!(
        parsed.tree.problems.is_empty(),
        "{:?}",
        parsed.tree.problems
    );
    let point = &parsed.tree.usage_points[0];
    assert_eq!(
        point.local_time_parameters,
        Some(1),
        "relative href links LocalTimeParameters"
    );
    assert_eq!(
        point.meter_readings[0].reading_type,
        Some(3),
        "other host and absolute vs relative hrefs link"
    );
    assert_eq!(
        point.meter_readings[0].interval_blocks,
        vec![4],
        "trailing slash links"
    );
}

#[test]
fn the_flat_view_derives_time_value_cost_and_quality() {
    let parsed = read_document(FEED.as_bytes()).expect("reads");
    let readings: Vec<_> = parsed.readings().collect();
    assert_eq!(readings.len(), 2);
    // 2024-03-10 07:00 UTC is 01:00 CST, one hour before the spring transition.
    assert_eq!(
        readings[0].local_start().unwrap().unwrap().to_rfc3339(),
        "2024-03-10T01:00:00-06:00"
    );
    // The second reading has no timePeriod: it follows the first, at 03:00 CDT (02:00 does not exist).
    assert_eq!(readings[1].start, Some(1_710_057_600));
    assert_eq!(
        readings[1].local_start().unwrap().unwrap().to_rfc3339(),
        "2024-03-10T03:00:00-05:00"
    );
    // Raw 2 with powerOfTenMultiplier 3 in Wh: the scaled value is in Wh.
    assert_eq!(readings[0].value().unwrap().to_string(), "2000");
    assert_eq!(readings[0].unit(), "Wh");
    assert_eq!(readings[0].quantity().unwrap().to_string(), "2000 Wh");
    assert_eq!(
        readings[0]
            .quantity()
            .unwrap()
            .kwh()
            .unwrap()
            .quantity
            .to_string(),
        "2.000 kWh"
    );
    assert_eq!(readings[0].cost().unwrap().to_string(), "1.50000");
    assert_eq!(
        readings[0].quality(),
        Some(QualityOfReading::from_code(17)),
        "defaultQuality applies"
    );
    assert_eq!(readings[1].quality(), Some(QualityOfReading::from_code(8)));
}

#[test]
fn the_model_round_trips_through_serde() {
    let parsed = read_document(FEED.as_bytes()).expect("reads");
    let json = serde_json::to_string(&parsed.document).expect("serialises");
    let back: espi_model::atom::Document = serde_json::from_str(&json).expect("deserialises");
    assert_eq!(back, parsed.document);
}

fn error_of(xml: &str) -> Error {
    let result: Result<Vec<_>, _> = EntryReader::new(xml.as_bytes()).collect();
    result.expect_err("must fail")
}

#[test]
fn input_that_is_not_well_formed_is_an_error_with_a_position() {
    let cases = [
        (
            "second root",
            "<feed xmlns=\"http://www.w3.org/2005/Atom\"></feed>\n<feed/>",
            2,
        ),
        (
            "truncated",
            "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<entry><id>x</id>",
            2,
        ),
        (
            "mismatched end tag",
            "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<entry></feed></entry>",
            2,
        ),
        (
            "unbound prefix",
            "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<x:entry/></feed>",
            2,
        ),
        (
            "undeclared entity",
            "<entry xmlns=\"http://www.w3.org/2005/Atom\">\n<id>&boom;</id></entry>",
            2,
        ),
        ("DTD", "<!DOCTYPE feed [<!ENTITY a \"aaaa\">]>\n<feed/>", 1),
        ("empty", "", 1),
        (
            "text after root",
            "<entry xmlns=\"http://www.w3.org/2005/Atom\"/>\ntext",
            2,
        ),
    ];
    for (name, xml, line) in cases {
        let error = error_of(xml);
        let position = error
            .position()
            .unwrap_or_else(|| panic!("{name}: no position in {error}"));
        assert_eq!(position.line, line, "{name}: {error}");
        assert!(matches!(error, Error::Xml { .. }), "{name}: {error}");
    }
}

#[test]
fn a_truncated_real_sample_fails_with_a_position_at_every_cut() {
    let sample =
        include_bytes!("../../testdata/samples/verdigris-gba-sandbox/ESPIUsageSummaries.xml");
    let end = sample
        .iter()
        .rposition(|byte| *byte == b'>')
        .expect("has markup");
    for cut in (1..end).step_by(7) {
        let result: Result<Vec<_>, _> = EntryReader::new(&sample[..cut]).collect();
        if let Err(error) = result {
            assert!(error.position().is_some(), "cut {cut}: {error}");
        } else {
            panic!("cut at {cut} of {} parsed as complete", sample.len());
        }
    }
}

const ODD: &str = r#"<entry xmlns="http://www.w3.org/2005/Atom"><id>i</id><title/><updated>2024-01-01</updated><content>
<UsagePoint xmlns="http://naesb.org/espi"><status>1</status><roleFlags>01</roleFlags><ServiceDeliveryPoint><name>n</name></ServiceDeliveryPoint>
<mystery>kept</mystery></UsagePoint>
<IntervalBlock xmlns="http://naesb.org/espi"><IntervalReading><value>12x</value></IntervalReading><interval><duration>1</duration><start>2</start></interval><interval><duration>3</duration><start>4</start></interval></IntervalBlock>
</content></entry>"#;

#[test]
fn lenient_reading_keeps_and_reports_every_deviation() {
    let parsed = read_document(ODD.as_bytes()).expect("lenient reads");
    let messages: Vec<String> = parsed
        .diagnostics
        .iter()
        .map(|diagnostic| diagnostic.message.clone())
        .collect();
    let expect = [
        "not an xs:dateTime",
        "out of schema order",
        "read as <serviceDeliveryPoint>",
        "mystery is not an element of UsagePoint",
        "is not a valid 64-bit integer",
        "occurs more than once",
    ];
    for fragment in expect {
        assert!(
            messages.iter().any(|message| message.contains(fragment)),
            "no diagnostic {fragment:?} in {messages:#?}"
        );
    }
    assert!(
        parsed
            .diagnostics
            .iter()
            .all(|diagnostic| diagnostic.position.line >= 1)
    );
    use espi_xml::DiagnosticKind::*;
    for kind in [
        InvalidDate,
        OutOfOrder,
        RecasedName,
        UnknownElement,
        InvalidValue,
        RepeatedElement,
    ] {
        assert!(
            parsed
                .diagnostics
                .iter()
                .any(|diagnostic| diagnostic.kind == kind),
            "no {kind:?}"
        );
    }
    let Some(Resource::UsagePoint(point)) = parsed.document.resources().next() else {
        panic!("UsagePoint")
    };
    assert_eq!(
        point
            .service_delivery_point
            .as_ref()
            .and_then(|sdp| sdp.name.as_deref()),
        Some("n")
    );
    assert_eq!(point.unknown_elements[0].text(), "kept");
    let Some(Resource::IntervalBlock(block)) = parsed.document.resources().nth(1) else {
        panic!("IntervalBlock")
    };
    assert_eq!(
        block.interval_reading[0].unknown_elements[0].text(),
        "12x",
        "the bad value is kept raw"
    );
    assert_eq!(
        block.interval.as_ref().and_then(|interval| interval.start),
        Some(2),
        "the first interval stays"
    );
    assert_eq!(block.unknown_elements.len(), 1, "the repeat is kept raw");
}

#[test]
fn strict_reading_rejects_each_deviation_with_a_position() {
    let strict = ReaderOptions::strict();
    let cases = [
        (ODD.to_owned(), 2, "out of schema order"),
        (ODD.replace("<roleFlags>01</roleFlags>", ""), 2, "read as"),
        (
            ODD.replace("<roleFlags>01</roleFlags>", "")
                .replace("ServiceDeliveryPoint", "serviceDeliveryPoint"),
            3,
            "mystery",
        ),
        (
            r#"<entry xmlns="http://www.w3.org/2005/Atom"><updated>2024-01-01</updated></entry>"#
                .to_owned(),
            1,
            "xs:dateTime",
        ),
        (
            ODD.replace("<roleFlags>01</roleFlags>", "")
                .replace("ServiceDeliveryPoint", "serviceDeliveryPoint")
                .replace("<mystery>kept</mystery>", "")
                .replace("12x", "140737488355328999999"),
            4,
            "not a valid",
        ),
    ];
    for (xml, line, fragment) in cases {
        let error = read_document_with(xml.as_bytes(), strict).expect_err("strict rejects");
        assert!(matches!(error, Error::Invalid { .. }), "{error}");
        assert_eq!(
            error.position().map(|position| position.line),
            Some(line),
            "{error}"
        );
        if fragment != "read as" {
            assert!(error.to_string().contains(fragment), "{fragment}: {error}");
        } else {
            assert!(
                error.to_string().contains("ServiceDeliveryPoint"),
                "{error}"
            );
        }
    }
}

#[test]
fn schema_facets_are_strict_errors_and_lenient_diagnostics() {
    let long = "x".repeat(257);
    let cases = [
        (
            "<IntervalBlock xmlns=\"http://naesb.org/espi\"><IntervalReading><value>140737488355329</value></IntervalReading></IntervalBlock>",
            "outside Int48",
        ),
        (
            "<IntervalBlock xmlns=\"http://naesb.org/espi\"><IntervalReading><cost>-140737488355329</cost></IntervalReading></IntervalBlock>",
            "outside Int48",
        ),
        (
            "<UsagePoint xmlns=\"http://naesb.org/espi\"><roleFlags>010203</roleFlags></UsagePoint>",
            "3 octets",
        ),
        (
            &*format!(
                "<UsagePoint xmlns=\"http://naesb.org/espi\"><readRoute>{long}</readRoute></UsagePoint>"
            ),
            "257 characters",
        ),
    ];
    for (xml, reason) in cases {
        let error = read_document_with(xml.as_bytes(), ReaderOptions::strict()).expect_err(reason);
        assert!(error.to_string().contains(reason), "{error}");
        let parsed = read_document(xml.as_bytes()).expect("lenient keeps the value");
        assert!(
            parsed
                .diagnostics
                .iter()
                .any(|diagnostic| diagnostic.message.contains(reason))
        );
        assert!(parsed.document.resources().next().is_some());
    }
    let edge = "<IntervalBlock xmlns=\"http://naesb.org/espi\"><IntervalReading><cost>-140737488355328</cost><value>140737488355328</value></IntervalReading></IntervalBlock>";
    assert!(
        read_document_with(edge.as_bytes(), ReaderOptions::strict()).is_ok(),
        "the bounds are inclusive"
    );
}

#[test]
fn values_split_across_references_cdata_and_comments_are_read_whole() {
    let block = |value: &str| {
        format!(
            "<IntervalBlock xmlns=\"http://naesb.org/espi\"><IntervalReading><value>{value}</value></IntervalReading></IntervalBlock>"
        )
    };
    for (text, expected) in [
        ("12", 12),
        (" 12\r\n", 12),
        ("&#49;2", 12),
        ("1&#50;", 12),
        ("<![CDATA[12]]>", 12),
        ("1<!-- split -->2", 12),
        ("1<?pi?>2", 12),
        ("", 0),
    ] {
        let parsed =
            read_document_with(block(text).as_bytes(), ReaderOptions::lenient()).expect(text);
        let Some(Resource::IntervalBlock(block)) = parsed.document.resources().next() else {
            panic!("{text}")
        };
        let reading = &block.interval_reading[0];
        if text.is_empty() {
            assert_eq!(reading.value, None, "an empty value is not a number");
            assert_eq!(reading.unknown_elements[0].text(), "", "and is kept raw");
        } else {
            assert_eq!(reading.value, Some(expected), "{text:?}");
            assert!(
                parsed.diagnostics.is_empty(),
                "{text:?}: {:?}",
                parsed.diagnostics
            );
        }
    }
    for (text, kept) in [("1&#50;x", "12x"), ("x<!-- c -->1", "x1")] {
        let parsed = read_document(block(text).as_bytes()).expect(text);
        let Some(Resource::IntervalBlock(block)) = parsed.document.resources().next() else {
            panic!("{text}")
        };
        assert_eq!(
            block.interval_reading[0].unknown_elements[0].text(),
            kept,
            "the whole text is kept"
        );
    }
    let strict = ReaderOptions::strict();
    let error = read_document_with(block("1<x/>2").as_bytes(), strict)
        .expect_err("an element inside a value");
    assert!(
        error.to_string().contains("which holds only text"),
        "{error}"
    );
    let parsed = read_document(block("1<x/>2").as_bytes()).expect("lenient keeps it");
    let Some(Resource::IntervalBlock(block)) = parsed.document.resources().next() else {
        panic!("block")
    };
    let kept = &block.interval_reading[0].unknown_elements[0];
    assert_eq!(
        (kept.name.local.as_str(), kept.text().as_str()),
        ("value", "12"),
        "the whole value, raw"
    );
    assert!(
        parsed.diagnostics[0]
            .message
            .contains("which holds only text")
    );
}

#[test]
fn what_xml_forbids_is_an_error_even_when_quick_xml_lets_it_through() {
    let entry =
        |inside: &str| format!("<entry xmlns=\"http://www.w3.org/2005/Atom\">\n{inside}</entry>");
    let cases = [
        ("control character", entry("<id>a\u{1}b</id>")),
        ("reference to a control character", entry("<id>&#1;</id>")),
        ("reference to NUL", entry("<id>&#0;</id>")),
        (
            "name starting with a digit",
            entry("<content><x:1a xmlns:x=\"urn:x\"/></content>"),
        ),
        (
            "two colons",
            entry("<content><a:b:c xmlns:a=\"urn:a\"/></content>"),
        ),
        ("]]> in text", entry("<id>a]]>b</id>")),
        ("< in an attribute", entry("<link rel=\"a<b\" href=\"x\"/>")),
        ("-- in a comment", entry("<!-- a -- b --><id>x</id>")),
        (
            "one attribute twice",
            entry("<link xmlns:p=\"urn:p\" xmlns:q=\"urn:p\" p:a=\"1\" q:a=\"2\" href=\"x\"/>"),
        ),
        ("pi named xml", entry("<?XML x?>")),
        (
            "bad prefix",
            entry("<content><x xmlns:1p=\"urn:x\"/></content>"),
        ),
    ];
    for (name, xml) in cases {
        let result = read_document(xml.as_bytes());
        let error = result.expect_err(name);
        assert_eq!(
            error.position().map(|position| position.line),
            Some(2),
            "{name}: {error}"
        );
    }
    let late =
        "<!-- first -->\n<?xml version=\"1.0\"?><entry xmlns=\"http://www.w3.org/2005/Atom\"/>";
    assert!(
        read_document(late.as_bytes()).is_err(),
        "a declaration after a comment"
    );
    let eleven = "<?xml version=\"1.1\"?><entry xmlns=\"http://www.w3.org/2005/Atom\"/>";
    assert!(
        read_document(eleven.as_bytes()).is_err(),
        "XML 1.1 is refused, not misread"
    );
}

#[test]
fn deep_or_long_names_cannot_confuse_or_crash_the_reader() {
    // A name longer than any field must not be taken for the previous one.
    let long = "A".repeat(80);
    let xml = format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><content><UsagePoint xmlns=\"http://naesb.org/espi\"/><{long} xmlns=\"http://naesb.org/espi\"><x>1</x></{long}></content></entry></feed>"
    );
    let parsed = read_document(xml.as_bytes()).expect("reads");
    let kinds: Vec<_> = parsed.document.resources().map(Resource::kind).collect();
    assert_eq!(
        kinds,
        vec![
            espi_model::resource::ResourceKind::UsagePoint,
            espi_model::resource::ResourceKind::Unknown
        ]
    );
    // Nesting is bounded: an error with a position, never a stack overflow.
    let deep = format!(
        "<entry xmlns=\"http://www.w3.org/2005/Atom\"><content>{}{}</content></entry>",
        "<a>".repeat(100_000),
        "</a>".repeat(100_000)
    );
    let error = read_document(deep.as_bytes()).expect_err("too deep");
    assert!(error.to_string().contains("nested deeper"), "{error}");
}

#[test]
fn atom_attributes_and_markup_are_kept() {
    let xml = r#"<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en"><entry xml:base="https://h.example/">
<title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Usage <b>data</b></div></title>
<content type="application/xml"><UsagePoint xmlns="http://naesb.org/espi"><status>1</status></UsagePoint></content>
</entry></feed>"#;
    for mode in [Mode::Lenient, Mode::Strict] {
        let parsed = read_document_with(xml.as_bytes(), ReaderOptions::with_mode(mode))
            .expect("schema-valid Atom");
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let espi_model::atom::Document::Feed(feed) = &parsed.document else {
            panic!("feed")
        };
        assert_eq!(feed.meta.attributes[0].value, "en");
        let entry = &feed.entries[0];
        assert_eq!(entry.meta.attributes[0].name.local, "base");
        assert_eq!(entry.content_attributes[0].value, "application/xml");
        assert_eq!(
            entry.meta.title, None,
            "an XHTML title is kept whole, as raw XML"
        );
        assert_eq!(entry.meta.other_elements[0].text(), "Usage data");
        let written = espi_xml::write_document(&parsed.document, Vec::new(), Default::default())
            .expect("writes");
        let again = read_document(&written[..]).expect("reads back");
        assert_eq!(again.document, parsed.document);
    }
}

#[test]
fn attributes_on_espi_elements_are_reported() {
    let xml = r#"<UsagePoint xmlns="http://naesb.org/espi" xmlns:x="urn:x"><status x:note="n">1</status></UsagePoint>"#;
    let parsed = read_document(xml.as_bytes()).expect("lenient");
    assert!(
        parsed
            .diagnostics
            .iter()
            .any(|diagnostic| diagnostic.message.contains("{urn:x}note")),
        "{:?}",
        parsed.diagnostics
    );
    assert!(read_document_with(xml.as_bytes(), ReaderOptions::strict()).is_err());
}

#[test]
fn diagnostics_point_at_the_start_of_what_they_report() {
    let xml = "<UsagePoint xmlns=\"http://naesb.org/espi\">\n<status>1</status>\n<mystery>\n  <inner/>\n</mystery>\n</UsagePoint>";
    let parsed = read_document(xml.as_bytes()).expect("lenient");
    let diagnostic = parsed
        .diagnostics
        .iter()
        .find(|diagnostic| diagnostic.message.contains("mystery"))
        .expect("reported");
    assert_eq!(diagnostic.position.line, 3, "{diagnostic}");
}

/// Found by the xml_strict fuzz target: an Atom title kept as raw XML (for a foreign
/// attribute) followed by a plain title passed as one title; the writer, which puts
/// typed metadata first, then turned the raw one into the repeat.
#[test]
fn a_title_after_a_raw_title_is_a_repeat() {
    let xml = br#"<entry xmlns="http://www.w3.org/2005/Atom" xmlns:x="urn:x"><id>urn:uuid:1</id>
        <title x:lang="en">first</title><title>second</title></entry>"#;
    let strict = espi_xml::read_document_with(&xml[..], espi_xml::ReaderOptions::strict());
    let error = strict.expect_err("two titles");
    assert!(
        error.to_string().contains("atom:title occurs twice"),
        "{error}"
    );
    let lenient = espi_xml::read_document(&xml[..]).expect("lenient");
    assert_eq!(lenient.diagnostics.len(), 1);
    assert_eq!(
        lenient.diagnostics[0].kind,
        espi_xml::DiagnosticKind::RepeatedElement
    );
    let meta = &lenient.document.entries()[0].meta;
    assert_eq!(
        (meta.title.as_deref(), meta.other_elements.len()),
        (None, 2)
    );
    let written = espi_xml::write_document(
        &lenient.document,
        Vec::new(),
        espi_xml::WriteOptions::default(),
    )
    .expect("writes");
    let again = espi_xml::read_document(&written[..]).expect("reads back");
    assert_eq!(again.document, lenient.document);
}
