use super::*;

/// A file of the repository's `testdata/samples`, or `None` when it is absent, as in the
/// crate's published package: the test then skips, saying so on stderr. With
/// `ESPI_REQUIRE_TESTDATA=1` (set by `.ci/run`) an absent file fails the test instead.
fn sample(path: &str) -> Option<Vec<u8>> {
    let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../testdata/samples")
        .join(path);
    match std::fs::read(&full) {
        Ok(bytes) => Some(bytes),
        Err(error)
            if error.kind() == std::io::ErrorKind::NotFound
                && std::env::var_os("ESPI_REQUIRE_TESTDATA").is_none_or(|v| v != "1") =>
        {
            eprintln!(
                "skipped: {} is absent (the repository's testdata/ is not here)",
                full.display()
            );
            None
        }
        Err(error) => panic!("{}: {error}", full.display()),
    }
}

fn customer(xml: &[u8]) -> CustomerData {
    CustomerData {
        usage: vec![espi_xml::read_document(xml).unwrap().document],
        customer: Vec::new(),
    }
}

#[test]
fn places_every_resource_of_a_linked_feed() {
    let Some(three) = sample("gba-cmd-test/threeusagepointsonecustomer.xml") else {
        return;
    };
    let store = DataStore::load(
        &[customer(&three)],
        "http://h/DataCustodian/espi/1_1/resource",
    );
    assert!(store.notes().is_empty(), "{:?}", store.notes());
    let items = store.usage(0);
    assert_eq!(items.len(), 23);
    let point = &items[0];
    assert_eq!(point.path, "Subscription/1/UsagePoint/1");
    assert_eq!(
        point.meta.self_href(),
        Some("http://h/DataCustodian/espi/1_1/resource/Subscription/1/UsagePoint/1")
    );
    assert_eq!(
        point.meta.up_href(),
        Some("http://h/DataCustodian/espi/1_1/resource/Subscription/1/UsagePoint")
    );
    let blocks: Vec<&Arc<Item>> = items
        .iter()
        .filter(|item| item.kind == ResourceKind::IntervalBlock)
        .collect();
    assert_eq!(blocks.len(), 10);
    for block in &blocks {
        assert!(block.interval.is_some());
        assert!(block.path.contains("/MeterReading/"), "{}", block.path);
        assert!(block.path.starts_with("Subscription/1/UsagePoint/"));
    }
    // Ids are unique and name-based.
    let mut ids: Vec<&str> = items
        .iter()
        .filter_map(|item| item.meta.id.as_deref())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), items.len());
    assert!(ids[0].starts_with("urn:uuid:"));
    assert_eq!(&ids[0][23..24], "5", "version 5: {}", ids[0]);
    // Every MeterReading links one ReadingType that is served.
    for reading in items
        .iter()
        .filter(|item| item.kind == ResourceKind::MeterReading)
    {
        assert_eq!(reading.refs.len(), 1);
        assert!(items.iter().any(|item| item.path == reading.refs[0]));
    }
}

#[test]
fn resources_whose_parent_is_absent_are_placed_by_their_hrefs_and_noted() {
    let Some(block) = sample("gba-cmd-test/interval_block_1.xml") else {
        return;
    };
    let store = DataStore::load(&[customer(&block)], "http://h/r");
    assert_eq!(store.usage(0).len(), 1);
    let block = &store.usage(0)[0];
    assert_eq!(
        block.path,
        "Subscription/1/UsagePoint/1/MeterReading/1/IntervalBlock/1"
    );
    assert_eq!(
        block.collection,
        "Subscription/1/UsagePoint/1/MeterReading/1/IntervalBlock"
    );
    assert_eq!(store.notes().len(), 1);
    assert!(
        store.notes()[0].contains("its MeterReading is not in the data"),
        "{:?}",
        store.notes()
    );
}

#[test]
fn children_named_by_hierarchical_hrefs_go_under_their_parents() {
    // Burlington Hydro: the UsagePoint links no MeterReading collection; the
    // MeterReading's and the blocks' hrefs extend the UsagePoint's `self`.
    let Some(burlington) = sample("burlington-hydro/usage_60min.xml") else {
        return;
    };
    let store = DataStore::load(&[customer(&burlington)], "http://h/r");
    assert!(store.notes().is_empty(), "{:?}", store.notes());
    let paths: Vec<&str> = store
        .usage(0)
        .iter()
        .map(|item| item.path.as_str())
        .collect();
    assert!(
        paths.contains(&"Subscription/1/UsagePoint/1/MeterReading/1"),
        "{paths:?}"
    );
    for block in store
        .usage(0)
        .iter()
        .filter(|item| item.kind == ResourceKind::IntervalBlock)
    {
        assert_eq!(
            block.collection,
            "Subscription/1/UsagePoint/1/MeterReading/1/IntervalBlock"
        );
    }
}

#[test]
fn blocks_of_one_absent_meter_reading_share_its_path() {
    let feed = |selves: &[&str]| {
        let entries: String = selves
            .iter()
            .map(|href| {
                format!(
                    r#"<entry><id>urn:uuid:{href}</id><title/><link rel="self" href="{href}"/>
                    <content><IntervalBlock xmlns="http://naesb.org/espi"><interval><duration>3600</duration>
                    <start>1388556000</start></interval></IntervalBlock></content>
                    <updated>2014-01-01T00:00:00Z</updated></entry>"#
                )
            })
            .collect();
        format!(r#"<feed xmlns="http://www.w3.org/2005/Atom">{entries}</feed>"#)
    };
    let xml = feed(&[
        "https://x/espi/1_1/resource/Subscription/9/UsagePoint/4/MeterReading/7/IntervalBlock/1",
        "https://x/espi/1_1/resource/Subscription/9/UsagePoint/4/MeterReading/8/IntervalBlock/1",
        "https://x/espi/1_1/resource/Subscription/9/UsagePoint/4/MeterReading/7/IntervalBlock/2",
        "https://x/IntervalBlock/3",
    ]);
    let store = DataStore::load(&[customer(xml.as_bytes())], "http://h/r");
    let collections: Vec<&str> = store
        .usage(0)
        .iter()
        .map(|item| item.collection.as_str())
        .collect();
    assert_eq!(
        collections,
        [
            "Subscription/1/UsagePoint/1/MeterReading/1/IntervalBlock",
            "Subscription/1/UsagePoint/1/MeterReading/2/IntervalBlock",
            "Subscription/1/UsagePoint/1/MeterReading/1/IntervalBlock",
            "Subscription/1/UsagePoint/2/MeterReading/3/IntervalBlock",
        ]
    );
    assert_eq!(store.notes().len(), 4, "{:?}", store.notes());
}

#[test]
fn customer_data_is_served_without_the_sources_links() {
    let Some(pii) = sample("peter279k/retail_customer_data.xml") else {
        return;
    };
    let data = CustomerData {
        usage: Vec::new(),
        customer: vec![espi_xml::read_document(pii.as_slice()).unwrap().document],
    };
    let store = DataStore::load(&[data], "http://h/r");
    assert!(!store.customer_data(0).is_empty());
    assert!(
        store
            .customer_data(0)
            .iter()
            .all(|item| item.meta.links.is_empty())
    );
    assert!(
        store.notes()[0].contains("without its"),
        "{:?}",
        store.notes()
    );
}

#[test]
fn added_blocks_link_by_sandbox_or_source_hrefs_and_bad_ones_change_nothing() {
    let Some(three) = sample("gba-cmd-test/threeusagepointsonecustomer.xml") else {
        return;
    };
    let mut store = DataStore::load(
        &[customer(&three)],
        "http://h/DataCustodian/espi/1_1/resource",
    );
    let before = store.usage(0).len();
    let reading = store
        .usage(0)
        .iter()
        .find(|item| item.kind == ResourceKind::MeterReading)
        .map(|item| item.path.clone())
        .unwrap();
    let block = |up: &str| {
        format!(
            r#"<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>urn:uuid:1</id><title/>
            <link rel="self" href="{up}/99"/><link rel="up" href="{up}"/>
            <content><IntervalBlock xmlns="http://naesb.org/espi"><interval><duration>3600</duration><start>1388556000</start></interval>
            <IntervalReading><value>5</value></IntervalReading></IntervalBlock></content>
            <updated>2014-01-01T00:00:00Z</updated></entry></feed>"#
        )
    };
    let sandbox = format!("http://other:1/DataCustodian/espi/1_1/resource/{reading}/IntervalBlock");
    let document = espi_xml::read_document(block(&sandbox).as_bytes())
        .unwrap()
        .document;
    let added = store.add(0, document, 1_400_000_000).unwrap();
    assert_eq!(added.entries, 1);
    assert_eq!(added.data_span, Some((1_388_556_000, 1_388_559_600)));
    assert!(added.paths[0].starts_with(&format!("{reading}/IntervalBlock/")));
    let item = store.usage(0).last().unwrap();
    assert_eq!(item.published, Some(1_400_000_000));
    assert_eq!(item.meta.published.as_deref(), Some("2014-05-13T16:53:20Z"));

    let source = "https://localhost:8080/DataCustodian/espi/1_1/resource/RetailCustomer/1/UsagePoint/2/MeterReading/1/IntervalBlock";
    let document = espi_xml::read_document(block(source).as_bytes())
        .unwrap()
        .document;
    assert_eq!(store.add(0, document, 1_400_000_000).unwrap().entries, 1);

    let document =
        espi_xml::read_document(block("https://nowhere/MeterReading/7/IntervalBlock").as_bytes())
            .unwrap()
            .document;
    let problems = store.add(0, document, 1_400_000_000).unwrap_err();
    assert!(
        problems[0].contains("links to no MeterReading"),
        "{problems:?}"
    );
    assert_eq!(store.usage(0).len(), before + 2);
}
