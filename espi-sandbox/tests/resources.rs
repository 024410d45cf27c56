//! The ESPI resource endpoints over HTTP: every route, every query parameter, the
//! statuses, and the served data compared with the source files.

mod common;

use common::{BULK_SCOPE, CUSTOMER_SCOPE, NOW, USAGE_SCOPE};
use espi_model::resource::Namespace;
use espi_model::{
    atom::{Document, Entry},
    resource::{Resource, ResourceKind},
};
use espi_sandbox::RunningSandbox;
use espi_xml::ParsedDocument;
use reqwest::StatusCode;
use std::collections::BTreeSet;
use std::time::Instant;

const METER_DATA: &str = "gba-cmd-test/Meter_Data_12-09-2013_12-15-2013.xml";
const THREE_POINTS: &str = "gba-cmd-test/threeusagepointsonecustomer.xml";
const BULK_SAMPLE: &str = "gba-cmd-test/BatchBulk.xml";

/// GETs an Atom document, checking status 200 and the media type.
async fn atom(sandbox: &RunningSandbox, url: &str, token: &str) -> ParsedDocument {
    let response = common::get(sandbox, url, token).await;
    let status = response.status();
    let media_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let body = response.bytes().await.expect("a whole body");
    assert_eq!(
        status,
        StatusCode::OK,
        "{url}: {}",
        String::from_utf8_lossy(&body[..body.len().min(400)])
    );
    assert_eq!(media_type.as_deref(), Some("application/atom+xml"), "{url}");
    espi_xml::read_document(&body[..]).unwrap_or_else(|error| panic!("{url}: {error}"))
}

/// The status and body of a GET.
async fn status(sandbox: &RunningSandbox, url: &str, token: &str) -> (StatusCode, String) {
    common::status_and_body(common::get(sandbox, url, token).await).await
}

/// What the readings of some entries add up to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Facts {
    readings: usize,
    sum: i64,
    min_start: Option<i64>,
    max_end: Option<i64>,
}

fn facts<'a>(entries: impl IntoIterator<Item = &'a Entry>) -> Facts {
    let mut facts = Facts::default();
    for entry in entries {
        for resource in &entry.content {
            let Resource::IntervalBlock(block) = resource else {
                continue;
            };
            for reading in &block.interval_reading {
                facts.readings += 1;
                facts.sum += reading.value.unwrap_or(0);
                if let Some(period) = &reading.time_period
                    && let (Some(start), Some(end)) = (period.start, period.end())
                {
                    facts.min_start = Some(facts.min_start.map_or(start, |low| low.min(start)));
                    facts.max_end = Some(facts.max_end.map_or(end, |high| high.max(end)));
                }
            }
        }
    }
    facts
}

fn kind(entry: &Entry) -> ResourceKind {
    entry
        .resource()
        .map_or(ResourceKind::Unknown, Resource::kind)
}

fn ids(document: &Document) -> Vec<String> {
    document
        .entries()
        .iter()
        .map(|entry| entry.meta.id.clone().unwrap_or_default())
        .collect()
}

/// The source's entries a published/updated query selects, by the rules of
/// [`espi_auth::Query`]
/// (IntervalBlocks by their interval, the rest by their dates; bounds inclusive).
fn expected(
    source: &Document,
    published: (Option<i64>, Option<i64>),
    updated: (Option<i64>, Option<i64>),
) -> Vec<&Entry> {
    let time = |text: &Option<String>| {
        espi_model::atom::parse_atom_date(text.as_deref().expect("dated")).map(|t| t.timestamp())
    };
    let inside = |value: i64, (low, high): (Option<i64>, Option<i64>)| {
        low.is_none_or(|low| value >= low) && high.is_none_or(|high| value <= high)
    };
    source
        .entries()
        .iter()
        .filter(|entry| {
            let updated_ok = inside(time(&entry.meta.updated).expect("updated"), updated);
            let published_ok = match entry.resource() {
                Some(Resource::IntervalBlock(block)) => {
                    let interval = block.interval.as_ref().expect("an interval");
                    let (start, end) =
                        (interval.start.expect("start"), interval.end().expect("end"));
                    published.0.is_none_or(|low| start >= low)
                        && published.1.is_none_or(|high| end <= high)
                }
                _ => inside(time(&entry.meta.published).expect("published"), published),
            };
            updated_ok && published_ok
        })
        .collect()
}

#[tokio::test]
async fn the_subscription_feed_serves_the_whole_meter_data_file() {
    let (sandbox, _clock) = common::start().await;
    let token = common::authorize(&sandbox, "2", USAGE_SCOPE).await;
    assert!(token.resource_uri.ends_with("/Batch/Subscription/2"));
    let started = Instant::now();
    let parsed = atom(&sandbox, &token.resource_uri, &token.access_token).await;
    eprintln!(
        "served the 3.9 MB sample ({} entries) in {:?}",
        parsed.document.entries().len(),
        started.elapsed()
    );
    let source = common::sample(METER_DATA);
    assert_eq!(parsed.document.entries().len(), source.entries().len());
    let served = facts(parsed.document.entries());
    assert_eq!(served, facts(source.entries()));
    assert_eq!(
        served,
        Facts {
            readings: 20160,
            sum: 338_759,
            min_start: Some(1_386_576_000),
            max_end: Some(1_387_180_740),
        }
    );
    // The sandbox's own hrefs link the tree again.
    assert!(
        parsed.tree.problems.is_empty(),
        "{:?}",
        parsed.tree.problems
    );
    assert!(
        parsed.tree.unlinked.is_empty(),
        "{:?}",
        parsed.tree.unlinked
    );
    assert_eq!(parsed.readings().count(), 20160);
    for (served, source) in parsed.document.entries().iter().zip(source.entries()) {
        assert_eq!(served.content, source.content);
        assert_eq!(served.meta.title, source.meta.title);
        let id = served.meta.id.as_deref().expect("an id");
        assert!(
            id.starts_with("urn:uuid:") && id.as_bytes()[23] == b'5',
            "{id}"
        );
        let self_href = served.meta.self_href().expect("a self link");
        assert!(
            self_href.starts_with(&sandbox.resource_endpoint()),
            "{self_href}"
        );
    }
    sandbox.shutdown().await;
}

/// Customer 1: three usage points; customer 2: GBA's Batch/Bulk sample, which has the
/// summaries (usage and quality).
async fn crawl_sandbox() -> (RunningSandbox, common::TestClock) {
    let (config, clock) = common::config_with(vec![
        common::customer(&[THREE_POINTS], &[]),
        common::customer(&[BULK_SAMPLE], &[]),
    ]);
    (common::start_with(config).await, clock)
}

/// The path of an href relative to the resource endpoint, with its ids as `{}`.
fn pattern(sandbox: &RunningSandbox, href: &str) -> String {
    let path = href
        .strip_prefix(&sandbox.resource_endpoint())
        .unwrap_or(href)
        .trim_start_matches('/');
    path.split('/')
        .map(|segment| {
            if segment.bytes().all(|byte| byte.is_ascii_digit()) {
                "{}"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn every_entry_is_served_at_its_self_link_and_listed_at_its_up_link() {
    let (sandbox, _clock) = crawl_sandbox().await;
    let token = sandbox.data_custodian_token();
    let mut patterns = BTreeSet::new();
    for customer in ["1", "2"] {
        let feed_url = sandbox.subscription_uri(customer).expect("a subscription");
        let feed = atom(&sandbox, &feed_url, &token).await;
        assert!(!feed.document.entries().is_empty());
        for entry in feed.document.entries() {
            let self_href = entry.meta.self_href().expect("a self link");
            let member = atom(&sandbox, self_href, &token).await;
            let Document::Entry(served) = &member.document else {
                panic!("{self_href} is not an entry root");
            };
            assert_eq!(served, entry, "{self_href}");
            patterns.insert(pattern(&sandbox, self_href));
            let up = entry.meta.up_href().expect("an up link");
            let collection = atom(&sandbox, up, &token).await;
            assert!(
                collection.document.entries().contains(entry),
                "{up} lists {self_href}"
            );
            patterns.insert(pattern(&sandbox, up));
            for related in entry.meta.links_with_rel("related") {
                let (code, body) = status(&sandbox, related, &token).await;
                assert!(
                    code == StatusCode::OK || code == StatusCode::NO_CONTENT,
                    "{related}: {code} {body}"
                );
            }
        }
    }
    let wanted = [
        "Subscription/{}/UsagePoint",
        "Subscription/{}/UsagePoint/{}",
        "Subscription/{}/UsagePoint/{}/MeterReading",
        "Subscription/{}/UsagePoint/{}/MeterReading/{}",
        "Subscription/{}/UsagePoint/{}/MeterReading/{}/IntervalBlock",
        "Subscription/{}/UsagePoint/{}/MeterReading/{}/IntervalBlock/{}",
        "Subscription/{}/UsagePoint/{}/UsageSummary",
        "Subscription/{}/UsagePoint/{}/UsageSummary/{}",
        "Subscription/{}/UsagePoint/{}/ElectricPowerQualitySummary",
        "Subscription/{}/UsagePoint/{}/ElectricPowerQualitySummary/{}",
        "ReadingType",
        "ReadingType/{}",
        "LocalTimeParameters",
        "LocalTimeParameters/{}",
    ];
    for pattern in wanted {
        assert!(
            patterns.contains(pattern),
            "{pattern} not visited: {patterns:?}"
        );
    }
    // The deprecated summary name reaches the same entries.
    let feed = atom(&sandbox, &sandbox.subscription_uri("2").unwrap(), &token).await;
    let summary = feed
        .document
        .entries()
        .iter()
        .find(|entry| kind(entry) == ResourceKind::ElectricPowerUsageSummary)
        .expect("an ElectricPowerUsageSummary");
    let old_name = summary
        .meta
        .self_href()
        .unwrap()
        .replace("/UsageSummary/", "/ElectricPowerUsageSummary/");
    let Document::Entry(served) = atom(&sandbox, &old_name, &token).await.document else {
        panic!("an entry");
    };
    assert_eq!(&served, summary);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_usage_point_batch_is_its_whole_tree() {
    let (sandbox, _clock) = common::start().await;
    let token = common::authorize(&sandbox, "1", USAGE_SCOPE).await;
    let whole = atom(&sandbox, &token.resource_uri, &token.access_token).await;
    let points: Vec<&Entry> = whole
        .document
        .entries()
        .iter()
        .filter(|entry| kind(entry) == ResourceKind::UsagePoint)
        .collect();
    assert_eq!(points.len(), 3);
    let mut total = Facts::default();
    let mut seen = BTreeSet::new();
    for point in points {
        let id = point.meta.self_href().unwrap().rsplit('/').next().unwrap();
        let tree = atom(
            &sandbox,
            &format!("{}/UsagePoint/{id}", token.resource_uri),
            &token.access_token,
        )
        .await;
        assert!(tree.tree.problems.is_empty(), "{:?}", tree.tree.problems);
        assert!(tree.tree.unlinked.is_empty(), "{:?}", tree.tree.unlinked);
        assert_eq!(tree.tree.usage_points.len(), 1);
        let served = facts(tree.document.entries());
        assert_eq!(served.readings, tree.readings().count());
        total.readings += served.readings;
        total.sum += served.sum;
        seen.extend(ids(&tree.document));
    }
    let all = facts(whole.document.entries());
    assert_eq!((total.readings, total.sum), (all.readings, all.sum));
    assert_eq!(
        seen.len(),
        whole.document.entries().len(),
        "the trees cover the feed"
    );
    let (code, body) = status(
        &sandbox,
        &format!("{}/UsagePoint/99", token.resource_uri),
        &token.access_token,
    )
    .await;
    assert_eq!(code, StatusCode::NOT_FOUND, "{body}");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn bulk_serves_every_customer_with_an_authorization_in_force() {
    let (sandbox, _clock) = common::start().await;
    let first = common::authorize(&sandbox, "1", USAGE_SCOPE).await;
    let bulk = common::client_token(&sandbox, Some(BULK_SCOPE)).await;
    let one = atom(&sandbox, "Batch/Bulk/1", &bulk.access_token).await;
    let customer_one = atom(&sandbox, &first.resource_uri, &first.access_token).await;
    assert_eq!(ids(&one.document), ids(&customer_one.document));

    let second = common::authorize(&sandbox, "2", USAGE_SCOPE).await;
    let both = atom(&sandbox, "Batch/Bulk/1", &bulk.access_token).await;
    let customer_two = atom(&sandbox, &second.resource_uri, &second.access_token).await;
    let mut expected = ids(&customer_one.document);
    expected.extend(ids(&customer_two.document));
    assert_eq!(ids(&both.document), expected);
    let readings = facts(both.document.entries()).readings;
    assert_eq!(readings, 240 + 20160);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn customer_data_is_served_alone_in_its_own_namespace() {
    let (sandbox, _clock) = common::start().await;
    let token = common::authorize(&sandbox, "1", CUSTOMER_SCOPE).await;
    let customer_uri = token
        .customer_resource_uri
        .clone()
        .expect("a customerResourceURI");
    assert!(
        customer_uri.ends_with("/Batch/RetailCustomer/1"),
        "{customer_uri}"
    );
    let response = common::get(&sandbox, &customer_uri, &token.access_token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.text().await.unwrap();
    assert!(body.contains("xmlns:cust=\"http://naesb.org/espi/customer\""));
    assert!(
        !body.contains("<espi:"),
        "no usage data in the customer feed"
    );
    let customer = espi_xml::read_document(body.as_bytes()).unwrap();
    // As loaded, without the links to the source's paths, which the sandbox does not serve.
    let mut source = common::sample("verdigris-pge/PGERetailCustomer.xml")
        .entries()
        .to_vec();
    assert!(source.iter().any(|entry| !entry.meta.links.is_empty()));
    for entry in &mut source {
        entry.meta.links.clear();
    }
    assert_eq!(customer.document.entries(), source);
    let namespace_of = |kind: ResourceKind| {
        ResourceKind::KNOWN
            .iter()
            .find(|(known, _, _)| *known == kind)
            .map(|(_, namespace, _)| *namespace)
    };
    for entry in customer.document.entries() {
        assert_eq!(namespace_of(kind(entry)), Some(Namespace::Customer));
    }
    let usage = atom(&sandbox, &token.resource_uri, &token.access_token).await;
    for entry in usage.document.entries() {
        assert_eq!(namespace_of(kind(entry)), Some(Namespace::Espi));
    }
    // Customer 2 has no customer data.
    let other = common::authorize(&sandbox, "2", CUSTOMER_SCOPE).await;
    let (code, _) = status(
        &sandbox,
        other.customer_resource_uri.as_deref().unwrap(),
        &other.access_token,
    )
    .await;
    assert_eq!(code, StatusCode::NO_CONTENT);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn read_service_status_is_a_bare_service_status() {
    let (sandbox, _clock) = common::start().await;
    let bulk = common::client_token(&sandbox, Some(BULK_SCOPE)).await;
    let parsed = atom(&sandbox, "ReadServiceStatus", &bulk.access_token).await;
    let Document::Resource(resource) = parsed.document else {
        panic!("a bare resource root");
    };
    let Resource::ServiceStatus(status) = *resource else {
        panic!("a ServiceStatus");
    };
    assert!(status.is_available());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn published_bounds_select_interval_blocks_by_their_interval() {
    let (sandbox, _clock) = common::start().await;
    let token = common::authorize(&sandbox, "1", USAGE_SCOPE).await;
    let source = common::sample(THREE_POINTS);
    // 2014-01-02T05:00:00Z – 2014-01-03T05:00:00Z: the second day of every meter reading.
    let (low, high) = (1_388_638_800, 1_388_725_200);
    let url = format!(
        "{}?published-min=2014-01-02T05:00:00Z&published-max=2014-01-03T05:00:00Z",
        token.resource_uri
    );
    let served = atom(&sandbox, &url, &token.access_token).await;
    let wanted = expected(&source, (Some(low), Some(high)), (None, None));
    let blocks = |entries: &[&Entry]| {
        entries
            .iter()
            .filter(|entry| kind(entry) == ResourceKind::IntervalBlock)
            .count()
    };
    let served_entries: Vec<&Entry> = served.document.entries().iter().collect();
    assert!(
        blocks(&wanted) > 0 && blocks(&wanted) < 10,
        "a real selection"
    );
    assert_eq!(blocks(&served_entries), blocks(&wanted));
    assert_eq!(served.document.entries().len(), wanted.len());
    for (served, wanted) in served.document.entries().iter().zip(&wanted) {
        assert_eq!(served.content, wanted.content);
    }
    let served_facts = facts(served.document.entries());
    assert!(served_facts.min_start >= Some(low) && served_facts.max_end <= Some(high));
    assert_eq!(served_facts, facts(wanted.iter().copied()));
    // The same on the IntervalBlock collection of one meter reading.
    let reading = atom(&sandbox, &token.resource_uri, &token.access_token)
        .await
        .document
        .entries()
        .iter()
        .find(|entry| kind(entry) == ResourceKind::MeterReading)
        .and_then(|entry| {
            entry
                .meta
                .links_with_rel("related")
                .find(|href| href.ends_with("/IntervalBlock"))
                .map(str::to_owned)
        })
        .expect("a MeterReading with an IntervalBlock collection");
    let all_blocks = atom(&sandbox, &reading, &token.access_token).await;
    let day = atom(
        &sandbox,
        &format!("{reading}?published-min=2014-01-02T05:00:00Z&published-max=2014-01-03T05:00:00Z"),
        &token.access_token,
    )
    .await;
    assert!(day.document.entries().len() < all_blocks.document.entries().len());
    assert_eq!(day.document.entries().len(), 1);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn one_date_rule_reads_all_four_parameters() {
    let (sandbox, _clock) = common::start().await;
    let token = common::authorize(&sandbox, "1", USAGE_SCOPE).await;
    let ids_of = |query: String| {
        let sandbox = &sandbox;
        let token = &token;
        async move {
            let url = format!("{}?{query}", token.resource_uri);
            ids(&atom(sandbox, &url, &token.access_token).await.document)
        }
    };
    // The second day of every meter reading, and the sample's whole `updated` span.
    let plain = ids_of(
        "published-min=2014-01-02T05:00:00Z&published-max=2014-01-03T05:00:00Z\
         &updated-min=2013-01-01T00:00:00Z&updated-max=2014-02-01T00:00:00Z"
            .to_owned(),
    )
    .await;
    assert!(!plain.is_empty());
    // The same instants with offsets, fractions (a minimum rounds up, a maximum down)
    // and without a time zone (UTC): the decision and the selection read them alike.
    for query in [
        "published-min=2014-01-02T00:00:00-05:00&published-max=2014-01-03T06:00:00%2B01:00\
         &updated-min=2012-12-31T19:00:00-05:00&updated-max=2014-02-01T05:30:00%2B05:30",
        "published-min=2014-01-02T04:59:59.001Z&published-max=2014-01-03T05:00:00.999Z\
         &updated-min=2012-12-31T23:59:59.5Z&updated-max=2014-02-01T00:00:00.5Z",
        "published-min=2014-01-02T05:00:00&published-max=2014-01-03T05:00:00\
         &updated-min=2013-01-01T00:00:00&updated-max=2014-01-31T24:00:00",
    ] {
        assert_eq!(ids_of(query.to_owned()).await, plain, "{query}");
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn updated_bounds_select_by_the_atom_updated() {
    let (sandbox, _clock) = common::start().await;
    let token = common::authorize(&sandbox, "1", USAGE_SCOPE).await;
    let source = common::sample(THREE_POINTS);
    for (query, bounds) in [
        (
            "updated-min=2014-01-31T05:00:00Z",
            (Some(1_391_144_400), None),
        ),
        (
            "updated-max=2014-01-03T05:00:00Z",
            (None, Some(1_388_725_200)),
        ),
        (
            "updated-min=2014-01-03T05:00:00Z&updated-max=2014-01-04T05:00:00Z",
            (Some(1_388_725_200), Some(1_388_811_600)),
        ),
    ] {
        let served = atom(
            &sandbox,
            &format!("{}?{query}", token.resource_uri),
            &token.access_token,
        )
        .await;
        let wanted = expected(&source, (None, None), bounds);
        assert!(
            !wanted.is_empty() && wanted.len() < source.entries().len(),
            "{query}"
        );
        let served_content: Vec<&Vec<Resource>> = served
            .document
            .entries()
            .iter()
            .map(|entry| &entry.content)
            .collect();
        let wanted_content: Vec<&Vec<Resource>> =
            wanted.iter().map(|entry| &entry.content).collect();
        assert_eq!(served_content, wanted_content, "{query}");
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn start_index_pages_without_gaps_or_overlaps() {
    let (sandbox, _clock) = common::start().await;
    let token = common::authorize(&sandbox, "1", USAGE_SCOPE).await;
    let whole = ids(&atom(&sandbox, &token.resource_uri, &token.access_token)
        .await
        .document);
    assert_eq!(whole.len(), 23);
    for page_size in [1, 4, 7, 23, 50] {
        let mut paged = Vec::new();
        let mut start = 1;
        loop {
            let url = format!(
                "{}?start-index={start}&max-results={page_size}",
                token.resource_uri
            );
            let response = common::get(&sandbox, &url, &token.access_token).await;
            if response.status() == StatusCode::NO_CONTENT {
                break;
            }
            assert_eq!(response.status(), StatusCode::OK);
            let page = espi_xml::read_document(&response.bytes().await.unwrap()[..]).unwrap();
            let page_ids = ids(&page.document);
            assert!(page_ids.len() <= page_size);
            start += page_ids.len();
            paged.extend(page_ids);
        }
        assert_eq!(paged, whole, "pages of {page_size}");
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn max_results_and_depth_bound_the_number_of_entries() {
    let (sandbox, _clock) = common::start().await;
    let token = common::authorize(&sandbox, "1", USAGE_SCOPE).await;
    let whole = ids(&atom(&sandbox, &token.resource_uri, &token.access_token)
        .await
        .document);
    for (query, count) in [
        ("max-results=3", 3),
        ("depth=2", 2),
        ("max-results=5&depth=4", 4),
        ("depth=6&max-results=5", 5),
        ("max-results=100", 23),
        ("start-index=22&max-results=5", 2),
    ] {
        let page = atom(
            &sandbox,
            &format!("{}?{query}", token.resource_uri),
            &token.access_token,
        )
        .await;
        let page_ids = ids(&page.document);
        assert_eq!(page_ids.len(), count, "{query}");
        let skip = if query.starts_with("start-index=22") {
            21
        } else {
            0
        };
        assert_eq!(page_ids, whole[skip..skip + count], "{query}");
    }
    let (code, _) = status(
        &sandbox,
        &format!("{}?max-results=0", token.resource_uri),
        &token.access_token,
    )
    .await;
    assert_eq!(code, StatusCode::NO_CONTENT);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn malformed_parameters_are_400_with_the_parameter_and_value() {
    let (sandbox, _clock) = common::start().await;
    let token = common::authorize(&sandbox, "1", USAGE_SCOPE).await;
    let cases = [
        ("published-min=2014-13-01T00:00:00Z", "published-min"),
        ("published-max=yesterday", "published-max"),
        ("updated-min=2014-01-01", "updated-min"),
        ("updated-max=soon", "updated-max"),
        ("max-results=ten", "max-results"),
        ("max-results=-1", "max-results"),
        ("start-index=0", "start-index"),
        ("start-index=1.5", "start-index"),
        ("depth=-3", "depth"),
        ("depth=1&depth=2", "depth"),
        (
            "updated-min=2014-01-01T00:00:00Z&updated-min=2014-01-02T00:00:00Z",
            "updated-min",
        ),
        (
            "updated-min=2014-02-01T00:00:00Z&updated-max=2014-01-01T00:00:00Z",
            "updated-min",
        ),
    ];
    for (query, parameter) in cases {
        for path in [
            token.resource_uri.clone(),
            format!("{}/UsagePoint/1", token.resource_uri.replace("Batch/", "")),
            "ReadingType".to_owned(),
        ] {
            let (code, body) =
                status(&sandbox, &format!("{path}?{query}"), &token.access_token).await;
            assert_eq!(code, StatusCode::BAD_REQUEST, "{path}?{query}: {body}");
            assert!(body.contains(parameter), "{query}: {body}");
        }
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn nothing_to_serve_is_204_and_unknown_ids_are_404() {
    // Summaries (FB_15) and power quality summaries (FB_17) too: an unknown one is 404
    // only when the scope grants it (403 otherwise).
    const ALL_USAGE: &str = "FB=1_3_4_5_13_14_15_17_39;IntervalDuration=3600;BlockDuration=monthly";
    let (mut config, _clock) = common::config();
    config.client.scopes.push(ALL_USAGE.to_owned());
    let sandbox = common::start_with(config).await;
    let token = common::authorize(&sandbox, "2", ALL_USAGE).await;
    let subscription = token.resource_uri.replace("Batch/", "");
    // A week in June 2013 has no data; a start past the end selects nothing.
    for query in [
        "published-min=2013-06-01T00:00:00Z&published-max=2013-06-08T00:00:00Z",
        "start-index=11",
        "updated-min=2013-12-31T00:00:00Z",
    ] {
        let (code, body) = status(
            &sandbox,
            &format!("{}?{query}", token.resource_uri),
            &token.access_token,
        )
        .await;
        assert_eq!(code, StatusCode::NO_CONTENT, "{query}: {body}");
        assert!(body.is_empty());
    }
    let point = atom(
        &sandbox,
        &format!("{subscription}/UsagePoint"),
        &token.access_token,
    )
    .await;
    let point_path = point.document.entries()[0]
        .meta
        .self_href()
        .unwrap()
        .to_owned();
    // A member filtered out is 204 too.
    let (code, _) = status(
        &sandbox,
        &format!("{point_path}?updated-min=2013-12-31T00:00:00Z"),
        &token.access_token,
    )
    .await;
    assert_eq!(code, StatusCode::NO_CONTENT);
    for missing in [
        format!("{subscription}/UsagePoint/999"),
        format!("{subscription}/UsagePoint/999/MeterReading"),
        format!("{point_path}/MeterReading/999"),
        format!("{point_path}/MeterReading/999/IntervalBlock"),
        format!("{point_path}/UsageSummary/999"),
        format!("{point_path}/ElectricPowerQualitySummary/999"),
        "ReadingType/999".to_owned(),
        "LocalTimeParameters/999".to_owned(),
    ] {
        let (code, body) = status(&sandbox, &missing, &token.access_token).await;
        assert_eq!(code, StatusCode::NOT_FOUND, "{missing}: {body}");
        assert!(!body.is_empty(), "{missing}: a reason");
    }
    // The Data Custodian's token reaches every subscription; an unknown one is 404.
    let admin = sandbox.data_custodian_token();
    let (code, _) = status(&sandbox, "Batch/Subscription/9", &admin).await;
    assert_eq!(code, StatusCode::NOT_FOUND);
    let (code, _) = status(&sandbox, "Batch/Subscription/1", &admin).await;
    assert_eq!(code, StatusCode::OK);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_token_reads_only_its_own_subscription_and_customers() {
    let (sandbox, _clock) = common::start().await;
    let token = common::authorize(&sandbox, "1", USAGE_SCOPE).await;
    for other in [
        "Batch/Subscription/2",
        "Subscription/2/UsagePoint",
        "Batch/Subscription/2/UsagePoint/1",
    ] {
        let (code, body) = status(&sandbox, other, &token.access_token).await;
        assert_eq!(code, StatusCode::FORBIDDEN, "{other}: {body}");
    }
    // Shared resources of another customer are not found for this token.
    let admin = sandbox.data_custodian_token();
    let others = atom(&sandbox, "Batch/Subscription/2", &admin).await;
    let their_reading_type = others
        .document
        .entries()
        .iter()
        .find(|entry| kind(entry) == ResourceKind::ReadingType)
        .and_then(|entry| entry.meta.self_href())
        .unwrap()
        .to_owned();
    let (code, _) = status(&sandbox, &their_reading_type, &token.access_token).await;
    assert_eq!(code, StatusCode::NOT_FOUND);
    let mine = atom(&sandbox, "ReadingType", &token.access_token).await;
    assert_eq!(
        mine.document.entries().len(),
        common::sample(THREE_POINTS)
            .entries()
            .iter()
            .filter(|entry| kind(entry) == ResourceKind::ReadingType)
            .count()
    );
    let _ = NOW;
    sandbox.shutdown().await;
}

#[tokio::test]
async fn the_program_window_cuts_readings_but_keeps_their_context() {
    let (sandbox, clock) = common::start().await;
    // Granted 2015-02-03T00:00:00Z: the scope's 13 months of history (shorter than
    // Ameren's 24) reach back to 2014-01-03, into the sample's four days.
    clock.set(1_422_921_600);
    let token = common::authorize(&sandbox, "1", USAGE_SCOPE).await;
    let served = atom(&sandbox, &token.resource_uri, &token.access_token).await;
    let source = common::sample(THREE_POINTS);
    let starts = |entries: &[Entry]| -> Vec<(String, i64)> {
        entries
            .iter()
            .filter_map(|entry| match entry.resource() {
                Some(Resource::IntervalBlock(block)) => Some((
                    format!("{:?}", block.interval_reading),
                    block.interval.as_ref()?.start?,
                )),
                _ => None,
            })
            .collect()
    };
    let all = starts(source.entries());
    let kept = starts(served.document.entries());
    assert_eq!(kept.len(), 3, "the blocks of 2014-01-03, of {}", all.len());
    let first_kept = kept.iter().map(|(_, start)| *start).min().unwrap();
    for block in &all {
        if !kept.contains(block) {
            assert!(block.1 < first_kept, "a block cut inside the window");
        }
    }
    for context in [
        ResourceKind::UsagePoint,
        ResourceKind::MeterReading,
        ResourceKind::ReadingType,
        ResourceKind::LocalTimeParameters,
    ] {
        let count = |entries: &[Entry]| {
            entries
                .iter()
                .filter(|entry| kind(entry) == context)
                .count()
        };
        assert_eq!(
            count(served.document.entries()),
            count(source.entries()),
            "{context:?}"
        );
    }
    assert!(
        served.tree.problems.is_empty(),
        "{:?}",
        served.tree.problems
    );
    sandbox.shutdown().await;
}

/// Whether xmllint can run; with `ESPI_REQUIRE_XMLLINT=1` (CI) a missing one fails.
fn xmllint_available() -> bool {
    if std::process::Command::new("xmllint")
        .arg("--version")
        .output()
        .is_ok()
    {
        return true;
    }
    assert!(
        std::env::var("ESPI_REQUIRE_XMLLINT").as_deref() != Ok("1"),
        "ESPI_REQUIRE_XMLLINT=1 but xmllint is not installed (apt-get install libxml2-utils)"
    );
    eprintln!("SCHEMA CHECK NOT RUN: xmllint is not installed (apt-get install libxml2-utils)");
    false
}

#[tokio::test]
async fn served_documents_validate_with_xmllint() {
    if !xmllint_available() {
        return;
    }
    let (sandbox, _clock) = common::start().await;
    let token = common::authorize(&sandbox, "1", CUSTOMER_SCOPE).await;
    let bulk = common::client_token(&sandbox, Some(BULK_SCOPE)).await;
    let subscription = token.resource_uri.replace("Batch/", "");
    let directory =
        std::env::temp_dir().join(format!("espi-sandbox-xmllint-{}", std::process::id()));
    std::fs::create_dir_all(&directory).unwrap();
    let mut files = Vec::new();
    for (name, url, bearer) in [
        (
            "subscription",
            token.resource_uri.clone(),
            &token.access_token,
        ),
        (
            "usage-point",
            format!("{subscription}/UsagePoint/1"),
            &token.access_token,
        ),
        (
            "reading-types",
            "ReadingType".to_owned(),
            &token.access_token,
        ),
        (
            "customer",
            token.customer_resource_uri.clone().unwrap(),
            &token.access_token,
        ),
        (
            "service-status",
            "ReadServiceStatus".to_owned(),
            &bulk.access_token,
        ),
    ] {
        let response = common::get(&sandbox, &url, bearer).await;
        assert_eq!(response.status(), StatusCode::OK, "{url}");
        let path = directory.join(format!("{name}.xml"));
        std::fs::write(&path, response.bytes().await.unwrap()).unwrap();
        files.push(path);
    }
    let schema = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/schema");
    let output = std::process::Command::new("xmllint")
        .current_dir(&schema)
        .env("XML_CATALOG_FILES", "support/catalog.xml")
        .args([
            "--nonet",
            "--noout",
            "--schema",
            "support/all-namespaces.xsd",
        ])
        .args(&files)
        .output()
        .expect("xmllint runs");
    let report = String::from_utf8_lossy(&output.stderr);
    let _ = std::fs::remove_dir_all(&directory);
    assert!(output.status.success(), "{report}");
    assert_eq!(
        report
            .lines()
            .filter(|line| line.ends_with(" validates"))
            .count(),
        files.len(),
        "{report}"
    );
    sandbox.shutdown().await;
}
