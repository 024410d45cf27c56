//! Placing loaded resources in the sandbox's URL space: the paths, the links between
//! them and the parents made for resources whose parent is absent ([`Placer`]).

use espi_model::link::{LinkNode, link};
use espi_model::{atom::Entry, resource::ResourceKind};
use std::collections::HashMap;

use super::{key, segment};

/// Per-kind id counters.
#[derive(Debug, Default, Clone)]
pub(super) struct Ids {
    pub(super) next: HashMap<&'static str, u64>,
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
pub(super) struct Keys {
    /// `self` of UsagePoints, MeterReadings, ReadingTypes, LocalTimeParameters.
    pub(super) selves: HashMap<String, Known>,
    /// A UsagePoint's collections → (usage point id, its path).
    pub(super) usage_point_collections: HashMap<String, (String, String)>,
    /// A MeterReading's IntervalBlock collections → (usage point id, its path).
    pub(super) meter_reading_collections: HashMap<String, (String, String)>,
    /// UsagePoints named by hierarchical hrefs but not in the data, by source key.
    pub(super) absent_usage_points: HashMap<String, (String, String)>,
    /// MeterReadings named by hierarchical hrefs but not in the data, by source key.
    pub(super) absent_meter_readings: HashMap<String, (String, String)>,
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
pub(super) struct Known {
    pub(super) kind: ResourceKind,
    pub(super) id: String,
    pub(super) path: String,
}

/// Where one entry goes.
#[derive(Debug, Clone)]
pub(super) struct Placement {
    pub(super) kind: ResourceKind,
    pub(super) id: String,
    pub(super) path: String,
    pub(super) collection: String,
    pub(super) usage_point: Option<String>,
    pub(super) refs: Vec<String>,
    pub(super) related: Vec<String>,
}

/// Places the entries of one load or one addition.
pub(super) struct Placer<'a> {
    pub(super) ids: &'a mut Ids,
    pub(super) keys: &'a mut Keys,
    pub(super) sid: &'a str,
    pub(super) entries: &'a [&'a Entry],
    pub(super) nodes: Vec<LinkNode>,
    pub(super) placed: Vec<Option<Placement>>,
    /// Placed, or found to be a resource the customer already has.
    pub(super) done: Vec<bool>,
    /// Paths of entries placed or found so far (shared resources are asked for twice).
    pub(super) paths: Vec<Option<String>>,
    pub(super) problems: Vec<String>,
}

impl<'a> Placer<'a> {
    pub(super) fn new(
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
    pub(super) fn place(mut self, strict: bool) -> (Vec<Option<Placement>>, Vec<String>) {
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
pub(super) enum OwnerMap {
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
