//! Linking: the UsagePoint → MeterReading → (ReadingType, IntervalBlock) tree that a
//! feed describes only through its Atom `self`, `up` and `related` links.
//!
//! The rules (the same as the independent oracle of `expected.json`):
//! - hrefs are compared without scheme and host and without a trailing `/`, so
//!   absolute and relative forms, other hosts and trailing slashes all match;
//! - a UsagePoint's `related` collection link (…/MeterReading, …/UsageSummary, …) owns
//!   the resources whose `up` link equals it, or whose `self` lies under it;
//! - a UsagePoint's `related` link equal to a LocalTimeParameters `self` links it;
//! - a MeterReading's `related` links must hit exactly one ReadingType `self`;
//! - an IntervalBlock belongs to the MeterReading with a `related` link equal to its `up`.
//!
//! Nothing is guessed in the tree: a MeterReading or IntervalBlock that cannot be
//! placed is a [`LinkProblem`], and any other usage resource left outside the tree is
//! listed in [`UsageTree::unlinked`]. The readings of IntervalBlocks the tree could not
//! place are not dropped: [`UsageTree::unplaced`] groups them with what their links
//! still tell (their MeterReading, ReadingType and UsagePoint when known; see
//! [`UnplacedBlocks`]).

use crate::atom::Entry;
use crate::resource::ResourceKind;
use std::collections::HashMap;
use std::fmt;

mod unplaced;

pub use unplaced::UnplacedBlocks;

/// The links of one entry that linking needs.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LinkNode {
    /// The kind of the entry's first resource.
    pub kind: ResourceKind,
    /// The `self` href as written.
    pub self_href: Option<String>,
    /// The `up` href as written.
    pub up_href: Option<String>,
    /// The `related` hrefs as written.
    pub related: Vec<String>,
}

impl LinkNode {
    /// The link node of an entry.
    pub fn from_entry(entry: &Entry) -> Self {
        LinkNode {
            kind: entry
                .resource()
                .map_or(ResourceKind::Unknown, |resource| resource.kind()),
            self_href: entry.meta.self_href().map(str::to_owned),
            up_href: entry.meta.up_href().map(str::to_owned),
            related: entry
                .meta
                .links_with_rel("related")
                .map(str::to_owned)
                .collect(),
        }
    }
}

/// A node built by hand, for the linking tests.
#[cfg(test)]
pub(crate) fn test_node(
    kind: ResourceKind,
    self_href: &str,
    up: Option<&str>,
    related: &[&str],
) -> LinkNode {
    LinkNode {
        kind,
        self_href: Some(self_href.to_owned()),
        up_href: up.map(str::to_owned),
        related: related.iter().map(|href| (*href).to_owned()).collect(),
    }
}

/// The comparison form of an href: no scheme and host, no trailing `/`.
///
/// ```
/// use espi_model::link::normalize_href;
/// assert_eq!(normalize_href("https://a.example/espi/1_1/resource/UsagePoint/1/"), "/espi/1_1/resource/UsagePoint/1");
/// assert_eq!(normalize_href("UsagePoint/1"), "UsagePoint/1");
/// ```
pub fn normalize_href(href: &str) -> &str {
    let href = href.trim();
    let without_fragment = href.split_once('#').map_or(href, |(before, _)| before);
    // RFC 3986: an absolute URI starts with `scheme:`; `//authority` follows in URLs.
    let rest = match scheme_length(without_fragment) {
        Some(length) => &without_fragment[length + 1..],
        None => without_fragment,
    };
    let path = match rest.strip_prefix("//") {
        Some(authority_and_path) => authority_and_path
            .find(['/', '?'])
            .map_or("", |end| &authority_and_path[end..]),
        None => rest,
    };
    path.trim_end_matches('/')
}

/// The length of the URI scheme at the start of `href`, if it has one.
fn scheme_length(href: &str) -> Option<usize> {
    let colon = href.find(':')?;
    let scheme = &href[..colon];
    let mut chars = scheme.chars();
    let valid = chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some(colon)
}

#[cfg(test)]
mod href_tests {
    use super::normalize_href;

    #[test]
    fn hrefs_compare_without_scheme_host_fragment_and_trailing_slash() {
        let cases = [
            ("https://a.example/espi/UsagePoint/1/", "/espi/UsagePoint/1"),
            (
                "http://a.example:8080/espi/UsagePoint/1",
                "/espi/UsagePoint/1",
            ),
            ("//a.example/espi/x", "/espi/x"),
            ("/a?next=http://x/y", "/a?next=http://x/y"),
            ("https://host", ""),
            ("https://host?q=1", "?q=1"),
            ("UsagePoint/1#top", "UsagePoint/1"),
            (
                "RetailCustomer/9b6c7063/UsagePoint/01",
                "RetailCustomer/9b6c7063/UsagePoint/01",
            ),
            ("urn:uuid:1234", "uuid:1234"),
        ];
        for (href, expected) in cases {
            assert_eq!(normalize_href(href), expected, "{href}");
        }
    }
}

/// A MeterReading with its ReadingType and IntervalBlocks (indices into the entries).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MeterReadingLinks {
    /// The MeterReading entry.
    pub entry: usize,
    /// Its ReadingType entry.
    pub reading_type: Option<usize>,
    /// Its IntervalBlock entries in document order.
    pub interval_blocks: Vec<usize>,
}

/// A UsagePoint with everything linked to it (indices into the entries).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct UsagePointLinks {
    /// The UsagePoint entry.
    pub entry: usize,
    /// Its MeterReadings in document order.
    pub meter_readings: Vec<MeterReadingLinks>,
    /// Its LocalTimeParameters entry.
    pub local_time_parameters: Option<usize>,
    /// Its UsageSummary and ElectricPowerUsageSummary entries.
    pub usage_summaries: Vec<usize>,
    /// Its ElectricPowerQualitySummary entries.
    pub quality_summaries: Vec<usize>,
}

/// A link that did not resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LinkProblem {
    /// The entry whose links did not resolve.
    pub entry: usize,
    /// The kind of resource the link should have reached (for a link that reached
    /// several, the kind it reached more than once).
    pub target: ResourceKind,
    /// What went wrong, naming the hrefs.
    pub message: String,
}

impl LinkProblem {
    /// The problem of an IntervalBlock entry (`entry`) whose `up` href matches no
    /// MeterReading's `related` link; it names the block by its `self` href.
    ///
    /// ```
    /// use espi_model::link::LinkProblem;
    /// let problem = LinkProblem::unplaced_block(4, Some("/IntervalBlock/1"), None);
    /// assert_eq!(
    ///     problem.to_string(),
    ///     "entry 5: IntervalBlock /IntervalBlock/1 (up -) matches no MeterReading related link"
    /// );
    /// ```
    pub fn unplaced_block(entry: usize, self_href: Option<&str>, up_href: Option<&str>) -> Self {
        LinkProblem {
            entry,
            target: ResourceKind::MeterReading,
            message: format!(
                "IntervalBlock {} (up {}) matches no MeterReading related link",
                self_href.unwrap_or("-"),
                up_href.unwrap_or("-"),
            ),
        }
    }
}

/// `entry 5: IntervalBlock … matches no MeterReading related link`, counting entries
/// from 1 in document order (`entry` + 1).
impl fmt::Display for LinkProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "entry {}: {}", self.entry + 1, self.message)
    }
}

/// The result of linking a feed's entries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct UsageTree {
    /// UsagePoints in document order.
    pub usage_points: Vec<UsagePointLinks>,
    /// MeterReadings and IntervalBlocks that could not be placed.
    pub problems: Vec<LinkProblem>,
    /// Other usage resources (ReadingTypes, summaries, LocalTimeParameters) left
    /// outside the tree, with the reason.
    pub unlinked: Vec<LinkProblem>,
    /// The IntervalBlocks among `problems`, grouped with what their links still tell,
    /// so that their readings are not lost.
    pub unplaced: Vec<UnplacedBlocks>,
}

/// Links entries (see the module documentation for the rules).
pub fn link_entries(entries: &[Entry]) -> UsageTree {
    let nodes: Vec<LinkNode> = entries.iter().map(LinkNode::from_entry).collect();
    link(&nodes)
}

/// Links nodes; indices in the result refer to `nodes`.
pub fn link(nodes: &[LinkNode]) -> UsageTree {
    let mut tree = UsageTree::default();
    let self_index = index_by_self(nodes);

    // UsagePoint → collections and LocalTimeParameters.
    let mut owner_of_collection: HashMap<&str, usize> = HashMap::new();
    for (index, node) in nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.kind == ResourceKind::UsagePoint)
    {
        let position = tree.usage_points.len();
        let mut point = UsagePointLinks {
            entry: index,
            ..UsagePointLinks::default()
        };
        for related in &node.related {
            let related = normalize_href(related);
            let time_parameters = self_index.get(related).and_then(|targets| {
                targets
                    .iter()
                    .find(|&&target| nodes[target].kind == ResourceKind::LocalTimeParameters)
            });
            if let (Some(&target), None) = (time_parameters, point.local_time_parameters) {
                point.local_time_parameters = Some(target);
                continue;
            }
            owner_of_collection.entry(related).or_insert(position);
        }
        tree.usage_points.push(point);
    }

    // MeterReadings and summaries into their UsagePoint; ReadingTypes into MeterReadings.
    let mut reading_type_used = vec![false; nodes.len()];
    let mut meter_reading_of_collection: HashMap<&str, (usize, usize)> = HashMap::new();
    for (index, node) in nodes.iter().enumerate() {
        let kind = node.kind;
        if !matches!(
            kind,
            ResourceKind::MeterReading
                | ResourceKind::UsageSummary
                | ResourceKind::ElectricPowerUsageSummary
                | ResourceKind::ElectricPowerQualitySummary
        ) {
            continue;
        }
        let Some(position) = find_owner(node, &owner_of_collection) else {
            let message = format!(
                "{kind:?} {} (up {}) matches no UsagePoint {} collection",
                node.self_href.as_deref().unwrap_or("-"),
                node.up_href.as_deref().unwrap_or("-"),
                collection_name(kind),
            );
            let list = if kind == ResourceKind::MeterReading {
                &mut tree.problems
            } else {
                &mut tree.unlinked
            };
            list.push(LinkProblem {
                entry: index,
                target: ResourceKind::UsagePoint,
                message,
            });
            continue;
        };
        let point = &mut tree.usage_points[position];
        match kind {
            ResourceKind::MeterReading => {
                let reading_types: Vec<usize> = node
                    .related
                    .iter()
                    .filter_map(|href| self_index.get(normalize_href(href)))
                    .flatten()
                    .copied()
                    .filter(|&target| nodes[target].kind == ResourceKind::ReadingType)
                    .collect();
                // Two links to the same ReadingType are still one ReadingType.
                let mut reading_types = reading_types;
                reading_types.sort_unstable();
                reading_types.dedup();
                let reading_type = match reading_types.as_slice() {
                    [single] => Some(*single),
                    [] => {
                        tree.problems.push(LinkProblem {
                            entry: index,
                            target: ResourceKind::ReadingType,
                            message: format!(
                                "MeterReading {}: no related link matches a ReadingType self href",
                                node.self_href.as_deref().unwrap_or("-")
                            ),
                        });
                        None
                    }
                    many => {
                        tree.problems.push(LinkProblem {
                            entry: index,
                            target: ResourceKind::ReadingType,
                            message: format!(
                                "MeterReading {}: related links match {} ReadingType entries",
                                node.self_href.as_deref().unwrap_or("-"),
                                many.len()
                            ),
                        });
                        None
                    }
                };
                if let Some(target) = reading_type {
                    reading_type_used[target] = true;
                }
                let reading_position = point.meter_readings.len();
                for related in &node.related {
                    let related = normalize_href(related);
                    let is_reading_type = self_index.get(related).is_some_and(|targets| {
                        targets
                            .iter()
                            .any(|&target| nodes[target].kind == ResourceKind::ReadingType)
                    });
                    if !is_reading_type {
                        meter_reading_of_collection
                            .entry(related)
                            .or_insert((position, reading_position));
                    }
                }
                point.meter_readings.push(MeterReadingLinks {
                    entry: index,
                    reading_type,
                    interval_blocks: Vec::new(),
                });
            }
            ResourceKind::ElectricPowerQualitySummary => point.quality_summaries.push(index),
            _ => point.usage_summaries.push(index),
        }
    }

    // IntervalBlocks into their MeterReading.
    for (index, node) in nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.kind == ResourceKind::IntervalBlock)
    {
        let up = node.up_href.as_deref().map(normalize_href);
        match up.and_then(|up| meter_reading_of_collection.get(up)) {
            Some(&(point, reading)) => tree.usage_points[point].meter_readings[reading]
                .interval_blocks
                .push(index),
            None => tree.problems.push(LinkProblem::unplaced_block(
                index,
                node.self_href.as_deref(),
                node.up_href.as_deref(),
            )),
        }
    }

    // Whatever else stayed outside the tree is reported, never dropped.
    let linked_time_parameters: Vec<usize> = tree
        .usage_points
        .iter()
        .filter_map(|point| point.local_time_parameters)
        .collect();
    for (index, node) in nodes.iter().enumerate() {
        let left_out = match node.kind {
            ResourceKind::ReadingType => !reading_type_used[index],
            ResourceKind::LocalTimeParameters => !linked_time_parameters.contains(&index),
            _ => false,
        };
        if left_out {
            let target = if node.kind == ResourceKind::ReadingType {
                ResourceKind::MeterReading
            } else {
                ResourceKind::UsagePoint
            };
            tree.unlinked.push(LinkProblem {
                entry: index,
                target,
                message: format!(
                    "{:?} {} is not referenced by any {target:?}",
                    node.kind,
                    node.self_href.as_deref().unwrap_or("-"),
                ),
            });
        }
    }
    tree.problems.sort_by_key(|problem| problem.entry);
    tree.unlinked.sort_by_key(|problem| problem.entry);
    tree.unplaced = unplaced::group(nodes, &tree);
    tree
}

/// Entries by normalised `self` href; several entries may share one (real files do).
fn index_by_self(nodes: &[LinkNode]) -> HashMap<&str, Vec<usize>> {
    let mut index: HashMap<&str, Vec<usize>> = HashMap::new();
    for (position, node) in nodes.iter().enumerate() {
        if let Some(href) = node.self_href.as_deref() {
            index
                .entry(normalize_href(href))
                .or_default()
                .push(position);
        }
    }
    index
}

/// The UsagePoint owning a node: its `up` equals a collection link, or its `self`
/// lies under one.
fn find_owner(node: &LinkNode, owner_of_collection: &HashMap<&str, usize>) -> Option<usize> {
    if let Some(&owner) = node
        .up_href
        .as_deref()
        .and_then(|up| owner_of_collection.get(normalize_href(up)))
    {
        return Some(owner);
    }
    let self_href = normalize_href(node.self_href.as_deref()?);
    let (parent, _) = self_href.rsplit_once('/')?;
    owner_of_collection.get(parent).copied()
}

fn collection_name(kind: ResourceKind) -> &'static str {
    match kind {
        ResourceKind::MeterReading => "MeterReading",
        ResourceKind::ElectricPowerQualitySummary => "ElectricPowerQualitySummary",
        _ => "UsageSummary",
    }
}
