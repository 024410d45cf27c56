//! XML kept as it was read: elements the model has no type for.
//!
//! A resource type the codec does not know, an `xs:anyType` extension, or a child
//! the schema does not define is stored as a [`RawElement`] tree with every
//! namespace resolved, so it can be inspected and written back unchanged.

#[cfg(feature = "serde")]
use serde::{Deserialize, Serialize};

/// A namespace-qualified XML name.
///
/// Two names are equal when their namespace and local part are (as in XML Namespaces
/// 1.0 §2): the prefix is how one document spelled the namespace, not part of the name.
///
/// ```
/// use espi_model::raw::QualifiedName;
/// let espi = |prefix: Option<&str>| QualifiedName {
///     namespace: Some("http://naesb.org/espi".into()),
///     local: "denominator".into(),
///     prefix: prefix.map(str::to_owned),
/// };
/// assert_eq!(espi(None), espi(Some("ns0")));
/// ```
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct QualifiedName {
    /// Namespace URI, or `None` for a name in no namespace.
    pub namespace: Option<String>,
    /// Local part of the name.
    pub local: String,
    /// The prefix the document used (`None`: the default namespace). The writer uses a
    /// prefix already bound to the namespace where it writes the name, and declares this
    /// one only when none is.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub prefix: Option<String>,
}

impl PartialEq for QualifiedName {
    fn eq(&self, other: &QualifiedName) -> bool {
        self.namespace == other.namespace && self.local == other.local
    }
}

impl Eq for QualifiedName {}

impl std::hash::Hash for QualifiedName {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.namespace.hash(state);
        self.local.hash(state);
    }
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
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RawAttribute {
    /// The attribute's qualified name.
    pub name: QualifiedName,
    /// The attribute value, unescaped.
    pub value: String,
}

/// A node inside a raw element.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum RawNode {
    /// A child element.
    Element(RawElement),
    /// Character data, unescaped (CDATA sections are merged into text).
    Text(String),
}

/// An XML element with its attributes and content, all names resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RawElement {
    /// The element name.
    pub name: QualifiedName,
    /// Attributes in document order.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub attributes: Vec<RawAttribute>,
    /// Child nodes in document order.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub children: Vec<RawNode>,
    /// Namespace bindings that attribute values refer to (the prefix of an `xsi:type`
    /// value such as `xsd:string`), so the writer declares them again.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub value_namespaces: Vec<NamespaceBinding>,
}

/// A prefix bound to a namespace URI.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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

/// Raw elements in document order: `extension` children and the children a schema
/// does not define. Almost always empty, so it is one pointer wide (a `Vec` is three)
/// and allocates only when something is pushed: every resource and every interval
/// reading carries two of these.
///
/// It reads like a slice (`list[0]`, `list.len()`, `list.iter()`).
///
/// ```
/// use espi_model::raw::{QualifiedName, RawElement, RawList};
/// let mut list = RawList::default();
/// assert!(list.is_empty());
/// list.push(RawElement {
///     name: QualifiedName { namespace: None, local: "note".into(), prefix: None },
///     attributes: Vec::new(),
///     children: Vec::new(),
///     value_namespaces: Vec::new(),
/// });
/// assert_eq!(list[0].name.local, "note");
/// assert_eq!(std::mem::size_of::<RawList>(), std::mem::size_of::<usize>());
/// ```
#[derive(Debug, Clone, Default)]
#[allow(
    clippy::box_collection,
    reason = "the box keeps the empty list one pointer wide; a Vec is three"
)]
pub struct RawList(Option<Box<Vec<RawElement>>>);

impl RawList {
    /// An empty list (usable in constants).
    pub const fn new() -> RawList {
        RawList(None)
    }

    /// Appends an element.
    pub fn push(&mut self, element: RawElement) {
        self.0.get_or_insert_with(Box::default).push(element);
    }

    /// The elements as a slice.
    pub fn as_slice(&self) -> &[RawElement] {
        self.0.as_deref().map_or(&[], Vec::as_slice)
    }

    /// Whether there is no element (also what serde uses to leave the field out).
    pub fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }
}

impl std::ops::Deref for RawList {
    type Target = [RawElement];
    fn deref(&self) -> &[RawElement] {
        self.as_slice()
    }
}

impl PartialEq for RawList {
    fn eq(&self, other: &RawList) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for RawList {}

impl From<Vec<RawElement>> for RawList {
    fn from(elements: Vec<RawElement>) -> RawList {
        RawList((!elements.is_empty()).then(|| Box::new(elements)))
    }
}

impl FromIterator<RawElement> for RawList {
    fn from_iter<I: IntoIterator<Item = RawElement>>(elements: I) -> RawList {
        RawList::from(elements.into_iter().collect::<Vec<_>>())
    }
}

impl<'a> IntoIterator for &'a RawList {
    type Item = &'a RawElement;
    type IntoIter = std::slice::Iter<'a, RawElement>;
    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

#[cfg(feature = "serde")]
impl Serialize for RawList {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.as_slice().serialize(serializer)
    }
}

#[cfg(feature = "serde")]
impl<'de> Deserialize<'de> for RawList {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<RawElement>::deserialize(deserializer).map(RawList::from)
    }
}
