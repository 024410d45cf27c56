//! XML kept as it was read: elements the model has no type for.
//!
//! A resource type the codec does not know, an `xs:anyType` extension, or a child
//! the schema does not define is stored as a [`RawElement`] tree with every
//! namespace resolved, so it can be inspected and written back unchanged.

use serde::{Deserialize, Serialize};

/// A namespace-qualified XML name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct QualifiedName {
    /// Namespace URI, or `None` for a name in no namespace.
    pub namespace: Option<String>,
    /// Local part of the name.
    pub local: String,
    /// The prefix the document used, kept so the element is written back the same way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
}

impl QualifiedName {
    /// The `{namespace}local` (Clark) notation of the name.
    ///
    /// ```
    /// use espi_model::raw::QualifiedName;
    /// let name = QualifiedName { namespace: Some("http://naesb.org/espi".into()), local: "Foo".into(), prefix: None };
    /// assert_eq!(name.clark(), "{http://naesb.org/espi}Foo");
    /// ```
    pub fn clark(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{{{ns}}}{}", self.local),
            None => self.local.clone(),
        }
    }
}

/// An attribute of a raw element (namespace declarations are not attributes here).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawAttribute {
    /// The attribute's qualified name.
    pub name: QualifiedName,
    /// The attribute value, unescaped.
    pub value: String,
}

/// A node inside a raw element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RawNode {
    /// A child element.
    Element(RawElement),
    /// Character data, unescaped (CDATA sections are merged into text).
    Text(String),
}

/// An XML element with its attributes and content, all names resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawElement {
    /// The element name.
    pub name: QualifiedName,
    /// Attributes in document order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<RawAttribute>,
    /// Child nodes in document order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<RawNode>,
    /// Namespace bindings that attribute values refer to (the prefix of an `xsi:type`
    /// value such as `xsd:string`), so the writer declares them again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub value_namespaces: Vec<NamespaceBinding>,
}

/// A prefix bound to a namespace URI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamespaceBinding {
    /// The prefix.
    pub prefix: String,
    /// The namespace URI.
    pub uri: String,
}

impl RawElement {
    /// The concatenated text of this element and its descendants.
    pub fn text(&self) -> String {
        let mut out = String::new();
        self.collect_text(&mut out);
        out
    }

    fn collect_text(&self, out: &mut String) {
        for child in &self.children {
            match child {
                RawNode::Text(text) => out.push_str(text),
                RawNode::Element(element) => element.collect_text(out),
            }
        }
    }

    /// Child elements in document order.
    pub fn child_elements(&self) -> impl Iterator<Item = &RawElement> {
        self.children.iter().filter_map(|node| match node {
            RawNode::Element(element) => Some(element),
            RawNode::Text(_) => None,
        })
    }
}
