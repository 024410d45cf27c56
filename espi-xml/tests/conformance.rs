//! The conformance table: every sample in `testdata/` against the facts an independent
//! oracle computed for it (`testdata/expected.json`, copied from the team's corpus).
//!
//! For each sample: lenient reading succeeds, and entries, resource counts, interval
//! reading count, value and cost sums, earliest start and latest end, ReadingQuality
//! count and the root element equal the expected facts; where the oracle linked the
//! feed, our tree equals its tree (per MeterReading: ReadingType facts, block counts,
//! reading count and sums), and where it could not link, we report link problems too.
//! Strict reading accepts a usage-data sample exactly when xmllint accepts it.

mod common;

use common::{expected, testdata};
use espi_xml::{Mode, ReaderOptions, RootKind, StreamedFacts, read_facts};
use serde_json::{Value, json};

fn read(bytes: &[u8], mode: Mode) -> Result<StreamedFacts, espi_xml::Error> {
    read_facts(bytes, ReaderOptions::with_mode(mode))
}

fn check_sample(path: &str, facts: &Value) -> Vec<String> {
    let mut failures = Vec::new();
    let bytes = std::fs::read(testdata().join("samples").join(path)).expect("sample file");
    let mut fail = |what: String| failures.push(format!("{path}: {what}"));
    if facts["well_formed"] != json!(true) {
        match read(&bytes, Mode::Lenient) {
            Ok(_) => fail("not well-formed, yet it parsed".into()),
            Err(error) if error.position().is_none() => {
                fail(format!("error without a position: {error}"))
            }
            Err(_) => {}
        }
        return failures;
    }
    let got = match read(&bytes, Mode::Lenient) {
        Ok(got) => got,
        Err(error) => {
            fail(format!("lenient reading failed: {error}"));
            return failures;
        }
    };
    let ours = &got.facts;
    let root_local = facts["root"]["local"].as_str().unwrap_or_default();
    let root_matches = match got.root {
        Some(RootKind::Feed) => root_local == "feed",
        Some(RootKind::Entry) => root_local == "entry",
        Some(RootKind::Resource) => root_local != "feed" && root_local != "entry",
        None => false,
    };
    if !root_matches {
        fail(format!("root {:?}, expected {root_local}", got.root));
    }
    let mut compare = |what: &str, ours: Value, theirs: &Value| {
        if &ours != theirs {
            fail(format!("{what}: ours {ours}, expected {theirs}"));
        }
    };
    compare("entries", json!(ours.entries), &facts["entries"]);
    compare("resources", json!(ours.resources), &facts["resources"]);
    let readings = &ours.interval_readings;
    let expected_readings = &facts["interval_readings"];
    compare(
        "reading count",
        json!(readings.count),
        &expected_readings["count"],
    );
    compare(
        "sum of values",
        json!(readings.sum_value),
        &expected_readings["sum_value"],
    );
    compare(
        "readings without value",
        json!(readings.missing_value),
        &expected_readings["missing_value"],
    );
    compare(
        "sum of costs",
        json!(readings.sum_cost),
        &expected_readings["sum_cost"],
    );
    compare(
        "readings with cost",
        json!(readings.with_cost),
        &expected_readings["with_cost"],
    );
    compare(
        "earliest start",
        json!(readings.min_start),
        &expected_readings["min_start"],
    );
    compare(
        "latest end",
        json!(readings.max_end),
        &expected_readings["max_end"],
    );
    compare(
        "readings without timePeriod",
        json!(readings.missing_time_period),
        &expected_readings["missing_time_period"],
    );
    compare(
        "ReadingQuality count",
        json!(ours.reading_qualities),
        &facts["counts_anywhere"]["espi:ReadingQuality"],
    );
    if facts["linked"].is_null() {
        if ours.link_problems.is_empty() {
            fail(format!(
                "the oracle could not link ({}), we reported no problem",
                facts["link_problems"]
            ));
        }
    } else {
        compare("link problems", json!(ours.link_problems), &json!([]));
        compare(
            "linked tree",
            serde_json::to_value(&ours.linked).expect("serialisable"),
            &facts["linked"],
        );
    }
    {
        let strict_ok = read(&bytes, Mode::Strict).is_ok();
        let valid = facts["xsd_valid_4_0"] == json!(true);
        if strict_ok != valid {
            fail(format!(
                "strict mode {} it, xmllint {} it ({})",
                if strict_ok { "accepts" } else { "rejects" },
                if valid { "accepts" } else { "rejects" },
                facts["xsd_first_error"]
            ));
        }
        if valid && !got.diagnostics.is_empty() {
            fail(format!(
                "{} lenient diagnostics on a schema-valid file",
                got.diagnostics.len()
            ));
        }
    }
    failures
}

#[test]
fn every_sample_matches_its_expected_facts() {
    let expected = expected();
    let mut failures = Vec::new();
    println!("conformance samples checked ({}):", expected.len());
    for (path, facts) in &expected {
        println!("  {path}");
        failures.extend(check_sample(path, facts));
    }
    assert!(
        expected.len() >= 70,
        "the table lost samples: {}",
        expected.len()
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_sample_file_is_in_the_table() {
    let expected = expected();
    let mut missing = Vec::new();
    let root = testdata().join("samples");
    for directory in std::fs::read_dir(&root).expect("testdata/samples") {
        let directory = directory.expect("entry").path();
        for file in std::fs::read_dir(&directory).expect("sample directory") {
            let file = file.expect("entry").path();
            let relative = file
                .strip_prefix(&root)
                .expect("under samples")
                .to_string_lossy()
                .replace('\\', "/");
            if !expected.contains_key(&relative) {
                missing.push(relative);
            }
        }
    }
    assert!(
        missing.is_empty(),
        "samples without expected facts: {missing:?}"
    );
}

/// Customer and administrative linking has no oracle: these expectations were reviewed
/// by hand against the files' links.
#[test]
fn customer_and_admin_links_of_the_samples() {
    use espi_model::facts::LinkedResource;
    use espi_model::resource::ResourceKind::*;
    fn shape(node: &LinkedResource) -> String {
        let children: Vec<String> = node.children.iter().map(shape).collect();
        if children.is_empty() {
            format!("{:?}", node.kind)
        } else {
            format!("{:?}({})", node.kind, children.join(", "))
        }
    }
    let facts_of = |path: &str| {
        let bytes = std::fs::read(testdata().join("samples").join(path)).expect("sample");
        read(&bytes, Mode::Lenient).expect("reads").facts
    };

    // PG&E leaves out most related links: the hierarchical paths link the whole chain.
    let pge = facts_of("verdigris-pge/PGERetailCustomer.xml");
    let shapes: Vec<String> = pge.customer_linked.iter().map(shape).collect();
    assert_eq!(
        shapes,
        ["Customer(CustomerAccount(CustomerAgreement(ServiceLocation(Meter))))"]
    );
    assert_eq!(pge.customer_link_problems, Vec::<String>::new());
    assert_eq!(pge.customer_linked[0].count(Meter), 1);

    // No Customer entry, a Meter straight under a CustomerAgreement and an EndDevice
    // under `Meter/EndDevice`: three problems, and every resource still in the tree.
    let peter = facts_of("peter279k/retail_customer_data.xml");
    let shapes: Vec<String> = peter.customer_linked.iter().map(shape).collect();
    assert_eq!(
        shapes,
        ["CustomerAccount(CustomerAgreement)", "Meter", "EndDevice"]
    );
    assert_eq!(peter.customer_link_problems.len(), 3);
    assert!(peter.customer_link_problems[1].contains("Meter"));

    // A single ServiceLocation entry: its CustomerAgreement is not in the document.
    let location = facts_of("gba-openapi/AtomEntry_ServiceLocation__ServiceLocationEntry.xml");
    assert_eq!(location.customer_linked[0].kind, ServiceLocation);
    assert_eq!(location.customer_link_problems.len(), 1);

    // `self` Authorization/01 but authorizationURI Authorization/1.
    let sample = facts_of("gba-cmd-test/AuthorizationSample.xml");
    assert_eq!(sample.admin_linked.len(), 1);
    assert_eq!(sample.admin_link_problems.len(), 1);
    assert!(sample.admin_link_problems[0].contains("Authorization/1 names another"));

    // `//DataCustodian` in the self link and `/DataCustodian` in the content agree.
    for path in [
        "verdigris-gba-sandbox/ESPIAuthorization.xml",
        "verdigris-gba-sandbox/ESPIApplicationInformation.xml",
        "gba-openapi/AtomFeed_Authorization__AuthorizationFeed.xml",
        "verdigris-pge/PGEApplicationInformation.xml",
    ] {
        let facts = facts_of(path);
        assert!(!facts.admin_linked.is_empty(), "{path}");
        assert_eq!(facts.admin_link_problems, Vec::<String>::new(), "{path}");
    }
    let kinds: Vec<_> = facts_of("gba-openapi/AtomFeed_Authorization__AuthorizationFeed.xml")
        .admin_linked
        .iter()
        .map(|facts| facts.kind)
        .collect();
    assert_eq!(kinds, [Authorization, Authorization]);
}
