//! The retail customers' data in the sandbox's URL space.
//!
//! Loading links all usage documents of a customer together (the rules of
//! [`espi_model::link`], over the entries of every document, so a tree split across
//! files still links) and places every resource in the sandbox's URL space
//! (espi-reference §1.1), with the customer's subscription id (= retail customer id):
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
use espi_model::link::{LinkNode, link, normalize_href};
use espi_model::raw::RawAttribute;
use espi_model::resource::Namespace;
use espi_model::{Document, Entry, Resource, ResourceKind};
use std::collections::HashMap;
use std::sync::Arc;

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

/// Per-kind id counters.
#[derive(Debug, Default, Clone)]
struct Ids {
    next: HashMap<&'static str, u64>,
}

impl Ids {
    fn next(&mut self, segment: &'static str) -> String {
        let counter = self.next.entry(segment).or_insert(0);
        *counter += 1;
        counter.to_string()
    }
}

/// The hrefs (as [`key`]s) that a customer's data answers to, source and sandbox forms.
#[derive(Debug, Default, Clone)]
struct Keys {
    /// `self` of UsagePoints, MeterReadings, ReadingTypes, LocalTimeParameters.
    selves: HashMap<String, Known>,
    /// A UsagePoint's collections → (usage point id, its path).
    usage_point_collections: HashMap<String, (String, String)>,
    /// A MeterReading's IntervalBlock collections → (usage point id, its path).
    meter_reading_collections: HashMap<String, (String, String)>,
    /// UsagePoints named by hierarchical hrefs but not in the data, by source key.
    absent_usage_points: HashMap<String, (String, String)>,
    /// MeterReadings named by hierarchical hrefs but not in the data, by source key.
    absent_meter_readings: HashMap<String, (String, String)>,
}

impl Keys {
    /// The collection → owner map of `map`.
    fn owners(&self, map: OwnerMap) -> &HashMap<String, (String, String)> {
        match map {
            OwnerMap::UsagePoint => &self.usage_point_collections,
            OwnerMap::MeterReading => &self.meter_reading_collections,
        }
    }

    fn owners_mut(&mut self, map: OwnerMap) -> &mut HashMap<String, (String, String)> {
        match map {
            OwnerMap::UsagePoint => &mut self.usage_point_collections,
            OwnerMap::MeterReading => &mut self.meter_reading_collections,
        }
    }
}

#[derive(Debug, Clone)]
struct Known {
    kind: ResourceKind,
    id: String,
    path: String,
}

/// Where one entry goes.
#[derive(Debug, Clone)]
struct Placement {
    kind: ResourceKind,
    id: String,
    path: String,
    collection: String,
    usage_point: Option<String>,
    refs: Vec<String>,
    related: Vec<String>,
}

/// Places the entries of one load or one addition.
struct Placer<'a> {
    ids: &'a mut Ids,
    keys: &'a mut Keys,
    sid: &'a str,
    entries: &'a [&'a Entry],
    nodes: Vec<LinkNode>,
    placed: Vec<Option<Placement>>,
    /// Placed, or found to be a resource the customer already has.
    done: Vec<bool>,
    /// Paths of entries placed or found so far (shared resources are asked for twice).
    paths: Vec<Option<String>>,
    problems: Vec<String>,
}

impl<'a> Placer<'a> {
    fn new(
        ids: &'a mut Ids,
        keys: &'a mut Keys,
        sid: &'a str,
        entries: &'a [&'a Entry],
    ) -> Placer<'a> {
        let count = entries.len();
        Placer {
            ids,
            keys,
            sid,
            entries,
            nodes: entries
                .iter()
                .map(|entry| LinkNode::from_entry(entry))
                .collect(),
            placed: vec![None; count],
            done: vec![false; count],
            paths: vec![None; count],
            problems: Vec::new(),
        }
    }

    /// Places every entry. `strict`: anything that does not link is a problem and is
    /// not placed; otherwise it is placed under a root path and noted.
    fn place(mut self, strict: bool) -> (Vec<Option<Placement>>, Vec<String>) {
        let tree = link(&self.nodes);
        for point in &tree.usage_points {
            let time = point.local_time_parameters.map(|index| self.shared(index));
            let (upid, up_path) = self.usage_point(point.entry, time);
            for reading in &point.meter_readings {
                let reading_type = reading.reading_type.map(|index| self.shared(index));
                let mr_path = self.meter_reading(reading.entry, &upid, &up_path, reading_type);
                for &block in &reading.interval_blocks {
                    self.child(block, &upid, &mr_path);
                }
            }
            for &summary in point.usage_summaries.iter().chain(&point.quality_summaries) {
                self.child(summary, &upid, &up_path);
            }
        }
        // What did not link among the entries may link to data placed before; parents
        // first, so that blocks find MeterReadings placed here.
        let order = [
            ResourceKind::MeterReading,
            ResourceKind::UsageSummary,
            ResourceKind::ElectricPowerUsageSummary,
            ResourceKind::ElectricPowerQualitySummary,
            ResourceKind::IntervalBlock,
            ResourceKind::ReadingType,
            ResourceKind::LocalTimeParameters,
        ];
        for kind in order {
            for index in 0..self.entries.len() {
                if !self.done[index] && self.nodes[index].kind == kind {
                    self.leftover(index, strict);
                }
            }
        }
        for index in 0..self.entries.len() {
            if !self.done[index] {
                let kind = self.nodes[index].kind;
                self.problems.push(format!(
                    "entry {} ({kind:?} {}) is not usage data and is not served",
                    index + 1,
                    self.self_href(index)
                ));
            }
        }
        (self.placed, self.problems)
    }

    fn self_href(&self, index: usize) -> &str {
        self.nodes[index]
            .self_href
            .as_deref()
            .unwrap_or("without a self link")
    }

    /// An entry left out of the tree: linked to earlier data, or an orphan.
    fn leftover(&mut self, index: usize, strict: bool) {
        let kind = self.nodes[index].kind;
        let map = match kind {
            ResourceKind::ReadingType | ResourceKind::LocalTimeParameters => {
                self.shared(index);
                return;
            }
            ResourceKind::IntervalBlock => OwnerMap::MeterReading,
            _ => OwnerMap::UsagePoint,
        };
        let parent = match map {
            OwnerMap::MeterReading => "MeterReading",
            OwnerMap::UsagePoint => "UsagePoint",
        };
        let owner = match self.owner(index, map) {
            Some(owner) => owner,
            None if strict => {
                let up = self.nodes[index].up_href.as_deref().unwrap_or("-");
                self.problems.push(format!(
                    "{kind:?} {} (up {up}) links to no {parent} of this customer",
                    self.self_href(index),
                ));
                self.done[index] = true;
                return;
            }
            // Placed by its hierarchical hrefs under a parent that is not in the
            // data, so that every link it is served with resolves.
            None => {
                let named = self.named_parent(index, map);
                match map {
                    OwnerMap::MeterReading => self.absent_meter_reading(named),
                    OwnerMap::UsagePoint => self.absent_usage_point(named),
                }
            }
        };
        if kind == ResourceKind::MeterReading {
            let reading_type = self.reading_type_of(index);
            self.meter_reading(index, &owner.0, &owner.1, reading_type);
        } else {
            self.child(index, &owner.0, &owner.1);
        }
        let absent = match map {
            OwnerMap::MeterReading => &self.keys.absent_meter_readings,
            OwnerMap::UsagePoint => &self.keys.absent_usage_points,
        };
        if absent.values().any(|absent| absent.1 == owner.1)
            && let Some(path) = &self.paths[index]
        {
            self.problems.push(format!(
                "{kind:?} {} (up {}) is served as {path}: its {parent} is not in the data",
                self.self_href(index),
                self.nodes[index].up_href.as_deref().unwrap_or("-"),
            ));
        }
    }

    /// The parent an entry's hierarchical hrefs name, as a [`key`]: its `up` without
    /// the collection segment, or else its `self` without the collection segment and
    /// its id.
    fn named_parent(&self, index: usize, map: OwnerMap) -> Option<String> {
        let node = &self.nodes[index];
        node.up_href
            .as_deref()
            .and_then(|up| parent_of_collection(&key(up), map.collections()))
            .or_else(|| parent_of_member(&self.source_self(index)?, map.collections()))
    }

    /// The owner of an entry left out of the tree: its `up` (or the parent of its
    /// `self`) is a known collection.
    fn owner(&self, index: usize, map: OwnerMap) -> Option<(String, String)> {
        let map = self.keys.owners(map);
        let node = &self.nodes[index];
        if let Some(owner) = node.up_href.as_deref().and_then(|up| map.get(&key(up))) {
            return Some(owner.clone());
        }
        let own = key(node.self_href.as_deref()?);
        let (parent, _) = own.rsplit_once('/')?;
        map.get(parent).cloned()
    }

    /// The ReadingType a MeterReading outside the tree links to: one of these entries,
    /// or one the customer has.
    fn reading_type_of(&mut self, index: usize) -> Option<String> {
        let related: Vec<String> = self.nodes[index]
            .related
            .iter()
            .map(|href| key(href))
            .collect();
        for wanted in &related {
            let local = (0..self.nodes.len()).find(|&other| {
                self.nodes[other].kind == ResourceKind::ReadingType
                    && self.nodes[other].self_href.as_deref().map(key).as_deref() == Some(wanted)
            });
            if let Some(other) = local {
                return Some(self.shared(other));
            }
            if let Some(known) = self.keys.selves.get(wanted)
                && known.kind == ResourceKind::ReadingType
            {
                return Some(known.path.clone());
            }
        }
        None
    }

    /// A resource the customer already has, by this entry's `self`.
    fn existing(&self, index: usize) -> Option<Known> {
        let node = &self.nodes[index];
        let known = self.keys.selves.get(&key(node.self_href.as_deref()?))?;
        (known.kind == node.kind).then(|| known.clone())
    }

    fn remember_self(&mut self, index: usize, placement: &Placement) {
        let known = Known {
            kind: placement.kind,
            id: placement.id.clone(),
            path: placement.path.clone(),
        };
        if let Some(href) = self.nodes[index].self_href.as_deref() {
            self.keys
                .selves
                .entry(key(href))
                .or_insert_with(|| known.clone());
        }
        self.keys
            .selves
            .entry(placement.path.clone())
            .or_insert(known);
    }

    fn put(&mut self, index: usize, placement: Placement) {
        self.done[index] = true;
        self.paths[index] = Some(placement.path.clone());
        self.placed[index] = Some(placement);
    }

    /// A ReadingType or LocalTimeParameters: placed once, at the root.
    fn shared(&mut self, index: usize) -> String {
        if let Some(path) = &self.paths[index] {
            return path.clone();
        }
        if let Some(known) = self.existing(index) {
            self.done[index] = true;
            self.paths[index] = Some(known.path.clone());
            return known.path;
        }
        let kind = self.nodes[index].kind;
        let segment = segment(kind).unwrap_or("ReadingType");
        let id = self.ids.next(segment);
        let placement = Placement {
            kind,
            path: format!("{segment}/{id}"),
            id,
            collection: segment.to_owned(),
            usage_point: None,
            refs: Vec::new(),
            related: Vec::new(),
        };
        self.remember_self(index, &placement);
        let path = placement.path.clone();
        self.put(index, placement);
        path
    }

    fn usage_point(&mut self, index: usize, time: Option<String>) -> (String, String) {
        let node_related: Vec<String> = self.nodes[index]
            .related
            .iter()
            .map(|href| key(href))
            .collect();
        let (id, path) = match self.existing(index) {
            Some(known) => {
                self.done[index] = true;
                self.paths[index] = Some(known.path.clone());
                (known.id, known.path)
            }
            None => {
                let id = self.ids.next("UsagePoint");
                let path = format!("Subscription/{}/UsagePoint/{id}", self.sid);
                let mut related: Vec<String> = [
                    "MeterReading",
                    "UsageSummary",
                    "ElectricPowerQualitySummary",
                ]
                .iter()
                .map(|collection| format!("{path}/{collection}"))
                .collect();
                related.extend(time.clone());
                let placement = Placement {
                    kind: ResourceKind::UsagePoint,
                    id: id.clone(),
                    path: path.clone(),
                    collection: format!("Subscription/{}/UsagePoint", self.sid),
                    usage_point: Some(id.clone()),
                    refs: time.into_iter().collect(),
                    related,
                };
                self.remember_self(index, &placement);
                self.put(index, placement);
                (id, path)
            }
        };
        let parents = [Some(path.clone()), self.source_self(index)];
        self.remember_collections(
            OwnerMap::UsagePoint,
            node_related,
            parents,
            (id.clone(), path.clone()),
        );
        (id, path)
    }

    fn meter_reading(
        &mut self,
        index: usize,
        upid: &str,
        up_path: &str,
        reading_type: Option<String>,
    ) -> String {
        let node_related: Vec<String> = self.nodes[index]
            .related
            .iter()
            .map(|href| key(href))
            .collect();
        let path = match self.existing(index) {
            Some(known) => {
                self.done[index] = true;
                self.paths[index] = Some(known.path.clone());
                known.path
            }
            None => {
                let id = self.ids.next("MeterReading");
                let path = format!("{up_path}/MeterReading/{id}");
                let mut related = vec![format!("{path}/IntervalBlock")];
                related.extend(reading_type.clone());
                let placement = Placement {
                    kind: ResourceKind::MeterReading,
                    id,
                    path: path.clone(),
                    collection: format!("{up_path}/MeterReading"),
                    usage_point: Some(upid.to_owned()),
                    refs: reading_type.into_iter().collect(),
                    related,
                };
                self.remember_self(index, &placement);
                self.put(index, placement);
                path
            }
        };
        let parents = [Some(path.clone()), self.source_self(index)];
        self.remember_collections(
            OwnerMap::MeterReading,
            node_related,
            parents,
            (upid.to_owned(), path.clone()),
        );
        path
    }

    /// An entry's own `self`, as a [`key`].
    fn source_self(&self, index: usize) -> Option<String> {
        self.nodes[index].self_href.as_deref().map(key)
    }

    /// Records the hrefs that name a UsagePoint's or a MeterReading's collections as
    /// belonging to `owner` (usage point id, path): the `related` links of its entry,
    /// and the collection segments under each of `parents` — its sandbox path and
    /// its source `self`, the hierarchical href its children's `up` links extend. A
    /// href that is the `self` of a resource is no collection.
    fn remember_collections(
        &mut self,
        map: OwnerMap,
        related: Vec<String>,
        parents: [Option<String>; 2],
        owner: (String, String),
    ) {
        let segments = map.collections();
        let hierarchical = parents.into_iter().flatten().flat_map(|parent| {
            segments
                .iter()
                .map(move |segment| format!("{parent}/{segment}"))
        });
        for collection in related.into_iter().chain(hierarchical) {
            if !self.keys.selves.contains_key(&collection) {
                self.keys
                    .owners_mut(map)
                    .entry(collection)
                    .or_insert_with(|| owner.clone());
            }
        }
    }

    /// A UsagePoint that is not in the data but that entries name by their
    /// hierarchical hrefs (`source`, a [`key`]; `None` when nothing names it): it gets
    /// a sandbox path once, which every entry naming it shares. It is not served
    /// itself; its collections are.
    fn absent_usage_point(&mut self, source: Option<String>) -> (String, String) {
        let name = source.clone().unwrap_or_default();
        if let Some(known) = self.keys.absent_usage_points.get(&name) {
            return known.clone();
        }
        let id = self.ids.next("UsagePoint");
        let path = format!("Subscription/{}/UsagePoint/{id}", self.sid);
        let owner = (id, path.clone());
        self.keys.absent_usage_points.insert(name, owner.clone());
        self.remember_collections(
            OwnerMap::UsagePoint,
            Vec::new(),
            [Some(path), source],
            owner.clone(),
        );
        owner
    }

    /// A MeterReading that is not in the data (see
    /// [`absent_usage_point`](Self::absent_usage_point)), under the UsagePoint its own
    /// href names.
    fn absent_meter_reading(&mut self, source: Option<String>) -> (String, String) {
        let name = source.clone().unwrap_or_default();
        if let Some(known) = self.keys.absent_meter_readings.get(&name) {
            return known.clone();
        }
        let point = source
            .as_deref()
            .and_then(|source| parent_of_member(source, OwnerMap::UsagePoint.collections()));
        let (upid, up_path) = self.absent_usage_point(point);
        let id = self.ids.next("MeterReading");
        let path = format!("{up_path}/MeterReading/{id}");
        let owner = (upid, path.clone());
        self.keys.absent_meter_readings.insert(name, owner.clone());
        self.remember_collections(
            OwnerMap::MeterReading,
            Vec::new(),
            [Some(path), source],
            owner.clone(),
        );
        owner
    }

    /// An IntervalBlock under a MeterReading, or a summary under a UsagePoint.
    fn child(&mut self, index: usize, upid: &str, parent: &str) {
        if self.done[index] {
            return;
        }
        let kind = self.nodes[index].kind;
        let Some(segment) = segment(kind) else {
            return;
        };
        let id = self.ids.next(segment);
        let collection = format!("{parent}/{segment}");
        self.put(
            index,
            Placement {
                kind,
                path: format!("{collection}/{id}"),
                id,
                collection,
                usage_point: Some(upid.to_owned()),
                refs: Vec::new(),
                related: Vec::new(),
            },
        );
    }
}

/// The owners of collections: UsagePoints (MeterReading and summary collections) or
/// MeterReadings (IntervalBlock collections).
#[derive(Debug, Clone, Copy)]
enum OwnerMap {
    UsagePoint,
    MeterReading,
}

impl OwnerMap {
    /// The collection segments under an owner, as source files name them.
    fn collections(self) -> &'static [&'static str] {
        match self {
            OwnerMap::UsagePoint => &[
                "MeterReading",
                "UsageSummary",
                "ElectricPowerUsageSummary",
                "ElectricPowerQualitySummary",
            ],
            OwnerMap::MeterReading => &["IntervalBlock"],
        }
    }
}

/// The parent a member href `…/{parent}/{segment}/{id}` names, for a `segment` of
/// `collections`.
fn parent_of_member(member: &str, collections: &[&str]) -> Option<String> {
    let (collection, _id) = member.rsplit_once('/')?;
    parent_of_collection(collection, collections)
}

/// The parent a collection href `…/{parent}/{segment}` names, for a `segment` of
/// `collections`.
fn parent_of_collection(collection: &str, collections: &[&str]) -> Option<String> {
    let (parent, segment) = collection.rsplit_once('/')?;
    (collections.contains(&segment) && !parent.is_empty()).then(|| parent.to_owned())
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
mod tests {
    use super::*;

    fn customer(xml: &[u8]) -> CustomerData {
        CustomerData {
            usage: vec![espi_xml::read_document(xml).unwrap().document],
            customer: Vec::new(),
        }
    }

    const THREE: &[u8] =
        include_bytes!("../../testdata/samples/gba-cmd-test/threeusagepointsonecustomer.xml");

    #[test]
    fn places_every_resource_of_a_linked_feed() {
        let store = DataStore::load(
            &[customer(THREE)],
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
        const BLOCK: &[u8] =
            include_bytes!("../../testdata/samples/gba-cmd-test/interval_block_1.xml");
        let store = DataStore::load(&[customer(BLOCK)], "http://h/r");
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
        const BURLINGTON: &[u8] =
            include_bytes!("../../testdata/samples/burlington-hydro/usage_60min.xml");
        let store = DataStore::load(&[customer(BURLINGTON)], "http://h/r");
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
        const PII: &[u8] =
            include_bytes!("../../testdata/samples/peter279k/retail_customer_data.xml");
        let data = CustomerData {
            usage: Vec::new(),
            customer: vec![espi_xml::read_document(PII).unwrap().document],
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
        let mut store = DataStore::load(
            &[customer(THREE)],
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
        let sandbox =
            format!("http://other:1/DataCustodian/espi/1_1/resource/{reading}/IntervalBlock");
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

        let document = espi_xml::read_document(
            block("https://nowhere/MeterReading/7/IntervalBlock").as_bytes(),
        )
        .unwrap()
        .document;
        let problems = store.add(0, document, 1_400_000_000).unwrap_err();
        assert!(
            problems[0].contains("links to no MeterReading"),
            "{problems:?}"
        );
        assert_eq!(store.usage(0).len(), before + 2);
    }
}
