//! The Atom envelope (RFC 4287) that carries ESPI resources: feed, entry, link.

use crate::raw::{RawAttribute, RawElement};
use crate::resource::Resource;
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// An Atom link: `<link rel="…" href="…" type="…"/>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// The relation: `self`, `up`, `related` in ESPI feeds. GBA's atom.xsd requires
    /// it, so a link written without one does not validate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rel: Option<String>,
    /// The target, as written (absolute or relative).
    pub href: String,
    /// The optional media type, e.g. `espi-entry/UsagePoint` in GBA samples.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// Other attributes (`title`, `hreflang`, `length`…), kept in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_attributes: Vec<RawAttribute>,
}

impl Link {
    /// A link with a relation and a target.
    pub fn new(rel: &str, href: &str) -> Self {
        Link {
            rel: Some(rel.to_owned()),
            href: href.to_owned(),
            ..Link::default()
        }
    }
}

/// Metadata shared by feeds and entries.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    /// Attributes of the `feed` or `entry` element itself (`xml:lang`, `xml:base`…),
    /// other than namespace declarations and `xsi:` hints for validators.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<RawAttribute>,
    /// `atom:id`, e.g. `urn:uuid:…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `atom:title` text (may be empty in real files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// `atom:published`, as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// `atom:updated`, as written (some utilities write a bare date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
    /// `atom:link` elements in document order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    /// Other children (author, category, generator, extensions…), kept unchanged.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_elements: Vec<RawElement>,
}

impl Metadata {
    /// The href of the first link with relation `rel`.
    pub fn link(&self, rel: &str) -> Option<&str> {
        self.links
            .iter()
            .find(|link| link.rel.as_deref() == Some(rel))
            .map(|link| link.href.as_str())
    }

    /// Every href with relation `rel`, in document order.
    pub fn links_with_rel<'a>(&'a self, rel: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.links
            .iter()
            .filter(move |link| link.rel.as_deref() == Some(rel))
            .map(|link| link.href.as_str())
    }

    /// The `self` link.
    pub fn self_href(&self) -> Option<&str> {
        self.link("self")
    }

    /// The `up` link.
    pub fn up_href(&self) -> Option<&str> {
        self.link("up")
    }

    /// `updated` as a date-time, when it is RFC 3339.
    pub fn updated_time(&self) -> Option<DateTime<FixedOffset>> {
        parse_atom_date(self.updated.as_deref()?)
    }

    /// `published` as a date-time, when it is RFC 3339.
    pub fn published_time(&self) -> Option<DateTime<FixedOffset>> {
        parse_atom_date(self.published.as_deref()?)
    }
}

/// Parses an Atom date (RFC 3339, the profile of xs:dateTime that Atom requires).
///
/// ```
/// assert!(espi_model::atom::parse_atom_date("2012-10-24T00:00:00Z").is_some());
/// assert!(espi_model::atom::parse_atom_date("2012-10-24").is_none());
/// ```
pub fn parse_atom_date(text: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(text.trim()).ok()
}

/// An Atom entry: metadata plus the resources inside `atom:content`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// id, title, dates, links and other Atom children.
    #[serde(flatten)]
    pub meta: Metadata,
    /// The children of `atom:content` (normally exactly one ESPI resource).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub content: Vec<Resource>,
    /// Attributes of `atom:content` (`type`, `src`…), other than namespace
    /// declarations and `xsi:` hints.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub content_attributes: Vec<RawAttribute>,
}

impl Entry {
    /// The first resource of the content, if any.
    pub fn resource(&self) -> Option<&Resource> {
        self.content.first()
    }
}

/// An Atom feed: metadata and entries.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Feed {
    /// id, title, updated, links and other Atom children of the feed.
    #[serde(flatten)]
    pub meta: Metadata,
    /// The entries in document order.
    #[serde(default)]
    pub entries: Vec<Entry>,
}

/// A whole ESPI document: what its root element was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Document {
    /// An `atom:feed` root.
    Feed(Feed),
    /// A single `atom:entry` root.
    Entry(Entry),
    /// A bare resource root (for example a `ServiceStatus` or `BatchList` document).
    Resource(Box<Resource>),
}

impl Document {
    /// The entries of the document: all of a feed's, the single entry, or none.
    pub fn entries(&self) -> &[Entry] {
        match self {
            Document::Feed(feed) => &feed.entries,
            Document::Entry(entry) => std::slice::from_ref(entry),
            Document::Resource(_) => &[],
        }
    }

    /// Every resource of the document: the content of every entry, or the bare root.
    pub fn resources(&self) -> impl Iterator<Item = &Resource> {
        let bare = match self {
            Document::Resource(resource) => Some(resource.as_ref()),
            _ => None,
        };
        self.entries()
            .iter()
            .flat_map(|entry| entry.content.iter())
            .chain(bare)
    }
}
