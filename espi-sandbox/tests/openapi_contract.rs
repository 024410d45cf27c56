//! The sandbox against GBA's OpenAPI contract (`testdata/openapi`, copied from the
//! team's conformance material): every GET path the contract lists is either routed by
//! the sandbox or listed in [`NOT_SERVED`] with the reason, and every query parameter
//! the contract declares for a served path is understood (a malformed value is a 400
//! that names the parameter, not ignored).

mod common;

use serde_yaml_ng::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The contract's paths start with this; the sandbox serves them under its
/// `…/DataCustodian` base.
const RESOURCE_PREFIX: &str = "/espi/1_1/resource/";

/// Contract paths the sandbox does not serve, with why. Everything else must be routed.
const NOT_SERVED: &[(&str, &str)] = &[
    (
        "ApplicationInformation",
        "the collection of every registration is the Data Custodian's; a client reads its own by id",
    ),
    (
        "Batch/RetailCustomer/{retailCustomerId}/UsagePoint",
        "Download My Data export and upload (U tokens): not a Connect My Data call",
    ),
    (
        "UsagePoint",
        "Data Custodian root collection (D tokens); the sandbox serves the subscription-scoped form",
    ),
    (
        "UsagePoint/{usagePointId}",
        "Data Custodian root access; subscription-scoped form served",
    ),
    (
        "MeterReading",
        "Data Custodian root collection; subscription-scoped form served",
    ),
    (
        "MeterReading/{meterReadingId}",
        "Data Custodian root access; subscription-scoped form served",
    ),
    (
        "IntervalBlock",
        "Data Custodian root collection; subscription-scoped form served",
    ),
    (
        "IntervalBlock/{intervalBlockId}",
        "Data Custodian root access; subscription-scoped form served",
    ),
    (
        "Customer",
        "customer data is served as the Batch/RetailCustomer feed (customerResourceURI)",
    ),
    (
        "Customer/{customerId}",
        "customer data is served as the Batch/RetailCustomer feed",
    ),
    (
        "CustomerAccount",
        "customer data is served as the Batch/RetailCustomer feed",
    ),
    (
        "CustomerAccount/{customerAccountId}",
        "customer data is served as the Batch/RetailCustomer feed",
    ),
    (
        "CustomerAgreement",
        "customer data is served as the Batch/RetailCustomer feed",
    ),
    (
        "CustomerAgreement/{customerAgreementId}",
        "customer data is served as the Batch/RetailCustomer feed",
    ),
    (
        "ServiceLocation",
        "customer data is served as the Batch/RetailCustomer feed",
    ),
    (
        "ServiceLocation/{serviceLocationId}",
        "customer data is served as the Batch/RetailCustomer feed",
    ),
    (
        "ServiceSupplier",
        "customer data is served as the Batch/RetailCustomer feed",
    ),
    (
        "ServiceSupplier/{serviceSupplierId}",
        "customer data is served as the Batch/RetailCustomer feed",
    ),
    (
        "Meter",
        "customer data is served as the Batch/RetailCustomer feed",
    ),
    (
        "Meter/{meterId}",
        "customer data is served as the Batch/RetailCustomer feed",
    ),
    (
        "EndDevice",
        "customer data is served as the Batch/RetailCustomer feed",
    ),
    (
        "EndDevice/{endDeviceId}",
        "customer data is served as the Batch/RetailCustomer feed",
    ),
    (
        "ProgramDateIdMappings",
        "customer data is served as the Batch/RetailCustomer feed",
    ),
    (
        "ProgramDateIdMappings/{programDateIdMappingsId}",
        "customer data is served as the Batch/RetailCustomer feed",
    ),
    (
        "Statement",
        "customer data is served as the Batch/RetailCustomer feed",
    ),
    (
        "Statement/{statementId}",
        "customer data is served as the Batch/RetailCustomer feed",
    ),
];

/// One GET operation of the contract.
#[derive(Debug)]
struct Operation {
    /// The path template relative to `…/espi/1_1/resource/`.
    template: String,
    /// The names of its query parameters.
    query: Vec<String>,
}

fn openapi_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/openapi")
}

fn yaml(path: &Path) -> Value {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    serde_yaml_ng::from_str(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// The GET operations of `openapi.yaml`, following its `$ref`s.
fn contract() -> Vec<Operation> {
    let root = openapi_dir();
    let document = yaml(&root.join("openapi.yaml"));
    let Some(paths) = document.get("paths").and_then(Value::as_mapping) else {
        panic!("openapi.yaml has no paths");
    };
    let mut operations = Vec::new();
    for (path, item) in paths {
        let path = path.as_str().expect("a path is a string");
        let template = path
            .strip_prefix(RESOURCE_PREFIX)
            .unwrap_or_else(|| panic!("{path} is not under {RESOURCE_PREFIX}"))
            .to_owned();
        let reference = item
            .get("$ref")
            .and_then(Value::as_str)
            .expect("each path item is a $ref");
        let file = root.join(reference);
        let item = yaml(&file);
        let Some(get) = item.get("get") else {
            continue;
        };
        let directory = file.parent().expect("a file has a directory");
        let mut query = Vec::new();
        for parameter in get
            .get("parameters")
            .and_then(Value::as_sequence)
            .into_iter()
            .flatten()
        {
            let parameter = match parameter.get("$ref").and_then(Value::as_str) {
                Some(reference) => yaml(&directory.join(reference)),
                None => parameter.clone(),
            };
            if parameter.get("in").and_then(Value::as_str) == Some("query") {
                let name = parameter
                    .get("name")
                    .and_then(Value::as_str)
                    .expect("a name");
                query.push(name.to_owned());
            }
        }
        operations.push(Operation { template, query });
    }
    operations
}

#[test]
fn the_contract_is_read_whole() {
    let operations = contract();
    let by_template: BTreeMap<&str, &Operation> = operations
        .iter()
        .map(|operation| (operation.template.as_str(), operation))
        .collect();
    assert!(operations.len() >= 40, "{} operations", operations.len());
    let feed = by_template["Batch/Subscription/{subscriptionId}"];
    assert_eq!(
        feed.query,
        [
            "published-max",
            "published-min",
            "updated-max",
            "updated-min",
            "max-results",
            "start-index",
            "depth"
        ]
    );
    for (template, _) in NOT_SERVED {
        assert!(
            by_template.contains_key(template),
            "NOT_SERVED lists {template}, which the contract does not have"
        );
    }
}

/// Whether the concrete path `path` fits `template` (`{name}` matches one segment).
fn fits(template: &str, path: &str) -> bool {
    let template: Vec<&str> = template.split('/').collect();
    let path: Vec<&str> = path.split('/').collect();
    template.len() == path.len()
        && template
            .iter()
            .zip(&path)
            .all(|(want, got)| want.starts_with('{') || want == got)
}

/// The `self` hrefs of a document, relative to the resource endpoint.
fn self_paths(xml: &str, resource_endpoint: &str) -> Vec<String> {
    let parsed = espi_xml::read_document(xml.as_bytes()).expect("the sandbox writes ESPI");
    let prefix = format!("{resource_endpoint}/");
    let mut paths = Vec::new();
    let mut keep = |href: Option<&str>| {
        if let Some(path) = href.and_then(|href| href.strip_prefix(&prefix)) {
            paths.push(path.to_owned());
        }
    };
    if let espi_model::atom::Document::Feed(feed) = &parsed.document {
        keep(feed.meta.self_href());
    }
    for entry in parsed.document.entries() {
        keep(entry.meta.self_href());
        for href in entry.meta.links_with_rel("up") {
            keep(Some(href));
        }
    }
    paths
}

#[tokio::test]
async fn every_contract_path_is_routed_and_understands_its_parameters() {
    // The standard customers, and a third whose file has an ElectricPowerQualitySummary.
    let mut customers = common::sample_customers();
    customers.push(common::customer(&["gba-cmd-test/BatchBulk.xml"], &[]));
    let (config, _clock) = common::config_with(customers);
    let sandbox = common::start_with(config).await;
    // A customer authorization, so that Authorization/{id} and the subscription exist.
    let grant = common::authorize(&sandbox, "1", common::USAGE_SCOPE).await;
    let token = sandbox.data_custodian_token();
    let endpoint = sandbox.resource_endpoint();

    // Concrete paths: the hrefs the sandbox itself serves, plus the ids of the grant.
    let mut known: Vec<String> = Vec::new();
    for feed in [
        "Batch/Subscription/1",
        "Batch/Subscription/3",
        "Authorization",
        "ReadingType",
        "LocalTimeParameters",
    ] {
        let (status, body) =
            common::status_and_body(common::get(&sandbox, feed, &token).await).await;
        assert!(status.is_success(), "GET {feed}: {status} {body}");
        known.extend(self_paths(&body, &endpoint));
    }
    for uri in [&grant.resource_uri, &grant.authorization_uri] {
        known.extend(uri.strip_prefix(&format!("{endpoint}/")).map(str::to_owned));
    }
    known.push("Batch/Bulk/1".to_owned());
    known.push("ReadServiceStatus".to_owned());
    known.extend(
        known
            .iter()
            .filter_map(|path| path.strip_prefix("Subscription/"))
            .map(|rest| format!("Batch/Subscription/{rest}"))
            .collect::<Vec<_>>(),
    );

    let mut failures = Vec::new();
    let mut served = 0;
    for operation in contract() {
        if NOT_SERVED
            .iter()
            .any(|(template, _)| *template == operation.template)
        {
            continue;
        }
        let concrete = match known.iter().find(|path| fits(&operation.template, path)) {
            Some(path) => path.clone(),
            None if operation.template.starts_with("ApplicationInformation/") => {
                "ApplicationInformation/1".to_owned()
            }
            None => {
                failures.push(format!("{}: no served href fits it", operation.template));
                continue;
            }
        };
        served += 1;
        // Routed: without a token the answer is 401 (access control ran), not 404/405.
        let anonymous = common::http()
            .get(common::resource_url(&sandbox, &concrete))
            .send()
            .await
            .expect("the sandbox answers");
        if anonymous.status() != reqwest::StatusCode::UNAUTHORIZED {
            failures.push(format!(
                "{} ({concrete}): {} without a token, expected 401",
                operation.template,
                anonymous.status()
            ));
        }
        let (status, body) =
            common::status_and_body(common::get(&sandbox, &concrete, &token).await).await;
        if !status.is_success() {
            failures.push(format!(
                "{} ({concrete}): {status} {body}",
                operation.template
            ));
        }
        // Understood: a malformed value of each declared parameter is a 400 naming it.
        for parameter in &operation.query {
            let url = format!("{concrete}?{parameter}=not-a-value");
            let (status, body) =
                common::status_and_body(common::get(&sandbox, &url, &token).await).await;
            if status != reqwest::StatusCode::BAD_REQUEST || !body.contains(parameter.as_str()) {
                failures.push(format!(
                    "{} ({url}): {status} {}, expected 400 naming {parameter}",
                    operation.template,
                    body.trim()
                ));
            }
        }
    }
    println!(
        "{served} contract paths served, {} listed as not served",
        NOT_SERVED.len()
    );
    assert!(served >= 15, "only {served} contract paths checked");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    sandbox.shutdown().await;
}
