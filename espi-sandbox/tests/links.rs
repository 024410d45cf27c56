//! Every link the sandbox serves resolves: over every sample file of `testdata/samples`
//! (one retail customer each), each `self`, `up` and `related` href in every response
//! answers 200 with that resource (`self`: the same entry; `up`: a feed listing the
//! entry; `related`: the entry or collection it names, where an empty collection
//! answers 204), crawled from each customer's Batch feeds and from the Authorization
//! and ApplicationInformation resources, with the Data Custodian's token.

mod common;

use espi_model::resource::Namespace;
use espi_model::{
    atom::{Document, Entry},
    resource::ResourceKind,
};
use espi_sandbox::{CustomerData, RunningSandbox};
use reqwest::StatusCode;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

/// 2030-01-01T00:00:00Z: after every sample's data, so the Data Custodian's token
/// (whose window is open-ended) sees all of it.
const LATER: i64 = 1_893_456_000;

/// Every `.xml` file under `dir`, sorted.
fn xml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("a readable directory") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "xml") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Whether a document holds customer (PII) entries rather than usage data.
fn is_customer_document(document: &Document) -> bool {
    document.entries().iter().any(|entry| {
        entry.resource().is_some_and(|resource| {
            ResourceKind::KNOWN.iter().any(|(kind, namespace, _)| {
                *kind == resource.kind() && *namespace == Namespace::Customer
            })
        })
    })
}

/// One retail customer per sample file: usage documents as usage data, customer
/// documents as customer data (with an empty usage list).
fn every_sample() -> (Vec<CustomerData>, Vec<String>) {
    let root = Path::new(common::SAMPLES);
    let mut customers = Vec::new();
    let mut names = Vec::new();
    for path in xml_files(root) {
        let bytes = std::fs::read(&path).expect("a readable sample");
        let Ok(parsed) = espi_xml::read_document(&bytes[..]) else {
            continue;
        };
        let document = parsed.document;
        let data = if is_customer_document(&document) {
            CustomerData {
                usage: Vec::new(),
                customer: vec![document],
            }
        } else {
            CustomerData {
                usage: vec![document],
                customer: Vec::new(),
            }
        };
        customers.push(data);
        names.push(
            path.strip_prefix(root)
                .unwrap_or(&path)
                .display()
                .to_string(),
        );
    }
    (customers, names)
}

/// The document a GET of `url` answers (`None` for 204 No Content), or why there is
/// none.
async fn fetch(
    sandbox: &RunningSandbox,
    url: &str,
    token: &str,
) -> Result<Option<Document>, String> {
    let response = common::get(sandbox, url, token).await;
    let status = response.status();
    let body = response.bytes().await.expect("a whole body");
    if status == StatusCode::NO_CONTENT {
        return Ok(None);
    }
    if status != StatusCode::OK {
        return Err(format!(
            "{url} answers {status}: {}",
            String::from_utf8_lossy(&body[..body.len().min(200)]).trim()
        ));
    }
    espi_xml::read_document(&body[..])
        .map(|parsed| Some(parsed.document))
        .map_err(|error| format!("{url} is not ESPI XML: {error}"))
}

/// The hrefs a served document links, with what each must answer.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Expect {
    /// The entry itself.
    Entry(String),
    /// A feed that lists this entry.
    Lists(String),
    /// Something served (an entry or a collection).
    Served,
}

fn links_of(document: &Document, source: &str, out: &mut BTreeMap<String, (Expect, String)>) {
    if let Document::Feed(feed) = document {
        for link in &feed.meta.links {
            out.entry(link.href.clone())
                .or_insert((Expect::Served, format!("feed link of {source}")));
        }
    }
    for entry in document.entries() {
        let id = entry.meta.id.clone().unwrap_or_default();
        for link in &entry.meta.links {
            let expect = match link.rel.as_deref() {
                Some("self") => Expect::Entry(id.clone()),
                Some("up") => Expect::Lists(id.clone()),
                _ => Expect::Served,
            };
            let why = format!("{:?} link of {id} in {source}", link.rel);
            match out.get(&link.href) {
                // A stronger expectation replaces a weaker one.
                Some((known, _)) if *known != Expect::Served => {}
                _ => {
                    out.insert(link.href.clone(), (expect, why));
                }
            }
        }
    }
}

fn entry_ids(document: &Document) -> Vec<String> {
    document
        .entries()
        .iter()
        .filter_map(|entry: &Entry| entry.meta.id.clone())
        .collect()
}

#[tokio::test]
async fn every_served_link_of_every_sample_resolves() {
    let (customers, names) = every_sample();
    assert!(customers.len() > 40, "{} samples", customers.len());
    let (mut config, clock) = common::config_with(customers);
    clock.set(LATER);
    config.clock = std::sync::Arc::new(clock.clone());
    let sandbox = common::start_with(config).await;
    let token = sandbox.data_custodian_token();
    for (i, n) in names.iter().enumerate() {
        eprintln!("NAME {} {n}", i + 1);
    }
    for note in sandbox.data_notes() {
        eprintln!("NOTE {note}");
    }
    // Grants of every kind, so that the Authorization feed links each kind of data.
    common::authorize(&sandbox, "1", common::CUSTOMER_SCOPE).await;
    common::authorize(&sandbox, "2", common::USAGE_SCOPE).await;
    common::client_token(&sandbox, Some(common::BULK_SCOPE)).await;
    let mut queue: VecDeque<(String, String)> = VecDeque::new();
    for path in ["Authorization", "ApplicationInformation/1"] {
        queue.push_back((
            common::resource_url(&sandbox, path),
            "the administrative resources".to_owned(),
        ));
    }
    for (customer, name) in sandbox.retail_customers().iter().zip(&names) {
        let subscription = sandbox.subscription_uri(customer).expect("a subscription");
        queue.push_back((subscription, format!("the subscription of {name}")));
        queue.push_back((
            common::resource_url(&sandbox, &format!("Batch/RetailCustomer/{customer}")),
            format!("the customer data of {name}"),
        ));
    }
    let mut visited = BTreeSet::new();
    let mut checked = 0usize;
    let mut failures = BTreeSet::new();
    while let Some((url, why)) = queue.pop_front() {
        if !visited.insert(url.clone()) {
            continue;
        }
        let document = match fetch(&sandbox, &url, &token).await {
            Ok(Some(document)) => document,
            Ok(None) => continue,
            Err(failure) => {
                failures.insert(format!("{why}: {failure}"));
                continue;
            }
        };
        let mut links = BTreeMap::new();
        links_of(&document, &url, &mut links);
        for (href, (expect, why)) in links {
            checked += 1;
            if !href.starts_with(&format!("{}/", sandbox.base_url())) {
                failures.insert(format!("{why}: {href} is not a URL of the sandbox"));
                continue;
            }
            let answer = match fetch(&sandbox, &href, &token).await {
                Ok(answer) => answer,
                Err(failure) => {
                    failures.insert(format!("{why}: {failure}"));
                    continue;
                }
            };
            let wrong = match (&expect, &answer) {
                (Expect::Entry(id), Some(Document::Entry(entry))) => {
                    (entry.meta.id.as_ref() != Some(id)).then(|| "is another entry".to_owned())
                }
                (Expect::Entry(_), _) => Some("is not an entry".to_owned()),
                (Expect::Lists(id), Some(served)) => {
                    (!entry_ids(served).contains(id)).then(|| format!("does not list {id}"))
                }
                (Expect::Lists(_), None) => Some("is empty".to_owned()),
                (Expect::Served, _) => None,
            };
            if let Some(wrong) = wrong {
                failures.insert(format!("{why}: {href} {wrong}"));
            }
            if let Some(Document::Feed(_)) = answer {
                queue.push_back((href, why));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} links do not resolve:\n{}",
        failures.len(),
        failures
            .iter()
            .take(60)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(checked > 500, "{checked} links checked");
    sandbox.shutdown().await;
}
