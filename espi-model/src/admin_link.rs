//! Linking administrative resources: what each Authorization points at, and whether
//! Authorization and ApplicationInformation entries name themselves consistently.
//!
//! An Authorization carries its own URI (`authorizationURI`) and the URI of what it
//! grants (`resourceURI`: a Batch/Subscription, a Batch/Bulk, or for a
//! client-credentials registration grant an ApplicationInformation;
//! espi.xsd `Authorization`). An ApplicationInformation carries `registration_client_uri`, its own
//! URI. Where the entry also has a `self` link the two must agree; a `resourceURI`
//! or `related` link that names another entry of the document links to it. hrefs are
//! compared as [`comparable`] does.

use crate::customer_link::comparable;
use crate::link::{LinkNode, LinkProblem};
use crate::resource::ResourceKind;

/// The URIs an administrative resource states about itself and what it grants.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AdminUris {
    /// `authorizationURI` or `registration_client_uri`: the resource's own URI.
    pub own: Option<String>,
    /// `resourceURI` of an Authorization.
    pub grants: Option<String>,
}

/// One Authorization or ApplicationInformation and what it links to (entry indices).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AdminNode {
    /// The entry.
    pub entry: usize,
    /// Authorization or ApplicationInformation.
    pub kind: ResourceKind,
    /// The entry its `resourceURI` names, when that entry is in the document.
    pub grants: Option<usize>,
    /// Other entries its `related` links name.
    pub related: Vec<usize>,
}

/// The administrative resources of a document, linked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AdminLinks {
    /// Authorizations and ApplicationInformation entries in document order.
    pub nodes: Vec<AdminNode>,
    /// Inconsistent self-references.
    pub problems: Vec<LinkProblem>,
}

/// Links the Authorization and ApplicationInformation entries among `nodes`; `uris`
/// holds each entry's stated URIs (same indices).
pub fn link_admin(nodes: &[LinkNode], uris: &[AdminUris]) -> AdminLinks {
    let mut links = AdminLinks::default();
    let find = |href: &str| {
        let href = comparable(href);
        nodes.iter().position(|node| {
            node.self_href
                .as_deref()
                .is_some_and(|own| comparable(own) == href)
        })
    };
    for (index, node) in nodes.iter().enumerate() {
        if !matches!(
            node.kind,
            ResourceKind::Authorization | ResourceKind::ApplicationInformation
        ) {
            continue;
        }
        let stated = uris.get(index).cloned().unwrap_or_default();
        if let (Some(own), Some(self_href)) = (&stated.own, &node.self_href)
            && comparable(own) != comparable(self_href)
        {
            let field = if node.kind == ResourceKind::Authorization {
                "authorizationURI"
            } else {
                "registration_client_uri"
            };
            links.problems.push(LinkProblem {
                entry: index,
                target: node.kind,
                message: format!(
                    "{:?} {self_href}: its {field} {own} names another resource",
                    node.kind
                ),
            });
        }
        links.nodes.push(AdminNode {
            entry: index,
            kind: node.kind,
            grants: stated
                .grants
                .as_deref()
                .and_then(find)
                .filter(|&target| target != index),
            related: node
                .related
                .iter()
                .filter_map(|href| find(href))
                .filter(|&target| target != index)
                .collect(),
        });
    }
    links
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_authorization_links_to_the_application_it_grants() {
        let base = "https://dc.example//DataCustodian/espi/1_1/resource";
        let nodes = [
            LinkNode {
                kind: ResourceKind::ApplicationInformation,
                self_href: Some(format!("{base}/ApplicationInformation/2")),
                up_href: None,
                related: Vec::new(),
            },
            LinkNode {
                kind: ResourceKind::Authorization,
                self_href: Some(format!("{base}/Authorization/01")),
                up_href: None,
                related: Vec::new(),
            },
        ];
        let uris = [
            AdminUris {
                own: Some(
                    "https://dc.example/DataCustodian/espi/1_1/resource/ApplicationInformation/2"
                        .into(),
                ),
                grants: None,
            },
            AdminUris {
                own: Some(format!("{base}/Authorization/1")),
                grants: Some(
                    "https://dc.example/DataCustodian/espi/1_1/resource/ApplicationInformation/2"
                        .into(),
                ),
            },
        ];
        let links = link_admin(&nodes, &uris);
        assert_eq!(links.nodes[1].grants, Some(0));
        // `Authorization/01` is not `Authorization/1`: reported, as in one real file.
        assert_eq!(links.problems.len(), 1);
        assert_eq!(links.problems[0].entry, 1);
    }
}
