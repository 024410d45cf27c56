//! The retail customers' data in the sandbox's URL space.
//!
//! Loading links all usage documents of a customer together (the rules of
//! [`espi_model::link`], over the entries of every document, so a tree split across
//! files still links) and places every resource in the sandbox's URL space
//! (under [`RESOURCE_PATH`](crate::state::RESOURCE_PATH)), with the customer's subscription id (= retail customer id):
//!
//! | Resource | `self` (relative to `…/espi/1_1/resource`) | `related` |
//! |---|---|---|
//! | UsagePoint | `Subscription/{sid}/UsagePoint/{id}` | its `MeterReading`, `UsageSummary` and `ElectricPowerQualitySummary` collections, its `LocalTimeParameters/{id}` |
//! | MeterReading | `…/UsagePoint/{id}/MeterReading/{id}` | its `IntervalBlock` collection, its `ReadingType/{id}` |
//! | IntervalBlock | `…/MeterReading/{id}/IntervalBlock/{id}` | |
//! | UsageSummary, ElectricPowerUsageSummary | `…/UsagePoint/{id}/UsageSummary/{id}` | |
//! | ElectricPowerQualitySummary | `…/UsagePoint/{id}/ElectricPowerQualitySummary/{id}` | |
//! | ReadingType, LocalTimeParameters | `ReadingType/{id}`, `LocalTimeParameters/{id}` | |
//!
//! `up` is the `self` without its last segment. Ids are numbers counted per kind over
//! the whole sandbox, so the shared `ReadingType/{id}` and `LocalTimeParameters/{id}`
//! never collide; entry ids are `urn:uuid:` name-based (version 5) UUIDs of the
//! relative path, the same on every run. `published` and `updated` are kept when they
//! are xs:dateTime values; a missing one is taken from the other, then from the
//! document's feed, then (IntervalBlocks) from the end of the block's interval.
//! Titles, extension elements and the content are served as loaded.
//!
//! A UsagePoint always links its three collections, so an empty one answers 204.
//!
//! Every link an entry is served with resolves in the sandbox: the links above are
//! made from the placement (the source's hrefs are not served), and what the Atom
//! links do not place is placed by its hierarchical hrefs. A MeterReading whose `up`
//! or `self` extends the `self` of a UsagePoint in the data
//! (`…/UsagePoint/{id}/MeterReading/…`, as Burlington Hydro's files have it without a
//! `related` link from the UsagePoint) goes under that UsagePoint, and so on down. A
//! MeterReading, summary or IntervalBlock whose parent is not in the data at all (a
//! file holding only IntervalBlocks, say) goes under a UsagePoint or MeterReading path
//! made for the parent its hrefs name (one per named parent, shared by its children;
//! one per customer when nothing is named): its `self` and its `up` collection are
//! served, the absent parent itself answers 404 and is linked from nowhere. A
//! ReadingType or LocalTimeParameters no MeterReading or UsagePoint uses is served at
//! its root path all the same. [`DataStore::notes`] lists each resource placed so.
//! Entries that are not usage data (ApplicationInformation, Authorization, customer
//! resources inside a usage document, unknown elements) are not served and are noted
//! too.
//!
//! Customer (PII) documents are served only by `Batch/RetailCustomer/{id}`, as loaded
//! but without their entries' Atom links: those name the source Data Custodian's
//! paths, which the sandbox does not serve (nor would a client's bearer token belong
//! there). The notes say how many links were dropped.
//!
//! Memory: the store keeps no copy of any resource it loaded. An [`Item`] holds the
//! rewritten Atom metadata and the position of its content in the sandbox's
//! configuration, which lives as long as the sandbox; the writer borrows the content
//! from there entry by entry. Only data added while the sandbox runs
//! ([`DataStore::add`]) is owned here.

use crate::config::CustomerData;
use espi_model::atom::{Link, Metadata};
use espi_model::date_time::{XsdDateTime, format_utc};
use espi_model::interval::DateTimeInterval;
use espi_model::link::normalize_href;
use espi_model::raw::RawAttribute;
use espi_model::resource::Namespace;
use espi_model::{
    atom::{Document, Entry},
    resource::{Resource, ResourceKind},
};
use std::sync::Arc;

mod place;

use place::{Ids, Keys, Placement, Placer};

/// The namespace of `xml:base`, which the rewritten metadata drops (it would change
/// what the sandbox's hrefs resolve to).
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// Every retail customer's usage and customer data.
#[derive(Debug, Default)]
pub struct DataStore {
    /// Retail customer ids, `"1"`, `"2"`, … in configuration order.
    pub retail_customers: Vec<String>,
    customers: Vec<CustomerStore>,
    resource_base: String,
    ids: Ids,
    notes: Vec<String>,
}

/// One retail customer's entries, in serving order, and the hrefs that new data can
/// link to.
#[derive(Debug, Default)]
struct CustomerStore {
    usage: Vec<Arc<Item>>,
    customer: Vec<Arc<Item>>,
    keys: Keys,
}

/// A served entry: where it lives in the sandbox's URL space, the dates it is
/// selected by, its rewritten metadata and where its content is.
#[derive(Debug)]
pub struct Item {
    /// The kind of the entry's resource.
    pub kind: ResourceKind,
    /// `self`, relative to `…/espi/1_1/resource`.
    pub path: String,
    /// `up`, relative to `…/espi/1_1/resource`.
    pub collection: String,
    /// The UsagePoint whose tree the entry belongs to.
    pub usage_point: Option<String>,
    /// Paths of the shared resources it links to (a UsagePoint's LocalTimeParameters,
    /// a MeterReading's ReadingType).
    pub refs: Vec<String>,
    /// `published`, epoch seconds.
    pub published: Option<i64>,
    /// `updated`, epoch seconds.
    pub updated: Option<i64>,
    /// The `[start, end)` of the data, epoch seconds: an IntervalBlock's `interval` (or
    /// the span of its readings), a summary's billing period or summary interval.
    pub interval: Option<(i64, i64)>,
    /// The Atom metadata served.
    pub meta: Metadata,
    content: Content,
}

/// Where an item's content is.
#[derive(Debug)]
enum Content {
    /// Entry `entry` of usage document `document` of configured customer `customer`.
    Usage {
        customer: usize,
        document: usize,
        entry: usize,
    },
    /// The same in the customer's customer (PII) documents.
    Customer {
        customer: usize,
        document: usize,
        entry: usize,
    },
    /// Added while the sandbox runs.
    Added {
        content: Vec<Resource>,
        attributes: Vec<RawAttribute>,
    },
}

impl Item {
    /// The entry to write: the served metadata around the content, copied from the
    /// configuration (one entry at a time, while it is written). `None` only if the
    /// configuration does not hold the entry the item was loaded from.
    pub fn entry(&self, customers: &[CustomerData]) -> Option<Entry> {
        let (content, attributes) = match &self.content {
            Content::Usage {
                customer,
                document,
                entry,
            } => {
                let source = customers
                    .get(*customer)?
                    .usage
                    .get(*document)?
                    .entries()
                    .get(*entry)?;
                (source.content.clone(), source.content_attributes.clone())
            }
            Content::Customer {
                customer,
                document,
                entry,
            } => {
                let source = customers
                    .get(*customer)?
                    .customer
                    .get(*document)?
                    .entries()
                    .get(*entry)?;
                (source.content.clone(), source.content_attributes.clone())
            }
            Content::Added {
                content,
                attributes,
            } => (content.clone(), attributes.clone()),
        };
        Some(Entry {
            meta: self.meta.clone(),
            content,
            content_attributes: attributes,
        })
    }
}

#[cfg(test)]
impl Item {
    /// An item with only the fields the date filters read.
    pub fn for_test(kind: ResourceKind, published: i64, interval: Option<(i64, i64)>) -> Item {
        Item {
            kind,
            path: String::new(),
            collection: String::new(),
            usage_point: None,
            refs: Vec::new(),
            published: Some(published),
            updated: Some(published),
            interval,
            meta: Metadata::default(),
            content: Content::Added {
                content: Vec::new(),
                attributes: Vec::new(),
            },
        }
    }
}

/// What [`DataStore::add`] added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Added {
    /// How many entries were added (entries naming a UsagePoint, MeterReading,
    /// ReadingType or LocalTimeParameters the customer already has are not added again).
    pub entries: usize,
    /// The span `[start, end)` of the added IntervalBlocks' intervals, epoch seconds.
    pub data_span: Option<(i64, i64)>,
    /// How many added entries are not IntervalBlocks (a query selects those by their
    /// `published`, the time they were added).
    pub others: usize,
    /// The `self` paths of the added entries.
    pub paths: Vec<String>,
}

impl DataStore {
    /// Loads the configured customers; `resource_base` is the sandbox's
    /// `…/espi/1_1/resource` URL that every served href starts with.
    pub fn load(customers: &[CustomerData], resource_base: &str) -> DataStore {
        let mut store = DataStore {
            retail_customers: (1..=customers.len()).map(|n| n.to_string()).collect(),
            resource_base: resource_base.trim_end_matches('/').to_owned(),
            ..DataStore::default()
        };
        for (index, data) in customers.iter().enumerate() {
            let customer = store.load_customer(index, data);
            store.customers.push(customer);
        }
        store
    }

    fn load_customer(&mut self, index: usize, data: &CustomerData) -> CustomerStore {
        let sid = self.retail_customers[index].clone();
        let mut customer = CustomerStore::default();
        let mut located: Vec<(&Entry, usize, usize)> = Vec::new();
        for (document, doc) in data.usage.iter().enumerate() {
            if let Document::Resource(resource) = doc {
                self.notes.push(format!(
                    "retail customer {sid}, usage document {}: a bare {:?} root is not usage data and is not served",
                    document + 1,
                    resource.kind()
                ));
            }
            located.extend(
                doc.entries()
                    .iter()
                    .enumerate()
                    .map(|(entry, value)| (value, document, entry)),
            );
        }
        let entries: Vec<&Entry> = located.iter().map(|(entry, _, _)| *entry).collect();
        let placer = Placer::new(&mut self.ids, &mut customer.keys, &sid, &entries);
        let (placements, problems) = placer.place(false);
        self.notes.extend(
            problems
                .into_iter()
                .map(|problem| format!("retail customer {sid}: {problem}")),
        );
        let fallbacks: Vec<Option<String>> = data.usage.iter().map(document_date).collect();
        for (placement, (entry, document, position)) in placements.into_iter().zip(located) {
            let Some(placement) = placement else {
                continue;
            };
            let fallback = fallbacks.get(document).and_then(Option::as_deref);
            let content = Content::Usage {
                customer: index,
                document,
                entry: position,
            };
            customer.usage.push(Arc::new(usage_item(
                placement,
                entry,
                &self.resource_base,
                fallback,
                None,
                content,
            )));
        }
        let mut dropped_links = 0;
        for (document, doc) in data.customer.iter().enumerate() {
            for (position, entry) in doc.entries().iter().enumerate() {
                let kind = entry
                    .resource()
                    .map_or(ResourceKind::Unknown, Resource::kind);
                if namespace_of(kind) != Some(Namespace::Customer) {
                    self.notes.push(format!(
                        "retail customer {sid}, customer document {}, entry {}: {kind:?} is not customer (PII) data and is not served",
                        document + 1,
                        position + 1
                    ));
                    continue;
                }
                let mut meta = entry.meta.clone();
                dropped_links += meta.links.len();
                meta.links.clear();
                customer.customer.push(Arc::new(Item {
                    kind,
                    path: String::new(),
                    collection: String::new(),
                    usage_point: None,
                    refs: Vec::new(),
                    published: date_of(meta.published.as_deref()),
                    updated: date_of(meta.updated.as_deref()),
                    interval: None,
                    meta,
                    content: Content::Customer {
                        customer: index,
                        document,
                        entry: position,
                    },
                }));
            }
        }
        if dropped_links > 0 {
            self.notes.push(format!(
                "retail customer {sid}: the customer data is served without its {dropped_links} \
                 Atom links, which name the source's paths"
            ));
        }
        customer
    }

    /// The subscription serving a retail customer's usage data. There is one per
    /// customer, whatever the number of authorizations (the sandbox registers one
    /// Third Party), and its id is the retail customer's id.
    pub fn subscription_id(&self, retail_customer_id: &str) -> Option<String> {
        self.retail_customers
            .iter()
            .find(|id| *id == retail_customer_id)
            .cloned()
    }

    /// The position of a retail customer (or of its subscription, whose id is the same).
    pub fn customer_index(&self, retail_customer_id: &str) -> Option<usize> {
        self.retail_customers
            .iter()
            .position(|id| id == retail_customer_id)
    }

    /// A customer's usage entries in serving order (document order, added data last).
    pub fn usage(&self, index: usize) -> &[Arc<Item>] {
        self.customers
            .get(index)
            .map_or(&[], |customer| &customer.usage)
    }

    /// A customer's customer (PII) entries in document order.
    pub fn customer_data(&self, index: usize) -> &[Arc<Item>] {
        self.customers
            .get(index)
            .map_or(&[], |customer| &customer.customer)
    }

    /// What loading reported: resources served outside a UsagePoint's tree, entries
    /// not served.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// Adds the entries of `document` to a retail customer's usage data, stamping
    /// `published` and `updated` with `now`.
    ///
    /// The entries are linked among themselves first; what does not link there must
    /// link to the customer's data by its Atom links, in the source's hrefs or the
    /// sandbox's: an IntervalBlock whose `up` is a MeterReading's IntervalBlock
    /// collection, a MeterReading or summary whose `up` is a UsagePoint's collection. A
    /// UsagePoint, MeterReading, ReadingType or LocalTimeParameters whose `self` names
    /// one the customer has is that one (so a client may post the whole tree with new
    /// blocks). Anything that does not link is an error, and then nothing is added.
    pub fn add(
        &mut self,
        index: usize,
        document: Document,
        now: i64,
    ) -> Result<Added, Vec<String>> {
        let Some(sid) = self.retail_customers.get(index).cloned() else {
            return Err(vec![format!(
                "there is no retail customer number {}",
                index + 1
            )]);
        };
        let entries: Vec<Entry> = match document {
            Document::Feed(feed) => feed.entries,
            Document::Entry(entry) => vec![entry],
            Document::Resource(resource) => {
                return Err(vec![format!(
                    "the document is a bare {:?}, not an Atom feed or entry",
                    resource.kind()
                )]);
            }
        };
        if entries.is_empty() {
            return Err(vec!["the document has no entries".to_owned()]);
        }
        let Some(customer) = self.customers.get_mut(index) else {
            return Err(vec![format!("retail customer {sid} has no data store")]);
        };
        // Placement works on copies, so that a refused document changes nothing.
        let mut ids = self.ids.clone();
        let mut keys = customer.keys.clone();
        let borrowed: Vec<&Entry> = entries.iter().collect();
        let (placements, problems) = Placer::new(&mut ids, &mut keys, &sid, &borrowed).place(true);
        if !problems.is_empty() {
            return Err(problems);
        }
        self.ids = ids;
        customer.keys = keys;
        let stamp = format_utc(now);
        let mut added = Added {
            entries: 0,
            data_span: None,
            others: 0,
            paths: Vec::new(),
        };
        for (placement, entry) in placements.into_iter().zip(entries) {
            let Some(placement) = placement else {
                continue;
            };
            let Entry {
                meta,
                content,
                content_attributes,
            } = entry;
            let source = Entry {
                meta,
                ..Entry::default()
            };
            let interval = data_span(&content);
            let mut item = usage_item(
                placement,
                &source,
                &self.resource_base,
                None,
                Some(&stamp),
                Content::Added {
                    content,
                    attributes: content_attributes,
                },
            );
            item.interval = interval;
            match (item.kind, interval) {
                (ResourceKind::IntervalBlock, Some((start, end))) => {
                    added.data_span = Some(match added.data_span {
                        Some((low, high)) => (low.min(start), high.max(end)),
                        None => (start, end),
                    });
                }
                _ => added.others += 1,
            }
            added.entries += 1;
            added.paths.push(item.path.clone());
            customer.usage.push(Arc::new(item));
        }
        Ok(added)
    }
}

/// The path segment of a usage resource kind; `None` for what is not usage data.
pub fn segment(kind: ResourceKind) -> Option<&'static str> {
    Some(match kind {
        ResourceKind::UsagePoint => "UsagePoint",
        ResourceKind::MeterReading => "MeterReading",
        ResourceKind::IntervalBlock => "IntervalBlock",
        ResourceKind::ReadingType => "ReadingType",
        ResourceKind::LocalTimeParameters => "LocalTimeParameters",
        ResourceKind::UsageSummary | ResourceKind::ElectricPowerUsageSummary => "UsageSummary",
        ResourceKind::ElectricPowerQualitySummary => "ElectricPowerQualitySummary",
        _ => return None,
    })
}

/// The namespace of a kind's element.
fn namespace_of(kind: ResourceKind) -> Option<Namespace> {
    ResourceKind::KNOWN
        .iter()
        .find(|(known, _, _)| *known == kind)
        .map(|(_, namespace, _)| *namespace)
}

/// The comparison form of an href: no scheme, host or trailing `/`, and relative to
/// `…/espi/1_1/resource/` when it contains that.
fn key(href: &str) -> String {
    const PREFIX: &str = "/espi/1_1/resource/";
    let path = normalize_href(href);
    match path.find(PREFIX) {
        Some(at) => path[at + PREFIX.len()..].to_owned(),
        None => path.trim_start_matches('/').to_owned(),
    }
}

/// `urn:uuid:` of the name-based (version 5) UUID of a sandbox path.
pub fn entry_id(path: &str) -> String {
    let name = format!("espi-sandbox:{path}");
    format!(
        "urn:uuid:{}",
        uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, name.as_bytes())
    )
}

/// An xs:dateTime as epoch seconds, a fraction of a second dropped.
fn date_of(text: Option<&str>) -> Option<i64> {
    XsdDateTime::parse(text?).ok().map(|at| at.seconds)
}

/// A document's own date (its feed's `published` or `updated`), for entries without one.
fn document_date(document: &Document) -> Option<String> {
    let Document::Feed(feed) = document else {
        return None;
    };
    [&feed.meta.published, &feed.meta.updated]
        .into_iter()
        .flatten()
        .find(|text| date_of(Some(text)).is_some())
        .cloned()
}

/// The `[start, end)` of the data an entry carries: an IntervalBlock's interval (or the
/// span of its readings), a summary's billing period or summary interval.
fn data_span(content: &[Resource]) -> Option<(i64, i64)> {
    let span = |interval: &Option<DateTimeInterval>| {
        let interval = interval.as_ref()?;
        Some((interval.start?, interval.end()?))
    };
    let block = match content.first()? {
        Resource::IntervalBlock(block) => block,
        Resource::UsageSummary(summary) => return span(&summary.billing_period),
        Resource::ElectricPowerUsageSummary(summary) => return span(&summary.billing_period),
        Resource::ElectricPowerQualitySummary(summary) => {
            return span(&summary.summary_interval);
        }
        _ => return None,
    };
    if let Some(interval) = &block.interval
        && let (Some(start), Some(end)) = (interval.start, interval.end())
    {
        return Some((start, end));
    }
    block
        .interval_reading
        .iter()
        .filter_map(|reading| {
            let period = reading.time_period.as_ref()?;
            Some((period.start?, period.end()?))
        })
        .reduce(|(low, high), (start, end)| (low.min(start), high.max(end)))
}

/// The served item of a placed usage entry.
fn usage_item(
    placement: Placement,
    source: &Entry,
    base: &str,
    fallback: Option<&str>,
    stamp: Option<&str>,
    content: Content,
) -> Item {
    let interval = match &content {
        Content::Added { .. } => None,
        _ => data_span(&source.content),
    };
    let valid = |text: &Option<String>| {
        text.as_deref()
            .filter(|text| date_of(Some(text)).is_some())
            .map(str::to_owned)
    };
    let source_meta = &source.meta;
    let published = stamp
        .map(str::to_owned)
        .or_else(|| valid(&source_meta.published))
        .or_else(|| valid(&source_meta.updated))
        .or_else(|| fallback.map(str::to_owned))
        .or_else(|| interval.map(|(_, end)| format_utc(end)));
    let updated = stamp
        .map(str::to_owned)
        .or_else(|| valid(&source_meta.updated))
        .or_else(|| published.clone());
    let href = |path: &str| format!("{base}/{path}");
    let mut links = vec![
        Link::new("self", &href(&placement.path)),
        Link::new("up", &href(&placement.collection)),
    ];
    links.extend(
        placement
            .related
            .iter()
            .map(|related| Link::new("related", &href(related))),
    );
    let meta = Metadata {
        attributes: source_meta
            .attributes
            .iter()
            .filter(|attribute| {
                !(attribute.name.local == "base"
                    && attribute.name.namespace.as_deref() == Some(XML_NS))
            })
            .cloned()
            .collect(),
        id: Some(entry_id(&placement.path)),
        title: Some(source_meta.title.clone().unwrap_or_default()),
        published,
        updated,
        links,
        other_elements: source_meta.other_elements.clone(),
    };
    Item {
        kind: placement.kind,
        path: placement.path,
        collection: placement.collection,
        usage_point: placement.usage_point,
        refs: placement.refs,
        published: date_of(meta.published.as_deref()),
        updated: date_of(meta.updated.as_deref()),
        interval,
        meta,
        content,
    }
}

#[cfg(test)]
mod tests;
