//! IntervalBlocks the tree could not place, grouped by what their links still tell.
//!
//! Real files link to hosts or paths that do not exist, leave out a UsagePoint's
//! MeterReading collection, or are one IntervalBlock collection on its own. Their
//! readings are still the customer's readings, so they are kept, each group with what
//! is known of it (see [`UnplacedBlocks`] for the rules). The tree itself stays exact:
//! nothing here changes it or its [`LinkProblem`](super::LinkProblem)s.

use super::{LinkNode, UsageTree, index_by_self, normalize_href};
use crate::resource::ResourceKind;
use std::collections::HashMap;

/// IntervalBlock entries that linking could not place (each is also a
/// [`LinkProblem`](super::LinkProblem)), grouped by what their links still tell
/// (indices into the entries).
///
/// - The MeterReading is the only one that a block names: one of its `related` links
///   equals the block's `up` or `self`, or the block's collection (its `up`, or the
///   parent of its `self`) is `{MeterReading self}/IntervalBlock`.
/// - The UsagePoint is that MeterReading's in the tree; for a MeterReading outside the
///   tree, the only UsagePoint with a `related` link equal to the MeterReading's `self`,
///   or whose `{self}/MeterReading` is the MeterReading's collection.
/// - The ReadingType is the MeterReading's when its `related` links reach exactly one;
///   when no MeterReading is known, the document's ReadingType if it holds only one.
/// - The LocalTimeParameters are the UsagePoint's; when no UsagePoint is known, the
///   document's if it holds only one (a Data Custodian serves them per utility).
/// - Blocks of no known MeterReading are grouped by their `up` href.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct UnplacedBlocks {
    /// The `up` href of the group's first block, as written.
    pub up_href: Option<String>,
    /// The UsagePoint entry, when known.
    pub usage_point: Option<usize>,
    /// The MeterReading entry, when known.
    pub meter_reading: Option<usize>,
    /// The ReadingType entry, when unambiguous.
    pub reading_type: Option<usize>,
    /// The LocalTimeParameters entry, when known.
    pub local_time_parameters: Option<usize>,
    /// The IntervalBlock entries in document order.
    pub interval_blocks: Vec<usize>,
}

/// Groups the IntervalBlocks among `tree.problems`.
pub(super) fn group(nodes: &[LinkNode], tree: &UsageTree) -> Vec<UnplacedBlocks> {
    let blocks: Vec<usize> = tree
        .problems
        .iter()
        .map(|problem| problem.entry)
        .filter(|&entry| nodes[entry].kind == ResourceKind::IntervalBlock)
        .collect();
    if blocks.is_empty() {
        return Vec::new();
    }
    let known = Known::new(nodes, tree);
    let mut groups: Vec<UnplacedBlocks> = Vec::new();
    let mut group_of: HashMap<GroupKey, usize> = HashMap::new();
    for block in blocks {
        let node = &nodes[block];
        let up = node.up_href.as_deref().map(normalize_href);
        let meter_reading = known.meter_reading_of(node);
        let usage_point = meter_reading.and_then(|reading| known.usage_point_of(reading));
        let reading_type = match meter_reading {
            Some(reading) => known.reading_type_of(reading),
            None => known.only_reading_type,
        };
        let local_time_parameters = match usage_point {
            Some(point) => known.local_time_of(point),
            None => known.only_local_time,
        };
        let key = GroupKey {
            meter_reading,
            up: meter_reading
                .is_none()
                .then(|| up.unwrap_or_default().to_owned()),
        };
        let position = *group_of.entry(key).or_insert_with(|| {
            groups.push(UnplacedBlocks {
                up_href: node.up_href.clone(),
                usage_point,
                meter_reading,
                reading_type,
                local_time_parameters,
                interval_blocks: Vec::new(),
            });
            groups.len() - 1
        });
        groups[position].interval_blocks.push(block);
    }
    groups
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct GroupKey {
    meter_reading: Option<usize>,
    /// The normalised `up` href, for blocks of no known MeterReading.
    up: Option<String>,
}

/// What the document and the tree say about MeterReadings and UsagePoints.
struct Known<'a> {
    nodes: &'a [LinkNode],
    self_index: HashMap<&'a str, Vec<usize>>,
    meter_readings: Vec<usize>,
    usage_points: Vec<usize>,
    /// MeterReading entry → (UsagePoint entry, ReadingType entry) in the tree.
    in_tree: HashMap<usize, (usize, Option<usize>)>,
    /// UsagePoint entry → its LocalTimeParameters entry.
    local_time: HashMap<usize, Option<usize>>,
    only_reading_type: Option<usize>,
    only_local_time: Option<usize>,
}

impl<'a> Known<'a> {
    fn new(nodes: &'a [LinkNode], tree: &UsageTree) -> Self {
        let of_kind = |kind: ResourceKind| -> Vec<usize> {
            (0..nodes.len())
                .filter(|&index| nodes[index].kind == kind)
                .collect()
        };
        let only = |list: Vec<usize>| match list.as_slice() {
            [single] => Some(*single),
            _ => None,
        };
        let mut in_tree = HashMap::new();
        let mut local_time = HashMap::new();
        for point in &tree.usage_points {
            local_time.insert(point.entry, point.local_time_parameters);
            for reading in &point.meter_readings {
                in_tree.insert(reading.entry, (point.entry, reading.reading_type));
            }
        }
        Known {
            nodes,
            self_index: index_by_self(nodes),
            meter_readings: of_kind(ResourceKind::MeterReading),
            usage_points: of_kind(ResourceKind::UsagePoint),
            in_tree,
            local_time,
            only_reading_type: only(of_kind(ResourceKind::ReadingType)),
            only_local_time: only(of_kind(ResourceKind::LocalTimeParameters)),
        }
    }

    fn normalized_self(&self, index: usize) -> Option<&'a str> {
        self.nodes[index].self_href.as_deref().map(normalize_href)
    }

    /// The only MeterReading a block names.
    fn meter_reading_of(&self, block: &LinkNode) -> Option<usize> {
        let up = block.up_href.as_deref().map(normalize_href);
        let own = block.self_href.as_deref().map(normalize_href);
        let collection = up.or_else(|| parent(own?));
        let named = self
            .meter_readings
            .iter()
            .copied()
            .filter(|&reading| self.names(reading, &[up, own], collection, "/IntervalBlock"));
        only_one(named)
    }

    /// The UsagePoint of a MeterReading: the tree's, or the only one naming it.
    fn usage_point_of(&self, reading: usize) -> Option<usize> {
        if let Some(&(point, _)) = self.in_tree.get(&reading) {
            return Some(point);
        }
        let own = self.normalized_self(reading);
        let up = self.nodes[reading].up_href.as_deref().map(normalize_href);
        let collection = up.or_else(|| parent(own?));
        let named = self
            .usage_points
            .iter()
            .copied()
            .filter(|&point| self.names(point, &[own], collection, "/MeterReading"));
        only_one(named)
    }

    /// Whether `parent` names a child: one of its `related` links is one of the
    /// child's `hrefs`, or the child's `collection` is `{parent self}{segment}`.
    fn names(
        &self,
        parent: usize,
        hrefs: &[Option<&str>],
        collection: Option<&str>,
        segment: &str,
    ) -> bool {
        let by_link = self.nodes[parent]
            .related
            .iter()
            .map(|href| Some(normalize_href(href)))
            .any(|href| href.is_some() && hrefs.contains(&href));
        let by_path = match (self.normalized_self(parent), collection) {
            (Some(parent_self), Some(collection)) => {
                collection.strip_suffix(segment) == Some(parent_self)
            }
            _ => false,
        };
        by_link || by_path
    }

    /// The ReadingType of a MeterReading: the tree's, or the only one its links reach.
    fn reading_type_of(&self, reading: usize) -> Option<usize> {
        if let Some(&(_, reading_type)) = self.in_tree.get(&reading) {
            return reading_type;
        }
        let reached = self.nodes[reading]
            .related
            .iter()
            .filter_map(|href| self.self_index.get(normalize_href(href)))
            .flatten()
            .copied()
            .filter(|&target| self.nodes[target].kind == ResourceKind::ReadingType);
        only_one(reached)
    }

    fn local_time_of(&self, point: usize) -> Option<usize> {
        self.local_time.get(&point).copied().flatten()
    }
}

/// The href without its last segment.
fn parent(href: &str) -> Option<&str> {
    href.rsplit_once('/').map(|(parent, _)| parent)
}

/// The single distinct value, if there is exactly one.
fn only_one(values: impl Iterator<Item = usize>) -> Option<usize> {
    let mut found = None;
    for value in values {
        match found {
            None => found = Some(value),
            Some(seen) if seen == value => {}
            Some(_) => return None,
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::super::{link, test_node as node};
    use super::*;

    fn block(self_href: &str, up: &str) -> LinkNode {
        node(ResourceKind::IntervalBlock, self_href, Some(up), &[])
    }

    #[test]
    fn a_lone_block_takes_the_documents_only_reading_type_and_local_time() {
        let nodes = [
            node(ResourceKind::ReadingType, "/ReadingType/1", None, &[]),
            node(
                ResourceKind::LocalTimeParameters,
                "/LocalTimeParameters/1",
                None,
                &[],
            ),
            block(
                "/MeterReading/9/IntervalBlock/1",
                "/MeterReading/9/IntervalBlock",
            ),
        ];
        let tree = link(&nodes);
        assert_eq!(tree.problems.len(), 1);
        assert_eq!(
            tree.unplaced,
            vec![UnplacedBlocks {
                up_href: Some("/MeterReading/9/IntervalBlock".into()),
                usage_point: None,
                meter_reading: None,
                reading_type: Some(0),
                local_time_parameters: Some(1),
                interval_blocks: vec![2],
            }]
        );
    }

    #[test]
    fn two_reading_types_and_no_meter_reading_leave_the_unit_unknown() {
        let nodes = [
            node(ResourceKind::ReadingType, "/ReadingType/1", None, &[]),
            node(ResourceKind::ReadingType, "/ReadingType/2", None, &[]),
            block("/a/IntervalBlock/1", "/a/IntervalBlock"),
            block("/b/IntervalBlock/1", "/b/IntervalBlock"),
            block("/a/IntervalBlock/2", "/a/IntervalBlock/"),
        ];
        let tree = link(&nodes);
        let groups: Vec<(Option<usize>, Vec<usize>)> = tree
            .unplaced
            .iter()
            .map(|group| (group.reading_type, group.interval_blocks.clone()))
            .collect();
        // Grouped by `up` (compared as hrefs are), the ReadingType ambiguous.
        assert_eq!(groups, vec![(None, vec![2, 4]), (None, vec![3])]);
    }

    #[test]
    fn a_meter_reading_under_a_usage_point_by_its_hrefs_places_its_blocks() {
        // No related links at all: the hierarchy of hrefs still names both parents.
        let nodes = [
            node(
                ResourceKind::UsagePoint,
                "https://x/UsagePoint/1",
                None,
                &[],
            ),
            node(
                ResourceKind::MeterReading,
                "https://y/UsagePoint/1/MeterReading/1",
                Some("/UsagePoint/1/MeterReading"),
                &["/ReadingType/1"],
            ),
            node(ResourceKind::ReadingType, "/ReadingType/1", None, &[]),
            node(ResourceKind::ReadingType, "/ReadingType/2", None, &[]),
            block(
                "/UsagePoint/1/MeterReading/1/IntervalBlock/1",
                "/UsagePoint/1/MeterReading/1/IntervalBlock",
            ),
        ];
        let tree = link(&nodes);
        let group = &tree.unplaced[0];
        assert_eq!(
            (group.usage_point, group.meter_reading, group.reading_type),
            (Some(0), Some(1), Some(2))
        );
        assert_eq!(group.local_time_parameters, None);
    }

    #[test]
    fn a_block_named_by_two_meter_readings_belongs_to_neither() {
        let nodes = [
            node(
                ResourceKind::MeterReading,
                "/MeterReading/1",
                None,
                &["/blocks"],
            ),
            node(
                ResourceKind::MeterReading,
                "/MeterReading/2",
                None,
                &["/blocks"],
            ),
            block("/blocks/1", "/blocks"),
        ];
        let tree = link(&nodes);
        assert_eq!(tree.unplaced[0].meter_reading, None);
    }
}
