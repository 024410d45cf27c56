//! Linking retail customer (PII) data: Customer → CustomerAccount → CustomerAgreement →
//! ServiceLocation / ServiceSupplier / ProgramDateIdMappings, and ServiceLocation →
//! Meter / EndDevice, from the entries' Atom links.
//!
//! The customer resources live under hierarchical paths (the ESPI REST API's customer
//! resources:
//! `…/Customer/{id}/CustomerAccount/{id}/CustomerAgreement/{id}/ServiceLocation/{id}/Meter/{id}`).
//! A resource's collection is its `up` href, or its `self` href less the last
//! segment. It belongs to the parent of the expected kind when
//! - the parent has a `related` link equal to that collection (as for usage data), or
//! - the collection is the parent's `self` followed by `/` and the resource's name
//!   (the path alone, for Data Custodians that leave the `related` links out).
//!
//! hrefs are compared as in [`normalize_href`], with repeated `/` collapsed. Nothing
//! is guessed: a resource whose parent is not in the document, or that matches two
//! parents, is a [`LinkProblem`] and stands as a root of the tree with whatever is
//! linked under it (a single CustomerAgreement entry is such a root, as a single
//! IntervalBlock entry is a link problem of usage data). Customers and Statements are
//! roots.

use crate::link::{LinkNode, LinkProblem, normalize_href};
use crate::resource::ResourceKind;
use std::collections::HashMap;

/// The kind of parent each customer resource hangs under (the same paths).
const PARENTS: [(ResourceKind, ResourceKind); 7] = [
    (ResourceKind::CustomerAccount, ResourceKind::Customer),
    (
        ResourceKind::CustomerAgreement,
        ResourceKind::CustomerAccount,
    ),
    (
        ResourceKind::ServiceLocation,
        ResourceKind::CustomerAgreement,
    ),
    (
        ResourceKind::ServiceSupplier,
        ResourceKind::CustomerAgreement,
    ),
    (
        ResourceKind::ProgramDateIdMappings,
        ResourceKind::CustomerAgreement,
    ),
    (ResourceKind::Meter, ResourceKind::ServiceLocation),
    (ResourceKind::EndDevice, ResourceKind::ServiceLocation),
];

/// Customer resources that stand at the top of the tree.
const ROOTS: [ResourceKind; 2] = [ResourceKind::Customer, ResourceKind::Statement];

/// One customer resource with the resources under it (indices into the entries).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CustomerNode {
    /// The entry.
    pub entry: usize,
    /// Its kind.
    pub kind: ResourceKind,
    /// The resources under it, in document order.
    pub children: Vec<CustomerNode>,
}

/// The customer resources of a document, linked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CustomerTree {
    /// Customers and Statements, and the resources whose parent could not be found,
    /// in document order, with everything linked under them.
    pub roots: Vec<CustomerNode>,
    /// Customer resources that could not be placed, with the reason.
    pub problems: Vec<LinkProblem>,
}

/// Links the customer resources among `nodes` (see the module documentation).
///
/// ```
/// use espi_model::customer_link::link_customer;
/// use espi_model::link::LinkNode;
/// use espi_model::resource::ResourceKind;
///
/// let node = |kind, self_href: &str, up: &str| LinkNode {
///     kind,
///     self_href: Some(self_href.to_owned()),
///     up_href: Some(up.to_owned()),
///     related: Vec::new(),
/// };
/// let base = "https://dc.example/espi/1_1/resource/RetailCustomer/9/Customer";
/// let nodes = [
///     node(ResourceKind::Customer, &format!("{base}/1"), base),
///     node(ResourceKind::CustomerAccount, &format!("{base}/1/CustomerAccount/2"), &format!("{base}/1/CustomerAccount")),
/// ];
/// let tree = link_customer(&nodes);
/// assert!(tree.problems.is_empty());
/// assert_eq!(tree.roots[0].children[0].kind, ResourceKind::CustomerAccount);
/// ```
pub fn link_customer(nodes: &[LinkNode]) -> CustomerTree {
    let mut problems = Vec::new();
    let mut parent_of: Vec<Option<usize>> = vec![None; nodes.len()];
    let mut roots = Vec::new();
    for (index, node) in nodes.iter().enumerate() {
        if ROOTS.contains(&node.kind) {
            roots.push(index);
        }
        let Some(parent_kind) = parent_kind(node.kind) else {
            continue;
        };
        let found = find_parents(nodes, node, parent_kind);
        if let [parent] = found.as_slice() {
            parent_of[index] = Some(*parent);
            continue;
        }
        roots.push(index);
        problems.push(LinkProblem {
            entry: index,
            target: parent_kind,
            message: format!(
                "{:?} {} (up {}) {}",
                node.kind,
                node.self_href.as_deref().unwrap_or("-"),
                node.up_href.as_deref().unwrap_or("-"),
                if found.is_empty() {
                    format!("matches no {parent_kind:?} in the document")
                } else {
                    format!("matches {} {parent_kind:?} entries", found.len())
                }
            ),
        });
    }
    let mut children: HashMap<usize, Vec<usize>> = HashMap::new();
    for (child, parent) in parent_of.iter().enumerate() {
        if let Some(parent) = parent {
            children.entry(*parent).or_default().push(child);
        }
    }
    let roots = roots
        .into_iter()
        .map(|index| build(index, nodes, &children))
        .collect();
    CustomerTree { roots, problems }
}

/// The kind a customer resource must hang under, `None` for roots and other data.
fn parent_kind(kind: ResourceKind) -> Option<ResourceKind> {
    PARENTS
        .iter()
        .find(|(child, _)| *child == kind)
        .map(|(_, parent)| *parent)
}

/// The entries of `parent_kind` that `node` belongs to by either rule.
fn find_parents(nodes: &[LinkNode], node: &LinkNode, parent_kind: ResourceKind) -> Vec<usize> {
    let Some(collection) = collection_of(node) else {
        return Vec::new();
    };
    let name = node.kind.element_name().unwrap_or_default();
    let by_path = collection
        .strip_suffix(name)
        .and_then(|parent| parent.strip_suffix('/'));
    nodes
        .iter()
        .enumerate()
        .filter(|(_, candidate)| candidate.kind == parent_kind)
        .filter(|(_, candidate)| {
            let related = candidate
                .related
                .iter()
                .any(|href| comparable(href) == collection);
            let path = by_path.is_some_and(|parent| {
                candidate
                    .self_href
                    .as_deref()
                    .is_some_and(|own| comparable(own) == parent)
            });
            related || path
        })
        .map(|(index, _)| index)
        .collect()
}

/// The collection a resource is in: its `up` href, else its `self` less the last segment.
fn collection_of(node: &LinkNode) -> Option<String> {
    if let Some(up) = &node.up_href {
        return Some(comparable(up));
    }
    let own = comparable(node.self_href.as_deref()?);
    own.rsplit_once('/').map(|(parent, _)| parent.to_owned())
}

/// The comparison form of an href: [`normalize_href`] with `//` collapsed, as servers
/// treat it (`https://host//DataCustodian/…` is seen in the wild).
pub fn comparable(href: &str) -> String {
    let mut out = String::with_capacity(href.len());
    for c in normalize_href(href).chars() {
        if !(c == '/' && out.ends_with('/')) {
            out.push(c);
        }
    }
    out
}

fn build(index: usize, nodes: &[LinkNode], children: &HashMap<usize, Vec<usize>>) -> CustomerNode {
    CustomerNode {
        entry: index,
        kind: nodes[index].kind,
        children: children
            .get(&index)
            .map(|list| {
                list.iter()
                    .map(|&child| build(child, nodes, children))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::test_node as node;

    const BASE: &str = "https://dc.example/espi/1_1/resource/RetailCustomer/9/Customer/1";

    #[test]
    fn related_links_and_paths_both_link_the_whole_chain() {
        let account = format!("{BASE}/CustomerAccount/2");
        let agreement = format!("{account}/CustomerAgreement/3");
        let location = format!("{agreement}/ServiceLocation/4");
        let nodes = [
            node(ResourceKind::Customer, BASE, None, &[]),
            // Linked by the Customer's related link only (its self is elsewhere).
            node(
                ResourceKind::CustomerAccount,
                "/CustomerAccount/2",
                Some(&format!("{BASE}/CustomerAccount")),
                &[],
            ),
            node(
                ResourceKind::CustomerAgreement,
                &agreement,
                Some(&format!("{account}/CustomerAgreement")),
                &[],
            ),
            node(ResourceKind::ServiceLocation, &location, None, &[]),
            node(
                ResourceKind::Meter,
                &format!("{location}/Meter/5"),
                Some(&format!("{location}//Meter/")),
                &[],
            ),
        ];
        let mut nodes = nodes.to_vec();
        nodes[0].related = vec![format!("{BASE}/CustomerAccount")];
        nodes[1].self_href = Some(account.clone());
        let tree = link_customer(&nodes);
        assert_eq!(tree.problems, vec![]);
        let customer = &tree.roots[0];
        let meter = &customer.children[0].children[0].children[0].children[0];
        assert_eq!(meter.kind, ResourceKind::Meter);
        assert_eq!(meter.entry, 4);
    }

    #[test]
    fn a_resource_under_the_wrong_parent_is_a_problem() {
        // A Meter directly under a CustomerAgreement (as in one real file): no guess.
        let agreement = format!("{BASE}/CustomerAccount/2/CustomerAgreement/3");
        let nodes = [
            node(ResourceKind::CustomerAgreement, &agreement, None, &[]),
            node(
                ResourceKind::Meter,
                &format!("{agreement}/Meter/5"),
                Some(&format!("{agreement}/Meter")),
                &[],
            ),
        ];
        let tree = link_customer(&nodes);
        assert_eq!(tree.problems.len(), 2, "{:?}", tree.problems);
        assert!(
            tree.problems[1]
                .message
                .contains("matches no ServiceLocation")
        );
        // Both stand as roots: nothing is dropped from the tree.
        let roots: Vec<ResourceKind> = tree.roots.iter().map(|root| root.kind).collect();
        assert_eq!(
            roots,
            [ResourceKind::CustomerAgreement, ResourceKind::Meter]
        );
    }
}
